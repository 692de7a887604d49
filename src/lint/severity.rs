//! How serious a finding is: the one fact that both a [`Rule`](super::Rule) and a
//! [`Finding`](super::Finding) carry.

use std::fmt;

/// How serious a finding is (the categories of IAM Access Analyzer's policy validation).
///
/// ```
/// use ims_iam::lint::Severity;
///
/// assert_eq!(Severity::SecurityWarning.as_str(), "security_warning");
/// // For `--fail-on`, a security warning counts as a warning.
/// assert!(Severity::SecurityWarning.is_at_least(Severity::Warning));
/// assert!(!Severity::Suggestion.is_at_least(Severity::Warning));
/// assert_eq!(Severity::parse("warning"), Some(Severity::Warning));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Severity {
    /// The policy is invalid, or the cloud refuses it, or part of it can never work.
    Error,
    /// The policy grants more than it probably means to.
    SecurityWarning,
    /// The policy works, but not as its author probably means.
    Warning,
    /// The policy can be made clearer or more complete.
    Suggestion,
}

impl Severity {
    /// Every severity, most serious first.
    pub const ALL: [Severity; 4] = [
        Severity::Error,
        Severity::SecurityWarning,
        Severity::Warning,
        Severity::Suggestion,
    ];

    /// The stable name used in JSON output: `error`, `security_warning`, `warning`, `suggestion`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::SecurityWarning => "security_warning",
            Severity::Warning => "warning",
            Severity::Suggestion => "suggestion",
        }
    }

    /// The severity with this name (see [`Severity::as_str`]).
    pub fn parse(name: &str) -> Option<Severity> {
        Severity::ALL.into_iter().find(|s| s.as_str() == name)
    }

    /// Whether a finding of this severity reaches the level `threshold`. Security warnings and
    /// warnings are one level: each reaches the other.
    pub fn is_at_least(self, threshold: Severity) -> bool {
        self.rank() >= threshold.rank()
    }

    fn rank(self) -> u8 {
        match self {
            Severity::Error => 3,
            Severity::SecurityWarning | Severity::Warning => 2,
            Severity::Suggestion => 1,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
