//! IMS021: an `ims:` action without wildcards that no documented IMS API requires.

use crate::compile::check_action_pattern;
use crate::known_actions;
use crate::lint::context::{Ctx, Sink, has_wildcard, service};
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

/// The known action closest to `action`, compared part by part (resource type and operation), each
/// part within an edit distance of a third of its length (at least 1): `ims:image:get` finds
/// `ims:images:get`, `ims:imgs:lst` finds `ims:images:list`, but `ims:images:read` finds nothing.
fn closest_action(action: &str) -> Option<&'static str> {
    let lower = action.to_ascii_lowercase();
    let parts: Vec<&str> = lower.split(':').collect();
    known_actions()
        .iter()
        .filter_map(|&known| {
            let known_lower = known.to_ascii_lowercase();
            let known_parts: Vec<&str> = known_lower.split(':').collect();
            if known_parts.len() != parts.len() {
                return None;
            }
            let mut total = 0;
            for (part, want) in parts.iter().zip(&known_parts) {
                let d = strsim::damerau_levenshtein(part, want);
                if d > (want.chars().count() / 3).max(1) {
                    return None;
                }
                total += d;
            }
            Some((total, known))
        })
        .min()
        .map(|(_, known)| known)
}

pub(super) fn check(cx: &Ctx<'_>, sink: &mut Sink<'_>) {
    for s in &cx.statements {
        for p in s.statement.actions.patterns() {
            let action = p.value.as_str();
            if has_wildcard(action)
                || check_action_pattern(action).is_err()
                || !service(action).eq_ignore_ascii_case("ims")
                || known_actions().iter().any(|k| k.eq_ignore_ascii_case(action))
            {
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
