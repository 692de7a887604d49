//! IMS070: a `Resource` narrower than everything on a statement that covers IMS actions.

use crate::lint::context::{Ctx, Sink};
use crate::lint::rule::Rule;
use crate::lint::severity::Severity;

pub(crate) const RULE: Rule = Rule {
    code: "IMS070",
    name: "narrow-resource",
    severity: Severity::Warning,
    summary: "a statement covering IMS actions whose `Resource` does not cover every resource",
    description: "IMS fine-grained policies have no resource-level authorization. An Allow whose `Resource` \
                  names particular images grants nothing for IMS actions, and a Deny is applied to every \
                  resource, as if `Resource` were `*` (the evaluator takes the safe side both ways). Drop \
                  `Resource` or write `\"Resource\": [\"*\"]`; to keep users apart, use IAM projects or \
                  enterprise projects.",
    example: r#"{"Effect": "Allow", "Action": ["ims:images:get"], "Resource": ["ims:*:*:image:0b3b6d4e-*"]}"#,
};

pub(super) fn check(cx: &Ctx<'_>, sink: &mut Sink<'_>) {
    for s in &cx.statements {
        if s.all_resources || s.actions.is_empty() {
            continue;
        }
        let Some(first) = s.statement.resource.as_ref().and_then(|r| r.first()) else {
            continue;
        };
        let effect = if s.is_allow() {
            "this Allow grants nothing for IMS actions"
        } else {
            "this Deny is applied to every resource"
        };
        sink.push(
            &RULE,
            first.location,
            Some(s.index),
            format!(
                "`Resource` `{}` does not cover every resource, but IMS actions have no resource-level \
                 authorization: {effect}; drop `Resource` or write `\"Resource\": [\"*\"]`",
                first.value
            ),
        );
    }
}
