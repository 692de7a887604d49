//! Slow clients cannot lock the proxy out: with `--max-connections` slots all held by connections
//! that send one header byte at a time (slowloris), and reopened as soon as the server closes them,
//! the proxy's own requests are still answered within a second, thanks to the default header timeout
//! (`--header-timeout`, 0.5 s). Loopback only; every slow client stops and is joined at the end.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::Write as _;
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use common::server::{Server, UUID, temp_principals};

const SLOTS: usize = 8;
/// More slow clients than slots (the surplus waits in the listen backlog), fewer than twice as many.
const SLOW_CLIENTS: usize = 12;

/// A client that opens a connection and sends a never-ending header one byte every 100 ms; when the
/// server closes the connection, it opens another. Counts the connections the server closed.
fn slow_client(addr: SocketAddr, stop: Arc<AtomicBool>, closed: Arc<AtomicUsize>) -> JoinHandle<()> {
    std::thread::spawn(move || {
        let head = b"GET /auth HTTP/1.1\r\nHost: auth\r\nX-Slow: ";
        while !stop.load(Ordering::Relaxed) {
            let Ok(mut stream) = TcpStream::connect(addr) else {
                std::thread::sleep(Duration::from_millis(20));
                continue;
            };
            stream.set_write_timeout(Some(Duration::from_secs(1))).unwrap();
            let bytes = head.iter().copied().chain(std::iter::repeat(b'a'));
            for byte in bytes {
                if stop.load(Ordering::Relaxed) {
                    return;
                }
                if stream.write_all(&[byte]).is_err() {
                    closed.fetch_add(1, Ordering::Relaxed);
                    break;
                }
                std::thread::sleep(Duration::from_millis(100));
            }
        }
    })
}

#[test]
fn slow_connections_filling_every_slot_delay_a_request_less_than_a_second() {
    let (file, _) = temp_principals("slots");
    let server = Server::start(
        &file,
        &[
            "--watch",
            "0",
            "--no-decision-log",
            "--max-connections",
            &SLOTS.to_string(),
        ],
    );
    let stop = Arc::new(AtomicBool::new(false));
    let closed = Arc::new(AtomicUsize::new(0));
    let clients: Vec<_> = (0..SLOW_CLIENTS)
        .map(|_| slow_client(server.addr, Arc::clone(&stop), Arc::clone(&closed)))
        .collect();
    std::thread::sleep(Duration::from_millis(300));

    let get = format!("/v2/images/{UUID}");
    let mut slowest = Duration::ZERO;
    for _ in 0..10 {
        let start = Instant::now();
        assert_eq!(server.check("GET", &get, "bob"), 200);
        slowest = slowest.max(start.elapsed());
        std::thread::sleep(Duration::from_millis(50));
    }
    let closed_by_server = closed.load(Ordering::Relaxed);
    stop.store(true, Ordering::Relaxed);
    for client in clients {
        client.join().unwrap();
    }
    assert!(slowest < Duration::from_secs(1), "a request waited {slowest:?}");
    // The slow clients did hold the slots: the server had to close them for missing the timeout.
    assert!(
        closed_by_server >= SLOTS,
        "only {closed_by_server} slow connections closed"
    );
    drop(server);
    std::fs::remove_dir_all(file.parent().unwrap()).unwrap();
}
