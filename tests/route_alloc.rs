#![allow(clippy::unwrap_used, clippy::expect_used)]
//! `route` allocates nothing in the common case (SPEC section 2): decoded parameter values are kept
//! inline up to `128 bytes (the router\'s inline buffer)` bytes; only longer decoded values go to the heap.
//!
//! `allocation-counter` replaces the global allocator of this test binary and counts the
//! allocations made by the current thread inside `measure`.

mod common;

use std::hint::black_box;

use common::{path_with_tag, row};
use ims_iam::{Method, Router, operations, route};

fn allocations(f: impl FnOnce()) -> u64 {
    allocation_counter::measure(f).count_total
}

#[test]
fn routing_without_escapes_allocates_nothing() {
    let targets: Vec<(&str, String)> = operations()
        .iter()
        .flat_map(|op| {
            let path = op.example_path();
            [
                (op.method().as_str(), path.clone()),
                (op.method().as_str(), format!("{path}?limit=10&marker=%zz")),
            ]
        })
        .collect();
    let relaxed = Router::default().accept_any_param_format();
    for (method, target) in &targets {
        let count = allocations(|| {
            let m = black_box(route(black_box(method), black_box(target))).unwrap();
            black_box(m.operation());
            black_box(m.params().count());
            let m = black_box(relaxed.route(method, target)).unwrap();
            black_box(m);
        });
        assert_eq!(count, 0, "`{method} {target}` allocated");
    }
}

#[test]
fn decoding_a_parameter_allocates_only_past_the_inline_buffer() {
    let target = path_with_tag(row(Method::Put, "/v2/images/{image_id}/tags/{tag}"), "a%2Fb");
    let count = allocations(|| {
        let m = black_box(route("PUT", black_box(&target))).unwrap();
        assert_eq!(m.param("tag"), Some("a/b"));
    });
    assert_eq!(count, 0, "the decoded tag `a/b` fits inline");
    // 43 CJK characters (the longest tag value) decode to 129 bytes.
    let long = "%E7%8E%AF".repeat(43);
    let target = path_with_tag(row(Method::Put, "/v2/images/{image_id}/tags/{tag}"), &long);
    let count = allocations(|| {
        let m = black_box(route("PUT", black_box(&target))).unwrap();
        assert_eq!(m.param("tag").map(|t| t.chars().count()), Some(43));
        let owned = m.clone().into_owned();
        assert_eq!(owned, m);
    });
    assert!(count > 0, "a decoded value past the inline buffer is owned");
}

#[test]
fn the_counter_sees_this_thread() {
    assert!(allocations(|| drop(black_box(vec![1u8; 16]))) > 0);
}
