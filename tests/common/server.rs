//! A running `ims-iam serve` for the server tests, and raw HTTP/1.1 exchanges with it.

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// An image id for targets.
pub const UUID: &str = "0b3b6d4e-8f0a-4c1e-9a57-3c0b8f6f2d11";

/// One raw HTTP/1.1 exchange (`Connection: close`): status, lower-cased response headers, body.
pub fn send(addr: SocketAddr, request_line: &str, headers: &[(&str, &str)]) -> (u16, String, String) {
    let mut request = format!("{request_line} HTTP/1.1\r\nHost: auth\r\nConnection: close\r\n");
    for (k, v) in headers {
        request.push_str(&format!("{k}: {v}\r\n"));
    }
    request.push_str("\r\n");
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    let mut response = Vec::new();
    let _ = stream.read_to_end(&mut response);
    let text = String::from_utf8_lossy(&response).into_owned();
    let status = text.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    (status, head.to_ascii_lowercase(), body.to_owned())
}

/// A running `ims-iam serve`, killed if the test fails before stopping it.
pub struct Server {
    /// The process.
    pub child: Child,
    /// Where it listens.
    pub addr: SocketAddr,
    lines: mpsc::Receiver<String>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    /// Starts `ims-iam serve --principals FILE EXTRA...` on a free loopback port.
    pub fn start(principals: &Path, extra: &[&str]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_ims-iam"))
            .args([
                "serve",
                "--listen",
                "127.0.0.1:0",
                "--shutdown-timeout",
                "5",
                "--principals",
            ])
            .arg(principals)
            .args(extra)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = child.stderr.take().unwrap();
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let mut server = Server {
            child,
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            lines,
        };
        let line = server.wait_for("listening on ");
        let addr: String = line
            .rsplit("listening on ")
            .next()
            .unwrap()
            .chars()
            .take_while(|c| c.is_ascii_digit() || *c == '.' || *c == ':')
            .collect();
        server.addr = addr.parse().unwrap();
        server
    }

    /// The first log line containing `needle` (within 10 s).
    pub fn wait_for(&self, needle: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) if line.contains(needle) => return line,
                Ok(_) => {}
                Err(e) => panic!("no log line with {needle:?}: {e}"),
            }
        }
    }

    /// Sends a signal (`HUP`, `TERM`, ...).
    pub fn signal(&self, name: &str) {
        let status = Command::new("kill")
            .args([&format!("-{name}"), &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
    }

    /// The status of an nginx-mode check of `method uri` by `user`.
    pub fn check(&self, method: &str, uri: &str, user: &str) -> u16 {
        self.exchange(method, uri, user).0
    }

    /// An nginx `auth_request` check of `METHOD URI` for `user`: status, lower-cased head, body.
    pub fn exchange(&self, method: &str, uri: &str, user: &str) -> (u16, String, String) {
        send(
            self.addr,
            "GET /auth",
            &[
                ("X-Original-Method", method),
                ("X-Original-URI", uri),
                ("X-User-Name", user),
            ],
        )
    }
}

/// A principals file in a fresh temporary directory giving `bob` one bundled policy, and a function
/// that rewrites it with another (`read-only` or `tagger`).
pub fn temp_principals(name: &str) -> (PathBuf, impl Fn(&str)) {
    let dir = std::env::temp_dir().join(format!("ims-iam-serve-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("principals.json");
    let policies = Path::new(env!("CARGO_MANIFEST_DIR")).join("policies");
    let target = file.clone();
    let write = move |policy: &str| {
        let text = serde_json::json!({
            "policies": {
                "read-only": policies.join("ims-read-only.json"),
                "tagger": policies.join("ims-tag-operator.json"),
            },
            "users": {"bob": {"attachments": [{"policy": policy}]}},
        });
        std::fs::write(&target, text.to_string()).unwrap();
    };
    write("read-only");
    (file, write)
}
