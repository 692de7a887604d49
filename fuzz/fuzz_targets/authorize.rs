//! Structured policies (statements, wildcards, every condition operator, odd values) and an arbitrary
//! request context: compiling and deciding never panic, a decision is the same with and without an
//! explanation and when repeated, nothing is allowed without an Allow statement, and removing the Deny
//! statements never turns an allow into a deny.
#![no_main]

use arbitrary::Arbitrary;
use ims_iam::{Context, Policy, PolicySet, Reason, Request, Scope, Situation, known_actions, operations};
use libfuzzer_sys::fuzz_target;
use serde_json::{Value, json};

const OPERATORS: &[&str] = &[
    "StringEquals", "StringNotEquals", "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase", "StringLike",
    "StringNotLike", "StringMatch", "StringNotMatch", "StringStartWith", "StringEndWith",
    "StringEqualsAnyOf", "StringNotLikeAnyOf", "NumberEquals", "NumberNotEquals", "NumberLessThan",
    "NumberLessThanEquals", "NumberGreaterThan", "NumberGreaterThanEquals", "DateLessThan",
    "DateLessThanEquals", "DateGreaterThan", "DateGreaterThanEquals", "Bool", "Null", "IsNullOrEmpty",
    "IpAddress", "NotIpAddress",
];
const PREFIXES: &[&str] = &["", "", "ForAnyValue:", "ForAllValues:"];
const KEYS: &[&str] = &[
    "g:SourceIp", "g:MFAPresent", "g:MFAAge", "g:CurrentTime", "g:UserName", "g:TagKeys",
    "g:EnterpriseProjectId", "g:ResourceTag/env", "G:SOURCEIP",
];
const VALUES: &[&str] = &[
    "10.0.0.0/8", "10.1.2.3", "::1", "::ffff:10.1.2.3", "2001:db8::/32", "2026-01-01T00:00:00Z",
    "2026-01-01T00:00:00+01:00", "true", "false", "0", "1", "-1.5", "1e3", "*", "*a*", "a?", "", "dev",
    "not-an-ip", "1e999999", "NaN", "2026-13-01T00:00:00Z",
];
const PROJECTS: &[&str] = &["0123456789abcdef0123456789abcdef", "fedcba9876543210fedcba9876543210"];

#[derive(Arbitrary, Debug)]
enum Text {
    Pick(u8),
    Free(String),
}

impl Text {
    fn get<'a>(&'a self, list: &'a [&'a str]) -> &'a str {
        match self {
            Text::Pick(i) => list[usize::from(*i) % list.len()],
            Text::Free(s) => s,
        }
    }
}

#[derive(Arbitrary, Debug)]
enum PolicyValue {
    Text(Text),
    Number(f64),
    Bool(bool),
}

#[derive(Arbitrary, Debug)]
struct Cond {
    prefix: u8,
    operator: u8,
    if_exists: bool,
    key: Text,
    values: Vec<PolicyValue>,
}

#[derive(Arbitrary, Debug)]
enum ActionPattern {
    Known(u8),
    Star,
    Free(String),
}

#[derive(Arbitrary, Debug)]
struct Stmt {
    deny: bool,
    not_action: bool,
    actions: Vec<ActionPattern>,
    narrow_resource: bool,
    conditions: Vec<Cond>,
}

#[derive(Arbitrary, Debug)]
struct Attached {
    scope: u8,
    statements: Vec<Stmt>,
}

#[derive(Arbitrary, Debug)]
struct Input {
    policies: Vec<Attached>,
    operation: u16,
    path_project: Option<u8>,
    project: Option<u8>,
    enterprise_project: Option<Text>,
    situations: u8,
    context: Vec<(Text, Text)>,
    now: Option<i32>,
}

fn statement(s: &Stmt) -> Value {
    let actions: Vec<String> = s
        .actions
        .iter()
        .take(8)
        .map(|a| match a {
            ActionPattern::Known(i) => known_actions()[usize::from(*i) % known_actions().len()].to_owned(),
            ActionPattern::Star => "ims:*".to_owned(),
            ActionPattern::Free(p) => p.clone(),
        })
        .collect();
    let mut conditions = serde_json::Map::new();
    for c in s.conditions.iter().take(6) {
        let mut operator = String::from(PREFIXES[usize::from(c.prefix) % PREFIXES.len()]);
        operator.push_str(OPERATORS[usize::from(c.operator) % OPERATORS.len()]);
        if c.if_exists {
            operator.push_str("IfExists");
        }
        let values: Vec<Value> = c
            .values
            .iter()
            .take(4)
            .map(|v| match v {
                PolicyValue::Text(t) => Value::from(t.get(VALUES)),
                PolicyValue::Number(n) => serde_json::Number::from_f64(*n).map_or(Value::Null, Value::Number),
                PolicyValue::Bool(b) => Value::from(*b),
            })
            .collect();
        let entry = conditions.entry(operator).or_insert_with(|| json!({}));
        if let Some(map) = entry.as_object_mut() {
            map.insert(c.key.get(KEYS).to_owned(), Value::Array(values));
        }
    }
    let mut out = json!({
        "Effect": if s.deny { "Deny" } else { "Allow" },
        (if s.not_action { "NotAction" } else { "Action" }): actions,
    });
    if s.narrow_resource {
        out["Resource"] = json!(["ims:*:*:image:0b3b6d4e-8f0a-4c1e-9a57-3c0b8f6f2d11"]);
    }
    if !conditions.is_empty() {
        out["Condition"] = Value::Object(conditions);
    }
    out
}

/// The attached policies; with `allow_only`, without their Deny statements.
fn attach(input: &Input, allow_only: bool) -> Option<Vec<Policy>> {
    let mut policies = Vec::new();
    for (i, attached) in input.policies.iter().take(4).enumerate() {
        let statements: Vec<Value> = attached
            .statements
            .iter()
            .take(6)
            .filter(|s| !(allow_only && s.deny))
            .map(statement)
            .collect();
        if statements.is_empty() && allow_only {
            continue;
        }
        let text = json!({"Version": "1.1", "Statement": statements}).to_string();
        let scope = match attached.scope % 4 {
            0 | 1 => Scope::Global,
            2 => Scope::Project(PROJECTS[usize::from(attached.scope / 4) % 2].to_owned()),
            _ => Scope::EnterpriseProject("ep-1".to_owned()),
        };
        policies.push(Policy::parse(format!("p{i}"), scope, &text).ok()?);
    }
    Some(policies)
}

fuzz_target!(|input: Input| {
    let allows = input
        .policies
        .iter()
        .take(4)
        .any(|p| p.statements.iter().take(6).any(|s| !s.deny));
    let Some(Ok(set)) = attach(&input, false).map(PolicySet::new) else {
        return;
    };
    let operation = &operations()[usize::from(input.operation) % operations().len()];
    let path_project = if operation.template().contains("{project_id}") {
        input.path_project.map(|p| PROJECTS[usize::from(p) % 2])
    } else {
        None
    };
    let mut ctx = Context::default();
    for (key, value) in input.context.iter().take(16) {
        ctx.push_value(key.get(KEYS), value.get(VALUES));
    }
    if let Some(p) = input.project {
        ctx = ctx.with_project(PROJECTS[usize::from(p) % 2]);
    }
    if let Some(ep) = &input.enterprise_project {
        ctx = ctx.with_enterprise_project(ep.get(&["ep-1", "ep-2"]));
    }
    for (bit, situation) in Situation::ALL.iter().enumerate() {
        if input.situations & (1 << bit) != 0 {
            ctx = ctx.with_situation(*situation);
        }
    }
    if let Some(secs) = input.now {
        if let Ok(t) = time::OffsetDateTime::from_unix_timestamp(i64::from(secs)) {
            ctx = ctx.with_current_time(t);
        }
    }
    let request = Request::for_operation(operation, path_project, &ctx);
    let fast = set.authorize(&request);
    let again = set.authorize(&request);
    let explanation = set.explain(&request);
    let explained = explanation.decision();
    assert_eq!(fast, again);
    assert_eq!(fast, explained);
    let _ = explanation.summary();
    let _ = explanation.notes();
    if fast.reason() == Reason::Allow {
        assert!(allows, "allowed without any Allow statement");
    }
    // A Deny never turns a deny into an allow: without the Deny statements, whatever was allowed
    // still is.
    if fast.is_allowed() {
        let Some(Ok(allow_only)) = attach(&input, true).map(PolicySet::new) else {
            panic!("the set compiled, but not without its Deny statements");
        };
        let without = allow_only.authorize(&request);
        assert!(without.is_allowed(), "{fast} with the Deny statements, {without} without");
    }
});
