//! The forward-auth HTTP service behind `ims-iam serve` (feature `serve`): gateways ask it whether a
//! request may pass, before they send it on to IMS.
//!
//! | gateway | what it sends | configure |
//! |---|---|---|
//! | nginx `auth_request` | a subrequest; the original method and URI in headers the configuration sets | [`ForwardAuth::Nginx`]: `X-Original-Method`, `X-Original-URI` |
//! | Traefik `ForwardAuth` | a `GET` with `X-Forwarded-Method` and `X-Forwarded-Uri` | [`ForwardAuth::Traefik`] |
//! | Envoy `ext_authz` (HTTP service) | the original method, and the original path after a configured `path_prefix` | [`ForwardAuth::Envoy`] |
//!
//! The mode is chosen, never guessed from the headers present: behind nginx, a client's own
//! `X-Forwarded-Uri` must not be able to name the request that gets authorized.
//!
//! Answers: `200` allow, `403` deny, `401` no principal, `400` bad request (unroutable target,
//! malformed identity headers, missing forwarded-request headers), each with the headers
//! `X-Ims-Iam-Decision` (`allow`/`deny`), `X-Ims-Iam-Reason`, `X-Ims-Iam-Revision`, `X-Decision-Id`
//! (the decision record's id) and, when refused, `X-Ims-Iam-Error-Code` and the JSON error body of
//! [`Rejection`]. `GET /healthz` (liveness) answers 200 `{"status": "ok", "ready": true|false,
//! "reloading": ..., "revision": N, "last_reload_error": ...}` while the last good policy set serves;
//! `GET /readyz` (readiness) answers the same body with 200 (`"status": "ready"`) or, when the last
//! reload failed, 503 (`"status": "reload_failed"`). Both read an atomically swapped status: a reload in
//! progress never delays them, nor any decision.
//!
//! Shadow mode ([`Authorizer::dry_run`], `ims-iam serve --dry-run`): every request is decided and logged
//! as usual, and every answer is `200` with `X-Ims-Iam-Decision: allow` and `X-Ims-Iam-Enforced: false`;
//! a request that enforcing would refuse also carries `X-Ims-Iam-Shadow-Decision: deny`, its
//! `X-Ims-Iam-Reason` and `X-Ims-Iam-Error-Code`.
//!
//! HTTP/1.1 only; request headers are bounded ([`ServeConfig::max_header_bytes`], 431 beyond), so is
//! the time to receive them and the number of connections; request bodies are never read.
//!
//! ```no_run
//! use std::sync::Arc;
//! use ims_iam::gateway::{Authorizer, PolicyStore};
//! use ims_iam::serve::{self, ServeConfig};
//!
//! # async fn example() -> Result<(), Box<dyn std::error::Error>> {
//! let store = Arc::new(PolicyStore::open("principals.json")?);
//! let authorizer = Arc::new(Authorizer::new(Arc::clone(&store)));
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:9090").await?;
//! tokio::spawn(serve::reload_on_sighup(store));
//! serve::run(listener, authorizer, ServeConfig::default(), serve::shutdown_signal()).await?;
//! # Ok(())
//! # }
//! ```

use std::convert::Infallible;
use std::future::Future;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use http::header::HeaderName;
use http::{HeaderMap, HeaderValue, Request, Response};
use http_body_util::Full;
use hyper::body::Bytes;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

use crate::gateway::{Authorizer, DecisionId, Rejection};

mod probes;
mod signals;

use probes::Probe;
pub use signals::{reload_on_sighup, shutdown_signal};

/// The `tracing` target of the server's own events (listening, shutdown, connection errors).
pub const SERVE_TARGET: &str = "ims_iam::serve";

/// Which gateway asks, and so where the original request's method and target are.
///
/// ```
/// use ims_iam::serve::ForwardAuth;
/// assert_eq!("traefik".parse::<ForwardAuth>().unwrap(), ForwardAuth::Traefik);
/// assert!("haproxy".parse::<ForwardAuth>().is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum ForwardAuth {
    /// nginx `auth_request`: `X-Original-Method` and `X-Original-URI`, which the nginx configuration
    /// must set (`$request_method`, `$request_uri`).
    #[default]
    Nginx,
    /// Traefik `ForwardAuth`: `X-Forwarded-Method` and `X-Forwarded-Uri`.
    Traefik,
    /// Envoy HTTP `ext_authz`: the request's own method, and its target after `path_prefix` (the
    /// `path_prefix` of the `http_service`; empty for none).
    Envoy {
        /// The prefix Envoy puts before the original path.
        path_prefix: String,
    },
}

impl std::str::FromStr for ForwardAuth {
    type Err = String;
    fn from_str(s: &str) -> Result<ForwardAuth, String> {
        match s {
            "nginx" => Ok(ForwardAuth::Nginx),
            "traefik" => Ok(ForwardAuth::Traefik),
            "envoy" => Ok(ForwardAuth::Envoy {
                path_prefix: String::new(),
            }),
            _ => Err(format!(
                "unknown gateway `{s}`: expected `nginx`, `traefik` or `envoy`"
            )),
        }
    }
}

/// Server limits and behaviour.
///
/// ```
/// let config = ims_iam::serve::ServeConfig { max_header_bytes: 32 * 1024, ..Default::default() };
/// assert_eq!(config.max_headers, 100);
/// ```
#[derive(Debug, Clone)]
pub struct ServeConfig {
    /// Which gateway asks.
    pub mode: ForwardAuth,
    /// The most bytes of request line and headers (at least 8192; default 16 KiB); beyond: 431.
    pub max_header_bytes: usize,
    /// The most header fields (default 100); beyond: 431.
    pub max_headers: usize,
    /// How long a client may take to send a request's line and headers, counted from the moment
    /// the connection waits for them; so also how long an idle keep-alive connection stays open
    /// (default 500 ms: a local proxy sends them in one write). A connection that misses it is
    /// closed, which frees its slot.
    pub header_read_timeout: Duration,
    /// How long shutdown waits for open connections (default 10 s).
    pub shutdown_timeout: Duration,
    /// The most connections served at once (default 1024). Beyond it, new connections are not
    /// refused: they wait in the listen backlog until a slot frees (a client closes, or misses
    /// [`header_read_timeout`](ServeConfig::header_read_timeout)).
    pub max_connections: usize,
}

impl Default for ServeConfig {
    fn default() -> Self {
        ServeConfig {
            mode: ForwardAuth::Nginx,
            max_header_bytes: 16 * 1024,
            max_headers: 100,
            header_read_timeout: DEFAULT_HEADER_TIMEOUT,
            shutdown_timeout: Duration::from_secs(10),
            max_connections: 1024,
        }
    }
}

/// The default [`ServeConfig::header_read_timeout`].
const DEFAULT_HEADER_TIMEOUT: Duration = Duration::from_millis(500);

const X_ORIGINAL_METHOD: HeaderName = HeaderName::from_static("x-original-method");
const X_ORIGINAL_URI: HeaderName = HeaderName::from_static("x-original-uri");
const X_FORWARDED_METHOD: HeaderName = HeaderName::from_static("x-forwarded-method");
const X_FORWARDED_URI: HeaderName = HeaderName::from_static("x-forwarded-uri");

fn one<'h>(headers: &'h HeaderMap, name: &HeaderName) -> Result<&'h str, String> {
    let mut all = headers.get_all(name).iter();
    match (all.next(), all.next()) {
        (None, _) => Err(format!("the gateway sent no `{name}` header")),
        (Some(_), Some(_)) => Err(format!("the header `{name}` is given more than once")),
        (Some(v), None) => v
            .to_str()
            .map_err(|_| format!("the header `{name}` is not visible ASCII")),
    }
}

/// The original request's method and target, per mode.
fn original<'r, B>(mode: &ForwardAuth, request: &'r Request<B>) -> Result<(&'r str, &'r str), String> {
    let headers = request.headers();
    match mode {
        ForwardAuth::Nginx => Ok((one(headers, &X_ORIGINAL_METHOD)?, one(headers, &X_ORIGINAL_URI)?)),
        ForwardAuth::Traefik => Ok((
            one(headers, &X_FORWARDED_METHOD)?,
            one(headers, &X_FORWARDED_URI)?,
        )),
        ForwardAuth::Envoy { path_prefix } => {
            let target = request.uri().path_and_query().map_or("", |p| p.as_str());
            let rest = target
                .strip_prefix(path_prefix.as_str())
                .filter(|rest| rest.starts_with('/'))
                .ok_or_else(|| format!("the request path does not start with the prefix `{path_prefix}/`"))?;
            Ok((request.method().as_str(), rest))
        }
    }
}

fn header(value: &str) -> HeaderValue {
    HeaderValue::from_str(value).unwrap_or_else(|_| HeaderValue::from_static("-"))
}

/// What the answer's `X-Ims-Iam-*` headers say.
struct Verdict<'a> {
    decision: &'a str,
    reason: &'a str,
    revision: u64,
    decision_id: DecisionId,
    code: Option<&'a str>,
}

fn decorate(response: &mut Response<Full<Bytes>>, v: &Verdict<'_>) {
    let h = response.headers_mut();
    h.insert(HeaderName::from_static("x-ims-iam-decision"), header(v.decision));
    h.insert(HeaderName::from_static("x-ims-iam-reason"), header(v.reason));
    h.insert(
        HeaderName::from_static("x-ims-iam-revision"),
        header(&v.revision.to_string()),
    );
    h.insert(
        HeaderName::from_static("x-decision-id"),
        header(&v.decision_id.to_string()),
    );
    if let Some(code) = v.code {
        h.insert(HeaderName::from_static("x-ims-iam-error-code"), header(code));
    }
}

/// Answers one forward-auth request (what [`run`] does for each): `/healthz`, or the decision on the
/// original request. `peer` is the connection's peer address, for [`SourceIp::Peer`](crate::gateway::SourceIp).
///
/// ```
/// use std::sync::Arc;
/// use ims_iam::gateway::{Authorizer, PolicyStore};
/// use ims_iam::serve::{respond, ForwardAuth};
/// let principals = ims_iam::Principals::from_json_with(r#"{"policies": {}, "groups": {"g": {}}}"#, |_| Ok(String::new()))?;
/// let authorizer = Authorizer::new(Arc::new(PolicyStore::new(principals)));
/// let check = http::Request::get("/auth")
///     .header("X-Original-Method", "GET")
///     .header("X-Original-URI", "/")
///     .header("X-User-Groups", "g")
///     .body(())?;
/// let response = respond(&authorizer, &ForwardAuth::Nginx, &check, None);
/// assert_eq!(response.status(), 200);
/// assert_eq!(response.headers()["x-ims-iam-reason"], "no_action_required");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn respond<B>(
    authorizer: &Authorizer,
    mode: &ForwardAuth,
    request: &Request<B>,
    peer: Option<IpAddr>,
) -> Response<Full<Bytes>> {
    if matches!(*request.method(), http::Method::GET | http::Method::HEAD) {
        if let Some(probe) = Probe::for_path(request.uri().path()) {
            return probes::answer(authorizer.store(), probe);
        }
    }
    let (method, target) = match original(mode, request) {
        Ok(parts) => parts,
        Err(message) => {
            let rejection = authorizer.reject_unforwarded(request.headers(), message);
            return rejected(&rejection);
        }
    };
    match authorizer.authorize_parts(method, target, request.headers(), peer) {
        Ok(authorized) => {
            let mut response = Response::new(Full::default());
            let d = authorized.decision();
            let verdict = Verdict {
                decision: d.as_str(),
                reason: d.reason().as_str(),
                revision: authorized.revision(),
                decision_id: authorized.decision_id(),
                code: None,
            };
            decorate(&mut response, &verdict);
            if !authorizer.enforces() {
                unenforced(&mut response);
            }
            response
        }
        Err(rejection) => rejected(&rejection),
    }
}

/// Marks an answer of shadow mode.
fn unenforced(response: &mut Response<Full<Bytes>>) {
    response.headers_mut().insert(
        HeaderName::from_static("x-ims-iam-enforced"),
        HeaderValue::from_static("false"),
    );
}

fn rejected(rejection: &Rejection) -> Response<Full<Bytes>> {
    let reason = rejection.decision().map_or("error", |d| d.reason().as_str());
    let mut verdict = Verdict {
        decision: "deny",
        reason,
        revision: rejection.revision(),
        decision_id: rejection.decision_id(),
        code: Some(rejection.error_code()),
    };
    if rejection.is_enforced() {
        let mut response: Response<Full<Bytes>> = rejection.to_response();
        decorate(&mut response, &verdict);
        return response;
    }
    // Shadow mode: logged as refused, let through.
    verdict.decision = "allow";
    let mut response = Response::new(Full::default());
    decorate(&mut response, &verdict);
    unenforced(&mut response);
    response.headers_mut().insert(
        HeaderName::from_static("x-ims-iam-shadow-decision"),
        HeaderValue::from_static("deny"),
    );
    response
}

/// Serves forward-auth requests on `listener` until `shutdown` completes, then stops accepting, lets
/// open connections finish for at most [`ServeConfig::shutdown_timeout`], and returns.
pub async fn run(
    listener: TcpListener,
    authorizer: Arc<Authorizer>,
    config: ServeConfig,
    shutdown: impl Future<Output = ()>,
) -> std::io::Result<()> {
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let slots = Arc::new(Semaphore::new(config.max_connections.max(1)));
    let mode = Arc::new(config.mode.clone());
    let mut shutdown = std::pin::pin!(shutdown);
    if let Ok(addr) = listener.local_addr() {
        tracing::info!(target: SERVE_TARGET, %addr, "listening on {addr}");
    }
    loop {
        let permit = tokio::select! {
            permit = Arc::clone(&slots).acquire_owned() => match permit {
                Ok(p) => p,
                Err(_) => break,
            },
            () = &mut shutdown => break,
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    // Out of descriptors and the like: wait a little rather than spin.
                    tracing::warn!(target: SERVE_TARGET, error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let authorizer = Arc::clone(&authorizer);
        let mode = Arc::clone(&mode);
        let service = hyper::service::service_fn(move |request: Request<hyper::body::Incoming>| {
            let response = respond(&authorizer, &mode, &request, Some(peer.ip()));
            std::future::ready(Ok::<_, Infallible>(response))
        });
        let mut builder = hyper::server::conn::http1::Builder::new();
        builder
            .max_buf_size(config.max_header_bytes.max(8192))
            .max_headers(config.max_headers)
            .timer(TokioTimer::new())
            .header_read_timeout(config.header_read_timeout);
        let connection = graceful.watch(builder.serve_connection(TokioIo::new(stream), service));
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                tracing::debug!(target: SERVE_TARGET, error = %e, "connection ended with an error");
            }
            drop(permit);
        });
    }
    drop(listener);
    tracing::info!(target: SERVE_TARGET, "shutting down");
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(config.shutdown_timeout) => {
            tracing::warn!(target: SERVE_TARGET, "connections still open after the shutdown timeout");
        }
    }
    Ok(())
}
