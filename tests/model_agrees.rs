//! The compiled evaluator agrees with a naive reference model of SPEC 3 (`tests/model/`) on random
//! policy sets, scopes, requests and contexts: every operator family, set prefixes and `IfExists`,
//! unparseable values on both sides, narrow resources, `NotAction`, every scope and every documented
//! operation. The fast path (`authorize`), the explained path (`explain`) and
//! the model must give the same answer on every case.
//!
//! CI runs a modest number of cases; `PROPTEST_CASES=100000 cargo test --release --test model_agrees`
//! runs more (the record is in `fuzz/README.md`).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod model;

use ims_iam::{Context, Policy, PolicySet, Reason, Request, Scope, Situation, operations};
use model::{MRequest, MScope};
use proptest::prelude::*;
use serde_json::{Value, json};
use time::OffsetDateTime;

const P: &str = "0123456789abcdef0123456789abcdef";
const Q: &str = "fedcba9876543210fedcba9876543210";

const PATTERNS: &[&str] = &[
    "ims:images:get",
    "ims:images:list",
    "ims:images:update",
    "ims:images:delete",
    "ims:serverImages:create",
    "ims:dataImages:create",
    "ims:*:*",
    "ims:images:*",
    "*:*:get*",
    "ims:images:?et",
    "IMS:IMAGES:LIST",
    "*",
    "obs:*:*",
];

const OPERATORS: &[&str] = &[
    "StringEquals",
    "StringNotEquals",
    "StringEqualsIgnoreCase",
    "StringNotEqualsIgnoreCase",
    "StringLike",
    "StringNotLike",
    "StringMatch",
    "StringNotMatch",
    "StringStartWith",
    "StringEndWith",
    "StringEqualsAnyOf",
    "StringNotEqualsAnyOf",
    "StringEqualsIgnoreCaseAnyOf",
    "StringNotEqualsIgnoreCaseAnyOf",
    "StringLikeAnyOf",
    "StringNotLikeAnyOf",
    "StringStartWithAnyOf",
    "StringEndWithAnyOf",
    "NumberEquals",
    "NumberNotEquals",
    "NumberLessThan",
    "NumberLessThanEquals",
    "NumberGreaterThan",
    "NumberGreaterThanEquals",
    "DateLessThan",
    "DateLessThanEquals",
    "DateGreaterThan",
    "DateGreaterThanEquals",
    "Bool",
    "IpAddress",
    "NotIpAddress",
    "Null",
    "IsNullOrEmpty",
];

const KEYS: &[&str] = &[
    "g:UserName",
    "G:USERNAME",
    "g:SourceIp",
    "g:MFAAge",
    "g:MFAPresent",
    "g:CurrentTime",
    "g:TagKeys",
    "g:EnterpriseProjectId",
    "svc:ΟΔΟΣ",
    "svc:οδος",
];

/// Values for policies and requests alike: strings of every kind, valid and not.
const TEXTS: &[&str] = &[
    "alice",
    "ALICE",
    "al*",
    "a?ice",
    "ΟΔΟΣ",
    "οδος",
    "Straße",
    "STRASSE",
    "",
    "10.0.0.0/8",
    "::ffff:10.0.0.0/104",
    "::/0",
    "10.1.2.3",
    "::ffff:10.1.2.3",
    "2001:db8::1",
    "10.0.0.0/255.0.0.0",
    "junk",
    "1",
    "+2",
    "007",
    "1e3",
    "1.",
    ".5",
    "-0.5",
    "true",
    "False",
    "TRUE",
    "yes",
    "2026-01-01",
    "2026-01-01T00:00:00Z",
    "2025-12-31t23:59:60z",
    "2025-12-31T23:59:60.5Z",
    "2025-12-31T23:59:59.9Z",
    "2026-01-01T01:00:00+01:00",
    "2026-13-01",
];

/// Policy values that suit the operator's family (valid and not, where the family parses).
fn family_values(op: &str) -> Vec<Value> {
    let texts = |t: &[&str]| t.iter().map(|t| json!(t)).collect::<Vec<_>>();
    if op.contains("Number") {
        let mut v = texts(&["1", "+2", "007", "1e3", "-0.5"]);
        v.extend([json!(1), json!(2.5), json!(-3), json!(1000)]);
        v
    } else if op.contains("Date") {
        texts(&[
            "2026-01-01",
            "2026-01-01T00:00:00Z",
            "2025-12-31t23:59:60z",
            "2025-12-31T23:59:60.5Z",
            "2025-12-31T23:59:59.9Z",
            "2026-01-01T01:00:00+01:00",
        ])
    } else if op.contains("Bool") || op.contains("Null") {
        let mut v = texts(&["true", "False", "TRUE"]);
        v.extend([json!(true), json!(false)]);
        v
    } else if op.contains("IpAddress") {
        texts(&[
            "10.0.0.0/8",
            "::ffff:10.0.0.0/104",
            "::/0",
            "10.1.2.3",
            "::ffff:10.1.2.3",
            "2001:db8::1",
        ])
    } else {
        let mut v = texts(TEXTS);
        v.extend([json!(1), json!(true)]);
        v
    }
}

fn operator() -> impl Strategy<Value = String> {
    (
        prop_oneof![
            50 => prop::sample::select(OPERATORS),
            1 => prop::sample::select(vec!["StringMatchAnyOf", "DateEquals", "stringequals"]),
        ],
        prop::sample::select(vec!["", "", "", "ForAnyValue:", "ForAllValues:"]),
        prop::bool::weighted(0.2),
    )
        .prop_map(|(op, prefix, if_exists)| {
            // Prefixes and `IfExists` on `Null` are compile errors: rarely.
            let (prefix, if_exists) =
                if op.contains("Null") && (prefix.len() + usize::from(if_exists)) % 4 != 0 {
                    ("", false)
                } else {
                    (prefix, if_exists)
                };
            format!("{prefix}{op}{}", if if_exists { "IfExists" } else { "" })
        })
}

fn condition() -> impl Strategy<Value = (String, &'static str, Vec<Value>)> {
    (operator(), prop::sample::select(KEYS)).prop_flat_map(|(op, key)| {
        // Now and then a value that does not parse for the family: a compile error.
        let invalid = ["1.", "junk", "2026-13-01", "yes", "10.0.0.0/255.0.0.0"].map(|t| json!(t));
        let one = prop_oneof![
            40 => prop::sample::select(family_values(&op)),
            1 => prop::sample::select(invalid.to_vec()),
        ];
        let values = prop::collection::vec(one, 1..3);
        (Just(op), Just(key), values)
    })
}

fn statement() -> impl Strategy<Value = Value> {
    (
        any::<bool>(),
        prop::bool::weighted(0.15),
        prop::collection::vec(
            prop_oneof![60 => prop::sample::select(PATTERNS), 1 => Just("ims::list")],
            1..3,
        ),
        prop::collection::vec(condition(), 0..3),
        prop::sample::select(vec![
            None,
            None,
            None,
            Some("*"),
            Some("ims:*:*:*:*"),
            Some("ims:*:*:image:x"),
        ]),
    )
        .prop_map(|(deny, not_action, patterns, conditions, resource)| {
            // Rarely a malformed pattern (`ims::list`): a compile error for the whole set.
            let mut s = json!({"Effect": if deny { "Deny" } else { "Allow" }});
            s[if not_action { "NotAction" } else { "Action" }] = json!(patterns);
            let mut block = serde_json::Map::new();
            for (op, key, values) in conditions {
                let entry = block.entry(op).or_insert_with(|| json!({}));
                entry[key] = json!(values);
            }
            if !block.is_empty() {
                s["Condition"] = Value::Object(block);
            }
            if let Some(r) = resource {
                s["Resource"] = json!([r]);
            }
            s
        })
}

fn scope() -> impl Strategy<Value = MScope> {
    prop_oneof![
        3 => Just(MScope::Global),
        1 => Just(MScope::Project(P.into())),
        1 => Just(MScope::Project(Q.into())),
        1 => Just(MScope::EnterpriseProject("e1".into())),
        1 => Just(MScope::EnterpriseProject("e2".into())),
    ]
}

fn policies() -> impl Strategy<Value = Vec<(MScope, Value)>> {
    prop::collection::vec(
        (scope(), prop::collection::vec(statement(), 1..4))
            .prop_map(|(scope, statements)| (scope, json!({"Version": "1.1", "Statement": statements}))),
        1..4,
    )
}

fn request() -> impl Strategy<Value = MRequest> {
    let project = || prop::sample::select(vec![None, Some(P.to_owned()), Some(Q.to_owned())]);
    (
        prop::sample::select(vec![None, None, None, Some(P.to_owned()), Some(Q.to_owned())]),
        project(),
        prop::sample::select(vec![None, Some("e1".to_owned()), Some("e2".to_owned())]),
        prop::sample::subsequence(Situation::ALL.iter().map(|s| s.id()).collect::<Vec<_>>(), 0..=2),
        prop::collection::vec((prop::sample::select(KEYS), prop::sample::select(TEXTS)), 0..5),
    )
        .prop_map(
            |(path_project, project, enterprise_project, situations, values)| MRequest {
                path_project,
                project,
                enterprise_project,
                situations,
                values: values
                    .into_iter()
                    .map(|(k, v)| (k.to_owned(), v.to_owned()))
                    .collect(),
                now: OffsetDateTime::from_unix_timestamp(1_767_225_600).unwrap(),
            },
        )
}

/// The evaluator's answer in the model's vocabulary.
fn answer(reason: Reason) -> String {
    match reason {
        Reason::Error(e) => format!("error:{}", e.kind()),
        r => r.as_str().to_owned(),
    }
}

fn evaluator(policies: &[(MScope, Value)], op: usize, req: &MRequest) -> String {
    let compiled: Vec<Policy> = policies
        .iter()
        .enumerate()
        .map(|(i, (scope, doc))| {
            let scope = match scope {
                MScope::Global => Scope::Global,
                MScope::Project(p) => Scope::Project(p.clone()),
                MScope::EnterpriseProject(e) => Scope::EnterpriseProject(e.clone()),
            };
            Policy::parse(format!("p{i}"), scope, &doc.to_string()).unwrap()
        })
        .collect();
    let Ok(set) = PolicySet::new(compiled) else {
        return "error:compile".into();
    };
    let mut ctx = Context::default().with_current_time(req.now);
    for (k, v) in &req.values {
        ctx.push_value(k, v);
    }
    if let Some(p) = &req.project {
        ctx = ctx.with_project(p);
    }
    if let Some(e) = &req.enterprise_project {
        ctx = ctx.with_enterprise_project(e);
    }
    for s in &req.situations {
        ctx = ctx.with_situation(Situation::parse(s).unwrap());
    }
    let operation = &operations()[op];
    let path = req.path_project.as_deref();
    let request = Request::for_operation(operation, path, &ctx);
    let fast = set.authorize(&request);
    let explained = set.explain(&request).decision();
    assert_eq!(fast, explained, "the fast and the explained paths disagree");
    answer(fast.reason())
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(2000),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn the_evaluator_agrees_with_the_reference_model(
        policies in policies(),
        op in 0..operations().len(),
        req in request(),
    ) {
        let expected = model::decide(&policies, &operations()[op], &req);
        let actual = evaluator(&policies, op, &req);
        prop_assert_eq!(actual, expected);
    }
}
