//! The analysis (SPEC 5): hand-worked cases for each theory, and a differential proptest against
//! brute-force evaluation over a grid built from the policies' own constants. Every witness is decided
//! again through `authorize`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use ims_iam::analysis::{
    AccessReport, Answer, CheckSpec, Place, Request, ScopeSituation, access, check, diff,
};
use ims_iam::{Context, Method, Operation, Policy, PolicySet, Scope, operations, route};
use proptest::prelude::*;

fn policy(name: &str, scope: Scope, statements: &str) -> Policy {
    Policy::parse(
        name,
        scope,
        &format!(r#"{{"Version":"1.1","Statement":[{statements}]}}"#),
    )
    .unwrap_or_else(|e| panic!("{statements}: {e}"))
}

fn op(method: &str, template: &str) -> &'static Operation {
    operations()
        .iter()
        .find(|o| o.method().as_str() == method && o.template() == template)
        .unwrap()
}

/// Decides a witness through the router and `authorize`, as `ims-iam authorize` would.
fn replay(set: &PolicySet, r: &Request) -> bool {
    let routed = route(r.method().as_str(), r.target()).unwrap();
    let mut ctx = Context::default();
    for (k, v) in r.context() {
        ctx.push_value(k, v);
    }
    if routed.project_id().is_none() {
        if let Some(p) = r.project() {
            ctx = ctx.with_project(p);
        }
    }
    if let Some(e) = r.enterprise_project() {
        ctx = ctx.with_enterprise_project(e);
    }
    for s in r.situations() {
        ctx = ctx.with_situation(*s);
    }
    set.authorize(&ims_iam::Request::new(&routed, &ctx)).is_allowed()
}

fn answers(report: &AccessReport, o: &Operation) -> Vec<Answer> {
    report
        .rows()
        .iter()
        .filter(|r| std::ptr::eq(r.operation(), o))
        .map(|r| r.answer())
        .collect()
}

/// The single answer of an operation for a global-only set, with its replayed witnesses.
fn global_answer(statements: &str, o: &Operation) -> (Answer, Option<Request>, Option<Request>) {
    let p = policy("p.json", Scope::Global, statements);
    let set = PolicySet::new([p.clone()]).unwrap();
    let report = access(&[p]).unwrap();
    let rows: Vec<_> = report
        .rows()
        .iter()
        .filter(|r| std::ptr::eq(r.operation(), o))
        .collect();
    assert_eq!(rows.len(), 1, "{statements}");
    let row = rows[0];
    if let Some(w) = row.allow_example() {
        assert!(replay(&set, w), "allow witness {w} is denied");
    }
    if let Some(w) = row.deny_example() {
        assert!(!replay(&set, w), "deny witness {w} is allowed");
    }
    (
        row.answer(),
        row.allow_example().cloned(),
        row.deny_example().cloned(),
    )
}

fn value<'r>(r: &'r Request, key: &str) -> Vec<&'r str> {
    r.context()
        .iter()
        .filter(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
        .collect()
}

#[test]
fn ip_block_minus_a_smaller_block() {
    let list = op("GET", "/v2/images");
    let (answer, allow, deny) = global_answer(
        r#"{"Effect":"Allow","Action":["ims:images:list"],"Condition":{
            "IpAddress":{"g:SourceIp":["10.0.0.0/8"]},"NotIpAddress":{"g:SourceIp":["10.1.0.0/16"]}}}"#,
        list,
    );
    assert_eq!(answer, Answer::Conditional);
    let ip: std::net::IpAddr = value(&allow.unwrap(), "g:SourceIp")[0].parse().unwrap();
    let net: ipnet::IpNet = "10.0.0.0/8".parse().unwrap();
    let hole: ipnet::IpNet = "10.1.0.0/16".parse().unwrap();
    let ip = ip.to_canonical();
    assert!(net.contains(&ip) && !hole.contains(&ip), "{ip}");
    assert!(deny.is_some());
}

#[test]
fn allow_and_deny_on_the_same_block_never_allow() {
    let (answer, allow, _) = global_answer(
        r#"{"Effect":"Allow","Action":["ims:images:list"],"Condition":{"IpAddress":{"g:SourceIp":["10.0.0.0/8"]}}},
           {"Effect":"Deny","Action":["ims:images:list"],"Condition":{"IpAddress":{"g:SourceIp":["10.0.0.0/8"]}}}"#,
        op("GET", "/v2/images"),
    );
    assert_eq!(answer, Answer::Deny);
    assert!(allow.is_none());
}

#[test]
fn like_minus_not_like() {
    let (answer, allow, _) = global_answer(
        r#"{"Effect":"Allow","Action":["ims:images:list"],"Condition":{
            "StringLike":{"g:UserName":["a*"]},"StringNotLike":{"g:UserName":["ab*"]}}}"#,
        op("GET", "/v2/images"),
    );
    assert_eq!(answer, Answer::Conditional);
    let v = value(allow.as_ref().unwrap(), "g:UserName");
    assert!(
        v.iter().all(|v| v.starts_with('a') && !v.starts_with("ab")),
        "{v:?}"
    );
}

#[test]
fn before_and_not_before_one_instant_is_empty() {
    let (answer, ..) = global_answer(
        r#"{"Effect":"Allow","Action":["ims:images:list"],"Condition":{
            "DateLessThan":{"g:CurrentTime":["2026-01-01T00:00:00Z"]},
            "DateGreaterThanEquals":{"g:CurrentTime":["2026-01-01T00:00:00Z"]}}}"#,
        op("GET", "/v2/images"),
    );
    assert_eq!(answer, Answer::Deny);
    // One instant apart: allowed exactly at that instant.
    let (answer, allow, _) = global_answer(
        r#"{"Effect":"Allow","Action":["ims:images:list"],"Condition":{
            "DateLessThanEquals":{"g:CurrentTime":["2026-01-01T00:00:00Z"]},
            "DateGreaterThanEquals":{"g:CurrentTime":["2026-01-01T00:00:00Z"]}}}"#,
        op("GET", "/v2/images"),
    );
    assert_eq!(answer, Answer::Conditional);
    assert_eq!(value(&allow.unwrap(), "g:CurrentTime"), ["2026-01-01T00:00:00Z"]);
}

#[test]
fn numbers_between_constants() {
    let (answer, allow, _) = global_answer(
        r#"{"Effect":"Allow","Action":["ims:images:list"],"Condition":{
            "NumberGreaterThan":{"g:MFAAge":["1"]},"NumberLessThan":{"g:MFAAge":["2"]}}}"#,
        op("GET", "/v2/images"),
    );
    assert_eq!(answer, Answer::Conditional);
    let n: f64 = value(&allow.unwrap(), "g:MFAAge")[0].parse().unwrap();
    assert!(n > 1.0 && n < 2.0);
}

#[test]
fn disagreeing_values_make_a_deny_apply() {
    // Unconditional allow, Deny for bob: two values that disagree (bob and someone else) are
    // unevaluable, so the Deny applies; absence allows.
    let (answer, allow, deny) = global_answer(
        r#"{"Effect":"Allow","Action":["ims:images:list"]},
           {"Effect":"Deny","Action":["ims:images:list"],"Condition":{"StringEquals":{"g:UserName":["bob"]}}}"#,
        op("GET", "/v2/images"),
    );
    assert_eq!(answer, Answer::Conditional);
    assert!(allow.is_some() && deny.is_some());
}

#[test]
fn for_any_value_and_for_all_values() {
    let (answer, allow, _) = global_answer(
        r#"{"Effect":"Allow","Action":["ims:images:list"],"Condition":{
            "ForAnyValue:StringEquals":{"g:TagKeys":["env"]},"ForAllValues:StringEquals":{"g:TagKeys":["env","team"]}}},
           {"Effect":"Deny","Action":["ims:images:list"],"Condition":{"ForAnyValue:StringEquals":{"g:TagKeys":["team"]}}}"#,
        op("GET", "/v2/images"),
    );
    assert_eq!(answer, Answer::Conditional);
    assert_eq!(value(&allow.unwrap(), "g:TagKeys"), ["env"]);
}

#[test]
fn unparseable_values_never_allow() {
    // A Deny unless MFA is present: an unparseable value makes the Deny apply; only `true` allows.
    let (answer, allow, _) = global_answer(
        r#"{"Effect":"Allow","Action":["ims:images:list"]},
           {"Effect":"Deny","Action":["ims:images:list"],"Condition":{"Bool":{"g:MFAPresent":["false"]}}}"#,
        op("GET", "/v2/images"),
    );
    assert_eq!(answer, Answer::Conditional);
    let _ = allow.unwrap();
}

#[test]
fn scopes_are_situations() {
    let p = policy(
        "p.json",
        Scope::Project("0123456789abcdef0123456789abcdef".into()),
        r#"{"Effect":"Allow","Action":["ims:images:delete"]}"#,
    );
    let report = access(&[p]).unwrap();
    let delete = op("DELETE", "/v2/images/{image_id}");
    let rows: Vec<_> = report
        .rows()
        .iter()
        .filter(|r| std::ptr::eq(r.operation(), delete))
        .collect();
    let allowed: Vec<ScopeSituation> = rows
        .iter()
        .filter(|r| r.answer() == Answer::Allow)
        .flat_map(|r| r.scopes())
        .collect();
    assert!(!allowed.is_empty());
    assert!(
        allowed
            .iter()
            .all(|s| s.project() == &Place::Named("0123456789abcdef0123456789abcdef".into()))
    );
    assert!(answers(&report, delete).contains(&Answer::Deny));
}

#[test]
fn enterprise_project_attachments_have_no_effect_on_tagging() {
    let p = policy(
        "p.json",
        Scope::EnterpriseProject("ep1".into()),
        r#"{"Effect":"Allow","Action":["ims:*:*"]}"#,
    );
    let report = access(&[p]).unwrap();
    assert_eq!(
        answers(&report, op("PUT", "/v2/images/{image_id}/tags/{tag}")),
        [Answer::Deny]
    );
    assert!(answers(&report, op("GET", "/v2/cloudimages")).contains(&Answer::Allow));
}

#[test]
fn diff_finds_a_removed_deny_and_replays_it() {
    let allow = r#"{"Effect":"Allow","Action":["ims:*:*"]}"#;
    let deny = r#"{"Effect":"Deny","Action":["ims:images:delete"],"Condition":{"StringEquals":{"g:UserName":["contractor"]}}}"#;
    let old = vec![policy("p.json", Scope::Global, &format!("{allow},{deny}"))];
    let new = vec![policy("p.json", Scope::Global, allow)];
    let report = diff(&old, &new).unwrap();
    assert!(report.removed_access.is_empty());
    assert!(!report.new_access.is_empty());
    let old_set = PolicySet::new(old.clone()).unwrap();
    let new_set = PolicySet::new(new.clone()).unwrap();
    for c in &report.new_access {
        assert_eq!((c.old, c.new), ("explicit_deny", "allow"));
        assert!(
            replay(&new_set, &c.request) && !replay(&old_set, &c.request),
            "{}",
            c.request
        );
    }
    assert!(diff(&old, &old).unwrap().new_access.is_empty());
}

#[test]
fn check_never_and_only() {
    let p = policy(
        "p.json",
        Scope::Global,
        r#"{"Effect":"Allow","Action":["ims:images:get","ims:images:list"]}"#,
    );
    assert!(
        check(
            std::slice::from_ref(&p),
            &[CheckSpec::never("ims:images:delete").unwrap()]
        )
        .unwrap()
        .holds()
    );
    assert!(
        check(
            std::slice::from_ref(&p),
            &[CheckSpec::only("ims:images:*").unwrap()]
        )
        .unwrap()
        .holds()
    );
    let report = check(
        std::slice::from_ref(&p),
        &[CheckSpec::only("ims:images:list").unwrap()],
    )
    .unwrap();
    assert!(!report.holds());
    let set = PolicySet::new([p]).unwrap();
    for v in &report.violations {
        assert!(replay(&set, &v.request));
        assert!(
            v.operation
                .actions()
                .iter()
                .any(|a| a.action() == "ims:images:get")
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Differential: analysis against brute force over a grid of the policies' own constants.

const KEYS: [(&str, &[&str]); 5] = [
    (
        "g:UserName",
        &[
            "StringEquals",
            "StringNotEquals",
            "StringLike",
            "StringNotLike",
            "StringEqualsIgnoreCase",
            "StringStartWith",
            "StringEndWith",
        ],
    ),
    (
        "g:MFAAge",
        &["NumberEquals", "NumberLessThan", "NumberGreaterThanEquals"],
    ),
    ("g:SourceIp", &["IpAddress", "NotIpAddress"]),
    ("g:MFAPresent", &["Bool", "Null"]),
    ("g:CurrentTime", &["DateLessThan", "DateGreaterThanEquals"]),
];
const STRINGS: [&str; 4] = ["ab", "a*", "AB", "b"];
const NUMBERS: [&str; 3] = ["1", "2", "10"];
const IPS: [&str; 3] = ["10.0.0.0/8", "10.1.0.0/16", "::/0"];
const DATES: [&str; 2] = ["2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z"];

fn constants(key: usize) -> &'static [&'static str] {
    match key {
        0 => &STRINGS,
        1 => &NUMBERS,
        2 => &IPS,
        3 => &["true", "false"],
        _ => &DATES,
    }
}

/// Request values to try per key: the constants and around them (an independent, simpler grid).
fn grid(key: usize) -> Vec<Vec<&'static str>> {
    let singles: &[&str] = match key {
        0 => &["", "ab", "a", "abc", "AB", "Ab", "b", "xb", "a*"],
        1 => &["0", "1", "1.5", "2", "5", "10", "11", "x"],
        2 => &[
            "10.0.0.1",
            "10.1.2.3",
            "11.0.0.1",
            "::ffff:10.1.0.1",
            "2001:db8::1",
            "x",
        ],
        3 => &["true", "false", "x"],
        _ => &[
            "2025-06-01T00:00:00Z",
            "2026-01-01T00:00:00Z",
            "2026-06-01T00:00:00Z",
            "2027-01-01T00:00:00Z",
            "2028-01-01T00:00:00Z",
            "x",
        ],
    };
    let mut out: Vec<Vec<&str>> = if key == 4 { vec![] } else { vec![vec![]] };
    out.extend(singles.iter().map(|s| vec![*s]));
    out.push(vec![singles[1], singles[2]]);
    out.push(vec![singles[0], singles[singles.len() - 1]]);
    out
}

#[derive(Debug, Clone)]
struct Stmt {
    deny: bool,
    not_action: bool,
    actions: Vec<&'static str>,
    conditions: Vec<(usize, usize, u8, Vec<usize>)>, // key, operator, prefix/IfExists flags, values
}

fn stmt_strategy(keys: Vec<usize>) -> impl Strategy<Value = Stmt> {
    let patterns = prop::sample::subsequence(
        vec![
            "ims:images:list",
            "ims:images:get",
            "ims:images:*",
            "ims:*:update",
            "ims:images:delete",
            "*",
        ],
        1..3,
    );
    let cond = (
        prop::sample::select(keys),
        0usize..7,
        0u8..6,
        prop::collection::vec(0usize..4, 1..3),
    );
    (
        any::<bool>(),
        prop::bool::weighted(0.15),
        patterns,
        prop::collection::vec(cond, 0..3),
    )
        .prop_map(|(deny, not_action, actions, conditions)| Stmt {
            deny,
            not_action,
            actions,
            conditions,
        })
}

fn render(stmts: &[Stmt]) -> String {
    stmts
        .iter()
        .map(|s| {
            let actions: Vec<String> = s.actions.iter().map(|a| format!("\"{a}\"")).collect();
            let mut conds: Vec<String> = Vec::new();
            let mut seen = std::collections::HashSet::new();
            for (key, op, flags, values) in &s.conditions {
                let (name, ops) = KEYS[*key];
                let base = ops[op % ops.len()];
                let typed_presence = base == "Null";
                let mut operator = base.to_owned();
                if !typed_presence {
                    if flags & 1 == 1 {
                        operator.push_str("IfExists");
                    }
                    if flags >> 1 == 1 {
                        operator = format!("ForAnyValue:{operator}");
                    } else if flags >> 1 == 2 {
                        operator = format!("ForAllValues:{operator}");
                    }
                }
                if !seen.insert(operator.clone()) {
                    continue;
                }
                let pool = if typed_presence {
                    &["true", "false"][..]
                } else {
                    constants(*key)
                };
                let vals: Vec<String> = values
                    .iter()
                    .map(|v| format!("\"{}\"", pool[v % pool.len()]))
                    .collect();
                conds.push(format!("\"{operator}\":{{\"{name}\":[{}]}}", vals.join(",")));
            }
            format!(
                r#"{{"Effect":"{}","{}":[{}]{}}}"#,
                if s.deny { "Deny" } else { "Allow" },
                if s.not_action { "NotAction" } else { "Action" },
                actions.join(","),
                if conds.is_empty() {
                    String::new()
                } else {
                    format!(",\"Condition\":{{{}}}", conds.join(","))
                }
            )
        })
        .collect::<Vec<_>>()
        .join(",")
}

fn policies_strategy() -> impl Strategy<Value = Vec<(usize, Vec<Stmt>)>> {
    prop::sample::subsequence(vec![0usize, 1, 2, 3, 4], 1..3).prop_flat_map(|keys| {
        prop::collection::vec(
            (
                0usize..3,
                prop::collection::vec(stmt_strategy(keys.clone()), 1..4),
            ),
            1..3,
        )
    })
}

const P1: &str = "0123456789abcdef0123456789abcdef";
const OTHER_P: &str = "ffffffffffffffffffffffffffffffff";

fn to_policies(spec: &[(usize, Vec<Stmt>)]) -> Vec<Policy> {
    spec.iter()
        .enumerate()
        .map(|(i, (scope, stmts))| {
            let scope = match scope {
                0 => Scope::Global,
                1 => Scope::Project(P1.into()),
                _ => Scope::EnterpriseProject("ep1".into()),
            };
            policy(&format!("p{i}.json"), scope, &render(stmts))
        })
        .collect()
}

fn place_id(p: &Place, other: &'static str) -> Option<String> {
    match p {
        Place::Named(id) => Some(id.clone()),
        Place::Other | Place::Irrelevant => Some(other.to_owned()),
        Place::Unknown => None,
    }
}

const TEMPLATES: [(&str, &str); 4] = [
    ("GET", "/v2/cloudimages"),
    ("DELETE", "/v2/images/{image_id}"),
    ("PUT", "/v2/images/{image_id}/tags/{tag}"),
    ("GET", "/v2/{project_id}/images/tags"),
];

/// Every context of the grid over the keys the policies mention: whether some allows, some denies.
fn brute_force(
    set: &PolicySet,
    o: &'static Operation,
    scope: &ScopeSituation,
    keys: &[usize],
) -> (bool, bool) {
    let project = place_id(scope.project(), OTHER_P);
    let ep = match scope.enterprise_project() {
        Place::Named(e) => Some(e.clone()),
        Place::Other => Some("ep-other".to_owned()),
        _ => None,
    };
    let path_project = o
        .template()
        .contains("{project_id}")
        .then(|| project.clone())
        .flatten();
    let grids: Vec<Vec<Vec<&str>>> = keys.iter().map(|&k| grid(k)).collect();
    let mut index = vec![0usize; keys.len()];
    let (mut some_allow, mut some_deny) = (false, false);
    loop {
        let mut ctx = Context::default();
        for (i, &k) in keys.iter().enumerate() {
            for v in &grids[i][index[i]] {
                ctx.push_value(KEYS[k].0, v);
            }
        }
        if path_project.is_none() {
            if let Some(p) = &project {
                ctx = ctx.with_project(p);
            }
        }
        if let Some(e) = &ep {
            ctx = ctx.with_enterprise_project(e);
        }
        for s in scope.situations() {
            ctx = ctx.with_situation(*s);
        }
        // Pin the clock (the grid always gives g:CurrentTime when the policies read it).
        ctx = ctx.with_current_time(clock());
        if set
            .authorize(&ims_iam::Request::for_operation(o, path_project.as_deref(), &ctx))
            .is_allowed()
        {
            some_allow = true;
        } else {
            some_deny = true;
        }
        let mut i = 0;
        loop {
            if i == keys.len() {
                return (some_allow, some_deny);
            }
            index[i] += 1;
            if index[i] < grids[i].len() {
                break;
            }
            index[i] = 0;
            i += 1;
        }
    }
}

fn keys_of(spec: &[(usize, Vec<Stmt>)]) -> Vec<usize> {
    let mut keys: Vec<usize> = spec
        .iter()
        .flat_map(|(_, s)| s.iter().flat_map(|s| s.conditions.iter().map(|c| c.0)))
        .collect();
    keys.sort_unstable();
    keys.dedup();
    keys
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn access_agrees_with_brute_force(spec in policies_strategy()) {
        let policies = to_policies(&spec);
        let set = PolicySet::new(policies.clone()).unwrap();
        let report = match access(&policies) {
            Ok(r) => r,
            Err(e) => { prop_assert_eq!(e.kind(), "analysis_limit"); return Ok(()); }
        };
        let keys = keys_of(&spec);
        for row in report.rows() {
            if let Some(w) = row.allow_example() { prop_assert!(replay(&set, w), "allow witness {}", w); }
            if let Some(w) = row.deny_example() { prop_assert!(!replay(&set, w), "deny witness {}", w); }
            let o = row.operation();
            if !TEMPLATES.iter().any(|(m, t)| o.method().as_str() == *m && o.template() == *t) { continue; }
            for scope in row.scopes() {
                let (some_allow, some_deny) = brute_force(&set, o, &scope, &keys);
                match row.answer() {
                    Answer::Allow => prop_assert!(!some_deny, "{} at {}: grid denies", o, scope),
                    Answer::Deny => prop_assert!(!some_allow, "{} at {}: grid allows", o, scope),
                    Answer::Conditional => {}
                }
            }
        }
    }

    #[test]
    fn diff_agrees_with_brute_force(old in policies_strategy(), new in policies_strategy()) {
        let (old_p, new_p) = (to_policies(&old), to_policies(&new));
        let (old_set, new_set) = (PolicySet::new(old_p.clone()).unwrap(), PolicySet::new(new_p.clone()).unwrap());
        let report = match diff(&old_p, &new_p) {
            Ok(r) => r,
            Err(e) => { prop_assert_eq!(e.kind(), "analysis_limit"); return Ok(()); }
        };
        for c in &report.new_access {
            prop_assert!(replay(&new_set, &c.request) && !replay(&old_set, &c.request), "{}", c.request);
        }
        for c in &report.removed_access {
            prop_assert!(replay(&old_set, &c.request) && !replay(&new_set, &c.request), "{}", c.request);
        }
        // No new access reported: no context of the grid shows one, on the operations checked.
        let mut keys = keys_of(&old);
        keys.extend(keys_of(&new));
        keys.sort_unstable();
        keys.dedup();
        let access_new = access(&new_p);
        let Ok(access_new) = access_new else { return Ok(()); };
        for row in access_new.rows() {
            let o = row.operation();
            if !TEMPLATES.iter().any(|(m, t)| o.method().as_str() == *m && o.template() == *t) { continue; }
            for scope in row.scopes() {
                if report.new_access.iter().any(|c| std::ptr::eq(c.operation, o) && c.scope == scope) { continue; }
                // Grid: a context where new allows and old denies must not exist.
                let project = place_id(scope.project(), OTHER_P);
                let ep = match scope.enterprise_project() { Place::Named(e) => Some(e.clone()), Place::Other => Some("ep-other".into()), _ => None };
                let path_project = o.template().contains("{project_id}").then(|| project.clone()).flatten();
                for ctx_values in product(&keys) {
                    let mut ctx = Context::default().with_current_time(clock());
                    for (k, v) in &ctx_values { ctx.push_value(k, v); }
                    if path_project.is_none() { if let Some(p) = &project { ctx = ctx.with_project(p); } }
                    if let Some(e) = &ep { ctx = ctx.with_enterprise_project(e); }
                    for s in scope.situations() { ctx = ctx.with_situation(*s); }
                    let n = new_set.authorize(&ims_iam::Request::for_operation(o, path_project.as_deref(), &ctx)).is_allowed();
                    let d = old_set.authorize(&ims_iam::Request::for_operation(o, path_project.as_deref(), &ctx)).is_allowed();
                    prop_assert!(!n || d, "{} at {}: grid shows new access {:?}", o, scope, ctx_values);
                }
            }
        }
    }
}

fn clock() -> time::OffsetDateTime {
    time::OffsetDateTime::parse(
        "2026-06-01T00:00:00Z",
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap()
}

fn product(keys: &[usize]) -> Vec<Vec<(&'static str, &'static str)>> {
    let mut out: Vec<Vec<(&str, &str)>> = vec![vec![]];
    for &k in keys {
        let mut next = Vec::new();
        for base in &out {
            for values in grid(k) {
                let mut b = base.clone();
                b.extend(values.iter().map(|v| (KEYS[k].0, *v)));
                next.push(b);
            }
        }
        out = next;
    }
    out
}

#[test]
fn methods_are_covered() {
    // The grid's templates exist.
    for (m, t) in TEMPLATES {
        let _ = op(m, t);
        assert!(Method::parse(m).is_some());
    }
}
