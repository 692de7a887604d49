//! `GET /healthz` (liveness) and `GET /readyz` (readiness): read from the store's atomically swapped
//! status, so neither ever waits for a reload.

use http::{HeaderValue, Response, StatusCode};
use http_body_util::Full;
use hyper::body::Bytes;

use crate::gateway::PolicyStore;

/// The probe paths.
pub(super) const HEALTHZ: &str = "/healthz";
pub(super) const READYZ: &str = "/readyz";

/// Which probe asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Probe {
    /// Is the process serving decisions? Always yes while it answers: the last good set serves.
    Liveness,
    /// Does the set that serves reflect the files on disk? No (503) after a failed reload.
    Readiness,
}

impl Probe {
    pub(super) fn for_path(path: &str) -> Option<Probe> {
        match path {
            HEALTHZ => Some(Probe::Liveness),
            READYZ => Some(Probe::Readiness),
            _ => None,
        }
    }
}

/// The probe's answer: `{"status", "ready", "reloading", "revision", "last_reload_error", "warnings"}`;
/// `warnings` lists the serving set's action patterns that name no IMS action (a typo such as
/// `ims:images:updat` that grants nothing): it does not make the service unready.
pub(super) fn answer(store: &PolicyStore, probe: Probe) -> Response<Full<Bytes>> {
    let last_error = store.last_error();
    let ready = last_error.is_none();
    let (status, code) = match probe {
        Probe::Liveness => ("ok", StatusCode::OK),
        Probe::Readiness if ready => ("ready", StatusCode::OK),
        Probe::Readiness => ("reload_failed", StatusCode::SERVICE_UNAVAILABLE),
    };
    let body = serde_json::json!({
        "status": status,
        "ready": ready,
        "reloading": store.is_reloading(),
        "revision": store.revision(),
        "last_reload_error": last_error,
        "warnings": store
            .snapshot()
            .principals()
            .policy_set()
            .warnings()
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>(),
    });
    let mut response = Response::new(Full::from(body.to_string()));
    *response.status_mut() = code;
    response.headers_mut().insert(
        http::header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths() {
        assert_eq!(Probe::for_path("/healthz"), Some(Probe::Liveness));
        assert_eq!(Probe::for_path("/readyz"), Some(Probe::Readiness));
        assert_eq!(Probe::for_path("/readyz/"), None);
        assert_eq!(Probe::for_path("/auth"), None);
    }
}
