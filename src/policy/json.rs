//! A JSON tree that knows where each value and key starts.
//!
//! serde_json does the syntax: the whole file is read once as a [`RawValue`] (which validates it), then
//! each object and array is split into raw slices of its members. A slice's byte offset in the file is
//! the distance between its pointer and the file's; a [`LineIndex`] turns offsets into line and column.
//! On top of serde_json this module adds what it does not do: nesting depth checked by a linear scan
//! before anything is built, duplicate keys, the string-length bound, and trailing data.

use std::collections::HashSet;
use std::fmt;

use serde::Deserialize;
use serde::de::{Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;

use super::error::{Detail, ParseError};
use super::limits::Limits;
use super::model::Location;

/// Maps byte offsets of a text to 1-based line and character column.
#[derive(Debug)]
pub(crate) struct LineIndex {
    len: usize,
    /// Byte offset where each line starts; the first is 0.
    line_starts: Vec<usize>,
    /// For each character longer than one byte: its offset, and the extra bytes of all such characters
    /// up to and including it.
    wide: Vec<(usize, usize)>,
}

impl LineIndex {
    pub(crate) fn new(text: &str) -> LineIndex {
        let mut line_starts = vec![0];
        line_starts.extend(
            text.bytes()
                .enumerate()
                .filter(|&(_, b)| b == b'\n')
                .map(|(i, _)| i + 1),
        );
        let mut wide = Vec::new();
        if !text.is_ascii() {
            let mut extra = 0;
            for (i, c) in text.char_indices() {
                if c.len_utf8() > 1 {
                    extra += c.len_utf8() - 1;
                    wide.push((i, extra));
                }
            }
        }
        LineIndex {
            len: text.len(),
            line_starts,
            wide,
        }
    }

    /// Extra bytes of the multi-byte characters that start before `offset`.
    fn extra_before(&self, offset: usize) -> usize {
        let n = self.wide.partition_point(|&(start, _)| start < offset);
        match n.checked_sub(1).and_then(|i| self.wide.get(i)) {
            Some(&(_, extra)) => extra,
            None => 0,
        }
    }

    /// The location of the byte at `offset` (clamped to the end of the text).
    pub(crate) fn location(&self, offset: usize) -> Location {
        let offset = offset.min(self.len);
        let line = self.line_starts.partition_point(|&start| start <= offset).max(1);
        let start = self.line_starts.get(line - 1).copied().unwrap_or(0);
        let bytes = offset - start.min(offset);
        let extra = self.extra_before(offset).saturating_sub(self.extra_before(start));
        Location {
            line,
            column: bytes.saturating_sub(extra) + 1,
        }
    }
}

/// A path to an element, for messages: `Statement[0].Condition.StringEquals`. Built on the stack as the
/// parser descends; rendered only when an error is reported.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Path<'p> {
    /// The top-level value.
    Root,
    /// A member of an object.
    Key(&'p Path<'p>, &'p str),
    /// An element of an array.
    Index(&'p Path<'p>, usize),
}

impl<'p> Path<'p> {
    pub(crate) fn key(&'p self, key: &'p str) -> Path<'p> {
        Path::Key(self, key)
    }

    pub(crate) fn index(&'p self, index: usize) -> Path<'p> {
        Path::Index(self, index)
    }
}

impl fmt::Display for Path<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut segments = Vec::new();
        let mut at = self;
        loop {
            match at {
                Path::Root => break,
                Path::Key(parent, _) | Path::Index(parent, _) => {
                    segments.push(at);
                    at = parent;
                }
            }
        }
        for (i, segment) in segments.iter().rev().enumerate() {
            match segment {
                Path::Key(_, key) if i == 0 => f.write_str(key)?,
                Path::Key(_, key) => write!(f, ".{key}")?,
                Path::Index(_, index) => write!(f, "[{index}]")?,
                Path::Root => {}
            }
        }
        Ok(())
    }
}

/// A JSON value and the byte offset of its first character.
#[derive(Debug)]
pub(crate) struct Node<'a> {
    pub(crate) offset: usize,
    pub(crate) value: Value<'a>,
}

/// A JSON value; numbers keep their source text.
#[derive(Debug)]
pub(crate) enum Value<'a> {
    Null,
    Bool(bool),
    Number(&'a str),
    String(String),
    Array(Vec<Node<'a>>),
    Object(Vec<Member<'a>>),
}

impl Value<'_> {
    /// How a message names the type: `an object`, `a string`, ...
    pub(crate) fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Number(_) => "a number",
            Value::String(_) => "a string",
            Value::Array(_) => "an array",
            Value::Object(_) => "an object",
        }
    }
}

/// An object member: the key, where the key's `"` is, and the value.
#[derive(Debug)]
pub(crate) struct Member<'a> {
    pub(crate) key: String,
    pub(crate) key_offset: usize,
    pub(crate) value: Node<'a>,
}

/// A file being read: its text and line index.
#[derive(Debug)]
pub(crate) struct Source<'a> {
    text: &'a str,
    lines: LineIndex,
}

impl<'a> Source<'a> {
    pub(crate) fn new(text: &'a str) -> Source<'a> {
        Source {
            text,
            lines: LineIndex::new(text),
        }
    }

    pub(crate) fn location(&self, offset: usize) -> Location {
        self.lines.location(offset)
    }

    pub(crate) fn error(&self, detail: Detail, offset: usize) -> ParseError {
        ParseError::new(detail, Some(self.location(offset)))
    }

    /// The byte offset of a slice of the text.
    fn offset_of(&self, slice: &str) -> usize {
        (slice.as_ptr() as usize)
            .saturating_sub(self.text.as_ptr() as usize)
            .min(self.text.len())
    }

    /// Translates a serde_json error about `slice` (its line and column count from the slice's start)
    /// into an error at the same place in the whole file.
    fn syntax_error(&self, err: &serde_json::Error, slice: &str) -> ParseError {
        let base = self.offset_of(slice);
        let line_start = if err.line() <= 1 {
            0
        } else {
            slice
                .bytes()
                .enumerate()
                .filter(|&(_, b)| b == b'\n')
                .nth(err.line() - 2)
                .map_or(slice.len(), |(i, _)| i + 1)
        };
        // serde_json's column is the number of bytes on the line up to and including the offending one.
        let offset = base + line_start + err.column().saturating_sub(1);
        let text = err.to_string();
        let message = match text.rsplit_once(" at line ") {
            Some((message, _)) => message.to_owned(),
            None => text,
        };
        self.error(Detail::Syntax { message }, offset)
    }
}

/// Whether a byte is JSON whitespace.
pub(crate) fn is_json_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

/// Scans the text once, without building anything, and returns the offset of the first `{` or `[`
/// nested deeper than `max` (the top-level value is at depth 1). Strings are skipped; the scan does not
/// validate anything else.
pub(crate) fn find_too_deep(text: &str, max: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for (i, b) in text.bytes().enumerate() {
        if in_string {
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_string = false;
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'{' | b'[' => {
                depth += 1;
                if depth > max {
                    return Some(i);
                }
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

/// The members of one object as raw slices, in document order, duplicates kept.
struct RawMembers<'a>(Vec<(&'a RawValue, &'a RawValue)>);

impl<'de> Deserialize<'de> for RawMembers<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct MembersVisitor;

        impl<'de> Visitor<'de> for MembersVisitor {
            type Value = RawMembers<'de>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }

            fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<Self::Value, M::Error> {
                let mut members = Vec::new();
                while let Some(member) = map.next_entry::<&'de RawValue, &'de RawValue>()? {
                    members.push(member);
                }
                Ok(RawMembers(members))
            }
        }

        deserializer.deserialize_map(MembersVisitor)
    }
}

/// Reads a whole file into a tree. The caller has checked the size, emptiness and depth.
pub(crate) fn read<'a>(source: &Source<'a>, limits: &Limits) -> Result<Node<'a>, ParseError> {
    let text = source.text;
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let raw = <&'a RawValue>::deserialize(&mut deserializer).map_err(|e| source.syntax_error(&e, text))?;
    let end = source.offset_of(raw.get()) + raw.get().len();
    let rest = text.as_bytes().get(end..).unwrap_or_default();
    if let Some(extra) = rest.iter().position(|&b| !is_json_space(b)) {
        return Err(source.error(Detail::TrailingData, end + extra));
    }
    Builder { source, limits }.node(raw, &Path::Root)
}

struct Builder<'s, 'a> {
    source: &'s Source<'a>,
    limits: &'s Limits,
}

impl<'a> Builder<'_, 'a> {
    fn node(&self, raw: &'a RawValue, path: &Path<'_>) -> Result<Node<'a>, ParseError> {
        let slice = raw.get();
        let offset = self.source.offset_of(slice);
        let value = match slice.as_bytes().first() {
            Some(b'{') => Value::Object(self.object(slice, path)?),
            Some(b'[') => {
                let items: Vec<&'a RawValue> =
                    serde_json::from_str(slice).map_err(|e| self.source.syntax_error(&e, slice))?;
                let mut nodes = Vec::with_capacity(items.len());
                for (i, item) in items.into_iter().enumerate() {
                    nodes.push(self.node(item, &path.index(i))?);
                }
                Value::Array(nodes)
            }
            Some(b'"') => Value::String(self.string(slice, offset)?),
            Some(b't') => Value::Bool(true),
            Some(b'f') => Value::Bool(false),
            Some(b'n') => Value::Null,
            _ => Value::Number(slice),
        };
        Ok(Node { offset, value })
    }

    fn object(&self, slice: &'a str, path: &Path<'_>) -> Result<Vec<Member<'a>>, ParseError> {
        let raw: RawMembers<'a> =
            serde_json::from_str(slice).map_err(|e| self.source.syntax_error(&e, slice))?;
        let mut seen = HashSet::with_capacity(raw.0.len());
        let mut members = Vec::with_capacity(raw.0.len());
        for (raw_key, raw_value) in raw.0 {
            let key_offset = self.source.offset_of(raw_key.get());
            let key = self.string(raw_key.get(), key_offset)?;
            if !seen.insert(key.clone()) {
                return Err(self.source.error(
                    Detail::DuplicateKey {
                        key,
                        path: path.to_string(),
                    },
                    key_offset,
                ));
            }
            let value = self.node(raw_value, &path.key(&key))?;
            members.push(Member {
                key,
                key_offset,
                value,
            });
        }
        Ok(members)
    }

    fn string(&self, slice: &'a str, offset: usize) -> Result<String, ParseError> {
        let max = self.limits.max_string_length;
        // The source text is never shorter than the decoded string: check it first, decode only if needed.
        if slice.len() > max {
            let decoded: String =
                serde_json::from_str(slice).map_err(|e| self.source.syntax_error(&e, slice))?;
            if decoded.chars().count() > max {
                return Err(self.source.error(
                    Detail::LimitExceeded {
                        limit: "max_string_length",
                        max,
                        what: format!("a string is longer than {max} characters"),
                    },
                    offset,
                ));
            }
            return Ok(decoded);
        }
        serde_json::from_str(slice).map_err(|e| self.source.syntax_error(&e, slice))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn loc(line: usize, column: usize) -> Location {
        Location { line, column }
    }

    #[test]
    fn line_index_counts_characters_per_line() {
        let text = "ab\nä€x\r\n\ny";
        let index = LineIndex::new(text);
        assert_eq!(index.location(0), loc(1, 1));
        assert_eq!(index.location(2), loc(1, 3)); // the newline itself
        assert_eq!(index.location(3), loc(2, 1)); // ä
        assert_eq!(index.location(5), loc(2, 2)); // €
        assert_eq!(index.location(8), loc(2, 3)); // x
        assert_eq!(index.location(9), loc(2, 4)); // \r
        assert_eq!(index.location(11), loc(3, 1));
        assert_eq!(index.location(12), loc(4, 1)); // y
        assert_eq!(index.location(13), loc(4, 2)); // the end
        assert_eq!(index.location(1_000), loc(4, 2)); // clamped
    }

    #[test]
    fn depth_scan_skips_strings_and_escapes() {
        assert_eq!(find_too_deep("[[[]]]", 3), None);
        assert_eq!(find_too_deep("[[[[]]]]", 3), Some(3));
        assert_eq!(find_too_deep("[[]] [[]] [[]]", 2), None);
        assert_eq!(find_too_deep(r#"["[[[[", "\"[[[[", "\\", [[]]]"#, 3), None);
        assert_eq!(find_too_deep(r#"["\\", [[[]]]]"#, 3), Some(9));
        assert_eq!(find_too_deep("]]]][[[", 3), None);
        assert_eq!(find_too_deep(r#"{"a": {"b": [1]}}"#, 2), Some(12));
    }

    #[test]
    fn paths_render_like_the_document() {
        let root = Path::Root;
        assert_eq!(root.to_string(), "");
        let role = root.key("role");
        let policy = role.key("policy");
        let statements = policy.key("Statement");
        let first = statements.index(0);
        let condition = first.key("Condition");
        assert_eq!(condition.to_string(), "role.policy.Statement[0].Condition");
        assert_eq!(root.index(2).key("x").to_string(), "[2].x");
    }

    #[test]
    fn errors_inside_a_slice_are_reported_at_whole_file_positions() {
        let text = "{\n  \"a\": [1,\n    2 x]}";
        let source = Source::new(text);
        let start = text.find('[').unwrap();
        let slice = &text[start..];
        let err = serde_json::from_str::<Vec<u8>>(slice).unwrap_err();
        assert_eq!((err.line(), err.column()), (2, 7)); // relative to the slice
        let translated = source.syntax_error(&err, slice);
        assert_eq!(translated.location(), Some(loc(3, 7)));
        assert_eq!(translated.kind(), "syntax");
        assert_eq!(
            translated.to_string(),
            "invalid JSON: expected `,` or `]` at line 3, column 7"
        );
    }

    #[test]
    fn tree_keeps_offsets_number_text_and_order() {
        let text = r#" {"b": [1e3, -0.5, true, null], "a": {"c": "\u00e4"}} "#;
        let source = Source::new(text);
        let root = read(&source, &Limits::default()).unwrap();
        assert_eq!(root.offset, 1);
        let Value::Object(members) = &root.value else {
            panic!("{root:?}")
        };
        let keys: Vec<_> = members.iter().map(|m| (m.key.as_str(), m.key_offset)).collect();
        assert_eq!(keys, [("b", 2), ("a", 32)]);
        let Value::Array(items) = &members[0].value.value else {
            panic!("{members:?}")
        };
        assert!(matches!(items[0].value, Value::Number("1e3")));
        assert!(matches!(items[1].value, Value::Number("-0.5")));
        assert!(matches!(items[2].value, Value::Bool(true)));
        assert!(matches!(items[3].value, Value::Null));
        assert_eq!(
            items.iter().map(|n| n.offset).collect::<Vec<_>>(),
            [8, 13, 19, 25]
        );
        let Value::Object(inner) = &members[1].value.value else {
            panic!("{members:?}")
        };
        assert!(matches!(&inner[0].value.value, Value::String(s) if s == "ä"));
    }
}
