//! Runs the gateway path (`gateway::Authorizer::authorize_request` on an `http::Request`) over the
//! cases of `benches/common/gateway.rs` many times, for profiling with an instruction counter:
//!
//! ```sh
//! cargo build --release --example gateway_path
//! valgrind --tool=callgrind --toggle-collect='gateway_path::run' target/release/examples/gateway_path 100
//! ```
//!
//! Argument: how many times to run the 26 cases (default 100). Setting up is done before the loop.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../benches/common/gateway.rs"]
mod gateway;

use std::hint::black_box;

fn main() {
    let rounds: usize = std::env::args().nth(1).map_or(100, |n| n.parse().unwrap());
    let authorizer = gateway::authorizer();
    let cases = gateway::cases();
    let allowed = run(&authorizer, &cases, rounds);
    println!("{allowed} of {} requests authorized", rounds * cases.len());
}

/// The measured loop (a function of its own, so a profiler can count only it).
#[inline(never)]
fn run(authorizer: &ims_iam::gateway::Authorizer, cases: &[gateway::Case], rounds: usize) -> usize {
    let mut allowed = 0;
    for _ in 0..rounds {
        for case in cases {
            allowed += usize::from(authorizer.authorize_request(black_box(&case.request)).is_ok());
        }
    }
    allowed
}
