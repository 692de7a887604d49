//! The `calls` input: one observed call per line.
//!
//! ```text
//! # comment lines and blank lines are skipped
//! GET /v2/cloudimages?limit=10
//! PUT /v2/images/0b3b6d4e-8f0a-4c1e-9a57-3c0b8f6f2d11/tags/env   # a trailing comment
//! POST /v2/cloudimages/quickimport/action situation=system-disk-image-import
//! GET /v1/cloudimages/quota project=0123456789abcdef0123456789abcdef
//! ```
//!
//! `METHOD TARGET` as the client sent them (the target raw, percent-encoded as on the wire; it never
//! contains a space, so whitespace separates the fields), then optional annotations:
//! `situation=ID` (repeatable: a documented situation that held for this call, see `ims-iam routes`) and
//! `project=ID` (the IAM project of a call whose path has none). A token starting with `#` starts a comment.

use crate::matrix::Situation;

/// A call as one input gives it, before routing.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RawCall<'l> {
    pub(crate) method: &'l str,
    pub(crate) target: &'l str,
    /// Situation bits (`Situation::bit`).
    pub(crate) situations: u8,
    pub(crate) project: Option<&'l str>,
}

/// What one line of a calls file is.
#[derive(Debug)]
pub(crate) enum CallLine<'l> {
    /// Blank or a comment.
    Skip,
    /// A call.
    Call(RawCall<'l>),
    /// A line that cannot be a call.
    Bad {
        method: Option<&'l str>,
        target: Option<&'l str>,
        kind: &'static str,
        message: String,
    },
}

/// Parses one line (already bounded and decoded).
pub(crate) fn parse_line(line: &str) -> CallLine<'_> {
    let mut tokens = line.split_ascii_whitespace().take_while(|t| !t.starts_with('#'));
    let Some(method) = tokens.next() else {
        return CallLine::Skip;
    };
    let Some(target) = tokens.next() else {
        return CallLine::Bad {
            method: Some(method),
            target: None,
            kind: "missing_target",
            message: "expected `METHOD TARGET`, found only one field".to_owned(),
        };
    };
    let mut call = RawCall {
        method,
        target,
        situations: 0,
        project: None,
    };
    for token in tokens {
        let bad = |message: String| CallLine::Bad {
            method: Some(method),
            target: Some(target),
            kind: "invalid_annotation",
            message,
        };
        match token.split_once('=') {
            Some(("situation", id)) => match Situation::parse(id) {
                Some(s) => call.situations |= s.bit(),
                None => {
                    let known: Vec<&str> = Situation::ALL.iter().map(|s| s.id()).collect();
                    return bad(format!(
                        "unknown situation {}: expected one of {}",
                        super::input::shown(id),
                        known.join(", ")
                    ));
                }
            },
            Some(("project", id)) if !id.is_empty() => {
                if call.project.is_some_and(|p| p != id) {
                    return bad("two different `project=` annotations".to_owned());
                }
                call.project = Some(id);
            }
            _ => {
                return bad(format!(
                    "unexpected {} after the target: annotations are `situation=ID` and `project=ID`",
                    super::input::shown(token)
                ));
            }
        }
    }
    CallLine::Call(call)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(line: &str) -> &'static str {
        match parse_line(line) {
            CallLine::Skip => "skip",
            CallLine::Call(_) => "call",
            CallLine::Bad { kind, .. } => kind,
        }
    }

    #[test]
    fn lines() {
        assert_eq!(kind(""), "skip");
        assert_eq!(kind("   # comment"), "skip");
        assert_eq!(kind("GET /v2/cloudimages"), "call");
        assert_eq!(kind("GET /v2/cloudimages # why"), "call");
        assert_eq!(kind("GET"), "missing_target");
        assert_eq!(kind("GET /x situation=nope"), "invalid_annotation");
        assert_eq!(kind("GET /x extra"), "invalid_annotation");
        assert_eq!(kind("GET /x project=a project=b"), "invalid_annotation");
        assert_eq!(kind("GET /x project="), "invalid_annotation");
        let CallLine::Call(call) = parse_line(
            "POST /q situation=data-disk-image-import situation=system-disk-image-import project=p",
        ) else {
            panic!("a call");
        };
        assert_eq!(
            call.situations,
            Situation::DataDiskImageImport.bit() | Situation::SystemDiskImageImport.bit()
        );
        assert_eq!(call.project, Some("p"));
    }
}
