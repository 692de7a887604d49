#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The gateway path allocates nothing: `gateway::Authorizer::authorize_request` on an `http::Request`
//! (identity headers, routing, the decision over the caller's groups, the answer) for callers with 1, 5
//! and 20 groups, allowed and denied (implicitly and explicitly), on APIs that require one and two
//! actions, with the decision log off (the default: no `tracing` subscriber). The authorizer routes
//! with `Router::route_in` and a `RouteBuffer` on its stack, so a percent-encoded tag is decoded
//! without allocating either.
//!
//! The callers are named by `X-User-Groups` only: a caller's user name (`X-User-Name`) and request id
//! (`X-Request-Id`) are copied into the answer handed back, which allocates them once.

#[path = "../benches/common/gateway.rs"]
mod gateway;

use std::hint::black_box;

#[test]
fn the_gateway_path_allocates_nothing() {
    let authorizer = gateway::authorizer();
    let cases = gateway::cases();
    assert_eq!(cases.len(), 2 * (3 + 5 + 5));
    for case in &cases {
        // Once outside the count: the answer is the expected one.
        let kind = authorizer
            .authorize_request(&case.request)
            .err()
            .map(|r| r.kind());
        assert_eq!(kind, case.expect, "{}", case.label);
        let counted = allocation_counter::measure(|| {
            let answer = black_box(authorizer.authorize_request(black_box(&case.request)));
            black_box(answer.is_ok());
        });
        assert_eq!(counted.count_total, 0, "{}: allocated", case.label);
    }
}

/// A tag that has to be percent-decoded (`a%2Fb`) is decoded into the authorizer's buffer.
#[test]
fn an_encoded_tag_is_decoded_without_allocating() {
    let authorizer = gateway::authorizer();
    let request = http::Request::put(format!("/v2/images/{}/tags/a%2Fb", gateway::IMAGE))
        .header("X-User-Groups", "taggers")
        .header("X-Project-Id", gateway::PROJECT)
        .extension(ims_iam::gateway::PeerAddr(std::net::SocketAddr::from((
            [10, 1, 2, 3],
            40_000,
        ))))
        .body(())
        .unwrap();
    assert!(authorizer.authorize_request(&request).is_ok());
    let counted = allocation_counter::measure(|| {
        black_box(authorizer.authorize_request(black_box(&request)).is_ok());
    });
    assert_eq!(counted.count_total, 0);
}

/// The count is real: a caller whose user name is copied into the answer allocates.
#[test]
fn the_count_sees_the_copied_user_name() {
    let authorizer = gateway::authorizer();
    let request = http::Request::get(format!("/v2/images/{}", gateway::IMAGE))
        .header("X-User-Name", "alice")
        .header("X-User-Groups", "taggers")
        .body(())
        .unwrap();
    let counted = allocation_counter::measure(|| {
        black_box(authorizer.authorize_request(black_box(&request)).is_ok());
    });
    assert!(counted.count_total > 0);
}
