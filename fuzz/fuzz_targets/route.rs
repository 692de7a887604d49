//! Any method and raw target: routing never panics, a match is for the method asked, whatever the
//! strict router accepts the relaxed one (which never takes the fast path) routes to the same
//! operation with the same parameters, and routing into a caller's buffer gives what `route` gives.
#![no_main]

use ims_iam::{RouteBuffer, Router, route};
use libfuzzer_sys::fuzz_target;

const METHODS: [&str; 7] = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "get"];

fuzz_target!(|data: &[u8]| {
    let Some((&first, rest)) = data.split_first() else {
        return;
    };
    let Ok(target) = std::str::from_utf8(rest) else {
        return;
    };
    let method = METHODS[usize::from(first) % METHODS.len()];
    let strict = route(method, target);
    let relaxed = Router::default().accept_any_param_format().route(method, target);
    let mut buffer = RouteBuffer::default();
    let buffered = Router::default().route_in(method, target, &mut buffer);
    assert_eq!(buffered, strict, "route_in and route disagree on `{target}`");
    if let Ok(m) = &strict {
        assert_eq!(m.operation().method().as_str(), method);
        let r = relaxed.as_ref().map_err(|e| e.kind());
        let Ok(r) = r else {
            panic!("strict routed `{target}` but relaxed refused it: {r:?}");
        };
        assert_eq!(r.operation().template(), m.operation().template());
        assert!(m.params().into_iter().eq(r.params()));
    }
    if let Err(e) = &strict {
        assert!(!e.kind().is_empty());
        let _ = e.to_string();
    }
});
