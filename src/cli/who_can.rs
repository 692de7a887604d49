//! `ims-iam who-can`: which users and groups may call an API (SPEC 5).

use std::process::ExitCode;

use serde_json::json;

use super::Format;
use super::analysis_io::{
    Failure, cite_json, fail, is_json, load_principals, operation_value, print_json, request_json,
};
use ims_iam::ContextLimits;
use ims_iam::analysis::{WhoCanEntry, WhoCanReport, who_can};
use ims_iam::route;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The principals file.
    #[arg(long, value_name = "FILE")]
    principals: String,
    /// A condition-key value the question fixes (repeatable); other keys range over every value.
    #[arg(long = "context", value_name = "KEY=VALUE")]
    context: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
    /// The request's method.
    method: String,
    /// The request-target.
    target: String,
}

pub(crate) fn run(args: &Args) -> ExitCode {
    let json_output = is_json(args.format);
    let (report, operation) = match compute(args) {
        Ok(r) => r,
        Err(f) => return fail(json_output, &f),
    };
    if json_output {
        let list = |l: &[WhoCanEntry], when: bool| -> Vec<serde_json::Value> {
            l.iter()
                .map(|e| {
                    let mut v = json!({
                        "name": e.name,
                        "kind": e.kind.as_str(),
                        "statements": e.statements.iter().map(cite_json).collect::<Vec<_>>(),
                        "example": e.example.as_ref().map(request_json),
                    });
                    if when {
                        v["when"] = json!(e.when);
                    }
                    v
                })
                .collect()
        };
        print_json(&json!({
            "operation": operation_value(operation),
            "allowed": list(&report.allowed, false),
            "conditional": list(&report.conditional, true),
            "denied": list(&report.denied, false),
        }));
    } else {
        let mut out = format!("{} {}\n", operation.method().as_str(), operation.template());
        for (title, list) in [
            ("allowed", &report.allowed),
            ("conditional", &report.conditional),
            ("denied", &report.denied),
        ] {
            out.push_str(&format!("{title}:\n"));
            for e in list.iter() {
                out.push_str(&format!("  {} {}\n", e.kind.as_str(), e.name));
                for w in &e.when {
                    out.push_str(&format!("    when {w}\n"));
                }
                for s in &e.statements {
                    out.push_str(&format!("    {s}\n"));
                }
            }
        }
        super::out(&out);
    }
    ExitCode::SUCCESS
}

fn compute(args: &Args) -> Result<(WhoCanReport, &'static ims_iam::Operation), Failure> {
    let routed = route(&args.method, &args.target).map_err(|e| Failure {
        kind: e.kind(),
        message: e.to_string(),
    })?;
    let mut pairs = Vec::new();
    for kv in &args.context {
        let (k, v) = kv.split_once('=').ok_or_else(|| Failure {
            kind: "invalid_context",
            message: format!("`--context {kv}` is not KEY=VALUE"),
        })?;
        pairs.push((k.to_owned(), v.to_owned()));
    }
    ContextLimits::default()
        .check(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .map_err(|e| Failure {
            kind: e.kind(),
            message: format!("--context: {e}"),
        })?;
    let principals = load_principals(&args.principals)?;
    let report = who_can(&principals, routed.operation(), routed.project_id(), &pairs)?;
    Ok((report, routed.operation()))
}
