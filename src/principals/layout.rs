//! Who gets which policy files: the attachments of each group and user of a principals file, for the
//! linter's combined-grant rules. Read only after [`Principals::load`](super::Principals::load) accepted
//! the file, so every name and scope here is known to be valid.

use crate::compile::Scope;

use super::file::{AttachmentSpec, PrincipalsFile};

/// The principals file's shape, by owner.
#[derive(Debug)]
pub(crate) struct Layout {
    /// Policy names to their file names as written (relative to the principals file's directory).
    pub(crate) policies: Vec<(String, String)>,
    /// Every group, then every user, each with the attachments a caller of it gets.
    pub(crate) owners: Vec<Grantee>,
}

/// A group or a user and the policies its callers get.
#[derive(Debug)]
pub(crate) struct Grantee {
    /// ``group `g` `` or ``user `u` ``.
    pub(crate) label: String,
    /// `(policy name, scope)`: a group's attachments; a user's own attachments and those of its groups.
    pub(crate) attachments: Vec<(String, Scope)>,
}

fn attachments(specs: &[AttachmentSpec]) -> impl Iterator<Item = (String, Scope)> + '_ {
    specs.iter().map(|a| {
        let scope = a
            .scope
            .as_deref()
            .and_then(|s| s.parse().ok())
            .unwrap_or_default();
        (a.policy.clone(), scope)
    })
}

/// The layout of a principals file's text; `None` when it does not parse.
pub(crate) fn layout(text: &str) -> Option<Layout> {
    let file: PrincipalsFile = serde_json::from_str(text).ok()?;
    let mut owners: Vec<Grantee> = file
        .groups
        .0
        .iter()
        .map(|(name, spec)| Grantee {
            label: format!("group `{name}`"),
            attachments: attachments(&spec.attachments).collect(),
        })
        .collect();
    for (name, spec) in &file.users.0 {
        let mut all: Vec<(String, Scope)> = attachments(&spec.attachments).collect();
        for g in &spec.groups {
            if let Some((_, group)) = file.groups.0.iter().find(|(n, _)| n == g) {
                all.extend(attachments(&group.attachments));
            }
        }
        owners.push(Grantee {
            label: format!("user `{name}`"),
            attachments: all,
        });
    }
    Some(Layout {
        policies: file.policies.0,
        owners,
    })
}

/// Whether a JSON document has the shape of a principals file rather than a policy: a top-level object
/// with a `policies`, `groups` or `users` key and no `Statement` key.
pub(crate) fn looks_like_principals(text: &str) -> bool {
    let Ok(serde_json::Value::Object(map)) = serde_json::from_str::<serde_json::Value>(text) else {
        return false;
    };
    !map.contains_key("Statement")
        && ["policies", "groups", "users"]
            .iter()
            .any(|k| map.contains_key(*k))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn users_get_their_groups_attachments() {
        let text = r#"{"policies": {"a": "a.json", "b": "b.json"},
            "groups": {"g": {"attachments": [{"policy": "a", "scope": "project:p"}]}},
            "users": {"u": {"groups": ["g"], "attachments": [{"policy": "b"}]}}}"#;
        let layout = layout(text).unwrap();
        assert_eq!(layout.policies.len(), 2);
        assert_eq!(layout.owners[0].label, "group `g`");
        assert_eq!(
            layout.owners[0].attachments,
            [("a".to_owned(), Scope::Project("p".into()))]
        );
        assert_eq!(layout.owners[1].label, "user `u`");
        assert_eq!(
            layout.owners[1].attachments,
            [
                ("b".to_owned(), Scope::Global),
                ("a".to_owned(), Scope::Project("p".into()))
            ]
        );
    }

    #[test]
    fn shape() {
        assert!(looks_like_principals(r#"{"policies": {}}"#));
        assert!(looks_like_principals(r#"{"users": {}, "groups": {}}"#));
        assert!(!looks_like_principals(
            r#"{"Version": "1.1", "Statement": [], "policies": 1}"#
        ));
        assert!(!looks_like_principals(r#"{"role": {}}"#));
        assert!(!looks_like_principals("[1, 2"));
    }
}
