#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Strict parsing of policy files: one bad document per error class with its exact kind, line and
//! column; good documents of every accepted shape; limits; and inputs that must never panic.

use std::time::{Duration, Instant};

use ims_iam::{ActionSpec, ConditionValue, Effect, Location, PolicyDocument, Version};
use ims_iam::{Limits, ParseError};
use proptest::prelude::*;

/// Wraps one statement on line 3 (its `{` at column 3 when it starts with `{`).
fn doc(statement: &str) -> String {
    format!("{{\"Version\": \"1.1\",\n \"Statement\": [\n  {statement}\n]}}")
}

/// Puts a condition-operator line on line 3 (4 spaces of indentation) inside a valid statement.
fn condition(lines: &str) -> String {
    format!(
        "{{\"Version\": \"1.1\", \"Statement\": [{{\"Effect\": \"Allow\", \"Action\": \"a\",\n  \"Condition\": {{\n{lines}\n  }}}}]}}"
    )
}

const GOOD_STATEMENTS: &str = r#""Statement": [{"Effect": "Allow", "Action": "a"}]"#;

fn parse_err(text: &str) -> ParseError {
    match PolicyDocument::parse(text) {
        Ok(doc) => panic!("expected an error, parsed {doc:?} from:\n{text}"),
        Err(err) => err,
    }
}

fn at(line: usize, column: usize) -> Option<Location> {
    Some(Location { line, column })
}

#[test]
fn bad_documents_report_kind_line_and_column() {
    let role_doc = format!(r#"{{"Version": "1.1", {GOOD_STATEMENTS}}}"#);
    let cases: Vec<(&str, String, &str, Option<Location>)> = vec![
        // JSON syntax, anywhere.
        ("missing comma", doc(r#"{"Effect": "Allow" "Action": "a"}"#), "syntax", at(3, 22)),
        ("invalid escape", doc(r#"{"Effect": "Al\low", "Action": "a"}"#), "syntax", at(3, 18)),
        ("unterminated", "{\"Version\": \"1.1\",\n \"Statement\": [".to_owned(), "syntax", at(2, 15)),
        ("empty file", String::new(), "empty", None),
        ("only whitespace", " \n\t\r\n ".to_owned(), "empty", None),
        (
            "trailing data",
            format!("{{\"Version\": \"1.1\", {GOOD_STATEMENTS}}}\n\n  x"),
            "trailing_data",
            at(3, 3),
        ),
        (
            "a second document",
            format!("{{\"Version\": \"1.1\", {GOOD_STATEMENTS}}} {{}}"),
            "trailing_data",
            at(1, 71),
        ),
        // Duplicate keys.
        (
            "duplicate in statement",
            doc(r#"{"Effect": "Allow", "Effect": "Deny", "Action": "a"}"#),
            "duplicate_key",
            at(3, 23),
        ),
        (
            "duplicate in document",
            format!(r#"{{"Version": "1.1", "Version": "1.0", {GOOD_STATEMENTS}}}"#),
            "duplicate_key",
            at(1, 20),
        ),
        (
            "duplicate condition operator",
            condition(
                "    \"StringEquals\": {\"g:UserName\": \"a\"},\n    \"StringEquals\": {\"g:UserName\": \"b\"}",
            ),
            "duplicate_key",
            at(4, 5),
        ),
        (
            "duplicate condition key",
            condition(r#"    "StringEquals": {"g:UserName": "a", "g:UserName": "b"}"#),
            "duplicate_key",
            at(3, 41),
        ),
        (
            "duplicate in role metadata",
            format!("{{\"name\": \"a\",\n \"name\": \"b\",\n \"policy\": {role_doc}}}"),
            "duplicate_key",
            at(2, 2),
        ),
        (
            "duplicate in nested unknown metadata",
            format!(r#"{{"links": {{"self": "a", "self": "b"}}, "policy": {role_doc}}}"#),
            "duplicate_key",
            at(1, 25),
        ),
        // Unknown and missing fields.
        ("unknown statement field", doc(r#"{"Effect": "Allow", "Actions": "a"}"#), "unknown_field", at(3, 23)),
        (
            "unknown document field",
            r#"{"Version": "1.1", "Statements": []}"#.to_owned(),
            "unknown_field",
            at(1, 20),
        ),
        ("lowercase document field", format!(r#"{{"version": "1.1", {GOOD_STATEMENTS}}}"#), "unknown_field", at(1, 2)),
        ("missing Effect", doc(r#"{"Action": "a"}"#), "missing_field", at(3, 3)),
        ("missing Action", doc(r#"{"Effect": "Allow"}"#), "missing_field", at(3, 3)),
        ("missing Version", format!("{{{GOOD_STATEMENTS}}}"), "missing_field", at(1, 1)),
        ("missing Statement", r#"{"Version": "1.1"}"#.to_owned(), "missing_field", at(1, 1)),
        ("empty object", "{}".to_owned(), "missing_field", at(1, 1)),
        (
            "Action and NotAction",
            doc(r#"{"Effect": "Allow", "Action": "a", "NotAction": "b"}"#),
            "action_and_not_action",
            at(3, 38),
        ),
        // Values.
        ("lowercase effect", doc(r#"{"Effect": "allow", "Action": "a"}"#), "invalid_value", at(3, 14)),
        ("unknown effect", doc(r#"{"Effect": "Permit", "Action": "a"}"#), "invalid_value", at(3, 14)),
        (
            "version 5.0",
            format!("{{\"Version\": \"5.0\",\n {GOOD_STATEMENTS}}}"),
            "unsupported_version",
            at(1, 13),
        ),
        ("version 2.0", format!(r#"{{"Version": "2.0", {GOOD_STATEMENTS}}}"#), "invalid_value", at(1, 13)),
        ("empty Statement", r#"{"Version": "1.1", "Statement": []}"#.to_owned(), "invalid_value", at(1, 33)),
        ("empty Action", doc(r#"{"Effect": "Allow", "Action": []}"#), "invalid_value", at(3, 33)),
        ("empty action string", doc(r#"{"Effect": "Allow", "Action": ""}"#), "invalid_value", at(3, 33)),
        (
            "empty condition operator",
            condition(r#"    "StringEquals": {}"#),
            "invalid_value",
            at(3, 21),
        ),
        (
            "empty condition values",
            condition(r#"    "StringEquals": {"g:UserName": []}"#),
            "invalid_value",
            at(3, 36),
        ),
        // JSON types.
        ("top-level array", "[]".to_owned(), "invalid_type", at(1, 1)),
        ("top-level string", "\n  \"policy\"".to_owned(), "invalid_type", at(2, 3)),
        ("version number", format!(r#"{{"Version": 1.1, {GOOD_STATEMENTS}}}"#), "invalid_type", at(1, 13)),
        ("Statement object", r#"{"Version": "1.1", "Statement": {}}"#.to_owned(), "invalid_type", at(1, 33)),
        ("Effect boolean", doc(r#"{"Effect": true, "Action": "a"}"#), "invalid_type", at(3, 14)),
        ("Action number", doc(r#"{"Effect": "Allow", "Action": 5}"#), "invalid_type", at(3, 33)),
        ("Action element number", doc(r#"{"Effect": "Allow", "Action": ["a", 5]}"#), "invalid_type", at(3, 39)),
        (
            "Resource object",
            // The agency form `{"uri": [...]}` loads; an object without `uri` does not.
            doc(r#"{"Effect": "Allow", "Action": "a", "Resource": {}}"#),
            "missing_field",
            at(3, 50),
        ),
        ("Sid number", doc(r#"{"Sid": 1, "Effect": "Allow", "Action": "a"}"#), "invalid_type", at(3, 11)),
        (
            "Condition array",
            doc(r#"{"Effect": "Allow", "Action": "a", "Condition": []}"#),
            "invalid_type",
            at(3, 51),
        ),
        (
            "condition value null",
            condition(r#"    "StringEquals": {"g:UserName": null}"#),
            "invalid_type",
            at(3, 36),
        ),
        (
            "condition value object",
            condition(r#"    "StringEquals": {"g:UserName": {"x": 1}}"#),
            "invalid_type",
            at(3, 36),
        ),
        (
            "nested condition array",
            condition(r#"    "StringEquals": {"g:UserName": ["a", ["b"]]}"#),
            "invalid_type",
            at(3, 42),
        ),
        (
            "condition keys not an object",
            condition(r#"    "StringEquals": ["g:UserName"]"#),
            "invalid_type",
            at(3, 21),
        ),
        ("statement not an object", doc(r#""Allow""#), "invalid_type", at(3, 3)),
        // Depends.
        (
            "Depends entry without display_name",
            format!("{{\"Version\": \"1.0\", {GOOD_STATEMENTS},\n \"Depends\": [{{\"catalog\": \"BASE\"}}]}}"),
            "missing_field",
            at(2, 14),
        ),
        (
            "Depends entry with unknown key",
            format!(
                "{{\"Version\": \"1.0\", {GOOD_STATEMENTS},\n \"Depends\": [{{\"catalog\": \"BASE\", \"display_name\": \"x\", \"extra\": 1}}]}}"
            ),
            "unknown_field",
            at(2, 55),
        ),
        (
            "Depends not an array",
            format!("{{\"Version\": \"1.0\", {GOOD_STATEMENTS},\n \"Depends\": {{}}}}"),
            "invalid_type",
            at(2, 13),
        ),
        // Role objects.
        ("role without policy", r#"{"name": "a", "id": "x"}"#.to_owned(), "missing_field", at(1, 1)),
        (
            "role display_name number",
            format!(r#"{{"display_name": 3, "policy": {role_doc}}}"#),
            "invalid_type",
            at(1, 18),
        ),
        ("role policy string", r#"{"name": "a", "policy": "x"}"#.to_owned(), "invalid_type", at(1, 25)),
        (
            "unknown field in role policy",
            format!("{{\"name\": \"a\",\n \"policy\": {{\"Version\": \"1.1\", \"Extra\": 1, {GOOD_STATEMENTS}}}}}"),
            "unknown_field",
            at(2, 31),
        ),
        // The `{"role": ...}` envelope: positions are in the whole file.
        (
            "envelope condition value null",
            concat!(
                "{\n",
                "  \"role\": {\n",
                "    \"name\": \"x\",\n",
                "    \"policy\": {\n",
                "      \"Version\": \"1.1\",\n",
                "      \"Statement\": [\n",
                "        {\"Effect\": \"Allow\", \"Action\": \"a\", \"Condition\": {\"Bool\": {\"g:MFAPresent\": null}}}\n",
                "      ]\n",
                "    }\n",
                "  }\n",
                "}\n",
            )
            .to_owned(),
            "invalid_type",
            at(7, 83),
        ),
        (
            "envelope syntax error",
            concat!(
                "{\"role\": {\n",
                "  \"policy\": {\"Version\": \"1.1\", \"Statement\": [\n",
                "    {\"Effect\": \"Allow\", \"Action\": \"a\",}\n",
                "  ]}}}\n",
            )
            .to_owned(),
            "syntax",
            at(3, 39),
        ),
        (
            "envelope version 5.0",
            r#"{"role": {"policy": {"Version": "5.0", "Statement": []}}}"#.to_owned(),
            "unsupported_version",
            at(1, 33),
        ),
        (
            "envelope with another key",
            format!(r#"{{"role": {{"policy": {role_doc}}}, "roles": []}}"#),
            "unknown_field",
            at(1, 93),
        ),
        ("envelope role array", r#"{"role": []}"#.to_owned(), "invalid_type", at(1, 10)),
        (
            "envelope duplicate Action",
            "{\"role\": {\"policy\": {\"Version\": \"1.1\", \"Statement\": [\n{\"Effect\": \"Allow\", \"Action\": \"a\", \"Action\": \"b\"}]}}}"
                .to_owned(),
            "duplicate_key",
            at(2, 36),
        ),
        // Columns count characters, not bytes.
        (
            "non-ASCII before the error",
            doc(r#"{"Sid": "größe €", "Effect": "Deny!", "Action": "a"}"#),
            "invalid_value",
            at(3, 32),
        ),
        // Nesting inside a valid document.
        (
            "deep condition value",
            condition(&format!("    \"StringEquals\": {{\"k\": {}{}}}", "[".repeat(40), "]".repeat(40))),
            "limit_exceeded",
            // The statement array is at depth 2, the statement 3, Condition 4, the operator 5, the first
            // `[` (column 27) 6: the 28th `[` is the 33rd level.
            at(3, 27 + 27),
        ),
    ];
    let mut failures = Vec::new();
    for (name, text, kind, location) in &cases {
        match PolicyDocument::parse(text) {
            Ok(_) => failures.push(format!("{name}: parsed")),
            Err(err) => {
                if err.kind() != *kind || err.location() != *location {
                    failures.push(format!(
                        "{name}: expected {kind} at {location:?}, got {} at {:?}: {err}",
                        err.kind(),
                        err.location()
                    ));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[test]
fn messages_say_what_and_where() {
    let err = parse_err(&doc(r#"{"Effect": "Allow", "Actions": "a"}"#));
    assert_eq!(
        err.to_string(),
        "unknown field `Actions` in `Statement[0]`, expected one of `Sid`, `Effect`, `Action`, `NotAction`, \
         `Resource`, `Condition` at line 3, column 23"
    );
    let err = parse_err(&condition(
        r#"    "StringEquals": {"g:UserName": "a", "g:UserName": "b"}"#,
    ));
    assert_eq!(
        err.to_string(),
        "duplicate key `g:UserName` in `Statement[0].Condition.StringEquals` at line 3, column 41"
    );
    let err = parse_err(r#"{"role": {"policy": {"Version": "5.0", "Statement": []}}}"#);
    assert_eq!(
        err.to_string(),
        "unsupported policy version `5.0`: identity policies (version 5.0) are not supported yet, use `1.0` \
         or `1.1` at line 1, column 33"
    );
    let err = parse_err(&doc(r#"{"Effect": "Allow", "Action": "a", "NotAction": "b"}"#));
    assert_eq!(
        err.to_string(),
        "`Statement[0]` has both `Action` and `NotAction` at line 3, column 38"
    );
    let err = parse_err("[]");
    assert_eq!(
        err.to_string(),
        "invalid type for the top-level object: expected an object (a policy document or a role), found an \
         array at line 1, column 1"
    );
    let err = parse_err(r#"{"role": {"policy": {"Version": "1.1", "Statement": [{"Effect": "Allow"}]}}}"#);
    assert_eq!(
        err.to_string(),
        "missing field `Action` or `NotAction` in `role.policy.Statement[0]` at line 1, column 54"
    );
    let err = parse_err(&doc(r#"{"Effect": "Allow" "Action": "a"}"#));
    assert_eq!(
        err.to_string(),
        "invalid JSON: expected `,` or `}` at line 3, column 22"
    );
    let err = parse_err("");
    assert_eq!(err.to_string(), "the input is empty, expected a JSON object");
}

// ---- limits ----

/// User input is quoted the same way in every message: in backticks, control characters escaped, at
/// most 64 bytes.
#[test]
fn messages_quote_user_input_escaped_and_short() {
    let long = "k".repeat(100);
    let err = parse_err(&doc(&format!(
        r#"{{"Effect": "Allow", "Action": "a", "{long}": 1}}"#
    )));
    assert!(
        err.to_string().starts_with(&format!(
            "unknown field `{}...` in `Statement[0]`",
            "k".repeat(64)
        )),
        "{err}"
    );
    let err = parse_err(&condition(
        r#"    "StringEquals": {"a\u0007b": "a", "a\u0007b": "b"}"#,
    ));
    assert!(
        err.to_string().starts_with("duplicate key `a\\u{7}b` in"),
        "{err}"
    );
    let err = parse_err(&doc(r#"{"Effect": "Al\nlow", "Action": "a"}"#));
    assert!(err.to_string().contains("found `Al\\nlow`"), "{err}");
}

#[test]
fn very_deep_input_fails_fast_without_overflow() {
    for text in [
        "[".repeat(100_000),
        "{\"a\":".repeat(100_000),
        format!("{}{}", "[".repeat(100_000), "]".repeat(100_000)),
    ] {
        let started = Instant::now();
        let err = parse_err(&text);
        assert_eq!(err.kind(), "limit_exceeded");
        assert!(err.to_string().contains("`max_depth` (32)"), "{err}");
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "took {:?}",
            started.elapsed()
        );
    }
    let err = parse_err(&"[".repeat(100_000));
    assert_eq!(err.location(), at(1, 33));
    let err = parse_err(&"{\"a\":".repeat(100_000));
    assert_eq!(err.location(), at(1, 1 + 5 * 32));
}

#[test]
fn depth_limit_is_configurable_and_capped() {
    let text = format!(r#"{{"Version": "1.1", {GOOD_STATEMENTS}}}"#);
    // Top-level object 1, Statement array 2, statement 3.
    let three = Limits {
        max_depth: 3,
        ..Limits::default()
    };
    assert!(PolicyDocument::parse_with_limits(&text, &three).is_ok());
    let two = Limits {
        max_depth: 2,
        ..Limits::default()
    };
    let err = PolicyDocument::parse_with_limits(&text, &two).unwrap_err();
    assert_eq!((err.kind(), err.location()), ("limit_exceeded", at(1, 34)));
    // Far above the JSON library's own recursion limit: still our error, at our cap.
    let huge = Limits {
        max_depth: 1_000_000,
        ..Limits::default()
    };
    let err = PolicyDocument::parse_with_limits(&"[".repeat(10_000), &huge).unwrap_err();
    assert_eq!((err.kind(), err.location()), ("limit_exceeded", at(1, 101)));
    // Brackets inside strings do not count.
    let text = format!(
        r#"{{"Version": "1.1", "Statement": [{{"Sid": "{}\"[", "Effect": "Allow", "Action": "a"}}]}}"#,
        "[{".repeat(50)
    );
    assert!(PolicyDocument::parse_with_limits(&text, &three).is_ok());
}

#[test]
fn size_limit_is_checked_first() {
    let body = format!(r#"{{"Version": "1.1", {GOOD_STATEMENTS}}}"#);
    let mut text = " ".repeat(1024 * 1024 - body.len());
    text.push_str(&body);
    assert_eq!(text.len(), 1024 * 1024);
    assert!(PolicyDocument::parse(&text).is_ok());
    text.push(' ');
    let err = parse_err(&text);
    assert_eq!((err.kind(), err.location()), ("limit_exceeded", None));
    assert!(
        err.to_string().contains("`max_document_bytes` (1048576)"),
        "{err}"
    );
    // Before anything else: a huge invalid file is still a size error.
    let err = parse_err(&"[".repeat(2 * 1024 * 1024));
    assert!(err.to_string().contains("max_document_bytes"), "{err}");
    let small = Limits {
        max_document_bytes: 10,
        ..Limits::default()
    };
    let err = PolicyDocument::parse_with_limits(&body, &small).unwrap_err();
    assert_eq!(err.kind(), "limit_exceeded");
}

#[test]
fn count_and_length_limits_name_the_limit_and_point_at_the_first_excess() {
    let d = Limits::default();
    let cases = [
        (
            Limits {
                max_statements: 2,
                ..d.clone()
            },
            r#"{"Version": "1.1", "Statement": [{"Effect": "Allow", "Action": "a"}, {"Effect": "Allow", "Action": "a"}, {"Effect": "Allow", "Action": "a"}]}"#,
            "max_statements",
            at(1, 106),
        ),
        (
            Limits {
                max_actions_per_statement: 1,
                ..d.clone()
            },
            r#"{"Version": "1.1", "Statement": [{"Effect": "Allow", "Action": ["a", "b"]}]}"#,
            "max_actions_per_statement",
            at(1, 70),
        ),
        (
            Limits {
                max_actions_per_statement: 1,
                ..d.clone()
            },
            r#"{"Version": "1.1", "Statement": [{"Effect": "Allow", "NotAction": ["a", "b"]}]}"#,
            "max_actions_per_statement",
            at(1, 73),
        ),
        (
            Limits {
                max_resources_per_statement: 1,
                ..d.clone()
            },
            r#"{"Version": "1.1", "Statement": [{"Effect": "Allow", "Action": "a", "Resource": ["*", "*"]}]}"#,
            "max_resources_per_statement",
            at(1, 87),
        ),
        (
            Limits {
                max_conditions_per_statement: 1,
                ..d.clone()
            },
            r#"{"Version": "1.1", "Statement": [{"Effect": "Allow", "Action": "a", "Condition": {"Bool": {"k": true}, "Null": {"j": true}}}]}"#,
            "max_conditions_per_statement",
            at(1, 113),
        ),
        (
            Limits {
                max_values_per_condition: 1,
                ..d.clone()
            },
            r#"{"Version": "1.1", "Statement": [{"Effect": "Allow", "Action": "a", "Condition": {"Bool": {"k": [true, false]}}}]}"#,
            "max_values_per_condition",
            at(1, 104),
        ),
        (
            Limits {
                max_depends: 1,
                ..d.clone()
            },
            r#"{"Version": "1.0", "Statement": [{"Effect": "Allow", "Action": "a"}], "Depends": [{"catalog": "A", "display_name": "B"}, {"catalog": "A", "display_name": "B"}]}"#,
            "max_depends",
            at(1, 122),
        ),
        (
            Limits {
                max_string_length: 10,
                ..d.clone()
            },
            r#"{"Version": "1.1", "Statement": [{"Sid": "abcdefghijk", "Effect": "Allow", "Action": "a"}]}"#,
            "max_string_length",
            at(1, 42),
        ),
        // Escapes are counted decoded: `\u0041` is one character.
        (
            Limits {
                max_string_length: 10,
                ..d.clone()
            },
            r#"{"Version": "1.1", "Statement": [{"Sid": "\u0041\u0042\u0043\u0044\u0045\u0046\u0041\u0042\u0043\u0044\u0045", "Effect": "Allow", "Action": "a"}]}"#,
            "max_string_length",
            at(1, 42),
        ),
        // Keys are strings too.
        (
            Limits {
                max_string_length: 10,
                ..d.clone()
            },
            r#"{"Version": "1.1", "Statement": [{"Effect": "Allow", "Action": "a", "Condition": {"Bool": {"toolongkey1": true}}}]}"#,
            "max_string_length",
            at(1, 92),
        ),
    ];
    for (limits, text, limit, location) in cases {
        let err = PolicyDocument::parse_with_limits(text, &limits).unwrap_err();
        assert_eq!(
            (err.kind(), err.location()),
            ("limit_exceeded", location),
            "{limit}: {err}"
        );
        assert!(err.to_string().contains(&format!("`{limit}`")), "{err}");
        // The same document within the default limits is fine.
        assert!(PolicyDocument::parse(text).is_ok(), "{limit}");
    }
    let ten = Limits {
        max_string_length: 10,
        ..d
    };
    let ok = r#"{"Version": "1.1", "Statement": [{"Sid": "\u0041\u0042\u0043\u0044\u0045\u0046\u0041\u0042\u0043\u0044", "Effect": "Allow", "Action": "a"}]}"#;
    assert_eq!(
        PolicyDocument::parse_with_limits(ok, &ten).unwrap().statements[0]
            .sid
            .as_deref(),
        Some("ABCDEFABCD")
    );
}

/// Every count limit is exact: at the limit the document loads, one past it fails.
#[test]
fn count_limits_are_exact() {
    let limits = Limits {
        max_statements: 3,
        max_actions_per_document: 4,
        max_conditions_per_document: 2,
        ..Limits::default()
    };
    let parse = |text: &str| PolicyDocument::parse_with_limits(text, &limits);
    let statement = |action: &str| format!(r#"{{"Effect": "Allow", "Action": "{action}"}}"#);
    let document =
        |statements: &[String]| format!(r#"{{"Version": "1.1", "Statement": [{}]}}"#, statements.join(","));
    let two_actions = r#"{"Effect": "Allow", "Action": ["ims:images:get", "ims:images:list"]}"#.to_owned();
    assert!(parse(&document(&[two_actions.clone(), two_actions.clone()])).is_ok());
    let err = parse(&document(&[
        two_actions.clone(),
        two_actions.clone(),
        statement("a:b:c"),
    ]))
    .unwrap_err();
    assert_eq!(err.kind(), "limit_exceeded");
    assert!(err.to_string().contains("max_actions_per_document"), "{err}");
    // The error points at the first pattern past the limit: the third statement's only pattern.
    assert_eq!(err.location().map(|l| l.line), Some(1));
    let cond = |key: &str| {
        format!(r#"{{"Effect": "Allow", "Action": "ims:*:*", "Condition": {{"Bool": {{"{key}": true}}}}}}"#)
    };
    assert!(parse(&document(&[cond("g:MFAPresent"), cond("g:MFAPresent")])).is_ok());
    let err = parse(&document(&[cond("a"), cond("b"), cond("c")])).unwrap_err();
    assert!(err.to_string().contains("max_conditions_per_document"), "{err}");
    let err = parse(&document(&vec![statement("a:b:c"); 4])).unwrap_err();
    assert!(err.to_string().contains("max_statements"), "{err}");
}

#[test]
fn a_large_single_line_document_parses_in_linear_time() {
    // 1,000 statements on one line with a non-ASCII character early on: locations stay cheap to compute.
    let actions: Vec<String> = (0..25).map(|i| format!("\"ims:images:action{i}\"")).collect();
    let statement = format!(
        r#"{{"Sid": "ä", "Effect": "Allow", "Action": [{}], "Condition": {{"StringEquals": {{"g:UserName": ["a", 1e3]}}}}}}"#,
        actions.join(", ")
    );
    let statements = vec![statement.as_str(); 1_000].join(", ");
    let text = format!(r#"{{"role": {{"policy": {{"Version": "1.1", "Statement": [{statements}]}}}}}}"#);
    assert!(text.len() > 600_000 && !text.contains('\n'));
    let started = Instant::now();
    let doc = PolicyDocument::parse(&text).unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "took {:?}",
        started.elapsed()
    );
    assert_eq!(doc.statements.len(), 1_000);
    let last = &doc.statements[999];
    assert_eq!(last.location.line, 1);
    let expected_column = text.chars().count() - statement.chars().count() - 4 + 1;
    assert_eq!(last.location.column, expected_column);
}

#[test]
fn default_limits_are_documented_values() {
    let limits = Limits::default();
    assert_eq!(limits.max_document_bytes, 1_048_576);
    assert_eq!(limits.max_depth, 32);
    assert_eq!(limits.max_statements, 1_000);
    assert_eq!(limits.max_string_length, 65_536);
}

// ---- good documents ----

fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/policies/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap()
}

#[test]
fn fine_grained_policy() {
    let doc = PolicyDocument::parse(&fixture("policy_1_1.json")).unwrap();
    assert_eq!(doc.version, Version::V1_1);
    assert_eq!(doc.display_name, None);
    assert!(doc.depends.is_empty());
    assert_eq!(doc.statements.len(), 3);

    let read = &doc.statements[0];
    assert_eq!(read.sid.as_deref(), Some("ReadImages"));
    assert_eq!(read.effect.value, Effect::Allow);
    assert_eq!(read.effect.location, Location { line: 6, column: 17 });
    let ActionSpec::Action(actions) = &read.actions else {
        panic!("{:?}", read.actions)
    };
    assert_eq!(actions.len(), 1);
    assert_eq!(actions[0].value, "ims:images:get");
    assert_eq!(actions[0].location, Location { line: 7, column: 17 });
    assert_eq!(read.resource, None);
    assert!(read.conditions.is_empty());
    assert_eq!(read.location, Location { line: 4, column: 5 });

    let second = &doc.statements[1];
    assert_eq!(second.location, Location { line: 9, column: 5 });
    let patterns: Vec<_> = second
        .actions
        .patterns()
        .iter()
        .map(|p| (p.value.as_str(), p.location))
        .collect();
    assert_eq!(
        patterns,
        [
            ("ims:images:list", Location { line: 11, column: 18 }),
            ("ims:*:create", Location { line: 11, column: 37 })
        ]
    );
    let resources: Vec<_> = second
        .resource
        .as_ref()
        .unwrap()
        .iter()
        .map(|r| r.value.as_str())
        .collect();
    assert_eq!(resources, ["*", "ims:*:*:image:*"]);
    let conditions: Vec<_> = second
        .conditions
        .iter()
        .map(|c| {
            let values: Vec<_> = c.values.iter().map(|v| v.value.clone()).collect();
            (c.operator.value.as_str(), c.key.value.as_str(), values)
        })
        .collect();
    let s = |v: &str| ConditionValue::String(v.to_owned());
    let n = |v: &str| ConditionValue::Number(v.to_owned());
    assert_eq!(
        conditions,
        [
            ("StringEquals", "g:ProjectName", vec![s("eu-de"), s("eu-nl")]),
            ("StringEquals", "g:UserName", vec![s("alice")]),
            ("NumberLessThan", "g:MFAAge", vec![n("1e3")]),
            ("NumberGreaterThanEquals", "g:MFAAge", vec![n("-2"), n("0.5")]),
            ("Bool", "g:MFAPresent", vec![ConditionValue::Bool(true)]),
        ]
    );
    let mfa_age = &second.conditions[2];
    assert_eq!(mfa_age.operator.location, Location { line: 15, column: 9 });
    assert_eq!(mfa_age.key.location, Location { line: 15, column: 28 });
    assert_eq!(mfa_age.values[0].location, Location { line: 15, column: 40 });
    assert_eq!(mfa_age.values[0].value.as_text(), "1e3");
    assert_eq!(
        second.conditions[3].values[1].location,
        Location { line: 16, column: 54 }
    );

    let deny = &doc.statements[2];
    assert_eq!(deny.effect.value, Effect::Deny);
    let ActionSpec::NotAction(not) = &deny.actions else {
        panic!("{:?}", deny.actions)
    };
    assert_eq!(
        not.iter().map(|p| p.value.as_str()).collect::<Vec<_>>(),
        ["ims:images:get", "ims:images:list"]
    );
    assert_eq!(deny.conditions[0].values[0].value, ConditionValue::Bool(false));
}

#[test]
fn system_role_with_depends() {
    let doc = PolicyDocument::parse(&fixture("role_1_0_depends.json")).unwrap();
    assert_eq!(doc.version, Version::V1_0);
    assert_eq!(doc.statements.len(), 1);
    assert_eq!(doc.statements[0].actions.patterns()[0].value, "IMS:*:*");
    let depends: Vec<_> = doc
        .depends
        .iter()
        .map(|d| (d.catalog.as_str(), d.display_name.as_str()))
        .collect();
    assert_eq!(
        depends,
        [("BASE", "Server Administrator"), ("BASE", "Tenant Guest")]
    );
}

#[test]
fn role_object() {
    let doc = PolicyDocument::parse(&fixture("role_object.json")).unwrap();
    assert_eq!(doc.display_name.as_deref(), Some("ims-read-only"));
    assert_eq!(doc.version, Version::V1_1);
    let action = &doc.statements[0].actions.patterns()[1];
    assert_eq!(action.value, "ims:images:list");
    assert_eq!(action.location, Location { line: 18, column: 38 });
    assert_eq!(doc.statements[0].location, Location { line: 16, column: 7 });
}

#[test]
fn role_envelope() {
    let doc = PolicyDocument::parse(&fixture("role_envelope.json")).unwrap();
    // No `display_name`: the role's `name` stands in.
    assert_eq!(doc.display_name.as_deref(), Some("system_all_1001"));
    let statement = &doc.statements[0];
    assert_eq!(statement.effect.value, Effect::Allow);
    assert_eq!(statement.effect.location, Location { line: 16, column: 61 });
    assert_eq!(
        statement.actions.patterns()[0].location,
        Location { line: 16, column: 21 }
    );
}

#[test]
fn the_same_document_in_every_wrapper_parses_the_same() {
    let bare = r#"{"Version": "1.1", "Statement": [{"Effect": "Deny", "Action": "ims:*:*"}]}"#;
    let role = format!(r#"{{"display_name": "d", "name": "n", "policy": {bare}}}"#);
    let envelope = format!(r#"{{"role": {role}}}"#);
    let bare = PolicyDocument::parse(bare).unwrap();
    let role = PolicyDocument::parse(&role).unwrap();
    let envelope = PolicyDocument::parse(&envelope).unwrap();
    assert_eq!(role.display_name.as_deref(), Some("d"));
    assert_eq!(envelope.display_name.as_deref(), Some("d"));
    for doc in [&role, &envelope] {
        assert_eq!(doc.statements.len(), 1);
        assert_eq!(doc.statements[0].effect.value, bare.statements[0].effect.value);
        assert_eq!(doc.statements[0].actions.patterns()[0].value, "ims:*:*");
    }
}

#[test]
fn accepted_details() {
    // A single condition value becomes a list of one; escapes are decoded; CRLF line ends count as one line.
    let text = "{\"Version\": \"1.1\",\r\n\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"ims:\\u002A:get\",\r\n \"Condition\": {}}]}";
    let doc = PolicyDocument::parse(text).unwrap();
    let action = &doc.statements[0].actions.patterns()[0];
    assert_eq!(action.value, "ims:*:get");
    assert_eq!(action.location, Location { line: 2, column: 45 });
    assert!(doc.statements[0].conditions.is_empty());
    // Empty strings are fine as condition values and as Sid.
    let text = r#"{"Version": "1.1", "Statement": [{"Sid": "", "Effect": "Deny", "Action": "a", "Condition": {"StringEquals": {"g:UserName": ""}}}]}"#;
    let doc = PolicyDocument::parse(text).unwrap();
    assert_eq!(
        doc.statements[0].conditions[0].values[0].value,
        ConditionValue::String(String::new())
    );
}

// ---- never panic ----

fn json_value() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::Bool),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(serde_json::Value::from),
        "[a-zA-Z:*?]{0,8}".prop_map(serde_json::Value::String),
        prop::sample::select(vec!["1.0", "1.1", "5.0", "Allow", "Deny", "ims:*:get", "*"])
            .prop_map(|s| serde_json::Value::String(s.to_owned())),
    ];
    let keys = prop::sample::select(vec![
        "Version",
        "Statement",
        "Depends",
        "Sid",
        "Effect",
        "Action",
        "NotAction",
        "Resource",
        "Condition",
        "StringEquals",
        "g:UserName",
        "role",
        "policy",
        "name",
        "display_name",
        "catalog",
        "x",
    ]);
    leaf.prop_recursive(6, 64, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(serde_json::Value::Array),
            prop::collection::vec((keys.clone(), inner), 0..6).prop_map(|members| {
                serde_json::Value::Object(members.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
            }),
        ]
    })
}

/// An error's location lies inside the text (or just past its end).
fn check_location(text: &str, err: &ParseError) {
    if let Some(location) = err.location() {
        let lines: Vec<&str> = text.split('\n').collect();
        assert!(
            location.line >= 1 && location.line <= lines.len(),
            "{err} in {text:?}"
        );
        let line = lines[location.line - 1];
        assert!(
            location.column >= 1 && location.column <= line.chars().count() + 1,
            "{err} in {text:?}"
        );
    }
    assert!(!err.to_string().is_empty());
}

proptest! {
    #[test]
    fn arbitrary_strings_never_panic(text in any::<String>()) {
        if let Err(err) = PolicyDocument::parse(&text) {
            check_location(&text, &err);
        }
    }

    #[test]
    fn json_like_strings_never_panic(text in r#"[\[\]{}",:0-9a-z \n\\]{0,64}"#) {
        if let Err(err) = PolicyDocument::parse(&text) {
            check_location(&text, &err);
        }
    }

    #[test]
    fn arbitrary_json_never_panics(value in json_value(), pretty in any::<bool>()) {
        let text = if pretty { serde_json::to_string_pretty(&value) } else { serde_json::to_string(&value) };
        let text = text.unwrap();
        if let Err(err) = PolicyDocument::parse(&text) {
            check_location(&text, &err);
        }
    }

    #[test]
    fn policy_shaped_json_never_panics(
        statements in prop::collection::vec(prop::collection::btree_map(
            prop::sample::select(vec!["Sid", "Effect", "Action", "NotAction", "Resource", "Condition", "Extra"]),
            json_value(),
            0..5,
        ), 0..4),
        version in prop::sample::select(vec!["1.0", "1.1", "5.0", "2"]),
    ) {
        let value = serde_json::json!({"Version": version, "Statement": statements});
        let text = serde_json::to_string_pretty(&value).unwrap();
        match PolicyDocument::parse(&text) {
            Ok(doc) => prop_assert_eq!(doc.statements.len(), statements.len()),
            Err(err) => check_location(&text, &err),
        }
    }
}

// ---- valid documents read back what was written ----

#[derive(Debug, Clone)]
enum Scalar {
    Text(String),
    Int(i64),
    Flag(bool),
}

impl Scalar {
    fn json(&self) -> serde_json::Value {
        match self {
            Scalar::Text(s) => serde_json::Value::from(s.as_str()),
            Scalar::Int(n) => serde_json::Value::from(*n),
            Scalar::Flag(b) => serde_json::Value::from(*b),
        }
    }

    fn expected(&self) -> ConditionValue {
        match self {
            Scalar::Text(s) => ConditionValue::String(s.clone()),
            Scalar::Int(n) => ConditionValue::Number(n.to_string()),
            Scalar::Flag(b) => ConditionValue::Bool(*b),
        }
    }
}

type Conditions = std::collections::BTreeMap<String, std::collections::BTreeMap<String, Vec<Scalar>>>;

#[derive(Debug, Clone)]
struct GenStatement {
    sid: Option<String>,
    allow: bool,
    not_action: bool,
    actions: Vec<String>,
    resource: Option<Vec<String>>,
    conditions: Conditions,
}

fn gen_statement() -> impl Strategy<Value = GenStatement> {
    let scalar = prop_oneof![
        "[ -~äé€]{0,6}".prop_map(Scalar::Text),
        any::<i64>().prop_map(Scalar::Int),
        any::<bool>().prop_map(Scalar::Flag),
    ];
    let conditions = prop::collection::btree_map(
        "(ForAnyValue:)?[A-Z][a-zA-Z]{1,12}",
        prop::collection::btree_map("g:[A-Za-z/]{1,10}", prop::collection::vec(scalar, 1..4), 1..3),
        0..3,
    );
    (
        prop::option::of("[A-Za-z0-9]{0,8}"),
        any::<bool>(),
        any::<bool>(),
        prop::collection::vec("[a-zA-Z*?:]{1,16}", 1..4),
        prop::option::of(prop::collection::vec("[a-z*:]{1,12}", 1..3)),
        conditions,
    )
        .prop_map(
            |(sid, allow, not_action, actions, resource, conditions)| GenStatement {
                sid,
                allow,
                not_action,
                actions,
                resource,
                conditions,
            },
        )
}

fn statement_json(s: &GenStatement, action_as_string: bool) -> serde_json::Value {
    let mut object = serde_json::Map::new();
    if let Some(sid) = &s.sid {
        object.insert("Sid".into(), sid.as_str().into());
    }
    object.insert("Effect".into(), if s.allow { "Allow" } else { "Deny" }.into());
    let actions = if action_as_string && s.actions.len() == 1 {
        serde_json::Value::from(s.actions[0].as_str())
    } else {
        serde_json::Value::from(s.actions.clone())
    };
    object.insert(if s.not_action { "NotAction" } else { "Action" }.into(), actions);
    if let Some(resource) = &s.resource {
        object.insert("Resource".into(), resource.clone().into());
    }
    if !s.conditions.is_empty() {
        let mut operators = serde_json::Map::new();
        for (operator, keys) in &s.conditions {
            let mut key_map = serde_json::Map::new();
            for (key, values) in keys {
                key_map.insert(key.clone(), values.iter().map(Scalar::json).collect());
            }
            operators.insert(operator.clone(), key_map.into());
        }
        object.insert("Condition".into(), operators.into());
    }
    object.into()
}

proptest! {
    #[test]
    fn generated_documents_read_back(
        statements in prop::collection::vec(gen_statement(), 1..4),
        v10 in any::<bool>(),
        action_as_string in any::<bool>(),
        wrapper in 0..3u8,
        pretty in any::<bool>(),
    ) {
        let doc = serde_json::json!({
            "Version": if v10 { "1.0" } else { "1.1" },
            "Statement": statements.iter().map(|s| statement_json(s, action_as_string)).collect::<Vec<_>>(),
        });
        let file = match wrapper {
            0 => doc,
            1 => serde_json::json!({"name": "n", "id": "x", "policy": doc}),
            _ => serde_json::json!({"role": {"display_name": "d", "policy": doc}}),
        };
        let text = if pretty { serde_json::to_string_pretty(&file) } else { serde_json::to_string(&file) };
        let text = text.unwrap();
        let parsed = PolicyDocument::parse(&text).unwrap();
        prop_assert_eq!(parsed.version, if v10 { Version::V1_0 } else { Version::V1_1 });
        prop_assert_eq!(parsed.display_name.as_deref(), [None, Some("n"), Some("d")][usize::from(wrapper)]);
        prop_assert_eq!(parsed.statements.len(), statements.len());
        for (got, want) in parsed.statements.iter().zip(&statements) {
            prop_assert_eq!(&got.sid, &want.sid);
            prop_assert_eq!(got.effect.value, if want.allow { Effect::Allow } else { Effect::Deny });
            prop_assert_eq!(matches!(got.actions, ActionSpec::NotAction(_)), want.not_action);
            let actions: Vec<_> = got.actions.patterns().iter().map(|p| p.value.clone()).collect();
            prop_assert_eq!(&actions, &want.actions);
            let resource = got.resource.as_ref().map(|r| r.iter().map(|p| p.value.clone()).collect::<Vec<_>>());
            prop_assert_eq!(&resource, &want.resource);
            let mut expected = Vec::new();
            for (operator, keys) in &want.conditions {
                for (key, values) in keys {
                    expected.push((operator.clone(), key.clone(), values.iter().map(Scalar::expected).collect::<Vec<_>>()));
                }
            }
            let conditions: Vec<_> = got
                .conditions
                .iter()
                .map(|c| (c.operator.value.clone(), c.key.value.clone(), c.values.iter().map(|v| v.value.clone()).collect::<Vec<_>>()))
                .collect();
            prop_assert_eq!(conditions, expected);
            // Every location points at the text it claims to.
            let lines: Vec<&str> = text.split('\n').collect();
            for pattern in got.actions.patterns() {
                let line = lines[pattern.location.line - 1];
                let rest: String = line.chars().skip(pattern.location.column - 1).collect();
                prop_assert!(rest.starts_with(&serde_json::to_string(&pattern.value).unwrap()), "{} at {}", rest, pattern.location);
            }
            let line = lines[got.location.line - 1];
            prop_assert_eq!(line.chars().nth(got.location.column - 1), Some('{'));
        }
    }
}
