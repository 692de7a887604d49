//! The answers of the authorizer: an [`Authorized`] request, or a [`Rejection`] whose message is
//! written only when asked for (deciding allocates nothing).

use std::fmt;

use http::{HeaderValue, Response, StatusCode};

use super::decision_id::DecisionId;
use crate::eval::Decision;
use crate::matrix::Operation;

/// An allowed request: the extension the layer attaches before passing the request on.
///
/// ```
/// # use std::sync::Arc;
/// # use ims_iam::gateway::{Authorized, Authorizer, PolicyStore};
/// # let p = ims_iam::Principals::from_json_with(r#"{"policies": {}, "groups": {"g": {}}}"#, |_| Ok(String::new()))?;
/// # let authorizer = Authorizer::new(Arc::new(PolicyStore::new(p)));
/// // GET /versions requires no action.
/// let request = http::Request::get("/").header("X-User-Groups", "g").body(())?;
/// let authorized: Authorized = authorizer.authorize_request(&request).map_err(|r| r.to_string())?;
/// assert_eq!(authorized.decision().reason().as_str(), "no_action_required");
/// assert_eq!(authorized.revision(), 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct Authorized {
    pub(super) decision: Decision,
    pub(super) operation: &'static Operation,
    pub(super) principal: Option<String>,
    pub(super) revision: u64,
    pub(super) decision_id: DecisionId,
}

impl Authorized {
    /// The decision (an allow, or no action required).
    pub fn decision(&self) -> Decision {
        self.decision
    }
    /// The documented API the request routed to.
    pub fn operation(&self) -> &'static Operation {
        self.operation
    }
    /// The user name the layer in front asserted, if any.
    pub fn principal(&self) -> Option<&str> {
        self.principal.as_deref()
    }
    /// The revision of the policy set that decided.
    pub fn revision(&self) -> u64 {
        self.revision
    }
    /// The id of the decision record.
    pub fn decision_id(&self) -> DecisionId {
        self.decision_id
    }
}

/// A request that may not pass: its status, and a body in the cloud's error style.
///
/// ```
/// # use std::sync::Arc;
/// # use ims_iam::gateway::{Authorizer, PolicyStore};
/// # let p = ims_iam::Principals::from_json_with(r#"{"policies": {}}"#, |_| Ok(String::new()))?;
/// # let authorizer = Authorizer::new(Arc::new(PolicyStore::new(p)));
/// let hostile = http::Request::get("/v2/images/%2e%2e/x")
///     .header("X-User-Name", "alice")
///     .header("X-Request-Id", "req-1")
///     .body(())?;
/// let rejection = authorizer.authorize_request(&hostile).unwrap_err();
/// assert_eq!(rejection.status(), 400);
/// let response: http::Response<String> = rejection.to_response();
/// let body: serde_json::Value = serde_json::from_str(response.body())?;
/// assert_eq!(body["error_code"], "IMSIAM.4000");
/// assert_eq!(body["request_id"], "req-1");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, thiserror::Error)]
#[error("{status} {code}: {message}")]
pub struct Rejection {
    pub(super) status: StatusCode,
    pub(super) code: &'static str,
    pub(super) kind: &'static str,
    pub(super) message: Message,
    pub(super) request_id: Option<String>,
    pub(super) decision: Option<Decision>,
    pub(super) revision: u64,
    pub(super) decision_id: DecisionId,
    pub(super) enforced: bool,
}

/// A rejection's message, written when asked for.
#[derive(Debug, Clone)]
pub(super) enum Message {
    /// Written already.
    Text(String),
    /// A denied request: `user` is (not allowed | explicitly denied) `operation` (requires the
    /// counted actions: bit `i` of `counted` for `operation.actions()[i]`).
    Denied {
        explicit: bool,
        user: Option<String>,
        operation: &'static Operation,
        counted: u64,
    },
}

impl fmt::Display for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Message::Text(text) => f.write_str(text),
            Message::Denied {
                explicit,
                user,
                operation,
                counted,
            } => {
                match user {
                    Some(u) => write!(f, "user `{u}`")?,
                    None => f.write_str("the caller")?,
                }
                let verb = if *explicit {
                    "is explicitly denied"
                } else {
                    "is not allowed"
                };
                write!(f, " {verb} `{operation}` (requires ")?;
                let mut first = true;
                for (i, a) in operation.actions().iter().enumerate() {
                    if counted & (1 << i) != 0 {
                        if !first {
                            f.write_str(", ")?;
                        }
                        f.write_str(a.action())?;
                        first = false;
                    }
                }
                f.write_str(")")
            }
        }
    }
}

impl Rejection {
    /// 400, 401 or 403.
    pub fn status(&self) -> StatusCode {
        self.status
    }
    /// `IMSIAM.4000`, ... (see the [module docs](crate::gateway)).
    pub fn error_code(&self) -> &'static str {
        self.code
    }
    /// The human-readable message (written on each call).
    pub fn error_msg(&self) -> String {
        self.message.to_string()
    }
    /// A stable snake_case id of the cause: a route error's kind, `duplicate_header`,
    /// `invalid_header`, `too_many_groups`, a request error's kind, `unauthenticated`,
    /// `explicit_deny`, `implicit_deny`.
    pub fn kind(&self) -> &'static str {
        self.kind
    }
    /// The policy decision, when one was made (403, and 400 for a request error such as
    /// `project_mismatch`); `None` when the request was refused before (bad headers, unroutable,
    /// unauthenticated).
    pub fn decision(&self) -> Option<Decision> {
        self.decision
    }
    /// The revision of the policy set that decided.
    pub fn revision(&self) -> u64 {
        self.revision
    }
    /// The id of the decision record.
    pub fn decision_id(&self) -> DecisionId {
        self.decision_id
    }
    /// `false` in shadow mode ([`Authorizer::dry_run`](super::Authorizer::dry_run)): the request was
    /// logged as refused but must be let through.
    pub fn is_enforced(&self) -> bool {
        self.enforced
    }
    /// The JSON body: `{"error_code", "error_msg", "request_id", "decision_id"}`; `request_id` is the
    /// request's `X-Request-Id`, or the decision id when it has none (as in the decision record).
    pub fn to_json(&self) -> String {
        let decision_id = self.decision_id.to_string();
        serde_json::json!({
            "error_code": self.code,
            "error_msg": self.message.to_string(),
            "request_id": self.request_id.as_deref().unwrap_or(&decision_id),
            "decision_id": decision_id,
        })
        .to_string()
    }
    /// The HTTP response: the status, `Content-Type: application/json`, the JSON body.
    pub fn to_response<B: From<String>>(&self) -> Response<B> {
        let mut response = Response::new(B::from(self.to_json()));
        *response.status_mut() = self.status;
        response.headers_mut().insert(
            http::header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        response
    }
}
