#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Routing allocates nothing in the common case (SPEC section 2): `route` and `Router::route` borrow
//! the target and allocate only for a parameter value that has to be percent-decoded (kept in an
//! owned copy); `Router::route_in` keeps decoded values in the caller's `RouteBuffer` (up to
//! `RouteBuffer::CAPACITY` bytes of them), so it allocates nothing at all below that.
//!
//! `allocation-counter` replaces the global allocator of this test binary and counts the
//! allocations made by the current thread inside `measure`.

mod common;

use std::hint::black_box;

use common::{path_with_tag, row};
use ims_iam::{Method, RouteBuffer, Router, operations, route};

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
    let mut buffer = RouteBuffer::default();
    for (method, target) in &targets {
        let count = allocations(|| {
            let m = black_box(route(black_box(method), black_box(target))).unwrap();
            black_box(m.operation());
            black_box(m.params().count());
            let m = black_box(relaxed.route(method, target)).unwrap();
            black_box(m);
            let m = black_box(Router::default().route_in(method, target, &mut buffer)).unwrap();
            black_box(m.project_id());
            let m = black_box(relaxed.route_in(method, target, &mut buffer)).unwrap();
            black_box(m);
        });
        assert_eq!(count, 0, "`{method} {target}` allocated");
    }
}

#[test]
fn decoding_a_parameter_allocates_only_past_the_callers_buffer() {
    let router = Router::default();
    let mut buffer = RouteBuffer::default();
    let tag = row(Method::Put, "/v2/images/{image_id}/tags/{tag}");
    let target = path_with_tag(tag, "a%2Fb");
    let count = allocations(|| {
        let m = black_box(router.route_in("PUT", black_box(&target), &mut buffer)).unwrap();
        assert_eq!(m.param("tag"), Some("a/b"));
    });
    assert_eq!(count, 0, "the decoded tag `a/b` is kept in the buffer");
    // 43 CJK characters (the longest tag value) decode to 129 bytes: still in the buffer.
    let long = "%E7%8E%AF".repeat(43);
    let target = path_with_tag(tag, &long);
    let count = allocations(|| {
        let m = black_box(router.route_in("PUT", black_box(&target), &mut buffer)).unwrap();
        assert_eq!(m.param("tag").map(|t| t.chars().count()), Some(43));
    });
    assert_eq!(count, 0, "129 decoded bytes fit in the buffer");
    // Past the buffer's capacity the decoded value is owned.
    let longer = "%E7%8E%AF".repeat(RouteBuffer::CAPACITY / 3 + 1);
    let target = path_with_tag(tag, &longer);
    let count = allocations(|| {
        let m = black_box(router.route_in("PUT", black_box(&target), &mut buffer)).unwrap();
        assert_eq!(m.param("tag").map(str::len), Some(longer.len() / 3));
        let owned = m.clone().into_owned();
        assert_eq!(owned, m);
    });
    assert!(count > 0, "a decoded value past the buffer is owned");
}

#[test]
fn route_without_a_buffer_allocates_only_to_decode() {
    let tag = row(Method::Put, "/v2/images/{image_id}/tags/{tag}");
    let plain = path_with_tag(tag, "env");
    let count = allocations(|| {
        let m = black_box(route("PUT", black_box(&plain))).unwrap();
        assert_eq!(m.param("tag"), Some("env"));
    });
    assert_eq!(count, 0, "a value without `%` borrows the target");
    let encoded = path_with_tag(tag, "a%2Fb");
    let count = allocations(|| {
        let m = black_box(route("PUT", black_box(&encoded))).unwrap();
        assert_eq!(m.param("tag"), Some("a/b"));
    });
    assert_eq!(count, 1, "the decoded value is one owned copy");
}

#[test]
fn the_counter_sees_this_thread() {
    assert!(allocations(|| drop(black_box(vec![1u8; 16]))) > 0);
}
