//! The one place where the analysis touches the evaluator: compiling a set, deciding a request,
//! listing the statements that take part in a decision, and evaluating one condition block on
//! candidate values. Everything the analysis concludes about operators, scopes and situations comes
//! from these calls, so the analysis and the evaluator cannot disagree on them.

use time::OffsetDateTime;

use super::error::AnalysisError;
use super::request::Request;
use crate::compile::condition::{CompiledCondition, Outcome};
use crate::compile::{Policy, PolicySet};
use crate::eval::{Decision, StatementOutcome, TraceEvent, TraceSink};
use crate::matrix::Operation;
use crate::policy::{ConditionEntry, Effect};
use crate::request::{Context, Request as Decided};

/// What one condition block says about the values of its key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Truth {
    /// The block holds.
    Holds,
    /// The block fails.
    Fails,
    /// The block cannot be evaluated (unparseable or disagreeing values): resolved on the safe side.
    Unevaluable,
}

/// A compiled policy set, as the analysis uses it.
#[derive(Debug)]
pub(crate) struct Evaluator {
    set: PolicySet,
}

/// A statement that takes part in deciding one required action: `(policy name, statement index,
/// effect)`.
pub(crate) type Participant = (String, usize, Effect);

impl Evaluator {
    pub(crate) fn new(policies: &[Policy]) -> Result<Evaluator, AnalysisError> {
        Ok(Evaluator {
            set: PolicySet::new(policies.iter().cloned())?,
        })
    }

    /// Decides a request exactly as `authorize` does.
    pub(crate) fn decide(&self, operation: &'static Operation, request: &Request) -> Decision {
        let ctx = context(request, &[]);
        self.set.authorize(&Decided::for_operation(
            operation,
            request.path_project.as_deref(),
            &ctx,
        ))
    }

    /// The statements that take part in the decision of each counted required action of `request`
    /// (its context values are ignored): the Deny statements of every applicable attachment, and the
    /// Allow statements of the attachments that may grant (an Allow whose `Resource` is narrow never
    /// grants and is left out). `None` when the request is decided without actions (no action required,
    /// a situation required, a project mismatch).
    pub(crate) fn participants(
        &self,
        operation: &'static Operation,
        request: &Request,
    ) -> Option<Vec<Vec<Participant>>> {
        let ctx = context(request, &[]);
        let mut sink = Collect::default();
        let decision = self.set.decide(
            &Decided::for_operation(operation, request.path_project.as_deref(), &ctx),
            &mut sink,
        );
        if matches!(
            decision.reason(),
            crate::Reason::Error(_) | crate::Reason::NoActionRequired
        ) {
            return None;
        }
        Some(sink.done)
    }
}

#[derive(Default)]
struct Collect {
    current: Vec<Participant>,
    done: Vec<Vec<Participant>>,
}

impl TraceSink for Collect {
    fn event(&mut self, event: TraceEvent<'_>) {
        match event {
            TraceEvent::Statement {
                statement, outcome, ..
            } if outcome != StatementOutcome::NarrowResourceAllowIgnored => {
                self.current
                    .push((statement.policy.to_owned(), statement.statement, statement.effect));
            }
            TraceEvent::Verdict { .. } => self.done.push(std::mem::take(&mut self.current)),
            _ => {}
        }
    }
}

/// The context of a request, with `extra` values added.
fn context<'a>(request: &'a Request, extra: &[(&'a str, &'a str)]) -> Context<'a> {
    let mut ctx = Context::default();
    for (k, v) in &request.context {
        ctx.push_value(k, v);
    }
    for (k, v) in extra {
        ctx.push_value(k, v);
    }
    if let Some(p) = &request.project {
        ctx = ctx.with_project(p);
    }
    if let Some(e) = &request.enterprise_project {
        ctx = ctx.with_enterprise_project(e);
    }
    for s in &request.situations {
        ctx = ctx.with_situation(*s);
    }
    ctx
}

/// One condition block (`"<Operator>": {"<key>": [values]}`), compiled by the evaluator's own code.
#[derive(Debug, Clone)]
pub(crate) struct Block {
    compiled: CompiledCondition,
}

impl Block {
    /// Compiles a block; `None` if it does not compile (a set holding it would not compile either).
    pub(crate) fn compile(entry: &ConditionEntry) -> Option<Block> {
        CompiledCondition::compile(entry)
            .ok()
            .map(|compiled| Block { compiled })
    }

    /// What the block says when its key carries `values` (none: absent) in a request whose enterprise
    /// project is `enterprise_project`.
    pub(crate) fn truth(&self, values: &[&str], enterprise_project: Option<&str>) -> Truth {
        let key = self.compiled.key();
        let mut ctx = Context::default();
        for v in values {
            ctx.push_value(key, v);
        }
        if let Some(e) = enterprise_project {
            ctx = ctx.with_enterprise_project(e);
        }
        match self.compiled.evaluate(&ctx, OffsetDateTime::UNIX_EPOCH) {
            Outcome::Holds => Truth::Holds,
            Outcome::Fails => Truth::Fails,
            Outcome::Unevaluable(_) => Truth::Unevaluable,
        }
    }
}

/// Whether a key's absence can be observed: `g:CurrentTime` is always present (the evaluation time
/// stands in), and `g:EnterpriseProjectId` is the request's enterprise project when the context does not
/// give it.
pub(crate) fn absence_observable(key: &str, enterprise_project_known: bool) -> bool {
    if key.eq_ignore_ascii_case("g:CurrentTime") {
        false
    } else if key.eq_ignore_ascii_case("g:EnterpriseProjectId") {
        !enterprise_project_known
    } else {
        true
    }
}

/// Whether an action pattern (`*`, `?`, ASCII case-insensitive) matches an action, as statements
/// match them; `None` when the pattern is malformed.
pub(crate) fn action_matches(pattern: &str, action: &str) -> Option<bool> {
    crate::compile::check_action_pattern(pattern).ok()?;
    let p = crate::compile::wildcard::Pattern::new(pattern, crate::compile::wildcard::Case::AsciiInsensitive);
    Some(p.matches(action))
}
