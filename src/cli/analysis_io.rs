//! What the analysis commands share: loading policies and principals, and the JSON and text shapes of
//! requests, scopes and statements (SPEC 5).

use std::process::ExitCode;

use serde_json::{Value, json};

use super::json::{error_json, operation_json};
use super::{EXIT_ERROR, Format};
use ims_iam::Policy;
use ims_iam::analysis::{AnalysisError, Cite, Place, Request, ScopeSituation};
use ims_iam::{PrincipalKind, Principals};

/// A failure before or during an analysis: its kind and message.
pub(crate) struct Failure {
    pub(crate) kind: &'static str,
    pub(crate) message: String,
}

impl From<AnalysisError> for Failure {
    fn from(e: AnalysisError) -> Failure {
        Failure {
            kind: e.kind(),
            message: e.to_string(),
        }
    }
}

impl From<(&'static str, String)> for Failure {
    fn from((kind, message): (&'static str, String)) -> Failure {
        Failure { kind, message }
    }
}

/// Prints a failure (JSON `{"error": {"kind", "message"}}` or a line on stderr); exit code 2.
pub(crate) fn fail(json_output: bool, failure: &Failure) -> ExitCode {
    if json_output {
        let out = json!({"error": error_json(failure.kind, &failure.message)});
        super::out(&format!(
            "{}\n",
            serde_json::to_string_pretty(&out).unwrap_or_default()
        ));
    } else {
        eprintln!("error ({}): {}", failure.kind, failure.message);
    }
    ExitCode::from(EXIT_ERROR)
}

/// Prints a JSON value.
pub(crate) fn print_json(value: &Value) {
    super::out(&format!(
        "{}\n",
        serde_json::to_string_pretty(value).unwrap_or_default()
    ));
}

pub(crate) fn load_principals(path: &str) -> Result<Principals, Failure> {
    Principals::load(path).map_err(|e| Failure {
        kind: "invalid_principals",
        message: format!("{path}: {e}"),
    })
}

/// The policies of `--policy` arguments, or of one user or group of a principals file.
pub(crate) fn subject_policies(
    policies: &[String],
    principals: Option<&str>,
    user: Option<&str>,
    group: Option<&str>,
) -> Result<Vec<Policy>, Failure> {
    let mut out = super::authorize::load_policies(policies)?;
    if let Some(path) = principals {
        let p = load_principals(path)?;
        let (kind, name) = match (user, group) {
            (Some(u), None) => (PrincipalKind::User, u),
            (None, Some(g)) => (PrincipalKind::Group, g),
            _ => {
                return Err(Failure {
                    kind: "usage",
                    message: "--principals needs exactly one of --user NAME and --group NAME".into(),
                });
            }
        };
        out.extend(p.policies_of(kind, name).ok_or_else(|| Failure {
            kind: "unknown_principal",
            message: format!("no {} `{name}` in `{path}`", kind.as_str()),
        })?);
    }
    Ok(out)
}

pub(crate) fn request_json(r: &Request) -> Value {
    let context: Vec<String> = r.context().iter().map(|(k, v)| format!("{k}={v}")).collect();
    json!({
        "method": r.method().as_str(),
        "target": r.target(),
        "project": r.project(),
        "enterprise_project": r.enterprise_project(),
        "situations": r.situations().iter().map(|s| s.id()).collect::<Vec<_>>(),
        "context": context,
        "command": r.command_line(),
    })
}

fn place_json(p: &Place) -> Value {
    match p {
        Place::Named(id) => json!(id),
        Place::Other => json!("other"),
        Place::Unknown => json!("unknown"),
        Place::Irrelevant => Value::Null,
    }
}

pub(crate) fn scope_json(s: &ScopeSituation) -> Value {
    json!({
        "project": place_json(s.project()),
        "enterprise_project": place_json(s.enterprise_project()),
        "situations": s.situations().iter().map(|s| s.id()).collect::<Vec<_>>(),
    })
}

pub(crate) fn cite_json(c: &Cite) -> Value {
    json!({
        "policy": c.policy,
        "statement": c.statement,
        "effect": c.effect.as_str(),
        "sid": c.sid,
        "conditions": c.conditions,
    })
}

pub(crate) fn operation_value(o: &ims_iam::Operation) -> Value {
    operation_json(o)
}

/// `json` for `--format json`.
pub(crate) fn is_json(format: Format) -> bool {
    format == Format::Json
}
