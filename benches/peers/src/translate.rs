//! What every translation shares: the exact set of known actions a statement covers, and which
//! attachments apply to a request.

use crate::common::{Attach, PolicySpec, Statement};
use ims_iam::{Operation, known_actions};

/// IAM action matching (`*` any run, `?` one character, ASCII case-insensitive), used only to
/// translate: every peer receives the exact set of known actions a statement covers.
fn glob(pattern: &[u8], text: &[u8]) -> bool {
    match (pattern.split_first(), text.split_first()) {
        (None, _) => text.is_empty(),
        (Some((b'*', rest)), _) => glob(rest, text) || (!text.is_empty() && glob(pattern, &text[1..])),
        (Some((b'?', rest)), Some((_, t))) => glob(rest, t),
        (Some((p, rest)), Some((c, t))) => p.eq_ignore_ascii_case(c) && glob(rest, t),
        (Some(_), None) => false,
    }
}

/// The known actions a statement covers (`Action` or `NotAction`).
pub fn covered(s: &Statement) -> Vec<&'static str> {
    known_actions()
        .iter()
        .copied()
        .filter(|a| s.actions.iter().any(|p| glob(p.as_bytes(), a.as_bytes())) != s.not_action)
        .collect()
}

/// Whether a policy applies to a request in IAM project `project` and enterprise project `ep` on an
/// operation that does (or not) support IAM-project and enterprise-project authorization: global
/// policies always, a project's policies when the operation supports projects, an enterprise
/// project's when it supports enterprise projects.
pub fn applies(spec: &PolicySpec, project: &str, ep: &str, op: &Operation) -> bool {
    match &spec.attach {
        Attach::Global => true,
        Attach::Project(p) => op.iam_project() && p == project,
        Attach::EnterpriseProject(e) => op.enterprise_project() && e == ep,
    }
}
