//! The gateway path: `gateway::Authorizer::authorize_request` on an `http::Request` (identity headers,
//! routing, the decision over the caller's groups, the answer), decision log off, for the cases of
//! `benches/common/gateway.rs`: callers with 1, 5 and 20 groups, allowed and denied, on APIs that
//! require one and two actions.

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

#[path = "common/gateway.rs"]
mod gateway;

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn gateway_path(c: &mut Criterion) {
    let authorizer = gateway::authorizer();
    let cases = gateway::cases();
    let mut group = c.benchmark_group("gateway");
    group.throughput(Throughput::Elements(cases.len() as u64));
    group.bench_function("mix", |b| {
        b.iter(|| {
            let mut allowed = 0;
            for case in &cases {
                allowed += usize::from(authorizer.authorize_request(black_box(&case.request)).is_ok());
            }
            allowed
        })
    });
    group.finish();
    let mut group = c.benchmark_group("gateway_groups");
    for n in [1, 5, 20] {
        let prefix = format!("{n} groups,");
        let mine: Vec<&gateway::Case> = cases.iter().filter(|c| c.label.starts_with(&prefix)).collect();
        group.throughput(Throughput::Elements(mine.len() as u64));
        group.bench_function(format!("{n}"), |b| {
            b.iter(|| {
                for case in &mine {
                    black_box(authorizer.authorize_request(black_box(&case.request)).is_ok());
                }
            })
        });
    }
    group.finish();
}

criterion_group!(benches, gateway_path);
criterion_main!(benches);
