#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Conditional statements indexed by the request value they need, keys resolved to slots, value
//! lists searched sorted: the fast path (`authorize`, which uses them) agrees with the explained
//! path (`explain`, which evaluates every statement's conditions one by one, with no index, no slot
//! and no memo) on many statements sharing a few keys and values, with multi-valued keys, missing
//! keys, keys in any letter case and contexts past the inline values.

use ims_iam::{Context, Policy, PolicySet, Request, Scope, route};
use proptest::prelude::*;
use serde_json::{Value, json};

const KEYS: [&str; 4] = [
    "g:UserName",
    "g:ProjectName",
    "g:ResourceTag/env",
    "g:EnterpriseProjectId",
];
const SPELLINGS: [&str; 4] = [
    "g:username",
    "G:PROJECTNAME",
    "g:resourceTAG/env",
    "g:enterpriseprojectid",
];
const VALUES: [&str; 6] = ["alice", "Alice", "ALICE", "bob", "Σοφία", "σοφίς"];
const OPERATORS: [&str; 12] = [
    "StringEquals",
    "StringEqualsIgnoreCase",
    "StringEqualsAnyOf",
    "StringEqualsIgnoreCaseAnyOf",
    "ForAnyValue:StringEquals",
    "ForAnyValue:StringEqualsIgnoreCase",
    "ForAllValues:StringEquals",
    "StringEqualsIfExists",
    "StringNotEquals",
    "StringNotEqualsIgnoreCase",
    "StringLike",
    "NumberEquals",
];

fn statement() -> impl Strategy<Value = Value> {
    let condition = (
        prop::sample::select(OPERATORS.to_vec()),
        prop::sample::select(KEYS.to_vec()),
        prop::collection::vec(prop::sample::select(VALUES.to_vec()), 1..4),
    );
    (
        prop::bool::weighted(0.3),
        prop::sample::select(vec![
            "ims:*:*",
            "ims:images:get",
            "ims:images:update",
            "ims:images:delete",
        ]),
        prop::collection::vec(condition, 1..3),
    )
        .prop_map(|(deny, action, conditions)| {
            let mut block = serde_json::Map::new();
            for (op, key, values) in conditions {
                let values: Vec<Value> = if op == "NumberEquals" {
                    vec![json!(1)]
                } else {
                    values.into_iter().map(|v| json!(v)).collect()
                };
                block.entry(op).or_insert_with(|| json!({}))[key] = json!(values);
            }
            json!({"Effect": if deny { "Deny" } else { "Allow" }, "Action": [action], "Condition": block})
        })
}

fn context_values() -> impl Strategy<Value = Vec<(usize, &'static str, bool)>> {
    prop::collection::vec(
        (
            0..KEYS.len(),
            prop::sample::select(VALUES.to_vec()),
            any::<bool>(),
        ),
        0..12,
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn indexed_and_sorted_strategies_agree_with_evaluating_every_statement(
        statements in prop::collection::vec(statement(), 1..12),
        values in context_values(),
        enterprise_project in any::<bool>(),
    ) {
        let policies: Vec<Policy> = statements
            .chunks(3)
            .enumerate()
            .map(|(i, chunk)| {
                let doc = json!({"Version": "1.1", "Statement": chunk});
                Policy::parse(format!("p{i}"), Scope::Global, &doc.to_string()).unwrap()
            })
            .collect();
        let set = PolicySet::new(policies).unwrap();
        let mut ctx = Context::default();
        if enterprise_project {
            ctx = ctx.with_enterprise_project("alice");
        }
        for &(k, v, other_spelling) in &values {
            ctx.push_value(if other_spelling { SPELLINGS[k] } else { KEYS[k] }, v);
        }
        for (method, target) in [
            ("GET", "/v2/cloudimages"),
            ("PUT", "/v2/images/0b3b6d4e-8f0a-4c1e-9a57-3c0b8f6f2d11/tags/env"),
            ("DELETE", "/v2/images/0b3b6d4e-8f0a-4c1e-9a57-3c0b8f6f2d11"),
        ] {
            let m = route(method, target).unwrap();
            let request = Request::new(&m, &ctx);
            prop_assert_eq!(
                set.authorize(&request),
                set.explain(&request).decision(),
                "{} {} {:?}", method, target, ctx
            );
        }
    }
}

#[test]
fn a_thousand_user_allows_decide_for_their_user_only() {
    let policies: Vec<Policy> = (0..1000)
        .map(|i| {
            let doc = json!({"Version": "1.1", "Statement": [{"Effect": "Allow", "Action": ["ims:*:*"],
                "Condition": {"StringEqualsIgnoreCase": {"g:UserName": [format!("User-{i}")]}}}]});
            Policy::parse(format!("u{i}"), Scope::Global, &doc.to_string()).unwrap()
        })
        .collect();
    let set = PolicySet::new(policies).unwrap();
    let m = route("GET", "/v2/cloudimages").unwrap();
    for (name, allowed) in [
        ("user-7", true),
        ("USER-999", true),
        ("user-1000", false),
        ("", false),
    ] {
        let ctx = Context::default().with_value("G:USERNAME", name);
        let request = Request::new(&m, &ctx);
        assert_eq!(set.authorize(&request).is_allowed(), allowed, "{name}");
        assert_eq!(set.explain(&request).decision().is_allowed(), allowed, "{name}");
    }
    // Multi-valued: one value of the list and one not make the condition unevaluable (no allow);
    // two values of the list that both match make it hold.
    let ctx = Context::default()
        .with_value("g:UserName", "user-1")
        .with_value("g:UserName", "user-2");
    assert!(!set.authorize(&Request::new(&m, &ctx)).is_allowed());
    let ctx = Context::default()
        .with_value("g:UserName", "user-1")
        .with_value("g:UserName", "USER-1");
    assert!(set.authorize(&Request::new(&m, &ctx)).is_allowed());
}
