//! IMS021: an `ims:` action without wildcards that no documented IMS API requires.

use crate::compile::{closest_action, is_unknown_ims_action};
use crate::lint::context::{Ctx, Sink};
use crate::lint::rule::Rule;
use crate::lint::severity::Severity;

pub(crate) const RULE: Rule = Rule {
    code: "IMS021",
    name: "unknown-action",
    severity: Severity::Error,
    summary: "an IMS action that no documented IMS API requires (with a did-you-mean)",
    description: "The IMS permission pages list every action an IMS API requires (`ims-iam routes` prints \
                  them). An `ims:` action outside that list grants or denies nothing, usually because of a \
                  typo such as `ims:image:get` for `ims:images:get`. Use the suggested spelling.",
    example: r#""Action": ["ims:image:get"]"#,
};

pub(super) fn check(cx: &Ctx<'_>, sink: &mut Sink<'_>) {
    for s in &cx.statements {
        for p in s.statement.actions.patterns() {
            let action = p.value.as_str();
            if !is_unknown_ims_action(action) {
                continue;
            }
            let hint = match closest_action(action) {
                Some(known) => format!("did you mean `{known}`?"),
                None => "`ims-iam routes` lists the actions IMS APIs require".to_owned(),
            };
            sink.push(
                &RULE,
                p.location,
                Some(s.index),
                format!(
                    "unknown IMS action `{action}`: no documented IMS API requires it, so it grants or denies \
                     nothing; {hint}"
                ),
            );
        }
    }
}
