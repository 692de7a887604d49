//! The signals `ims-iam serve` answers: SIGTERM/SIGINT stop it, SIGHUP reloads.

use std::sync::Arc;

use crate::gateway::PolicyStore;

use super::SERVE_TARGET;

/// Completes on SIGTERM or SIGINT (Ctrl-C); on other platforms than Unix, on Ctrl-C.
pub async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match (signal(SignalKind::terminate()), signal(SignalKind::interrupt())) {
            (Ok(mut term), Ok(mut int)) => {
                tokio::select! {
                    _ = term.recv() => {}
                    _ = int.recv() => {}
                }
            }
            _ => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// Reloads `store` on every SIGHUP, forever, on a blocking thread (never a worker): the files are
/// read and compiled off the request path. A SIGHUP that arrives while a reload runs (even one
/// blocked on a hung file system) is coalesced with it ([`PolicyStore::request_reload`]): it holds
/// no thread and the running reload re-reads the files when it ends. On other platforms than Unix
/// the future ends at once.
///
/// The handler is installed when this function is called (inside a tokio runtime), not when the
/// future is first polled: a SIGHUP sent after the caller announced that it listens is never lost
/// to the signal's default action, which would end the process.
pub fn reload_on_sighup(store: Arc<PolicyStore>) -> impl Future<Output = ()> + Send + 'static {
    #[cfg(unix)]
    let hangup = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup());
    async move {
        #[cfg(unix)]
        {
            let Ok(mut hangup) = hangup else {
                tracing::warn!(target: SERVE_TARGET, "cannot listen for SIGHUP");
                return;
            };
            while hangup.recv().await.is_some() {
                let store = Arc::clone(&store);
                // Not awaited: the next SIGHUP must be received even while this reload hangs. The
                // store logs the outcome.
                drop(tokio::task::spawn_blocking(move || store.request_reload()));
            }
        }
        #[cfg(not(unix))]
        drop(store);
    }
}
