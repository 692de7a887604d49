//! Bounds enforced while a policy file is loaded.

use std::io;
use std::path::Path;

/// The highest nesting depth the parser accepts whatever [`Limits::max_depth`] says (the JSON library
/// underneath stops at 128 levels; this bound keeps the parser independent of that).
pub(crate) const DEPTH_CAP: usize = 100;

/// Bounds enforced while a policy file is parsed, so that huge or hostile input fails fast with an
/// error that names the bound (its kind is `limit_exceeded`).
///
/// The defaults are far above what the cloud itself accepts (a custom policy holds at most 6,144
/// characters); reporting documents that the cloud would refuse is the linter's job, not the parser's.
///
/// | field                          | default   |
/// |--------------------------------|-----------|
/// | `max_document_bytes`           | 1,048,576 |
/// | `max_depth`                    | 32        |
/// | `max_statements`               | 1,000     |
/// | `max_actions_per_statement`    | 1,000     |
/// | `max_actions_per_document`     | 50,000    |
/// | `max_resources_per_statement`  | 1,000     |
/// | `max_conditions_per_statement` | 1,000     |
/// | `max_conditions_per_document`  | 50,000    |
/// | `max_values_per_condition`     | 1,000     |
/// | `max_depends`                  | 1,000     |
/// | `max_string_length`            | 65,536    |
///
/// ```
/// use ims_iam::Limits;
/// use ims_iam::PolicyDocument;
///
/// let limits = Limits { max_statements: 1, ..Limits::default() };
/// let text = r#"{"Version": "1.1", "Statement": [
///     {"Effect": "Allow", "Action": "ims:*:get"},
///     {"Effect": "Allow", "Action": "ims:*:list"}
/// ]}"#;
/// let err = PolicyDocument::parse_with_limits(text, &limits).unwrap_err();
/// assert_eq!(err.kind(), "limit_exceeded");
/// assert!(err.to_string().contains("max_statements"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Size of the whole file in bytes, checked before anything else. Default 1 MiB (1,048,576).
    pub max_document_bytes: usize,
    /// JSON nesting depth (an object or array inside the top-level object is at depth 2), checked
    /// before any value is built. Default 32; values above 100 are treated as 100.
    pub max_depth: usize,
    /// Statements in `Statement`. Default 1,000.
    pub max_statements: usize,
    /// Patterns in one statement's `Action` or `NotAction`. Default 1,000.
    pub max_actions_per_statement: usize,
    /// Patterns in `Action` and `NotAction` over all statements of the document. Default 50,000.
    pub max_actions_per_document: usize,
    /// Entries in one statement's `Resource`. Default 1,000.
    pub max_resources_per_statement: usize,
    /// Operator and key pairs in one statement's `Condition`. Default 1,000.
    pub max_conditions_per_statement: usize,
    /// Operator and key pairs over all statements of the document. Default 50,000.
    pub max_conditions_per_document: usize,
    /// Values under one condition key. Default 1,000.
    pub max_values_per_condition: usize,
    /// Entries in `Depends`. Default 1,000.
    pub max_depends: usize,
    /// Characters in any one JSON string of the file, keys included. Default 65,536.
    pub max_string_length: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_document_bytes: 1024 * 1024,
            max_depth: 32,
            max_statements: 1_000,
            max_actions_per_statement: 1_000,
            max_actions_per_document: 50_000,
            max_resources_per_statement: 1_000,
            max_conditions_per_statement: 1_000,
            max_conditions_per_document: 50_000,
            max_values_per_condition: 1_000,
            max_depends: 1_000,
            max_string_length: 65_536,
        }
    }
}

impl Limits {
    /// Reads a policy file's text, reading no more than `max_document_bytes + 1` bytes, so that a huge
    /// file (or an endless one, such as a device) costs no more memory than the limit: parsing the text
    /// then fails with `max_document_bytes`. Text that is not UTF-8 is an error of kind
    /// [`io::ErrorKind::InvalidData`].
    ///
    /// ```no_run
    /// use ims_iam::Limits;
    /// use ims_iam::PolicyDocument;
    ///
    /// let limits = Limits::default();
    /// let text = limits.read_file("policy.json".as_ref())?;
    /// let document = PolicyDocument::parse_with_limits(&text, &limits);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn read_file(&self, path: &Path) -> io::Result<String> {
        super::load::read_text(path, self)
    }

    /// The depth bound actually enforced.
    pub(crate) fn effective_depth(&self) -> usize {
        self.max_depth.min(DEPTH_CAP)
    }
}
