//! IMS022: an `ims:` pattern with wildcards that matches no IMS action.

use crate::compile::{check_action_pattern, covered_actions};
use crate::lint::context::{Ctx, Sink, has_wildcard, service};
use crate::lint::rule::Rule;
use crate::lint::severity::Severity;

pub(crate) const RULE: Rule = Rule {
    code: "IMS022",
    name: "wildcard-matches-nothing",
    severity: Severity::Warning,
    summary: "an `ims:` pattern with `*` or `?` that matches no IMS action",
    description: "A wildcard pattern of the IMS service that matches none of the actions IMS APIs require \
                  grants or denies nothing, e.g. `ims:*:gets*` or `ims:image?:*`. Check its spelling against \
                  `ims-iam routes`.",
    example: r#""Action": ["ims:*:gets*"]"#,
};

pub(super) fn check(cx: &Ctx<'_>, sink: &mut Sink<'_>) {
    for s in &cx.statements {
        for p in s.statement.actions.patterns() {
            let pattern = p.value.as_str();
            if !has_wildcard(pattern)
                || check_action_pattern(pattern).is_err()
                || !service(pattern).eq_ignore_ascii_case("ims")
                || !covered_actions([pattern], false).is_empty()
            {
                continue;
            }
            sink.push(
                &RULE,
                p.location,
                Some(s.index),
                format!(
                    "`{pattern}` matches no IMS action, so it grants or denies nothing; check its spelling \
                     against `ims-iam routes`"
                ),
            );
        }
    }
}
