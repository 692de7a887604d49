#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Condition keys of every type, decided by the fast path (`authorize`: keys found by their print
//! in the set's key table, a key with one inline value decided by that value alone, plain integers
//! and dotted-quad addresses read by their own parsers) and by the explained path (`explain`: every
//! condition evaluated over every value, with the general parsers): the two agree on keys in any
//! letter case, single and multi-valued keys, contexts past the inline values, and request values
//! at the edges of each syntax. And hostile key sets (thousands of keys, long keys sharing their
//! ends, keys differing only by case) compile and decide as the explained path does.

use ims_iam::{Context, Policy, PolicySet, Request, Scope, route};
use proptest::prelude::*;
use serde_json::{Value, json};

/// A key, other spellings of it, the operators used on it, policy values and request values.
struct Key {
    name: &'static str,
    spellings: &'static [&'static str],
    operators: &'static [&'static str],
    policy: &'static [&'static str],
    request: &'static [&'static str],
}

const KEYS: [Key; 4] = [
    Key {
        name: "g:MFAAge",
        spellings: &["g:mfaage", "G:MFAAGE"],
        operators: &[
            "NumberLessThan",
            "NumberEquals",
            "NumberNotEquals",
            "NumberGreaterThanEqualsIfExists",
            "ForAllValues:NumberLessThanEquals",
            "ForAnyValue:NumberGreaterThan",
        ],
        policy: &["3600", "0", "-0", "1e3", "120"],
        request: &[
            "120",
            "007",
            "-0",
            "+0",
            "0",
            "1e3",
            "1000",
            "3600",
            "999999999999999",
            "9999999999999999",
            "99999999999999999999",
            "-5",
            "1.5",
            "1.",
            "+-1",
            "abc",
            "",
        ],
    },
    Key {
        name: "g:SourceIp",
        spellings: &["g:sourceip", "G:SOURCEIP"],
        operators: &[
            "IpAddress",
            "NotIpAddress",
            "IpAddressIfExists",
            "ForAnyValue:IpAddress",
        ],
        policy: &[
            "10.0.0.0/16",
            "::ffff:192.168.0.0/112",
            "2001:db8::/32",
            "203.0.113.9",
        ],
        request: &[
            "10.0.3.7",
            "10.1.3.7",
            "010.0.3.7",
            "10.0.3.256",
            "10.0.3",
            "10.0.3.7.",
            "192.168.10.20",
            "::ffff:192.168.10.20",
            "::ffff:10.0.3.7",
            "2001:db8::1",
            "203.0.113.9",
            "0.0.0.0",
            "",
        ],
    },
    Key {
        name: "g:MFAPresent",
        spellings: &["g:mfapresent", "G:MfaPresent"],
        operators: &["Bool", "BoolIfExists", "Null", "IsNullOrEmpty"],
        policy: &["true", "false"],
        request: &[
            "true", "TRUE", "tRuE", "false", "FALSE", "fals", "falsee", "1", "",
        ],
    },
    Key {
        name: "g:UserId",
        spellings: &["g:userid", "G:USERID"],
        operators: &[
            "StringEquals",
            "StringNotEquals",
            "StringEqualsIgnoreCase",
            "StringLike",
            "ForAllValues:StringEquals",
        ],
        policy: &[
            "0f1e2d3c4b5a69788796a5b4c3d2e1f0",
            "0F1E2D3C4B5A69788796A5B4C3D2E1F0",
            "short",
            "0f1e2d3c*",
        ],
        request: &[
            "0f1e2d3c4b5a69788796a5b4c3d2e1f0",
            "0F1E2D3C4B5A69788796A5B4C3D2E1F0",
            "0f1e2d3c4b5a69788796a5b4c3d2e1f1",
            "1f1e2d3c4b5a69788796a5b4c3d2e1f0",
            "short",
            "shorT",
            "",
        ],
    },
];

fn statement() -> impl Strategy<Value = Value> {
    let condition = (
        0..KEYS.len(),
        any::<prop::sample::Index>(),
        any::<prop::sample::Index>(),
        1..3usize,
    );
    (prop::bool::weighted(0.3), prop::collection::vec(condition, 1..4)).prop_map(|(deny, conditions)| {
        let mut block = serde_json::Map::new();
        for (k, op, value, n) in conditions {
            let key = &KEYS[k];
            let op = *op.get(key.operators);
            let values: Vec<&str> = if op == "Null" || op == "IsNullOrEmpty" {
                vec![["true", "false"][value.index(2)]]
            } else {
                (0..n)
                    .map(|j| key.policy[(value.index(key.policy.len()) + j) % key.policy.len()])
                    .collect()
            };
            block.entry(op).or_insert_with(|| json!({}))[key.name] = json!(values);
        }
        json!({"Effect": if deny { "Deny" } else { "Allow" }, "Action": ["ims:*:*"], "Condition": block})
    })
}

/// Context entries: key, spelling (0: as in the policies), request value.
fn context_values() -> impl Strategy<Value = Vec<(usize, usize, prop::sample::Index)>> {
    prop::collection::vec((0..KEYS.len(), 0..3usize, any::<prop::sample::Index>()), 0..12)
}

fn context(values: &[(usize, usize, prop::sample::Index)]) -> Context<'static> {
    let mut ctx = Context::default();
    for (k, spelling, value) in values {
        let key = &KEYS[*k];
        let name = if *spelling == 0 {
            key.name
        } else {
            key.spellings[spelling - 1]
        };
        ctx.push_value(name, value.get::<&str>(key.request));
    }
    ctx
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn keys_of_every_type_decide_as_the_explained_path_does(
        statements in prop::collection::vec(statement(), 1..6),
        values in context_values(),
    ) {
        let doc = json!({"Version": "1.1", "Statement": statements});
        let set = PolicySet::new(vec![Policy::parse("p", Scope::Global, &doc.to_string()).unwrap()]).unwrap();
        let ctx = context(&values);
        let m = route("GET", "/v2/cloudimages").unwrap();
        let request = Request::new(&m, &ctx);
        prop_assert_eq!(set.authorize(&request), set.explain(&request).decision(), "{} {:?}", doc, ctx);
    }
}

/// One global Allow of everything under `condition`.
fn allow(name: &str, condition: &Value) -> Policy {
    let doc = json!({"Version": "1.1", "Statement": [{"Effect": "Allow", "Action": ["ims:*:*"], "Condition": condition}]});
    Policy::parse(name, Scope::Global, &doc.to_string()).unwrap()
}

/// `n` keys `name(i)`, each with the value `v{i}`, under `StringEquals` in one statement.
fn keys_condition(n: usize, name: impl Fn(usize) -> String) -> Value {
    let entries: serde_json::Map<String, Value> =
        (0..n).map(|i| (name(i), json!([format!("v{i}")]))).collect();
    json!({ "StringEquals": entries })
}

#[test]
fn hostile_key_sets_compile_and_decide_as_the_explained_path_does() {
    let middle = "x".repeat(2000);
    let short = |i: usize| format!("k{i:05}");
    let long = |i: usize| format!("g:ResourceTag/{middle}{i:04}{middle}");
    let by_case = |i: usize| {
        // Every spelling of one 12-letter key: bit j of i uppercases letter j.
        "abcdefghijkl"
            .chars()
            .enumerate()
            .map(|(j, c)| {
                if i >> j & 1 == 1 {
                    c.to_ascii_uppercase()
                } else {
                    c
                }
            })
            .collect::<String>()
    };
    let set = PolicySet::new(vec![
        // 1,000 short keys, then 1,000 more in a second statement: 2,000 names.
        allow("short-a", &keys_condition(1000, short)),
        allow("short-b", &keys_condition(1000, |i| short(i + 1000))),
        // 100 keys of 4,018 bytes that share their first and last 2,014 bytes.
        allow("long", &keys_condition(100, long)),
        // 1,000 spellings of one key, one statement each (a key's spellings in one block would
        // be one key written twice).
        allow("by-case-0", &json!({"StringEquals": {by_case(0): ["v"]}})),
    ])
    .unwrap();
    let by_case_set = PolicySet::new(
        (0..1000)
            .map(|i| {
                allow(
                    &format!("by-case-{i}"),
                    &json!({"StringEqualsIgnoreCase": {by_case(i): [format!("v{i}")]}}),
                )
            })
            .collect::<Vec<_>>(),
    )
    .unwrap();
    let m = route("GET", "/v2/cloudimages").unwrap();
    let short_names: Vec<String> = (0..2000).map(short).collect();
    let short_values: Vec<String> = (0..2000).map(|i| format!("v{i}")).collect();
    let long_names: Vec<String> = (0..100).map(long).collect();
    let upper_long: Vec<String> = long_names.iter().map(|n| n.to_uppercase()).collect();
    let contexts: Vec<(Context<'_>, &str)> = vec![
        (Context::default(), "nothing"),
        (
            Context::default().with_value(&short_names[7], "v7"),
            "one short key",
        ),
        (
            short_names
                .iter()
                .zip(&short_values)
                .fold(Context::default(), |c, (k, v)| c.with_value(k, v)),
            "every short key",
        ),
        (
            long_names
                .iter()
                .zip(&short_values)
                .fold(Context::default(), |c, (k, v)| c.with_value(k, v)),
            "every long key",
        ),
        (
            upper_long
                .iter()
                .zip(&short_values)
                .fold(Context::default(), |c, (k, v)| c.with_value(k, v)),
            "every long key, uppercase",
        ),
        (
            Context::default().with_value("ABCDEFGHIJKL", "v"),
            "the spelt key",
        ),
    ];
    for (ctx, what) in &contexts {
        for set in [&set, &by_case_set] {
            let request = Request::new(&m, ctx);
            assert_eq!(
                set.authorize(&request),
                set.explain(&request).decision(),
                "{what}"
            );
        }
    }
    // Every spelling is one key: whichever spelling the request uses, the statement of each
    // spelling sees the request's value.
    for (spelling, value, allowed) in [(0, "v5", true), (4095, "V999", true), (77, "v1000", false)] {
        let name = by_case(spelling);
        let ctx = Context::default().with_value(&name, value);
        let request = Request::new(&m, &ctx);
        assert_eq!(
            by_case_set.authorize(&request).is_allowed(),
            allowed,
            "{name} {value}"
        );
        assert_eq!(
            by_case_set.explain(&request).decision().is_allowed(),
            allowed,
            "{name} {value}"
        );
    }
}
