//! Hostile input across stages: inputs an attacker or a careless author can send, each with the exact
//! error kind it must get, and proof that nothing is allowed because of it, from the library and from
//! the command line (fail closed end to end), plus one compiled set shared between threads.
//!
//! Classes: limits (document size, nesting depth, counts per statement and per document, string
//! length, request-target length, context values), strict policy values, unevaluable request values
//! (fail closed), malformed request targets, pathological wildcard patterns, and threads. What one
//! stage alone guarantees is tested beside that stage: the router's error kinds in `tests/route.rs`
//! (the malformed targets are shared through `tests/common`), the parser's exact limits in
//! `tests/policy_parse.rs`, the step bounds of the wildcard matcher in `compile::wildcard` and
//! `compile::condition`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{PROJECT, ims_iam, json};

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use ims_iam::{
    Context, Decision, Limits, Method, Policy, PolicySet, Reason, Scope, Situation, operations, route,
};
use ims_iam::{ContextLimits, Request, StatementOutcome};
use serde_json::Value;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

const LIST: &str = "/v2/cloudimages";

// ---- helpers ----

/// Writes `text` to a fresh file under the test's scratch directory.
fn scratch(name: &str, text: &str) -> PathBuf {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("hostile");
    std::fs::create_dir_all(&dir).unwrap();
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let path = dir.join(format!("{}-{n}-{name}", std::process::id()));
    std::fs::write(&path, text).unwrap();
    path
}

/// `ims-iam authorize --format json ARGS...`: must be an error (exit 2) that denies, of `kind`, whose
/// message contains `needle`.
fn cli_refuses(args: &[&str], kind: &str, needle: &str) {
    let mut all = vec!["authorize", "--format", "json"];
    all.extend_from_slice(args);
    let out = ims_iam(&all);
    let v = json(&out);
    assert_eq!(out.status.code(), Some(2), "{args:?}: {v}");
    assert_eq!(v["decision"], "deny", "{v}");
    assert_eq!(v["reason"], "error", "{v}");
    assert_eq!(v["error"]["kind"], kind, "{v}");
    let message = v["error"]["message"].as_str().unwrap();
    assert!(message.contains(needle), "`{needle}` not in `{message}`");
}

/// A policy file's text must be refused from the command line, as a request that every other
/// attached policy would allow.
fn cli_refuses_policy(name: &str, text: &str, needle: &str) {
    cli_refuses_policy_file(scratch(name, text).to_str().unwrap(), needle);
}

/// A policy file must be refused from the command line, beside a policy that would allow the request.
fn cli_refuses_policy_file(file: &str, needle: &str) {
    cli_refuses(
        &[
            "--policy",
            "policies/ims-full-access.json",
            "--policy",
            file,
            "GET",
            LIST,
        ],
        "invalid_policy",
        needle,
    );
}

fn statement(action: &str) -> String {
    format!(r#"{{"Effect": "Allow", "Action": "{action}"}}"#)
}

fn document(statements: &[String]) -> String {
    format!(r#"{{"Version": "1.1", "Statement": [{}]}}"#, statements.join(","))
}

fn quoted_list(items: impl Iterator<Item = String>) -> String {
    items.map(|i| format!("\"{i}\"")).collect::<Vec<_>>().join(",")
}

fn full_access() -> Policy {
    Policy::parse("full.json", Scope::Global, &document(&[statement("ims:*:*")])).unwrap()
}

// ---- 1. limits on policy documents ----

/// Every limit on a policy document, at its default: the document is refused with `limit_exceeded`
/// and a message naming the limit, no set can be built from it, and the command line refuses the
/// request (exit 2, deny) even next to a policy that allows everything.
#[test]
fn policy_documents_over_a_limit_are_refused_naming_the_limit() {
    let defaults = Limits::default();
    let many = |n: usize, f: &dyn Fn(usize) -> String| (0..n).map(f).collect::<Vec<_>>().join(",");
    let conditions = |n: usize, base: usize| {
        let keys = many(n, &|i| format!(r#""k{}":"v""#, base + i));
        format!(r#"{{"Effect": "Allow", "Action": "ims:*:*", "Condition": {{"StringEquals": {{{keys}}}}}}}"#)
    };
    let thousand_actions = format!(
        r#"{{"Effect": "Allow", "Action": [{}]}}"#,
        quoted_list((0..defaults.max_actions_per_statement).map(|_| "a:b".to_owned()))
    );
    let nested = format!("{}1{}", "[".repeat(40), "]".repeat(40));
    let cases: Vec<(&str, String, &str)> = vec![
        (
            "document size",
            format!(
                "{}{}",
                document(&[statement("ims:*:*")]),
                " ".repeat(defaults.max_document_bytes)
            ),
            "max_document_bytes",
        ),
        (
            "nesting depth in a condition value",
            format!(
                r#"{{"Version": "1.1", "Statement": [{{"Effect": "Allow", "Action": "ims:*:*",
                   "Condition": {{"NumberEquals": {{"g:MFAAge": {nested}}}}}}}]}}"#
            ),
            "max_depth",
        ),
        (
            "nesting depth, 100,000 brackets",
            "[".repeat(100_000),
            "max_depth",
        ),
        (
            "nesting depth, 100,000 objects",
            r#"{"a":"#.repeat(100_000),
            "max_depth",
        ),
        (
            "statements",
            document(&vec![statement("ims:images:get"); defaults.max_statements + 1]),
            "max_statements",
        ),
        (
            "action patterns in a statement",
            document(&[format!(
                r#"{{"Effect": "Allow", "Action": [{}]}}"#,
                quoted_list((0..=defaults.max_actions_per_statement).map(|_| "ims:*:get".to_owned()))
            )]),
            "max_actions_per_statement",
        ),
        (
            "action patterns in the document",
            document(&vec![
                thousand_actions;
                defaults.max_actions_per_document / 1_000 + 1
            ]),
            "max_actions_per_document",
        ),
        (
            "resources in a statement",
            document(&[format!(
                r#"{{"Effect": "Deny", "Action": "ims:*:*", "Resource": [{}]}}"#,
                quoted_list((0..=defaults.max_resources_per_statement).map(|i| format!("ims:*:*:image:{i}")))
            )]),
            "max_resources_per_statement",
        ),
        (
            "conditions in a statement",
            document(&[conditions(defaults.max_conditions_per_statement + 1, 0)]),
            "max_conditions_per_statement",
        ),
        (
            "conditions in the document",
            document(
                &(0..=defaults.max_conditions_per_document / 1_000)
                    .map(|s| conditions(1_000, s * 1_000))
                    .collect::<Vec<_>>(),
            ),
            "max_conditions_per_document",
        ),
        (
            "values under one condition key",
            document(&[format!(
                r#"{{"Effect": "Allow", "Action": "ims:*:*", "Condition": {{"StringEquals": {{"g:UserName": [{}]}}}}}}"#,
                quoted_list((0..=defaults.max_values_per_condition).map(|i| format!("u{i}")))
            )]),
            "max_values_per_condition",
        ),
        (
            "entries in Depends",
            format!(
                r#"{{"Version": "1.0", "Statement": [{}], "Depends": [{}]}}"#,
                statement("ims:*:*"),
                many(defaults.max_depends + 1, &|i| format!(
                    r#"{{"catalog": "BASE", "display_name": "role {i}"}}"#
                ))
            ),
            "max_depends",
        ),
        (
            "string length",
            format!(
                r#"{{"Version": "1.1", "Statement": [{{"Sid": "{}", "Effect": "Allow", "Action": "ims:*:*"}}]}}"#,
                "s".repeat(defaults.max_string_length + 1)
            ),
            "max_string_length",
        ),
        (
            "string length of a key",
            format!(r#"{{"{}": 1}}"#, "k".repeat(defaults.max_string_length + 1)),
            "max_string_length",
        ),
    ];
    for (class, text, limit) in cases {
        let err = Policy::parse("hostile.json", Scope::Global, &text).unwrap_err();
        assert_eq!(err.kind(), "limit_exceeded", "{class}: {err}");
        assert!(
            err.to_string().contains(&format!("limit `{limit}`")),
            "{class}: {err}"
        );
        cli_refuses_policy("limit.json", &text, limit);
    }
}

/// A policy file far over the size limit, or one that never ends, is refused after reading no more
/// than the limit: from the command line and from a decision-test file.
#[test]
fn huge_and_endless_policy_files_are_refused_without_reading_them_whole() {
    let huge = scratch("huge.json", &" ".repeat(64 << 20));
    let mut files = vec![huge];
    if std::path::Path::new("/dev/zero").exists() {
        files.push(PathBuf::from("/dev/zero"));
    }
    for file in &files {
        cli_refuses_policy_file(
            file.to_str().unwrap(),
            "limit `max_document_bytes` (1048576) exceeded: the file is larger than 1048576 bytes",
        );
        let test_file = serde_json::json!({
            "policies": [{"file": file, "scope": "global"}],
            "cases": [{"name": "huge", "method": "GET", "target": LIST, "expect": "deny"}]
        })
        .to_string();
        let err = ims_iam::testing::run_str(&test_file, std::path::Path::new("."), "t").unwrap_err();
        assert!(err.to_string().contains("max_document_bytes"), "{err}");
    }
    // A file over the limit whose cut falls inside a multi-byte character: still the size error.
    let text = format!("{}é", " ".repeat(Limits::default().max_document_bytes));
    let file = scratch("cut.json", &text);
    let read = Limits::default().read_file(&file).unwrap();
    let err = ims_iam::PolicyDocument::parse(&read).unwrap_err();
    assert!(err.to_string().contains("max_document_bytes"), "{err}");
    // Not UTF-8 under the limit: an error, never a policy.
    let file = scratch("latin1.json", "");
    std::fs::write(
        &file,
        b"{\"Version\": \"1.1\", \"Statement\": [], \"x\": \"\xe9\"}",
    )
    .unwrap();
    let err = Limits::default().read_file(&file).unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::InvalidData);
    cli_refuses(
        &["--policy", file.to_str().unwrap(), "GET", LIST],
        "unreadable_policy",
        "utf-8",
    );
}

// ---- 1. limits on requests: target length and context values ----

/// A target over the length limit (whose exact bound `tests/route.rs` checks) is refused from the
/// command line: a deny, never a decision.
#[test]
fn request_targets_over_the_length_limit_are_refused() {
    let max = ims_iam::MAX_TARGET_LEN;
    let over = format!("{LIST}?{}", "q".repeat(max - LIST.len()));
    assert_eq!(over.len(), max + 1);
    cli_refuses(
        &["--policy", "policies/ims-full-access.json", "GET", &over],
        "too_long",
        "limit of 8192 bytes",
    );
}

/// Context values from the command line and from decision-test files: over a limit, an error naming
/// it, never a decision.
#[test]
fn context_values_over_a_limit_are_refused() {
    let limits = ContextLimits::default();
    let long_value = "v".repeat(limits.max_value_bytes + 1);
    let long_key = format!("g:ResourceTag/{}", "k".repeat(limits.max_key_bytes));
    let at_limit_value = "v".repeat(limits.max_value_bytes);
    let too_many: Vec<(&str, &str)> = vec![("g:TagKeys", "t"); limits.max_values + 1];
    type Pairs<'a> = Vec<(&'a str, &'a str)>;
    let cases: Vec<(&str, Pairs<'_>, &str)> = vec![
        ("number of values", too_many.clone(), "max_values"),
        ("key length", vec![(long_key.as_str(), "v")], "max_key_bytes"),
        (
            "value length",
            vec![("g:UserName", long_value.as_str())],
            "max_value_bytes",
        ),
        (
            "value length after good values",
            vec![("g:SourceIp", "10.0.0.1"), ("g:UserName", long_value.as_str())],
            "max_value_bytes",
        ),
    ];
    assert!(limits.check(too_many[1..].iter().copied()).is_ok());
    assert!(limits.check([("g:UserName", at_limit_value.as_str())]).is_ok());
    for (class, pairs, limit) in cases {
        let err = limits.check(pairs.iter().copied()).unwrap_err();
        assert_eq!((err.kind(), err.limit()), ("limit_exceeded", limit), "{class}");
        assert!(
            err.to_string().contains(&format!("limit `{limit}`")),
            "{class}: {err}"
        );

        // The command line.
        let context: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}={v}")).collect();
        let mut args = vec!["--policy", "policies/ims-full-access.json"];
        for kv in &context {
            args.extend(["--context", kv.as_str()]);
        }
        args.extend(["GET", LIST]);
        cli_refuses(&args, "limit_exceeded", limit);

        // A decision-test file.
        let mut map = serde_json::Map::new();
        for (k, v) in &pairs {
            let entry = map.entry(k.to_string()).or_insert_with(|| Value::Array(vec![]));
            entry.as_array_mut().unwrap().push(Value::from(*v));
        }
        let file = serde_json::json!({
            "policies": [{"file": "policies/ims-full-access.json", "scope": "global"}],
            "cases": [{"name": "hostile", "method": "GET", "target": LIST, "context": map, "expect": "allow"}]
        })
        .to_string();
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let err = ims_iam::testing::run_str(&file, dir, "hostile.test.json").unwrap_err();
        assert!(err.to_string().contains(limit), "{class}: {err}");
        let path = scratch(
            "context.test.json",
            &file.replace("policies/", &format!("{}/policies/", dir.display())),
        );
        let out = ims_iam(&["test", path.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(2), "{class}");
        assert!(String::from_utf8_lossy(&out.stderr).contains(limit), "{class}");
    }
}

// ---- 2. strict policy values ----

/// Policy values that do not parse for their operator: the exact error kind, no set compiles (not even
/// with a policy that allows everything beside it), and the command line refuses the request.
#[test]
fn strict_policy_values_refuse_the_whole_set() {
    // (operator, key, value as JSON text, stage, kind)
    let cases: &[(&str, &str, &str, &str, &str)] = &[
        ("NumberEquals", "g:MFAAge", "NaN", "parse", "syntax"),
        ("NumberEquals", "g:MFAAge", "Infinity", "parse", "syntax"),
        ("NumberEquals", "g:MFAAge", "-inf", "parse", "syntax"),
        ("NumberEquals", "g:MFAAge", r#""NaN""#, "compile", "invalid_value"),
        ("NumberEquals", "g:MFAAge", r#""inf""#, "compile", "invalid_value"),
        (
            "NumberEquals",
            "g:MFAAge",
            r#""-Infinity""#,
            "compile",
            "invalid_value",
        ),
        (
            "NumberLessThan",
            "g:MFAAge",
            "1e999999",
            "compile",
            "invalid_value",
        ),
        ("NumberLessThan", "g:MFAAge", "-1e400", "compile", "invalid_value"),
        (
            "NumberLessThan",
            "g:MFAAge",
            r#""1e999999""#,
            "compile",
            "invalid_value",
        ),
        (
            "NumberGreaterThan",
            "g:MFAAge",
            r#""0x10""#,
            "compile",
            "invalid_value",
        ),
        (
            "NumberGreaterThan",
            "g:MFAAge",
            r#""++1""#,
            "compile",
            "invalid_value",
        ),
        (
            "NumberGreaterThan",
            "g:MFAAge",
            r#"".1""#,
            "compile",
            "invalid_value",
        ),
        (
            "NumberGreaterThan",
            "g:MFAAge",
            r#"" 1""#,
            "compile",
            "invalid_value",
        ),
        (
            "NumberGreaterThan",
            "g:MFAAge",
            r#""1.""#,
            "compile",
            "invalid_value",
        ),
        (
            "NumberGreaterThan",
            "g:MFAAge",
            r#""""#,
            "compile",
            "invalid_value",
        ),
        (
            "NumberGreaterThan",
            "g:MFAAge",
            "true",
            "compile",
            "invalid_value",
        ),
        (
            "DateLessThan",
            "g:CurrentTime",
            r#""2026-13-01T00:00:00Z""#,
            "compile",
            "invalid_value",
        ),
        (
            "DateLessThan",
            "g:CurrentTime",
            r#""2026-02-30T00:00:00Z""#,
            "compile",
            "invalid_value",
        ),
        (
            "DateLessThan",
            "g:CurrentTime",
            r#""2026-01-01T24:00:01Z""#,
            "compile",
            "invalid_value",
        ),
        (
            "DateLessThan",
            "g:CurrentTime",
            r#""2026-01-01T00:00""#,
            "compile",
            "invalid_value",
        ),
        (
            "DateLessThan",
            "g:CurrentTime",
            r#""2026-01-01T00:00:00""#,
            "compile",
            "invalid_value",
        ),
        (
            "DateLessThan",
            "g:CurrentTime",
            r#""2026-01-01 00:00:00Z""#,
            "compile",
            "invalid_value",
        ),
        (
            "DateLessThan",
            "g:CurrentTime",
            r#""tomorrow""#,
            "compile",
            "invalid_value",
        ),
        (
            "DateLessThan",
            "g:CurrentTime",
            "1767225600",
            "compile",
            "invalid_value",
        ),
        (
            "IpAddress",
            "g:SourceIp",
            r#""10.0.0.0/33""#,
            "compile",
            "invalid_value",
        ),
        (
            "IpAddress",
            "g:SourceIp",
            r#""2001:db8::/129""#,
            "compile",
            "invalid_value",
        ),
        (
            "IpAddress",
            "g:SourceIp",
            r#""10.0.0.256""#,
            "compile",
            "invalid_value",
        ),
        (
            "IpAddress",
            "g:SourceIp",
            r#""10.0.0.0/""#,
            "compile",
            "invalid_value",
        ),
        (
            "IpAddress",
            "g:SourceIp",
            r#""10.0.0.0/-1""#,
            "compile",
            "invalid_value",
        ),
        (
            "NotIpAddress",
            "g:SourceIp",
            r#""not-an-ip""#,
            "compile",
            "invalid_value",
        ),
        (
            "NotIpAddress",
            "g:SourceIp",
            "167772160",
            "compile",
            "invalid_value",
        ),
        ("Bool", "g:MFAPresent", r#""T""#, "compile", "invalid_value"),
        ("Bool", "g:MFAPresent", r#""tru""#, "compile", "invalid_value"),
        ("Bool", "g:MFAPresent", r#""1""#, "compile", "invalid_value"),
        ("Bool", "g:MFAPresent", "1", "compile", "invalid_value"),
        ("Bool", "g:MFAPresent", r#""yes""#, "compile", "invalid_value"),
        ("Null", "g:UserName", r#""Yes""#, "compile", "invalid_value"),
        ("Bool", "g:MFAPresent", "null", "parse", "invalid_type"),
        ("Bool", "g:MFAPresent", "[]", "parse", "invalid_value"),
        (
            "stringequals",
            "g:UserName",
            r#""alice""#,
            "compile",
            "unknown_operator",
        ),
        (
            "StringEqualsIfExist",
            "g:UserName",
            r#""alice""#,
            "compile",
            "unknown_operator",
        ),
        (
            "NullIfExists",
            "g:UserName",
            "true",
            "compile",
            "if_exists_on_null",
        ),
    ];
    for &(operator, key, value, stage, kind) in cases {
        let text = format!(
            r#"{{"Version": "1.1", "Statement": [
                {{"Effect": "Allow", "Action": "ims:*:*", "Condition": {{"{operator}": {{"{key}": {value}}}}}}}
            ]}}"#
        );
        let label = format!("{operator} {key} {value}");
        let needle = match Policy::parse("strict.json", Scope::Global, &text) {
            Err(err) => {
                assert_eq!((stage, err.kind()), ("parse", kind), "{label}: {err}");
                kind.to_owned()
            }
            Ok(policy) => {
                assert_eq!(stage, "compile", "{label} parsed");
                let err = PolicySet::new([full_access(), policy]).unwrap_err();
                assert_eq!(err.kind(), kind, "{label}: {err}");
                assert_eq!(err.location().map(|l| l.line), Some(2), "{label}");
                String::from("statement 0")
            }
        };
        let needle = if stage == "parse" {
            "strict.json".to_owned()
        } else {
            needle
        };
        cli_refuses_policy("strict.json", &text, &needle);
    }
}

// ---- 3. fail closed: request values that cannot be evaluated ----

/// One per typed operator family (and the disagreeing values of a single-valued operator): the
/// condition cannot be evaluated for the request, so an Allow does not apply and a Deny does.
const UNEVALUABLE: &[(&str, &str, &str, &[&str])] = &[
    ("NumberLessThan", "g:MFAAge", "3600", &["soon"]),
    ("NumberLessThanEquals", "g:MFAAge", "3600", &["NaN"]),
    ("NumberGreaterThan", "g:MFAAge", "-1", &["1e999999"]),
    ("NumberGreaterThanEquals", "g:MFAAge", "0", &["inf"]),
    ("NumberEquals", "g:MFAAge", "10", &["0x0a"]),
    ("NumberNotEquals", "g:MFAAge", "0", &["zero"]),
    ("NumberLessThanIfExists", "g:MFAAge", "3600", &[""]),
    ("ForAnyValue:NumberLessThan", "g:MFAAge", "3600", &["x"]),
    ("ForAllValues:NumberLessThan", "g:MFAAge", "3600", &["1", "x"]),
    (
        "DateLessThan",
        "g:CurrentTime",
        "2100-01-01T00:00:00Z",
        &["2026-13-01T00:00:00Z"],
    ),
    (
        "DateLessThanEquals",
        "g:CurrentTime",
        "2100-01-01T00:00:00Z",
        &["yesterday"],
    ),
    (
        "DateGreaterThan",
        "g:CurrentTime",
        "2000-01-01T00:00:00Z",
        &["2026-01-01T00:00"],
    ),
    (
        "DateGreaterThanEquals",
        "g:CurrentTime",
        "2000-01-01T00:00:00Z",
        &["1767225600"],
    ),
    ("Bool", "g:MFAPresent", "true", &["T"]),
    ("Bool", "g:MFAPresent", "false", &["0"]),
    ("BoolIfExists", "g:MFAPresent", "true", &["yes"]),
    ("IpAddress", "g:SourceIp", "10.0.0.0/8", &["not-an-ip"]),
    ("IpAddress", "g:SourceIp", "10.0.0.0/8", &["10.0.0.1/8"]),
    ("IpAddress", "g:SourceIp", "0.0.0.0/0", &["10.0.0.256"]),
    ("NotIpAddress", "g:SourceIp", "192.168.0.0/16", &["not-an-ip"]),
    ("IpAddressIfExists", "g:SourceIp", "::/0", &["::g"]),
    ("StringEquals", "g:UserName", "alice", &["alice", "bob"]),
    ("StringLike", "g:UserName", "a*", &["alice", "bob"]),
    ("StringNotEquals", "g:UserName", "mallory", &["alice", "mallory"]),
];

fn condition_statement(effect: &str, operator: &str, key: &str, value: &str) -> String {
    format!(
        r#"{{"Sid": "Guarded", "Effect": "{effect}", "Action": "ims:images:list",
            "Condition": {{"{operator}": {{"{key}": ["{value}"]}}}}}}"#
    )
}

/// The library: an unevaluable condition never grants, and always lets a Deny apply; the explanation
/// records it.
#[test]
fn unevaluable_conditions_never_grant_from_the_library() {
    let request = route("GET", LIST).unwrap();
    let pinned = OffsetDateTime::parse("2026-06-01T00:00:00Z", &Rfc3339).unwrap();
    for &(operator, key, value, request_values) in UNEVALUABLE {
        let label = format!("{operator} {key} {request_values:?}");
        let mut ctx = Context::default().with_current_time(pinned);
        for v in request_values {
            ctx.push_value(key, v);
        }
        let allow = document(&[condition_statement("Allow", operator, key, value)]);
        let set = PolicySet::new([Policy::parse("allow.json", Scope::Global, &allow).unwrap()]).unwrap();
        let decision = set.authorize(&Request::new(&request, &ctx));
        assert_eq!(decision.reason(), Reason::ImplicitDeny, "{label}");
        let why = set.explain(&Request::new(&request, &ctx));
        let explained = why.decision();
        assert_eq!(explained, decision, "{label}");
        let outcome = why.actions()[0].considered[0].outcome;
        assert!(
            matches!(outcome, StatementOutcome::Unevaluable { .. }),
            "{label}: {outcome:?}"
        );
        assert!(
            why.notes().iter().any(|n| n.contains("the Allow does not apply")),
            "{label}: {:?}",
            why.notes()
        );

        let deny = document(&[
            statement("ims:*:*"),
            condition_statement("Deny", operator, key, value),
        ]);
        let set = PolicySet::new([Policy::parse("deny.json", Scope::Global, &deny).unwrap()]).unwrap();
        assert_eq!(
            set.authorize(&Request::new(&request, &ctx)).reason(),
            Reason::ExplicitDeny,
            "{label}"
        );
        let why = set.explain(&Request::new(&request, &ctx));
        let _ = why.decision();
        assert!(
            why.notes().iter().any(|n| n.contains("the Deny applies")),
            "{label}: {:?}",
            why.notes()
        );
    }
}

/// The same table from the command line: exit 1 (deny), never 0, with the statement reported as
/// `unevaluable`.
#[test]
fn unevaluable_conditions_never_grant_from_the_cli() {
    for &(operator, key, value, request_values) in UNEVALUABLE {
        let label = format!("{operator} {key} {request_values:?}");
        for (effect, expected_reason) in [("Allow", "implicit_deny"), ("Deny", "explicit_deny")] {
            let mut statements = vec![condition_statement(effect, operator, key, value)];
            if effect == "Deny" {
                statements.insert(0, statement("ims:*:*"));
            }
            let file = scratch("failclosed.json", &document(&statements));
            let context: Vec<String> = request_values.iter().map(|v| format!("{key}={v}")).collect();
            let mut args = vec![
                "authorize",
                "--format",
                "json",
                "--policy",
                file.to_str().unwrap(),
            ];
            for kv in &context {
                args.extend(["--context", kv.as_str()]);
            }
            args.extend(["GET", LIST]);
            let out = ims_iam(&args);
            let v = json(&out);
            assert_eq!(out.status.code(), Some(1), "{label} {effect}: {v}");
            assert_eq!(v["decision"], "deny", "{label} {effect}");
            assert_eq!(v["reason"], expected_reason, "{label} {effect}");
            let considered = v["actions"][0]["considered"].as_array().unwrap();
            assert!(
                considered.iter().any(|s| s["outcome"] == "unevaluable"),
                "{label} {effect}: {v}"
            );
        }
    }
}

// ---- routing: malformed targets never reach a decision ----

/// Every malformed target of `common::MALFORMED_TARGETS` (whose kinds `tests/route.rs` checks in the
/// library) is refused from the command line with its kind: a deny, never a decision.
#[test]
fn malformed_request_targets_are_refused_with_their_kind() {
    for &(method, target, kind) in common::MALFORMED_TARGETS {
        if !target.is_empty() && !method.contains('\0') && !target.contains(['\r', '\n']) {
            cli_refuses(
                &["--policy", "policies/ims-full-access.json", method, target],
                kind,
                "",
            );
        }
    }
}

// ---- 4. pathological wildcard patterns, end to end ----

/// `*a*a*a...*b` in an action pattern and in `StringLike`/`StringMatch` values, against 100,000
/// characters: the decisions are right (the step bounds are unit tests beside the matcher).
#[test]
fn pathological_patterns_decide_correctly() {
    let pattern = format!("{}b", "*a".repeat(50));
    let long = "a".repeat(100_000);
    let long_b = format!("{long}b");
    let request = route("GET", LIST).unwrap();
    for operator in [
        "StringLike",
        "StringMatch",
        "ForAnyValue:StringLike",
        "StringLikeAnyOf",
    ] {
        let text = document(&[condition_statement("Allow", operator, "g:UserName", &pattern)]);
        let set = PolicySet::new([Policy::parse("like.json", Scope::Global, &text).unwrap()]).unwrap();
        let ctx = Context::default().with_value("g:UserName", &long);
        assert_eq!(
            set.authorize(&Request::new(&request, &ctx)).reason(),
            Reason::ImplicitDeny,
            "{operator}"
        );
        let ctx = Context::default().with_value("g:UserName", &long_b);
        assert_eq!(
            set.authorize(&Request::new(&request, &ctx)).reason(),
            Reason::Allow,
            "{operator}"
        );
    }
    // An action pattern with 30,000 stars compiles and grants nothing (no action ends in `b`).
    let action = format!("{}b", "*a".repeat(30_000));
    let text = document(&[statement(&action)]);
    let set = PolicySet::new([Policy::parse("stars.json", Scope::Global, &text).unwrap()]).unwrap();
    assert_eq!(
        set.authorize(&Request::new(&request, &Context::default()))
            .reason(),
        Reason::ImplicitDeny
    );
}

// ---- 6. one compiled set, many threads ----

/// A set with every kind of statement: global, project and enterprise-project attachments, Deny,
/// NotAction, narrow resources, conditions of every family (including `g:CurrentTime` from the clock
/// for requests that do not pin it).
fn shared_set() -> PolicySet {
    let global = r#"{"Version": "1.1", "Statement": [
        {"Effect": "Allow", "Action": ["ims:*:get", "ims:*:list"]},
        {"Effect": "Allow", "Action": "ims:images:update",
         "Condition": {"IpAddress": {"g:SourceIp": ["10.0.0.0/8", "2001:db8::/32"]},
                       "Bool": {"g:MFAPresent": true}}},
        {"Effect": "Allow", "Action": "ims:serverImages:create",
         "Condition": {"NumberLessThan": {"g:MFAAge": 3600},
                       "DateLessThan": {"g:CurrentTime": "2100-01-01T00:00:00Z"}}},
        {"Effect": "Deny", "Action": "ims:images:delete",
         "Condition": {"StringNotLike": {"g:UserName": ["admin-*"]}}},
        {"Effect": "Deny", "NotAction": ["ims:*:get", "ims:*:list", "ims:images:update", "ims:images:delete",
                                         "ims:serverImages:create"],
         "Condition": {"ForAnyValue:StringEquals": {"g:TagKeys": ["frozen"]}}}
    ]}"#;
    let project = r#"{"Version": "1.1", "Statement": [
        {"Effect": "Allow", "Action": "ims:*:*"},
        {"Effect": "Deny", "Action": "ims:images:share", "Resource": ["ims:*:*:image:x"]}
    ]}"#;
    let enterprise = r#"{"Version": "1.1", "Statement": [
        {"Effect": "Allow", "Action": "ims:images:delete",
         "Condition": {"StringEquals": {"g:EnterpriseProjectId": "ep-1"}}}
    ]}"#;
    PolicySet::new([
        Policy::parse("global.json", Scope::Global, global).unwrap(),
        Policy::parse("project.json", Scope::Project(PROJECT.into()), project).unwrap(),
        Policy::parse("ep.json", Scope::EnterpriseProject("ep-1".into()), enterprise).unwrap(),
    ])
    .unwrap()
}

/// The request contexts the threads use (borrowed strings: built once, shared).
fn contexts() -> Vec<Context<'static>> {
    let pinned = OffsetDateTime::parse("2026-06-01T00:00:00Z", &Rfc3339).unwrap();
    let base = || Context::default().with_current_time(pinned);
    vec![
        Context::default(),
        base(),
        base()
            .with_value("g:SourceIp", "10.1.2.3")
            .with_value("g:MFAPresent", "true"),
        base()
            .with_value("g:SourceIp", "not-an-ip")
            .with_value("g:MFAPresent", "true"),
        base()
            .with_value("g:SourceIp", "2001:db8::1")
            .with_value("g:MFAPresent", "True"),
        base().with_value("g:MFAAge", "60"),
        base().with_value("g:MFAAge", "NaN"),
        base().with_value("g:UserName", "admin-alice"),
        base()
            .with_value("g:UserName", "bob")
            .with_enterprise_project("ep-1"),
        base()
            .with_value("g:TagKeys", "frozen")
            .with_value("g:TagKeys", "env"),
        base().with_project(PROJECT),
        base()
            .with_project("fedcba9876543210fedcba9876543210")
            .with_situation(Situation::EnterpriseProjectsEnabled),
        base()
            .with_enterprise_project("ep-2")
            .with_situation(Situation::SystemDiskImageImport),
    ]
}

/// One compiled set behind an `Arc`, four threads, 15,000 decisions each (fast path and explained,
/// routing included), in a different order per thread: every answer is the single-threaded one.
#[test]
fn one_set_shared_between_threads_decides_like_one_thread() {
    let set = Arc::new(shared_set());
    let contexts = Arc::new(contexts());
    let targets: Arc<Vec<(Method, String)>> = Arc::new(
        operations()
            .iter()
            .map(|o| (o.method(), o.example_path()))
            .collect(),
    );
    let requests = targets.len() * contexts.len();
    let decide = |set: &PolicySet, contexts: &[Context<'static>], targets: &[(Method, String)], i: usize| {
        let (method, target) = &targets[i % targets.len()];
        let ctx = &contexts[(i / targets.len()) % contexts.len()];
        let request = route(method.as_str(), target).unwrap();
        set.authorize(&Request::new(&request, ctx))
    };
    let expected: Arc<Vec<Decision>> = Arc::new(
        (0..requests)
            .map(|i| decide(&set, &contexts, &targets, i))
            .collect(),
    );
    // The table is not trivial: allows, both denies and errors all occur.
    for reason in [Reason::Allow, Reason::ExplicitDeny, Reason::ImplicitDeny] {
        assert!(
            expected.iter().any(|d| d.reason() == reason),
            "{reason:?} never occurs"
        );
    }
    assert!(expected.iter().any(|d| matches!(d.reason(), Reason::Error(_))));

    const THREADS: usize = 4;
    const PER_THREAD: usize = 15_000;
    let handles: Vec<_> = (0..THREADS)
        .map(|t| {
            let (set, contexts, targets, expected) = (
                Arc::clone(&set),
                Arc::clone(&contexts),
                Arc::clone(&targets),
                Arc::clone(&expected),
            );
            std::thread::spawn(move || {
                let mut checked = 0;
                for n in 0..PER_THREAD {
                    // Each thread walks the whole table many times, from its own start, forwards
                    // or backwards, so that threads decide different requests at the same moment.
                    let k = (n + t * requests / THREADS) % requests;
                    let i = if t % 2 == 0 { k } else { requests - 1 - k };
                    let got = if n % 16 == 0 {
                        let (method, target) = &targets[i % targets.len()];
                        let ctx = &contexts[(i / targets.len()) % contexts.len()];
                        let request = route(method.as_str(), target).unwrap();
                        set.explain(&Request::new(&request, ctx)).decision()
                    } else {
                        decide(&set, &contexts, &targets, i)
                    };
                    assert_eq!(got, expected[i], "thread {t}, request {i}");
                    checked += 1;
                }
                checked
            })
        })
        .collect();
    let total: usize = handles.into_iter().map(|h| h.join().unwrap()).sum();
    assert_eq!(total, THREADS * PER_THREAD);
    assert!(
        PER_THREAD >= 10 * requests,
        "every request is decided many times per thread"
    );
}
