//! Explaining decisions: the trace sink the evaluator reports to, and the [`Explanation`] it builds.
//!
//! The evaluator is generic over a [`TraceSink`]. With [`NoTrace`] (what [`PolicySet::authorize`] uses)
//! it takes the fast path: folded masks, no statement scan, no allocation. With a sink that is enabled
//! (such as [`Explanation`]) it scans the applicable statements and reports each one that covers a
//! required action. Both paths reach the same decision; a test checks that they agree.
//!
//! [`PolicySet::authorize`]: crate::PolicySet::authorize

use std::fmt;

use crate::compile::Scope;
use crate::eval::decision::{ActionVerdict, Decision, Reason, RequestError};
use crate::matrix::{Operation, Situation};
use crate::policy::{Effect, Location};

/// A statement, as explanations cite it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatementRef<'a> {
    /// The policy's name (usually its file name).
    pub policy: &'a str,
    /// The statement's 0-based index in the policy's `Statement` array.
    pub statement: usize,
    /// Its `Sid`, if any.
    pub sid: Option<&'a str>,
    /// Its effect.
    pub effect: Effect,
}

/// What a statement that covers a required action did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatementOutcome {
    /// It applies: its conditions hold (or it has none).
    Applies,
    /// A condition fails: it does not apply.
    ConditionFails,
    /// A condition could not be evaluated for this request (a context value that does not parse for
    /// the operator). Resolved on the safe side: a Deny applies, an Allow does not.
    Unevaluable {
        /// What the request value should have been, e.g. `an IP address`.
        expected: &'static str,
    },
    /// An Allow whose `Resource` does not cover everything: IMS has no resource-level authorization, so
    /// it grants nothing.
    NarrowResourceAllowIgnored,
}

impl StatementOutcome {
    /// Whether the statement takes part in the decision with its effect.
    pub fn applies(self, effect: Effect) -> bool {
        match self {
            StatementOutcome::Applies => true,
            StatementOutcome::Unevaluable { .. } => effect == Effect::Deny,
            StatementOutcome::ConditionFails | StatementOutcome::NarrowResourceAllowIgnored => false,
        }
    }
}

/// Why an attached policy took no part, or only a limited part, in a decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScopeNote {
    /// Attached to an enterprise project, but the API cannot be authorized in enterprise projects
    /// (Enterprise Project `x`): the policy has no effect at all.
    EnterpriseProjectNotSupported,
    /// Attached to a project, but the API cannot be authorized at IAM-project scope.
    ProjectNotSupported,
    /// Attached to another project or enterprise project than the request's.
    OtherScope,
    /// Attached to a project or enterprise project while the request's is unknown: its Deny statements
    /// apply, its Allow statements cannot grant.
    UnknownRequestScope,
}

/// One thing the evaluator reports to a [`TraceSink`].
#[derive(Debug, Clone, Copy)]
pub enum TraceEvent<'a> {
    /// The operation being decided (first event).
    Operation(&'static Operation),
    /// An attached policy that is out of scope, or only partly in scope, for this request.
    Scope {
        /// The policy's name.
        policy: &'a str,
        /// Its attachment.
        scope: &'a Scope,
        /// What that means here.
        note: ScopeNote,
    },
    /// A conditional required action that does not count, because the context does not say that its
    /// situation holds.
    SkippedAction {
        /// The action.
        action: &'static str,
        /// Its situation.
        situation: Situation,
    },
    /// A statement that covers a required action.
    Statement {
        /// The required action.
        action: &'static str,
        /// The statement.
        statement: StatementRef<'a>,
        /// What it did.
        outcome: StatementOutcome,
        /// The condition that failed or could not be evaluated: `(operator, key, where the operator is
        /// written)`.
        condition: Option<(&'a str, &'a str, Location)>,
    },
    /// The verdict for a required action (after its statements).
    Verdict {
        /// The required action.
        action: &'static str,
        /// The verdict.
        verdict: ActionVerdict,
    },
    /// The decision (last event).
    Decision(Decision),
}

/// Receives what the evaluator did. Implement it to log decisions your own way.
pub trait TraceSink {
    /// `false` lets the evaluator take its fast path and report nothing.
    const ENABLED: bool = true;
    /// Called for each event, in order.
    fn event(&mut self, event: TraceEvent<'_>);
}

/// The sink of the fast path: reports nothing, costs nothing.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoTrace;

impl TraceSink for NoTrace {
    const ENABLED: bool = false;
    fn event(&mut self, _event: TraceEvent<'_>) {}
}

/// A statement cited by an [`Explanation`] (owned).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CitedStatement {
    /// The policy's name.
    pub policy: String,
    /// The statement's 0-based index.
    pub statement: usize,
    /// Its `Sid`.
    pub sid: Option<String>,
    /// Its effect.
    pub effect: Effect,
    /// What it did.
    pub outcome: StatementOutcome,
    /// The condition that failed or could not be evaluated, as `Operator` on `key` with its position.
    pub condition: Option<String>,
}

impl fmt::Display for CitedStatement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} statement {}", self.policy, self.statement)?;
        if let Some(sid) = &self.sid {
            write!(f, " ({sid})")?;
        }
        Ok(())
    }
}

/// How one required action was decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionExplanation {
    /// The action.
    pub action: &'static str,
    /// Its verdict.
    pub verdict: ActionVerdict,
    /// The statements that decided it: the applying Deny statements for an explicit deny, the applying
    /// Allow statements for an allow; none for an implicit deny.
    pub deciding: Vec<CitedStatement>,
    /// Every statement that covered the action, deciding or not, with what it did.
    pub considered: Vec<CitedStatement>,
}

/// A decision with its reasons: built by [`PolicySet::explain`](crate::PolicySet::explain).
///
/// ```
/// use ims_iam::{route, Context, Policy, PolicySet, Request, Scope};
/// let set = PolicySet::new([Policy::parse("no-delete.json", Scope::Global, r#"{"Version": "1.1",
///     "Statement": [{"Sid": "NoDelete", "Effect": "Deny", "Action": ["ims:images:delete"]}]}"#).unwrap()]).unwrap();
/// let delete = route("DELETE", "/v2/images/0b3b6d4e-8f0a-4c1e-9a57-3c0b8f6f2d11")?;
/// let ctx = Context::default();
/// let explanation = set.explain(&Request::new(&delete, &ctx));
/// assert_eq!(explanation.decision().reason().as_str(), "explicit_deny");
/// let deciding: Vec<String> = explanation.deciding().iter().map(ToString::to_string).collect();
/// assert_eq!(deciding, ["no-delete.json statement 0 (NoDelete)"]);
/// assert_eq!(explanation.actions()[0].action, "ims:images:delete");
/// # Ok::<(), ims_iam::RouteError>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct Explanation {
    decision: Option<Decision>,
    operation: Option<&'static Operation>,
    /// Per counted required action, in documented order.
    actions: Vec<ActionExplanation>,
    /// Conditional actions that did not count, with their situation.
    skipped: Vec<(&'static str, Situation)>,
    /// Attached policies out of scope or only partly in scope.
    scopes: Vec<(String, Scope, ScopeNote)>,
    pending: Vec<(&'static str, CitedStatement)>,
}

impl TraceSink for Explanation {
    fn event(&mut self, event: TraceEvent<'_>) {
        match event {
            TraceEvent::Operation(op) => self.operation = Some(op),
            TraceEvent::Decision(decision) => self.decision = Some(decision),
            TraceEvent::Scope { policy, scope, note } => {
                self.scopes.push((policy.to_owned(), scope.clone(), note));
            }
            TraceEvent::SkippedAction { action, situation } => self.skipped.push((action, situation)),
            TraceEvent::Statement {
                action,
                statement,
                outcome,
                condition,
            } => self.pending.push((
                action,
                CitedStatement {
                    policy: statement.policy.to_owned(),
                    statement: statement.statement,
                    sid: statement.sid.map(str::to_owned),
                    effect: statement.effect,
                    outcome,
                    condition: condition.map(|(op, key, at)| {
                        format!("`{op}` on `{key}` (line {}, column {})", at.line, at.column)
                    }),
                },
            )),
            TraceEvent::Verdict { action, verdict } => {
                let considered: Vec<CitedStatement> = self
                    .pending
                    .drain(..)
                    .filter(|(a, _)| *a == action)
                    .map(|(_, s)| s)
                    .collect();
                let deciding = considered
                    .iter()
                    .filter(|s| match verdict {
                        ActionVerdict::ExplicitDeny => {
                            s.effect == Effect::Deny && s.outcome.applies(s.effect)
                        }
                        ActionVerdict::Allow => s.effect == Effect::Allow && s.outcome.applies(s.effect),
                        ActionVerdict::ImplicitDeny => false,
                    })
                    .cloned()
                    .collect();
                self.actions.push(ActionExplanation {
                    action,
                    verdict,
                    deciding,
                    considered,
                });
            }
        }
    }
}

impl Explanation {
    /// The decision explained.
    pub fn decision(&self) -> Decision {
        // Every explanation comes from the decision procedure, whose last event is the decision; a
        // default one (never filled) reads as an error, never as an allow.
        self.decision
            .unwrap_or(Decision::new(Reason::Error(RequestError::SituationRequired)))
    }

    /// The operation decided.
    pub fn operation(&self) -> Option<&'static Operation> {
        self.operation
    }

    /// Per counted required action, in documented order: its verdict and statements.
    pub fn actions(&self) -> &[ActionExplanation] {
        &self.actions
    }

    /// The conditional actions that did not count, with their situation.
    pub fn skipped(&self) -> &[(&'static str, Situation)] {
        &self.skipped
    }

    /// The attached policies out of scope or only partly in scope, with their attachment.
    pub fn scopes(&self) -> &[(String, Scope, ScopeNote)] {
        &self.scopes
    }

    /// The statements that determined the decision, in action order, each once: the Allow statements
    /// that allowed every action of an allow, the Deny statements of the explicitly denied actions of
    /// an explicit deny; none for an implicit deny, an error or an API that requires no action.
    pub fn deciding(&self) -> Vec<&CitedStatement> {
        let wanted = match self.decision().reason() {
            Reason::Allow => ActionVerdict::Allow,
            Reason::ExplicitDeny => ActionVerdict::ExplicitDeny,
            Reason::ImplicitDeny | Reason::NoActionRequired | Reason::Error(_) => return Vec::new(),
        };
        let mut out: Vec<&CitedStatement> = Vec::new();
        for a in self.actions.iter().filter(|a| a.verdict == wanted) {
            for s in &a.deciding {
                if !out
                    .iter()
                    .any(|o| o.policy == s.policy && o.statement == s.statement && o.sid == s.sid)
                {
                    out.push(s);
                }
            }
        }
        out
    }

    /// One readable paragraph: the decision, then per action its verdict and deciding statements, e.g.
    /// `denied: ims:images:get is not allowed by any statement; ims:images:update allowed by tag.json
    /// statement 0`.
    pub fn summary(&self) -> String {
        let decision = self.decision();
        let head = match decision.reason() {
            Reason::Allow => "allowed",
            Reason::NoActionRequired => "allowed: the API requires no action",
            Reason::ExplicitDeny | Reason::ImplicitDeny => "denied",
            Reason::Error(_) => "denied (error)",
        };
        let parts: Vec<String> = self.actions.iter().map(describe_action).collect();
        let mut out = if parts.is_empty() {
            head.to_owned()
        } else {
            format!("{head}: {}", parts.join("; "))
        };
        if let Reason::Error(e) = decision.reason() {
            out.push_str(&format!(": {e}"));
        }
        out
    }

    /// Notes beyond the summary: skipped conditional actions, statements resolved on the safe side,
    /// out-of-scope attachments, and the operation's dependent actions.
    pub fn notes(&self) -> Vec<String> {
        let mut notes = Vec::new();
        for (action, situation) in &self.skipped {
            notes.push(format!(
                "{action} not required: situation `{situation}` not given"
            ));
        }
        for a in &self.actions {
            for s in &a.considered {
                match s.outcome {
                    StatementOutcome::Unevaluable { expected } => notes.push(format!(
                        "{s} ({}) for {}: condition {} could not be evaluated (the request value is not {expected}); \
                         resolved on the safe side: {}",
                        s.effect.as_str(),
                        a.action,
                        s.condition.as_deref().unwrap_or("?"),
                        if s.effect == Effect::Deny { "the Deny applies" } else { "the Allow does not apply" }
                    )),
                    StatementOutcome::NarrowResourceAllowIgnored => notes.push(format!(
                        "{s} (Allow) for {}: its Resource does not cover everything, and IMS has no resource-level \
                         authorization, so it grants nothing",
                        a.action
                    )),
                    StatementOutcome::ConditionFails => notes.push(format!(
                        "{s} ({}) for {}: condition {} does not hold",
                        s.effect.as_str(),
                        a.action,
                        s.condition.as_deref().unwrap_or("?"),
                    )),
                    StatementOutcome::Applies => {}
                }
            }
        }
        for (policy, scope, note) in &self.scopes {
            let why = match note {
                ScopeNote::EnterpriseProjectNotSupported => {
                    "has no effect: this API cannot be authorized in an enterprise project (Enterprise Project: x)"
                }
                ScopeNote::ProjectNotSupported => {
                    "has no effect: this API cannot be authorized at project scope"
                }
                ScopeNote::OtherScope => "does not apply: attached to another scope than the request's",
                ScopeNote::UnknownRequestScope => {
                    "only its Deny statements apply: the request's scope of this kind is unknown (give it: \
                     `--project ID` / `--enterprise-project ID`, `project` / `enterprise_project` in a \
                     decision-test case)"
                }
            };
            notes.push(format!("{policy} attached at {scope} {why}"));
        }
        if let Some(op) = self.operation {
            let deps: Vec<&str> = op.dependency_actions().collect();
            if !deps.is_empty() {
                notes.push(format!(
                    "dependent actions (advisory, not part of the decision): {}",
                    deps.join(", ")
                ));
            }
        }
        notes
    }
}

fn describe_action(a: &ActionExplanation) -> String {
    let cite = |list: &[CitedStatement]| {
        list.iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    };
    match a.verdict {
        ActionVerdict::Allow => format!("{} allowed by {}", a.action, cite(&a.deciding)),
        ActionVerdict::ExplicitDeny => format!("{} explicitly denied by {}", a.action, cite(&a.deciding)),
        ActionVerdict::ImplicitDeny => format!("{} is not allowed by any statement", a.action),
    }
}
