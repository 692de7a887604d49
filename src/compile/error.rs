//! Errors of compiling policy documents into a [`PolicySet`](crate::PolicySet).

use crate::compile::ConditionError;
use crate::policy::Location;

/// Why a policy could not be compiled. A policy that fails to compile contributes nothing: the whole
/// [`PolicySet`](crate::PolicySet) is refused.
#[derive(Debug, Clone, thiserror::Error)]
pub enum CompileError {
    /// An action pattern that is empty, has an empty part between `:`, or a character that no action has.
    #[error("policy `{policy}` statement {statement}: invalid action `{action}` at {location}: {reason}")]
    InvalidAction {
        /// The policy's name.
        policy: String,
        /// The statement's index.
        statement: usize,
        /// The pattern as written.
        action: String,
        /// Where it is.
        location: Location,
        /// What is wrong.
        reason: &'static str,
    },
    /// A condition that does not compile (unknown operator, a value that does not parse, ...).
    #[error("policy `{policy}` statement {statement}: {source}")]
    Condition {
        /// The policy's name.
        policy: String,
        /// The statement's index.
        statement: usize,
        /// The condition's error.
        #[source]
        source: ConditionError,
    },
}

impl CompileError {
    /// A stable snake_case id of the error's kind (`invalid_action`, or the condition error's kind).
    ///
    /// ```
    /// use ims_iam::{Policy, PolicySet, Scope};
    /// let p = Policy::parse("p.json", Scope::Global,
    ///     r#"{"Version":"1.1","Statement":[{"Effect":"Allow","Action":["ims::list"]}]}"#).unwrap();
    /// let err = PolicySet::new([p]).unwrap_err();
    /// assert_eq!(err.kind(), "invalid_action");
    /// ```
    pub fn kind(&self) -> &'static str {
        match self {
            CompileError::InvalidAction { .. } => "invalid_action",
            CompileError::Condition { source, .. } => source.kind(),
        }
    }

    /// Where in the policy file the error is.
    pub fn location(&self) -> Option<Location> {
        match self {
            CompileError::InvalidAction { location, .. } => Some(*location),
            CompileError::Condition { source, .. } => Some(source.location()),
        }
    }
}
