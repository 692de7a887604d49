//! Deciding one HTTP request: identity from headers, routing, the decision, the log record.
//!
//! [`Authorizer::authorize_parts`] reads as the steps: who ([`Identity`]), what (the route), the
//! decision, the answer. None of them allocates for a caller named by groups (the decision log off).

use std::net::IpAddr;
use std::sync::Arc;

use http::{HeaderMap, Request, StatusCode};
use time::OffsetDateTime;

use super::answer::{Authorized, Message, Rejection};
use super::identity::{self, Groups, HeaderProblem, IdentityHeaders, PeerAddr, SourceIp, SourceIpText};
use super::log::{self, Record, emit};
use super::store::PolicyStore;
use crate::compile::PolicySet;
use crate::eval::{Decision, Reason};
use crate::matrix::Operation;
use crate::request::{Context, ContextLimits, Request as DecisionRequest};
use crate::route::{RouteBuffer, Router};

/// Decides HTTP requests against a [`PolicyStore`]: the shared core of the tower layer and of
/// `ims-iam serve`. See the [module docs](crate::gateway) for headers, answers and logs.
#[derive(Debug, Clone)]
pub struct Authorizer {
    store: Arc<PolicyStore>,
    identity: IdentityHeaders,
    source_ip: SourceIp,
    router: Router,
    limits: ContextLimits,
    enforce: bool,
}

/// Who the trusted headers say the caller is.
struct Identity<'h> {
    user: Option<&'h str>,
    groups: Groups<'h>,
    user_id: Option<&'h str>,
    domain: Option<&'h str>,
    project: Option<&'h str>,
    enterprise_project: Option<&'h str>,
    source_ip: Option<SourceIpText<'h>>,
}

impl<'h> Identity<'h> {
    /// The request's context: the condition keys the headers give, bounded by `limits`.
    fn context<'s>(&'s self, now: OffsetDateTime, limits: &ContextLimits) -> Result<Context<'s>, Message> {
        let pairs = [
            ("g:UserName", self.user),
            ("g:UserId", self.user_id),
            ("g:DomainName", self.domain),
            ("g:SourceIp", self.source_ip.as_ref().map(SourceIpText::as_str)),
        ];
        let present = pairs.into_iter().filter_map(|(k, v)| Some((k, v?)));
        let mut ctx = Context::from_untrusted(present, limits)
            .map_err(|e| Message::Text(format!("invalid identity headers: {e}")))?
            .with_current_time(now);
        if let Some(p) = self.project {
            ctx = ctx.with_project(p);
        }
        if let Some(e) = self.enterprise_project {
            ctx = ctx.with_enterprise_project(e);
        }
        Ok(ctx)
    }
}

/// Records the refusal in `record`, writes the record, and builds the rejection.
fn reject(
    record: &mut Record<'_>,
    status: StatusCode,
    code: &'static str,
    kind: &'static str,
    message: Message,
) -> Rejection {
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
}

impl Authorizer {
    /// An authorizer with the default [`IdentityHeaders`], [`SourceIp::Peer`] and the strict router.
    pub fn new(store: Arc<PolicyStore>) -> Authorizer {
        Authorizer {
            store,
            identity: IdentityHeaders::default(),
            source_ip: SourceIp::default(),
            router: Router::default(),
            limits: ContextLimits::default(),
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
    /// # let p = ims_iam::Principals::from_json_with(r#"{"policies": {}, "groups": {"g": {}}}"#, |_| Ok(String::new()))?;
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
        let mut record = Record::new(
            OffsetDateTime::now_utc(),
            "-",
            self.store.revision(),
            self.enforce,
        );
        record.request_id = identity::single(headers, self.identity.request_id.as_ref())
            .ok()
            .flatten();
        record.principal = identity::single(headers, Some(&self.identity.user))
            .ok()
            .flatten();
        reject(
            &mut record,
            StatusCode::BAD_REQUEST,
            "IMSIAM.4003",
            "missing_forwarded_request",
            Message::Text(message),
        )
    }

    /// Decides an [`http::Request`]: its method, its target as received (path and query), its identity
    /// headers and, for [`SourceIp::Peer`], its [`PeerAddr`] extension. The body is not looked at.
    #[expect(
        clippy::result_large_err,
        reason = "a rejection is returned by value: boxing it would allocate on the deny path, which allocates nothing"
    )]
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
    #[expect(
        clippy::result_large_err,
        reason = "a rejection is returned by value: boxing it would allocate on the deny path, which allocates nothing"
    )]
    pub(crate) fn authorize_parts(
        &self,
        method: &str,
        target: &str,
        headers: &HeaderMap,
        peer: Option<IpAddr>,
    ) -> Result<Authorized, Rejection> {
        let snapshot = self.store.snapshot();
        let now = OffsetDateTime::now_utc();
        let mut record = Record::new(now, method, snapshot.revision(), self.enforce);
        record.request_target = Some(target);
        record.request_id = identity::single(headers, self.identity.request_id.as_ref())
            .ok()
            .flatten();

        // 1. Who: the trusted identity headers.
        let who = match self.identify(headers, peer) {
            Ok(who) => who,
            Err(problem) => {
                let kind = match problem {
                    HeaderProblem::Duplicate(_) => "duplicate_header",
                    HeaderProblem::NotAscii(_) => "invalid_header",
                    HeaderProblem::TooManyGroups => "too_many_groups",
                };
                let message = Message::Text(format!("invalid identity headers: {problem}"));
                return Err(reject(
                    &mut record,
                    StatusCode::BAD_REQUEST,
                    "IMSIAM.4001",
                    kind,
                    message,
                ));
            }
        };
        record.principal = who.user;
        record.project = who.project;
        record.source_ip = who.source_ip.as_ref().map(SourceIpText::as_str);
        if who.user.is_none() && who.groups.is_empty() {
            let message = Message::Text(
                "no authenticated principal: the request has no user name and no group".to_owned(),
            );
            return Err(reject(
                &mut record,
                StatusCode::UNAUTHORIZED,
                "IMSIAM.4010",
                "unauthenticated",
                message,
            ));
        }
        let principals = snapshot.principals();
        let caller = principals.caller(who.user, who.groups.iter());
        record.caller = Some(&caller);

        // 2. What: the documented API (decoded parameter values on the stack: no allocation).
        let mut buffer = RouteBuffer::default();
        let route = match self.router.route_in(method, target, &mut buffer) {
            Ok(route) => route,
            Err(e) => {
                let message = Message::Text(format!("invalid request: {e}"));
                return Err(reject(
                    &mut record,
                    StatusCode::BAD_REQUEST,
                    "IMSIAM.4000",
                    e.kind(),
                    message,
                ));
            }
        };
        let operation = route.operation();
        record.operation = Some(operation);

        // 3. The decision.
        let ctx = match who.context(now, &self.limits) {
            Ok(ctx) => ctx,
            Err(message) => {
                return Err(reject(
                    &mut record,
                    StatusCode::BAD_REQUEST,
                    "IMSIAM.4001",
                    "limit_exceeded",
                    message,
                ));
            }
        };
        let request = DecisionRequest::new(&route, &ctx).with_owners(caller.owners());
        let decision = decide(principals.policy_set(), &request, &mut record);

        // 4. The answer.
        answer(decision, operation, who.user, &ctx, &mut record)
    }

    /// Reads the identity headers and the source address.
    fn identify<'h>(
        &self,
        headers: &'h HeaderMap,
        peer: Option<IpAddr>,
    ) -> Result<Identity<'h>, HeaderProblem> {
        let ids = &self.identity;
        Ok(Identity {
            user: identity::single(headers, Some(&ids.user))?,
            groups: identity::groups(headers, ids.groups.as_ref())?,
            user_id: identity::single(headers, ids.user_id.as_ref())?,
            domain: identity::single(headers, ids.domain_name.as_ref())?,
            project: identity::single(headers, ids.project.as_ref())?,
            enterprise_project: identity::single(headers, ids.enterprise_project.as_ref())?,
            source_ip: self.source_ip.resolve(headers, peer)?,
        })
    }
}

/// Decides, explaining the decision only when the record is written (to name the deciding statements,
/// `policy#index(Sid)`).
fn decide(set: &PolicySet, request: &DecisionRequest<'_>, record: &mut Record<'_>) -> Decision {
    let decision = if log::enabled() {
        let explanation = set.explain(request);
        let cites: Vec<String> = explanation
            .deciding()
            .iter()
            .map(|s| match &s.sid {
                Some(sid) => format!("{}#{}({sid})", s.policy, s.statement),
                None => format!("{}#{}", s.policy, s.statement),
            })
            .collect();
        record.deciding = Some(cites.join(","));
        explanation.decision()
    } else {
        set.authorize(request)
    };
    record.decision = Some(decision);
    decision
}

/// The answer to a decided request: authorized, or refused with the decision's status and message.
#[expect(
    clippy::result_large_err,
    reason = "a rejection is returned by value: boxing it would allocate on the deny path, which allocates nothing"
)]
fn answer(
    decision: Decision,
    operation: &'static Operation,
    user: Option<&str>,
    ctx: &Context<'_>,
    record: &mut Record<'_>,
) -> Result<Authorized, Rejection> {
    match decision.reason() {
        Reason::Allow | Reason::NoActionRequired => {
            emit(record);
            Ok(Authorized {
                decision,
                operation,
                principal: user.map(str::to_owned),
                revision: record.revision,
                decision_id: record.decision_id,
            })
        }
        Reason::ExplicitDeny | Reason::ImplicitDeny => {
            let explicit = decision.reason() == Reason::ExplicitDeny;
            let counted = operation
                .actions()
                .iter()
                .enumerate()
                .filter(|(_, a)| a.situation().is_none_or(|s| ctx.has_situation(s)))
                .fold(0u64, |mask, (i, _)| {
                    mask | 1u64.checked_shl(i as u32).unwrap_or(0)
                });
            let message = Message::Denied {
                explicit,
                user: user.map(str::to_owned),
                operation,
                counted,
            };
            let (code, kind) = if explicit {
                ("IMSIAM.4030", "explicit_deny")
            } else {
                ("IMSIAM.4031", "implicit_deny")
            };
            Err(reject(record, StatusCode::FORBIDDEN, code, kind, message))
        }
        Reason::Error(crate::RequestError::SituationRequired) => {
            let situations: Vec<&str> = operation
                .actions()
                .iter()
                .filter_map(|a| a.situation().map(|s| s.id()))
                .collect();
            let message = Message::Text(format!(
                "the request cannot be decided: every action this API requires depends on a situation \
                 (one of `{}`) that a forwarded request cannot name, so the gateway refuses it; send this \
                 API through a route that does not use the gateway, or decide it with `ims-iam authorize \
                 --situation ID`",
                situations.join("`, `")
            ));
            Err(reject(
                record,
                StatusCode::BAD_REQUEST,
                "IMSIAM.4002",
                crate::RequestError::SituationRequired.kind(),
                message,
            ))
        }
        Reason::Error(e) => {
            let message = Message::Text(format!("the request cannot be decided: {e}"));
            Err(reject(
                record,
                StatusCode::BAD_REQUEST,
                "IMSIAM.4002",
                e.kind(),
                message,
            ))
        }
    }
}
