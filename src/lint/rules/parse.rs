//! IMS001-IMS007: a file that the strict loader refuses. Each kind of
//! [`ParseError`](crate::ParseError) maps to one rule; the loader stops at the first error, so a file
//! has at most one of these findings and no other.

use crate::lint::context::Sink;
use crate::lint::rule::Rule;
use crate::lint::severity::Severity;
use crate::policy::{Location, ParseError};

pub(crate) const INVALID_JSON: Rule = Rule {
    code: "IMS001",
    name: "invalid-json",
    severity: Severity::Error,
    summary: "the file is not one JSON value: a syntax error, an empty file, trailing data or invalid UTF-8",
    description: "The file must hold exactly one JSON object in UTF-8. Fix the syntax at the place shown \
                  (a missing comma or quote, a trailing comma, a comment) or remove what follows the object.",
    example: r#"{"Version": "1.1", "Statement": [{"Effect": "Allow", "Action": ["ims:*:get"],}]}"#,
};

pub(crate) const DUPLICATE_KEY: Rule = Rule {
    code: "IMS002",
    name: "duplicate-key",
    severity: Severity::Error,
    summary: "a key appears twice in one JSON object",
    description: "JSON parsers disagree about which of two equal keys wins, so the cloud may read a \
                  different policy than a reviewer does. Keep one of them; merge lists such as `Action` \
                  into one.",
    example: r#"{"Effect": "Allow", "Action": ["ims:images:get"], "Action": ["ims:images:list"]}"#,
};

pub(crate) const SCHEMA: Rule = Rule {
    code: "IMS003",
    name: "schema-error",
    severity: Severity::Error,
    summary: "an unknown key, a value of the wrong JSON type, or a value out of its domain",
    description: "Policy documents are strict: only `Version`, `Statement` (and `Depends` for roles) at the \
                  top, only `Sid`, `Effect`, `Action`/`NotAction`, `Resource` and `Condition` in a \
                  statement; `Effect` is exactly `Allow` or `Deny`; lists are not empty. Fix the spelling or \
                  the type named in the message.",
    example: r#"{"Effect": "allow", "Action": ["ims:images:get"]}"#,
};

pub(crate) const MISSING: Rule = Rule {
    code: "IMS004",
    name: "missing-element",
    severity: Severity::Error,
    summary: "a required element is missing: `Version`, `Statement`, `Effect`, `Action`/`NotAction`",
    description: "Add the element named in the message. The finding points at the `{` of the object that \
                  lacks it.",
    example: r#"{"Version": "1.1", "Statement": [{"Action": ["ims:images:get"]}]}"#,
};

pub(crate) const ACTION_AND_NOT_ACTION: Rule = Rule {
    code: "IMS005",
    name: "action-and-not-action",
    severity: Severity::Error,
    summary: "a statement has both `Action` and `NotAction`",
    description: "A statement names its actions either with `Action` or with `NotAction`, never both. Split \
                  it into two statements, or keep the one you mean.",
    example: r#"{"Effect": "Deny", "Action": ["ims:*:*"], "NotAction": ["ims:images:get"]}"#,
};

pub(crate) const UNSUPPORTED_VERSION: Rule = Rule {
    code: "IMS006",
    name: "unsupported-version",
    severity: Severity::Error,
    summary: "`Version` is not `1.0` or `1.1` (`5.0` identity policies are not supported yet)",
    description: "Fine-grained custom policies use `\"Version\": \"1.1\"`; system roles use `1.0`. Version \
                  `5.0` identity policies follow other rules that `ims-iam` does not check yet.",
    example: r#"{"Version": "5.0", "Statement": [{"Effect": "Allow", "Action": ["ims:images:get"]}]}"#,
};

pub(crate) const LOADER_LIMIT: Rule = Rule {
    code: "IMS007",
    name: "loader-limit",
    severity: Severity::Error,
    summary: "the file exceeds a bound of the loader (1 MiB, nesting depth 32, 1,000 entries per list, ...)",
    description: "These bounds are far above what the cloud accepts (see IMS010 to IMS017); a file over them \
                  is not a policy anyone can attach. Split it into several policies.",
    example: "a file of 2 MiB",
};

/// Reports the parse error as a finding.
pub(in crate::lint) fn report(err: &ParseError, sink: &mut Sink<'_>) {
    let (rule, hint) = match err.kind() {
        "empty" | "syntax" | "trailing_data" => (&INVALID_JSON, "fix the JSON at this place"),
        "duplicate_key" => (
            &DUPLICATE_KEY,
            "keep one of them: parsers disagree about which one wins",
        ),
        "missing_field" => (&MISSING, "add it"),
        "action_and_not_action" => (
            &ACTION_AND_NOT_ACTION,
            "keep one of them, or split the statement in two",
        ),
        "unsupported_version" => (&UNSUPPORTED_VERSION, ""),
        "limit_exceeded" => (&LOADER_LIMIT, "split the policy into smaller ones"),
        "unknown_field" => (&SCHEMA, "remove it or correct its spelling"),
        _ => (&SCHEMA, ""),
    };
    let location = err.location().unwrap_or(Location { line: 1, column: 1 });
    let full = err.to_string();
    let suffix = format!(" at line {}, column {}", location.line, location.column);
    let detail = full.strip_suffix(&suffix).unwrap_or(&full);
    let message = if hint.is_empty() {
        detail.to_owned()
    } else {
        format!("{detail}; {hint}")
    };
    sink.push(rule, location, None, message);
}

/// Reports a file that is not UTF-8, at its first invalid byte.
pub(in crate::lint) fn report_not_utf8(valid_prefix: &str, sink: &mut Sink<'_>) {
    let line = valid_prefix.matches('\n').count() + 1;
    let column = valid_prefix.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    sink.push(
        &INVALID_JSON,
        Location { line, column },
        None,
        "the file is not valid UTF-8; save it as UTF-8".to_owned(),
    );
}
