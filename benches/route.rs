//! Routing throughput over a realistic mix of requests: every documented template with realistic
//! ids, tags that need percent-decoding, queries, and a few refused targets.

#![allow(missing_docs)]

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};

mod common;

use common::IMAGES;
use ims_iam::{RouteBuffer, Router, operations, route};

/// Tags as clients send them: plain, with a dash, an encoded slash, and encoded UTF-8.
const TAGS: [&str; 4] = ["env", "cost-center", "a%2Fb", "%E7%8E%AF%E5%A2%83"];

fn concrete(op: &ims_iam::Operation, n: usize) -> String {
    common::concrete_with(op, n, &TAGS)
}

/// `(method, target)` pairs.
type Requests = Vec<(&'static str, String)>;

/// Every template without escapes, and the whole mix.
fn mix() -> (Requests, Requests) {
    let mut plain = Vec::new();
    let mut all = Vec::new();
    for (i, op) in operations().iter().enumerate() {
        let method = op.method().as_str();
        plain.push((method, concrete(op, 0)));
        for n in 0..4 {
            let path = concrete(op, i + n);
            all.push((
                method,
                if n == 1 {
                    format!("{path}?limit=50&marker=x")
                } else {
                    path
                },
            ));
        }
    }
    let image = IMAGES[0];
    for (method, target) in [
        ("PUT", format!("/v2/images/{image}/tags/a/b")),
        ("DELETE", format!("/v2/images/{image}/")),
        ("GET", "/v2/images/%2e%2e/members".to_owned()),
        ("GET", "/v2/%69mages".to_owned()),
        ("GET", "/v2/images/not-a-uuid".to_owned()),
    ] {
        all.push((method, target));
    }
    (plain, all)
}

fn bench(c: &mut Criterion) {
    let (plain, all) = mix();
    let mut group = c.benchmark_group("route");
    group.throughput(criterion::Throughput::Elements(all.len() as u64));
    // As a gateway routes: decoded values in a reused buffer, no allocation.
    let router = Router::default();
    let mut buffer = RouteBuffer::default();
    group.bench_function("mix", |b| {
        b.iter(|| {
            for (method, target) in &all {
                let _ = black_box(router.route_in(black_box(method), black_box(target), &mut buffer));
            }
        })
    });
    group.throughput(criterion::Throughput::Elements(plain.len() as u64));
    group.bench_function("every_template_no_escapes", |b| {
        b.iter(|| {
            for (method, target) in &plain {
                let _ = black_box(route(black_box(method), black_box(target)));
            }
        })
    });
    group.finish();
    let target = format!("/v2/images/{}/tags/env", IMAGES[0]);
    c.bench_function("route/put_tag", |b| {
        b.iter(|| black_box(route("PUT", black_box(&target))))
    });
    let target = format!("/v2/images/{}/tags/a%2Fb", IMAGES[0]);
    c.bench_function("route/put_tag_encoded", |b| {
        b.iter(|| black_box(router.route_in("PUT", black_box(&target), &mut buffer).is_ok()))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
