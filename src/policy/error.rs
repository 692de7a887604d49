//! Why a policy file was rejected, and where.

use std::fmt;

use super::model::Location;
use crate::quote::Quoted;

/// A policy file that could not be loaded: what is wrong ([`ParseError::kind`], the message) and where
/// ([`ParseError::location`], 1-based line and column in the whole file, wrappers included).
///
/// The message names the element by its path in the file (`Statement[0].Effect`, `role.policy`) and
/// ends with the line and column.
///
/// ```
/// use ims_iam::PolicyDocument;
///
/// let text = "{\"Version\": \"1.1\",\n \"Statement\": [{\"Effect\": \"allow\", \"Action\": \"ims:*:get\"}]}";
/// let err = PolicyDocument::parse(text).unwrap_err();
/// assert_eq!(err.kind(), "invalid_value");
/// let at = err.location().unwrap();
/// assert_eq!((at.line, at.column), (2, 27));
/// assert_eq!(
///     err.to_string(),
///     "invalid value for `Statement[0].Effect`: expected `Allow` or `Deny`, found `allow` \
///      (the effect is case-sensitive) at line 2, column 27"
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{detail}{}", At(.location))]
pub struct ParseError {
    detail: Detail,
    location: Option<Location>,
}

impl ParseError {
    pub(crate) fn new(detail: Detail, location: Option<Location>) -> ParseError {
        ParseError { detail, location }
    }

    /// A stable snake_case name for the class of error, for scripts and tests: `empty`, `syntax`,
    /// `trailing_data`, `duplicate_key`, `unknown_field`, `missing_field`, `invalid_type`,
    /// `invalid_value`, `action_and_not_action`, `unsupported_version` or `limit_exceeded`.
    ///
    /// ```
    /// use ims_iam::PolicyDocument;
    /// let err = PolicyDocument::parse(r#"{"Version": "1.1", "Statement": []} x"#).unwrap_err();
    /// assert_eq!(err.kind(), "trailing_data");
    /// ```
    pub fn kind(&self) -> &'static str {
        match self.detail {
            Detail::Empty => "empty",
            Detail::Syntax { .. } => "syntax",
            Detail::TrailingData => "trailing_data",
            Detail::DuplicateKey { .. } => "duplicate_key",
            Detail::UnknownField { .. } => "unknown_field",
            Detail::MissingField { .. } | Detail::MissingAction { .. } => "missing_field",
            Detail::InvalidType { .. } => "invalid_type",
            Detail::InvalidValue { .. } => "invalid_value",
            Detail::ActionAndNotAction { .. } => "action_and_not_action",
            Detail::UnsupportedVersion { .. } => "unsupported_version",
            Detail::LimitExceeded { .. } => "limit_exceeded",
        }
    }

    /// What is wrong, without the position (for messages that put the position first).
    pub(crate) fn detail(&self) -> &Detail {
        &self.detail
    }

    /// Where the offending token starts (1-based line and column, columns counting characters), in
    /// the whole file. `None` only when there is no single place: an empty file, a file over the size
    /// limit.
    ///
    /// ```
    /// use ims_iam::PolicyDocument;
    /// let err = PolicyDocument::parse("{\"Version\": \"1.1\",\n  \"Statement\": \"x\"}").unwrap_err();
    /// assert_eq!(err.kind(), "invalid_type");
    /// assert_eq!(err.location().map(|l| (l.line, l.column)), Some((2, 16)));
    /// ```
    pub fn location(&self) -> Option<Location> {
        self.location
    }
}

/// Renders ` at line L, column C`, or nothing.
struct At<'a>(&'a Option<Location>);

impl fmt::Display for At<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(l) => write!(f, " at line {}, column {}", l.line, l.column),
            None => Ok(()),
        }
    }
}

/// Names an element by its path: `the top-level object` or `` `Statement[0]` ``.
struct Where<'a>(&'a str);

impl fmt::Display for Where<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            f.write_str("the top-level object")
        } else {
            write!(f, "`{}`", self.0)
        }
    }
}

/// Renders a list of field names: `` `a`, `b`, `c` ``.
struct Fields(&'static [&'static str]);

impl fmt::Display for Fields {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, name) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "`{name}`")?;
        }
        Ok(())
    }
}

/// What is wrong; the path fields are the element's path in the file (empty for the top level).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum Detail {
    #[error("the input is empty, expected a JSON object")]
    Empty,
    #[error("invalid JSON: {message}")]
    Syntax { message: String },
    #[error("unexpected data after the end of the JSON value")]
    TrailingData,
    #[error("duplicate key {} in {}", Quoted(.key), Where(.path))]
    DuplicateKey { key: String, path: String },
    #[error("unknown field {} in {}, expected one of {}", Quoted(.field), Where(.path), Fields(.expected))]
    UnknownField {
        field: String,
        path: String,
        expected: &'static [&'static str],
    },
    #[error("missing field `{field}` in {}", Where(.path))]
    MissingField { field: &'static str, path: String },
    #[error("missing field `Action` or `NotAction` in {}", Where(.path))]
    MissingAction { path: String },
    #[error("invalid type for {}: expected {expected}, found {found}", Where(.path))]
    InvalidType {
        path: String,
        expected: &'static str,
        found: &'static str,
    },
    #[error("invalid value for {}: {reason}", Where(.path))]
    InvalidValue { path: String, reason: String },
    #[error("{} has both `Action` and `NotAction`", Where(.path))]
    ActionAndNotAction { path: String },
    #[error(
        "unsupported policy version `{version}`: identity policies (version 5.0) are not supported yet, \
         use `1.0` or `1.1`"
    )]
    UnsupportedVersion { version: String },
    #[error("limit `{limit}` ({max}) exceeded: {what}")]
    LimitExceeded {
        limit: &'static str,
        max: usize,
        what: String,
    },
}
