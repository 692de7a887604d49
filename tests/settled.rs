//! The rules SPEC 3.2-3.5 settled, case by case, end to end through `PolicySet` (and the router for
//! raw targets): malformed action patterns, project attachments when the request's project is unknown,
//! several request values without a set prefix, value forms, Unicode case folding, the operator list.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use ims_iam::{Context, Policy, PolicySet, Reason, Request, Scope, route};

const UUID: &str = "0b3b6d4e-8f0a-4c1e-9a57-3c0b8f6f2d11";
const P: &str = "0123456789abcdef0123456789abcdef";

fn policy(scope: Scope, statements: &str) -> Policy {
    let text = format!(r#"{{"Version": "1.1", "Statement": [{statements}]}}"#);
    Policy::parse("p", scope, &text).unwrap()
}

fn set(policies: Vec<Policy>) -> PolicySet {
    PolicySet::new(policies).unwrap()
}

/// The reason of `GET /v2/images/{UUID}` (requires `ims:images:get`) under `set` and `ctx`, checking
/// that the fast and the explained paths agree.
fn get_image(set: &PolicySet, ctx: &Context<'_>) -> Reason {
    let target = format!("/v2/images/{UUID}");
    let request = route("GET", &target).unwrap();
    let request = Request::new(&request, ctx);
    let fast = set.authorize(&request);
    let explained = set.explain(&request).decision();
    assert_eq!(fast, explained);
    fast.reason()
}

#[test]
fn malformed_action_patterns_are_compile_errors() {
    for bad in [
        "ims::list",
        "ims:images.get",
        "ims:images: get",
        "ims:imägés:get",
        ":ims",
        "ims:images:",
    ] {
        let text = format!(
            r#"{{"Version": "1.1", "Statement": [{{"Effect": "Allow", "Action": ["ims:images:get", {}]}}]}}"#,
            serde_json::to_string(bad).unwrap()
        );
        let policy = Policy::parse("p", Scope::Global, &text).unwrap();
        let err = PolicySet::new([policy]).expect_err(bad);
        assert_eq!(err.kind(), "invalid_action", "{bad}: {err}");
    }
    // An empty one is already refused by the parser.
    let empty = r#"{"Version": "1.1", "Statement": [{"Effect": "Allow", "Action": [""]}]}"#;
    assert!(Policy::parse("p", Scope::Global, empty).is_err());
    for good in [
        "ims:*",
        "*",
        "IMS:images:get",
        "ims:*:get*",
        "ims:images:?et",
        "a-b_c:d:e",
    ] {
        let text =
            format!(r#"{{"Version": "1.1", "Statement": [{{"Effect": "Allow", "Action": ["{good}"]}}]}}"#);
        assert!(
            PolicySet::new([Policy::parse("p", Scope::Global, &text).unwrap()]).is_ok(),
            "{good}"
        );
    }
}

#[test]
fn project_attachments_when_the_project_is_unknown() {
    let allow = policy(
        Scope::Project(P.into()),
        r#"{"Effect": "Allow", "Action": ["ims:images:get"]}"#,
    );
    let deny = policy(
        Scope::Project(P.into()),
        r#"{"Effect": "Deny", "Action": ["ims:images:get"]}"#,
    );
    let global = policy(Scope::Global, r#"{"Effect": "Allow", "Action": ["ims:*:*"]}"#);
    let unknown = Context::default();
    let known = Context::default().with_project(P);
    // Cannot grant when the project is unknown ...
    assert_eq!(
        get_image(&set(vec![allow.clone()]), &unknown),
        Reason::ImplicitDeny
    );
    assert_eq!(get_image(&set(vec![allow]), &known), Reason::Allow);
    // ... but its Deny statements apply.
    assert_eq!(
        get_image(&set(vec![global.clone(), deny.clone()]), &unknown),
        Reason::ExplicitDeny
    );
    assert_eq!(
        get_image(&set(vec![global.clone(), deny.clone()]), &known),
        Reason::ExplicitDeny
    );
    let other = Context::default().with_project("fedcba9876543210fedcba9876543210");
    assert_eq!(get_image(&set(vec![global, deny]), &other), Reason::Allow);
}

#[test]
fn several_values_without_a_set_prefix_decide_only_when_they_agree() {
    let allow = |condition: &str| {
        set(vec![policy(
            Scope::Global,
            &format!(r#"{{"Effect": "Allow", "Action": ["ims:images:get"], "Condition": {condition}}}"#),
        )])
    };
    let deny = |condition: &str| {
        set(vec![
            policy(Scope::Global, r#"{"Effect": "Allow", "Action": ["ims:*:*"]}"#),
            policy(
                Scope::Global,
                &format!(r#"{{"Effect": "Deny", "Action": ["ims:images:get"], "Condition": {condition}}}"#),
            ),
        ])
    };
    let condition = r#"{"StringEquals": {"g:TagKeys": ["a", "b"]}}"#;
    let agree = Context::default()
        .with_value("g:TagKeys", "a")
        .with_value("g:TagKeys", "b");
    let mixed = Context::default()
        .with_value("g:TagKeys", "a")
        .with_value("g:TagKeys", "c");
    assert_eq!(get_image(&allow(condition), &agree), Reason::Allow);
    // Mixed: unevaluable, so the safe side: an Allow does not apply, a Deny does.
    assert_eq!(get_image(&allow(condition), &mixed), Reason::ImplicitDeny);
    assert_eq!(get_image(&deny(condition), &mixed), Reason::ExplicitDeny);
    // With a set prefix the same values decide.
    let any = r#"{"ForAnyValue:StringEquals": {"g:TagKeys": ["a", "b"]}}"#;
    assert_eq!(get_image(&allow(any), &mixed), Reason::Allow);
    let all = r#"{"ForAllValues:StringEquals": {"g:TagKeys": ["a", "b"]}}"#;
    assert_eq!(get_image(&deny(all), &mixed), Reason::Allow);
}

#[test]
fn values_case_folding_and_keys_end_to_end() {
    let allowed = |condition: &str, ctx: &Context<'_>| {
        let set = set(vec![policy(
            Scope::Global,
            &format!(r#"{{"Effect": "Allow", "Action": ["ims:images:get"], "Condition": {condition}}}"#),
        )]);
        get_image(&set, ctx) == Reason::Allow
    };
    let user = |name: &'static str| Context::default().with_value("g:UserName", name);
    assert!(allowed(
        r#"{"StringEqualsIgnoreCase": {"g:UserName": ["ΟΔΟΣ"]}}"#,
        &user("οδος")
    ));
    assert!(!allowed(
        r#"{"StringEqualsIgnoreCase": {"g:UserName": ["Straße"]}}"#,
        &user("STRASSE")
    ));
    // Key names fold too, ASCII and beyond.
    let folded_key = Context::default().with_value("G:USERNAME", "alice");
    assert!(allowed(
        r#"{"StringEquals": {"g:UserName": ["alice"]}}"#,
        &folded_key
    ));
    let greek_key = Context::default().with_value("svc:ΟΔΟΣ", "x");
    assert!(allowed(r#"{"StringEquals": {"svc:οδος": ["x"]}}"#, &greek_key));
    // Value forms, the same in policies and requests.
    let mfa = |v: &'static str| Context::default().with_value("g:MFAPresent", v);
    assert!(allowed(r#"{"Bool": {"g:MFAPresent": ["TRUE"]}}"#, &mfa("True")));
    assert!(allowed(r#"{"Bool": {"g:MFAPresent": [true]}}"#, &mfa("true")));
    let age = |v: &'static str| Context::default().with_value("g:MFAAge", v);
    assert!(allowed(
        r#"{"NumberLessThan": {"g:MFAAge": ["+1e3"]}}"#,
        &age("0999")
    ));
    let time = |v: &'static str| Context::default().with_value("g:CurrentTime", v);
    assert!(allowed(
        r#"{"DateLessThan": {"g:CurrentTime": ["2026-01-01"]}}"#,
        &time("2025-12-31t23:59:60z")
    ));
    let ip = |v: &'static str| Context::default().with_value("g:SourceIp", v);
    assert!(allowed(
        r#"{"IpAddress": {"g:SourceIp": ["10.0.0.0/8"]}}"#,
        &ip("::ffff:10.1.2.3")
    ));
    assert!(allowed(
        r#"{"IpAddress": {"g:SourceIp": ["::ffff:10.0.0.0/104"]}}"#,
        &ip("10.1.2.3")
    ));
    assert!(!allowed(
        r#"{"IpAddress": {"g:SourceIp": ["::/0"]}}"#,
        &ip("::ffff:10.1.2.3")
    ));
    // A Deny on an IPv4 block is not dodged through a dual-stack socket.
    let deny_block = set(vec![
        policy(Scope::Global, r#"{"Effect": "Allow", "Action": ["ims:*:*"]}"#),
        policy(
            Scope::Global,
            r#"{"Effect": "Deny", "Action": ["ims:*:*"], "Condition": {"IpAddress": {"g:SourceIp": ["10.0.0.0/8"]}}}"#,
        ),
    ]);
    assert_eq!(
        get_image(&deny_block, &ip("::ffff:10.1.2.3")),
        Reason::ExplicitDeny
    );
}

#[test]
fn the_operator_list() {
    let compiles = |operator: &str| {
        let text = format!(
            r#"{{"Version": "1.1", "Statement": [{{"Effect": "Allow", "Action": ["ims:images:get"],
                "Condition": {{"{operator}": {{"g:UserName": ["a"]}}}}}}]}}"#
        );
        PolicySet::new([Policy::parse("p", Scope::Global, &text).unwrap()])
    };
    for accepted in [
        "StringEqualsAnyOf",
        "StringNotEqualsAnyOf",
        "StringEqualsIgnoreCaseAnyOf",
        "StringNotEqualsIgnoreCaseAnyOf",
        "StringLikeAnyOf",
        "StringNotLikeAnyOf",
        "StringStartWithAnyOf",
        "StringEndWithAnyOf",
        "StringMatch",
        "StringNotMatch",
        "ForAnyValue:StringEqualsAnyOfIfExists",
    ] {
        assert!(compiles(accepted).is_ok(), "{accepted}");
    }
    for unknown in [
        "StringMatchAnyOf",
        "StringNotStartWith",
        "DateEquals",
        "NumberEqualsAnyOf",
        "IpAddressAnyOf",
    ] {
        let err = compiles(unknown).expect_err(unknown);
        assert_eq!(err.kind(), "unknown_operator", "{unknown}");
        assert!(err.to_string().contains("did you mean `"), "{err}");
    }
}

#[test]
fn a_raw_backslash_in_a_target_is_an_invalid_character() {
    for target in [r"/v2/images\x", r"/v2\images", &format!(r"/v2/images/{UUID}\")] {
        let err = route("GET", target).expect_err(target);
        assert_eq!(err.kind(), "invalid_character", "{target}");
    }
    assert_eq!(route("GET", r"\v2/images").unwrap_err().kind(), "not_absolute");
    // Percent-encoded, it is an ordinary character of a parameter.
    let encoded = format!("/v2/images/{UUID}/tags/a%5Cb");
    assert_eq!(route("DELETE", &encoded).unwrap().param("tag"), Some("a\\b"));
}
