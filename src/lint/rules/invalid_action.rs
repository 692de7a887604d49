//! IMS020: an action pattern that no action can match (the evaluator refuses the policy).

use crate::compile::check_action_pattern;
use crate::lint::context::{Ctx, Sink};
use crate::lint::rule::Rule;
use crate::lint::severity::Severity;

pub(crate) const RULE: Rule = Rule {
    code: "IMS020",
    name: "invalid-action",
    severity: Severity::Error,
    summary: "an action with an empty part between `:` or a character no action has",
    description: "Actions are `service:resourceType:operation` made of letters, digits, `_`, `-`, and the \
                  wildcards `*` and `?`. A pattern such as `ims::list` or `ims:images:get list` matches \
                  nothing, and the evaluator refuses the whole policy. Correct the pattern.",
    example: r#""Action": ["ims::list"]"#,
};

pub(super) fn check(cx: &Ctx<'_>, sink: &mut Sink<'_>) {
    for s in &cx.statements {
        for p in s.statement.actions.patterns() {
            if let Err(reason) = check_action_pattern(&p.value) {
                sink.push(
                    &RULE,
                    p.location,
                    Some(s.index),
                    format!(
                        "invalid action `{}`: it has {reason}; write `service:resourceType:operation`, e.g. \
                         `ims:images:list`",
                        p.value
                    ),
                );
            }
        }
    }
}
