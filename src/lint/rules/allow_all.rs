//! IMS071: an Allow of every action of every service.

use crate::lint::context::{Ctx, Sink};
use crate::lint::rule::Rule;
use crate::lint::severity::Severity;
use crate::policy::ActionSpec;

pub(crate) const RULE: Rule = Rule {
    code: "IMS071",
    name: "allow-all-actions",
    severity: Severity::SecurityWarning,
    summary: "an Allow of `*:*:*` (or `*`): every action of every cloud service",
    description: "A pattern made of wildcards only allows every action of every service, IAM included, which \
                  is administrator access. Allow the IMS actions needed (`ims:*:*`, or a list such as \
                  `ims:images:get`) instead.",
    example: r#"{"Effect": "Allow", "Action": ["*:*:*"]}"#,
};

/// Whether a pattern matches every action of every service.
fn matches_everything(pattern: &str) -> bool {
    let parts: Vec<&str> = pattern.split(':').collect();
    parts.len() <= 3 && parts.iter().all(|p| !p.is_empty() && p.chars().all(|c| c == '*'))
}

pub(super) fn check(cx: &Ctx<'_>, sink: &mut Sink<'_>) {
    for s in cx.statements.iter().filter(|s| s.is_allow()) {
        let ActionSpec::Action(patterns) = &s.statement.actions else {
            continue;
        };
        for p in patterns.iter().filter(|p| matches_everything(&p.value)) {
            sink.push(
                &RULE,
                p.location,
                Some(s.index),
                format!(
                    "`{}` allows every action of every cloud service, IAM included; allow only the IMS actions \
                     needed, e.g. `ims:*:*` or `ims:images:get`",
                    p.value
                ),
            );
        }
    }
}
