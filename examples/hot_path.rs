//! Runs the gateway's hot path (route, then authorize) over the benchmark mix many times, for
//! profiling with an instruction counter (`benches/instructions.sh` runs every case):
//!
//! ```sh
//! cargo build --release --example hot_path
//! valgrind --tool=callgrind --toggle-collect='hot_path::run' target/release/examples/hot_path organisation 20
//! callgrind_annotate callgrind.out.<pid>
//! ```
//!
//! Arguments: the case, and how many times to run the mix of 188 requests (default 20). Setting up
//! (parsing, compiling, building the requests) is done before the loop. The cases:
//!
//! - `small`, `organisation`, `10k`: the policy sets (a), (b), (c) of `benches/README.md`, with the
//!   mix's three callers (3 context values each);
//! - `users:N`: `N` global conditional Allows, each for one user name (`common::user_allows`); the
//!   caller of each request is one of them for half of the requests, nobody's for the other half;
//! - `keys:K`: one global Allow whose condition has `K` keys (1 to 8), all holding (the request
//!   carries the `K` values, `common::KEYS`);
//! - `values:N`: one global Allow whose condition is a `StringEquals` on `g:UserName` listing `N`
//!   names (`common::user_list`); callers as in `users:N`;
//! - `cidrs:N`: one global Allow whose condition is an `IpAddress` on `g:SourceIp` listing `N`
//!   scattered `/24` blocks (`common::cidr_list`); half of the callers inside one, half outside;
//! - `route`: routing only (no context, no decision).

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../benches/common/mod.rs"]
mod common;

use std::hint::black_box;

use ims_iam::{Context, PolicySet, RouteBuffer, Router};

/// One request of the measured loop: method, raw target and the caller's condition values: one of
/// the mix's callers (whose context is built as the benches build it), or a list of values.
struct Prepared {
    method: &'static str,
    target: String,
    caller: Option<&'static common::Caller>,
    values: Vec<(&'static str, String)>,
}

impl Prepared {
    /// The request's context, built per decision as a gateway builds it.
    #[inline(always)]
    fn context(&self) -> Context<'_> {
        if let Some(caller) = self.caller {
            return caller.context();
        }
        let mut ctx = Context::default()
            .with_project(common::PROJECT)
            .with_enterprise_project(common::ENTERPRISE_PROJECT);
        for (key, value) in &self.values {
            ctx.push_value(key, value);
        }
        ctx
    }
}

/// ims-iam's decision for one request (the one place that names the decision API), routed as a
/// gateway routes: decoded values in a reused buffer.
#[inline(always)]
fn decide(set: &PolicySet, request: &Prepared, buffer: &mut RouteBuffer) -> bool {
    let ctx = request.context();
    let m = Router::default()
        .route_in(black_box(request.method), black_box(&request.target), buffer)
        .unwrap();
    black_box(set.authorize(&ims_iam::Request::new(&m, &ctx))).is_allowed()
}

/// The mix, each request with its caller's values, or (with `values`) with the values it gives.
fn mix(values: Option<&dyn Fn(usize) -> Vec<(&'static str, String)>>) -> Vec<Prepared> {
    common::requests(4)
        .into_iter()
        .enumerate()
        .map(|(i, r)| Prepared {
            method: r.method,
            target: r.target,
            caller: values.is_none().then_some(r.caller),
            values: values.map(|v| v(i)).unwrap_or_default(),
        })
        .collect()
}

fn main() {
    let mut args = std::env::args().skip(1);
    let case = args.next().unwrap_or_else(|| "organisation".to_owned());
    let rounds: usize = args.next().map_or(20, |n| n.parse().unwrap());
    let number = |prefix: &str| case.strip_prefix(prefix).map(|n| n.parse::<usize>().unwrap());
    let (set, requests) = match case.as_str() {
        "small" => (Some(common::compile(&common::small())), mix(None)),
        "organisation" => (Some(common::compile(&common::organisation_50())), mix(None)),
        "10k" => (Some(common::compile(&common::statements_10k())), mix(None)),
        "route" => (None, mix(None)),
        _ => {
            if let Some(n) = number("users:") {
                let set = PolicySet::new(common::user_allows(n)).unwrap();
                (
                    Some(set),
                    mix(Some(&|i| vec![("g:UserName", common::user_of_request(i, n))])),
                )
            } else if let Some(k) = number("keys:") {
                assert!((1..=common::KEYS.len()).contains(&k), "keys:K needs K in 1..=8");
                let set = PolicySet::new(common::keys_all_holding(k)).unwrap();
                let values = |_: usize| {
                    common::KEYS[..k]
                        .iter()
                        .map(|(_, key, _, value)| (*key, (*value).to_owned()))
                        .collect()
                };
                (Some(set), mix(Some(&values)))
            } else if let Some(n) = number("values:") {
                let set = PolicySet::new(common::user_list(n)).unwrap();
                (
                    Some(set),
                    mix(Some(&|i| vec![("g:UserName", common::user_of_request(i, n))])),
                )
            } else if let Some(n) = number("cidrs:") {
                let set = PolicySet::new(common::cidr_list(n)).unwrap();
                (
                    Some(set),
                    mix(Some(&|i| vec![("g:SourceIp", common::address_of_request(i, n))])),
                )
            } else {
                panic!(
                    "unknown case `{case}` (small, organisation, 10k, users:N, keys:K, values:N, cidrs:N, route)"
                )
            }
        }
    };
    let n = run(set.as_ref(), &requests, rounds);
    let what = if set.is_some() { "allowed" } else { "routed" };
    println!("{case}: {n} of {} requests {what}", rounds * requests.len());
}

/// The measured loop (a function of its own, so a profiler can count only it): route + context +
/// authorize per request, or routing only when there is no policy set.
#[inline(never)]
fn run(set: Option<&PolicySet>, requests: &[Prepared], rounds: usize) -> usize {
    let mut buffer = RouteBuffer::default();
    let mut count = 0;
    for _ in 0..rounds {
        for request in requests {
            count += usize::from(match set {
                Some(set) => decide(set, request, &mut buffer),
                None => Router::default()
                    .route_in(black_box(request.method), black_box(&request.target), &mut buffer)
                    .is_ok(),
            });
        }
    }
    count
}
