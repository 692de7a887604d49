//! `ims-iam routes`: prints the permission matrix.

use std::process::ExitCode;

use ims_iam::Operation;
use serde_json::Value;

use super::Format;
use super::json::operation_json;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Output format: an aligned table, or a JSON array of operation objects.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
    #[command(flatten)]
    cloud: super::cloud::CloudArg,
}

pub(crate) fn run(args: &Args) -> ExitCode {
    match args.format {
        Format::Json => {
            let all = Value::Array(args.cloud.cloud.operations().iter().map(operation_json).collect());
            match serde_json::to_string_pretty(&all) {
                Ok(text) => super::out(&format!("{text}\n")),
                Err(e) => {
                    eprintln!("error: {e}");
                    return ExitCode::from(super::EXIT_ERROR);
                }
            }
        }
        Format::Text => super::out(&table(args.cloud.cloud.operations())),
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
