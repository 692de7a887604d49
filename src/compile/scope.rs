//! Attachment scopes: where a policy is granted.

use std::fmt;
use std::str::FromStr;

/// Where a policy is attached (SPEC 3.3).
///
/// - `global`: "All resources", every project;
/// - `project:<id>`: one IAM project; applies to APIs whose IAM Project flag is `Y`;
/// - `enterprise-project:<id>`: one enterprise project; applies ONLY to APIs whose Enterprise Project flag
///   is `Y`. For the others (every tagging API) such an attachment has no effect at all.
///
/// ```
/// use ims_iam::Scope;
/// assert_eq!("global".parse::<Scope>().unwrap(), Scope::Global);
/// assert_eq!("project:0123".parse::<Scope>().unwrap(), Scope::Project("0123".into()));
/// assert_eq!(Scope::EnterpriseProject("0".into()).to_string(), "enterprise-project:0");
/// assert!("project:".parse::<Scope>().is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum Scope {
    /// Every project ("All resources").
    #[default]
    Global,
    /// One IAM project, by id.
    Project(String),
    /// One enterprise project, by id.
    EnterpriseProject(String),
}

/// A scope string that is not `global`, `project:<id>` or `enterprise-project:<id>`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid scope `{input}`: expected `global`, `project:<id>` or `enterprise-project:<id>`")]
pub struct ScopeError {
    input: String,
}

impl FromStr for Scope {
    type Err = ScopeError;

    fn from_str(s: &str) -> Result<Scope, ScopeError> {
        let id_ok = |id: &str| !id.is_empty() && id.bytes().all(|b| b.is_ascii_graphic() && b != b':');
        let err = || ScopeError { input: s.to_owned() };
        if s == "global" {
            Ok(Scope::Global)
        } else if let Some(id) = s.strip_prefix("project:") {
            if id_ok(id) {
                Ok(Scope::Project(id.to_owned()))
            } else {
                Err(err())
            }
        } else if let Some(id) = s.strip_prefix("enterprise-project:") {
            if id_ok(id) {
                Ok(Scope::EnterpriseProject(id.to_owned()))
            } else {
                Err(err())
            }
        } else {
            Err(err())
        }
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Scope::Global => f.write_str("global"),
            Scope::Project(id) => write!(f, "project:{id}"),
            Scope::EnterpriseProject(id) => write!(f, "enterprise-project:{id}"),
        }
    }
}
