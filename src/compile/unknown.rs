//! Action patterns that name no documented IMS action. Such a pattern is well-formed (SPEC 3.2), so it
//! is no compile error, but it grants or denies nothing and is usually a typo that silently narrows a
//! grant: the set keeps a warning for each, and the command line, decision tests and `serve` show them.

use std::fmt;

use crate::matrix::known_actions;
use crate::policy::{Location, PolicyDocument};

use super::statement::check_action_pattern;

/// An `ims:` action pattern without wildcards that no documented IMS API requires, kept by
/// [`PolicySet::warnings`](crate::PolicySet::warnings).
///
/// ```
/// use ims_iam::{Policy, PolicySet, Scope};
/// let text = r#"{"Version": "1.1", "Statement": [{"Effect": "Allow", "Action": ["ims:images:updat"]}]}"#;
/// let set = PolicySet::new([Policy::parse("p.json", Scope::Global, text).unwrap()]).unwrap();
/// let warning = &set.warnings()[0];
/// assert_eq!(warning.pattern, "ims:images:updat");
/// assert_eq!(warning.suggestion, Some("ims:images:update"));
/// assert_eq!(
///     warning.to_string(),
///     "p.json:1:65: statement 0: unknown IMS action `ims:images:updat` grants or denies nothing (no \
///      documented IMS API requires it); did you mean `ims:images:update`?"
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct UnknownAction {
    /// The policy's name.
    pub policy: String,
    /// The statement's 0-based index.
    pub statement: usize,
    /// The pattern as written.
    pub pattern: String,
    /// Where the pattern is written.
    pub location: Location,
    /// The known action nearest to it, if one is close.
    pub suggestion: Option<&'static str>,
}

impl fmt::Display for UnknownAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}: statement {}: unknown IMS action `{}` grants or denies nothing (no documented IMS API \
             requires it); ",
            self.policy, self.location, self.statement, self.pattern
        )?;
        match self.suggestion {
            Some(known) => write!(f, "did you mean `{known}`?"),
            None => f.write_str("`ims-iam routes` lists the actions IMS APIs require"),
        }
    }
}

/// Whether `pattern` is an `ims:` action without wildcards that no documented IMS API requires.
pub(crate) fn is_unknown_ims_action(pattern: &str) -> bool {
    !pattern.contains(['*', '?'])
        && check_action_pattern(pattern).is_ok()
        && pattern
            .split(':')
            .next()
            .is_some_and(|service| service.eq_ignore_ascii_case("ims"))
        && !known_actions().iter().any(|k| k.eq_ignore_ascii_case(pattern))
}

/// The unknown IMS actions of a document, in statement and pattern order.
pub(crate) fn unknown_actions(policy: &str, document: &PolicyDocument) -> Vec<UnknownAction> {
    let mut out = Vec::new();
    for (statement, s) in document.statements.iter().enumerate() {
        for p in s.actions.patterns() {
            if is_unknown_ims_action(&p.value) {
                out.push(UnknownAction {
                    policy: policy.to_owned(),
                    statement,
                    pattern: p.value.clone(),
                    location: p.location,
                    suggestion: closest_action(&p.value),
                });
            }
        }
    }
    out
}

/// The known action closest to `action`, compared part by part (resource type and operation), each
/// part within an edit distance of a third of its length (at least 1): `ims:image:get` finds
/// `ims:images:get`, `ims:imgs:lst` finds `ims:images:list`, but `ims:images:read` finds nothing.
pub(crate) fn closest_action(action: &str) -> Option<&'static str> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_unknown_ims_actions_without_wildcards() {
        assert!(is_unknown_ims_action("ims:images:updat"));
        assert!(is_unknown_ims_action("IMS:images:lst"));
        assert!(!is_unknown_ims_action("ims:images:update"));
        assert!(!is_unknown_ims_action("IMS:Images:Update"));
        assert!(!is_unknown_ims_action("ims:images:upd*"));
        assert!(!is_unknown_ims_action("ecs:servers:lst"));
        assert!(!is_unknown_ims_action(""));
    }

    #[test]
    fn nearest() {
        assert_eq!(closest_action("ims:images:lst"), Some("ims:images:list"));
        assert_eq!(closest_action("ims:image:get"), Some("ims:images:get"));
        assert_eq!(closest_action("ims:images:read"), None);
    }
}
