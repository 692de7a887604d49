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

use crate::compile::condition::{Block, Memo, Outcome};
use crate::compile::{ActionSet, Bucket, Masks, PolicySet, Scope};
use crate::eval::decision::{ActionVerdict, Decision, Reason, RequestError};
use crate::eval::trace::{
    Explanation, NoTrace, ScopeNote, StatementOutcome, StatementRef, TraceEvent, TraceSink,
};
use crate::matrix::{ActionId, Operation, RequiredAction};
use crate::policy::Effect;
use crate::request::{Context, Owners, Request};

/// An applicable bucket of statements, and whether its Allow statements may grant.
#[derive(Clone, Copy)]
struct Applicable<'s> {
    bucket: &'s Bucket,
    grants: bool,
}

/// What a decision evaluates against, worked out once per request.
struct Scopes<'s> {
    /// The global attachments (always applicable, always granting).
    global: &'s Bucket,
    /// The applicable project and enterprise-project buckets, if any.
    scoped: [Option<Applicable<'s>>; 2],
    /// The unconditional Allow and Deny actions of the request's owners (everyone's, for a request
    /// that names none) over the applicable buckets (Allows only of granting ones).
    folded: Masks,
    /// The actions that some conditional statement of an applicable bucket covers (Allows only of
    /// granting ones): for any other action the folded masks decide.
    conditional: Masks,
}

impl PolicySet {
    /// Decides a request: the gateway's call. Allocates nothing and explains nothing.
    ///
    /// ```
    /// use ims_iam::{route, Context, Policy, PolicySet, Reason, Request, Scope};
    /// let set = PolicySet::new([Policy::parse("tags.json", Scope::Global,
    ///     r#"{"Version":"1.1","Statement":[{"Effect":"Allow","Action":["ims:images:get","ims:images:update"]}]}"#)
    ///     .unwrap()]).unwrap();
    /// let ctx = Context::default();
    /// let put = route("PUT", "/v2/images/0b3b6d4e-8f0a-4c1e-9a57-3c0b8f6f2d11/tags/env").unwrap();
    /// assert!(set.authorize(&Request::new(&put, &ctx)).is_allowed());
    /// let delete = route("DELETE", "/v2/images/0b3b6d4e-8f0a-4c1e-9a57-3c0b8f6f2d11").unwrap();
    /// assert_eq!(set.authorize(&Request::new(&delete, &ctx)).reason(), Reason::ImplicitDeny);
    /// ```
    #[inline]
    pub fn authorize(&self, request: &Request<'_>) -> Decision {
        self.decide(request, &mut NoTrace)
    }

    /// [`PolicySet::authorize`] with an [`Explanation`]: the decision, the verdict of every required
    /// action and the statements that determined it. Slower (it scans statements and allocates); use it
    /// for tools and logs.
    ///
    /// ```
    /// use ims_iam::{route, Context, Policy, PolicySet, Request, Scope};
    /// let set = PolicySet::new([Policy::parse("tags.json", Scope::Global,
    ///     r#"{"Version":"1.1","Statement":[{"Effect":"Allow","Action":["ims:images:update"]}]}"#)
    ///     .unwrap()]).unwrap();
    /// let put = route("PUT", "/v2/images/0b3b6d4e-8f0a-4c1e-9a57-3c0b8f6f2d11/tags/env").unwrap();
    /// let ctx = Context::default();
    /// let explanation = set.explain(&Request::new(&put, &ctx));
    /// assert!(!explanation.decision().is_allowed());
    /// assert_eq!(
    ///     explanation.summary(),
    ///     "denied: ims:images:get is not allowed by any statement; ims:images:update allowed by tags.json statement 0"
    /// );
    /// ```
    pub fn explain(&self, request: &Request<'_>) -> Explanation {
        let mut explanation = Explanation::default();
        self.decide(request, &mut explanation);
        explanation
    }

    /// The decision procedure, reporting to `sink`: [`authorize`](PolicySet::authorize) and
    /// [`explain`](PolicySet::explain) are this with [`NoTrace`] (the fast path: folded masks, no
    /// statement scan, no allocation) and with an [`Explanation`]. Implement [`TraceSink`] to log
    /// decisions your own way; the last event is always [`TraceEvent::Decision`].
    ///
    /// ```
    /// use ims_iam::{route, Context, Policy, PolicySet, Request, Scope, TraceEvent, TraceSink};
    /// struct Count(usize);
    /// impl TraceSink for Count {
    ///     fn event(&mut self, event: TraceEvent<'_>) {
    ///         if let TraceEvent::Statement { .. } = event { self.0 += 1 }
    ///     }
    /// }
    /// let set = PolicySet::new([Policy::parse("all.json", Scope::Global,
    ///     r#"{"Version":"1.1","Statement":[{"Effect":"Allow","Action":["ims:*:*"]}]}"#).unwrap()]).unwrap();
    /// let get = route("GET", "/v2/cloudimages")?;
    /// let ctx = Context::default();
    /// let mut count = Count(0);
    /// assert!(set.decide(&Request::new(&get, &ctx), &mut count).is_allowed());
    /// assert_eq!(count.0, 1);
    /// # Ok::<(), ims_iam::RouteError>(())
    /// ```
    pub fn decide<S: TraceSink>(&self, request: &Request<'_>, sink: &mut S) -> Decision {
        let decision = self.decide_inner(request, sink);
        if S::ENABLED {
            sink.event(TraceEvent::Decision(decision));
        }
        decision
    }

    #[inline]
    fn decide_inner<S: TraceSink>(&self, request: &Request<'_>, sink: &mut S) -> Decision {
        let operation = request.operation();
        let ctx = request.context();
        let owners = request.owners();
        if S::ENABLED {
            sink.event(TraceEvent::Operation(operation));
        }
        let project = match (request.path_project(), ctx.project()) {
            (Some(a), Some(b)) if a != b => {
                return Decision::new(Reason::Error(RequestError::ProjectMismatch));
            }
            (a, b) => a.or(b),
        };
        let enterprise_project = ctx.enterprise_project();
        let scopes = self.scopes(operation, project, enterprise_project, owners);
        if S::ENABLED {
            self.report_scopes(operation, project, enterprise_project, owners, sink);
        }

        let counted = |a: &RequiredAction| a.situation().is_none_or(|s| ctx.has_situation(s));
        if operation.actions().is_empty() {
            return Decision::new(Reason::NoActionRequired);
        }
        let mut wanted = ActionSet::default();
        for required in operation.actions().iter().filter(|a| counted(a)) {
            wanted.insert(required.id());
        }
        if wanted.is_empty() {
            return Decision::new(Reason::Error(RequestError::SituationRequired));
        }
        if !S::ENABLED {
            if let Some(reason) = by_masks(&scopes, wanted) {
                return Decision::new(reason);
            }
        }
        let now = if self.uses_current_time() {
            ctx.current_time().unwrap_or_else(OffsetDateTime::now_utc)
        } else {
            OffsetDateTime::UNIX_EPOCH
        };

        let memo = Memo::new(self.key_slots());
        let mut any_explicit = false;
        let mut any_implicit = false;
        for required in operation.actions() {
            if !counted(required) {
                if let (true, Some(situation)) = (S::ENABLED, required.situation()) {
                    sink.event(TraceEvent::SkippedAction {
                        action: required.action(),
                        situation,
                    });
                }
                continue;
            }
            let verdict = if S::ENABLED {
                self.verdict_traced(&scopes, required.id(), required.action(), ctx, owners, now, sink)
            } else if owners.lists().is_some() || self.has_owners() {
                // A request naming owners, or for everyone in a set with owners: skip the
                // statements of other owners.
                self.verdict_fast::<true>(&scopes, required.id(), ctx, owners, now, &memo)
            } else {
                // Everyone's request on everyone's attachments: nothing to skip.
                self.verdict_fast::<false>(&scopes, required.id(), ctx, owners, now, &memo)
            };
            match verdict {
                ActionVerdict::Allow => {}
                ActionVerdict::ExplicitDeny => any_explicit = true,
                ActionVerdict::ImplicitDeny => any_implicit = true,
            }
        }
        Decision::new(if any_explicit {
            Reason::ExplicitDeny
        } else if any_implicit {
            Reason::ImplicitDeny
        } else {
            Reason::Allow
        })
    }

    /// The applicable buckets, and the owners' unconditional masks over them.
    #[inline(always)]
    fn scopes(
        &self,
        operation: &Operation,
        project: Option<&str>,
        enterprise_project: Option<&str>,
        owners: Owners<'_>,
    ) -> Scopes<'_> {
        let global = self.global_bucket();
        // A kind of attachment the set has none of applies nothing: no lookup, no folding.
        let project_scope = scoped(
            operation.iam_project() && self.has_project_attachments(),
            || project.map(|p| self.project_bucket(p)),
            self.project_denies(),
        );
        let enterprise_scope = scoped(
            operation.enterprise_project() && self.has_enterprise_project_attachments(),
            || enterprise_project.map(|e| self.enterprise_project_bucket(e)),
            self.enterprise_project_denies(),
        );
        let mut folded = global.masks(owners);
        let mut conditional = global.conditional();
        for scope in [project_scope, enterprise_scope].iter().flatten() {
            let Masks { allow, deny } = scope.bucket.masks(owners);
            let covered = scope.bucket.conditional();
            folded.deny.union(deny);
            conditional.deny.union(covered.deny);
            if scope.grants {
                folded.allow.union(allow);
                conditional.allow.union(covered.allow);
            }
        }
        Scopes {
            global,
            scoped: [project_scope, enterprise_scope],
            folded,
            conditional,
        }
    }

    /// Masks first (a few instructions each), conditions only when no mask decides and some
    /// conditional statement covers the action: an unconditional Deny in any applicable scope, then
    /// conditional Denies, then an unconditional Allow in a granting scope, then conditional Allows.
    /// Explicit deny wins whatever the order, so the verdict is the traced path's. With `FILTER`,
    /// statements of owners other than the request's are skipped (a set whose attachments are all
    /// everyone's has nothing to skip).
    #[inline]
    fn verdict_fast<const FILTER: bool>(
        &self,
        scopes: &Scopes<'_>,
        action: ActionId,
        ctx: &Context<'_>,
        owners: Owners<'_>,
        now: OffsetDateTime,
        memo: &Memo<'_>,
    ) -> ActionVerdict {
        // A conditional statement counts when it is the request's owners' (with `FILTER`) and its
        // conditions say so: a Deny unless they fail, an Allow only when they hold.
        let deny_applies = |b: Block| b != Block::Fails;
        let allow_applies = |b: Block| b == Block::Holds;
        let applies = |s: usize, effect_applies: fn(Block) -> bool| {
            (!FILTER || owners.contains(self.statement(s).owner()))
                && effect_applies(self.block(s, ctx, now, memo))
        };
        if scopes.folded.deny.contains(action) {
            return ActionVerdict::ExplicitDeny;
        }
        if scopes.conditional.deny.contains(action) {
            for scope in scopes.buckets() {
                for &s in scope.bucket.conditional_denies(action) {
                    if applies(s, deny_applies) {
                        return ActionVerdict::ExplicitDeny;
                    }
                }
                let denies = scope.bucket.indexed_denies().any(
                    action,
                    ctx,
                    memo,
                    |s| self.statement(s).actions(),
                    |s| applies(s, deny_applies),
                );
                if denies {
                    return ActionVerdict::ExplicitDeny;
                }
            }
        }
        if scopes.folded.allow.contains(action) {
            return ActionVerdict::Allow;
        }
        if scopes.conditional.allow.contains(action) {
            for scope in scopes.buckets().filter(|s| s.grants) {
                for &s in scope.bucket.conditional_allows(action) {
                    if applies(s, allow_applies) {
                        return ActionVerdict::Allow;
                    }
                }
                let allows = scope.bucket.indexed_allows().any(
                    action,
                    ctx,
                    memo,
                    |s| self.statement(s).actions(),
                    |s| applies(s, allow_applies),
                );
                if allows {
                    return ActionVerdict::Allow;
                }
            }
        }
        ActionVerdict::ImplicitDeny
    }

    /// What statement `s`'s conditions say, evaluated once per decision (see [`Memo::block`]).
    #[inline]
    fn block(&self, s: usize, ctx: &Context<'_>, now: OffsetDateTime, memo: &Memo<'_>) -> Block {
        memo.block(s, || self.statement(s).block(ctx, now, memo))
    }

    #[expect(
        clippy::too_many_arguments,
        reason = "the traced twin of `verdict_fast`, plus the sink"
    )]
    fn verdict_traced<S: TraceSink>(
        &self,
        scopes: &Scopes<'_>,
        action: ActionId,
        name: &'static str,
        ctx: &Context<'_>,
        owners: Owners<'_>,
        now: OffsetDateTime,
        sink: &mut S,
    ) -> ActionVerdict {
        let mut denied = false;
        let mut allowed = false;
        for scope in scopes.buckets() {
            for &s in scope.bucket.statements() {
                let st = self.statement(s);
                if !owners.contains(st.owner())
                    || !st.actions().contains(action)
                    || (st.effect() == Effect::Allow && !scope.grants)
                {
                    continue;
                }
                let (outcome, culprit) = if st.effect() == Effect::Allow && st.narrow_resource() {
                    (StatementOutcome::NarrowResourceAllowIgnored, None)
                } else {
                    match st.evaluate_conditions(ctx, now) {
                        (Outcome::Holds, _) => (StatementOutcome::Applies, None),
                        (Outcome::Fails, c) => (StatementOutcome::ConditionFails, c),
                        (Outcome::Unevaluable(u), c) => {
                            (StatementOutcome::Unevaluable { expected: u.expected }, c)
                        }
                    }
                };
                if outcome.applies(st.effect()) {
                    match st.effect() {
                        Effect::Deny => denied = true,
                        Effect::Allow => allowed = true,
                    }
                }
                sink.event(TraceEvent::Statement {
                    action: name,
                    statement: StatementRef {
                        policy: self.policy(st.policy()).name(),
                        statement: st.index(),
                        sid: st.sid(),
                        effect: st.effect(),
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
        owners: Owners<'_>,
        sink: &mut S,
    ) {
        for policy in self.policies().iter().filter(|p| owners.contains(p.owner())) {
            let note = match policy.scope() {
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
                    policy: policy.name(),
                    scope: policy.scope(),
                    note,
                });
            }
        }
    }
}

impl<'s> Scopes<'s> {
    /// The applicable buckets: the global one, then the project's and the enterprise project's.
    #[inline]
    fn buckets(&self) -> impl Iterator<Item = Applicable<'s>> + '_ {
        std::iter::once(Applicable {
            bucket: self.global,
            grants: true,
        })
        .chain(self.scoped.iter().flatten().copied())
    }
}

/// The decision when the folded masks settle every counted action (`wanted`), all at once: an explicit deny
/// when some counted action is in a Deny mask; else, when no conditional statement covers a counted
/// action (a conditional Deny could deny it, a conditional Allow could allow one no mask allows), an
/// Allow if the Allow masks cover them all and an implicit deny if not. `None`: some action needs its
/// conditions looked at, one by one.
#[inline(always)]
fn by_masks(scopes: &Scopes<'_>, wanted: ActionSet) -> Option<Reason> {
    let Masks { allow, deny } = scopes.folded;
    if wanted.meets(deny) {
        return Some(Reason::ExplicitDeny);
    }
    let mut open = scopes.conditional.allow;
    open.remove_all(allow);
    open.union(scopes.conditional.deny);
    if wanted.meets(open) {
        return None;
    }
    Some(if wanted.is_subset(allow) {
        Reason::Allow
    } else {
        Reason::ImplicitDeny
    })
}

/// The bucket of a project or enterprise-project attachment that applies to an operation: none when the
/// operation's flag is off (or the set has no attachment of that kind: `named` is then not looked up); the named scope's bucket (which grants) when the request names one (none if
/// nothing is attached there); when the request's scope of that kind is unknown, the Deny statements of
/// every attachment of that kind (which cannot grant).
#[inline(always)]
fn scoped<'s>(
    flag: bool,
    named: impl FnOnce() -> Option<Option<&'s Bucket>>,
    denies: &'s Bucket,
) -> Option<Applicable<'s>> {
    if !flag {
        return None;
    }
    match named() {
        Some(bucket) => bucket.map(|bucket| Applicable { bucket, grants: true }),
        None => Some(Applicable {
            bucket: denies,
            grants: false,
        }),
    }
}
