//! JSON shapes shared by several subcommands (SPEC section 4).
//!
//! The fields named by the contract are fixed; the others (`name_zh`, `conditional_actions`,
//! `dependency_groups`, `api_notes`, `sources`, `cloud`, `basis`, `inferred_from`, `basis_note`) are extensions that scripts may ignore.

use ims_iam::{Operation, RouteError, RouteMatch};
use serde_json::{Map, Value, json};

/// An operation object: `name`, `section`, `method`, `template`, `actions` (every required action,
/// conditional ones included), `dependencies` (every dependent action once), `iam_project`,
/// `enterprise_project`, and the extensions `name_zh`, `conditional_actions`
/// (`[{action, situation, note}]`), `dependency_groups` (`[{of, note, actions}]`), `api_notes`,
/// `sources`, `cloud` (the profile), `basis` (`permission-table`, `inferred`, `decision`),
/// `inferred_from` and `basis_note`.
pub(crate) fn operation_json(op: &Operation) -> Value {
    let actions: Vec<&str> = op.actions().iter().map(|a| a.action()).collect();
    let conditional: Vec<Value> = op
        .actions()
        .iter()
        .filter_map(|a| {
            a.situation().map(|s| {
                json!({
                    "action": a.action(),
                    "situation": s.id(),
                    "note": a.note(),
                })
            })
        })
        .collect();
    let groups: Vec<Value> = op
        .dependencies()
        .iter()
        .map(|g| json!({"of": g.of(), "note": g.note(), "actions": g.actions()}))
        .collect();
    json!({
        "name": op.name(),
        "name_zh": op.name_zh(),
        "section": op.section().as_str(),
        "method": op.method().as_str(),
        "template": op.template(),
        "actions": actions,
        "conditional_actions": conditional,
        "dependencies": op.dependency_actions().collect::<Vec<_>>(),
        "dependency_groups": groups,
        "iam_project": op.iam_project(),
        "enterprise_project": op.enterprise_project(),
        "api_notes": op.api_notes(),
        "sources": op.sources(),
        "cloud": op.cloud().id(),
        "basis": op.basis().id(),
        "inferred_from": op.inferred_from(),
        "basis_note": op.basis_note(),
    })
}

/// The decoded path parameters of a match: `{"image_id": "...", "tag": "..."}`.
pub(crate) fn params_json(m: &RouteMatch<'_>) -> Value {
    Value::Object(
        m.params()
            .map(|(name, value)| (name.to_owned(), Value::String(value.to_owned())))
            .collect::<Map<_, _>>(),
    )
}

/// An error object: `{"kind": "...", "message": "..."}` (callers put it under `"error"`).
pub(crate) fn error_json(kind: &str, message: &str) -> Value {
    json!({"kind": kind, "message": message})
}

/// The error object of a request that does not route.
pub(crate) fn route_error_json(e: &RouteError) -> Value {
    error_json(e.kind(), &e.to_string())
}
