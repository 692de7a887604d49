//! Routing throughput over a realistic mix of requests: every documented template with realistic
//! ids, tags that need percent-decoding, queries, and a few refused targets.

#![allow(missing_docs)]

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use ims_iam::{operations, route};

const IMAGES: [&str; 3] = [
    "0b3b6d4e-8f0a-4c1e-9a57-3c0b8f6f2d11",
    "6a6f9b7e-2c1d-4e55-b2a4-0e8f1c3d5a79",
    "f3c2a1b0-9d8e-4f7a-8b6c-5d4e3f2a1b0c",
];
const PROJECT: &str = "0123456789abcdef0123456789abcdef";
const MEMBER: &str = "fedcba9876543210fedcba9876543210";

fn concrete(template: &str, n: usize) -> String {
    let tag = ["env", "cost-center", "a%2Fb", "%E7%8E%AF%E5%A2%83"][n % 4];
    template
        .replace("{image_id}", IMAGES[n % IMAGES.len()])
        .replace("{project_id}", PROJECT)
        .replace("{member_id}", MEMBER)
        .replace("{tag}", tag)
        .replace("{key}", tag)
}

/// `(method, target)` pairs.
type Requests = Vec<(&'static str, String)>;

/// Every template without escapes, and the whole mix.
fn mix() -> (Requests, Requests) {
    let mut plain = Vec::new();
    let mut all = Vec::new();
    for (i, op) in operations().iter().enumerate() {
        let method = op.method().as_str();
        plain.push((method, concrete(op.template(), 0)));
        for n in 0..4 {
            let path = concrete(op.template(), i + n);
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
    group.bench_function("mix", |b| {
        b.iter(|| {
            for (method, target) in &all {
                let _ = black_box(route(black_box(method), black_box(target)));
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
        b.iter(|| black_box(route("PUT", black_box(&target))))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
