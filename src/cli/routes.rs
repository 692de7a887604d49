//! `ims-iam routes`: prints the permission matrix.

use std::process::ExitCode;

use ims_iam::Operation;
use serde_json::Value;

use super::json::operation_json;

/// Output format of `routes`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Default)]
pub(crate) enum RoutesFormat {
    /// A compact table within 100 columns: one required action per line.
    #[default]
    Table,
    /// The full table (one row per API: actions, flags, basis, section) with a legend; wide.
    Text,
    /// CSV with a header row: method, template, actions (`;`-separated), iam_project,
    /// enterprise_project, basis, section.
    Csv,
    /// A JSON array of operation objects (method, template, name, actions, flags, dependencies,
    /// sources, ...); field names are stable.
    Json,
}

#[derive(Debug, clap::Args)]
#[command(after_help = "Exit codes: 0 printed, 2 usage error.")]
pub(crate) struct Args {
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: RoutesFormat,
    #[command(flatten)]
    cloud: super::cloud::CloudArg,
}

pub(crate) fn run(args: &Args) -> ExitCode {
    match args.format {
        RoutesFormat::Json => {
            let all = Value::Array(args.cloud.cloud.operations().iter().map(operation_json).collect());
            match serde_json::to_string_pretty(&all) {
                Ok(text) => super::out(&format!("{text}\n")),
                Err(e) => {
                    eprintln!("error: {e}");
                    return ExitCode::from(super::EXIT_ERROR);
                }
            }
        }
        RoutesFormat::Text => super::out(&table(args.cloud.cloud.operations())),
        RoutesFormat::Table => super::out(&compact(args.cloud.cloud.operations())),
        RoutesFormat::Csv => super::out(&csv(args.cloud.cloud.operations())),
    }
    ExitCode::SUCCESS
}

const HEADER: [&str; 7] = ["METHOD", "TEMPLATE", "ACTIONS", "IAM", "EP", "BASIS", "SECTION"];

/// The actions cell: every required action, a conditional one followed by `[if <situation>]`;
/// `-` for an API that needs none.
fn actions_cell(op: &Operation) -> String {
    if op.actions().is_empty() {
        return "-".to_owned();
    }
    op.actions()
        .iter()
        .map(|a| match a.situation() {
            Some(s) => format!("{} [if {s}]", a.action()),
            None => a.action().to_owned(),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn flag(b: bool) -> &'static str {
    if b { "Y" } else { "x" }
}

/// The widest line [`compact`] writes.
const MAX_WIDTH: usize = 100;

/// Where [`compact`] writes an action that does not fit after the flags.
const WRAP_INDENT: usize = 9;

/// The compact table: method, template, IAM and EP flags, then one required action per line; an
/// action (with its `[if SITUATION]`) that would pass 100 columns wraps to a line of its own, indented
/// under the template.
fn compact(ops: &[Operation]) -> String {
    let template_w = ops.iter().map(|op| op.template().len()).max().unwrap_or(0).max(8);
    let lead = 6 + 1 + template_w + 1 + 3 + 1 + 2 + 1;
    let mut out = format!(
        "{:<6} {:<template_w$} {:<3} {:<2} ACTIONS\n",
        "METHOD", "TEMPLATE", "IAM", "EP"
    );
    for op in ops {
        let mut lines: Vec<String> = op
            .actions()
            .iter()
            .map(|a| match a.situation() {
                Some(s) => format!("{} [if {s}]", a.action()),
                None => a.action().to_owned(),
            })
            .collect();
        if lines.is_empty() {
            lines.push("-".to_owned());
        }
        let first_fits = lead + lines[0].len() <= MAX_WIDTH;
        let head = if first_fits { lines[0].as_str() } else { "" };
        let row = format!(
            "{:<6} {:<template_w$} {:<3} {:<2} {head}",
            op.method().as_str(),
            op.template(),
            flag(op.iam_project()),
            flag(op.enterprise_project()),
        );
        out.push_str(row.trim_end());
        out.push('\n');
        for action in &lines[usize::from(first_fits)..] {
            if lead + action.len() <= MAX_WIDTH {
                out.push_str(&format!("{:lead$}{action}\n", ""));
            } else {
                // Wrapped under the template.
                out.push_str(&format!("{:WRAP_INDENT$}{action}\n", ""));
            }
        }
    }
    out.push_str(
        "\nIAM / EP: authorized by IAM-project / enterprise-project policies (Y/x). `--format text` adds \
         each\nrow's basis and section, `--format json` everything.\n",
    );
    out
}

/// A CSV field, quoted when it holds a comma, quote or line break.
fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

/// CSV: a header row, then one row per operation.
fn csv(ops: &[Operation]) -> String {
    let mut out = String::from("method,template,actions,iam_project,enterprise_project,basis,section\n");
    for op in ops {
        let actions = actions_cell(op).replace(", ", ";");
        let cells = [
            op.method().as_str().to_owned(),
            op.template().to_owned(),
            actions,
            flag(op.iam_project()).to_owned(),
            flag(op.enterprise_project()).to_owned(),
            op.basis().id().to_owned(),
            op.section().as_str().to_owned(),
        ];
        let row: Vec<String> = cells.iter().map(|c| csv_field(c)).collect();
        out.push_str(&row.join(","));
        out.push('\n');
    }
    out
}

/// The aligned table, one row per operation, with a legend.
fn table(ops: &[Operation]) -> String {
    let rows: Vec<[String; 7]> = ops
        .iter()
        .map(|op| {
            [
                op.method().as_str().to_owned(),
                op.template().to_owned(),
                actions_cell(op),
                flag(op.iam_project()).to_owned(),
                flag(op.enterprise_project()).to_owned(),
                op.basis().id().to_owned(),
                op.section().as_str().to_owned(),
            ]
        })
        .collect();
    let mut widths = HEADER.map(str::len);
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let mut line = |cells: [&str; 7]| {
        let mut text = String::new();
        for (i, (cell, w)) in cells.iter().zip(widths).enumerate() {
            if i + 1 == cells.len() {
                text.push_str(cell);
            } else {
                text.push_str(&format!("{cell:<w$}  "));
            }
        }
        out.push_str(text.trim_end());
        out.push('\n');
    };
    line(HEADER);
    for row in &rows {
        line(row.each_ref().map(String::as_str));
    }
    out.push_str(
        "\nIAM: authorized by IAM-project policies (Y/x); EP: by enterprise-project policies (Y/x).\n\
         [if SITUATION]: the action is required only in that documented situation.\n\
         BASIS: permission-table (a permission page lists the row), inferred (from a counterpart, never \
         fewer actions), decision (no page gives the actions; see below).\n",
    );
    let mut explained = ops
        .iter()
        .filter(|op| op.inferred_from().is_some() || op.basis_note().is_some());
    if let Some(first) = explained.next() {
        out.push_str("\nRows no permission page lists:\n");
        for op in std::iter::once(first).chain(explained) {
            let from = op
                .inferred_from()
                .map(|f| format!("inferred from {f}"))
                .unwrap_or_default();
            let note = op.basis_note().unwrap_or_default();
            let sep = if from.is_empty() || note.is_empty() {
                ""
            } else {
                "; "
            };
            out.push_str(&format!("  {op} ({}): {from}{sep}{note}\n", op.basis()));
        }
    }
    if let Some(cloud) = ops.first().map(|op| op.cloud()) {
        out.push_str(&format!("\nCloud profile: {cloud} ({}).\n", cloud.name()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use ims_iam::operations;

    #[test]
    fn the_compact_table_fits_100_columns_and_lists_every_action() {
        let text = compact(operations());
        for line in text.lines() {
            assert!(
                line.chars().count() <= MAX_WIDTH,
                "{} columns: {line}",
                line.chars().count()
            );
        }
        let actions: usize = operations().iter().map(|op| op.actions().len()).sum();
        let listed = text
            .lines()
            .skip(1)
            .take_while(|l| !l.is_empty())
            .flat_map(str::split_whitespace)
            .filter(|word| word.contains(':'))
            .count();
        assert_eq!(listed, actions);
    }

    #[test]
    fn csv_has_one_row_per_operation_and_quotes_commas() {
        let text = csv(operations());
        assert_eq!(text.lines().count(), operations().len() + 1);
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("a\"b"), "\"a\"\"b\"");
    }

    #[test]
    fn every_row_is_one_line_and_columns_align() {
        let text = table(operations());
        let lines: Vec<&str> = text.lines().take_while(|l| !l.is_empty()).collect();
        assert_eq!(lines.len(), operations().len() + 1);
        let template_col = lines[0].find("TEMPLATE").unwrap();
        for (line, op) in lines[1..].iter().zip(operations()) {
            assert_eq!(
                &line[template_col..template_col + op.template().len()],
                op.template()
            );
        }
    }
}
