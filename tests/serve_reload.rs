//! A reload never stalls a decision or a health check: a policy file that cannot be read (a FIFO
//! without a writer, as a hung file system behaves) and a large policy set, reloaded while requests and
//! `/healthz` polls keep flowing, over real HTTP on 127.0.0.1. Every test bounds its waits and releases
//! what it blocked.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::fs::OpenOptions;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::server::{Server, UUID, send};
use ims_iam::gateway::PolicyStore;
use serde_json::{Value, json};

const TAGGER: &str = r#"{"Version": "1.1", "Statement": [{"Effect": "Allow", "Action": ["ims:images:get", "ims:images:update"]}]}"#;
const READER: &str =
    r#"{"Version": "1.1", "Statement": [{"Effect": "Allow", "Action": ["ims:images:get"]}]}"#;

/// How long one answer may take while a reload runs or hangs: far above the milliseconds it takes,
/// far below the hang.
const BOUND: Duration = Duration::from_secs(1);

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ims-iam-reload-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A principals file granting `bob` the policy file `hung.json` (with `TAGGER` in it).
fn principals_with_hung_policy(dir: &Path) -> PathBuf {
    std::fs::write(dir.join("hung.json"), TAGGER).unwrap();
    let file = dir.join("principals.json");
    let text = json!({
        "policies": {"hung": "hung.json"},
        "users": {"bob": {"attachments": [{"policy": "hung"}]}},
    });
    std::fs::write(&file, text.to_string()).unwrap();
    file
}

/// Turns `path` into a FIFO: opening it for reading blocks until a writer comes.
fn make_fifo(path: &Path) {
    std::fs::remove_file(path).unwrap();
    let status = Command::new("mkfifo").arg(path).status().unwrap();
    assert!(status.success(), "mkfifo failed");
}

/// Unblocks whoever reads the FIFO at `path`: replaces it by a regular file holding `content` (so
/// that later opens read that file), then feeds `content` to the blocked reader and closes. Runs on
/// drop too, so a failing test leaves no thread blocked.
struct Release {
    fifo: PathBuf,
    content: &'static str,
    done: bool,
}

impl Release {
    fn now(&mut self) {
        if std::mem::replace(&mut self.done, true) {
            return;
        }
        // Read and write: on Linux this open never blocks, and it wakes a reader blocked in open.
        let mut pipe = OpenOptions::new()
            .read(true)
            .write(true)
            .open(&self.fifo)
            .unwrap();
        let staged = self.fifo.with_extension("staged");
        std::fs::write(&staged, self.content).unwrap();
        std::fs::rename(&staged, &self.fifo).unwrap();
        pipe.write_all(self.content.as_bytes()).unwrap();
    }
}

impl Drop for Release {
    fn drop(&mut self) {
        self.now();
    }
}

fn timed<T>(what: &str, f: impl FnOnce() -> T) -> T {
    let start = Instant::now();
    let out = f();
    let took = start.elapsed();
    assert!(took < BOUND, "{what} took {took:?} while a reload ran");
    out
}

fn health(server: &Server) -> Value {
    let (status, _, body) = timed("GET /healthz", || send(server.addr, "GET /healthz", &[]));
    assert_eq!(status, 200, "{body}");
    serde_json::from_str(&body).unwrap()
}

#[cfg(target_os = "linux")]
#[test]
fn a_reload_hung_on_a_fifo_delays_no_decision_and_no_health_check() {
    let dir = temp_dir("fifo");
    let file = principals_with_hung_policy(&dir);
    let server = Server::start(&file, &["--watch", "0", "--no-decision-log"]);
    let tag = format!("/v2/images/{UUID}/tags/env");
    assert_eq!(server.check("PUT", &tag, "bob"), 200);

    let fifo = dir.join("hung.json");
    make_fifo(&fifo);
    let mut release = Release {
        fifo,
        content: READER,
        done: false,
    };
    server.signal("HUP");
    // The reload blocks opening the FIFO; health checks say so, without waiting for it.
    let deadline = Instant::now() + Duration::from_secs(10);
    while health(&server)["reloading"] != true {
        assert!(Instant::now() < deadline, "the reload never started");
        std::thread::sleep(Duration::from_millis(20));
    }
    // More SIGHUPs while it hangs are coalesced with it.
    server.signal("HUP");
    server.signal("HUP");
    let polls_until = Instant::now() + Duration::from_millis(1500);
    let mut rounds = 0;
    while Instant::now() < polls_until {
        let h = health(&server);
        assert_eq!(
            (h["reloading"].clone(), h["revision"].clone()),
            (json!(true), json!(1)),
            "{h}"
        );
        let (ready, _, _) = timed("GET /readyz", || send(server.addr, "GET /readyz", &[]));
        assert_eq!(ready, 200, "a reload in progress has not failed");
        let status = timed("a decision", || server.check("PUT", &tag, "bob"));
        assert_eq!(status, 200, "the old set serves");
        rounds += 1;
    }
    assert!(rounds > 3, "only {rounds} rounds in 1.5 s");

    // Released: the hung reload loads what the FIFO gave, then one follow-up reload (for the two
    // coalesced SIGHUPs) reads the regular file now in its place.
    release.now();
    server.wait_for("policy set reloaded");
    server.wait_for("policy set reloaded");
    let deadline = Instant::now() + Duration::from_secs(10);
    while health(&server)["reloading"] != false {
        assert!(Instant::now() < deadline, "the reload never ended");
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(
        health(&server)["revision"],
        3,
        "two SIGHUPs during the hang: one follow-up"
    );
    assert_eq!(
        server.check("PUT", &tag, "bob"),
        403,
        "the new set (read only) serves"
    );
    drop(server);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[cfg(target_os = "linux")]
#[test]
fn a_reload_request_during_a_hung_reload_returns_at_once_and_is_coalesced() {
    let dir = temp_dir("store");
    let file = principals_with_hung_policy(&dir);
    let store = Arc::new(PolicyStore::open(&file).unwrap());
    let fifo = dir.join("hung.json");
    make_fifo(&fifo);
    let mut release = Release {
        fifo,
        content: READER,
        done: false,
    };
    let reloader = {
        let store = Arc::clone(&store);
        std::thread::spawn(move || store.reload())
    };
    let deadline = Instant::now() + Duration::from_secs(10);
    while !store.is_reloading() {
        assert!(Instant::now() < deadline, "the reload never started");
        std::thread::sleep(Duration::from_millis(5));
    }
    for _ in 0..3 {
        let outcome = timed("request_reload", || store.request_reload());
        assert!(outcome.is_none(), "a reload runs: coalesced");
        assert_eq!(
            timed("reload_if_changed", || store.reload_if_changed().unwrap()),
            None
        );
        assert_eq!(timed("last_error", || store.last_error()), None);
        assert_eq!(store.revision(), 1);
    }
    release.now();
    assert_eq!(reloader.join().unwrap().unwrap(), 2);
    // The three requests made during the hang were served by exactly one more reload.
    assert_eq!(store.revision(), 3);
    assert!(!store.is_reloading());
    assert_eq!(
        store.request_reload().unwrap().unwrap(),
        4,
        "no reload runs: at once"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Policy files big enough that a reload takes a noticeable time even in an optimized build.
fn large_principals(dir: &Path, files: usize, statements: usize) -> PathBuf {
    let mut policies = serde_json::Map::new();
    for f in 0..files {
        let statements: Vec<Value> = (0..statements)
            .map(|s| {
                json!({
                    "Effect": "Allow",
                    "Action": ["ims:images:get", format!("ims:*:list{s}*"), "ims:serverImages:*"],
                    "Condition": {"StringEquals": {"g:UserName": [format!("user-{f}-{s}")]},
                                  "IpAddress": {"g:SourceIp": ["10.0.0.0/8", "2001:db8::/32"]}},
                })
            })
            .collect();
        let name = format!("p{f}.json");
        let document = json!({"Version": "1.1", "Statement": statements});
        std::fs::write(dir.join(&name), document.to_string()).unwrap();
        policies.insert(format!("p{f}"), json!(name));
    }
    let attachments: Vec<Value> = policies.keys().map(|p| json!({"policy": p})).collect();
    std::fs::write(dir.join("read-only.json"), READER).unwrap();
    policies.insert("read-only".into(), json!("read-only.json"));
    let file = dir.join("principals.json");
    let text = json!({
        "policies": policies,
        "groups": {"big": {"attachments": attachments}},
        "users": {"bob": {"attachments": [{"policy": "read-only"}]}},
    });
    std::fs::write(&file, text.to_string()).unwrap();
    file
}

#[test]
fn requests_during_a_long_reload_do_not_wait_for_it() {
    let dir = temp_dir("large");
    let file = large_principals(&dir, 20, 1000);
    let server = Server::start(&file, &["--watch", "0", "--no-decision-log"]);
    let get = format!("/v2/images/{UUID}");
    assert_eq!(server.check("GET", &get, "bob"), 200);

    server.signal("HUP");
    let started = Instant::now();
    let (mut during, mut slowest) = (0, Duration::ZERO);
    loop {
        let h = health(&server);
        if h["revision"] == 2 {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "the reload never ended"
        );
        if h["reloading"] == true {
            let start = Instant::now();
            let status = server.check("GET", &get, "bob");
            slowest = slowest.max(start.elapsed());
            assert_eq!(status, 200);
            during += 1;
        }
    }
    let reload = started.elapsed();
    // The property, not a benchmark: requests kept being answered throughout the reload, each in a
    // small fraction of it.
    assert!(
        during >= 5,
        "only {during} requests while the reload ({reload:?}) ran"
    );
    assert!(
        slowest < BOUND,
        "a request took {slowest:?} during a {reload:?} reload"
    );
    assert!(
        slowest * 4 < reload,
        "a request took {slowest:?} during a {reload:?} reload"
    );
    drop(server);
    std::fs::remove_dir_all(&dir).unwrap();
}
