//! Evaluation: the one decision procedure ([`PolicySet::decide`](crate::PolicySet::decide)), decisions
//! and their explanation.

mod decide;
mod decision;
mod trace;

pub use decision::{ActionVerdict, Decision, Reason, RequestError};
pub use trace::{
    ActionExplanation, CitedStatement, Explanation, NoTrace, ScopeNote, StatementOutcome, StatementRef,
    TraceEvent, TraceSink,
};
