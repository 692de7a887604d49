//! `ims-iam authorize`: decide one request against policy files (SPEC 4).
//!
//! Exit codes: 0 allow, 1 deny, 2 error (unreadable or invalid policy, unroutable or invalid request,
//! usage). An error is never an allow: the JSON output then says `"decision": "deny", "reason": "error"`.

use std::process::ExitCode;

use serde_json::{Value, json};

use super::json::{error_json, operation_json, params_json};
use super::{EXIT_ERROR, Format};
use ims_iam::{
    Context, ContextLimits, Explanation, Policy, PolicySet, Reason, Request, Router, Scope, Situation,
};

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Exit codes: 0 allow, 1 deny, 2 error (unreadable or invalid policy, unroutable or \
                        invalid request, usage); an error is never an allow.\n\
                        Warnings (stderr): an `ims:` action without wildcards that no IMS API requires \
                        (a typo such as `ims:images:updat`) grants or denies nothing."
)]
pub(crate) struct Args {
    /// A policy file, optionally with its attachment scope: `FILE`, `FILE@global`, `FILE@project:ID`,
    /// `FILE@enterprise-project:ID` (repeatable; default scope global). The scope follows the last
    /// `@`; a file whose name contains `@` is passed with its scope: `a@b@global`.
    #[arg(long = "policy", value_name = "FILE[@SCOPE]")]
    policies: Vec<String>,
    /// The IAM project of the request (when the path has no `{project_id}`): 32 hex characters.
    #[arg(long, value_name = "ID")]
    project: Option<String>,
    /// The enterprise project of the resource the request acts on.
    #[arg(long = "enterprise-project", value_name = "ID")]
    enterprise_project: Option<String>,
    /// A condition-key value, e.g. `g:SourceIp=10.0.0.1` (repeatable; a key given twice is multi-valued;
    /// at most 128 values, keys of 1,024 bytes and values of 4,096 bytes).
    #[arg(long = "context", value_name = "KEY=VALUE")]
    context: Vec<String>,
    /// A documented situation that holds, making the actions conditional on it required (repeatable):
    /// enterprise-project-migration, enterprise-projects-enabled, system-disk-image-import,
    /// data-disk-image-import.
    #[arg(long = "situation", value_name = "SITUATION")]
    situations: Vec<String>,
    /// Also print every note: skipped conditional actions, statements resolved on the safe side,
    /// out-of-scope attachments, dependent actions.
    #[arg(long)]
    explain: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
    #[command(flatten)]
    cloud: super::cloud::CloudArg,
    /// The request's method, e.g. `PUT`.
    method: String,
    /// The request-target as received, e.g. `/v2/images/<uuid>/tags/env`.
    target: String,
}

/// A failure before a decision: its kind for JSON and its message.
struct Failure {
    kind: &'static str,
    message: String,
}

impl Failure {
    fn new(kind: &'static str, message: impl Into<String>) -> Failure {
        Failure {
            kind,
            message: message.into(),
        }
    }
}

/// Splits `FILE@SCOPE` at the last `@`. A suffix that looks like a scope attempt (it has a `:`, or is a
/// word without `/` or `.`) must be a valid scope; any other suffix belongs to the file name
/// (`team@corp/readers.json`). A file whose name ends in `@word` is passed with its scope:
/// `policy@v2@global`.
pub(crate) fn split_policy_arg(arg: &str) -> Result<(&str, Scope), String> {
    let Some((file, suffix)) = arg.rsplit_once('@') else {
        return Ok((arg, Scope::Global));
    };
    if !suffix.contains(':') && suffix.contains(['/', '.']) {
        return Ok((arg, Scope::Global));
    }
    suffix
        .parse()
        .map(|scope| (file, scope))
        .map_err(|e: ims_iam::ScopeError| {
            format!(
                "`--policy {arg}`: {e} after the last `@` (a file whose name contains `@` is passed with \
             its scope, e.g. `FILE@global`)"
            )
        })
}

/// Loads `--policy FILE[@SCOPE]` arguments (a list response gives one policy per role): `(error kind,
/// message)` on failure.
pub(crate) fn load_policies(args: &[String]) -> Result<Vec<Policy>, (&'static str, String)> {
    let mut policies = Vec::with_capacity(args.len());
    for arg in args {
        let (file, scope) = split_policy_arg(arg).map_err(|m| ("invalid_scope", m))?;
        let loaded = Policy::load(file, file.as_ref(), scope).map_err(|e| (e.kind(), e.to_string()))?;
        policies.extend(loaded);
    }
    Ok(policies)
}

fn load(args: &Args) -> Result<PolicySet, Failure> {
    let policies = load_policies(&args.policies).map_err(|(kind, m)| Failure::new(kind, m))?;
    let set = PolicySet::new(policies).map_err(|e| Failure::new("invalid_policy", e.to_string()))?;
    for warning in set.warnings() {
        super::warn(&warning.to_string());
    }
    Ok(set)
}

pub(crate) fn run(args: &Args) -> ExitCode {
    let set = match load(args) {
        Ok(set) => set,
        Err(f) => return fail(args.format, &f, None),
    };
    let request = match Router::default()
        .with_cloud(args.cloud.cloud)
        .route(&args.method, &args.target)
    {
        Ok(r) => r,
        Err(e) => return fail(args.format, &Failure::new(e.kind(), e.to_string()), None),
    };
    let mut pairs = Vec::with_capacity(args.context.len());
    for kv in &args.context {
        let Some(pair) = kv.split_once('=') else {
            let f = Failure::new("invalid_context", format!("`--context {kv}` is not KEY=VALUE"));
            return fail(args.format, &f, None);
        };
        pairs.push(pair);
    }
    let mut ctx = match Context::from_untrusted(pairs, &ContextLimits::default()) {
        Ok(ctx) => ctx,
        Err(e) => {
            let f = Failure::new(e.kind(), format!("--context: {e}"));
            return fail(args.format, &f, None);
        }
    };
    if let Some(p) = &args.project {
        if !ims_iam::ParamFormat::Hex32.accepts(p) {
            let f = Failure::new(
                "invalid_context",
                format!(
                    "`--project {p}`: an IAM project id is 32 hex characters, as in a path's `{{project_id}}`"
                ),
            );
            return fail(args.format, &f, None);
        }
        ctx = ctx.with_project(p);
    }
    if let Some(e) = &args.enterprise_project {
        ctx = ctx.with_enterprise_project(e);
    }
    for s in &args.situations {
        match Situation::parse(s) {
            Some(s) => ctx = ctx.with_situation(s),
            None => {
                let f = Failure::new("invalid_context", super::unknown_situation(s));
                return fail(args.format, &f, None);
            }
        }
    }
    let explanation = set.explain(&Request::new(&request, &ctx));
    let decision = explanation.decision();
    let op = request.operation();
    if let Reason::Error(e) = decision.reason() {
        let extra = json!({"operation": operation_json(op), "params": params_json(&request)});
        let mut message = e.to_string();
        let situations: Vec<&str> = op
            .actions()
            .iter()
            .filter_map(|a| a.situation().map(|s| s.id()))
            .collect();
        if e == ims_iam::RequestError::SituationRequired && !situations.is_empty() {
            message.push_str(&format!("; this API's situations: `{}`", situations.join("`, `")));
        }
        return fail(args.format, &Failure::new(e.kind(), message), Some(extra));
    }
    match args.format {
        Format::Json => {
            let out = decision_json(&explanation, &request);
            super::out(&format!(
                "{}\n",
                serde_json::to_string_pretty(&out).unwrap_or_default()
            ));
        }
        Format::Text => {
            let summary = super::style::verdict(&explanation.summary());
            let mut text = format!("{}: {}\n{summary}\n", op, op.name());
            if args.explain {
                for note in explanation.notes() {
                    text.push_str(&format!("  note: {note}\n"));
                }
            }
            super::out(&text);
        }
    }
    if decision.is_allowed() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

fn decision_json(explanation: &Explanation, request: &ims_iam::RouteMatch<'_>) -> Value {
    let decision = explanation.decision();
    let cite = |list: &[ims_iam::CitedStatement]| -> Vec<Value> {
        list.iter()
            .map(|s| {
                json!({
                    "policy": s.policy,
                    "statement": s.statement,
                    "effect": s.effect.as_str(),
                    "sid": s.sid,
                    "outcome": outcome_str(s.outcome),
                    "condition": s.condition,
                })
            })
            .collect()
    };
    let actions: Vec<Value> = explanation
        .actions()
        .iter()
        .map(|a| {
            json!({
                "action": a.action,
                "decision": a.verdict.as_str(),
                "statements": cite(&a.deciding),
                "considered": cite(&a.considered),
            })
        })
        .collect();
    let skipped: Vec<Value> = explanation
        .skipped()
        .iter()
        .map(|(action, situation)| json!({"action": action, "situation": situation.id()}))
        .collect();
    json!({
        "decision": decision.as_str(),
        "reason": decision.reason().as_str(),
        "operation": operation_json(request.operation()),
        "params": params_json(request),
        "actions": actions,
        "skipped_actions": skipped,
        "notes": explanation.notes(),
    })
}

fn outcome_str(o: ims_iam::StatementOutcome) -> &'static str {
    use ims_iam::StatementOutcome as O;
    match o {
        O::Applies => "applies",
        O::ConditionFails => "condition_fails",
        O::Unevaluable { .. } => "unevaluable",
        O::NarrowResourceAllowIgnored => "narrow_resource_ignored",
    }
}

fn fail(format: Format, failure: &Failure, extra: Option<Value>) -> ExitCode {
    match format {
        Format::Json => {
            let mut out = json!({
                "decision": "deny",
                "reason": "error",
                "error": error_json(failure.kind, &failure.message),
            });
            if let (Some(Value::Object(extra)), Some(map)) = (extra, out.as_object_mut()) {
                map.extend(extra);
            }
            super::out(&format!(
                "{}\n",
                serde_json::to_string_pretty(&out).unwrap_or_default()
            ));
        }
        Format::Text => super::err(&super::style::error_of_kind(failure.kind, &failure.message)),
    }
    ExitCode::from(EXIT_ERROR)
}
