//! `ims-iam check`: prove `--never` and `--only` specifications (SPEC 5).

use std::process::ExitCode;

use serde_json::json;

use super::Format;
use super::analysis_io::{
    Failure, fail, is_json, load_principals, operation_value, print_json, request_json, scope_json,
};
use ims_iam::analysis::{CheckReport, CheckSpec, check, check_principals};

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// A policy file with its scope (repeatable).
    #[arg(long = "policy", value_name = "FILE[@SCOPE]")]
    policies: Vec<String>,
    /// A principals file: the specifications must hold for every user and group.
    #[arg(long, value_name = "FILE")]
    principals: Option<String>,
    /// With `--principals`: a group (and its members) the specifications do not apply to (repeatable).
    #[arg(long, value_name = "GROUP", requires = "principals")]
    except: Vec<String>,
    /// No request situation of SPEC (an action pattern or `"METHOD /template"`) is allowed (repeatable).
    #[arg(long, value_name = "SPEC")]
    never: Vec<String>,
    /// Nothing outside the `--only` SPECs is allowed (repeatable).
    #[arg(long, value_name = "SPEC")]
    only: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

pub(crate) fn run(args: &Args) -> ExitCode {
    let json_output = is_json(args.format);
    let report = match compute(args) {
        Ok(r) => r,
        Err(f) => return fail(json_output, &f),
    };
    if json_output {
        let violations: Vec<_> = report
            .violations
            .iter()
            .map(|v| {
                json!({
                    "spec": v.spec,
                    "principal": v.principal,
                    "operation": operation_value(v.operation),
                    "scope": scope_json(&v.scope),
                    "request": request_json(&v.request),
                })
            })
            .collect();
        print_json(&json!({"holds": report.holds(), "violations": violations}));
    } else if report.holds() {
        super::out("holds (proven)\n");
    } else {
        let mut out = format!("violated: {} request situations\n", report.violations.len());
        for v in &report.violations {
            out.push_str(&format!(
                "  {}{}: {} {} at {}\n    {}\n",
                v.spec,
                v.principal
                    .as_ref()
                    .map(|p| format!(" ({p})"))
                    .unwrap_or_default(),
                v.operation.method().as_str(),
                v.operation.template(),
                v.scope,
                v.request.command_line()
            ));
        }
        super::out(&out);
    }
    if report.holds() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

fn compute(args: &Args) -> Result<CheckReport, Failure> {
    if args.never.is_empty() && args.only.is_empty() {
        return Err(Failure {
            kind: "usage",
            message: "give at least one --never SPEC or --only SPEC".into(),
        });
    }
    let mut specs = Vec::new();
    for s in &args.never {
        specs.push(CheckSpec::never(s)?);
    }
    for s in &args.only {
        specs.push(CheckSpec::only(s)?);
    }
    let policies = super::authorize::load_policies(&args.policies)?;
    match &args.principals {
        None => Ok(check(&policies, &specs)?),
        Some(path) => {
            let principals = load_principals(path)?;
            let mut report = check_principals(&principals, &specs, &args.except)?;
            if !policies.is_empty() {
                report.violations.extend(check(&policies, &specs)?.violations);
            }
            Ok(report)
        }
    }
}
