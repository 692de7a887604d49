//! `ims-iam diff`: what a change to the policies adds and removes (SPEC 5).

use std::collections::BTreeSet;
use std::process::ExitCode;

use serde_json::json;

use super::Format;
use super::analysis_io::{
    Failure, fail, is_json, load_principals, operation_value, print_json, request_json, scope_json,
};
use ims_iam::analysis::{Change, DiffReport, diff};
use ims_iam::{PrincipalKind, Principals};

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// A policy file of the old set, with its scope (repeatable).
    #[arg(long = "old", value_name = "FILE[@SCOPE]")]
    old: Vec<String>,
    /// A policy file of the new set, with its scope (repeatable).
    #[arg(long = "new", value_name = "FILE[@SCOPE]")]
    new: Vec<String>,
    /// The old principals file (compared user by user and group by group with `--new-principals`).
    #[arg(long = "old-principals", value_name = "FILE", requires = "new_principals")]
    old_principals: Option<String>,
    /// The new principals file.
    #[arg(long = "new-principals", value_name = "FILE", requires = "old_principals")]
    new_principals: Option<String>,
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
        let list = |l: &[Change]| -> Vec<serde_json::Value> {
            l.iter()
                .map(|c| {
                    json!({
                        "operation": operation_value(c.operation),
                        "old": c.old,
                        "new": c.new,
                        "scope": scope_json(&c.scope),
                        "principal": c.principal,
                        "request": request_json(&c.request),
                    })
                })
                .collect()
        };
        print_json(&json!({
            "new_access": list(&report.new_access),
            "removed_access": list(&report.removed_access),
        }));
    } else {
        super::out(&to_text(&report));
    }
    if report.new_access.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

fn compute(args: &Args) -> Result<DiffReport, Failure> {
    let old = super::authorize::load_policies(&args.old)?;
    let new = super::authorize::load_policies(&args.new)?;
    let mut report = diff(&old, &new)?;
    if let (Some(o), Some(n)) = (&args.old_principals, &args.new_principals) {
        let (po, pn) = (load_principals(o)?, load_principals(n)?);
        for (kind, name) in principals_of(&po).union(&principals_of(&pn)) {
            let mut old_p = old.clone();
            old_p.extend(po.policies_of(*kind, name).unwrap_or_default());
            let mut new_p = new.clone();
            new_p.extend(pn.policies_of(*kind, name).unwrap_or_default());
            let mut r = diff(&old_p, &new_p)?;
            let label = format!("{} {name}", kind.as_str());
            for c in r.new_access.iter_mut().chain(r.removed_access.iter_mut()) {
                c.principal = Some(label.clone());
            }
            report.new_access.extend(r.new_access);
            report.removed_access.extend(r.removed_access);
        }
    }
    Ok(report)
}

fn principals_of(p: &Principals) -> BTreeSet<(PrincipalKind, String)> {
    p.groups()
        .map(|g| (PrincipalKind::Group, g.to_owned()))
        .chain(p.users().map(|u| (PrincipalKind::User, u.to_owned())))
        .collect()
}

/// The table a reviewer reads in a pull request: operation, scope, old -> new, the request.
pub(crate) fn to_text(report: &DiffReport) -> String {
    let mut out = String::new();
    for (title, list) in [
        ("new access", &report.new_access),
        ("removed access", &report.removed_access),
    ] {
        if list.is_empty() {
            out.push_str(&format!("{title}: none (proven)\n"));
            continue;
        }
        out.push_str(&format!("{title}: {}\n", list.len()));
        out.push_str("| principal | operation | scope | old -> new | request |\n|---|---|---|---|---|\n");
        for c in list.iter() {
            out.push_str(&format!(
                "| {} | {} {} | {} | {} -> {} | `{}` |\n",
                c.principal.as_deref().unwrap_or("-"),
                c.operation.method().as_str(),
                c.operation.template(),
                c.scope,
                c.old,
                c.new,
                c.request.command_line()
            ));
        }
    }
    out
}
