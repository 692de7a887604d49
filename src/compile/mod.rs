//! Compilation: policy documents become an immutable [`PolicySet`](crate::PolicySet).

#[allow(
    dead_code,
    reason = "the evaluator that uses compiled conditions lands separately"
)]
pub(crate) mod condition;
pub(crate) mod wildcard;

pub use condition::ConditionError;
