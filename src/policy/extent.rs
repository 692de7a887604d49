//! Where the policy document of a file is and how long it is, for the linter's check of the cloud's
//! size limit (the document alone, without a role's metadata, counted as compact JSON).

use super::json::{self, Node, Source, Value};
use super::limits::Limits;
use super::model::Location;

/// The policy document inside a file: where its `{` is and its length in characters written as compact
/// JSON (no whitespace between tokens; strings as escaped JSON; numbers as written).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct DocumentExtent {
    pub(crate) location: Location,
    pub(crate) compact_chars: usize,
}

/// Finds the document of a file that [`PolicyDocument::parse`](super::PolicyDocument::parse) accepts,
/// by the same shape rules: a bare document, a role object's `policy`, or `role.policy` of the envelope.
/// `None` when the text is not such a file.
pub(crate) fn document_extent(text: &str) -> Option<DocumentExtent> {
    let source = Source::new(text);
    let root = json::read(&source, &Limits::default()).ok()?;
    let document = find_document(&root)?;
    Some(DocumentExtent {
        location: source.location(document.offset),
        compact_chars: compact_len(document),
    })
}

fn member<'n, 'a>(node: &'n Node<'a>, key: &str) -> Option<&'n Node<'a>> {
    match &node.value {
        Value::Object(members) => members.iter().find(|m| m.key == key).map(|m| &m.value),
        _ => None,
    }
}

fn find_document<'n, 'a>(root: &'n Node<'a>) -> Option<&'n Node<'a>> {
    if member(root, "Version").is_some() || member(root, "Statement").is_some() {
        Some(root)
    } else if let Some(role) = member(root, "role") {
        member(role, "policy")
    } else {
        member(root, "policy").or(Some(root))
    }
}

fn string_len(s: &str) -> usize {
    serde_json::to_string(s).map_or(s.chars().count() + 2, |q| q.chars().count())
}

fn compact_len(node: &Node<'_>) -> usize {
    match &node.value {
        Value::Null => 4,
        Value::Bool(true) => 4,
        Value::Bool(false) => 5,
        Value::Number(n) => n.chars().count(),
        Value::String(s) => string_len(s),
        Value::Array(items) => {
            2 + items.len().saturating_sub(1) + items.iter().map(compact_len).sum::<usize>()
        }
        Value::Object(members) => {
            2 + members.len().saturating_sub(1)
                + members
                    .iter()
                    .map(|m| string_len(&m.key) + 1 + compact_len(&m.value))
                    .sum::<usize>()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_document_is_measured_without_whitespace_or_role_metadata() {
        let bare = "{\n  \"Version\": \"1.1\",\n  \"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"ims:*:*\"}]\n}";
        let compact = r#"{"Version":"1.1","Statement":[{"Effect":"Allow","Action":"ims:*:*"}]}"#;
        let extent = document_extent(bare).unwrap();
        assert_eq!(extent.compact_chars, compact.chars().count());
        assert_eq!((extent.location.line, extent.location.column), (1, 1));

        let role = format!("{{\"role\": {{\"name\": \"x\",\n \"policy\": {compact}}}}}");
        let extent = document_extent(&role).unwrap();
        assert_eq!(extent.compact_chars, compact.chars().count());
        assert_eq!((extent.location.line, extent.location.column), (2, 12));
    }
}
