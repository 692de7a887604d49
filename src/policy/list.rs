//! Policy files that hold several policies: the IAM API's list responses, `{"roles": [...], "links": {...}}`.
//!
//! Each role of the list is read exactly like a role file (metadata besides `policy`, a strict document
//! under `policy`) and named by its `name`, or its `display_name` when it has no `name`. The list itself
//! may hold `roles` (required), `links` and `total_number`; anything else is an unknown key.

use super::error::ParseError;
use super::json::{Path, Value};
use super::limits::Limits;
use super::model::PolicyDocument;
use super::parse::{Reader, prepare};

/// The keys of a list response.
const LIST_FIELDS: &[&str] = &["roles", "links", "total_number"];

/// The policies of one file: one document (bare, a role object or a `{"role": ...}` envelope), or one
/// named document per role of a list response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PolicyFile {
    /// A file holding one policy; the caller names it (usually after the file).
    Single(PolicyDocument),
    /// A list response: each role's name and document, in the list's order; names are unique.
    List(Vec<(String, PolicyDocument)>),
}

impl PolicyFile {
    /// Every policy with its name: a single document takes `file_name`, the roles of a list their own.
    ///
    /// ```
    /// use ims_iam::PolicyDocument;
    ///
    /// let list = r#"{"links": {"self": "https://iam.example/v3/roles"}, "roles": [
    ///   {"name": "custom_reader", "display_name": "IMS reader", "type": "XA",
    ///    "policy": {"Version": "1.1", "Statement": [{"Effect": "Allow", "Action": ["ims:images:get"]}]}},
    ///   {"display_name": "IMS lister",
    ///    "policy": {"Version": "1.1", "Statement": [{"Effect": "Allow", "Action": ["ims:images:list"]}]}}
    /// ]}"#;
    /// let names: Vec<String> = PolicyDocument::parse_file(list)?
    ///     .into_named("roles.json")
    ///     .into_iter()
    ///     .map(|(name, _)| name)
    ///     .collect();
    /// assert_eq!(names, ["custom_reader", "IMS lister"]);
    ///
    /// let single = r#"{"Version": "1.1", "Statement": [{"Effect": "Deny", "Action": ["ims:*:delete"]}]}"#;
    /// assert_eq!(PolicyDocument::parse_file(single)?.into_named("deny.json")[0].0, "deny.json");
    /// # Ok::<(), ims_iam::ParseError>(())
    /// ```
    pub fn into_named(self, file_name: &str) -> Vec<(String, PolicyDocument)> {
        match self {
            PolicyFile::Single(document) => vec![(file_name.to_owned(), document)],
            PolicyFile::List(roles) => roles,
        }
    }
}

impl PolicyDocument {
    /// Parses a policy file that may hold several policies, with the default [`Limits`]: what
    /// [`PolicyDocument::parse`] reads, or a list response (`{"roles": [...], "links": ...}`) as one
    /// document per role. A role without `name` and `display_name`, two roles with the same name, an
    /// unknown key beside `roles`, and anything [`PolicyDocument::parse`] refuses are errors with line and
    /// column. The size limit applies to the whole file.
    ///
    /// ```
    /// use ims_iam::PolicyDocument;
    /// let err = PolicyDocument::parse_file(r#"{"roles": [{"policy": {"Version": "1.1", "Statement": []}}]}"#)
    ///     .unwrap_err();
    /// assert_eq!(err.location().map(|l| (l.line, l.column)), Some((1, 12)));
    /// ```
    pub fn parse_file(text: &str) -> Result<PolicyFile, ParseError> {
        PolicyDocument::parse_file_with_limits(text, &Limits::default())
    }

    /// [`PolicyDocument::parse_file`] with the given limits.
    pub fn parse_file_with_limits(text: &str, limits: &Limits) -> Result<PolicyFile, ParseError> {
        let (source, root) = prepare(text, limits)?;
        let reader = Reader {
            source: &source,
            limits,
        };
        // The same shape rules as `parse`: a document or an envelope first, then a list.
        let is_list = matches!(&root.value, Value::Object(m)
            if m.iter().any(|m| m.key == "roles")
                && !m.iter().any(|m| matches!(m.key.as_str(), "role" | "Version" | "Statement")));
        if !is_list {
            return PolicyDocument::parse_with_limits(text, limits).map(PolicyFile::Single);
        }
        let members = reader.object(&root, &Path::Root, "an object (a list response)")?;
        if let Some(other) = members.iter().find(|m| !LIST_FIELDS.contains(&m.key.as_str())) {
            return Err(reader.unknown(other, &Path::Root, LIST_FIELDS));
        }
        let roles_path = Path::Root.key("roles");
        let mut roles = Vec::new();
        for member in members.iter().filter(|m| m.key == "roles") {
            let items = reader.array(&member.value, &roles_path, "an array of roles")?;
            for (i, item) in items.iter().enumerate() {
                let path = roles_path.index(i);
                let role_members = reader.object(item, &path, "a role object")?;
                let mut name = None;
                let mut display_name = None;
                for m in role_members {
                    match m.key.as_str() {
                        "name" => name = Some(reader.string(&m.value, &path.key("name"))?),
                        "display_name" => {
                            display_name = Some(reader.string(&m.value, &path.key("display_name"))?)
                        }
                        _ => {}
                    }
                }
                let Some(name) = name.or(display_name).map(str::to_owned) else {
                    return Err(reader.missing("name", item, &path));
                };
                if roles.iter().any(|(n, _): &(String, PolicyDocument)| *n == name) {
                    let reason = format!("two roles are named `{name}`; a policy's name must be unique");
                    return Err(reader.invalid(item, &path, reason));
                }
                let document = reader.role(item, role_members, &path)?;
                roles.push((name, document));
            }
        }
        Ok(PolicyFile::List(roles))
    }
}
