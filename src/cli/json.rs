// TEMPORARY until the router branch merges (it owns this file).
use serde_json::{Value, json};
pub(crate) fn operation_json(op: &ims_iam::Operation) -> Value {
    json!({"name": op.name(), "section": op.section().as_str(), "method": op.method().as_str(), "template": op.template(),
        "actions": op.actions().iter().map(|a| a.action()).collect::<Vec<_>>(),
        "dependencies": op.dependency_actions().collect::<Vec<_>>(), "iam_project": op.iam_project(), "enterprise_project": op.enterprise_project()})
}
pub(crate) fn params_json(m: &ims_iam::RouteMatch<'_>) -> Value {
    Value::Object(
        m.params()
            .map(|(k, v)| (k.to_owned(), Value::String(v.to_owned())))
            .collect(),
    )
}
pub(crate) fn error_json(kind: &str, message: &str) -> Value {
    json!({"kind": kind, "message": message})
}
