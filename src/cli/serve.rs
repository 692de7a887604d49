//! `ims-iam serve`: the forward-auth service for nginx `auth_request`, Traefik `ForwardAuth` and Envoy
//! `ext_authz` (see `ims_iam::serve` and the README).
//!
//! Exit codes: 0 after a graceful shutdown (SIGTERM, SIGINT), 2 when it cannot start (unreadable or
//! invalid principals, address in use, usage).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::ValueEnum;
use ims_iam::gateway::{Authorizer, DECISION_TARGET, IdentityHeaders, PolicyStore, SourceIp};
use ims_iam::serve::{self, ForwardAuth, ServeConfig};
use tracing_subscriber::Layer as _;
use tracing_subscriber::filter::{LevelFilter, Targets};
use tracing_subscriber::layer::SubscriberExt as _;
use tracing_subscriber::util::SubscriberInitExt as _;

use super::EXIT_ERROR;

/// Which gateway sends the checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Mode {
    /// nginx `auth_request`: the original request in `X-Original-Method` and `X-Original-URI`.
    Nginx,
    /// Traefik `ForwardAuth`: `X-Forwarded-Method` and `X-Forwarded-Uri`.
    Traefik,
    /// Envoy HTTP `ext_authz`: the request's own method and path (after `--envoy-path-prefix`).
    Envoy,
}

/// How logs are written (to standard error).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum LogFormat {
    /// One human-readable line per event.
    Text,
    /// One JSON object per event.
    Json,
}

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Exit codes: 0 after a graceful shutdown (SIGTERM, SIGINT), 2 when it cannot start \
                        (unreadable or invalid principals, address in use, usage).\n\
                        Policy warnings (an `ims:` action that no IMS API requires) are logged at start and \
                        after each reload, and listed under `warnings` by `/healthz` and `/readyz`."
)]
pub(crate) struct Args {
    #[command(flatten)]
    cloud: super::cloud::CloudArg,
    /// The principals file: policies, groups and users (format: `ims_iam::principals` and the README).
    #[arg(long, value_name = "FILE")]
    principals: PathBuf,
    /// The address to listen on, `HOST:PORT` (a host name such as `localhost` is resolved; its first
    /// address is used). Loopback by default: put the gateway on the same host or network namespace.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:9090", value_parser = parse_listen)]
    listen: SocketAddr,
    /// Which gateway asks: where the original method and URI are.
    #[arg(long, value_enum, default_value_t = Mode::Nginx)]
    mode: Mode,
    /// With `--mode envoy`: the `path_prefix` Envoy puts before the original path.
    #[arg(long, value_name = "PREFIX", default_value = "")]
    envoy_path_prefix: String,
    /// Take `g:SourceIp` from this header, which the gateway sets (e.g. `X-Real-IP`); by default it is
    /// the connection's peer, i.e. the gateway itself.
    #[arg(long, value_name = "NAME")]
    source_ip_header: Option<String>,
    /// Ignore `X-User-Groups`: callers get only the groups the principals file lists for them.
    #[arg(long)]
    ignore_groups_header: bool,
    /// Check the principals and policy files for changes every SECONDS (0: only on SIGHUP).
    #[arg(long, value_name = "SECONDS", default_value_t = 2)]
    watch: u64,
    /// Log format.
    #[arg(long, value_enum, default_value_t = LogFormat::Text)]
    log_format: LogFormat,
    /// Do not write a decision record per request (faster: decisions then take the fast path).
    #[arg(long)]
    no_decision_log: bool,
    /// Shadow mode: decide and log every request as usual (`"enforced": false`) but answer allow; with
    /// `--log-format json`, the log feeds `ims-iam generate --from log`.
    #[arg(long, conflicts_with = "no_decision_log")]
    dry_run: bool,
    /// The most bytes of request line and headers (at least 8192); beyond: 431.
    #[arg(long, value_name = "BYTES", default_value_t = 16 * 1024)]
    max_header_bytes: usize,
    /// The most connections served at once; more wait in the listen backlog until a slot frees.
    #[arg(long, value_name = "N", default_value_t = 1024)]
    max_connections: usize,
    /// How long a connection may take to send a request's headers, and stay idle between requests,
    /// before it is closed and its slot freed (decimal seconds, 0.01 to 3600).
    #[arg(long, value_name = "SECONDS", default_value = "0.5", value_parser = parse_header_timeout)]
    header_timeout: Duration,
    /// Worker threads.
    #[arg(long, value_name = "N", default_value_t = 2)]
    workers: usize,
    /// How long a graceful shutdown waits for open connections.
    #[arg(long, value_name = "SECONDS", default_value_t = 10)]
    shutdown_timeout: u64,
}

/// `--listen`: an address, or a host name and port resolved to the first address.
fn parse_listen(text: &str) -> Result<SocketAddr, String> {
    use std::net::ToSocketAddrs as _;
    if let Ok(addr) = text.parse() {
        return Ok(addr);
    }
    if !text.contains(':') {
        return Err(format!(
            "`{text}` has no port: use HOST:PORT, e.g. `127.0.0.1:9090`"
        ));
    }
    text.to_socket_addrs()
        .map_err(|e| format!("cannot resolve `{text}`: {e}"))?
        .next()
        .ok_or_else(|| format!("`{text}` resolves to no address"))
}

/// `--header-timeout`: decimal seconds within bounds that keep it meaningful (never 0: no timeout).
fn parse_header_timeout(text: &str) -> Result<Duration, String> {
    let seconds: f64 = text
        .parse()
        .map_err(|_| format!("`{text}` is not a number of seconds (e.g. `0.5`)"))?;
    if !(0.01..=3600.0).contains(&seconds) {
        return Err(format!("`{text}` is out of range: from 0.01 to 3600 seconds"));
    }
    Ok(Duration::from_secs_f64(seconds))
}

fn init_logs(args: &Args) {
    let decisions = if args.no_decision_log {
        LevelFilter::OFF
    } else {
        LevelFilter::INFO
    };
    let filter = Targets::new()
        .with_default(LevelFilter::INFO)
        .with_target(DECISION_TARGET, decisions);
    let registry = tracing_subscriber::registry();
    let result = match args.log_format {
        LogFormat::Json => registry
            .with(
                tracing_subscriber::fmt::layer()
                    .json()
                    .flatten_event(true)
                    .with_writer(std::io::stderr)
                    .with_filter(filter),
            )
            .try_init(),
        LogFormat::Text => registry
            .with(
                tracing_subscriber::fmt::layer()
                    .with_ansi(false)
                    .with_writer(std::io::stderr)
                    .with_filter(filter),
            )
            .try_init(),
    };
    if let Err(e) = result {
        eprintln!("warning: cannot install the log subscriber: {e}");
    }
}

pub(crate) fn run(args: &Args) -> ExitCode {
    init_logs(args);
    let store = match PolicyStore::open(&args.principals) {
        Ok(store) => Arc::new(store),
        Err(e) => {
            eprintln!("error ({}): {e}", e.kind());
            return ExitCode::from(EXIT_ERROR);
        }
    };
    for warning in store.snapshot().principals().policy_set().warnings() {
        tracing::warn!(target: ims_iam::gateway::RELOAD_TARGET, revision = 1, warning = %warning, "policy warning");
    }
    let source_ip = match &args.source_ip_header {
        None => SourceIp::Peer,
        Some(name) => match http::HeaderName::try_from(name.as_str()) {
            Ok(h) => SourceIp::Header(h),
            Err(_) => {
                eprintln!("error (usage): `{name}` is not a header name");
                return ExitCode::from(EXIT_ERROR);
            }
        },
    };
    let mut identity = IdentityHeaders::default();
    if args.ignore_groups_header {
        identity.groups = None;
    }
    let mut authorizer = Authorizer::new(Arc::clone(&store))
        .with_identity_headers(identity)
        .with_source_ip(source_ip)
        .with_router(ims_iam::Router::default().with_cloud(args.cloud.cloud));
    if args.dry_run {
        authorizer = authorizer.dry_run();
        tracing::warn!(
            target: serve::SERVE_TARGET,
            "shadow mode (--dry-run): every request is answered allow; decisions are only logged"
        );
    }
    let authorizer = Arc::new(authorizer);
    let mode = match args.mode {
        Mode::Nginx => ForwardAuth::Nginx,
        Mode::Traefik => ForwardAuth::Traefik,
        Mode::Envoy => ForwardAuth::Envoy {
            path_prefix: args.envoy_path_prefix.trim_end_matches('/').to_owned(),
        },
    };
    let config = ServeConfig {
        mode,
        max_header_bytes: args.max_header_bytes,
        max_connections: args.max_connections,
        header_read_timeout: args.header_timeout,
        shutdown_timeout: Duration::from_secs(args.shutdown_timeout),
        ..ServeConfig::default()
    };
    if !args.listen.ip().is_loopback() {
        tracing::warn!(
            target: serve::SERVE_TARGET,
            addr = %args.listen,
            "listening on a non-loopback address: make sure only the gateway can reach it"
        );
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(args.workers.max(1))
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error (runtime): {e}");
            return ExitCode::from(EXIT_ERROR);
        }
    };
    let _watcher = if args.watch > 0 {
        match store.watch(Duration::from_secs(args.watch)) {
            Ok(w) => Some(w),
            Err(e) => {
                eprintln!("error (watch): {e}");
                return ExitCode::from(EXIT_ERROR);
            }
        }
    } else {
        None
    };
    let listen = args.listen;
    let result = runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(listen).await?;
        tokio::spawn(serve::reload_on_sighup(store));
        serve::run(listener, authorizer, config, serve::shutdown_signal()).await
    });
    // A reload blocked on a hung file system must not keep the process from exiting.
    runtime.shutdown_timeout(Duration::from_secs(1));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error (serve): cannot serve on {listen}: {e}");
            ExitCode::from(EXIT_ERROR)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listen_values() {
        assert_eq!(
            parse_listen("127.0.0.1:9091"),
            Ok(SocketAddr::from(([127, 0, 0, 1], 9091)))
        );
        assert!(parse_listen("localhost:9091").is_ok_and(|a| a.port() == 9091 && a.ip().is_loopback()));
        assert!(parse_listen("localhost").is_err());
        assert!(parse_listen("nonexistent.invalid:1").is_err());
    }

    #[test]
    fn header_timeout_values() {
        assert_eq!(parse_header_timeout("0.5"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_header_timeout("2"), Ok(Duration::from_secs(2)));
        for bad in ["0", "-1", "0.001", "3601", "NaN", "inf", "1s", ""] {
            assert!(parse_header_timeout(bad).is_err(), "{bad}");
        }
    }
}
