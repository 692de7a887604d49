//! Laws of evaluation, checked with generated policy sets and requests (STYLE 6, issue: evaluator).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use ims_iam::{Context, Decision, Policy, PolicySet, Reason, Request, Scope, Situation, operations, route};
use proptest::prelude::*;

const P: &str = "0123456789abcdef0123456789abcdef";
const Q: &str = "fedcba9876543210fedcba9876543210";

const PATTERNS: &[&str] = &[
    "ims:images:get",
    "ims:images:list",
    "ims:images:update",
    "ims:images:delete",
    "ims:images:share",
    "ims:serverImages:create",
    "ims:*:*",
    "ims:images:*",
    "*:*:get*",
    "ims:images:?et",
    "IMS:IMAGES:LIST",
    "*:*:*",
    "ims:*",
    "obs:*:*",
];
const SCOPES: &[&str] = &[
    "global",
    "project:P",
    "project:Q",
    "enterprise-project:e1",
    "enterprise-project:e2",
];

#[derive(Debug, Clone)]
struct GenStatement {
    deny: bool,
    not_action: bool,
    patterns: Vec<usize>,
    condition: Option<&'static str>,
    narrow: bool,
}

#[derive(Debug, Clone)]
struct GenPolicy {
    scope: usize,
    statements: Vec<GenStatement>,
}

fn statement() -> impl Strategy<Value = GenStatement> {
    (
        any::<bool>(),
        prop::bool::weighted(0.15),
        prop::collection::vec(0..PATTERNS.len(), 1..3),
        prop::option::weighted(0.3, prop::sample::select(vec!["alice", "bob"])),
        prop::bool::weighted(0.1),
    )
        .prop_map(|(deny, not_action, patterns, condition, narrow)| GenStatement {
            deny,
            not_action,
            patterns,
            condition,
            narrow,
        })
}

fn policy() -> impl Strategy<Value = GenPolicy> {
    (0..SCOPES.len(), prop::collection::vec(statement(), 1..4))
        .prop_map(|(scope, statements)| GenPolicy { scope, statements })
}

fn statement_json(s: &GenStatement) -> String {
    let patterns: Vec<String> = s
        .patterns
        .iter()
        .map(|&i| format!("\"{}\"", PATTERNS[i]))
        .collect();
    let mut out = format!(
        "{{\"Effect\": \"{}\", \"{}\": [{}]",
        if s.deny { "Deny" } else { "Allow" },
        if s.not_action { "NotAction" } else { "Action" },
        patterns.join(", ")
    );
    if let Some(user) = s.condition {
        out.push_str(&format!(
            ", \"Condition\": {{\"StringEquals\": {{\"g:UserName\": [\"{user}\"]}}}}"
        ));
    }
    if s.narrow {
        out.push_str(", \"Resource\": [\"ims:*:*:image:x\"]");
    }
    out.push('}');
    out
}

fn compile(policies: &[GenPolicy]) -> PolicySet {
    let list = policies.iter().enumerate().map(|(i, p)| {
        let body: Vec<String> = p.statements.iter().map(statement_json).collect();
        let text = format!("{{\"Version\": \"1.1\", \"Statement\": [{}]}}", body.join(", "));
        let scope: Scope = SCOPES[p.scope]
            .replace(":P", &format!(":{P}"))
            .replace(":Q", &format!(":{Q}"))
            .parse()
            .unwrap();
        Policy::parse(format!("p{i}"), scope, &text).unwrap()
    });
    PolicySet::new(list).unwrap()
}

#[derive(Debug, Clone)]
struct GenRequest {
    op: usize,
    project: Option<&'static str>,
    ep: Option<&'static str>,
    user: Option<&'static str>,
    situations: Vec<Situation>,
}

fn request() -> impl Strategy<Value = GenRequest> {
    (
        0..operations().len(),
        prop::option::of(prop::sample::select(vec![P, Q])),
        prop::option::of(prop::sample::select(vec!["e1", "e2"])),
        prop::option::of(prop::sample::select(vec!["alice", "bob", "carol"])),
        prop::sample::subsequence(Situation::ALL.to_vec(), 0..=Situation::ALL.len()),
    )
        .prop_map(|(op, project, ep, user, situations)| GenRequest {
            op,
            project,
            ep,
            user,
            situations,
        })
}

fn decide(set: &PolicySet, r: &GenRequest) -> Decision {
    let op = &operations()[r.op];
    let path = op.example_path();
    let m = route(op.method().as_str(), &path).unwrap();
    assert!(std::ptr::eq(m.operation(), op), "{path} routed elsewhere");
    let mut ctx = Context::default();
    if let Some(p) = r.project {
        // A path with a project names it; keep the request consistent so mismatches stay rare.
        if m.project_id().is_none() {
            ctx = ctx.with_project(p);
        }
    }
    if let Some(e) = r.ep {
        ctx = ctx.with_enterprise_project(e);
    }
    if let Some(u) = r.user {
        ctx = ctx.with_value("g:UserName", u);
    }
    for s in &r.situations {
        ctx = ctx.with_situation(*s);
    }
    let fast = set.authorize(&Request::new(&m, &ctx));
    let traced = set.explain(&Request::new(&m, &ctx)).decision();
    assert_eq!(fast, traced, "fast and traced paths disagree");
    fast
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// The fast path (masks) and the traced path (statement scan) always reach the same decision.
    #[test]
    fn fast_and_traced_paths_agree(policies in prop::collection::vec(policy(), 0..5), r in request()) {
        let set = compile(&policies);
        decide(&set, &r);
    }

    /// Adding a Deny statement never turns a deny into an allow.
    #[test]
    fn adding_a_deny_never_allows(policies in prop::collection::vec(policy(), 0..4), mut extra in policy(), r in request()) {
        let before = decide(&compile(&policies), &r);
        for s in &mut extra.statements { s.deny = true; }
        let mut more = policies.clone();
        more.push(extra);
        let after = decide(&compile(&more), &r);
        if !before.is_allowed() {
            prop_assert!(!after.is_allowed());
        }
    }

    /// Adding an Allow statement never turns an allow into a deny.
    #[test]
    fn adding_an_allow_never_denies(policies in prop::collection::vec(policy(), 0..4), mut extra in policy(), r in request()) {
        let before = decide(&compile(&policies), &r);
        for s in &mut extra.statements { s.deny = false; }
        let mut more = policies.clone();
        more.push(extra);
        let after = decide(&compile(&more), &r);
        if before.is_allowed() {
            prop_assert!(after.is_allowed());
        }
    }

    /// The order of policies and of statements never changes a decision.
    #[test]
    fn order_does_not_matter(policies in prop::collection::vec(policy(), 0..5), r in request()) {
        let before = decide(&compile(&policies), &r);
        let mut reversed: Vec<GenPolicy> = policies.iter().rev().cloned().collect();
        for p in &mut reversed { p.statements.reverse(); }
        prop_assert_eq!(before, decide(&compile(&reversed), &r));
    }

    /// A global, unconditional `*:*:*` Allow allows every routed request that nothing denies.
    #[test]
    fn star_allows_what_nothing_denies(policies in prop::collection::vec(policy(), 0..4), r in request()) {
        let mut allows: Vec<GenPolicy> = policies.clone();
        for p in &mut allows { for s in &mut p.statements { s.deny = false; } }
        allows.push(GenPolicy { scope: 0, statements: vec![GenStatement {
            deny: false, not_action: false, patterns: vec![11], condition: None, narrow: false,
        }] });
        let d = decide(&compile(&allows), &r);
        let needs_situation = matches!(d.reason(), Reason::Error(ims_iam::RequestError::SituationRequired));
        prop_assert!(d.is_allowed() || needs_situation, "{:?}", d);
    }
}
