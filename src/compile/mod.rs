//! Compilation: policy documents attached with a scope become an immutable, `Send + Sync`
//! [`PolicySet`].
//!
//! Everything a decision needs is worked out here, once: action patterns are lowercased, classified and
//! matched against the universe of actions the documented APIs require ([`known_actions`]), so a
//! statement becomes a bit set of the actions it covers; unconditional statements are folded into
//! per-scope allow and deny masks; statements with conditions are indexed by action; condition values are
//! parsed into typed operands. Deciding a request then reads masks and evaluates only the conditional
//! statements that cover a required action.
//!
//! [`known_actions`]: crate::known_actions

mod bucket;
pub(crate) mod condition;
mod error;
mod hash;
mod index;
mod places;
mod scope;
mod set;
mod statement;
mod unknown;
pub(crate) mod wildcard;

pub use condition::ConditionError;
pub use error::CompileError;
pub use scope::{Scope, ScopeError};
pub use set::PolicySet;
pub use unknown::UnknownAction;

pub(crate) use bucket::{Bucket, Masks};
pub(crate) use set::SetBuilder;
pub(crate) use statement::{ActionSet, check_action_pattern, covered_actions, resource_covers_all};
pub(crate) use unknown::{closest_action, is_unknown_ims_action};

use std::path::Path;

use crate::policy::{Limits, LoadError, ParseError, PolicyDocument};

/// A policy document with the name it is known by and the scope it is attached with.
///
/// ```
/// use ims_iam::{Policy, Scope};
/// let text = r#"{"Version": "1.1", "Statement": [{"Effect": "Allow", "Action": ["ims:images:list"]}]}"#;
/// let policy = Policy::parse("readers.json", Scope::Global, text).unwrap();
/// assert_eq!(policy.name(), "readers.json");
/// ```
#[derive(Debug, Clone)]
pub struct Policy {
    name: String,
    scope: Scope,
    document: PolicyDocument,
}

impl Policy {
    /// Attaches a parsed document.
    pub fn new(name: impl Into<String>, scope: Scope, document: PolicyDocument) -> Policy {
        Policy {
            name: name.into(),
            scope,
            document,
        }
    }

    /// Parses a policy file's text (see [`PolicyDocument::parse`]) and attaches it.
    pub fn parse(name: impl Into<String>, scope: Scope, text: &str) -> Result<Policy, ParseError> {
        Ok(Policy::new(name, scope, PolicyDocument::parse(text)?))
    }

    /// Loads a policy file (reading no more than [`Limits::max_document_bytes`] of it) and attaches
    /// its policies, named `name` (usually the path as the user wrote it), at `scope`.
    ///
    /// ```no_run
    /// use ims_iam::{Policy, PolicySet, Scope};
    /// let policies = Policy::load("readers.json", "policies/readers.json".as_ref(), Scope::Global)?;
    /// let set = PolicySet::new(policies)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn load(name: &str, path: &Path, scope: Scope) -> Result<Vec<Policy>, LoadError> {
        Ok(crate::policy::load_file(name, path, &Limits::default())?
            .into_iter()
            .map(|(name, document)| Policy::new(name, scope.clone(), document))
            .collect())
    }

    /// The name decisions cite (usually the file name).
    pub fn name(&self) -> &str {
        &self.name
    }
    /// The attachment scope.
    pub fn scope(&self) -> &Scope {
        &self.scope
    }
    /// The parsed document.
    pub fn document(&self) -> &PolicyDocument {
        &self.document
    }
}
