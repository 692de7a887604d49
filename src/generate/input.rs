//! Bounded reading of untrusted input files: limits, the line reader, and what a line that does not
//! become a call turns into (an [`Unrouted`] entry) or what stops the run (an [`InputError`]).

use std::fmt;
use std::io::{self, BufRead};

/// Bounds on what `generate` reads. Every input is untrusted: a file past a bound stops the run with an
/// [`InputError`] naming the bound, never a hang or an unbounded allocation.
///
/// ```
/// let limits = ims_iam::generate::InputLimits::default();
/// assert_eq!(limits.max_line_bytes, 64 * 1024);
/// assert_eq!(limits.max_unrouted, 10_000);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InputLimits {
    /// The most bytes of one line (a call, a log record); a longer line is an unrouted entry of kind
    /// `line_too_long`, and a line 16 times longer stops the run (the file is not line-oriented, or
    /// endless: `/dev/zero`). Default 64 KiB.
    pub max_line_bytes: usize,
    /// The most bytes read from one file. Default 1 GiB for line-oriented inputs (calls, logs: read as a
    /// stream); a CTS trace file is parsed whole and may hold at most 64 MiB.
    pub max_file_bytes: u64,
    /// The most lines (or traces) over all files of one run. Default 10,000,000.
    pub max_lines: u64,
    /// The most unrouted entries over all files; beyond, the input is probably not what `--from` says.
    /// Default 10,000.
    pub max_unrouted: usize,
}

impl Default for InputLimits {
    fn default() -> Self {
        InputLimits {
            max_line_bytes: 64 * 1024,
            max_file_bytes: 1 << 30,
            max_lines: 10_000_000,
            max_unrouted: 10_000,
        }
    }
}

/// The most bytes of one CTS trace file (parsed whole, unlike the line-oriented inputs).
pub(crate) const MAX_CTS_FILE_BYTES: u64 = 64 << 20;

/// An input the run cannot go on with: unreadable, or past one of its [`InputLimits`].
///
/// ```
/// use ims_iam::generate::{Generator, InputFormat};
/// let mut generator = Generator::default();
/// let error = generator.read_file("no/such/calls.txt".as_ref(), InputFormat::Calls).unwrap_err();
/// assert_eq!(error.kind(), "io");
/// assert!(error.to_string().contains("no/such/calls.txt"));
/// ```
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    /// The file cannot be opened or read.
    #[error("cannot read `{file}`: {source}")]
    Io {
        /// The file as given.
        file: String,
        /// The underlying error.
        source: io::Error,
    },
    /// A bound of [`InputLimits`] was exceeded.
    #[error("{file}:{line}: limit `{limit}` ({value}) exceeded: {hint}")]
    Limit {
        /// The file being read.
        file: String,
        /// The line at which the bound was passed.
        line: u64,
        /// The name of the bound (`max_file_bytes`, `max_lines`, `max_unrouted`).
        limit: &'static str,
        /// Its value.
        value: u64,
        /// What to do.
        hint: &'static str,
    },
    /// A CTS trace file that is not JSON, or not a trace list.
    #[error("{file}:{line}:{column}: {message}")]
    Syntax {
        /// The file.
        file: String,
        /// 1-based line.
        line: u64,
        /// 1-based column.
        column: u64,
        /// What is wrong.
        message: String,
    },
}

impl InputError {
    /// A stable snake_case id: `io`, `limit_exceeded`, `syntax`.
    pub fn kind(&self) -> &'static str {
        match self {
            InputError::Io { .. } => "io",
            InputError::Limit { .. } => "limit_exceeded",
            InputError::Syntax { .. } => "syntax",
        }
    }
}

/// A line (or trace) that does not become an observed call, and why. `generate` lists every one of them;
/// nothing is guessed.
///
/// ```
/// use ims_iam::generate::{Generator, InputFormat};
/// let mut generator = Generator::default();
/// generator.read_str("calls.txt", "GET /v2/cloudimages\nGET /v2/imagez\n", InputFormat::Calls)?;
/// let unrouted = &generator.unrouted()[0];
/// assert_eq!((unrouted.line(), unrouted.kind()), (2, "not_found"));
/// assert_eq!(unrouted.target(), Some("/v2/imagez"));
/// # Ok::<(), ims_iam::generate::InputError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unrouted {
    pub(crate) file: String,
    pub(crate) line: u64,
    pub(crate) method: Option<String>,
    pub(crate) target: Option<String>,
    pub(crate) kind: &'static str,
    pub(crate) message: String,
    pub(crate) detail: Option<String>,
}

impl Unrouted {
    /// The file it comes from.
    pub fn file(&self) -> &str {
        &self.file
    }
    /// The 1-based line (for a CTS trace: the line where the trace starts).
    pub fn line(&self) -> u64 {
        self.line
    }
    /// The method, when the line gives one.
    pub fn method(&self) -> Option<&str> {
        self.method.as_deref()
    }
    /// The request-target, when the line gives one.
    pub fn target(&self) -> Option<&str> {
        self.target.as_deref()
    }
    /// A stable snake_case id of the cause: a route error's kind (`not_found`, `dot_segment`, ...),
    /// `situation_required`, `project_mismatch`, `missing_target`, `invalid_annotation`,
    /// `line_too_long`, `invalid_utf8`, `not_a_decision`, `missing_forwarded_request`,
    /// `no_request_target`, `cts_no_request_line`.
    pub fn kind(&self) -> &'static str {
        self.kind
    }
    /// What is wrong and what to do, for people.
    pub fn message(&self) -> &str {
        &self.message
    }
    /// For a CTS trace: `trace_name` and `resource_id` as the trace gives them.
    pub fn detail(&self) -> Option<&str> {
        self.detail.as_deref()
    }
}

impl fmt::Display for Unrouted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: ", self.file, self.line)?;
        if let (Some(m), Some(t)) = (&self.method, &self.target) {
            write!(f, "{} {}: ", escaped(m), escaped(t))?;
        }
        write!(f, "{} ({})", self.message, self.kind)
    }
}

/// User input in a message: escaped, cut after 120 characters, in backticks.
pub(crate) fn shown(s: &str) -> String {
    format!("`{}`", escaped(s))
}

/// User input, escaped and cut after 120 characters.
fn escaped(s: &str) -> String {
    const MAX: usize = 120;
    let mut out: String = s.chars().take(MAX).flat_map(char::escape_debug).collect();
    if s.chars().nth(MAX).is_some() {
        out.push_str("...");
    }
    out
}

/// Why reading lines stopped early.
pub(crate) enum Stop {
    /// A read error.
    Io(io::Error),
    /// More than `max_bytes` were read.
    FileTooLarge,
    /// One line went on past 16 times the cap.
    EndlessLine,
}

/// One line as read: its bytes (at most the cap), or the fact that it was longer.
pub(crate) enum Line<'b> {
    /// The line, without its `\n` (nor a `\r` before it).
    Text(&'b [u8]),
    /// The line was longer than the cap; it was consumed whole but not kept.
    TooLong,
}

/// Reads lines of at most `cap` bytes, from at most `max_bytes` bytes of input. Longer lines are
/// consumed without being kept, so memory stays bounded whatever the input (`/dev/zero` included).
pub(crate) struct Lines<R> {
    reader: R,
    buf: Vec<u8>,
    cap: usize,
    read: u64,
    max_bytes: u64,
}

impl<R: BufRead> Lines<R> {
    pub(crate) fn new(reader: R, cap: usize, max_bytes: u64) -> Self {
        Lines {
            reader,
            buf: Vec::new(),
            cap,
            read: 0,
            max_bytes,
        }
    }

    /// The next line; `Ok(None)` at the end.
    pub(crate) fn next_line(&mut self) -> Result<Option<Line<'_>>, Stop> {
        self.buf.clear();
        let mut too_long = false;
        let mut any = false;
        let mut length: usize = 0;
        loop {
            let chunk = match self.reader.fill_buf() {
                Ok(c) => c,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(Stop::Io(e)),
            };
            if chunk.is_empty() {
                break;
            }
            any = true;
            let (part, ends) = match chunk.iter().position(|&b| b == b'\n') {
                Some(i) => (chunk.get(..i).unwrap_or_default(), true),
                None => (chunk, false),
            };
            if !too_long {
                if self.buf.len() + part.len() > self.cap {
                    too_long = true;
                    self.buf.clear();
                } else {
                    self.buf.extend_from_slice(part);
                }
            }
            let used = part.len() + usize::from(ends);
            self.reader.consume(used);
            self.read = self.read.saturating_add(used as u64);
            length = length.saturating_add(used);
            if self.read > self.max_bytes {
                return Err(Stop::FileTooLarge);
            }
            if length > self.cap.saturating_mul(16) {
                return Err(Stop::EndlessLine);
            }
            if ends {
                break;
            }
        }
        if !any {
            return Ok(None);
        }
        if too_long {
            return Ok(Some(Line::TooLong));
        }
        if self.buf.last() == Some(&b'\r') {
            self.buf.pop();
        }
        Ok(Some(Line::Text(&self.buf)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collect(input: &[u8], cap: usize, max: u64) -> Result<Vec<Option<String>>, &'static str> {
        let mut lines = Lines::new(io::BufReader::with_capacity(4, input), cap, max);
        let mut out = Vec::new();
        loop {
            match lines.next_line() {
                Ok(None) => return Ok(out),
                Ok(Some(Line::Text(t))) => out.push(Some(String::from_utf8_lossy(t).into_owned())),
                Ok(Some(Line::TooLong)) => out.push(None),
                Err(Stop::Io(_)) => return Err("io"),
                Err(Stop::FileTooLarge) => return Err("file"),
                Err(Stop::EndlessLine) => return Err("line"),
            }
        }
    }

    #[test]
    fn lines_are_split_bounded_and_crlf_tolerant() {
        let got = collect(b"GET /a\r\nlonger than eight\n\nlast", 8, 1000).unwrap();
        assert_eq!(
            got,
            vec![
                Some("GET /a".into()),
                None,
                Some(String::new()),
                Some("last".into())
            ]
        );
    }

    #[test]
    fn a_file_past_its_byte_bound_stops() {
        let lines = [b"0123456789\n".as_slice(); 10].concat();
        assert_eq!(collect(&lines, 16, 50), Err("file"));
        assert_eq!(collect(&[b'x'; 100], 4, 1000), Err("line"));
        assert_eq!(collect(&[b'x'; 60], 4, 1000), Ok(vec![None]));
    }

    #[test]
    fn shown_escapes_and_truncates() {
        assert_eq!(shown("a\nb"), "`a\\nb`");
        assert!(shown(&"x".repeat(500)).ends_with("...`"));
    }
}
