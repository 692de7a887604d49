//! What the linter reports: a [`Finding`] of a [`Rule`] at an exact place, with a [`Severity`].

use super::rule::Rule;
use super::severity::Severity;

/// One finding: a rule that a policy file breaks, where (1-based line and character column of the
/// offending JSON value in the file), and what to do about it.
///
/// ```
/// use ims_iam::lint::{Options, Severity, lint_str};
///
/// let text = "{\"Version\": \"1.1\", \"Statement\": [\n  {\"Effect\": \"Allow\", \"Action\": [\"ims:image:get\"]}\n]}";
/// let findings = lint_str("p.json", text, &Options::default());
/// let f = &findings[0];
/// assert_eq!((f.file(), f.line(), f.column()), ("p.json", 2, 34));
/// assert_eq!(f.code(), "IMS021");
/// assert_eq!(f.severity(), Severity::Error);
/// assert_eq!(f.statement(), Some(0));
/// assert!(f.message().contains("did you mean `ims:images:get`?"));
/// assert_eq!(f.source_line(), "  {\"Effect\": \"Allow\", \"Action\": [\"ims:image:get\"]}");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub(super) file: String,
    pub(super) line: usize,
    pub(super) column: usize,
    pub(super) rule: &'static Rule,
    pub(super) severity: Severity,
    pub(super) message: String,
    pub(super) statement: Option<usize>,
    pub(super) sid: Option<String>,
    pub(super) source_line: String,
}

impl Finding {
    /// The file's name as given to the linter.
    pub fn file(&self) -> &str {
        &self.file
    }
    /// The 1-based line of the offending value.
    pub fn line(&self) -> usize {
        self.line
    }
    /// The 1-based column (in characters) of the offending value's first character.
    pub fn column(&self) -> usize {
        self.column
    }
    /// The rule broken.
    pub fn rule(&self) -> &'static Rule {
        self.rule
    }
    /// The rule's stable code, e.g. `IMS021`.
    pub fn code(&self) -> &'static str {
        self.rule.code()
    }
    /// The finding's severity: its rule's, except that a rule may report a finding below it (IMS050
    /// reports a partial grant that leaves other APIs usable as a suggestion).
    pub fn severity(&self) -> Severity {
        self.severity
    }
    /// What is wrong and how to fix it.
    pub fn message(&self) -> &str {
        &self.message
    }
    /// The index of the statement the finding is about, if it is about one.
    pub fn statement(&self) -> Option<usize> {
        self.statement
    }
    /// That statement's `Sid`, if it has one.
    pub fn sid(&self) -> Option<&str> {
        self.sid.as_deref()
    }
    /// The text of the line the finding points at (without its line break).
    pub fn source_line(&self) -> &str {
        &self.source_line
    }

    /// The order of a report: file, line, column, code, then message.
    pub(super) fn sort_key(&self) -> (&str, usize, usize, &str, &str) {
        (
            &self.file,
            self.line,
            self.column,
            self.rule.code(),
            &self.message,
        )
    }
}
