//! What can go wrong in an analysis.

use crate::compile::CompileError;

/// An analysis that could not give a proven answer.
///
/// Every variant is an error, never an answer: an analysis that hits one of its bounds says so
/// (`analysis_limit`) instead of reporting "no new access" or "holds" without proof.
///
/// ```
/// use ims_iam::analysis::AnalysisError;
/// let e = AnalysisError::limit("max_search_nodes", 1_000_000, "the search for GET /v2/images".into());
/// assert_eq!(e.kind(), "analysis_limit");
/// assert_eq!(e.to_string(), "analysis limit `max_search_nodes` (1000000) exceeded: the search for GET /v2/images");
/// ```
#[derive(Debug, thiserror::Error)]
pub enum AnalysisError {
    /// A policy set does not compile.
    #[error("{0}")]
    Compile(#[from] CompileError),
    /// A documented bound of the procedure was reached: the question is left undecided.
    #[error("analysis limit `{limit}` ({max}) exceeded: {what}")]
    Limit {
        /// The bound's name (see [`Bounds`](crate::analysis::Bounds)).
        limit: &'static str,
        /// Its value.
        max: usize,
        /// What exceeded it.
        what: String,
    },
    /// Two policies share a name but differ: statements could not be cited unambiguously.
    #[error("two different policies are named `{0}`: give each policy a distinct name")]
    AmbiguousPolicyName(String),
    /// A key is compared both as a string and as a typed value (number, date, address, boolean): the
    /// procedure's string theory does not cover typed spellings, so it refuses instead of guessing.
    #[error(
        "condition key `{0}` is compared both as a string and as a number, date, address or boolean: \
         the analysis does not decide such keys"
    )]
    MixedKey(String),
    /// A `check` specification that is neither an action pattern nor a documented operation.
    #[error("invalid specification: {0}")]
    InvalidSpec(String),
    /// A witness did not reproduce its answer through the evaluator: a defect, reported instead of a
    /// possibly wrong answer.
    #[error("internal error: {0}")]
    Internal(String),
}

impl AnalysisError {
    /// A bound was reached.
    pub fn limit(limit: &'static str, max: usize, what: String) -> AnalysisError {
        AnalysisError::Limit { limit, max, what }
    }

    /// A stable snake_case id: `invalid_policy`, `analysis_limit` (also for a mixed key),
    /// `ambiguous_policy_name`, `invalid_spec`, `internal`.
    pub fn kind(&self) -> &'static str {
        match self {
            AnalysisError::Compile(_) => "invalid_policy",
            AnalysisError::Limit { .. } | AnalysisError::MixedKey(_) => "analysis_limit",
            AnalysisError::AmbiguousPolicyName(_) => "ambiguous_policy_name",
            AnalysisError::InvalidSpec(_) => "invalid_spec",
            AnalysisError::Internal(_) => "internal",
        }
    }
}
