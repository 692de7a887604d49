//! The policy document: exact actions, and the `--compact` merge into wildcards where it is proven not to
//! change what the policy allows.

use std::collections::BTreeSet;

use serde_json::{Value, json};

use super::collateral::{Access, allowed};
use crate::compile::{Policy, PolicySet, Scope};
use crate::matrix::known_actions;

/// The Version 1.1 document allowing exactly `actions`.
pub(crate) fn document(actions: &[String]) -> Value {
    json!({
        "Version": "1.1",
        "Statement": [{"Effect": "Allow", "Action": actions}],
    })
}

/// The same document as pretty-printed JSON in the usual key order (`Version`, then `Statement`;
/// `Effect`, then `Action`), with a final newline.
pub(crate) fn document_text(actions: &[String]) -> String {
    #[derive(serde::Serialize)]
    struct Document<'a> {
        #[serde(rename = "Version")]
        version: &'static str,
        #[serde(rename = "Statement")]
        statement: [Statement<'a>; 1],
    }
    #[derive(serde::Serialize)]
    struct Statement<'a> {
        #[serde(rename = "Effect")]
        effect: &'static str,
        #[serde(rename = "Action")]
        action: &'a [String],
    }
    let document = Document {
        version: "1.1",
        statement: [Statement {
            effect: "Allow",
            action: actions,
        }],
    };
    // Serializing strings into memory cannot fail.
    serde_json::to_string_pretty(&document).unwrap_or_default() + "\n"
}

/// Compiles a generated document the way a user's file is compiled (attached globally).
pub(crate) fn compile(document: &Value) -> Option<PolicySet> {
    let policy = Policy::parse("generated", Scope::Global, &document.to_string()).ok()?;
    PolicySet::new([policy]).ok()
}

/// Whether a `*`-per-part pattern (`ims:images:*`, `ims:*:create`) matches an action, ignoring ASCII case.
fn matches(pattern: &str, action: &str) -> bool {
    let mut p = pattern.split(':');
    let mut a = action.split(':');
    loop {
        match (p.next(), a.next()) {
            (None, None) => return true,
            (Some(x), Some(y)) if x == "*" || x.eq_ignore_ascii_case(y) => {}
            _ => return false,
        }
    }
}

/// The candidate wildcards over the known IMS actions, most actions first: `ims:*:*`, then one per
/// resource type (`ims:images:*`) and one per operation (`ims:*:create`).
fn candidates() -> Vec<String> {
    let mut out: BTreeSet<String> = BTreeSet::new();
    out.insert("ims:*:*".to_owned());
    for action in known_actions() {
        let mut parts = action.split(':');
        if let (Some("ims"), Some(resource), Some(operation)) = (parts.next(), parts.next(), parts.next()) {
            out.insert(format!("ims:{resource}:*"));
            out.insert(format!("ims:*:{operation}"));
        }
    }
    let size = |p: &String| known_actions().iter().filter(|a| matches(p, a)).count();
    let mut out: Vec<String> = out.into_iter().collect();
    out.sort_by(|a, b| size(b).cmp(&size(a)).then_with(|| a.cmp(b)));
    out
}

/// Merges `exact` actions into wildcards, one candidate at a time, keeping a merge only when the policy
/// it gives allows exactly `target` (checked with the real evaluator over every operation and
/// situation). A wildcard also matches IMS actions that no documented API requires today; that is the
/// price of `--compact`, which the README states.
pub(crate) fn compact(exact: &[String], target: &BTreeSet<Access>) -> Vec<String> {
    let mut current: Vec<String> = exact.to_vec();
    for pattern in candidates() {
        let merged: Vec<&String> = current.iter().filter(|a| matches(&pattern, a)).collect();
        if merged.len() < 2 {
            continue;
        }
        let mut trial: Vec<String> = current
            .iter()
            .filter(|a| !matches(&pattern, a))
            .cloned()
            .collect();
        trial.push(pattern);
        trial.sort();
        if compile(&document(&trial)).is_some_and(|set| allowed(&set) == *target) {
            current = trial;
        }
    }
    current
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exact(actions: &[&str]) -> Vec<String> {
        actions.iter().map(|a| (*a).to_owned()).collect()
    }

    fn allowed_by(actions: &[String]) -> BTreeSet<Access> {
        allowed(&compile(&document(actions)).unwrap())
    }

    #[test]
    fn the_text_is_the_document() {
        let actions = exact(&["ims:images:get", "ims:images:list"]);
        let text = document_text(&actions);
        assert!(
            text.starts_with("{\n  \"Version\": \"1.1\",\n  \"Statement\""),
            "{text}"
        );
        assert_eq!(serde_json::from_str::<Value>(&text).unwrap(), document(&actions));
    }

    #[test]
    fn pattern_matching() {
        assert!(matches("ims:*:*", "ims:serverImages:create"));
        assert!(matches("ims:*:create", "ims:serverImages:create"));
        assert!(matches("ims:images:*", "IMS:Images:get"));
        assert!(!matches("ims:images:*", "ims:quotas:get"));
        assert!(!matches("ims:*", "ims:images:get"));
    }

    #[test]
    fn every_action_compacts_to_one_wildcard() {
        let all: Vec<String> = known_actions().iter().map(|a| (*a).to_owned()).collect();
        let target = allowed_by(&all);
        assert_eq!(compact(&all, &target), ["ims:*:*"]);
    }

    #[test]
    fn a_merge_that_would_allow_more_is_refused() {
        // `ims:images:*` would add delete, `ims:*:get` would add the quota query.
        let actions = exact(&["ims:images:get", "ims:images:list", "ims:images:update"]);
        let target = allowed_by(&actions);
        assert_eq!(compact(&actions, &target), actions);
    }

    #[test]
    fn the_create_actions_merge() {
        let actions = exact(&[
            "ims:dataImages:create",
            "ims:images:create",
            "ims:serverImages:create",
            "ims:wholeImages:create",
        ]);
        let target = allowed_by(&actions);
        let compacted = compact(&actions, &target);
        assert_eq!(compacted, ["ims:*:create"]);
        assert_eq!(allowed_by(&compacted), target);
    }
}
