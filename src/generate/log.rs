//! The `log` input: the decision records of `ims-iam serve --log-format json` (one JSON object per line,
//! target `ims_iam::decision`; see [`crate::gateway`]). Every decision, allowed or not, is an observed call:
//! in shadow mode (`serve --dry-run`) that is the whole workload.
//!
//! A record gives the request's `method` and `request_target` (as received), and `project` (the
//! `X-Project-Id` header) when the gateway sent one. Lines of other events (listening, reloads) are
//! skipped; so are lines that are not JSON unless they mention the decision target (a damaged record is
//! listed, not dropped).

use serde::Deserialize;

/// The `tracing` target of decision records (`ims_iam::gateway::DECISION_TARGET`, which needs the
/// `gateway` feature; a test checks they agree).
const DECISION_TARGET: &str = "ims_iam::decision";

/// The fields of a decision record that `generate` reads (the others are ignored).
#[derive(Debug, Deserialize)]
struct Record {
    #[serde(default)]
    target: Option<String>,
    #[serde(default)]
    method: Option<String>,
    #[serde(default)]
    request_target: Option<String>,
    #[serde(default)]
    project: Option<String>,
    #[serde(default)]
    principal: Option<String>,
    #[serde(default)]
    error_kind: Option<String>,
}

/// A decision record's call, owned (JSON strings may hold escapes).
#[derive(Debug)]
pub(crate) struct LogCall {
    pub(crate) method: String,
    pub(crate) target: String,
    pub(crate) project: Option<String>,
}

/// What one log line is.
#[derive(Debug)]
pub(crate) enum LogLine {
    /// Another event, or a record of another principal than the one asked for.
    Skip,
    /// A decision record's call.
    Call(LogCall),
    /// A decision record that names no request.
    Bad {
        method: Option<String>,
        target: Option<String>,
        kind: &'static str,
        message: String,
    },
}

impl LogLine {
    /// A record without its call.
    fn bad(kind: &'static str, message: &str) -> LogLine {
        LogLine::Bad {
            method: None,
            target: None,
            kind,
            message: message.to_owned(),
        }
    }
}

/// Parses one line; `principal`: keep only that user's records.
pub(crate) fn parse_line(line: &str, principal: Option<&str>) -> LogLine {
    let trimmed = line.trim();
    if trimmed.is_empty() {
        return LogLine::Skip;
    }
    let record: Record = match serde_json::from_str(trimmed) {
        Ok(r) => r,
        Err(_) if trimmed.contains(DECISION_TARGET) => {
            return LogLine::bad(
                "invalid_record",
                "a damaged decision record: the line mentions the decision target but is not one JSON object",
            );
        }
        Err(_) => return LogLine::Skip,
    };
    if record.target.as_deref() != Some(DECISION_TARGET) {
        return LogLine::Skip;
    }
    if let Some(wanted) = principal
        && record.principal.as_deref() != Some(wanted)
    {
        return LogLine::Skip;
    }
    match (record.method, record.request_target) {
        (Some(method), Some(target)) if method != "-" => LogLine::Call(LogCall {
            method,
            target,
            project: record.project,
        }),
        (method, target) => {
            if record.error_kind.as_deref() == Some("missing_forwarded_request") {
                return LogLine::Bad {
                    method: None,
                    target: None,
                    kind: "missing_forwarded_request",
                    message: "the gateway did not say which request to authorize (IMSIAM.4003)".to_owned(),
                };
            }
            LogLine::Bad {
                method: method.filter(|m| m != "-"),
                target,
                kind: "no_request_target",
                message: "the decision record has no `method` and `request_target` (written by an older \
                          version?)"
                    .to_owned(),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(feature = "gateway")]
    #[test]
    fn the_target_is_the_gateways() {
        assert_eq!(DECISION_TARGET, crate::gateway::DECISION_TARGET);
    }

    #[test]
    fn records() {
        let record = r#"{"timestamp":"t","level":"INFO","message":"decision","target":"ims_iam::decision","method":"GET","request_target":"/v2/cloudimages?limit=1","principal":"bob","project":"p"}"#;
        let LogLine::Call(call) = parse_line(record, None) else {
            panic!("a call")
        };
        assert_eq!(
            (
                call.method.as_str(),
                call.target.as_str(),
                call.project.as_deref()
            ),
            ("GET", "/v2/cloudimages?limit=1", Some("p"))
        );
        assert!(matches!(parse_line(record, Some("alice")), LogLine::Skip));
        assert!(matches!(parse_line(record, Some("bob")), LogLine::Call(_)));
        let listening = r#"{"level":"INFO","target":"ims_iam::serve","message":"listening"}"#;
        assert!(matches!(parse_line(listening, None), LogLine::Skip));
        assert!(matches!(parse_line("plain text", None), LogLine::Skip));
        assert!(matches!(
            parse_line(r#"{"target":"ims_iam::decision","method":"GE"#, None),
            LogLine::Bad {
                kind: "invalid_record",
                ..
            }
        ));
        let unforwarded =
            r#"{"target":"ims_iam::decision","method":"-","error_kind":"missing_forwarded_request"}"#;
        assert!(matches!(
            parse_line(unforwarded, None),
            LogLine::Bad {
                kind: "missing_forwarded_request",
                ..
            }
        ));
        let old = r#"{"target":"ims_iam::decision","method":"GET","template":"/v2/cloudimages"}"#;
        assert!(matches!(
            parse_line(old, None),
            LogLine::Bad {
                kind: "no_request_target",
                ..
            }
        ));
    }
}
