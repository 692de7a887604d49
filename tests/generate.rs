//! `ims_iam::generate`: for every generated policy, (1) every observed call is allowed when replayed through
//! `route` + `authorize`, and (2) what the policy allows is exactly covers + collateral, checked by an
//! independent brute force over every operation of the matrix (a concrete target routed by the real
//! router) in every combination of its situations. Hand-written workloads, then random ones.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;

use ims_iam::generate::{Generated, Generator, InputFormat, ScopeSuggestion};
use ims_iam::{Context, Policy, PolicySet, Reason, Request, Scope, Situation, operations, route};
use proptest::prelude::*;

const IMAGE: &str = "0b3b6d4e-8f0a-4c1e-9a57-3c0b8f6f2d11";
const PROJECT: &str = "0123456789abcdef0123456789abcdef";

fn context(situations: &[Situation]) -> Context<'static> {
    situations
        .iter()
        .fold(Context::default(), |c, s| c.with_situation(*s))
}

/// Every subset of the situations an operation's conditional actions name.
fn situation_subsets(op: &ims_iam::Operation) -> Vec<Vec<Situation>> {
    let named: Vec<Situation> = Situation::ALL
        .into_iter()
        .filter(|s| op.actions().iter().any(|a| a.situation() == Some(*s)))
        .collect();
    (0..1u32 << named.len())
        .map(|bits| {
            named
                .iter()
                .enumerate()
                .filter(|(i, _)| bits & (1 << i) != 0)
                .map(|(_, s)| *s)
                .collect()
        })
        .collect()
}

fn label(method: &str, template: &str, situations: &[Situation]) -> String {
    let mut out = format!("{method} {template}");
    if !situations.is_empty() {
        let ids: Vec<&str> = situations.iter().map(|s| s.id()).collect();
        out.push_str(&format!(" [{}]", ids.join(", ")));
    }
    out
}

/// What `set` allows (reason `allow`), found without the library's own enumeration.
fn brute_force(set: &PolicySet) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for op in operations() {
        let target = op.example_path();
        let routed = route(op.method().as_str(), &target).unwrap();
        assert_eq!(routed.operation().index(), op.index(), "{target}");
        for situations in situation_subsets(op) {
            if set
                .authorize(&Request::new(&routed, &context(&situations)))
                .reason()
                == Reason::Allow
            {
                out.insert(label(op.method().as_str(), op.template(), &situations));
            }
        }
    }
    out
}

/// The call lines of a calls file: (method, target, situations).
fn calls_of(text: &str) -> Vec<(String, String, Vec<Situation>)> {
    text.lines()
        .map(|l| l.split('#').next().unwrap_or("").trim())
        .filter(|l| !l.is_empty())
        .map(|l| {
            let mut t = l.split_ascii_whitespace();
            let method = t.next().unwrap().to_owned();
            let target = t.next().unwrap_or("").to_owned();
            let situations = t
                .filter_map(|a| a.strip_prefix("situation="))
                .filter_map(Situation::parse)
                .collect();
            (method, target, situations)
        })
        .collect()
}

fn generate(text: &str, compact: bool) -> Generated {
    let mut generator = if compact {
        Generator::default().compact()
    } else {
        Generator::default()
    };
    generator.read_str("calls", text, InputFormat::Calls).unwrap();
    generator.generate()
}

/// The two laws, for one workload; returns the compiled policy.
fn check(text: &str, generated: &Generated) -> Option<PolicySet> {
    let Some(policy) = generated.policy_text() else {
        assert!(generated.collateral().is_empty());
        return None;
    };
    let set = PolicySet::new([Policy::parse("generated.json", Scope::Global, &policy).unwrap()]).unwrap();
    // 1. Every call is allowed, replayed as given, unless it is listed as unrouted.
    for (method, target, situations) in calls_of(text) {
        let listed = generated
            .unrouted()
            .iter()
            .any(|u| u.target().unwrap_or("") == target);
        let Ok(routed) = route(&method, &target) else {
            assert!(listed, "{method} {target} does not route and is not listed");
            continue;
        };
        let decision = set.authorize(&Request::new(&routed, &context(&situations)));
        assert!(
            decision.is_allowed() || listed,
            "{method} {target} {situations:?}: {decision:?}"
        );
    }
    // 2. Nothing is allowed beyond covers + collateral, and all of them are.
    let reported: BTreeSet<String> = generated
        .covers()
        .iter()
        .filter(|a| !a.operation().actions().is_empty())
        .chain(generated.collateral())
        .map(ToString::to_string)
        .collect();
    assert_eq!(brute_force(&set), reported);
    // The covered and the collateral accesses do not overlap.
    let covers: BTreeSet<String> = generated.covers().iter().map(ToString::to_string).collect();
    assert!(
        generated
            .collateral()
            .iter()
            .all(|a| !covers.contains(&a.to_string()))
    );
    Some(set)
}

fn actions(g: &Generated) -> Vec<&str> {
    g.actions().iter().map(String::as_str).collect()
}

fn strings<T: ToString>(items: &[T]) -> Vec<String> {
    items.iter().map(ToString::to_string).collect()
}

#[test]
fn tagging_through_the_openstack_api_needs_get_and_update() {
    let text = format!("PUT /v2/images/{IMAGE}/tags/env\nDELETE /v2/images/{IMAGE}/tags/env\n");
    let g = generate(&text, false);
    check(&text, &g);
    assert_eq!(actions(&g), ["ims:images:get", "ims:images:update"]);
    assert!(g.unrouted().is_empty());
    // The documentation's trap: update also allows changing image information.
    let collateral = strings(g.collateral());
    assert!(
        collateral.contains(&"PATCH /v2/images/{image_id}".to_owned()),
        "{collateral:?}"
    );
    assert!(collateral.contains(&"GET /v2/images/{image_id}".to_owned()));
    assert!(
        !collateral
            .iter()
            .any(|c| c.starts_with("DELETE /v2/images/{image_id} "))
    );
    // The native tagging API needs only update (no `get`), so a native-only workload stays smaller.
    let native = format!("POST /v2/{PROJECT}/images/{IMAGE}/tags/action\n");
    let n = generate(&native, false);
    check(&native, &n);
    assert_eq!(actions(&n), ["ims:images:update"]);
    assert_eq!(n.scope(), &ScopeSuggestion::Project(PROJECT.into()));
}

#[test]
fn the_image_pipeline_fixture() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/generate/image-pipeline.calls"
    ))
    .unwrap();
    let g = generate(&text, false);
    check(&text, &g);
    assert_eq!(
        actions(&g),
        [
            "ims:images:delete",
            "ims:images:get",
            "ims:images:list",
            "ims:images:share",
            "ims:images:update",
            "ims:serverImages:create"
        ]
    );
    let unrouted: Vec<(u64, &str)> = g.unrouted().iter().map(|u| (u.line(), u.kind())).collect();
    assert_eq!(unrouted, [(15, "empty_segment")]);
    assert_eq!(g.calls().iter().sum::<u64>(), 10);
    // Creating an image from a server needs ims:serverImages:create, which also allows a quick import of a
    // system disk image: collateral in a situation.
    assert!(
        strings(g.collateral())
            .contains(&"POST /v2/cloudimages/quickimport/action [system-disk-image-import]".to_owned())
    );
    assert!(matches!(g.scope(), ScopeSuggestion::Unknown(7)));
    let deps: Vec<String> = g.dependencies().iter().map(|(op, _)| op.to_string()).collect();
    assert_eq!(deps, ["POST /v2/cloudimages/action"]);
}

#[test]
fn situations_come_from_annotations_and_are_required() {
    let text = "\
POST /v2/cloudimages/quickimport/action situation=data-disk-image-import
POST /v2/cloudimages/quickimport/action
PATCH /v2/cloudimages/0b3b6d4e-8f0a-4c1e-9a57-3c0b8f6f2d11 situation=enterprise-project-migration
";
    let g = generate(text, false);
    check(text, &g);
    assert_eq!(
        actions(&g),
        [
            "ims:dataImages:create",
            "ims:images:update",
            "ims:serverImages:create"
        ]
    );
    assert_eq!(
        strings(g.covers()),
        [
            "PATCH /v2/cloudimages/{image_id} [enterprise-project-migration]",
            "POST /v2/cloudimages/quickimport/action [data-disk-image-import]"
        ]
    );
    // The quick import without a situation cannot be decided: listed, not guessed.
    assert_eq!(g.unrouted().len(), 1);
    assert_eq!(
        (g.unrouted()[0].line(), g.unrouted()[0].kind()),
        (2, "situation_required")
    );
    assert!(
        g.unrouted()[0]
            .message()
            .contains("situation=system-disk-image-import")
    );
    // PATCH without the situation needs less: collateral.
    assert!(strings(g.collateral()).contains(&"PATCH /v2/cloudimages/{image_id}".to_owned()));

    // The same situation for every call, from the generator.
    let mut generator = Generator::default().with_situation(Situation::SystemDiskImageImport);
    generator
        .read_str("c", "POST /v2/cloudimages/quickimport/action", InputFormat::Calls)
        .unwrap();
    assert_eq!(generator.generate().actions(), ["ims:serverImages:create"]);
}

#[test]
fn calls_that_need_no_action_give_no_policy() {
    let text = "GET /\nGET /v2/schemas/images\n";
    let g = generate(text, false);
    assert!(g.policy().is_none() && g.policy_text().is_none());
    assert_eq!(g.covers().len(), 2);
    assert!(g.collateral().is_empty());
    assert_eq!(g.scope(), &ScopeSuggestion::None);
}

#[test]
fn projects_decide_the_scope_suggestion() {
    let other = "ffffffffffffffffffffffffffffffff";
    let one = format!("GET /v2/{PROJECT}/images/tags\nGET /v1/cloudimages/quota project={PROJECT}\n");
    assert_eq!(
        generate(&one, false).scope(),
        &ScopeSuggestion::Project(PROJECT.into())
    );
    let two = format!("GET /v2/{PROJECT}/images/tags\nGET /v2/{other}/images/tags\n");
    assert_eq!(generate(&two, false).scope(), &ScopeSuggestion::SeveralProjects);
    let clash = format!("GET /v2/{PROJECT}/images/tags project={other}\n");
    let g = generate(&clash, false);
    assert_eq!(g.unrouted()[0].kind(), "project_mismatch");
    assert!(g.covers().is_empty());
}

#[test]
fn compact_merges_only_what_changes_nothing() {
    // Every create API: `ims:*:create` allows nothing more.
    let text = "\
POST /v2/images
POST /v2/cloudimages/action
POST /v1/cloudimages/dataimages/action
POST /v1/cloudimages/wholeimages/action
GET /v1/cloudimages/quota
";
    let exact = generate(text, false);
    let compact = generate(text, true);
    let exact_set = check(text, &exact).unwrap();
    let compact_set = check(text, &compact).unwrap();
    assert_eq!(actions(&compact), ["ims:*:create", "ims:quotas:get"]);
    assert_eq!(brute_force(&exact_set), brute_force(&compact_set));
    assert_eq!(strings(exact.collateral()), strings(compact.collateral()));
    // The tagging workload: no wildcard is exact, so none is used.
    let tags = format!("PUT /v2/images/{IMAGE}/tags/env\n");
    assert_eq!(
        actions(&generate(&tags, true)),
        ["ims:images:get", "ims:images:update"]
    );
}

/// One random call: an operation of the matrix, in a random combination of its situations.
fn call() -> impl Strategy<Value = String> {
    (0..operations().len(), any::<u8>()).prop_map(|(i, bits)| {
        let op = &operations()[i];
        let subsets = situation_subsets(op);
        let situations = &subsets[usize::from(bits) % subsets.len()];
        let mut line = format!("{} {}", op.method(), op.example_path());
        for s in situations {
            line.push_str(&format!(" situation={s}"));
        }
        line
    })
}

/// A line that never routes.
fn noise() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(format!("DELETE /v2/images/{IMAGE}/")),
        Just("GET /v2/images/%2e%2e".to_owned()),
        Just("get /v2/cloudimages".to_owned()),
        Just("GET /v3/nothing".to_owned()),
        Just("GET".to_owned()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn random_workloads_obey_both_laws(
        calls in prop::collection::vec(call(), 1..12),
        noise in prop::collection::vec(noise(), 0..3),
        compact in any::<bool>(),
    ) {
        let text = calls.iter().chain(&noise).cloned().collect::<Vec<_>>().join("\n");
        let g = generate(&text, compact);
        check(&text, &g);
        // The noise, and only the noise (and undecidable quick imports), is listed.
        let undecidable = calls.iter().filter(|c| c.starts_with("POST /v2") && c.contains("/cloudimages/quickimport/action") && !c.contains("situation=")).count();
        prop_assert_eq!(g.unrouted().len(), noise.len() + undecidable);
        // The exact actions are exactly those the routed calls required.
        let mut required = BTreeSet::new();
        for (method, target, situations) in calls_of(&text) {
            if let Ok(routed) = route(&method, &target) {
                for a in routed.operation().actions() {
                    if a.situation().is_none_or(|s| situations.contains(&s)) {
                        required.insert(a.action().to_owned());
                    }
                }
            }
        }
        prop_assert_eq!(g.exact_actions().iter().cloned().collect::<BTreeSet<_>>(), required);
    }
}
