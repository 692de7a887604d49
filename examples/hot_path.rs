//! Runs the gateway's hot path (route, then authorize) over the benchmark mix many times, for
//! profiling with an instruction counter:
//!
//! ```sh
//! cargo build --release --example hot_path
//! valgrind --tool=callgrind --toggle-collect='hot_path::run' target/release/examples/hot_path organisation 20
//! callgrind_annotate callgrind.out.<pid>
//! ```
//!
//! Arguments: the policy set (`small`, `organisation` or `10k`; default `organisation`), and how many
//! times to run the mix (default 20). Setting up (parsing, compiling) is done before the loop.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../benches/common/mod.rs"]
mod common;

use std::hint::black_box;

fn main() {
    let mut args = std::env::args().skip(1);
    let specs = match args.next().as_deref() {
        Some("small") => common::small(),
        Some("10k") => common::statements_10k(),
        None | Some("organisation") => common::organisation_50(),
        Some(other) => panic!("unknown policy set `{other}` (small, organisation, 10k)"),
    };
    let rounds: usize = args.next().map_or(20, |n| n.parse().unwrap());
    let set = common::compile(&specs);
    let requests = common::requests(4);
    let allowed = run(&set, &requests, rounds);
    println!("{allowed} of {} decisions allowed", rounds * requests.len());
}

/// The measured loop (a function of its own, so a profiler can count only it).
#[inline(never)]
fn run(set: &ims_iam::PolicySet, requests: &[common::Request], rounds: usize) -> usize {
    let mut allowed = 0;
    for _ in 0..rounds {
        for request in requests {
            let ctx = request.caller.context();
            let m = ims_iam::route(black_box(request.method), black_box(&request.target)).unwrap();
            allowed += usize::from(black_box(set.authorize(&ims_iam::Request::new(&m, &ctx))).is_allowed());
        }
    }
    allowed
}
