//! Errors found while compiling one `Condition` entry.

use thiserror::Error;

use crate::policy::Location;

/// What is wrong with a condition entry (the stable ids of [`ConditionError::kind`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ErrorKind {
    /// The operator (with its prefix and suffix removed) is not one we know.
    UnknownOperator,
    /// A policy value does not parse for the operator's type.
    InvalidValue,
    /// `IfExists` on `Null` or `IsNullOrEmpty`.
    IfExistsOnNull,
    /// `ForAnyValue:` or `ForAllValues:` on `Null` or `IsNullOrEmpty`.
    SetPrefixOnNull,
    /// The key has an empty value list.
    EmptyValues,
}

impl ErrorKind {
    fn as_str(self) -> &'static str {
        match self {
            ErrorKind::UnknownOperator => "unknown_operator",
            ErrorKind::InvalidValue => "invalid_value",
            ErrorKind::IfExistsOnNull => "if_exists_on_null",
            ErrorKind::SetPrefixOnNull => "set_prefix_on_null",
            ErrorKind::EmptyValues => "empty_values",
        }
    }
}

/// A `Condition` entry that cannot be compiled: an unknown operator, a value that does not parse
/// for its operator, a forbidden combination, or an empty value list.
///
/// A condition that does not compile never evaluates to false silently: the whole document is
/// rejected.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{message}")]
pub struct ConditionError {
    kind: ErrorKind,
    location: Location,
    message: String,
}

impl ConditionError {
    pub(crate) fn new(kind: ErrorKind, location: Location, message: String) -> ConditionError {
        ConditionError {
            kind,
            location,
            message,
        }
    }

    /// A stable snake_case id for scripts: `unknown_operator`, `invalid_value`, `if_exists_on_null`,
    /// `set_prefix_on_null` or `empty_values`.
    pub fn kind(&self) -> &'static str {
        self.kind.as_str()
    }

    /// Where the offending operator, key or value starts in the policy text.
    pub fn location(&self) -> Location {
        self.location
    }
}
