//! Evaluation: the request context, decisions and their explanation.

mod authorize;
mod context;
mod decision;
mod limits;
mod trace;

pub use context::Context;
pub use decision::{ActionVerdict, Decision, Reason, RequestError};
pub use limits::{ContextError, ContextLimits};
pub use trace::{
    ActionExplanation, CitedStatement, Explanation, NoTrace, ScopeNote, StatementOutcome, StatementRef,
    TraceEvent, TraceSink,
};
