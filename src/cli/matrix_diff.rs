//! `ims-iam matrix diff --cloud A --cloud B`: the rows whose facts differ between two cloud profiles.
//!
//! Exit codes, as diff(1): 0 the profiles agree on every row, 1 some row differs, 2 usage.

use std::process::ExitCode;

use ims_iam::{Cloud, Operation};
use serde_json::{Value, json};

use super::json::operation_json;
use super::{EXIT_ERROR, Format};

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Exit codes (as diff(1)): 0 the profiles agree on every row, 1 some row differs, 2 usage error."
)]
pub(crate) struct Args {
    /// The two profiles to compare: `--cloud otc --cloud huawei-cloud`.
    #[arg(long = "cloud", value_name = "NAME", required = true, value_parser = super::cloud::parse)]
    clouds: Vec<Cloud>,
    /// Output format: one block per differing row, or JSON `{"clouds": [A, B], "rows": [...]}`.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

/// A row's facts in one profile, for the text output.
fn facts(op: &Operation) -> String {
    let actions: Vec<String> = op
        .actions()
        .iter()
        .map(|a| match a.situation() {
            Some(s) => format!("{} [if {s}]", a.action()),
            None => a.action().to_owned(),
        })
        .collect();
    let actions = if actions.is_empty() {
        "-".to_owned()
    } else {
        actions.join(", ")
    };
    let dependencies: Vec<&str> = op.dependency_actions().collect();
    let dependencies = if dependencies.is_empty() {
        "-".to_owned()
    } else {
        dependencies.join(", ")
    };
    format!(
        "actions: {actions}; dependencies: {dependencies}; EP: {}; sources: {}",
        if op.enterprise_project() { "Y" } else { "x" },
        op.sources().join(", ")
    )
}

pub(crate) fn run(args: &Args) -> ExitCode {
    let [a, b] = args.clouds[..] else {
        eprintln!("error: `matrix diff` compares two profiles: give `--cloud` exactly twice");
        return ExitCode::from(EXIT_ERROR);
    };
    let rows: Vec<(&Operation, &Operation)> = a.differences(b).collect();
    let text = match args.format {
        Format::Json => {
            let rows: Vec<Value> = rows
                .iter()
                .map(|(x, y)| {
                    json!({
                        "method": x.method().as_str(),
                        "template": x.template(),
                        "name": x.name(),
                        a.id(): operation_json(x),
                        b.id(): operation_json(y),
                    })
                })
                .collect();
            let all = json!({"clouds": [a.id(), b.id()], "rows": rows});
            serde_json::to_string_pretty(&all).unwrap_or_default() + "\n"
        }
        Format::Text => {
            let mut out = String::new();
            for (x, y) in &rows {
                out.push_str(&format!("{x}  ({})\n", x.name()));
                out.push_str(&format!("  {a}: {}\n", facts(x)));
                out.push_str(&format!("  {b}: {}\n", facts(y)));
            }
            out.push_str(&format!("{} rows differ between {a} and {b}\n", rows.len()));
            out
        }
    };
    super::out(&text);
    if rows.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}
