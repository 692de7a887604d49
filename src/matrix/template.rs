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
    /// `project_id`, `member_id`, `job_id`: 32 hexadecimal characters.
    Hex32,
    /// `version`: an API version segment such as `v2` or `v2.1`.
    ApiVersion,
    /// Anything else (`tag`, `key`): any non-empty value.
    Any,
}

/// The format the router checks for a parameter of this name.
pub fn param_format(name: &str) -> ParamFormatName {
    match name {
        "image_id" => ParamFormatName::Uuid,
        "project_id" | "member_id" | "job_id" => ParamFormatName::Hex32,
        "version" => ParamFormatName::ApiVersion,
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

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Vec<TemplateSegment<'_>> {
        parse_template(s).unwrap()
    }

    #[test]
    fn parses_root_literals_and_params() {
        assert!(t("/").is_empty());
        assert_eq!(
            t("/v2/{project_id}/images"),
            vec![
                TemplateSegment::Literal("v2"),
                TemplateSegment::Param("project_id"),
                TemplateSegment::Literal("images")
            ]
        );
        for bad in [
            "",
            "v2/images",
            "/v2//images",
            "/v2/",
            "/v2/{}",
            "/v2/{Image}",
            "/{a}/{a}",
            "/v2/..",
            "/v2/a%20b",
        ] {
            assert!(parse_template(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_literal_beats_a_parameter_at_the_first_difference() {
        let members = t("/v2/images/{image_id}/members/{member_id}");
        let tags = t("/v2/{project_id}/images/{image_id}/tags");
        assert!(can_overlap(&members, &tags));
        assert_eq!(priority_cmp(&members, &tags), Ordering::Less);
        assert_eq!(priority_cmp(&tags, &members), Ordering::Greater);
        // Later literals do not matter once an earlier segment decided.
        assert_eq!(priority_cmp(&t("/a/{x}/c"), &t("/{y}/b/{z}")), Ordering::Less);
        // Fewer segments first; they never overlap anyway.
        assert_eq!(priority_cmp(&t("/a"), &t("/a/b")), Ordering::Less);
    }

    #[test]
    fn overlap_and_shape() {
        assert!(!can_overlap(&t("/v2/images/{id}"), &t("/v2/schemas/image")));
        assert!(!can_overlap(&t("/v2/images"), &t("/v2/images/{id}")));
        assert!(same_shape(&t("/v2/images/{a}"), &t("/v2/images/{b}")));
        assert!(!same_shape(&t("/v2/images/{a}"), &t("/v2/images/x")));
    }

    #[test]
    fn the_generated_overlaps_are_exactly_the_pairs_these_rules_find() {
        let ops = crate::operations();
        let mut found = Vec::new();
        for (i, a) in ops.iter().enumerate() {
            for (j, b) in ops.iter().enumerate().skip(i + 1) {
                if a.method() == b.method() && can_overlap(&t(a.template()), &t(b.template())) {
                    let winner_first = priority_cmp(&t(a.template()), &t(b.template())) != Ordering::Greater;
                    found.push(if winner_first { (i, j) } else { (j, i) });
                }
            }
        }
        let generated: Vec<(usize, usize)> = crate::overlaps()
            .map(|o| (o.winner.index(), o.loser.index()))
            .collect();
        assert_eq!(found, generated);
    }

    #[test]
    fn param_formats_by_name() {
        assert_eq!(param_format("image_id"), ParamFormatName::Uuid);
        assert_eq!(param_format("project_id"), ParamFormatName::Hex32);
        assert_eq!(param_format("member_id"), ParamFormatName::Hex32);
        assert_eq!(param_format("job_id"), ParamFormatName::Hex32);
        assert_eq!(param_format("version"), ParamFormatName::ApiVersion);
        assert_eq!(param_format("tag"), ParamFormatName::Any);
    }
}
