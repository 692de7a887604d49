//! The raw request target: the checks of rules 2 to 4 (one pass over the bytes), splitting the path
//! into segments, and percent-decoding.

use super::RouteError;
use crate::matrix::MAX_SEGMENTS;
use crate::quote::excerpt;

/// The longest request target, in bytes, that the router accepts (8 KiB, the common default of HTTP
/// servers for a request line). Longer targets are refused with `too_long`.
///
/// ```
/// let long = format!("/v2/images?{}", "x".repeat(ims_iam::MAX_TARGET_LEN));
/// assert_eq!(ims_iam::route("GET", &long).unwrap_err().kind(), "too_long");
/// ```
pub const MAX_TARGET_LEN: usize = 8 * 1024;

/// The path of a target: up to the first `?`.
#[inline]
pub(super) fn path_of(target: &str) -> &str {
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
pub(super) struct RawSegment<'a> {
    /// The bytes as received.
    pub(super) raw: &'a str,
    /// Where they start in the target.
    pub(super) offset: usize,
    /// Whether the segment contains a `%` (its value must be decoded).
    pub(super) escaped: bool,
}

/// A checked path: its first [`MAX_SEGMENTS`] segments, and how many there are.
#[derive(Debug)]
pub(super) struct RawPath<'a> {
    segments: [RawSegment<'a>; MAX_SEGMENTS],
    count: usize,
}

impl<'a> RawPath<'a> {
    /// Applies every check of rules 2 to 4 to the whole target.
    #[inline]
    pub(super) fn parse(target: &'a str) -> Result<Self, RouteError> {
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

    /// The checked segments, in order; `None` when the path has more than [`MAX_SEGMENTS`] (more
    /// than any template has).
    #[inline]
    pub(super) fn segments(&self) -> Option<&[RawSegment<'a>]> {
        self.segments.get(..self.count)
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
            match Self::check_slow(self.count + 1, raw, start, escaped, error) {
                Some(segment) => segment,
                None => return,
            }
        };
        if let Some(slot) = self.segments.get_mut(self.count) {
            *slot = segment;
        }
        self.count += 1;
    }

    /// The full check of segment number `segment` that may fail, recording the first error.
    #[cold]
    #[inline(never)]
    fn check_slow(
        segment: usize,
        raw: &'a str,
        start: usize,
        escaped: bool,
        error: &mut Option<RouteError>,
    ) -> Option<RawSegment<'a>> {
        if error.is_some() {
            return None;
        }
        match check_raw_segment(raw, escaped, segment, start) {
            Ok(segment) => Some(segment),
            Err(e) => {
                *error = Some(e);
                None
            }
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
#[inline]
pub(super) fn decode_into(raw: &[u8], out: &mut [u8]) -> usize {
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

#[cfg(test)]
mod tests {
    use std::borrow::Cow;

    use super::*;

    /// Checks one raw segment (number `segment`, starting at byte `offset`).
    fn check_segment(raw: &str, segment: usize, offset: usize) -> Result<RawSegment<'_>, RouteError> {
        check_raw_segment(raw, raw.contains('%'), segment, offset)
    }

    impl RawSegment<'_> {
        /// The decoded value (borrowed when the segment has no `%`), allocating: for tests only.
        fn decoded(&self) -> Cow<'_, str> {
            if self.escaped {
                let mut out = vec![0; self.raw.len()];
                let len = decode_into(self.raw.as_bytes(), &mut out);
                out.truncate(len);
                Cow::Owned(String::from_utf8_lossy(&out).into_owned())
            } else {
                Cow::Borrowed(self.raw)
            }
        }
    }

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
            Cow::Borrowed("images")
        ));
    }
}
