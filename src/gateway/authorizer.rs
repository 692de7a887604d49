//! Deciding one HTTP request: identity from headers, routing, the decision, the log record.

use std::fmt;
use std::net::IpAddr;
use std::sync::Arc;

use http::{HeaderMap, HeaderValue, Request, Response, StatusCode};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::decision_id::DecisionId;
use super::identity::{self, HeaderProblem, IdentityHeaders, PeerAddr, SourceIp};
use super::store::PolicyStore;
use crate::eval::{ActionExplanation, ActionVerdict, Context, Decision, Reason};
use crate::matrix::Operation;
use crate::route::Router;

/// The `tracing` target of decision records.
pub const DECISION_TARGET: &str = "ims_iam::decision";

/// Decides HTTP requests against a [`PolicyStore`]: the shared core of the tower layer and of
/// `ims-iam serve`. See the [module docs](crate::gateway) for headers, answers and logs.
#[derive(Debug, Clone)]
pub struct Authorizer {
    store: Arc<PolicyStore>,
    identity: IdentityHeaders,
    source_ip: SourceIp,
    router: Router,
    enforce: bool,
}

/// An allowed request: the extension the layer attaches before passing the request on.
///
/// ```
/// # use std::sync::Arc;
/// # use ims_iam::gateway::{Authorized, Authorizer, PolicyStore};
/// # let p = ims_iam::principals::Principals::from_json_with(r#"{"policies": {}, "groups": {"g": {}}}"#, |_| Ok(String::new()))?;
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
    decision: Decision,
    operation: &'static Operation,
    principal: Option<String>,
    revision: u64,
    decision_id: DecisionId,
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
/// # let p = ims_iam::principals::Principals::from_json_with(r#"{"policies": {}}"#, |_| Ok(String::new()))?;
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
    status: StatusCode,
    code: &'static str,
    kind: &'static str,
    message: String,
    request_id: Option<String>,
    decision: Option<Decision>,
    revision: u64,
    decision_id: DecisionId,
    enforced: bool,
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
    /// The human-readable message.
    pub fn error_msg(&self) -> &str {
        &self.message
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
    /// `false` in shadow mode ([`Authorizer::dry_run`]): the request was logged as refused but must be
    /// let through.
    pub fn is_enforced(&self) -> bool {
        self.enforced
    }
    /// The JSON body: `{"error_code", "error_msg", "request_id"?, "decision_id"}`.
    pub fn to_json(&self) -> String {
        let mut body = serde_json::json!({
            "error_code": self.code,
            "error_msg": self.message,
            "decision_id": self.decision_id.to_string(),
        });
        if let (Some(id), Some(map)) = (&self.request_id, body.as_object_mut()) {
            map.insert("request_id".into(), id.clone().into());
        }
        body.to_string()
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

/// What one record of the decision log says (see the module docs).
struct Record<'a> {
    time: OffsetDateTime,
    decision_id: DecisionId,
    enforced: bool,
    request_id: Option<&'a str>,
    principal: Option<&'a str>,
    groups: String,
    method: &'a str,
    request_target: Option<&'a str>,
    operation: Option<&'static Operation>,
    decision: Option<Decision>,
    status: u16,
    error_code: Option<&'static str>,
    error_kind: Option<&'static str>,
    deciding: Option<String>,
    revision: u64,
    source_ip: Option<&'a str>,
    project: Option<&'a str>,
}

fn emit(r: &Record<'_>) {
    let time = r.time.format(&Rfc3339).unwrap_or_default();
    tracing::info!(
        target: DECISION_TARGET,
        time = %time,
        decision_id = %r.decision_id,
        enforced = r.enforced,
        request_id = r.request_id,
        principal = r.principal,
        groups = %r.groups,
        method = r.method,
        request_target = r.request_target,
        template = r.operation.map(Operation::template),
        operation = r.operation.map(Operation::name),
        decision = r.decision.map_or("deny", |d| d.as_str()),
        reason = r.decision.map_or("error", |d| d.reason().as_str()),
        status = r.status,
        error_code = r.error_code,
        error_kind = r.error_kind,
        deciding = r.deciding.as_deref(),
        revision = r.revision,
        source_ip = r.source_ip,
        project = r.project,
        "decision"
    );
}

/// `policy#index(Sid)` for every statement that decided, in action order, without repeats: the Allow
/// statements of an allow, the Deny statements of an explicit deny, none for an implicit deny.
fn deciding(decision: Decision, actions: &[ActionExplanation]) -> String {
    let mut out: Vec<String> = Vec::new();
    let wanted = match decision.reason() {
        Reason::Allow => ActionVerdict::Allow,
        Reason::ExplicitDeny => ActionVerdict::ExplicitDeny,
        _ => return String::new(),
    };
    for a in actions.iter().filter(|a| a.verdict == wanted) {
        for s in &a.deciding {
            let cite = match &s.sid {
                Some(sid) => format!("{}#{}({sid})", s.policy, s.statement),
                None => format!("{}#{}", s.policy, s.statement),
            };
            if !out.contains(&cite) {
                out.push(cite);
            }
        }
    }
    out.join(",")
}

struct Required<'a>(&'a Operation, &'a Context<'a>);

impl fmt::Display for Required<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        for a in self.0.actions() {
            if a.situation().is_none_or(|s| self.1.has_situation(s)) {
                if !first {
                    f.write_str(", ")?;
                }
                f.write_str(a.action())?;
                first = false;
            }
        }
        Ok(())
    }
}

impl Authorizer {
    /// An authorizer with the default [`IdentityHeaders`], [`SourceIp::Peer`] and the strict router.
    pub fn new(store: Arc<PolicyStore>) -> Authorizer {
        Authorizer {
            store,
            identity: IdentityHeaders::default(),
            source_ip: SourceIp::default(),
            router: Router::default(),
            enforce: true,
        }
    }

    /// Shadow mode: decides and logs every request exactly as usual (records say `"enforced": false`),
    /// but refusals are to be let through: [`Rejection::is_enforced`] is `false`, the tower layer passes
    /// the request on (with the [`Rejection`] as an extension) and `ims-iam serve --dry-run` answers 200.
    /// For observing a workload before enforcing a policy (see `ims-iam generate --from log`).
    ///
    /// ```
    /// # use std::sync::Arc;
    /// # use ims_iam::gateway::{Authorizer, PolicyStore};
    /// # let p = ims_iam::principals::Principals::from_json_with(r#"{"policies": {}, "groups": {"g": {}}}"#, |_| Ok(String::new()))?;
    /// let authorizer = Authorizer::new(Arc::new(PolicyStore::new(p))).dry_run();
    /// let delete = http::Request::delete("/v2/images/0b3b6d4e-8f0a-4c1e-9a57-3c0b8f6f2d11")
    ///     .header("X-User-Groups", "g")
    ///     .body(())?;
    /// let rejection = authorizer.authorize_request(&delete).unwrap_err();
    /// assert_eq!(rejection.error_code(), "IMSIAM.4031");
    /// assert!(!rejection.is_enforced());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn dry_run(mut self) -> Authorizer {
        self.enforce = false;
        self
    }

    /// `false` in shadow mode.
    pub fn enforces(&self) -> bool {
        self.enforce
    }

    /// Uses other header names.
    #[must_use]
    pub fn with_identity_headers(mut self, identity: IdentityHeaders) -> Authorizer {
        self.identity = identity;
        self
    }

    /// Takes `g:SourceIp` from elsewhere.
    #[must_use]
    pub fn with_source_ip(mut self, source_ip: SourceIp) -> Authorizer {
        self.source_ip = source_ip;
        self
    }

    /// Routes with other options: a cloud profile ([`Router::with_cloud`]), or (not meant for gateways)
    /// [`Router::accept_any_param_format`].
    #[must_use]
    pub fn with_router(mut self, router: Router) -> Authorizer {
        self.router = router;
        self
    }

    /// The policy store.
    pub fn store(&self) -> &Arc<PolicyStore> {
        &self.store
    }

    /// Refuses a forward-auth request that does not say which request to authorize (a misconfigured
    /// gateway): 400 `IMSIAM.4003`, logged like a decision.
    #[cfg(feature = "serve")]
    pub(crate) fn reject_unforwarded(&self, headers: &HeaderMap, message: String) -> Rejection {
        let request_id = identity::single(headers, self.identity.request_id.as_ref())
            .ok()
            .flatten();
        let revision = self.store.revision();
        let record = Record {
            time: OffsetDateTime::now_utc(),
            decision_id: DecisionId::next(),
            enforced: self.enforce,
            request_id,
            principal: identity::single(headers, Some(&self.identity.user))
                .ok()
                .flatten(),
            groups: String::new(),
            method: "-",
            request_target: None,
            operation: None,
            decision: None,
            status: 400,
            error_code: Some("IMSIAM.4003"),
            error_kind: Some("missing_forwarded_request"),
            deciding: None,
            revision,
            source_ip: None,
            project: None,
        };
        emit(&record);
        Rejection {
            status: StatusCode::BAD_REQUEST,
            code: "IMSIAM.4003",
            kind: "missing_forwarded_request",
            message,
            request_id: request_id.map(str::to_owned),
            decision: None,
            revision,
            decision_id: record.decision_id,
            enforced: record.enforced,
        }
    }

    /// Decides an [`http::Request`]: its method, its target as received (path and query), its identity
    /// headers and, for [`SourceIp::Peer`], its [`PeerAddr`] extension. The body is not looked at.
    pub fn authorize_request<B>(&self, request: &Request<B>) -> Result<Authorized, Rejection> {
        let target = request
            .uri()
            .path_and_query()
            .map(http::uri::PathAndQuery::as_str)
            .unwrap_or("");
        let peer = request.extensions().get::<PeerAddr>().map(|p| p.0.ip());
        self.authorize_parts(request.method().as_str(), target, request.headers(), peer)
    }

    /// Decides a request given as parts: the method token, the request-target as received, the headers
    /// and the peer address (forward-auth services take the first two from headers).
    pub fn authorize_parts(
        &self,
        method: &str,
        target: &str,
        headers: &HeaderMap,
        peer: Option<IpAddr>,
    ) -> Result<Authorized, Rejection> {
        let snapshot = self.store.snapshot();
        let now = OffsetDateTime::now_utc();
        let ids = &self.identity;
        let request_id = identity::single(headers, ids.request_id.as_ref()).ok().flatten();
        let mut record = Record {
            time: now,
            decision_id: DecisionId::next(),
            enforced: self.enforce,
            request_id,
            principal: None,
            groups: String::new(),
            method,
            request_target: Some(target),
            operation: None,
            decision: None,
            status: 200,
            error_code: None,
            error_kind: None,
            deciding: None,
            revision: snapshot.revision(),
            source_ip: None,
            project: None,
        };
        let reject = |record: &mut Record<'_>,
                      status: StatusCode,
                      code: &'static str,
                      kind: &'static str,
                      message: String| {
            record.status = status.as_u16();
            record.error_code = Some(code);
            record.error_kind = Some(kind);
            emit(record);
            Rejection {
                status,
                code,
                kind,
                message,
                request_id: record.request_id.map(str::to_owned),
                decision: record.decision,
                revision: record.revision,
                decision_id: record.decision_id,
                enforced: record.enforced,
            }
        };
        // 1. Who: the trusted identity headers.
        let identity = (|| {
            let user = identity::single(headers, Some(&ids.user))?;
            let groups = identity::groups(headers, ids.groups.as_ref())?;
            let user_id = identity::single(headers, ids.user_id.as_ref())?;
            let domain = identity::single(headers, ids.domain_name.as_ref())?;
            let project = identity::single(headers, ids.project.as_ref())?;
            let ep = identity::single(headers, ids.enterprise_project.as_ref())?;
            let source_ip = self.source_ip.resolve(headers, peer)?;
            Ok::<_, HeaderProblem>((user, groups, user_id, domain, project, ep, source_ip))
        })();
        let (user, groups, user_id, domain, project, ep, source_ip) = match identity {
            Ok(parts) => parts,
            Err(problem) => {
                let kind = match problem {
                    HeaderProblem::Duplicate(_) => "duplicate_header",
                    HeaderProblem::NotAscii(_) => "invalid_header",
                    HeaderProblem::TooManyGroups => "too_many_groups",
                };
                let msg = format!("invalid identity headers: {problem}");
                return Err(reject(
                    &mut record,
                    StatusCode::BAD_REQUEST,
                    "IMSIAM.4001",
                    kind,
                    msg,
                ));
            }
        };
        record.principal = user;
        record.project = project;
        record.source_ip = source_ip.as_deref();
        if user.is_none() && groups.is_empty() {
            let msg = "no authenticated principal: the request has no user name and no group".to_owned();
            return Err(reject(
                &mut record,
                StatusCode::UNAUTHORIZED,
                "IMSIAM.4010",
                "unauthenticated",
                msg,
            ));
        }
        let grants = snapshot.principals().grants(user, groups.iter().copied());
        record.groups = grants.groups().collect::<Vec<_>>().join(",");

        // 2. What: the documented API.
        let request = match self.router.route(method, target) {
            Ok(r) => r,
            Err(e) => {
                let msg = format!("invalid request: {e}");
                return Err(reject(
                    &mut record,
                    StatusCode::BAD_REQUEST,
                    "IMSIAM.4000",
                    e.kind(),
                    msg,
                ));
            }
        };
        let op = request.operation();
        record.operation = Some(op);

        // 3. The decision.
        let mut ctx = Context::default().with_current_time(now);
        if let Some(p) = project {
            ctx = ctx.with_project(p);
        }
        if let Some(e) = ep {
            ctx = ctx.with_enterprise_project(e);
        }
        if let Some(u) = user {
            ctx.push_value("g:UserName", u);
        }
        if let Some(u) = user_id {
            ctx.push_value("g:UserId", u);
        }
        if let Some(d) = domain {
            ctx.push_value("g:DomainName", d);
        }
        if let Some(ip) = &source_ip {
            ctx.push_value("g:SourceIp", ip);
        }
        let decision = if tracing::enabled!(target: DECISION_TARGET, tracing::Level::INFO) {
            let (decision, actions) = grants.explain(&request, &ctx);
            record.deciding = Some(deciding(decision, &actions));
            decision
        } else {
            grants.authorize(&request, &ctx)
        };
        record.decision = Some(decision);
        let who = user.map_or_else(|| "the caller".to_owned(), |u| format!("user `{u}`"));
        match decision.reason() {
            Reason::Allow | Reason::NoActionRequired => {
                emit(&record);
                Ok(Authorized {
                    decision,
                    operation: op,
                    principal: user.map(str::to_owned),
                    revision: record.revision,
                    decision_id: record.decision_id,
                })
            }
            Reason::ExplicitDeny => {
                let msg = format!(
                    "{who} is explicitly denied `{op}` (requires {})",
                    Required(op, &ctx)
                );
                Err(reject(
                    &mut record,
                    StatusCode::FORBIDDEN,
                    "IMSIAM.4030",
                    "explicit_deny",
                    msg,
                ))
            }
            Reason::ImplicitDeny => {
                let msg = format!("{who} is not allowed `{op}` (requires {})", Required(op, &ctx));
                Err(reject(
                    &mut record,
                    StatusCode::FORBIDDEN,
                    "IMSIAM.4031",
                    "implicit_deny",
                    msg,
                ))
            }
            Reason::Error(e) => {
                let msg = format!("the request cannot be decided: {e}");
                Err(reject(
                    &mut record,
                    StatusCode::BAD_REQUEST,
                    "IMSIAM.4002",
                    e.kind(),
                    msg,
                ))
            }
        }
    }
}
