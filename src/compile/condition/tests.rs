use proptest::prelude::*;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::evaluate::{EXPECT_BOOL, EXPECT_DATE, EXPECT_IP, EXPECT_NUMBER, EXPECT_SINGLE};
use super::*;
use crate::request::Context;

const H: Outcome = Outcome::Holds;
const F: Outcome = Outcome::Fails;
const U_IP: Outcome = Outcome::Unevaluable(EXPECT_IP);
const U_NUMBER: Outcome = Outcome::Unevaluable(EXPECT_NUMBER);
const U_DATE: Outcome = Outcome::Unevaluable(EXPECT_DATE);
const U_BOOL: Outcome = Outcome::Unevaluable(EXPECT_BOOL);
const U_SINGLE: Outcome = Outcome::Unevaluable(EXPECT_SINGLE);

/// The evaluation time used unless a test says otherwise: 2025-06-15T12:00:00Z.
const NOW: OffsetDateTime = match OffsetDateTime::from_unix_timestamp(1_749_988_800) {
    Ok(t) => t,
    Err(_) => panic!("in range"),
};

/// An instant written in RFC 3339.
fn t(text: &str) -> OffsetDateTime {
    OffsetDateTime::parse(text, &Rfc3339).unwrap()
}

fn at(line: usize, column: usize) -> Location {
    Location { line, column }
}

fn s(text: &str) -> ConditionValue {
    ConditionValue::String(text.to_owned())
}

/// An entry with the operator at 1:1, the key at 2:1 and value `i` at `3 + i`:5.
fn entry(operator: &str, key: &str, values: &[ConditionValue]) -> ConditionEntry {
    ConditionEntry {
        operator: Spanned {
            value: operator.to_owned(),
            location: at(1, 1),
        },
        key: Spanned {
            value: key.to_owned(),
            location: at(2, 1),
        },
        values: values
            .iter()
            .enumerate()
            .map(|(i, v)| Spanned {
                value: v.clone(),
                location: at(3 + i, 5),
            })
            .collect(),
    }
}

fn compile(operator: &str, key: &str, values: &[ConditionValue]) -> CompiledCondition {
    match CompiledCondition::compile(&entry(operator, key, values)) {
        Ok(c) => c,
        Err(e) => panic!("`{operator}` on `{key}` does not compile: {e}"),
    }
}

fn compile_err(operator: &str, key: &str, values: &[ConditionValue]) -> ConditionError {
    match CompiledCondition::compile(&entry(operator, key, values)) {
        Ok(c) => panic!("`{operator}` compiled to {c:?}"),
        Err(e) => e,
    }
}

/// A worked-out case: operator, key, policy values, request values, expected outcome.
type Row = (
    &'static str,
    &'static str,
    &'static [&'static str],
    &'static [&'static str],
    Outcome,
);

/// Evaluates `operator` on `key` with string policy values against request values for `key`.
fn eval(operator: &str, key: &str, policy: &[&str], request: &[&str]) -> Outcome {
    let values: Vec<ConditionValue> = policy.iter().map(|p| s(p)).collect();
    let cond = compile(operator, key, &values);
    let mut ctx = Context::default();
    for r in request {
        ctx.push_value(key, r);
    }
    cond.evaluate(&ctx, NOW)
}

#[test]
fn every_operator_holds_and_fails_as_worked_out() {
    // (operator, key, policy values, request values, expected)
    let cases: &[Row] = &[
        ("StringEquals", "g:UserName", &["dev"], &["dev"], H),
        ("StringEquals", "g:UserName", &["dev"], &["Dev"], F),
        ("StringNotEquals", "g:UserName", &["dev"], &["prod"], H),
        ("StringNotEquals", "g:UserName", &["dev"], &["dev"], F),
        ("StringEqualsIgnoreCase", "g:UserName", &["Dev"], &["dEV"], H),
        ("StringEqualsIgnoreCase", "g:UserName", &["Dev"], &["devx"], F),
        ("StringEqualsIgnoreCase", "g:UserName", &["ÄRGER"], &["ärger"], H),
        ("StringNotEqualsIgnoreCase", "g:UserName", &["Dev"], &["prod"], H),
        ("StringNotEqualsIgnoreCase", "g:UserName", &["Dev"], &["DEV"], F),
        ("StringLike", "g:UserName", &["img-*-v?"], &["img-web-v2"], H),
        ("StringLike", "g:UserName", &["img-*-v?"], &["img-web-v10"], F),
        ("StringLike", "g:UserName", &["img-*-v?"], &["IMG-web-v2"], F),
        ("StringNotLike", "g:UserName", &["img-*"], &["vm-a"], H),
        ("StringNotLike", "g:UserName", &["img-*"], &["img-a"], F),
        ("StringMatch", "g:UserName", &["a?c"], &["abc"], H),
        ("StringMatch", "g:UserName", &["a?c"], &["abbc"], F),
        ("StringNotMatch", "g:UserName", &["a*"], &["bcd"], H),
        ("StringNotMatch", "g:UserName", &["a*"], &["abc"], F),
        ("StringStartWith", "g:ProjectName", &["eu-de"], &["eu-de_01"], H),
        ("StringStartWith", "g:ProjectName", &["eu-de"], &["EU-de"], F),
        ("StringStartWith", "g:ProjectName", &["eu*"], &["eu-de"], F),
        (
            "StringEndWith",
            "g:UserName",
            &["@example.com"],
            &["x@example.com"],
            H,
        ),
        (
            "StringEndWith",
            "g:UserName",
            &["@example.com"],
            &["x@example.org"],
            F,
        ),
        ("StringEqualsAnyOf", "g:UserName", &["a", "b"], &["b"], H),
        ("StringEqualsAnyOf", "g:UserName", &["a", "b"], &["c"], F),
        ("StringNotEqualsAnyOf", "g:UserName", &["a", "b"], &["c"], H),
        ("StringNotEqualsAnyOf", "g:UserName", &["a", "b"], &["b"], F),
        (
            "StringEqualsIgnoreCaseAnyOf",
            "g:UserName",
            &["A", "b"],
            &["a"],
            H,
        ),
        (
            "StringEqualsIgnoreCaseAnyOf",
            "g:UserName",
            &["A", "b"],
            &["c"],
            F,
        ),
        ("StringNotEqualsIgnoreCaseAnyOf", "g:UserName", &["A"], &["c"], H),
        ("StringNotEqualsIgnoreCaseAnyOf", "g:UserName", &["A"], &["a"], F),
        ("StringLikeAnyOf", "g:UserName", &["x*", "y*"], &["yes"], H),
        ("StringLikeAnyOf", "g:UserName", &["x*", "y*"], &["no"], F),
        ("StringNotLikeAnyOf", "g:UserName", &["x*", "y*"], &["no"], H),
        ("StringNotLikeAnyOf", "g:UserName", &["x*", "y*"], &["yes"], F),
        (
            "StringStartWithAnyOf",
            "g:ProjectName",
            &["eu-", "ap-"],
            &["ap-southeast-1"],
            H,
        ),
        (
            "StringStartWithAnyOf",
            "g:ProjectName",
            &["eu-", "ap-"],
            &["cn-north-1"],
            F,
        ),
        (
            "StringEndWithAnyOf",
            "g:UserName",
            &[".prod", ".stage"],
            &["db.stage"],
            H,
        ),
        (
            "StringEndWithAnyOf",
            "g:UserName",
            &[".prod", ".stage"],
            &["db.dev"],
            F,
        ),
        ("NumberEquals", "g:MFAAge", &["3600"], &["3600"], H),
        ("NumberEquals", "g:MFAAge", &["3600"], &["3600.0"], H),
        ("NumberEquals", "g:MFAAge", &["3600"], &["3.6e3"], H),
        ("NumberEquals", "g:MFAAge", &["3600"], &["3601"], F),
        ("NumberNotEquals", "g:MFAAge", &["0"], &["1"], H),
        ("NumberNotEquals", "g:MFAAge", &["0"], &["-0"], F),
        ("NumberLessThan", "g:MFAAge", &["3600"], &["3599.5"], H),
        ("NumberLessThan", "g:MFAAge", &["3600"], &["3600"], F),
        ("NumberLessThanEquals", "g:MFAAge", &["3600"], &["3600"], H),
        ("NumberLessThanEquals", "g:MFAAge", &["3600"], &["3601"], F),
        ("NumberGreaterThan", "g:MFAAge", &["10"], &["11"], H),
        ("NumberGreaterThan", "g:MFAAge", &["10"], &["10"], F),
        ("NumberGreaterThanEquals", "g:MFAAge", &["10"], &["10"], H),
        ("NumberGreaterThanEquals", "g:MFAAge", &["10"], &["-11"], F),
        (
            "DateLessThan",
            "g:CurrentTime",
            &["2026-01-01T00:00:00Z"],
            &["2025-12-31T23:59:59Z"],
            H,
        ),
        (
            "DateLessThan",
            "g:CurrentTime",
            &["2026-01-01T00:00:00Z"],
            &["2026-01-01T00:30:00+01:00"],
            H,
        ),
        (
            "DateLessThan",
            "g:CurrentTime",
            &["2026-01-01T00:00:00Z"],
            &["2026-01-01T00:00:00Z"],
            F,
        ),
        (
            "DateLessThanEquals",
            "g:CurrentTime",
            &["2026-01-01T00:00:00Z"],
            &["2026-01-01T00:00:00Z"],
            H,
        ),
        (
            "DateLessThanEquals",
            "g:CurrentTime",
            &["2026-01-01T00:00:00Z"],
            &["2026-01-01T00:00:01Z"],
            F,
        ),
        (
            "DateGreaterThan",
            "g:CurrentTime",
            &["2026-01-01T00:00:00Z"],
            &["2026-01-01T00:00:00.001Z"],
            H,
        ),
        (
            "DateGreaterThan",
            "g:CurrentTime",
            &["2026-01-01T00:00:00Z"],
            &["2026-01-01T01:00:00+01:00"],
            F,
        ),
        (
            "DateGreaterThanEquals",
            "g:CurrentTime",
            &["2026-01-01T00:00:00Z"],
            &["2026-01-01T01:00:00+01:00"],
            H,
        ),
        (
            "DateGreaterThanEquals",
            "g:CurrentTime",
            &["2026-01-01T00:00:00Z"],
            &["2025-06-01T00:00:00Z"],
            F,
        ),
        ("Bool", "g:MFAPresent", &["true"], &["true"], H),
        ("Bool", "g:MFAPresent", &["true"], &["false"], F),
        ("Bool", "g:MFAPresent", &["false"], &["false"], H),
        ("IpAddress", "g:SourceIp", &["10.0.0.0/8"], &["10.1.2.3"], H),
        ("IpAddress", "g:SourceIp", &["10.0.0.0/8"], &["11.0.0.1"], F),
        ("IpAddress", "g:SourceIp", &["192.168.1.1"], &["192.168.1.1"], H),
        ("IpAddress", "g:SourceIp", &["192.168.1.1"], &["192.168.1.2"], F),
        ("IpAddress", "g:SourceIp", &["10.1.2.3/8"], &["10.200.0.1"], H),
        (
            "IpAddress",
            "g:SourceIp",
            &["10.0.0.0/8"],
            &["::ffff:10.0.0.1"],
            H,
        ),
        // SPEC 3.5: a mapped address is the IPv4 address for every comparison.
        ("IpAddress", "g:SourceIp", &["::/0"], &["::ffff:10.0.0.1"], F),
        (
            "IpAddress",
            "g:SourceIp",
            &["::ffff:10.0.0.0/104"],
            &["10.9.9.9"],
            H,
        ),
        (
            "IpAddress",
            "g:SourceIp",
            &["::ffff:10.0.0.0/104"],
            &["::ffff:10.9.9.9"],
            H,
        ),
        (
            "IpAddress",
            "g:SourceIp",
            &["::ffff:10.0.0.0/104"],
            &["11.0.0.1"],
            F,
        ),
        ("IpAddress", "g:SourceIp", &["::ffff:10.0.0.1"], &["10.0.0.1"], H),
        ("IpAddress", "g:SourceIp", &["::/0"], &["2001:db8::1"], H),
        (
            "NotIpAddress",
            "g:SourceIp",
            &["10.0.0.0/8"],
            &["::ffff:10.0.0.1"],
            F,
        ),
        ("NotIpAddress", "g:SourceIp", &["::/0"], &["::ffff:10.0.0.1"], H),
        (
            "IpAddress",
            "g:SourceIp",
            &["10.0.0.0/8"],
            &["fe80::1%eth0"],
            U_IP,
        ),
        // SPEC 3.5: booleans in any letter case, on both sides.
        ("Bool", "g:MFAPresent", &["TRUE"], &["true"], H),
        ("Bool", "g:MFAPresent", &["true"], &["True"], H),
        ("Bool", "g:MFAPresent", &["False"], &["FALSE"], H),
        ("Bool", "g:MFAPresent", &["true"], &["yes"], U_BOOL),
        // SPEC 3.5: Unicode simple case folding.
        ("StringEqualsIgnoreCase", "g:UserName", &["ΟΔΟΣ"], &["οδος"], H),
        (
            "StringEqualsIgnoreCase",
            "g:UserName",
            &["Straße"],
            &["STRASSE"],
            F,
        ),
        (
            "StringEqualsIgnoreCase",
            "g:UserName",
            &["STRAẞE"],
            &["straße"],
            H,
        ),
        ("StringNotEqualsIgnoreCase", "g:UserName", &["οδος"], &["ΟΔΟΣ"], F),
        (
            "StringEqualsIgnoreCaseAnyOf",
            "g:UserName",
            &["x", "ΟΔΟΣ"],
            &["οδοσ"],
            H,
        ),
        ("StringEquals", "g:UserName", &["ΟΔΟΣ"], &["οδος"], F),
        // SPEC 3.5: numbers with a sign and leading zeros, on both sides.
        ("NumberEquals", "g:MFAAge", &["+2"], &["002"], H),
        ("NumberLessThan", "g:MFAAge", &["1e3"], &["+999.5"], H),
        ("NumberEquals", "g:MFAAge", &["1"], &["1."], U_NUMBER),
        ("NumberEquals", "g:MFAAge", &["1"], &[".5"], U_NUMBER),
        // SPEC 3.5: dates: a plain date is its midnight UTC; lower-case t and z; leap seconds.
        (
            "DateLessThanEquals",
            "g:CurrentTime",
            &["2026-01-01"],
            &["2026-01-01T00:00:00Z"],
            H,
        ),
        (
            "DateGreaterThanEquals",
            "g:CurrentTime",
            &["2026-01-01"],
            &["2026-01-01T00:00:00Z"],
            H,
        ),
        (
            "DateLessThan",
            "g:CurrentTime",
            &["2026-01-01"],
            &["2026-01-01T00:00:00Z"],
            F,
        ),
        (
            "DateLessThan",
            "g:CurrentTime",
            &["2026-01-01"],
            &["2025-12-31t23:59:59.999z"],
            H,
        ),
        (
            "DateGreaterThanEquals",
            "g:CurrentTime",
            &["2026-01-01"],
            &["2026-01-01T01:00:00+01:00"],
            H,
        ),
        (
            "DateGreaterThan",
            "g:CurrentTime",
            &["2016-12-31T23:59:59.9Z"],
            &["2016-12-31T23:59:60Z"],
            H,
        ),
        (
            "DateLessThan",
            "g:CurrentTime",
            &["2016-12-31T23:59:60.5Z"],
            &["2016-12-31T23:59:60Z"],
            H,
        ),
        (
            "DateLessThan",
            "g:CurrentTime",
            &["2017-01-01T00:00:00Z"],
            &["2016-12-31T23:59:60.5Z"],
            H,
        ),
        (
            "DateLessThan",
            "g:CurrentTime",
            &["2026-01-01"],
            &["2026-01-01 00:00:00Z"],
            U_DATE,
        ),
        ("NotIpAddress", "g:SourceIp", &["10.0.0.0/8"], &["8.8.8.8"], H),
        ("NotIpAddress", "g:SourceIp", &["10.0.0.0/8"], &["10.1.2.3"], F),
        ("Null", "g:UserId", &["true"], &[], H),
        ("Null", "g:UserId", &["true"], &["u1"], F),
        ("Null", "g:UserId", &["false"], &["u1"], H),
        ("Null", "g:UserId", &["false"], &[], F),
        ("Null", "g:UserId", &["false"], &[""], H),
        ("IsNullOrEmpty", "g:UserId", &["true"], &[], H),
        ("IsNullOrEmpty", "g:UserId", &["true"], &[""], H),
        ("IsNullOrEmpty", "g:UserId", &["true"], &["u1"], F),
        ("IsNullOrEmpty", "g:UserId", &["true"], &["", "u1"], F),
        ("IsNullOrEmpty", "g:UserId", &["false"], &["u1"], H),
        ("IsNullOrEmpty", "g:UserId", &["false"], &[], F),
    ];
    for &(operator, key, policy, request, expected) in cases {
        assert_eq!(
            eval(operator, key, policy, request),
            expected,
            "{operator} {key} {policy:?} against {request:?}"
        );
    }
}

#[test]
fn ipv6_cidr_blocks() {
    let cases: &[(&str, &[&str], &str, Outcome)] = &[
        ("IpAddress", &["2001:db8::/32"], "2001:db8:1::5", H),
        ("IpAddress", &["2001:db8::/32"], "2001:db9::1", F),
        ("IpAddress", &["2001:db8::1"], "2001:db8::1", H),
        ("IpAddress", &["2001:db8::1"], "2001:db8::2", F),
        ("IpAddress", &["fe80::/10"], "FE80::ABCD", H),
        // An IPv4 address is never inside an IPv6 block, nor the reverse.
        ("IpAddress", &["2001:db8::/32"], "10.0.0.1", F),
        ("IpAddress", &["0.0.0.0/0"], "2001:db8::1", F),
        ("IpAddress", &["::/0"], "2001:db8::1", H),
        ("NotIpAddress", &["2001:db8::/32", "10.0.0.0/8"], "2001:db8::7", F),
        ("NotIpAddress", &["2001:db8::/32", "10.0.0.0/8"], "2001:db9::7", H),
    ];
    for &(operator, policy, request, expected) in cases {
        assert_eq!(
            eval(operator, "g:SourceIp", policy, &[request]),
            expected,
            "{operator} {policy:?} {request}"
        );
    }
}

#[test]
fn json_numbers_and_booleans_as_policy_values() {
    let number = |text: &str| ConditionValue::Number(text.to_owned());
    let ctx = Context::default()
        .with_value("g:MFAAge", "1000")
        .with_value("g:MFAPresent", "true");
    assert_eq!(
        compile("NumberEquals", "g:MFAAge", &[number("1e3")]).evaluate(&ctx, NOW),
        H
    );
    assert_eq!(
        compile("NumberLessThan", "g:MFAAge", &[number("999.5")]).evaluate(&ctx, NOW),
        F
    );
    assert_eq!(
        compile("Bool", "g:MFAPresent", &[ConditionValue::Bool(true)]).evaluate(&ctx, NOW),
        H
    );
    assert_eq!(
        compile("Bool", "g:MFAPresent", &[ConditionValue::Bool(false)]).evaluate(&ctx, NOW),
        F
    );
    // String operators compare a number as written.
    assert_eq!(
        compile("StringEquals", "g:MFAAge", &[number("1000")]).evaluate(&ctx, NOW),
        H
    );
    assert_eq!(
        compile("StringEquals", "g:MFAAge", &[number("1e3")]).evaluate(&ctx, NOW),
        F
    );
    let null = compile("Null", "g:UserId", &[ConditionValue::Bool(true)]);
    assert_eq!(null.evaluate(&ctx, NOW), H);
}

#[test]
fn if_exists_with_and_without_the_key() {
    assert_eq!(eval("StringEqualsIfExists", "g:UserName", &["a"], &[]), H);
    assert_eq!(eval("StringEqualsIfExists", "g:UserName", &["a"], &["a"]), H);
    assert_eq!(eval("StringEqualsIfExists", "g:UserName", &["a"], &["b"]), F);
    assert_eq!(
        eval("NotIpAddressIfExists", "g:SourceIp", &["10.0.0.0/8"], &[]),
        H
    );
    assert_eq!(
        eval(
            "NotIpAddressIfExists",
            "g:SourceIp",
            &["10.0.0.0/8"],
            &["10.0.0.1"]
        ),
        F
    );
    assert_eq!(eval("NumberLessThanIfExists", "g:MFAAge", &["60"], &[]), H);
    assert_eq!(eval("NumberLessThanIfExists", "g:MFAAge", &["60"], &["61"]), F);
    assert_eq!(eval("StringEndWithIfExists", "g:UserName", &["x"], &["ax"]), H);
    // A set prefix does not change what IfExists does with a missing key.
    assert_eq!(
        eval("ForAnyValue:StringEqualsIfExists", "g:TagKeys", &["a"], &[]),
        H
    );
    // Unparseable values are not missing.
    assert_eq!(
        eval("IpAddressIfExists", "g:SourceIp", &["10.0.0.0/8"], &["junk"]),
        U_IP
    );
}

#[test]
fn missing_key_fails_positive_and_holds_negated_operators() {
    let cases: &[(&str, &str, &str, Outcome)] = &[
        ("StringEquals", "g:UserName", "a", F),
        ("StringNotEquals", "g:UserName", "a", H),
        ("StringNotEqualsIgnoreCase", "g:UserName", "a", H),
        ("StringLike", "g:UserName", "*", F),
        ("StringNotLike", "g:UserName", "*", H),
        ("StringNotMatch", "g:UserName", "*", H),
        ("StringNotEqualsAnyOf", "g:UserName", "a", H),
        ("StringNotLikeAnyOf", "g:UserName", "a*", H),
        ("StringStartWith", "g:UserName", "", F),
        ("NumberEquals", "g:MFAAge", "1", F),
        ("NumberNotEquals", "g:MFAAge", "1", H),
        ("DateLessThan", "g:SomeDate", "2026-01-01T00:00:00Z", F),
        ("Bool", "g:MFAPresent", "false", F),
        ("IpAddress", "g:SourceIp", "0.0.0.0/0", F),
        ("NotIpAddress", "g:SourceIp", "10.0.0.0/8", H),
    ];
    for &(operator, key, policy, expected) in cases {
        assert_eq!(
            eval(operator, key, &[policy], &[]),
            expected,
            "{operator} with `{key}` missing"
        );
    }
}

#[test]
fn set_prefixes_on_empty_and_mixed_sets() {
    let p: &[&str] = &["a", "b"];
    // (operator, request values, expected)
    let cases: &[(&str, &[&str], Outcome)] = &[
        ("ForAnyValue:StringEquals", &[], F),
        ("ForAllValues:StringEquals", &[], H),
        ("ForAnyValue:StringNotEquals", &[], F),
        ("ForAllValues:StringNotEquals", &[], H),
        ("ForAnyValue:StringEquals", &["a", "x"], H),
        ("ForAllValues:StringEquals", &["a", "x"], F),
        ("ForAnyValue:StringEquals", &["a", "b"], H),
        ("ForAllValues:StringEquals", &["a", "b"], H),
        ("ForAnyValue:StringEquals", &["x", "y"], F),
        ("ForAllValues:StringEquals", &["x", "y"], F),
        // Negated: "satisfies" means "matches none of the policy values".
        ("ForAnyValue:StringNotEquals", &["a", "x"], H),
        ("ForAllValues:StringNotEquals", &["a", "x"], F),
        ("ForAllValues:StringNotEquals", &["x", "y"], H),
        ("ForAnyValue:StringNotEquals", &["a", "b"], F),
        // Without a prefix, several values decide only when they agree.
        ("StringEquals", &["a", "b"], H),
        ("StringEquals", &["x", "y"], F),
        ("StringEquals", &["a", "x"], U_SINGLE),
        ("StringNotEquals", &["x", "y"], H),
        ("StringNotEquals", &["a", "b"], F),
        ("StringNotEquals", &["a", "x"], U_SINGLE),
    ];
    for &(operator, request, expected) in cases {
        assert_eq!(
            eval(operator, "g:TagKeys", p, request),
            expected,
            "{operator} on {request:?}"
        );
    }
}

#[test]
fn key_names_are_case_insensitive() {
    assert_eq!(eval("IpAddress", "G:SOURCEIP", &["10.0.0.0/8"], &["10.0.0.1"]), H);
    let cond = compile("StringEquals", "g:username", &[s("alice")]);
    let ctx = Context::default().with_value("G:UserName", "alice");
    assert_eq!(cond.evaluate(&ctx, NOW), H);
    assert_eq!(cond.key(), "g:username");
    assert_eq!(cond.operator(), "StringEquals");
    assert_eq!(cond.location(), at(1, 1));
    // The special keys are recognised in any case too.
    let time = compile("DateLessThan", "G:CURRENTTIME", &[s("2026-01-01T00:00:00Z")]);
    assert!(time.uses_current_time());
    assert_eq!(time.evaluate(&Context::default(), NOW), H);
    let ep = compile("StringEquals", "g:enterpriseprojectid", &[s("ep1")]);
    assert_eq!(
        ep.evaluate(&Context::default().with_enterprise_project("ep1"), NOW),
        H
    );
}

#[test]
fn current_time_from_now_from_the_pinned_time_and_from_a_context_value() {
    let before_2026 = compile("DateLessThan", "g:CurrentTime", &[s("2026-01-01T00:00:00Z")]);
    assert!(before_2026.uses_current_time());
    assert!(!compile("StringEquals", "g:UserName", &[s("a")]).uses_current_time());
    let empty = Context::default();
    // From `now`.
    assert_eq!(before_2026.evaluate(&empty, t("2025-12-31T23:59:59Z")), H);
    assert_eq!(before_2026.evaluate(&empty, t("2026-01-01T00:00:00Z")), F);
    assert_eq!(before_2026.evaluate(&empty, t("2026-01-01T00:30:00+01:00")), H);
    // The pinned time wins over `now`.
    let pinned = Context::default().with_current_time(t("2027-01-01T00:00:00Z"));
    assert_eq!(before_2026.evaluate(&pinned, t("2025-01-01T00:00:00Z")), F);
    // A context value for the key wins over both.
    let given = Context::default()
        .with_current_time(t("2027-01-01T00:00:00Z"))
        .with_value("g:currenttime", "2025-03-01T00:00:00+08:00");
    assert_eq!(before_2026.evaluate(&given, t("2028-01-01T00:00:00Z")), H);
    // The key is never missing, so Null false holds and Null true fails.
    assert_eq!(
        compile("Null", "g:CurrentTime", &[s("false")]).evaluate(&empty, NOW),
        H
    );
    assert_eq!(
        compile("Null", "g:CurrentTime", &[s("true")]).evaluate(&empty, NOW),
        F
    );
    // String operators see `now` as RFC 3339 text in UTC.
    let like = compile("StringLike", "g:CurrentTime", &[s("2025-06-15T12:*Z")]);
    assert_eq!(like.evaluate(&empty, NOW), H);
    assert_eq!(like.evaluate(&empty, t("2025-06-15T14:00:00+02:00")), H);
    assert_eq!(like.evaluate(&empty, t("2025-06-15T13:00:00Z")), F);
}

#[test]
fn enterprise_project_from_the_context() {
    let cond = compile("StringEquals", "g:EnterpriseProjectId", &[s("ep1")]);
    assert_eq!(
        cond.evaluate(&Context::default().with_enterprise_project("ep1"), NOW),
        H
    );
    assert_eq!(
        cond.evaluate(&Context::default().with_enterprise_project("ep2"), NOW),
        F
    );
    // A value for the key wins over the enterprise project.
    let ctx = Context::default()
        .with_enterprise_project("ep1")
        .with_value("g:EnterpriseProjectId", "ep2");
    assert_eq!(cond.evaluate(&ctx, NOW), F);
    // Neither: the key is missing.
    assert_eq!(cond.evaluate(&Context::default(), NOW), F);
    let null = compile("Null", "g:EnterpriseProjectId", &[s("true")]);
    assert_eq!(null.evaluate(&Context::default(), NOW), H);
    assert_eq!(
        null.evaluate(&Context::default().with_enterprise_project("0"), NOW),
        F
    );
}

#[test]
fn unevaluable_request_values() {
    let cases: &[Row] = &[
        ("IpAddress", "g:SourceIp", &["10.0.0.0/8"], &["not-an-ip"], U_IP),
        (
            "NotIpAddress",
            "g:SourceIp",
            &["10.0.0.0/8"],
            &["not-an-ip"],
            U_IP,
        ),
        ("IpAddress", "g:SourceIp", &["10.0.0.0/8"], &["10.0.0.1/32"], U_IP),
        ("IpAddress", "g:SourceIp", &["10.0.0.0/8"], &[" 10.0.0.1"], U_IP),
        ("NumberLessThan", "g:MFAAge", &["60"], &["abc"], U_NUMBER),
        ("NumberNotEquals", "g:MFAAge", &["60"], &["abc"], U_NUMBER),
        ("NumberEquals", "g:MFAAge", &["60"], &["NaN"], U_NUMBER),
        ("NumberEquals", "g:MFAAge", &["60"], &["1e999"], U_NUMBER),
        ("NumberEquals", "g:MFAAge", &["60"], &[""], U_NUMBER),
        (
            "DateLessThan",
            "g:CurrentTime",
            &["2026-01-01T00:00:00Z"],
            &["yesterday"],
            U_DATE,
        ),
        (
            "DateGreaterThan",
            "g:CurrentTime",
            &["2026-01-01T00:00:00Z"],
            &["2026-01-01T00:00"],
            U_DATE,
        ),
        ("Bool", "g:MFAPresent", &["true"], &["yes"], U_BOOL),
        ("Bool", "g:MFAPresent", &["true"], &["1"], U_BOOL),
        // Several values: a definite outcome only when the unknown value cannot change it.
        (
            "ForAnyValue:IpAddress",
            "g:SourceIp",
            &["10.0.0.0/8"],
            &["10.0.0.1", "junk"],
            H,
        ),
        (
            "ForAnyValue:IpAddress",
            "g:SourceIp",
            &["10.0.0.0/8"],
            &["11.0.0.1", "junk"],
            U_IP,
        ),
        (
            "ForAllValues:IpAddress",
            "g:SourceIp",
            &["10.0.0.0/8"],
            &["10.0.0.1", "junk"],
            U_IP,
        ),
        (
            "ForAllValues:IpAddress",
            "g:SourceIp",
            &["10.0.0.0/8"],
            &["11.0.0.1", "junk"],
            F,
        ),
        (
            "ForAnyValue:NotIpAddress",
            "g:SourceIp",
            &["10.0.0.0/8"],
            &["junk"],
            U_IP,
        ),
        (
            "ForAnyValue:NotIpAddress",
            "g:SourceIp",
            &["10.0.0.0/8"],
            &["10.0.0.1", "junk"],
            U_IP,
        ),
        (
            "ForAnyValue:NotIpAddress",
            "g:SourceIp",
            &["10.0.0.0/8"],
            &["11.0.0.1", "junk"],
            H,
        ),
        (
            "ForAllValues:NotIpAddress",
            "g:SourceIp",
            &["10.0.0.0/8"],
            &["10.0.0.1", "junk"],
            F,
        ),
        (
            "ForAllValues:NotIpAddress",
            "g:SourceIp",
            &["10.0.0.0/8"],
            &["11.0.0.1", "junk"],
            U_IP,
        ),
        (
            "IpAddress",
            "g:SourceIp",
            &["10.0.0.0/8"],
            &["10.0.0.1", "junk"],
            U_IP,
        ),
        (
            "NotIpAddress",
            "g:SourceIp",
            &["10.0.0.0/8"],
            &["11.0.0.1", "junk"],
            U_IP,
        ),
        (
            "NumberGreaterThanIfExists",
            "g:MFAAge",
            &["0"],
            &["abc"],
            U_NUMBER,
        ),
    ];
    for &(operator, key, policy, request, expected) in cases {
        assert_eq!(
            eval(operator, key, policy, request),
            expected,
            "{operator} {policy:?} against {request:?}"
        );
    }
    // Number operators on the evaluation time: it is not a number.
    let age = compile("NumberGreaterThan", "g:CurrentTime", &[s("0")]);
    assert_eq!(age.evaluate(&Context::default(), NOW), U_NUMBER);
}

#[test]
fn unknown_operators() {
    for operator in [
        "StringEqual",
        "stringequals",
        "ForSomeValues:StringEquals",
        "forAnyValue:StringEquals",
        "StringEqualsIfExistsIfExists",
        "IfExists",
        "ForAnyValue:",
        "DateEquals",
        "NumericEquals",
        "StringNotStartWith",
        "ForAnyValue:ForAllValues:StringEquals",
        "",
    ] {
        let e = compile_err(operator, "g:UserName", &[s("a")]);
        assert_eq!(e.kind(), "unknown_operator", "{operator}");
        assert_eq!(e.location(), at(1, 1), "{operator}");
    }
    let e = compile_err("stringequals", "g:UserName", &[s("a")]);
    assert_eq!(
        e.to_string(),
        "unknown condition operator `stringequals` (operator names are case-sensitive: did you mean \
         `StringEquals`?)"
    );
    // Any other name is unknown, and the error names the nearest operator.
    for (written, nearest) in [
        ("StringEqual", "StringEquals"),
        ("StringNotStartWith", "StringStartWith"),
        ("DateEquals", "NumberEquals"),
        ("NumberEqualsAnyOf", "NumberEquals"),
        ("StringMatchAnyOf", "StringMatch"),
        ("BoolIfExist", "Bool"),
    ] {
        assert_eq!(
            compile_err(written, "k", &[s("a")]).to_string(),
            format!("unknown condition operator `{written}` (did you mean `{nearest}`?)")
        );
    }
}

#[test]
fn invalid_policy_values() {
    let number = |text: &str| ConditionValue::Number(text.to_owned());
    // (operator, value) — the bad value is the second one, at 4:5.
    let cases: Vec<(&str, ConditionValue)> = vec![
        ("NumberEquals", s("NaN")),
        ("NumberEquals", s("inf")),
        ("NumberEquals", s("-infinity")),
        ("NumberEquals", number("1e999999")),
        ("NumberEquals", s("1e999999")),
        ("NumberLessThan", s("+-1")),
        ("NumberLessThan", s(".1")),
        ("NumberLessThan", s("1.")),
        ("NumberLessThan", s(".5")),
        ("NumberLessThan", s(" 1")),
        ("NumberLessThan", s("")),
        ("NumberLessThan", ConditionValue::Bool(true)),
        ("DateLessThan", s("2026-13-01T00:00:00Z")),
        ("DateLessThan", s("2026-02-30T00:00:00Z")),
        ("DateLessThan", s("2026-01-01T25:00:00Z")),
        ("DateLessThan", s("2026-01-01T00:00")),
        ("DateLessThan", s("2026-01-01T00:00:00")),
        ("DateLessThan", s("2026-01-01 00:00:00Z")),
        ("DateLessThan", s("2026-01-01X00:00:00Z")),
        ("DateLessThan", number("1767225600")),
        ("DateGreaterThan", s("tomorrow")),
        ("IpAddress", s("10.0.0.0/33")),
        ("IpAddress", s("2001:db8::/129")),
        ("IpAddress", s("not-an-ip")),
        ("IpAddress", s("10.0.0.256")),
        ("NotIpAddress", s("10.0.0.0/")),
        ("NotIpAddress", number("10")),
        ("Bool", s("yes")),
        ("IpAddress", s("10.0.0.0/255.0.0.0")),
        ("IpAddress", s("fe80::1%eth0")),
        ("Bool", s("1")),
        ("Bool", number("1")),
        ("Null", s("yes")),
        ("IsNullOrEmpty", s("")),
    ];
    for (operator, bad) in cases {
        let good = match operator {
            "NumberEquals" | "NumberLessThan" => s("1"),
            "DateLessThan" | "DateGreaterThan" => s("2026-01-01T00:00:00Z"),
            "IpAddress" | "NotIpAddress" => s("10.0.0.0/8"),
            _ => s("true"),
        };
        let e = compile_err(operator, "g:Key", &[good, bad.clone()]);
        assert_eq!(e.kind(), "invalid_value", "{operator} {bad:?}");
        assert_eq!(e.location(), at(4, 5), "{operator} {bad:?}");
        let message = e.to_string();
        assert!(
            message.starts_with(&format!(
                "invalid value `{}` for `{operator}` on `g:Key`: expected ",
                bad.as_text()
            )),
            "{message}"
        );
    }
    assert_eq!(
        compile_err("IpAddress", "g:SourceIp", &[s("10.0.0.0/33")]).to_string(),
        "invalid value `10.0.0.0/33` for `IpAddress` on `g:SourceIp`: expected an IPv4 or IPv6 address or CIDR \
         block"
    );
}

#[test]
fn if_exists_and_set_prefixes_on_null_checks() {
    for operator in ["NullIfExists", "IsNullOrEmptyIfExists"] {
        let e = compile_err(operator, "g:UserId", &[s("true")]);
        assert_eq!(e.kind(), "if_exists_on_null", "{operator}");
        assert_eq!(e.location(), at(1, 1));
    }
    assert_eq!(
        compile_err("NullIfExists", "g:UserId", &[s("true")]).to_string(),
        "`NullIfExists` is not allowed: `IfExists` cannot be combined with `Null`"
    );
    for operator in ["ForAnyValue:Null", "ForAllValues:IsNullOrEmpty"] {
        let e = compile_err(operator, "g:UserId", &[s("true")]);
        assert_eq!(e.kind(), "set_prefix_on_null", "{operator}");
        assert_eq!(e.location(), at(1, 1));
    }
    assert_eq!(
        compile_err("ForAnyValue:Null", "g:UserId", &[s("true")]).to_string(),
        "`ForAnyValue:Null` is not allowed: `ForAnyValue:` cannot be combined with `Null`"
    );
}

#[test]
fn empty_value_lists() {
    for operator in ["StringEquals", "Null", "IpAddress", "ForAllValues:StringLike"] {
        let e = compile_err(operator, "g:UserName", &[]);
        assert_eq!(e.kind(), "empty_values", "{operator}");
        assert_eq!(e.location(), at(2, 1), "{operator}");
    }
    assert_eq!(
        compile_err("StringEquals", "g:UserName", &[]).to_string(),
        "condition key `g:UserName` under `StringEquals` has no values"
    );
}

#[test]
fn number_syntax() {
    for (text, expected) in [
        ("0", Some(0.0)),
        ("-0", Some(0.0)),
        ("12", Some(12.0)),
        ("-1.5", Some(-1.5)),
        ("1e3", Some(1000.0)),
        ("1E+3", Some(1000.0)),
        ("25e-1", Some(2.5)),
        ("0.0001", Some(0.0001)),
        ("00", Some(0.0)),
        ("+2", Some(2.0)),
        ("007", Some(7.0)),
        ("1.", None),
        (".5", None),
        (" 1", None),
        ("NaN", None),
        ("inf", None),
        ("1e999999", None),
        ("-", None),
        ("1e", None),
        ("1e+", None),
        ("0x10", None),
        ("1_000", None),
        ("1,5", None),
        ("Infinity", None),
    ] {
        assert_eq!(parse_number(text), expected, "{text}");
    }
}

const STRING_PAIRS: &[(&str, &str)] = &[
    ("StringEquals", "StringNotEquals"),
    ("StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase"),
    ("StringLike", "StringNotLike"),
    ("StringMatch", "StringNotMatch"),
    ("StringEqualsAnyOf", "StringNotEqualsAnyOf"),
    ("StringEqualsIgnoreCaseAnyOf", "StringNotEqualsIgnoreCaseAnyOf"),
    ("StringLikeAnyOf", "StringNotLikeAnyOf"),
];

proptest! {
    #[test]
    fn negated_string_operator_is_the_opposite_with_one_value(
        pair in 0..STRING_PAIRS.len(),
        policy in proptest::collection::vec("[abAB*?]{0,4}", 1..4),
        request in "[abAB]{0,5}",
        if_exists in any::<bool>(),
    ) {
        let (positive, negated) = STRING_PAIRS[pair];
        let suffix = if if_exists { "IfExists" } else { "" };
        let values: Vec<ConditionValue> = policy.iter().map(|p| s(p)).collect();
        let pos = compile(&format!("{positive}{suffix}"), "g:UserName", &values);
        let neg = compile(&format!("{negated}{suffix}"), "g:UserName", &values);
        let ctx = Context::default().with_value("g:username", &request);
        let (p, n) = (pos.evaluate(&ctx, NOW), neg.evaluate(&ctx, NOW));
        prop_assert!(matches!((p, n), (Outcome::Holds, Outcome::Fails) | (Outcome::Fails, Outcome::Holds)),
            "{positive}: {p:?}, {negated}: {n:?}");
    }

    #[test]
    fn set_prefixes_agree_with_the_bare_operator_on_one_value(
        pair in 0..STRING_PAIRS.len(),
        negated in any::<bool>(),
        policy in proptest::collection::vec("[ab*]{0,3}", 1..3),
        request in "[ab]{0,4}",
    ) {
        let op = if negated { STRING_PAIRS[pair].1 } else { STRING_PAIRS[pair].0 };
        let values: Vec<ConditionValue> = policy.iter().map(|p| s(p)).collect();
        let ctx = Context::default().with_value("g:UserName", &request);
        let bare = compile(op, "g:UserName", &values).evaluate(&ctx, NOW);
        let any = compile(&format!("ForAnyValue:{op}"), "g:UserName", &values).evaluate(&ctx, NOW);
        let all = compile(&format!("ForAllValues:{op}"), "g:UserName", &values).evaluate(&ctx, NOW);
        prop_assert_eq!(bare, any);
        prop_assert_eq!(bare, all);
    }
}

/// `StringLike` and `StringMatch` values go through the same linear matcher: a pathological pattern
/// (`*a*a*a...*b`) against a 100,000-character request value costs a bounded number of character
/// comparisons through the whole evaluation, for every form of the operator.
#[test]
fn pathological_like_patterns_evaluate_in_linear_steps() {
    use crate::compile::wildcard::test_steps;
    let n = 100_000u64;
    let long = "a".repeat(100_000);
    let pattern = format!("{}b", "*a".repeat(50));
    // Ending in a star, the `b` is searched through the whole input: the worst case.
    let scans_all = format!("{}b*", "*a".repeat(50));
    let many_stars = format!("{}b*", "*a".repeat(5_000));
    let forms = [
        ("StringLike", F),
        ("StringMatch", F),
        ("StringNotLike", H),
        ("StringNotMatch", H),
        ("StringLikeAnyOf", F),
        ("StringLikeIfExists", F),
        ("ForAnyValue:StringLike", F),
        ("ForAllValues:StringMatch", F),
    ];
    for (operator, expected) in forms {
        for p in [&pattern, &scans_all, &many_stars] {
            let cond = compile(operator, "g:UserName", &[s(p), s("*a*a*a*a*a*a*a*a*c")]);
            let ctx = Context::default().with_value("g:UserName", &long);
            let (outcome, steps) = test_steps::count(|| cond.evaluate(&ctx, NOW));
            assert_eq!(outcome, expected, "{operator}");
            // Two policy values, each at most 3 comparisons per input character.
            assert!(
                steps <= 2 * 3 * n,
                "{operator}, {} stars: {steps} steps",
                p.matches('*').count()
            );
            if p.ends_with('*') {
                assert!(steps >= n, "{operator}: the hook saw only {steps} steps");
            }
        }
    }
    // Several long values of a multi-valued key: linear in their total length.
    let cond = compile("ForAnyValue:StringLike", "g:TagKeys", &[s(&scans_all)]);
    let ctx = (0..10).fold(Context::default(), |c, _| c.with_value("g:TagKeys", &long));
    let (outcome, steps) = test_steps::count(|| cond.evaluate(&ctx, NOW));
    assert_eq!(outcome, F);
    assert!((10 * n..=10 * 3 * n).contains(&steps), "{steps} steps");
}
