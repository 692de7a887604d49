//! `ims-iam serve` and `ims_iam::serve`: the forward-auth contract of each gateway mode over real HTTP
//! on 127.0.0.1, header bounds, `/healthz`, reload on SIGHUP and on file change, graceful shutdown.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::net::SocketAddr;
use std::path::Path;
use std::process::Command;
use std::sync::Arc;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use common::server::{Server, UUID, send, temp_principals};
use ims_iam::gateway::{Authorizer, PolicyStore};
use ims_iam::serve::{ForwardAuth, ServeConfig};

/// Runs `ims_iam::serve::run` on a thread with its own runtime; stops it when the sender is dropped.
fn serve_in_process(mode: ForwardAuth) -> (SocketAddr, mpsc::Sender<()>, std::thread::JoinHandle<()>) {
    let principals = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/principals.json");
    let store = Arc::new(PolicyStore::open(principals).unwrap());
    let authorizer = Arc::new(Authorizer::new(store));
    let (addr_tx, addr_rx) = mpsc::channel();
    let (stop, stopped) = mpsc::channel::<()>();
    let thread = std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            addr_tx.send(listener.local_addr().unwrap()).unwrap();
            let config = ServeConfig {
                mode,
                max_header_bytes: 8192,
                ..ServeConfig::default()
            };
            let shutdown = async move {
                let _ =
                    tokio::task::spawn_blocking(move || stopped.recv_timeout(Duration::from_secs(60))).await;
            };
            ims_iam::serve::run(listener, authorizer, config, shutdown)
                .await
                .unwrap();
        });
    });
    (
        addr_rx.recv_timeout(Duration::from_secs(10)).unwrap(),
        stop,
        thread,
    )
}

#[test]
fn nginx_mode() {
    let (addr, stop, thread) = serve_in_process(ForwardAuth::Nginx);
    let tag = format!("/v2/images/{UUID}/tags/env");
    let check = |method: &str, uri: &str, user: &str| {
        send(
            addr,
            "GET /auth",
            &[
                ("X-Original-Method", method),
                ("X-Original-URI", uri),
                ("X-User-Name", user),
            ],
        )
    };
    let (status, head, body) = check("PUT", &tag, "alice");
    assert_eq!(status, 200, "{body}");
    assert!(head.contains("x-ims-iam-decision: allow"), "{head}");
    assert!(head.contains("x-ims-iam-revision: 1"), "{head}");
    let (status, head, body) = check("PUT", &tag, "bob");
    assert_eq!(status, 403);
    assert!(head.contains("x-ims-iam-error-code: imsiam.4031"), "{head}");
    assert!(body.contains(r#""error_code":"IMSIAM.4031""#), "{body}");
    assert_eq!(check("DELETE", &format!("/v2/images/{UUID}"), "alice").0, 403);
    assert_eq!(check("GET", "/v2/images/%2E%2E", "alice").0, 400);
    assert_eq!(check("get", "/v2/cloudimages", "bob").0, 400);

    // The nginx mode reads only the nginx headers: Traefik's are a client's, not the gateway's.
    let traefik = [
        ("X-Forwarded-Method", "GET"),
        ("X-Forwarded-Uri", "/v2/cloudimages"),
        ("X-User-Name", "bob"),
    ];
    let (status, _, body) = send(addr, "GET /auth", &traefik);
    assert_eq!(status, 400);
    assert!(body.contains("IMSIAM.4003"), "{body}");
    // Two X-Original-URI headers (one appended by a client) are refused.
    let twice = [
        ("X-Original-Method", "GET"),
        ("X-Original-URI", "/v2/cloudimages"),
        ("X-Original-URI", "/v2/images"),
        ("X-User-Name", "bob"),
    ];
    assert_eq!(send(addr, "GET /auth", &twice).0, 400);

    // Bounded headers: beyond the limit hyper answers 431 without calling us.
    let big = "x".repeat(10_000);
    let (status, _, _) = send(
        addr,
        "GET /auth",
        &[("X-Original-Method", "GET"), ("Cookie", &big)],
    );
    assert_eq!(status, 431);

    let (status, head, body) = send(addr, "GET /healthz", &[]);
    assert_eq!(status, 200);
    assert!(head.contains("application/json"));
    let health: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(health["status"], "ok");
    assert_eq!(health["revision"], 1);
    assert_eq!(health["ready"], true);
    assert_eq!(health["reloading"], false);
    let (status, _, body) = send(addr, "GET /readyz", &[]);
    assert_eq!(status, 200, "{body}");
    assert!(body.contains(r#""status":"ready""#), "{body}");

    drop(stop);
    thread.join().unwrap();
}

#[test]
fn traefik_and_envoy_modes() {
    let (addr, stop, thread) = serve_in_process(ForwardAuth::Traefik);
    let list = [
        ("X-Forwarded-Method", "GET"),
        ("X-Forwarded-Uri", "/v2/cloudimages?limit=5"),
        ("X-User-Name", "bob"),
    ];
    assert_eq!(send(addr, "GET /", &list).0, 200);
    let delete = [
        ("X-Forwarded-Method", "DELETE"),
        ("X-Forwarded-Uri", "/v2/images/x"),
        ("X-User-Name", "bob"),
    ];
    assert_eq!(send(addr, "GET /", &delete).0, 400);
    drop(stop);
    thread.join().unwrap();

    let (addr, stop, thread) = serve_in_process(ForwardAuth::Envoy {
        path_prefix: "/authz".into(),
    });
    assert_eq!(
        send(addr, "GET /authz/v2/cloudimages", &[("X-User-Name", "bob")]).0,
        200
    );
    let tag = format!("PUT /authz/v2/images/{UUID}/tags/env");
    assert_eq!(send(addr, &tag, &[("X-User-Name", "bob")]).0, 403);
    assert_eq!(send(addr, &tag, &[("X-User-Name", "alice")]).0, 200);
    assert_eq!(
        send(addr, "GET /v2/cloudimages", &[("X-User-Name", "bob")]).0,
        400,
        "outside the prefix"
    );
    assert_eq!(
        send(addr, "GET /authzv2/cloudimages", &[("X-User-Name", "bob")]).0,
        400
    );
    assert_eq!(send(addr, "GET /healthz", &[]).0, 200);
    drop(stop);
    thread.join().unwrap();
}

#[test]
fn binary_reloads_on_sighup_and_stops_on_sigterm() {
    let (file, write) = temp_principals("sighup");
    let server = Server::start(&file, &["--watch", "0", "--log-format", "json"]);
    let tag = format!("/v2/images/{UUID}/tags/env");
    assert_eq!(server.check("PUT", &tag, "bob"), 403);
    // The decision record is JSON on standard error.
    let record = server.wait_for("\"ims_iam::decision\"");
    let record: serde_json::Value = serde_json::from_str(&record).unwrap();
    assert_eq!(record["reason"], "implicit_deny");

    write("tagger");
    assert_eq!(
        server.check("PUT", &tag, "bob"),
        403,
        "no watching: nothing changes before SIGHUP"
    );
    server.signal("HUP");
    server.wait_for("policy set reloaded");
    assert_eq!(server.check("PUT", &tag, "bob"), 200);

    // A broken file: the old set keeps serving; /healthz says why.
    std::fs::write(
        &file,
        "{\"policies\": {}, \"users\": {\"bob\": {\"groups\": [\"nope\"]}}}",
    )
    .unwrap();
    server.signal("HUP");
    server.wait_for("reload failed");
    assert_eq!(server.check("PUT", &tag, "bob"), 200);
    let (_, _, body) = send(server.addr, "GET /healthz", &[]);
    let health: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(health["revision"], 2);
    assert!(
        health["last_reload_error"].as_str().unwrap().contains("nope"),
        "{health}"
    );
    // Liveness stays 200 while the old set serves; readiness says the last reload failed.
    assert_eq!(send(server.addr, "GET /healthz", &[]).0, 200);
    let (status, _, body) = send(server.addr, "GET /readyz", &[]);
    assert_eq!(status, 503, "{body}");
    let ready: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(ready["status"], "reload_failed");
    assert_eq!(ready["ready"], false);
    assert_eq!(ready["revision"], 2);
    // Fixed: ready again.
    write("read-only");
    server.signal("HUP");
    server.wait_for("policy set reloaded");
    assert_eq!(send(server.addr, "GET /readyz", &[]).0, 200);

    let mut server = server;
    server.signal("TERM");
    let deadline = Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(status) = server.child.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "no graceful shutdown within 10 s");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(status.code(), Some(0));
    std::fs::remove_dir_all(file.parent().unwrap()).unwrap();
}

#[test]
fn binary_reloads_when_a_file_changes() {
    let (file, write) = temp_principals("watch");
    let server = Server::start(&file, &["--watch", "1", "--no-decision-log"]);
    let tag = format!("/v2/images/{UUID}/tags/env");
    assert_eq!(server.check("PUT", &tag, "bob"), 403);
    write("tagger");
    server.wait_for("policy set reloaded");
    assert_eq!(server.check("PUT", &tag, "bob"), 200);
    std::fs::remove_dir_all(file.parent().unwrap()).unwrap();
}

#[test]
fn binary_refuses_invalid_principals() {
    let dir = std::env::temp_dir().join(format!("ims-iam-serve-invalid-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("principals.json");
    std::fs::write(&file, "{\"policies\": {\"p\": \"missing.json\"}}").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_ims-iam"))
        .args(["serve", "--listen", "127.0.0.1:0", "--principals"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("missing.json"));
    std::fs::remove_dir_all(&dir).unwrap();
}

/// `ims-iam serve` with policies exactly as the IAM API exports them (a list response and a custom
/// agency policy, tests/fixtures/exports/principals.json), and with `--cloud`.
#[test]
fn serve_decides_with_exported_policies_and_a_cloud_profile() {
    let principals = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/exports/principals.json");
    let image = format!("/v2/images/{UUID}");
    let tag = format!("{image}/tags/env");
    let job = "/v1/0123456789abcdef0123456789abcdef/jobs/ff8080814dbd65d7014dbe0d84db0013";

    let server = Server::start(&principals, &["--no-decision-log"]);
    // alice: the two roles of the list response.
    assert_eq!(server.check("PUT", &tag, "alice"), 200);
    assert_eq!(server.check("DELETE", &image, "alice"), 403);
    // dave: the agency policy; its Allow limited to the agency's URI grants nothing for IMS.
    assert_eq!(server.check("GET", "/v2/cloudimages", "dave"), 200);
    assert_eq!(server.check("DELETE", &image, "dave"), 403);
    // Every SDK workflow polls its job and discovers versions: routed, no action required.
    assert_eq!(server.check("GET", job, "dave"), 200);
    assert_eq!(server.check("GET", "/v2", "dave"), 200);
    assert_eq!(server.check("POST", "/v2.1/cloudimages/action", "dave"), 403);
    // erin may delete images with OTC's facts (`ims:images:delete` alone) ...
    assert_eq!(server.check("DELETE", &image, "erin"), 200);
    drop(server);

    // ... but not with eu-west-0's, whose table also requires `ims:images:get`.
    let server = Server::start(&principals, &["--no-decision-log", "--cloud", "eu-west-0"]);
    assert_eq!(server.check("DELETE", &image, "erin"), 403);
    assert_eq!(server.check("PUT", &tag, "alice"), 200);
    assert_eq!(server.check("GET", job, "dave"), 200);
}

/// Issue 16: a typo'd action is a warning in the log and in `/healthz` and `/readyz` (still ready); a
/// request without `X-Request-Id` gets the decision id as its request id, in the log and the error
/// body; a rejected request's record names its target; `--listen` takes a host name.
#[test]
fn binary_reports_policy_warnings_and_request_ids() {
    let dir = std::env::temp_dir().join(format!("ims-iam-serve-warn-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("typo.json"),
        r#"{"Version": "1.1", "Statement": [{"Effect": "Allow", "Action": ["ims:images:list", "ims:images:lst"]}]}"#,
    )
    .unwrap();
    let file = dir.join("principals.json");
    std::fs::write(
        &file,
        r#"{"policies": {"typo": "typo.json"}, "users": {"bob": {"attachments": [{"policy": "typo"}]}}}"#,
    )
    .unwrap();
    let server = Server::start(&file, &["--watch", "0", "--log-format", "json"]);
    // Logged at start (before the address, which `start` waits for) and after every reload.
    server.signal("HUP");
    let warning = server.wait_for("policy warning");
    assert!(
        warning.contains("ims:images:lst") && warning.contains("ims:images:list"),
        "{warning}"
    );
    for probe in ["GET /healthz", "GET /readyz"] {
        let (status, _, body) = send(server.addr, probe, &[]);
        assert_eq!(status, 200, "{body}");
        let v: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert!(
            v["warnings"][0].as_str().unwrap().contains("`ims:images:lst`"),
            "{v}"
        );
    }

    let target = format!("/v2/images/{UUID}/..");
    let (status, head, body) = server.exchange("GET", &target, "bob");
    assert_eq!(status, 400, "{body}");
    let body: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(body["request_id"], body["decision_id"], "{body}");
    assert!(head.contains("x-decision-id"), "{head}");
    let record = server.wait_for("\"ims_iam::decision\"");
    let record: serde_json::Value = serde_json::from_str(&record).unwrap();
    assert_eq!(record["request_target"], target.as_str(), "{record}");
    assert_eq!(record["request_id"], body["decision_id"], "{record}");
    drop(server);

    // A host name resolves.
    let out = Command::new(env!("CARGO_BIN_EXE_ims-iam"))
        .args(["serve", "--listen", "localhost", "--principals"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "no port is a usage error");
    std::fs::remove_dir_all(&dir).unwrap();
}
