//! Times one `access` over the 10,000-statement bench set (see `benches/README.md`).
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

#[path = "../benches/common/mod.rs"]
mod common;

fn main() {
    let big = common::policies(&common::statements_10k());
    let start = std::time::Instant::now();
    let result = ims_iam::analysis::access(&big);
    let elapsed = start.elapsed();
    let rows = result.as_ref().map(|r| {
        (
            r.rows().len(),
            r.rows().iter().map(|row| row.scopes().len()).sum::<usize>(),
        )
    });
    println!(
        "access over 10k statements: {:?} (rows, scope situations) in {:.2?}",
        rows.map_err(|e| e.to_string()),
        elapsed
    );
}
