//! The rules: each has a stable code, a name, a severity and its documentation.

use super::severity::Severity;

/// A lint rule. Every finding names the rule it reports; [`RULES`](super::RULES) lists them all.
///
/// ```
/// use ims_iam::lint::{RULES, Severity, rule};
///
/// let unknown = rule("IMS021").unwrap();
/// assert_eq!(unknown.name(), "unknown-action");
/// assert_eq!(unknown.severity(), Severity::Error);
/// assert!(RULES.iter().all(|r| r.code().starts_with("IMS")));
/// assert_eq!(rule("unknown-action").map(|r| r.code()), Some("IMS021"));
/// ```
#[derive(Debug, PartialEq, Eq)]
pub struct Rule {
    pub(super) code: &'static str,
    pub(super) name: &'static str,
    pub(super) severity: Severity,
    pub(super) summary: &'static str,
    pub(super) description: &'static str,
    pub(super) example: &'static str,
}

impl Rule {
    /// The stable code, `IMS` and three digits.
    pub fn code(&self) -> &'static str {
        self.code
    }
    /// A short kebab-case name, e.g. `unknown-action`.
    pub fn name(&self) -> &'static str {
        self.name
    }
    /// The severity of its findings.
    pub fn severity(&self) -> Severity {
        self.severity
    }
    /// One line: what the rule catches.
    pub fn summary(&self) -> &'static str {
        self.summary
    }
    /// Why it matters, how to fix it, and where the facts behind it come from.
    pub fn description(&self) -> &'static str {
        self.description
    }
    /// A policy fragment that triggers it.
    pub fn example(&self) -> &'static str {
        self.example
    }
}
