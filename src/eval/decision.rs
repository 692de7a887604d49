//! Decisions.

use std::fmt;

/// Why a request could not be decided. A request error is never an allow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum RequestError {
    /// The path's `{project_id}` and the project the caller gave differ.
    #[error("the path's `{{project_id}}` differs from the project given in the context")]
    ProjectMismatch,
    /// Every required action of the API is conditional and the context names none of their situations,
    /// so the request's real requirements are unknown.
    #[error(
        "the API's required actions all depend on a situation and the request names none: name the one \
         that holds (`ims-iam authorize --situation ID`, `situations` in a decision-test case)"
    )]
    SituationRequired,
}

impl RequestError {
    /// A stable snake_case id: `project_mismatch`, `situation_required`.
    pub fn kind(&self) -> &'static str {
        match self {
            RequestError::ProjectMismatch => "project_mismatch",
            RequestError::SituationRequired => "situation_required",
        }
    }
}

/// The verdict for one required action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActionVerdict {
    /// An applicable Allow statement covers it and no Deny does.
    Allow,
    /// An applicable Deny statement covers it.
    ExplicitDeny,
    /// No applicable statement allows it.
    ImplicitDeny,
}

impl ActionVerdict {
    /// `allow`, `explicit_deny`, `implicit_deny`.
    pub fn as_str(self) -> &'static str {
        match self {
            ActionVerdict::Allow => "allow",
            ActionVerdict::ExplicitDeny => "explicit_deny",
            ActionVerdict::ImplicitDeny => "implicit_deny",
        }
    }
}

/// Why a request was allowed or denied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    /// Every required action is allowed.
    Allow,
    /// The API requires no action (`N/A` rows).
    NoActionRequired,
    /// Some required action is explicitly denied.
    ExplicitDeny,
    /// Some required action is not allowed by any statement (and none is explicitly denied).
    ImplicitDeny,
    /// The request could not be decided; never an allow.
    Error(RequestError),
}

impl Reason {
    /// The SPEC's reason string: `allow`, `no_action_required`, `explicit_deny`, `implicit_deny`, `error`.
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::Allow => "allow",
            Reason::NoActionRequired => "no_action_required",
            Reason::ExplicitDeny => "explicit_deny",
            Reason::ImplicitDeny => "implicit_deny",
            Reason::Error(_) => "error",
        }
    }
}

/// The decision on one request, made by [`PolicySet::authorize`](crate::PolicySet::authorize) (only the
/// decision procedure makes one).
///
/// ```
/// use ims_iam::{route, Context, PolicySet, Reason, Request};
/// let delete = route("DELETE", "/v2/images/0b3b6d4e-8f0a-4c1e-9a57-3c0b8f6f2d11")?;
/// let ctx = Context::default();
/// let d = PolicySet::default().authorize(&Request::new(&delete, &ctx));
/// assert!(!d.is_allowed());
/// assert_eq!(d.reason(), Reason::ImplicitDeny);
/// assert_eq!(d.as_str(), "deny");
/// assert_eq!(d.to_string(), "deny (implicit_deny)");
/// # Ok::<(), ims_iam::RouteError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decision {
    reason: Reason,
}

impl Decision {
    /// The decision for `reason` (crate-private: callers cannot make an allow).
    pub(crate) fn new(reason: Reason) -> Decision {
        Decision { reason }
    }
    /// Whether the request may proceed: only for [`Reason::Allow`] and [`Reason::NoActionRequired`].
    pub fn is_allowed(&self) -> bool {
        matches!(self.reason, Reason::Allow | Reason::NoActionRequired)
    }
    /// Why.
    pub fn reason(&self) -> Reason {
        self.reason
    }
    /// `allow` or `deny`.
    pub fn as_str(&self) -> &'static str {
        if self.is_allowed() { "allow" } else { "deny" }
    }
}

impl fmt::Display for Decision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.as_str(), self.reason.as_str())
    }
}
