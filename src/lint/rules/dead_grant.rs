//! IMS040: an Allow that a Deny of the same file always overrides.

use crate::lint::context::{Ctx, Sink};
use crate::lint::rule::Rule;
use crate::lint::severity::Severity;

pub(crate) const RULE: Rule = Rule {
    code: "IMS040",
    name: "dead-grant",
    severity: Severity::Warning,
    summary: "an Allow every IMS action of which a Deny of the same file denies unconditionally",
    description: "An explicit Deny always wins. When every IMS action that an Allow covers is also covered by \
                  a Deny without conditions in the same file, the Allow can never grant anything for IMS \
                  (whatever else is attached). Remove the Allow, or narrow the Deny (a Deny with a narrow \
                  `Resource` still denies every resource, since IMS has no resource-level authorization).",
    example: r#"[{"Effect": "Allow", "Action": ["ims:images:delete"]}, {"Effect": "Deny", "Action": ["ims:*:*"]}]"#,
};

pub(super) fn check(cx: &Ctx<'_>, sink: &mut Sink<'_>) {
    let always_denied = cx.union(|s| s.is_deny() && s.unconditional());
    for s in cx.statements.iter().filter(|s| s.is_allow()) {
        if s.actions.is_empty() || !s.actions.is_subset(always_denied) {
            continue;
        }
        let actions: Vec<String> = s.actions.iter().map(|a| format!("`{}`", a.name())).collect();
        let deniers: Vec<String> = cx
            .statements
            .iter()
            .filter(|d| d.is_deny() && d.unconditional() && s.actions.iter().any(|a| d.actions.contains(a)))
            .map(|d| d.name())
            .collect();
        sink.push(
            &RULE,
            s.at(),
            Some(s.index),
            format!(
                "this Allow never grants an IMS action: every one it covers ({}) is denied without conditions \
                 by {}, and a Deny always wins; remove the Allow or narrow the Deny",
                actions.join(", "),
                deniers.join(" and ")
            ),
        );
    }
}
