//! Path templates: parsing, the routing priority rule and overlap detection.
//!
//! Shared, through `#[path]`, by `build.rs` (which sorts and checks the table when it is generated)
//! and by the library (which lists overlaps and tests the rule). Depends on std only.

use std::cmp::Ordering;

/// One segment of a parsed template.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TemplateSegment<'a> {
    /// A literal segment: matches exactly these bytes.
    Literal(&'a str),
    /// A `{name}` parameter: matches one non-empty segment.
    Param(&'a str),
}

impl TemplateSegment<'_> {
    fn is_literal(self) -> bool {
        matches!(self, TemplateSegment::Literal(_))
    }
}

/// The format a parameter's decoded value must have, named by the parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamFormatName {
    /// `image_id`: a UUID.
    Uuid,
    /// `project_id`, `member_id`: 32 hexadecimal characters.
    Hex32,
    /// Anything else (`tag`, `key`): any non-empty value.
    Any,
}

/// The format the router checks for a parameter of this name.
pub fn param_format(name: &str) -> ParamFormatName {
    match name {
        "image_id" => ParamFormatName::Uuid,
        "project_id" | "member_id" => ParamFormatName::Hex32,
        _ => ParamFormatName::Any,
    }
}

/// Parses a template: `/` alone is the root (no segment); otherwise `/`-separated non-empty
/// segments, each a literal of unreserved characters or a `{name}` parameter (`a-z`, `_`), with
/// no parameter name twice.
pub fn parse_template(template: &str) -> Result<Vec<TemplateSegment<'_>>, String> {
    let Some(rest) = template.strip_prefix('/') else {
        return Err(format!("template `{template}` does not start with `/`"));
    };
    if rest.is_empty() {
        return Ok(Vec::new());
    }
    let mut segments = Vec::new();
    for raw in rest.split('/') {
        let segment = if let Some(name) = raw.strip_prefix('{').and_then(|r| r.strip_suffix('}')) {
            if name.is_empty() || !name.bytes().all(|b| b.is_ascii_lowercase() || b == b'_') {
                return Err(format!("template `{template}`: bad parameter name `{raw}`"));
            }
            if segments.contains(&TemplateSegment::Param(name)) {
                return Err(format!("template `{template}`: parameter `{name}` twice"));
            }
            TemplateSegment::Param(name)
        } else {
            let unreserved = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~');
            if raw.is_empty() || raw == "." || raw == ".." || !raw.bytes().all(unreserved) {
                return Err(format!("template `{template}`: bad literal segment `{raw}`"));
            }
            TemplateSegment::Literal(raw)
        };
        segments.push(segment);
    }
    Ok(segments)
}

/// Whether some raw path matches both templates (formats of parameters aside): the same number of
/// segments, and at every position equal literals or at least one parameter.
pub fn can_overlap(a: &[TemplateSegment<'_>], b: &[TemplateSegment<'_>]) -> bool {
    a.len() == b.len()
        && a.iter().zip(b).all(|(x, y)| match (x, y) {
            (TemplateSegment::Literal(x), TemplateSegment::Literal(y)) => x == y,
            _ => true,
        })
}

/// Whether the two templates have the same shape: same length, same literals, parameters at the
/// same positions (names aside). Such a pair can never be told apart and is refused.
pub fn same_shape(a: &[TemplateSegment<'_>], b: &[TemplateSegment<'_>]) -> bool {
    a.len() == b.len()
        && a.iter().zip(b).all(|(x, y)| match (x, y) {
            (TemplateSegment::Literal(x), TemplateSegment::Literal(y)) => x == y,
            (TemplateSegment::Param(_), TemplateSegment::Param(_)) => true,
            _ => false,
        })
}

/// The routing order: fewer segments first; then, at the first segment where the kinds differ, a
/// literal before a parameter; then literals by their bytes. For two templates that both match a
/// path, the one ordered first is the one the priority rule picks.
pub fn priority_cmp(a: &[TemplateSegment<'_>], b: &[TemplateSegment<'_>]) -> Ordering {
    a.len().cmp(&b.len()).then_with(|| {
        for (x, y) in a.iter().zip(b) {
            match (x.is_literal(), y.is_literal()) {
                (true, false) => return Ordering::Less,
                (false, true) => return Ordering::Greater,
                _ => {}
            }
        }
        for (x, y) in a.iter().zip(b) {
            if let (TemplateSegment::Literal(x), TemplateSegment::Literal(y)) = (x, y) {
                match x.cmp(y) {
                    Ordering::Equal => {}
                    other => return other,
                }
            }
        }
        Ordering::Equal
    })
}
