//! The one policy-file loader: a capped read, then the strict parser. The command line, the
//! decision-test runner, principals files and the linter read policy files through it.
//!
//! A file holds one or more policy documents, each with the name decisions cite: a bare document, a
//! role object or the IAM API's `{"role": ...}` envelope is one, named as the caller names the file; a
//! list response (`{"roles": [...]}`) is one per role, named by the role.

use std::io::{self, Read};
use std::path::{Path, PathBuf};

use super::{Limits, ParseError, PolicyDocument};

/// Why a policy file could not be loaded.
///
/// ```
/// use ims_iam::{LoadError, Policy, Scope};
/// let err = Policy::load("missing.json", "no/such/missing.json".as_ref(), Scope::Global).unwrap_err();
/// assert!(matches!(err, LoadError::Read { .. }));
/// assert_eq!(err.kind(), "unreadable_policy");
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LoadError {
    /// The file could not be read (missing, unreadable, not UTF-8).
    #[error("cannot read `{}`: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: io::Error,
    },
    /// The file does not parse as a policy (its size over [`Limits::max_document_bytes`] included). The
    /// message puts the position first, compiler-style (`bad.json:1:83: invalid JSON: ...`), once.
    #[error("{name}{}: {}", source.location().map(|l| format!(":{l}")).unwrap_or_default(), source.detail())]
    Parse {
        /// The name the file was loaded as.
        name: String,
        /// The parse error.
        #[source]
        source: ParseError,
    },
}

impl LoadError {
    /// A stable snake_case id: `unreadable_policy` or `invalid_policy`.
    pub fn kind(&self) -> &'static str {
        match self {
            LoadError::Read { .. } => "unreadable_policy",
            LoadError::Parse { .. } => "invalid_policy",
        }
    }
}

/// Reads at most `cap + 1` bytes of a file: enough to tell whether it is over `cap` without reading the
/// rest, so a huge file (or `/dev/zero`) costs `cap` bytes, not its size.
pub(crate) fn read_capped(path: &Path, cap: usize) -> io::Result<Vec<u8>> {
    let limit = u64::try_from(cap).unwrap_or(u64::MAX).saturating_add(1);
    let mut bytes = Vec::new();
    std::fs::File::open(path)?.take(limit).read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// A policy file's bytes, at most `max_document_bytes + 1` of them; a file over the limit is cut and
/// made valid UTF-8 (the cut may split a character), so that parsing it reports the size limit.
pub(crate) fn read_bytes(path: &Path, limits: &Limits) -> io::Result<Vec<u8>> {
    let max = limits.max_document_bytes;
    let bytes = read_capped(path, max)?;
    if bytes.len() > max {
        return Ok(String::from_utf8_lossy(&bytes).into_owned().into_bytes());
    }
    Ok(bytes)
}

/// A policy file's text (see [`read_bytes`]); text that is not UTF-8 is an error of kind
/// [`io::ErrorKind::InvalidData`].
pub(crate) fn read_text(path: &Path, limits: &Limits) -> io::Result<String> {
    String::from_utf8(read_bytes(path, limits)?).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
}

/// Parses a policy file's text into its named documents: one named `name`, or one per role of a list
/// response, named by the role (see [`PolicyDocument::parse_file`]).
pub(crate) fn parse_named(
    name: &str,
    text: &str,
    limits: &Limits,
) -> Result<Vec<(String, PolicyDocument)>, ParseError> {
    Ok(PolicyDocument::parse_file_with_limits(text, limits)?.into_named(name))
}

/// Reads and parses a policy file into its named documents; `name` names the file in decisions and
/// errors.
pub(crate) fn load_file(
    name: &str,
    path: &Path,
    limits: &Limits,
) -> Result<Vec<(String, PolicyDocument)>, LoadError> {
    let text = read_text(path, limits).map_err(|source| LoadError::Read {
        path: path.to_owned(),
        source,
    })?;
    parse_named(name, &text, limits).map_err(|source| LoadError::Parse {
        name: name.to_owned(),
        source,
    })
}
