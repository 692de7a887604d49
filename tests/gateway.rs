//! The gateway embedding end to end: the example gateway (`examples/gateway.rs`, the tower layer in
//! front of a stub IMS API) driven over real HTTP on 127.0.0.1, hot reload behind the layer, and the
//! decision log records.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../examples/gateway.rs"]
#[allow(dead_code)]
mod example;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use ims_iam::gateway::{Authorizer, PolicyStore, SourceIp};
use serde_json::Value;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream};

const UUID: &str = "0b3b6d4e-8f0a-4c1e-9a57-3c0b8f6f2d11";
const PROJECT: &str = "0123456789abcdef0123456789abcdef";
const OTHER_PROJECT: &str = "fedcba9876543210fedcba9876543210";

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/gateway/principals.json")
}

/// Sends one raw HTTP/1.1 request (`Connection: close`) and returns the status and the body.
async fn send(addr: SocketAddr, method: &str, target: &str, headers: &[(&str, &str)]) -> (u16, String) {
    let mut request = format!("{method} {target} HTTP/1.1\r\nHost: ims.test\r\nConnection: close\r\n");
    for (k, v) in headers {
        request.push_str(&format!("{k}: {v}\r\n"));
    }
    request.push_str("\r\n");
    let exchange = async {
        let mut stream = TcpStream::connect(addr).await.unwrap();
        stream.write_all(request.as_bytes()).await.unwrap();
        let mut response = Vec::new();
        stream.read_to_end(&mut response).await.unwrap();
        response
    };
    let response = tokio::time::timeout(Duration::from_secs(10), exchange)
        .await
        .expect("response in time");
    let text = String::from_utf8_lossy(&response).into_owned();
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status line in {text:?}"));
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    (status, body)
}

/// Starts the example gateway on 127.0.0.1; returns its address and the handle that stops it.
async fn start(
    authorizer: Authorizer,
) -> (
    SocketAddr,
    tokio::sync::oneshot::Sender<()>,
    tokio::task::JoinHandle<()>,
) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(async move {
        let shutdown = async move {
            // Stops when told, or after 60 s whatever happens.
            let _ = tokio::time::timeout(Duration::from_secs(60), stopped).await;
        };
        example::serve(listener, authorizer, shutdown).await.unwrap();
    });
    (addr, stop, server)
}

fn json(body: &str) -> Value {
    serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {body:?}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn example_gateway_over_http() {
    let store = Arc::new(PolicyStore::open(fixture()).unwrap());
    let (addr, stop, server) = start(Authorizer::new(store)).await;
    let tag = format!("/v2/images/{UUID}/tags/env");
    let image = format!("/v2/images/{UUID}");
    let project_tags = format!("/v2/{PROJECT}/images/{UUID}/tags");

    // Allowed: the stub answers, with the decision the layer attached.
    let (status, body) = send(
        addr,
        "PUT",
        &tag,
        &[("X-User-Name", "alice"), ("X-Request-Id", "r-1")],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let v = json(&body);
    assert_eq!(v["template"], "/v2/images/{image_id}/tags/{tag}");
    assert_eq!(v["principal"], "alice");
    assert_eq!(v["revision"], 1);
    // A Huawei SDK's encoded slash is one tag.
    let (status, _) = send(
        addr,
        "PUT",
        &format!("/v2/images/{UUID}/tags/a%2Fb"),
        &[("X-User-Name", "alice")],
    )
    .await;
    assert_eq!(status, 200);

    // Denied: 403 with the cloud's error body.
    let (status, body) = send(
        addr,
        "PUT",
        &tag,
        &[("X-User-Name", "bob"), ("X-Request-Id", "r-2")],
    )
    .await;
    assert_eq!(status, 403);
    let v = json(&body);
    assert_eq!(v["error_code"], "IMSIAM.4031");
    assert_eq!(v["request_id"], "r-2");
    assert!(
        v["error_msg"].as_str().unwrap().contains("ims:images:update"),
        "{body}"
    );
    let (status, body) = send(addr, "DELETE", &image, &[("X-User-Name", "alice")]).await;
    assert_eq!(
        (status, json(&body)["error_code"].as_str()),
        (403, Some("IMSIAM.4030"))
    );

    // Two groups, each allowing one of the two actions a tag needs: allowed together.
    let (status, _) = send(
        addr,
        "PUT",
        &tag,
        &[("X-User-Name", "dave"), ("X-User-Groups", "image-readers")],
    )
    .await;
    assert_eq!(status, 403);
    let groups = [
        ("X-User-Name", "alice"),
        ("X-User-Groups", "image-readers, alice-only"),
    ];
    let (status, _) = send(addr, "PUT", &tag, &groups).await;
    assert_eq!(status, 200);
    let (status, _) = send(
        addr,
        "PUT",
        &tag,
        &[
            ("X-User-Name", "erin"),
            ("X-User-Groups", "image-readers,alice-only"),
        ],
    )
    .await;
    assert_eq!(status, 403, "g:UserName comes from X-User-Name");

    // Scopes: the project comes from the path or from X-Project-Id; they must agree.
    let (status, _) = send(addr, "POST", &project_tags, &[("X-User-Name", "carol")]).await;
    assert_eq!(status, 200);
    let (status, _) = send(addr, "GET", "/v2/cloudimages", &[("X-User-Name", "carol")]).await;
    assert_eq!(
        status, 403,
        "a project grant does not apply when the project is unknown"
    );
    let (status, _) = send(
        addr,
        "GET",
        "/v2/cloudimages",
        &[("X-User-Name", "carol"), ("X-Project-Id", PROJECT)],
    )
    .await;
    assert_eq!(status, 200);
    let mismatch = [("X-User-Name", "carol"), ("X-Project-Id", OTHER_PROJECT)];
    let (status, body) = send(addr, "POST", &project_tags, &mismatch).await;
    assert_eq!(
        (status, json(&body)["error_code"].as_str()),
        (400, Some("IMSIAM.4002"))
    );

    // g:SourceIp (the peer, 127.0.0.1) and g:CurrentTime are filled by the layer.
    let (status, _) = send(addr, "GET", "/v2/cloudimages", &[("X-User-Groups", "loopback")]).await;
    assert_eq!(status, 200);
    let (status, _) = send(addr, "GET", "/v2/cloudimages", &[("X-User-Groups", "office")]).await;
    assert_eq!(status, 403);
    let (status, _) = send(addr, "GET", &image, &[("X-User-Groups", "present")]).await;
    assert_eq!(status, 200);
    let (status, _) = send(addr, "GET", &image, &[("X-User-Groups", "past")]).await;
    assert_eq!(status, 403);

    // Hostile and unroutable requests: 400, never routed elsewhere.
    for (method, target) in [
        ("GET", "/v2/images/%2e%2e/cloudimages".to_owned()),
        ("GET", "/v2/cloudimages/../images".to_owned()),
        ("DELETE", format!("{image}/")),
        ("GET", "//v2/cloudimages".to_owned()),
        ("GET", "/v2/%69mages".to_owned()),
        ("GET", "/admin".to_owned()),
        ("GET", "/v2/images/not-a-uuid".to_owned()),
    ] {
        let (status, body) = send(addr, method, &target, &[("X-User-Name", "carol")]).await;
        assert_eq!(status, 400, "{method} {target}: {body}");
        assert_eq!(json(&body)["error_code"], "IMSIAM.4000", "{method} {target}");
    }
    // Identity headers: none is 401; a duplicate is 400.
    let (status, body) = send(addr, "GET", "/v2/cloudimages", &[]).await;
    assert_eq!(
        (status, json(&body)["error_code"].as_str()),
        (401, Some("IMSIAM.4010"))
    );
    let twice = [("X-User-Name", "bob"), ("X-User-Name", "carol")];
    let (status, body) = send(addr, "GET", "/v2/cloudimages", &twice).await;
    assert_eq!(
        (status, json(&body)["error_code"].as_str()),
        (400, Some("IMSIAM.4001"))
    );
    // An unknown group asserted by the header grants nothing.
    let (status, _) = send(addr, "GET", "/v2/cloudimages", &[("X-User-Groups", "admins")]).await;
    assert_eq!(status, 403);

    stop.send(()).unwrap();
    tokio::time::timeout(Duration::from_secs(10), server)
        .await
        .unwrap()
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hot_reload_behind_the_layer() {
    let dir = std::env::temp_dir().join(format!("ims-iam-gateway-reload-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let policies = Path::new(env!("CARGO_MANIFEST_DIR")).join("policies");
    let principals = |group: &str| {
        serde_json::json!({
            "policies": {"read-only": policies.join("ims-read-only.json"), "tagger": policies.join("ims-tag-operator.json")},
            "groups": {"g": {"attachments": [{"policy": group}]}},
        })
        .to_string()
    };
    let file = dir.join("principals.json");
    std::fs::write(&file, principals("read-only")).unwrap();
    let store = Arc::new(PolicyStore::open(&file).unwrap());
    let watcher = store.watch(Duration::from_millis(100)).unwrap();
    let (addr, stop, server) =
        start(Authorizer::new(Arc::clone(&store)).with_source_ip(SourceIp::None)).await;
    let tag = format!("/v2/images/{UUID}/tags/env");
    let groups = [("X-User-Groups", "g")];
    assert_eq!(send(addr, "PUT", &tag, &groups).await.0, 403);

    // A change on disk is picked up by the watcher.
    std::fs::write(&file, principals("tagger")).unwrap();
    let mut status = 0;
    for _ in 0..100 {
        status = send(addr, "PUT", &tag, &groups).await.0;
        if status == 200 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(status, 200, "the watcher reloaded");
    assert_eq!(store.revision(), 2);

    // A broken file: the old set keeps serving and the reason is kept.
    drop(watcher);
    std::fs::write(&file, "{\"policies\": {\"x\": \"missing.json\"}}").unwrap();
    let err = store.reload().unwrap_err();
    assert!(err.to_string().contains("missing.json"), "{err}");
    assert_eq!(store.revision(), 2);
    assert!(store.last_error().is_some());
    assert_eq!(send(addr, "PUT", &tag, &groups).await.0, 200);

    // On demand, once fixed.
    std::fs::write(&file, principals("read-only")).unwrap();
    assert_eq!(store.reload().unwrap(), 3);
    assert_eq!(store.last_error(), None);
    assert_eq!(send(addr, "PUT", &tag, &groups).await.0, 403);

    stop.send(()).unwrap();
    tokio::time::timeout(Duration::from_secs(10), server)
        .await
        .unwrap()
        .unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A writer collecting what the subscriber writes.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn records(captured: &Captured) -> Vec<Value> {
    let bytes = captured.0.lock().unwrap().clone();
    String::from_utf8(bytes).unwrap().lines().map(json).collect()
}

#[test]
fn one_json_decision_record_per_request() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .json()
        .flatten_event(true)
        .with_writer(move || writer.clone())
        .finish();
    let store = Arc::new(PolicyStore::open(fixture()).unwrap());
    let authorizer = Authorizer::new(store);
    tracing::subscriber::with_default(subscriber, || {
        let request = |method: &str, target: &str, user: &str| {
            http::Request::builder()
                .method(method)
                .uri(target)
                .header("X-User-Name", user)
                .header("X-Request-Id", format!("req-{user}"))
                .body(())
                .unwrap()
        };
        assert!(
            authorizer
                .authorize_request(&request("PUT", &format!("/v2/images/{UUID}/tags/env"), "alice"))
                .is_ok()
        );
        assert!(
            authorizer
                .authorize_request(&request("DELETE", &format!("/v2/images/{UUID}"), "alice"))
                .is_err()
        );
        assert!(
            authorizer
                .authorize_request(&request("GET", "/v2/images/%2e", "bob"))
                .is_err()
        );
    });
    let records = records(&captured);
    // Shown only when the test fails: a passing run prints nothing.
    assert_eq!(records.len(), 3, "{records:#?}");
    for r in &records {
        assert_eq!(r["target"], "ims_iam::decision");
        assert_eq!(r["revision"], 1);
        assert!(r["time"].as_str().unwrap().ends_with('Z'));
    }
    let allow = &records[0];
    assert_eq!(allow["request_id"], "req-alice");
    assert_eq!(allow["principal"], "alice");
    assert_eq!(allow["groups"], "image-taggers");
    assert_eq!(allow["method"], "PUT");
    assert_eq!(allow["template"], "/v2/images/{image_id}/tags/{tag}");
    assert_eq!(allow["decision"], "allow");
    assert_eq!(allow["reason"], "allow");
    assert_eq!(allow["status"], 200);
    assert_eq!(allow["deciding"], "tag-operator#0(ReadAndTagImages)");
    let deny = &records[1];
    assert_eq!(
        (deny["decision"].as_str(), deny["reason"].as_str()),
        (Some("deny"), Some("explicit_deny"))
    );
    assert_eq!(deny["deciding"], "deny-delete#0(NeverDeleteImages)");
    assert_eq!(deny["error_code"], "IMSIAM.4030");
    let bad = &records[2];
    assert_eq!(
        (bad["reason"].as_str(), bad["status"].as_u64()),
        (Some("error"), Some(400))
    );
    assert_eq!(bad["error_kind"], "dot_segment");
    assert!(bad.get("template").is_none());
}
