#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The gateway's hot path, `Router::route_in` (decoded values in a `RouteBuffer`) then `authorize`,
//! allocates nothing (issue 5): with realistic policy sets (conditions, wildcards, `NotAction`, global,
//! project and enterprise-project attachments), a context with a few values built inside the measured
//! closure, and every documented template, percent-encoded tags (`a%2Fb`) included.
//!
//! `allocation-counter` replaces the global allocator of this test binary and counts the allocations
//! made by the current thread inside `measure`. Taking a lock does not allocate, but nothing on this
//! path takes one: `PolicySet` is immutable and shared by reference.

#[path = "../benches/common/mod.rs"]
mod common;

use std::hint::black_box;

use ims_iam::{Context, Reason, Request, RouteBuffer, Router, route};

fn allocations(f: impl FnOnce()) -> u64 {
    allocation_counter::measure(f).count_total
}

#[test]
fn route_and_authorize_allocate_nothing() {
    let requests = common::requests(4);
    for (name, specs) in [
        ("small", common::small()),
        ("organisation", common::organisation_50()),
        ("10k statements", common::statements_10k()),
    ] {
        let set = common::compile(&specs);
        let mut reasons = [0usize; 4];
        let mut encoded = 0;
        for request in &requests {
            let mut reason = None;
            encoded += usize::from(request.target.contains('%'));
            let count = allocations(|| {
                let mut buffer = RouteBuffer::default();
                let ctx = black_box(request.caller.context());
                let m = Router::default()
                    .route_in(black_box(request.method), black_box(&request.target), &mut buffer)
                    .unwrap();
                reason = Some(black_box(set.authorize(&Request::new(&m, &ctx))).reason());
            });
            assert_eq!(
                count, 0,
                "{name}: `{} {}` allocated",
                request.method, request.target
            );
            let slot = match reason.unwrap() {
                Reason::Allow => 0,
                Reason::ExplicitDeny => 1,
                Reason::ImplicitDeny => 2,
                _ => 3,
            };
            reasons[slot] += 1;
        }
        assert!(encoded > 0, "the mix has percent-encoded tags");
        // The mix exercises allows and both kinds of deny, not one shortcut.
        if name != "small" {
            assert!(
                reasons[0] > 0 && reasons[1] > 0 && reasons[2] > 0,
                "{name}: {reasons:?}"
            );
        }
    }
}

#[test]
fn the_fast_path_agrees_with_the_traced_path_on_the_mix() {
    let requests = common::requests(3);
    for specs in [
        common::small(),
        common::organisation_50(),
        common::statements_10k(),
    ] {
        let set = common::compile(&specs);
        for request in &requests {
            let ctx = request.caller.context();
            let m = route(request.method, &request.target).unwrap();
            assert_eq!(
                set.authorize(&Request::new(&m, &ctx)),
                set.explain(&Request::new(&m, &ctx)).decision(),
                "{request:?}"
            );
        }
    }
}

#[test]
fn a_context_holds_its_inline_values_without_allocating() {
    const KEYS: [&str; 9] = ["k0", "k1", "k2", "k3", "k4", "k5", "k6", "k7", "k8"];
    let count = allocations(|| {
        let mut ctx = Context::default().with_project(common::PROJECT);
        for key in &KEYS[..Context::INLINE_VALUES] {
            ctx.push_value(key, "v");
        }
        black_box(&ctx);
        assert_eq!(ctx.values("K7").count(), 1);
    });
    assert_eq!(count, 0);
    let count = allocations(|| {
        let mut ctx = Context::default();
        for key in KEYS {
            ctx.push_value(key, "v");
        }
        assert_eq!(black_box(&ctx).values("k8").collect::<Vec<_>>().len(), 1);
    });
    assert!(count > 0, "past the inline values the context spills to the heap");
}

#[test]
fn indexed_and_sorted_conditions_allocate_nothing() {
    let requests = common::requests(1);
    let keys_values: Vec<(&str, &str)> = common::KEYS.iter().map(|(_, k, _, v)| (*k, *v)).collect();
    for (name, policies) in [
        ("1,000 user allows", common::user_allows(1000)),
        ("8 keys", common::keys_all_holding(8)),
        ("StringEquals with 1,000 values", common::user_list(1000)),
        ("IpAddress with 1,000 CIDRs", common::cidr_list(1000)),
    ] {
        let set = ims_iam::PolicySet::new(policies).unwrap();
        let mut allowed = 0;
        for (i, request) in requests.iter().enumerate() {
            let user = common::user_of_request(i, 1000);
            let address = common::address_of_request(i, 1000);
            let count = allocations(|| {
                let mut ctx = Context::default().with_project(common::PROJECT);
                match name {
                    "8 keys" => {
                        for &(k, v) in &keys_values {
                            ctx.push_value(k, v);
                        }
                    }
                    "IpAddress with 1,000 CIDRs" => ctx.push_value("g:SourceIp", &address),
                    _ => ctx.push_value("g:UserName", &user),
                }
                let ctx = black_box(ctx);
                let mut buffer = RouteBuffer::default();
                let m = Router::default()
                    .route_in(black_box(request.method), black_box(&request.target), &mut buffer)
                    .unwrap();
                let request = Request::new(&m, &ctx);
                let decision = black_box(set.authorize(&request));
                allowed += usize::from(decision.is_allowed());
            });
            assert_eq!(
                count, 0,
                "{name}: `{} {}` allocated",
                request.method, request.target
            );
        }
        // Some allowed, some not (but for the 8 keys, which all hold): not one shortcut.
        assert!(allowed > 0, "{name}");
        assert!(name == "8 keys" || allowed < requests.len(), "{name}: {allowed}");
    }
}
