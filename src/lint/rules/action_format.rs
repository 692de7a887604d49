//! IMS024: an action pattern that is not of the three-part form.

use crate::compile::check_action_pattern;
use crate::lint::context::{Ctx, Sink};
use crate::lint::rule::Rule;
use crate::lint::severity::Severity;

pub(crate) const RULE: Rule = Rule {
    code: "IMS024",
    name: "action-not-three-parts",
    severity: Severity::Suggestion,
    summary: "an action pattern that is not `service:resourceType:operation` (`ims:*`)",
    description: "`*` matches across `:`, so `ims:*` covers every IMS action just as `ims:*:*` does, and \
                  `ims:images` matches nothing. The documented form has three parts: write them all so \
                  that readers and other programs see what is meant.",
    example: r#""Action": ["ims:*"]"#,
};

pub(super) fn check(cx: &Ctx<'_>, sink: &mut Sink<'_>) {
    for s in &cx.statements {
        for p in s.statement.actions.patterns() {
            let pattern = p.value.as_str();
            let parts = pattern.split(':').count();
            if parts == 3 || check_action_pattern(pattern).is_err() || pattern.chars().all(|c| c == '*') {
                continue;
            }
            let hint = if parts < 3 && pattern.ends_with('*') {
                let mut fixed = pattern.to_owned();
                for _ in parts..3 {
                    fixed.push_str(":*");
                }
                format!("`*` matches across `:`, so it works, but write `{fixed}`")
            } else {
                "write `service:resourceType:operation`".to_owned()
            };
            sink.push(
                &RULE,
                p.location,
                Some(s.index),
                format!("`{pattern}` has {parts} parts instead of `service:resourceType:operation`; {hint}"),
            );
        }
    }
}
