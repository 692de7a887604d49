//! The analysis (SPEC 5): `diff` of the 400-statement organisation against itself with one statement
//! changed, and `access` over the 400-statement set. Figures and commands: `benches/README.md`.

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

mod common;

use criterion::{Criterion, criterion_group, criterion_main};
use ims_iam::analysis::{access, diff};

fn changed_organisation() -> Vec<ims_iam::Policy> {
    let mut specs = common::organisation_50();
    // Policy 0 (global), statement 4: the contractor Deny on delete becomes an Allow.
    specs[0].statements[4].effect = common::Effect::Allow;
    common::policies(&specs)
}

fn bench(c: &mut Criterion) {
    let old = common::policies(&common::organisation_50());
    let new = changed_organisation();
    let mut group = c.benchmark_group("analysis");
    group.sample_size(10);
    group.bench_function("diff_400_one_statement_changed", |b| {
        b.iter(|| diff(&old, &new).unwrap())
    });
    group.bench_function("access_400", |b| b.iter(|| access(&old).unwrap()));
    // `access` over the 10,000-statement set is timed once, with its peak memory, by
    // `cargo run --release --example analysis_timing` (benches/README.md).
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
