//! A Rust gateway in front of a stub IMS API: every request goes through `AuthorizeLayer` first;
//! the stub only ever sees allowed requests, with the decision attached.
//!
//! ```sh
//! cargo run --example gateway -- examples/principals.json 127.0.0.1:8080 60
//! curl -i -X PUT -H 'X-User-Name: alice' \
//!     http://127.0.0.1:8080/v2/images/0b3b6d4e-8f0a-4c1e-9a57-3c0b8f6f2d11/tags/env
//! ```
//!
//! Arguments: the principals file, the address (default `127.0.0.1:8080`), and how many seconds to run
//! (default 60; it also stops on Ctrl-C). The principals and policy files are reloaded when they change.
//! In a real deployment the identity headers come from the authenticating proxy in front, which must
//! overwrite whatever the client sent (see the README, "Putting ims-iam in front of an IMS endpoint").

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use ims_iam::gateway::{AuthorizeLayer, Authorized, Authorizer, PeerAddr, PolicyStore};
use tokio::net::TcpListener;
use tower_layer::Layer;
use tower_service::Service;

/// The stub IMS API: answers 200 with the API the request was authorized for.
#[derive(Debug, Clone, Copy)]
pub struct StubIms;

impl<B> Service<Request<B>> for StubIms {
    type Response = Response<Full<Bytes>>;
    type Error = Infallible;
    type Future = std::future::Ready<Result<Self::Response, Infallible>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request<B>) -> Self::Future {
        let body = match request.extensions().get::<Authorized>() {
            Some(a) => serde_json::json!({
                "stub": "ims",
                "operation": a.operation().name(),
                "template": a.operation().template(),
                "principal": a.principal(),
                "revision": a.revision(),
            }),
            // Unreachable behind the layer; fail closed anyway.
            None => serde_json::json!({"error_code": "STUB.0500", "error_msg": "not authorized"}),
        };
        let mut response = Response::new(Full::from(body.to_string()));
        if request.extensions().get::<Authorized>().is_none() {
            *response.status_mut() = http::StatusCode::INTERNAL_SERVER_ERROR;
        }
        std::future::ready(Ok(response))
    }
}

/// Serves the stub behind the layer on `listener` until `shutdown` completes.
pub async fn serve(
    listener: TcpListener,
    authorizer: Authorizer,
    shutdown: impl Future<Output = ()>,
) -> std::io::Result<()> {
    let service = AuthorizeLayer::new(authorizer).layer(StubIms);
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let service = service.clone();
        // hyper does not tell services who the peer is: put it where the layer looks for it.
        let per_request = hyper::service::service_fn(move |mut request: Request<Incoming>| {
            request.extensions_mut().insert(PeerAddr(peer));
            let mut service = service.clone();
            async move {
                std::future::poll_fn(|cx| Service::<Request<Incoming>>::poll_ready(&mut service, cx)).await?;
                service.call(request).await
            }
        });
        let connection = hyper::server::conn::http1::Builder::new()
            .max_buf_size(16 * 1024)
            .serve_connection(TokioIo::new(stream), per_request);
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            let _ = connection.await;
        });
    }
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(Duration::from_secs(5)) => {}
    }
    Ok(())
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_ansi(false)
        .with_writer(std::io::stderr)
        .init();
    let mut args = std::env::args().skip(1);
    let Some(principals) = args.next() else {
        eprintln!("usage: gateway PRINCIPALS [ADDR] [SECONDS]");
        return ExitCode::from(2);
    };
    let addr: SocketAddr = match args.next().unwrap_or_else(|| "127.0.0.1:8080".into()).parse() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("error: invalid address: {e}");
            return ExitCode::from(2);
        }
    };
    let seconds: u64 = args.next().and_then(|s| s.parse().ok()).unwrap_or(60);
    let store = match PolicyStore::open(&principals) {
        Ok(s) => Arc::new(s),
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let _watcher = store.watch(Duration::from_secs(2));
    let authorizer = Authorizer::new(Arc::clone(&store));
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let result = runtime.block_on(async move {
        let listener = TcpListener::bind(addr).await?;
        eprintln!(
            "stub IMS behind ims-iam on http://{}/ for {seconds} s",
            listener.local_addr()?
        );
        let stop = async move {
            tokio::select! {
                () = tokio::time::sleep(Duration::from_secs(seconds)) => {}
                _ = tokio::signal::ctrl_c() => {}
            }
        };
        serve(listener, authorizer, stop).await
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}
