//! The gateway's hot path, `route` then `authorize`, over the request mix of `benches/common` (every
//! documented template, realistic ids, encoded tags, queries, three callers), for three policy sets;
//! compiling the largest set; the explain path; and two threads sharing one `PolicySet`.
//!
//! One iteration decides the whole mix; criterion's throughput figure and `README.md` give the time
//! per decision (the iteration time divided by the number of requests).

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

#[path = "common/mod.rs"]
mod common;

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use ims_iam::{PolicySet, Request, RouteBuffer, Router, route};

/// Routes and decides every request of the mix, as a gateway does (decoded values in a reused
/// `RouteBuffer`); returns how many were allowed.
fn decide_all(set: &PolicySet, requests: &[common::Request]) -> usize {
    let router = Router::default();
    let mut buffer = RouteBuffer::default();
    let mut allowed = 0;
    for request in requests {
        let ctx = request.caller.context();
        let m = router
            .route_in(black_box(request.method), black_box(&request.target), &mut buffer)
            .unwrap();
        allowed += usize::from(black_box(set.authorize(&Request::new(&m, &ctx))).is_allowed());
    }
    allowed
}

fn authorize(c: &mut Criterion) {
    let requests = common::requests(4);
    let mut group = c.benchmark_group("authorize");
    group.throughput(Throughput::Elements(requests.len() as u64));
    for (name, specs) in [
        ("a_small", common::small()),
        ("b_organisation", common::organisation_50()),
        ("c_10k_statements", common::statements_10k()),
    ] {
        let set = common::compile(&specs);
        group.bench_function(name, |b| b.iter(|| decide_all(&set, &requests)));
    }
    group.finish();
}

fn compile(c: &mut Criterion) {
    let policies = common::policies(&common::statements_10k());
    let mut group = c.benchmark_group("compile");
    group.sample_size(20);
    group.bench_function("c_10k_statements", |b| {
        b.iter_batched(
            || policies.clone(),
            |policies| PolicySet::new(policies).unwrap(),
            BatchSize::PerIteration,
        )
    });
    group.finish();
}

fn explain(c: &mut Criterion) {
    let requests = common::requests(4);
    let set = common::compile(&common::organisation_50());
    let mut group = c.benchmark_group("explain");
    group.throughput(Throughput::Elements(requests.len() as u64));
    group.bench_function("b_organisation", |b| {
        b.iter(|| {
            for request in &requests {
                let ctx = request.caller.context();
                let m = route(black_box(request.method), black_box(&request.target)).unwrap();
                black_box(set.explain(&Request::new(&m, &ctx)));
            }
        })
    });
    group.finish();
}

/// The same number of decisions (`ROUNDS` mixes per iteration) on one thread, then split over two
/// threads sharing one `PolicySet` by reference. Both variants start their threads inside the
/// measured time. With no contention two threads take about half the time (on 2 idle cores).
fn threads(c: &mut Criterion) {
    const ROUNDS: usize = 16;
    let requests = common::requests(4);
    let set = common::compile(&common::organisation_50());
    let mut group = c.benchmark_group("threads");
    group.throughput(Throughput::Elements((ROUNDS * requests.len()) as u64));
    for workers in [1, 2] {
        group.bench_function(format!("b_organisation_{workers}"), |b| {
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    let start = Instant::now();
                    std::thread::scope(|scope| {
                        for _ in 0..workers {
                            scope.spawn(|| {
                                for _ in 0..ROUNDS / workers {
                                    black_box(decide_all(&set, &requests));
                                }
                            });
                        }
                    });
                    total += start.elapsed();
                }
                total
            })
        });
    }
    group.finish();
}

criterion_group!(benches, authorize, compile, explain, threads);
criterion_main!(benches);
