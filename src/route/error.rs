//! Why a raw request does not route.

use crate::matrix::Method;

/// Why [`route`](crate::route()) refused a request.
///
/// Every variant has a stable snake_case id ([`RouteError::kind`]) that the command line prints in its
/// JSON output. Positions are given two ways: `offset` is the byte offset in the raw target (the
/// leading `/` is byte 0), `segment` counts path segments from 1 (in `/v2/images`, `v2` is segment 1).
///
/// ```
/// let err = ims_iam::route("GET", "/v2/images/").unwrap_err();
/// assert_eq!(err.kind(), "empty_segment");
/// assert_eq!(err.to_string(), "empty path segment 3 at byte 11");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RouteError {
    /// The target is the empty string.
    #[error("the request target is empty")]
    EmptyTarget,

    /// The target is longer than [`MAX_TARGET_LEN`](crate::MAX_TARGET_LEN) bytes.
    #[error("the request target is {len} bytes long, more than the limit of {max} bytes")]
    TooLong {
        /// The target's length in bytes.
        len: usize,
        /// The limit.
        max: usize,
    },

    /// The target does not start with `/` (absolute-form `http://host/...`, `*`, or a bare path).
    #[error("the request target `{start}` does not start with `/`")]
    NotAbsolute {
        /// The first characters of the target.
        start: String,
    },

    /// The target contains `#` (a fragment is never sent by a correct client).
    #[error("`#` at byte {offset}: a request target has no fragment")]
    Fragment {
        /// Where the `#` is.
        offset: usize,
    },

    /// A byte that has no place in a raw request target: a control character, a space, `\`, or a
    /// byte outside ASCII (clients must percent-encode them).
    #[error("invalid byte 0x{byte:02x} at byte {offset} of the request target (percent-encode it)")]
    InvalidCharacter {
        /// Where the byte is.
        offset: usize,
        /// The byte.
        byte: u8,
    },

    /// An empty path segment: `//`, or a trailing `/` (other than the root path `/`).
    #[error("empty path segment {segment} at byte {offset}")]
    EmptySegment {
        /// The segment's number, from 1.
        segment: usize,
        /// Where the segment starts.
        offset: usize,
    },

    /// A dot segment, `.` or `..`, raw or percent-encoded (`%2e`, `.%2E`).
    #[error("dot segment `{raw}` (segment {segment} at byte {offset})")]
    DotSegment {
        /// The segment's number, from 1.
        segment: usize,
        /// Where the segment starts.
        offset: usize,
        /// The segment as received.
        raw: String,
    },

    /// A `%` that is not followed by two hexadecimal digits.
    #[error(
        "invalid percent-escape at byte {offset} (segment {segment}): `%` must be followed by two hex digits"
    )]
    InvalidEscape {
        /// The segment's number, from 1.
        segment: usize,
        /// Where the `%` is.
        offset: usize,
    },

    /// A segment whose percent-decoded bytes are not UTF-8.
    #[error("segment {segment} at byte {offset} does not decode to UTF-8")]
    InvalidUtf8 {
        /// The segment's number, from 1.
        segment: usize,
        /// Where the segment starts.
        offset: usize,
    },

    /// A segment that decodes to a control character (`%00`, `%0a`, `%7f`, `%c2%85`, ...).
    #[error("segment {segment} at byte {offset} decodes to a control character")]
    ControlCharacter {
        /// The segment's number, from 1.
        segment: usize,
        /// Where the segment starts.
        offset: usize,
    },

    /// The method is not one that some IMS API uses (methods are case-sensitive: `get` is unknown).
    #[error("unknown method `{method}` (methods are upper-case: GET, HEAD, POST, PUT, PATCH, DELETE)")]
    UnknownMethod {
        /// The method as received (at most 64 bytes of it).
        method: String,
    },

    /// The path matches a template, but a parameter's decoded value does not have its format. The
    /// request is refused; it is never tried against a lower-priority template.
    #[error(
        "parameter `{param}` of `{operation}` (segment {segment} at byte {offset}) must be {expected}, not `{value}`"
    )]
    InvalidParam {
        /// The parameter's name, e.g. `image_id`.
        param: &'static str,
        /// The template that matched, e.g. `GET /v2/images/{image_id}`.
        operation: String,
        /// What the value must be, e.g. `a UUID`.
        expected: &'static str,
        /// The decoded value (at most 64 bytes of it).
        value: String,
        /// The segment's number, from 1.
        segment: usize,
        /// Where the segment starts.
        offset: usize,
    },

    /// No documented API of this method has this path.
    #[error("no {method} API has the path `{path}`")]
    NotFound {
        /// The request's method.
        method: Method,
        /// The path, without the query (at most 64 bytes of it).
        path: String,
    },
}

impl RouteError {
    /// The error's stable id: `empty_target`, `too_long`, `not_absolute`, `fragment`,
    /// `invalid_character`, `empty_segment`, `dot_segment`, `invalid_escape`, `invalid_utf8`,
    /// `control_character`, `unknown_method`, `invalid_param` or `not_found`.
    ///
    /// ```
    /// assert_eq!(ims_iam::route("get", "/v2/images").unwrap_err().kind(), "unknown_method");
    /// assert_eq!(ims_iam::route("GET", "/v2/images/..").unwrap_err().kind(), "dot_segment");
    /// ```
    pub fn kind(&self) -> &'static str {
        match self {
            RouteError::EmptyTarget => "empty_target",
            RouteError::TooLong { .. } => "too_long",
            RouteError::NotAbsolute { .. } => "not_absolute",
            RouteError::Fragment { .. } => "fragment",
            RouteError::InvalidCharacter { .. } => "invalid_character",
            RouteError::EmptySegment { .. } => "empty_segment",
            RouteError::DotSegment { .. } => "dot_segment",
            RouteError::InvalidEscape { .. } => "invalid_escape",
            RouteError::InvalidUtf8 { .. } => "invalid_utf8",
            RouteError::ControlCharacter { .. } => "control_character",
            RouteError::UnknownMethod { .. } => "unknown_method",
            RouteError::InvalidParam { .. } => "invalid_param",
            RouteError::NotFound { .. } => "not_found",
        }
    }

    /// Every id [`RouteError::kind`] can return.
    pub const KINDS: [&'static str; 13] = [
        "empty_target",
        "too_long",
        "not_absolute",
        "fragment",
        "invalid_character",
        "empty_segment",
        "dot_segment",
        "invalid_escape",
        "invalid_utf8",
        "control_character",
        "unknown_method",
        "invalid_param",
        "not_found",
    ];
}
