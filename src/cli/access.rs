//! `ims-iam access`: what a policy set allows (SPEC 5).

use std::process::ExitCode;

use clap::ValueEnum;
use serde_json::json;

use super::analysis_io::{
    Failure, cite_json, fail, operation_value, print_json, request_json, scope_json, subject_policies,
};
use ims_iam::analysis::{AccessReport, access};

/// Output format of `access`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub(crate) enum AccessFormat {
    /// A table.
    #[default]
    Text,
    /// JSON.
    Json,
    /// CSV, one line per operation and scope situation.
    Csv,
}

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// A policy file with its attachment scope (repeatable): `FILE`, `FILE@project:ID`, ...
    #[arg(long = "policy", value_name = "FILE[@SCOPE]")]
    policies: Vec<String>,
    /// A principals file; with `--user` or `--group`, analyse that principal's policies.
    #[arg(long, value_name = "FILE")]
    principals: Option<String>,
    /// The user of the principals file.
    #[arg(long, value_name = "NAME", conflicts_with = "group")]
    user: Option<String>,
    /// The group of the principals file.
    #[arg(long, value_name = "NAME")]
    group: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: AccessFormat,
}

pub(crate) fn run(args: &Args) -> ExitCode {
    let json_output = args.format == AccessFormat::Json;
    let report = subject_policies(
        &args.policies,
        args.principals.as_deref(),
        args.user.as_deref(),
        args.group.as_deref(),
    )
    .and_then(|p| access(&p).map_err(Failure::from));
    let report = match report {
        Ok(r) => r,
        Err(f) => return fail(json_output, &f),
    };
    match args.format {
        AccessFormat::Json => print_json(&to_json(&report)),
        AccessFormat::Csv => super::out(&to_csv(&report)),
        AccessFormat::Text => super::out(&to_text(&report)),
    }
    ExitCode::SUCCESS
}

fn to_json(report: &AccessReport) -> serde_json::Value {
    let rows: Vec<_> = report
        .rows()
        .iter()
        .map(|r| {
            json!({
                "operation": operation_value(r.operation()),
                "answer": r.answer().as_str(),
                "scopes": r.scopes().map(|s| scope_json(&s)).collect::<Vec<_>>(),
                "statements": r.statements().map(cite_json).collect::<Vec<_>>(),
                "allow_example": r.allow_example().map(request_json),
                "deny_example": r.deny_example().map(request_json),
            })
        })
        .collect();
    json!({ "access": rows })
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

fn to_csv(report: &AccessReport) -> String {
    let mut out = String::from(
        "method,template,name,project,enterprise_project,situations,answer,statements,allow_example,deny_example\n",
    );
    for r in report.rows() {
        let statements: Vec<String> = r.statements().map(ToString::to_string).collect();
        for s in r.scopes() {
            let situations: Vec<&str> = s.situations().iter().map(|s| s.id()).collect();
            let fields = [
                r.operation().method().as_str().to_owned(),
                r.operation().template().to_owned(),
                r.operation().name().to_owned(),
                s.project().to_string(),
                s.enterprise_project().to_string(),
                situations.join(" "),
                r.answer().as_str().to_owned(),
                statements.join("; "),
                r.allow_example().map(|e| e.command_line()).unwrap_or_default(),
                r.deny_example().map(|e| e.command_line()).unwrap_or_default(),
            ];
            let line: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
            out.push_str(&line.join(","));
            out.push('\n');
        }
    }
    out
}

fn to_text(report: &AccessReport) -> String {
    let mut out = String::new();
    for r in report.rows() {
        let scopes: Vec<String> = r.scopes().map(|s| s.to_string()).collect();
        out.push_str(&format!(
            "{:<11} {} {}\n    where: {}\n",
            r.answer().as_str(),
            r.operation().method().as_str(),
            r.operation().template(),
            scopes.join(" | ")
        ));
        for s in r.statements() {
            out.push_str(&format!("    {s}\n"));
        }
        if let Some(e) = r.allow_example() {
            out.push_str(&format!("    allowed: {}\n", e.command_line()));
        }
        if let (Some(e), ims_iam::analysis::Answer::Conditional) = (r.deny_example(), r.answer()) {
            out.push_str(&format!("    denied:  {}\n", e.command_line()));
        }
    }
    out
}
