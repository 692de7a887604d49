//! Errors of loading a principals file.

use std::path::PathBuf;

use crate::compile::{CompileError, ScopeError};
use crate::policy::ParseError;

/// Why a principals file, or a policy file it names, could not be loaded. Nothing of a file that fails
/// to load is used: [`Principals::load`](crate::principals::Principals::load) refuses it whole.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PrincipalsError {
    /// A file could not be read.
    #[error("cannot read `{}`: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// A file is larger than the limit.
    #[error("`{}` is larger than the limit of {limit} bytes", path.display())]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// The limit, in bytes.
        limit: u64,
    },
    /// The principals file is not valid JSON of the documented shape (unknown or duplicate keys, wrong
    /// types, trailing data).
    #[error("invalid principals file at line {line}, column {column}: {message}")]
    Syntax {
        /// What is wrong.
        message: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
    },
    /// A user, group or policy name that is empty, too long, or holds a character that is not allowed.
    #[error("invalid {what} name `{name}`: {why}")]
    InvalidName {
        /// `user`, `group` or `policy`.
        what: &'static str,
        /// The name (escaped).
        name: String,
        /// Why.
        why: &'static str,
    },
    /// An attachment names a policy that the file does not define.
    #[error("{owner} attaches the undefined policy `{policy}`")]
    UnknownPolicy {
        /// `group `g`` or `user `u``.
        owner: String,
        /// The policy name.
        policy: String,
    },
    /// A user is a member of a group that the file does not define.
    #[error("user `{user}` is a member of the undefined group `{group}`")]
    UnknownGroup {
        /// The user.
        user: String,
        /// The group.
        group: String,
    },
    /// An attachment's scope is not `global`, `project:<id>` or `enterprise-project:<id>`.
    #[error("{owner}: {source}")]
    InvalidScope {
        /// Who attaches the policy.
        owner: String,
        /// The scope error.
        #[source]
        source: ScopeError,
    },
    /// A policy file does not parse.
    #[error("policy `{policy}` (`{}`{}): {}", path.display(), location_suffix(source), source.detail())]
    InvalidPolicy {
        /// The policy name.
        policy: String,
        /// Its file.
        path: PathBuf,
        /// The parse error.
        #[source]
        source: Box<ParseError>,
    },
    /// The policies attached to one group or user do not compile.
    #[error("{owner}: {source}")]
    Compile {
        /// `group `g`` or `user `u``.
        owner: String,
        /// The compile error.
        #[source]
        source: Box<CompileError>,
    },
}

fn location_suffix(e: &ParseError) -> String {
    e.location().map(|l| format!(":{l}")).unwrap_or_default()
}

impl PrincipalsError {
    /// A stable snake_case id: `io`, `too_large`, `syntax`, `invalid_name`, `unknown_policy`,
    /// `unknown_group`, `invalid_scope`, `invalid_policy`, `compile`.
    pub fn kind(&self) -> &'static str {
        match self {
            PrincipalsError::Io { .. } => "io",
            PrincipalsError::TooLarge { .. } => "too_large",
            PrincipalsError::Syntax { .. } => "syntax",
            PrincipalsError::InvalidName { .. } => "invalid_name",
            PrincipalsError::UnknownPolicy { .. } => "unknown_policy",
            PrincipalsError::UnknownGroup { .. } => "unknown_group",
            PrincipalsError::InvalidScope { .. } => "invalid_scope",
            PrincipalsError::InvalidPolicy { .. } => "invalid_policy",
            PrincipalsError::Compile { .. } => "compile",
        }
    }
}
