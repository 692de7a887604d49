//! The decision procedure (SPEC 3.3-3.6).
//!
//! For each required action of the routed operation that counts (unconditional ones, and conditional
//! ones whose situation the context names), over the statements of the applicable attachments: an
//! explicit Deny if any Deny statement applies; else Allow if any Allow statement applies; else an
//! implicit deny. The request is allowed only if every counted action is allowed; an operation with no
//! required action is allowed (`no_action_required`).
//!
//! Applicable attachments, for a request in project P on a resource in enterprise project E:
//! - global attachments, always;
//! - `project:P` attachments, when the operation's IAM Project flag is `Y`; when P is unknown, the Deny
//!   statements of every project attachment apply (they cannot grant);
//! - `enterprise-project:E` attachments, only when the operation's Enterprise Project flag is `Y`; when E
//!   is unknown, the Deny statements of every enterprise-project attachment apply (they cannot grant).
//!   For an `x` operation they have no effect at all.

use time::OffsetDateTime;

use crate::compile::condition::{CompiledCondition, Memo, Outcome};
use crate::compile::{Bucket, CompiledStatement, PolicySet, Scope};
use crate::eval::Context;
use crate::eval::decision::{ActionVerdict, Decision, Reason, RequestError};
use crate::eval::trace::{
    Explanation, NoTrace, ScopeNote, StatementOutcome, StatementRef, TraceEvent, TraceSink,
};
use crate::matrix::{ActionId, Operation};
use crate::policy::Effect;
use crate::route::RouteMatch;

/// An applicable bucket of statements, and whether its Allow statements may grant.
#[derive(Clone, Copy)]
struct Applicable<'s> {
    bucket: &'s Bucket,
    grants: bool,
}

impl PolicySet {
    /// Decides a routed request: the gateway's call. Allocates nothing and explains nothing.
    ///
    /// The request's project is the path's `{project_id}` when the template has one, else the context's;
    /// when both are given and differ the request is an error (never an allow).
    ///
    /// ```
    /// use ims_iam::{route, Context, Policy, PolicySet, Reason, Scope};
    /// let set = PolicySet::new([Policy::parse("tags.json", Scope::Global,
    ///     r#"{"Version":"1.1","Statement":[{"Effect":"Allow","Action":["ims:images:get","ims:images:update"]}]}"#)
    ///     .unwrap()]).unwrap();
    /// let request = route("PUT", "/v2/images/0b3b6d4e-8f0a-4c1e-9a57-3c0b8f6f2d11/tags/env").unwrap();
    /// assert!(set.authorize(&request, &Context::default()).is_allowed());
    /// let delete = route("DELETE", "/v2/images/0b3b6d4e-8f0a-4c1e-9a57-3c0b8f6f2d11").unwrap();
    /// assert_eq!(set.authorize(&delete, &Context::default()).reason(), Reason::ImplicitDeny);
    /// ```
    pub fn authorize(&self, request: &RouteMatch<'_>, ctx: &Context<'_>) -> Decision {
        self.decide(request.operation(), request.project_id(), ctx, &mut NoTrace)
    }

    /// [`PolicySet::authorize`] with an [`Explanation`]: the verdict of every required action and the
    /// statements that decided it. Slower (it scans statements and allocates); use it for tools and logs.
    ///
    /// ```
    /// use ims_iam::{route, Context, Policy, PolicySet, Scope};
    /// let set = PolicySet::new([Policy::parse("tags.json", Scope::Global,
    ///     r#"{"Version":"1.1","Statement":[{"Effect":"Allow","Action":["ims:images:update"]}]}"#)
    ///     .unwrap()]).unwrap();
    /// let request = route("PUT", "/v2/images/0b3b6d4e-8f0a-4c1e-9a57-3c0b8f6f2d11/tags/env").unwrap();
    /// let (decision, explanation) = set.explain(&request, &Context::default());
    /// assert_eq!(
    ///     explanation.summary(&decision),
    ///     "denied: ims:images:get is not allowed by any statement; ims:images:update allowed by tags.json statement 0"
    /// );
    /// ```
    pub fn explain(&self, request: &RouteMatch<'_>, ctx: &Context<'_>) -> (Decision, Explanation) {
        self.explain_operation(request.operation(), request.project_id(), ctx)
    }

    /// Decides a request for `operation`, whose path gave `path_project` as `{project_id}` (if its
    /// template has one). The fast path: nothing is allocated and nothing is explained.
    ///
    /// ```
    /// use ims_iam::{operations, Context, Method, Policy, PolicySet, Reason, Scope};
    /// let set = PolicySet::new([Policy::parse("readers.json", Scope::Global,
    ///     r#"{"Version":"1.1","Statement":[{"Effect":"Allow","Action":["ims:images:list"]}]}"#).unwrap()]).unwrap();
    /// let list = operations().iter().find(|o| o.template() == "/v2/cloudimages").unwrap();
    /// let delete = operations().iter()
    ///     .find(|o| o.method() == Method::Delete && o.template() == "/v2/images/{image_id}").unwrap();
    /// assert!(set.authorize_operation(list, None, &Context::default()).is_allowed());
    /// assert_eq!(set.authorize_operation(delete, None, &Context::default()).reason(), Reason::ImplicitDeny);
    /// ```
    pub fn authorize_operation(
        &self,
        operation: &'static Operation,
        path_project: Option<&str>,
        ctx: &Context<'_>,
    ) -> Decision {
        self.decide(operation, path_project, ctx, &mut NoTrace)
    }

    /// [`PolicySet::authorize_operation`] with an explanation of every step.
    pub fn explain_operation(
        &self,
        operation: &'static Operation,
        path_project: Option<&str>,
        ctx: &Context<'_>,
    ) -> (Decision, Explanation) {
        let mut explanation = Explanation::default();
        let decision = self.decide(operation, path_project, ctx, &mut explanation);
        (decision, explanation)
    }

    /// The decision procedure, reporting to `sink` (the fast path when `S::ENABLED` is false).
    pub fn decide<S: TraceSink>(
        &self,
        operation: &'static Operation,
        path_project: Option<&str>,
        ctx: &Context<'_>,
        sink: &mut S,
    ) -> Decision {
        if S::ENABLED {
            sink.event(TraceEvent::Operation(operation));
        }
        let project = match (path_project, ctx.project()) {
            (Some(a), Some(b)) if a != b => return Reason::Error(RequestError::ProjectMismatch).into(),
            (a, b) => a.or(b),
        };
        let enterprise_project = ctx.enterprise_project();
        let scopes = [
            Some(Applicable {
                bucket: &self.global,
                grants: true,
            }),
            if operation.iam_project() {
                match project {
                    Some(p) => self
                        .project_bucket(p)
                        .map(|bucket| Applicable { bucket, grants: true }),
                    None => Some(Applicable {
                        bucket: &self.project_denies,
                        grants: false,
                    }),
                }
            } else {
                None
            },
            if operation.enterprise_project() {
                match enterprise_project {
                    Some(e) => self
                        .enterprise_project_bucket(e)
                        .map(|bucket| Applicable { bucket, grants: true }),
                    None => Some(Applicable {
                        bucket: &self.enterprise_project_denies,
                        grants: false,
                    }),
                }
            } else {
                None
            },
        ];
        if S::ENABLED {
            self.report_scopes(operation, project, enterprise_project, sink);
        }

        let counted = |a: &&crate::matrix::RequiredAction| a.situation().is_none_or(|s| ctx.has_situation(s));
        if operation.actions().is_empty() {
            return Reason::NoActionRequired.into();
        }
        if !operation.actions().iter().any(|a| counted(&a)) {
            return Reason::Error(RequestError::SituationRequired).into();
        }
        let now = if self.uses_current_time {
            ctx.current_time().unwrap_or_else(OffsetDateTime::now_utc)
        } else {
            OffsetDateTime::UNIX_EPOCH
        };

        let memo = Memo::new();
        let mut any_explicit = false;
        let mut any_implicit = false;
        for required in operation.actions() {
            if !counted(&required) {
                if let (true, Some(situation)) = (S::ENABLED, required.situation()) {
                    sink.event(TraceEvent::SkippedAction {
                        action: required.action(),
                        situation,
                    });
                }
                continue;
            }
            let verdict = if S::ENABLED {
                self.verdict_traced(&scopes, required.id(), required.action(), ctx, now, sink)
            } else {
                self.verdict_fast(&scopes, required.id(), ctx, now, &memo)
            };
            match verdict {
                ActionVerdict::Allow => {}
                ActionVerdict::ExplicitDeny => any_explicit = true,
                ActionVerdict::ImplicitDeny => any_implicit = true,
            }
        }
        if any_explicit {
            Reason::ExplicitDeny.into()
        } else if any_implicit {
            Reason::ImplicitDeny.into()
        } else {
            Reason::Allow.into()
        }
    }

    /// Masks first (a few instructions each), conditions only when no mask decides: an unconditional
    /// Deny in any applicable scope, then conditional Denies, then an unconditional Allow in a granting
    /// scope, then conditional Allows. Explicit deny wins whatever the order, so the verdict is the
    /// traced path's.
    fn verdict_fast(
        &self,
        scopes: &[Option<Applicable<'_>>; 3],
        action: ActionId,
        ctx: &Context<'_>,
        now: OffsetDateTime,
        memo: &Memo,
    ) -> ActionVerdict {
        if scopes
            .iter()
            .flatten()
            .any(|scope| scope.bucket.deny.contains(action))
        {
            return ActionVerdict::ExplicitDeny;
        }
        for scope in scopes.iter().flatten() {
            for &s in scope.bucket.conditional_denies(action) {
                if !fails(&self.statements[s], ctx, now, memo) {
                    return ActionVerdict::ExplicitDeny;
                }
            }
        }
        let granting = || scopes.iter().flatten().filter(|s| s.grants);
        if granting().any(|scope| scope.bucket.allow.contains(action)) {
            return ActionVerdict::Allow;
        }
        for scope in granting() {
            for &s in scope.bucket.conditional_allows(action) {
                if holds(&self.statements[s], ctx, now, memo) {
                    return ActionVerdict::Allow;
                }
            }
        }
        ActionVerdict::ImplicitDeny
    }

    fn verdict_traced<S: TraceSink>(
        &self,
        scopes: &[Option<Applicable<'_>>; 3],
        action: ActionId,
        name: &'static str,
        ctx: &Context<'_>,
        now: OffsetDateTime,
        sink: &mut S,
    ) -> ActionVerdict {
        let mut denied = false;
        let mut allowed = false;
        for scope in scopes.iter().flatten() {
            for &s in &scope.bucket.statements {
                let st = &self.statements[s];
                if !st.actions.contains(action) || (st.effect == Effect::Allow && !scope.grants) {
                    continue;
                }
                let (outcome, culprit) = if st.effect == Effect::Allow && st.narrow_resource {
                    (StatementOutcome::NarrowResourceAllowIgnored, None)
                } else {
                    match conditions(st, ctx, now) {
                        (Outcome::Holds, _) => (StatementOutcome::Applies, None),
                        (Outcome::Fails, c) => (StatementOutcome::ConditionFails, c),
                        (Outcome::Unevaluable(u), c) => {
                            (StatementOutcome::Unevaluable { expected: u.expected }, c)
                        }
                    }
                };
                if outcome.applies(st.effect) {
                    match st.effect {
                        Effect::Deny => denied = true,
                        Effect::Allow => allowed = true,
                    }
                }
                let policy = &self.policies[st.policy];
                sink.event(TraceEvent::Statement {
                    action: name,
                    statement: StatementRef {
                        policy: &policy.name,
                        statement: st.index,
                        sid: st.sid.as_deref(),
                        effect: st.effect,
                    },
                    outcome,
                    condition: culprit.map(|c| (c.operator(), c.key(), c.location())),
                });
            }
        }
        let verdict = if denied {
            ActionVerdict::ExplicitDeny
        } else if allowed {
            ActionVerdict::Allow
        } else {
            ActionVerdict::ImplicitDeny
        };
        sink.event(TraceEvent::Verdict {
            action: name,
            verdict,
        });
        verdict
    }

    fn report_scopes<S: TraceSink>(
        &self,
        operation: &Operation,
        project: Option<&str>,
        enterprise_project: Option<&str>,
        sink: &mut S,
    ) {
        for policy in &self.policies {
            let note = match &policy.scope {
                Scope::Global => None,
                Scope::Project(_) if !operation.iam_project() => Some(ScopeNote::ProjectNotSupported),
                Scope::Project(p) => match project {
                    None => Some(ScopeNote::UnknownRequestScope),
                    Some(q) if q != p => Some(ScopeNote::OtherScope),
                    Some(_) => None,
                },
                Scope::EnterpriseProject(_) if !operation.enterprise_project() => {
                    Some(ScopeNote::EnterpriseProjectNotSupported)
                }
                Scope::EnterpriseProject(e) => match enterprise_project {
                    None => Some(ScopeNote::UnknownRequestScope),
                    Some(q) if q != e => Some(ScopeNote::OtherScope),
                    Some(_) => None,
                },
            };
            if let Some(note) = note {
                sink.event(TraceEvent::Scope {
                    policy: &policy.name,
                    scope: &policy.scope,
                    note,
                });
            }
        }
    }
}

/// Whether some condition of the statement fails (so a Deny does not apply). Stops at the first.
fn fails(st: &CompiledStatement, ctx: &Context<'_>, now: OffsetDateTime, memo: &Memo) -> bool {
    st.conditions
        .iter()
        .any(|c| c.evaluate_with(ctx, now, memo) == Outcome::Fails)
}

/// Whether every condition of the statement holds (so an Allow applies). Stops at the first that does
/// not.
fn holds(st: &CompiledStatement, ctx: &Context<'_>, now: OffsetDateTime, memo: &Memo) -> bool {
    st.conditions
        .iter()
        .all(|c| c.evaluate_with(ctx, now, memo) == Outcome::Holds)
}

/// The conditions of a statement, ANDed: any failing condition makes the statement not apply; else an
/// unevaluable one makes it unevaluable; else it holds. Returns the deciding condition, if any.
fn conditions<'s>(
    st: &'s CompiledStatement,
    ctx: &Context<'_>,
    now: OffsetDateTime,
) -> (Outcome, Option<&'s CompiledCondition>) {
    let mut result = (Outcome::Holds, None);
    for c in &st.conditions {
        match c.evaluate(ctx, now) {
            Outcome::Holds => {}
            Outcome::Fails => return (Outcome::Fails, Some(c)),
            u @ Outcome::Unevaluable(_) => {
                if result.1.is_none() {
                    result = (u, Some(c));
                }
            }
        }
    }
    result
}
