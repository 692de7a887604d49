//! Shadow mode end to end: `ims-iam serve --dry-run` answers allow and logs what it would have decided;
//! `ims-iam generate --from log` turns that log into a policy; `ims-iam serve` with that policy then
//! allows the same workload, enforced, and denies a request outside it.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use common::server::Server;
use common::{code, ims_iam, json};
use serde_json::Value;

const IMAGE: &str = "0b3b6d4e-8f0a-4c1e-9a57-3c0b8f6f2d11";
const PROJECT: &str = "0123456789abcdef0123456789abcdef";

/// What a tagging job does: find the image, read its tags, tag it (both APIs), share it.
fn workload() -> Vec<(&'static str, String)> {
    vec![
        ("GET", "/v2/cloudimages?__imagetype=private&limit=5".to_owned()),
        ("GET", format!("/v2/images/{IMAGE}")),
        ("GET", format!("/v2/{PROJECT}/images/{IMAGE}/tags")),
        ("PUT", format!("/v2/images/{IMAGE}/tags/env")),
        ("POST", format!("/v2/{PROJECT}/images/{IMAGE}/tags/action")),
        ("POST", format!("/v2/images/{IMAGE}/members")),
        ("GET", "/".to_owned()),
    ]
}

fn dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ims-iam-shadow-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A principals file giving `dave` the one policy `file`.
fn principals(dir: &Path, name: &str, policy: &Path) -> PathBuf {
    let file = dir.join(name);
    let text = serde_json::json!({
        "policies": {"granted": policy},
        "users": {"dave": {"attachments": [{"policy": "granted"}]}, "erin": {}},
    });
    std::fs::write(&file, text.to_string()).unwrap();
    file
}

fn header<'h>(head: &'h str, name: &str) -> Option<&'h str> {
    head.lines()
        .find_map(|l| l.strip_prefix(name).and_then(|rest| rest.strip_prefix(": ")))
}

#[test]
fn a_shadow_log_becomes_a_policy_that_allows_the_workload_when_enforced() {
    let dir = dir();
    let read_only = Path::new(env!("CARGO_MANIFEST_DIR")).join("policies/ims-read-only.json");

    // 1. Shadow mode: everything passes, decisions are logged.
    let shadow = Server::start(
        &principals(&dir, "shadow.json", &read_only),
        &["--dry-run", "--log-format", "json", "--watch", "0"],
    );
    let mut ids = BTreeSet::new();
    let mut records = Vec::new();
    for (method, uri) in workload() {
        let (status, head, body) = shadow.exchange(method, &uri, "dave");
        assert_eq!(status, 200, "{method} {uri}: {head}\n{body}");
        assert_eq!(header(&head, "x-ims-iam-decision"), Some("allow"));
        assert_eq!(header(&head, "x-ims-iam-enforced"), Some("false"));
        let id = header(&head, "x-decision-id").unwrap().to_owned();
        let record: Value = serde_json::from_str(&shadow.wait_for("\"ims_iam::decision\"")).unwrap();
        assert_eq!(record["decision_id"], id.as_str(), "the header names the record");
        assert_eq!(record["enforced"], false);
        assert_eq!(record["revision"], 1);
        assert_eq!(record["method"], method);
        assert_eq!(record["request_target"], uri.as_str());
        // Read-only does not allow tagging: shadow mode says so, and lets it through anyway.
        if method == "PUT" {
            assert_eq!(record["decision"], "deny");
            assert_eq!(header(&head, "x-ims-iam-shadow-decision"), Some("deny"));
            assert_eq!(header(&head, "x-ims-iam-error-code"), Some("imsiam.4031"));
        }
        ids.insert(id);
        records.push(record.to_string());
    }
    assert_eq!(ids.len(), workload().len(), "one id per decision");
    drop(shadow);
    let log = dir.join("decisions.log");
    std::fs::write(&log, records.join("\n") + "\n").unwrap();

    // 2. The log becomes a policy.
    let out = ims_iam(&[
        "generate",
        "--from",
        "log",
        "--principal",
        "dave",
        "--format",
        "json",
        log.to_str().unwrap(),
    ]);
    assert_eq!(code(&out), 0, "{}", String::from_utf8_lossy(&out.stderr));
    let generated = json(&out);
    assert_eq!(
        generated["actions"],
        serde_json::json!([
            "ims:images:get",
            "ims:images:list",
            "ims:images:share",
            "ims:images:update"
        ])
    );
    let policy = dir.join("generated.json");
    std::fs::write(&policy, generated["policy"].to_string()).unwrap();

    // 3. Enforced with the generated policy: the workload passes, a request outside it does not.
    let enforced = Server::start(
        &principals(&dir, "enforced.json", &policy),
        &["--log-format", "json", "--watch", "0"],
    );
    for (method, uri) in workload() {
        let (status, head, body) = enforced.exchange(method, &uri, "dave");
        assert_eq!(status, 200, "{method} {uri}: {head}\n{body}");
        assert_eq!(header(&head, "x-ims-iam-enforced"), None);
        let record: Value = serde_json::from_str(&enforced.wait_for("\"ims_iam::decision\"")).unwrap();
        assert_eq!(record["enforced"], true);
    }
    let (status, head, body) = enforced.exchange("DELETE", &format!("/v2/images/{IMAGE}"), "dave");
    assert_eq!(status, 403);
    let id = header(&head, "x-decision-id").unwrap();
    let body: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(body["decision_id"], id, "error bodies echo the decision id");
    assert_eq!(body["error_code"], "IMSIAM.4031");
    // Another user has nothing.
    assert_eq!(enforced.exchange("GET", "/v2/cloudimages", "erin").0, 403);
    drop(enforced);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_tower_layer_lets_refused_requests_through_in_shadow_mode() {
    use std::sync::Arc;
    use std::task::{Context, Poll, Waker};

    use ims_iam::gateway::{AuthorizeLayer, Authorized, Authorizer, PolicyStore, Rejection};
    use tower_layer::Layer as _;
    use tower_service::Service;

    /// Says what the layer attached.
    #[derive(Clone)]
    struct Ims;
    impl Service<http::Request<()>> for Ims {
        type Response = http::Response<String>;
        type Error = std::convert::Infallible;
        type Future = std::future::Ready<Result<Self::Response, Self::Error>>;
        fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
            Poll::Ready(Ok(()))
        }
        fn call(&mut self, request: http::Request<()>) -> Self::Future {
            let seen = match (
                request.extensions().get::<Authorized>(),
                request.extensions().get::<Rejection>(),
            ) {
                (Some(_), None) => "authorized".to_owned(),
                (None, Some(r)) => format!("shadow {} {}", r.error_code(), r.is_enforced()),
                _ => "neither".to_owned(),
            };
            std::future::ready(Ok(http::Response::new(seen)))
        }
    }

    let principals =
        ims_iam::Principals::from_json_with(
            r#"{"policies": {}, "groups": {"g": {}}}"#,
            |_| Ok(String::new()),
        )
        .unwrap();
    let store = Arc::new(PolicyStore::new(principals));
    let call = |authorizer: Authorizer| {
        let mut service = AuthorizeLayer::new(authorizer).layer(Ims);
        let request = http::Request::get("/v2/cloudimages")
            .header("X-User-Groups", "g")
            .body(())
            .unwrap();
        let mut cx = Context::from_waker(Waker::noop());
        let mut future = std::pin::pin!(service.call(request));
        let Poll::Ready(Ok(response)) = future.as_mut().poll(&mut cx) else {
            panic!("ready at once")
        };
        (response.status(), response.into_body())
    };
    let (status, body) = call(Authorizer::new(Arc::clone(&store)).dry_run());
    assert_eq!(
        (status.as_u16(), body.as_str()),
        (200, "shadow IMSIAM.4031 false")
    );
    let (status, body) = call(Authorizer::new(store));
    assert_eq!(status, 403, "{body}");
}
