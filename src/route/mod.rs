//! Routing a raw request to the documented API it calls.
//!
//! [`route`] takes the method and the request-target exactly as received (path plus optional query)
//! and returns the matched row of the permission matrix ([`Operation`]) with the decoded path
//! parameters, or a [`RouteError`] that says what is wrong and where. A request is never routed to a
//! different API than the one its bytes name.
//!
//! # Rules, in the order they are applied
//!
//! 1. The method is an exact, case-sensitive token of an IMS API: `GET`, `HEAD`, `POST`, `PUT`,
//!    `PATCH`, `DELETE` (`get` is `unknown_method`). Each method routes only to its own templates
//!    (`HEAD` does not fall back to `GET`).
//! 2. The whole target (query included) is checked before anything is matched: it must not be empty,
//!    must be at most [`MAX_TARGET_LEN`] bytes, must start with `/` (absolute-form `http://host/...`
//!    and `*` are refused), and must not contain `#`, control characters, spaces, `\` or bytes
//!    outside ASCII: a correct client percent-encodes those. (`\` is refused because some front ends
//!    read it as `/`, which would split a segment that this router sees as one.)
//! 3. The query, from the first `?` on, is ignored.
//! 4. The path is split on literal `/` **before** any percent-decoding, so `a%2Fb` is one segment and
//!    `a/b` two. `/` alone is the root path (no segment). Every segment of the path is then checked,
//!    whether or not some template could match it: no empty segment (`//`, a trailing `/`), no dot
//!    segment (`.`, `..`, raw or percent-encoded like `%2e` or `.%2E`), every `%` followed by two hex
//!    digits, the decoded bytes UTF-8 without control characters. Values are decoded exactly once
//!    (`%252e` is the three characters `%2e`).
//! 5. A literal template segment matches only the same raw bytes (`%69mages` is not `images`); a
//!    `{param}` matches exactly one segment, whose decoded value becomes the parameter's value.
//! 6. Priority: when several templates of a method match a path, the first one in routing order
//!    wins: fewer segments first, then, at the first segment where two templates differ, a literal
//!    beats a parameter. The overlapping pairs are listed by [`overlaps`](crate::overlaps()).
//! 7. Parameter formats are checked (fail closed): `image_id` must be a UUID, `project_id` and
//!    `member_id` 32 hexadecimal characters (see [`ParamFormat`](crate::ParamFormat)). A path that
//!    matches a template but whose parameter fails its format is refused with `invalid_param`; it is
//!    never tried against a lower-priority template. [`Router::accept_any_param_format`] relaxes the
//!    check to "any non-empty segment".
//!
//! The result borrows the target; decoded values live inline (up to [`DECODED_INLINE`] bytes per request),
//! so routing allocates nothing in the common case.
//!
//! ```
//! use ims_iam::{route, Router};
//!
//! let m = route("PUT", "/v2/images/0b3b6d4e-8f0a-4c1e-9a57-3c0b8f6f2d11/tags/a%2Fb?x=1").unwrap();
//! assert_eq!(m.operation().template(), "/v2/images/{image_id}/tags/{tag}");
//! assert_eq!(m.param("tag"), Some("a/b"));
//!
//! // A Glance-style raw slash makes two segments: no tag API has that shape.
//! let err = route("PUT", "/v2/images/0b3b6d4e-8f0a-4c1e-9a57-3c0b8f6f2d11/tags/a/b").unwrap_err();
//! assert_eq!(err.kind(), "not_found");
//!
//! // Formats are checked unless relaxed visibly.
//! assert_eq!(route("GET", "/v2/images/my-image").unwrap_err().kind(), "invalid_param");
//! let relaxed = Router::default().accept_any_param_format();
//! assert_eq!(relaxed.route("GET", "/v2/images/my-image").unwrap().param("image_id"), Some("my-image"));
//! ```

mod error;

use std::iter::FusedIterator;

pub use error::RouteError;
use error::excerpt;

use crate::matrix::{self, Cloud, MAX_PARAMS, MAX_SEGMENTS, Method, Operation, Segment};

/// The longest request target, in bytes, that the router accepts (8 KiB, the common default of HTTP
/// servers for a request line). Longer targets are refused with `too_long`.
///
/// ```
/// let long = format!("/v2/images?{}", "x".repeat(ims_iam::MAX_TARGET_LEN));
/// assert_eq!(ims_iam::route("GET", &long).unwrap_err().kind(), "too_long");
/// ```
pub const MAX_TARGET_LEN: usize = 8 * 1024;

/// Routes one raw request with the default, strict [`Router`] (parameter formats checked).
///
/// `target` is the request-target as received: the path, optionally followed by `?` and a query.
/// See the [module documentation](mod@crate::route) for the rules.
///
/// ```
/// let m = ims_iam::route("GET", "/v2/0123456789abcdef0123456789abcdef/images/tags").unwrap();
/// assert_eq!(m.operation().template(), "/v2/{project_id}/images/tags");
/// assert_eq!(m.project_id(), Some("0123456789abcdef0123456789abcdef"));
///
/// assert_eq!(ims_iam::route("DELETE", "/v2/images/0b3b6d4e-8f0a-4c1e-9a57-3c0b8f6f2d11/").unwrap_err().kind(),
///            "empty_segment");
/// ```
#[inline]
pub fn route<'a>(method: &str, target: &'a str) -> Result<RouteMatch<'a>, RouteError> {
    Router::default().route(method, target)
}

/// Routing options. [`Router::default`] is strict: parameter formats are checked.
///
/// ```
/// use ims_iam::Router;
/// let strict = Router::default();
/// assert!(strict.checks_param_formats());
/// assert_eq!(strict.route("GET", "/v2/images/abc").unwrap_err().kind(), "invalid_param");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Router {
    check_formats: bool,
    cloud: Cloud,
}

impl Default for Router {
    fn default() -> Self {
        Router {
            check_formats: true,
            cloud: Cloud::default(),
        }
    }
}

impl Router {
    /// Relaxes every parameter to "any non-empty segment": `image_id` need not be a UUID,
    /// `project_id` and `member_id` need not be 32 hex characters. Every other rule still applies.
    ///
    /// This is for tools that look at paths with placeholder ids; a gateway that authorizes real
    /// requests should keep the default, which refuses malformed ids (fail closed).
    ///
    /// ```
    /// use ims_iam::Router;
    /// let relaxed = Router::default().accept_any_param_format();
    /// assert!(!relaxed.checks_param_formats());
    /// let m = relaxed.route("DELETE", "/v2/images/IMAGE/members/MEMBER").unwrap();
    /// assert_eq!(m.param("member_id"), Some("MEMBER"));
    /// ```
    #[must_use]
    pub fn accept_any_param_format(self) -> Self {
        Router {
            check_formats: false,
            ..self
        }
    }

    /// Routes to the rows of a cloud profile's table (the default: [`Cloud::default`]): the same
    /// templates, that profile's facts.
    ///
    /// ```
    /// use ims_iam::{Cloud, Router};
    /// let m = Router::default().with_cloud(Cloud::HuaweiCloud).route("GET", "/v1/cloudimages/quota").unwrap();
    /// assert_eq!(m.operation().cloud(), Cloud::HuaweiCloud);
    /// ```
    #[must_use]
    pub fn with_cloud(self, cloud: Cloud) -> Self {
        Router { cloud, ..self }
    }

    /// The cloud profile routed to.
    pub fn cloud(self) -> Cloud {
        self.cloud
    }

    /// Whether parameter formats are checked (the default).
    pub fn checks_param_formats(self) -> bool {
        self.check_formats
    }

    /// Routes one raw request: the method, then the whole target, then the templates of the
    /// method in priority order (see the [module documentation](mod@crate::route)).
    ///
    /// ```
    /// let m = ims_iam::Router::default()
    ///     .route("HEAD", "/v1/images/0b3b6d4e-8f0a-4c1e-9a57-3c0b8f6f2d11")
    ///     .unwrap();
    /// assert_eq!(m.operation().method(), ims_iam::Method::Head);
    /// ```
    pub fn route<'a>(&self, method: &str, target: &'a str) -> Result<RouteMatch<'a>, RouteError> {
        let Some(method) = Method::parse(method) else {
            return Err(RouteError::UnknownMethod {
                method: excerpt(method),
            });
        };
        let path = RawPath::parse(target)?;
        let not_found = || RouteError::NotFound {
            method,
            path: excerpt(path_of(target)),
        };
        let Some(segments) = path.segments.get(..path.count) else {
            // More segments than any template has.
            return Err(not_found());
        };
        // Only the method's templates with as many segments as the path, in priority order.
        for operation in matrix::routes_with_len(method, segments.len())
            .iter()
            .filter_map(|&i| matrix::operation_at(self.cloud, i))
        {
            let template = operation.segments();
            let literals_match = template.iter().zip(segments).all(|(t, s)| match t {
                Segment::Literal(literal) => literal.as_bytes() == s.raw.as_bytes(),
                Segment::Param(..) => true,
            });
            if literals_match {
                return self.bind(operation, segments);
            }
        }
        Err(not_found())
    }

    /// Takes the parameter values of a matched path, decoding them and checking their formats.
    fn bind<'a>(
        &self,
        operation: &'static Operation,
        segments: &[RawSegment<'a>],
    ) -> Result<RouteMatch<'a>, RouteError> {
        let mut m = RouteMatch {
            operation,
            params: [const { ("", Value::Borrowed("")) }; MAX_PARAMS],
            len: 0,
            decoded: [0; DECODED_INLINE],
            decoded_len: 0,
        };
        for (number, (t, s)) in operation.segments().iter().zip(segments).enumerate() {
            let Segment::Param(name, format) = *t else {
                continue;
            };
            let value = if s.escaped {
                m.decode(s.raw)
            } else {
                Value::Borrowed(s.raw)
            };
            let text = m.text(&value);
            if self.check_formats && !format.accepts(text) {
                return Err(RouteError::InvalidParam {
                    param: name,
                    operation: operation.to_string(),
                    expected: format.describe(),
                    value: excerpt(text),
                    segment: number + 1,
                    offset: s.offset,
                });
            }
            // Every template has at most MAX_PARAMS parameters, so a slot is always free.
            if let Some(slot) = m.params.get_mut(m.len) {
                *slot = (name, value);
                m.len += 1;
            }
        }
        Ok(m)
    }
}

/// The path of a target: up to the first `?`.
fn path_of(target: &str) -> &str {
    match target.as_bytes().iter().position(|&b| b == b'?') {
        Some(end) => target.get(..end).unwrap_or(target),
        None => target,
    }
}

/// Byte classes of a raw target: ordinary, refused anywhere (rule 2: controls, space, `#`, `\\`, DEL
/// and non-ASCII), and the three bytes that shape the path.
const PLAIN: u8 = 0;
const REFUSED: u8 = 1;
const SLASH: u8 = 2;
const PERCENT: u8 = 3;
const QUERY: u8 = 4;

static CLASS: [u8; 256] = {
    let mut table = [PLAIN; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = if b <= 0x20 || b == b'#' as usize || b == b'\\' as usize || b >= 0x7f {
            REFUSED
        } else if b == b'/' as usize {
            SLASH
        } else if b == b'%' as usize {
            PERCENT
        } else if b == b'?' as usize {
            QUERY
        } else {
            PLAIN
        };
        b += 1;
    }
    table
};

/// The position of the first byte at or after `from` that is not [`PLAIN`].
#[inline]
fn next_special(bytes: &[u8], from: usize) -> Option<usize> {
    let rest = bytes.get(from..)?;
    rest.iter()
        .position(|&b| CLASS[usize::from(b)] != PLAIN)
        .map(|k| from + k)
}

/// One checked segment of a raw path.
#[derive(Debug, Clone, Copy)]
struct RawSegment<'a> {
    /// The bytes as received.
    raw: &'a str,
    /// Where they start in the target.
    offset: usize,
    /// Whether the segment contains a `%` (its value must be decoded).
    escaped: bool,
}

/// A checked path: its first [`MAX_SEGMENTS`] segments, and how many there are.
#[derive(Debug)]
struct RawPath<'a> {
    segments: [RawSegment<'a>; MAX_SEGMENTS],
    count: usize,
}

impl<'a> RawPath<'a> {
    /// Applies every check of rules 2 to 4 to the whole target.
    fn parse(target: &'a str) -> Result<Self, RouteError> {
        if target.is_empty() {
            return Err(RouteError::EmptyTarget);
        }
        if target.len() > MAX_TARGET_LEN {
            return Err(RouteError::TooLong {
                len: target.len(),
                max: MAX_TARGET_LEN,
            });
        }
        if !target.starts_with('/') {
            return Err(RouteError::NotAbsolute {
                start: excerpt(target),
            });
        }
        let mut path = RawPath {
            segments: [RawSegment {
                raw: "",
                offset: 0,
                escaped: false,
            }; MAX_SEGMENTS],
            count: 0,
        };
        // One pass over the bytes: refused bytes anywhere (rule 2) win over segment errors (rule 4),
        // which are reported for the first failing segment; segments end at `/`, `?` or the end.
        let bytes = target.as_bytes();
        let mut segment_error = None;
        let mut start = 1;
        let mut escaped = false;
        let refused = |offset: usize| {
            let byte = bytes.get(offset).copied().unwrap_or_default();
            if byte == b'#' {
                RouteError::Fragment { offset }
            } else {
                RouteError::InvalidCharacter { offset, byte }
            }
        };
        let mut i = 1;
        loop {
            // Skip ordinary bytes in a tight loop; stop at the next byte that means something.
            let Some(j) = next_special(bytes, i) else {
                if bytes.len() > 1 {
                    path.close(target, start, bytes.len(), escaped, &mut segment_error);
                }
                break;
            };
            match CLASS[usize::from(bytes[j])] {
                SLASH => {
                    path.close(target, start, j, escaped, &mut segment_error);
                    start = j + 1;
                    escaped = false;
                }
                PERCENT => escaped = true,
                QUERY => {
                    // `/?...` is the root path: no segment.
                    if j > 1 {
                        path.close(target, start, j, escaped, &mut segment_error);
                    }
                    let query = bytes.get(j + 1..).unwrap_or_default();
                    if let Some(k) = query.iter().position(|&b| CLASS[usize::from(b)] == REFUSED) {
                        return Err(refused(j + 1 + k));
                    }
                    break;
                }
                _ => return Err(refused(j)),
            }
            i = j + 1;
        }
        if let Some(e) = segment_error {
            return Err(e);
        }
        Ok(path)
    }

    /// Ends the segment `start..end` of `target` (`escaped` if it has a `%`): checks it and keeps it,
    /// unless an earlier segment failed (its error, in `error`, is the one reported).
    #[inline(always)]
    fn close(
        &mut self,
        target: &'a str,
        start: usize,
        end: usize,
        escaped: bool,
        error: &mut Option<RouteError>,
    ) {
        let raw = target.get(start..end).unwrap_or_default();
        // The common case, a non-empty segment without `%` that is not a dot segment, needs no
        // further check; every other segment gets the full one, out of line.
        let segment = if !escaped && error.is_none() && !matches!(raw.as_bytes(), b"" | b"." | b"..") {
            RawSegment {
                raw,
                offset: start,
                escaped: false,
            }
        } else {
            match self.check_slow(raw, start, escaped, error) {
                Some(segment) => segment,
                None => return,
            }
        };
        if let Some(slot) = self.segments.get_mut(self.count) {
            *slot = segment;
        }
        self.count += 1;
    }

    /// The full check of a segment that may fail, recording the first error.
    #[cold]
    #[inline(never)]
    fn check_slow(
        &self,
        raw: &'a str,
        start: usize,
        escaped: bool,
        error: &mut Option<RouteError>,
    ) -> Option<RawSegment<'a>> {
        if error.is_some() {
            return None;
        }
        match check_raw_segment(raw, escaped, self.count + 1, start) {
            Ok(segment) => Some(segment),
            Err(e) => {
                *error = Some(e);
                None
            }
        }
    }
}

/// Checks one raw segment (number `segment`, starting at byte `offset`).
#[cfg(test)]
fn check_segment(raw: &str, segment: usize, offset: usize) -> Result<RawSegment<'_>, RouteError> {
    check_raw_segment(raw, raw.contains('%'), segment, offset)
}

#[cfg(test)]
impl RawSegment<'_> {
    /// The decoded value (borrowed when the segment has no `%`).
    fn decoded(&self) -> std::borrow::Cow<'_, str> {
        if self.escaped {
            let mut out = vec![0; self.raw.len()];
            let len = decode_into(self.raw.as_bytes(), &mut out);
            out.truncate(len);
            std::borrow::Cow::Owned(String::from_utf8_lossy(&out).into_owned())
        } else {
            std::borrow::Cow::Borrowed(self.raw)
        }
    }
}

/// Checks one raw segment (number `segment`, starting at byte `offset`, `escaped` if it has a `%`):
/// not empty, escapes well-formed, decoded value UTF-8 without control characters, not a dot segment.
#[inline(never)]
fn check_raw_segment(
    raw: &str,
    escaped: bool,
    segment: usize,
    offset: usize,
) -> Result<RawSegment<'_>, RouteError> {
    if raw.is_empty() {
        return Err(RouteError::EmptySegment { segment, offset });
    }
    let dot = |value: &[u8]| value == b"." || value == b"..";
    let is_dot = if escaped {
        let bytes = raw.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b'%' {
                let hex = |j: usize| bytes.get(j).is_some_and(u8::is_ascii_hexdigit);
                if !(hex(i + 1) && hex(i + 2)) {
                    return Err(RouteError::InvalidEscape {
                        segment,
                        offset: offset + i,
                    });
                }
                i += 3;
            } else {
                i += 1;
            }
        }
        // The decoded value is never longer than the raw one: short segments decode on the stack.
        let mut scratch = [0u8; 256];
        let mut long = Vec::new();
        let out: &mut [u8] = match scratch.get_mut(..bytes.len()) {
            Some(out) => out,
            None => {
                long.resize(bytes.len(), 0);
                &mut long
            }
        };
        let len = decode_into(bytes, out);
        let decoded = std::str::from_utf8(out.get(..len).unwrap_or_default())
            .map_err(|_| RouteError::InvalidUtf8 { segment, offset })?;
        if decoded.chars().any(char::is_control) {
            return Err(RouteError::ControlCharacter { segment, offset });
        }
        dot(decoded.as_bytes())
    } else {
        dot(raw.as_bytes())
    };
    if is_dot {
        return Err(RouteError::DotSegment {
            segment,
            offset,
            raw: raw.to_owned(),
        });
    }
    Ok(RawSegment { raw, offset, escaped })
}

/// Percent-decodes `raw` (whose escapes are well-formed) into `out`, which is at least as long;
/// returns the decoded length.
fn decode_into(raw: &[u8], out: &mut [u8]) -> usize {
    let hex = |b: u8| match b {
        b'0'..=b'9' => b - b'0',
        b'a'..=b'f' => b - b'a' + 10,
        b'A'..=b'F' => b - b'A' + 10,
        _ => 0,
    };
    let mut i = 0;
    let mut len = 0;
    while let Some(&b) = raw.get(i) {
        let (byte, step) = match (b, raw.get(i + 1), raw.get(i + 2)) {
            (b'%', Some(&h), Some(&l)) => ((hex(h) << 4) | hex(l), 3),
            _ => (b, 1),
        };
        if let Some(slot) = out.get_mut(len) {
            *slot = byte;
        }
        len += 1;
        i += step;
    }
    len
}

/// How many bytes of percent-decoded parameter values a [`RouteMatch`] keeps inline (128, in total
/// over its parameters: a tag of 40 CJK characters, percent-encoded, decodes to 120 bytes, still
/// inline); a match whose decoded values need more keeps the rest on the heap.
pub(crate) const DECODED_INLINE: usize = 128;

/// Where a parameter's value is.
#[derive(Debug, Clone)]
enum Value<'a> {
    /// In the target (no `%`).
    Borrowed(&'a str),
    /// Decoded, in the match's inline buffer at `start..end`.
    Inline(usize, usize),
    /// Decoded, on the heap (the inline buffer was full).
    Owned(Box<str>),
}

/// A routed request: the documented API and its decoded path parameters.
///
/// Parameter values borrow the target unless they had to be percent-decoded; decoded values are kept
/// inline, up to [`DECODED_INLINE`] bytes in total, so routing allocates nothing in the common case.
///
/// ```
/// let m = ims_iam::route(
///     "GET",
///     "/v1/0123456789abcdef0123456789abcdef/cloudimages/0b3b6d4e-8f0a-4c1e-9a57-3c0b8f6f2d11/members",
/// )
/// .unwrap();
/// let names: Vec<_> = m.params().map(|(name, _)| name).collect();
/// assert_eq!(names, ["project_id", "image_id"]);
/// assert_eq!(m.param("image_id"), Some("0b3b6d4e-8f0a-4c1e-9a57-3c0b8f6f2d11"));
/// assert_eq!(m.param("tag"), None);
/// ```
#[derive(Clone)]
pub struct RouteMatch<'a> {
    operation: &'static Operation,
    params: [(&'static str, Value<'a>); MAX_PARAMS],
    len: usize,
    decoded: [u8; DECODED_INLINE],
    decoded_len: usize,
}

impl std::fmt::Debug for RouteMatch<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RouteMatch")
            .field("operation", &self.operation)
            .field("params", &self.params().collect::<Vec<_>>())
            .finish()
    }
}

/// Two matches are equal when they name the same row with the same parameter values.
impl PartialEq for RouteMatch<'_> {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self.operation, other.operation) && self.params().eq(other.params())
    }
}

impl Eq for RouteMatch<'_> {}

impl<'a> RouteMatch<'a> {
    /// Decodes a well-formed, checked raw value into the inline buffer, or onto the heap when full.
    fn decode(&mut self, raw: &str) -> Value<'a> {
        let start = self.decoded_len;
        if let Some(out) = self.decoded.get_mut(start..start + raw.len()) {
            let len = decode_into(raw.as_bytes(), out);
            self.decoded_len = start + len;
            return Value::Inline(start, start + len);
        }
        let mut out = vec![0; raw.len()];
        let len = decode_into(raw.as_bytes(), &mut out);
        out.truncate(len);
        Value::Owned(String::from_utf8_lossy(&out).into())
    }

    /// The text of a value (decoded values were checked to be UTF-8 when the path was parsed).
    fn text<'s>(&'s self, value: &'s Value<'a>) -> &'s str {
        match value {
            Value::Borrowed(text) => text,
            Value::Inline(start, end) => self
                .decoded
                .get(*start..*end)
                .and_then(|bytes| std::str::from_utf8(bytes).ok())
                .unwrap_or_default(),
            Value::Owned(text) => text,
        }
    }

    /// The matched row of the permission matrix.
    pub fn operation(&self) -> &'static Operation {
        self.operation
    }

    /// The decoded parameters, in template order: `(name, value)`.
    pub fn params(&self) -> Params<'_> {
        Params {
            m: self,
            inner: self.params.get(..self.len).unwrap_or_default().iter(),
        }
    }

    /// The decoded value of the parameter `name`, if the template has one.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params().find(|(n, _)| *n == name).map(|(_, v)| v)
    }

    /// The `{project_id}` of the path, if the template has one.
    ///
    /// ```
    /// let m = ims_iam::route("GET", "/v2/images").unwrap();
    /// assert_eq!(m.project_id(), None);
    /// ```
    pub fn project_id(&self) -> Option<&str> {
        self.param("project_id")
    }

    /// The `{image_id}` of the path, if the template has one.
    ///
    /// ```
    /// let m = ims_iam::route("GET", "/v2/images/0b3b6d4e-8f0a-4c1e-9a57-3c0b8f6f2d11").unwrap();
    /// assert_eq!(m.image_id(), Some("0b3b6d4e-8f0a-4c1e-9a57-3c0b8f6f2d11"));
    /// ```
    pub fn image_id(&self) -> Option<&str> {
        self.param("image_id")
    }

    /// The same match, owning its parameter values (to keep it beyond the target's lifetime).
    ///
    /// ```
    /// let owned = {
    ///     let target = String::from("/v2/images/0b3b6d4e-8f0a-4c1e-9a57-3c0b8f6f2d11/tags/env");
    ///     ims_iam::route("PUT", &target).unwrap().into_owned()
    /// };
    /// assert_eq!(owned.param("tag"), Some("env"));
    /// ```
    pub fn into_owned(self) -> RouteMatch<'static> {
        RouteMatch {
            operation: self.operation,
            params: self.params.map(|(name, value)| {
                (
                    name,
                    match value {
                        Value::Borrowed(text) => Value::Owned(text.into()),
                        Value::Inline(start, end) => Value::Inline(start, end),
                        Value::Owned(text) => Value::Owned(text),
                    },
                )
            }),
            len: self.len,
            decoded: self.decoded,
            decoded_len: self.decoded_len,
        }
    }
}

/// The decoded path parameters of a [`RouteMatch`], in template order: `(name, value)`.
///
/// ```
/// let m = ims_iam::route("DELETE", "/v2/images/0b3b6d4e-8f0a-4c1e-9a57-3c0b8f6f2d11/tags/env%3Dprod").unwrap();
/// let params: Vec<_> = m.params().collect();
/// assert_eq!(params, [("image_id", "0b3b6d4e-8f0a-4c1e-9a57-3c0b8f6f2d11"), ("tag", "env=prod")]);
/// ```
#[derive(Debug, Clone)]
pub struct Params<'m> {
    m: &'m RouteMatch<'m>,
    inner: std::slice::Iter<'m, (&'static str, Value<'m>)>,
}

impl<'m> Iterator for Params<'m> {
    type Item = (&'static str, &'m str);

    fn next(&mut self) -> Option<Self::Item> {
        let m = self.m;
        self.inner.next().map(|(name, value)| (*name, m.text(value)))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.inner.size_hint()
    }
}

impl DoubleEndedIterator for Params<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        let m = self.m;
        self.inner.next_back().map(|(name, value)| (*name, m.text(value)))
    }
}

impl ExactSizeIterator for Params<'_> {}

impl FusedIterator for Params<'_> {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_are_checked_where_they_are() {
        let err = check_segment("ab%2", 3, 10).unwrap_err();
        assert_eq!(
            err,
            RouteError::InvalidEscape {
                segment: 3,
                offset: 12
            }
        );
        assert_eq!(check_segment("%zz", 1, 1).unwrap_err().kind(), "invalid_escape");
        assert_eq!(check_segment("%ff", 1, 1).unwrap_err().kind(), "invalid_utf8");
        assert_eq!(
            check_segment("a%0ab", 1, 1).unwrap_err().kind(),
            "control_character"
        );
        assert_eq!(
            check_segment("%c2%85", 1, 1).unwrap_err().kind(),
            "control_character"
        );
        assert_eq!(check_segment("%E4%B8%AD", 1, 1).unwrap().decoded(), "中");
    }

    #[test]
    fn dot_segments_in_every_spelling() {
        for raw in [".", "..", "%2e", "%2E", "%2e%2E", ".%2e", "%2E."] {
            assert_eq!(
                check_segment(raw, 1, 1).unwrap_err().kind(),
                "dot_segment",
                "{raw}"
            );
        }
        for raw in ["...", ".a", "%2e%2e%2e", "%252e"] {
            assert!(check_segment(raw, 1, 1).is_ok(), "{raw}");
        }
    }

    #[test]
    fn segments_without_escapes_are_borrowed() {
        assert!(matches!(
            check_segment("images", 1, 1).unwrap().decoded(),
            std::borrow::Cow::Borrowed("images")
        ));
    }

    #[test]
    fn paths_longer_than_every_template_are_checked_then_not_found() {
        let err = route("GET", "/a/b/c/d/e/f/g/h/..").unwrap_err();
        assert_eq!(err.kind(), "dot_segment");
        let err = route("GET", "/a/b/c/d/e/f/g/h/i").unwrap_err();
        assert_eq!(err.kind(), "not_found");
    }
}
