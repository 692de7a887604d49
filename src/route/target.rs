//! The raw request target: the limits of rule 2, the byte classes that the one pass over it reads, the
//! full check of one segment (rule 4) and percent-decoding.

use super::RouteError;

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
pub(super) const PLAIN: u8 = 0;
pub(super) const REFUSED: u8 = 1;
pub(super) const SLASH: u8 = 2;
pub(super) const PERCENT: u8 = 3;
pub(super) const QUERY: u8 = 4;

pub(super) static CLASS: [u8; 256] = {
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
pub(super) fn next_special(bytes: &[u8], from: usize) -> Option<usize> {
    let rest = bytes.get(from..)?;
    rest.iter()
        .position(|&b| CLASS[usize::from(b)] != PLAIN)
        .map(|k| from + k)
}

/// The error for the refused byte at `offset` of `bytes` (rule 2): `#` is a fragment.
#[cold]
pub(super) fn refused(bytes: &[u8], offset: usize) -> RouteError {
    let byte = bytes.get(offset).copied().unwrap_or_default();
    if byte == b'#' {
        RouteError::Fragment { offset }
    } else {
        RouteError::InvalidCharacter { offset, byte }
    }
}

/// The position of the first refused byte (rule 2) in `bytes` at or after `from`.
pub(super) fn first_refused(bytes: &[u8], from: usize) -> Option<usize> {
    let rest = bytes.get(from..)?;
    rest.iter()
        .position(|&b| CLASS[usize::from(b)] == REFUSED)
        .map(|k| from + k)
}

/// Why an escaped segment's value is refused (rule 4), or cannot be decoded where asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Undecodable {
    /// The `%` at this index of the raw segment is not followed by two hex digits.
    Escape(usize),
    /// The decoded value is longer than the room given for it.
    NoRoom,
    /// The decoded bytes are not UTF-8.
    Utf8,
    /// The decoded value has a control character.
    Control,
    /// The decoded value is `.` or `..`.
    Dot,
}

/// Decodes `raw`, one path segment of plain bytes and `%` escapes, to the front of `out`, and checks
/// the value as rule 4 wants it: every `%` followed by two hex digits (the first that is not is the
/// fault), the decoded bytes UTF-8, without control characters, not a dot segment. Returns the
/// decoded length. The one check of escaped segments, for the matcher and the fast path alike.
pub(super) fn decode_checked(raw: &[u8], out: &mut [u8]) -> Result<usize, Undecodable> {
    let mut i = 0;
    while let Some(&b) = raw.get(i) {
        if b == b'%' {
            let hex = |j: usize| raw.get(j).is_some_and(u8::is_ascii_hexdigit);
            if !(hex(i + 1) && hex(i + 2)) {
                return Err(Undecodable::Escape(i));
            }
            i += 3;
        } else {
            i += 1;
        }
    }
    let len = decode_into(raw, out);
    let value = out.get(..len).ok_or(Undecodable::NoRoom)?;
    let value = std::str::from_utf8(value).map_err(|_| Undecodable::Utf8)?;
    if value.chars().any(char::is_control) {
        return Err(Undecodable::Control);
    }
    if matches!(value, "." | "..") {
        return Err(Undecodable::Dot);
    }
    Ok(len)
}

/// Checks one raw segment (number `segment`, starting at byte `offset`, `escaped` if it has a `%`):
/// not empty, escapes well-formed, decoded value UTF-8 without control characters, not a dot segment.
#[inline(never)]
pub(super) fn check_segment(
    raw: &str,
    escaped: bool,
    segment: usize,
    offset: usize,
) -> Result<(), RouteError> {
    if raw.is_empty() {
        return Err(RouteError::EmptySegment { segment, offset });
    }
    let fault = if escaped {
        let bytes = raw.as_bytes();
        // Each escape is three raw bytes for one decoded byte: values that decode to at most 256
        // bytes decode on the stack (a malformed escape is found before anything is decoded).
        let decoded_len = bytes
            .len()
            .saturating_sub(2 * bytes.iter().filter(|&&b| b == b'%').count());
        let mut scratch = [0u8; 256];
        let mut long = Vec::new();
        let out: &mut [u8] = match scratch.get_mut(..decoded_len) {
            Some(out) => out,
            None => {
                long.resize(decoded_len, 0);
                &mut long
            }
        };
        decode_checked(bytes, out).err()
    } else {
        matches!(raw, "." | "..").then_some(Undecodable::Dot)
    };
    match fault {
        None => Ok(()),
        Some(Undecodable::Escape(i)) => Err(RouteError::InvalidEscape {
            segment,
            offset: offset + i,
        }),
        // Well-formed escapes decode to exactly `decoded_len` bytes, so there is always room; were
        // there not, the segment is refused all the same.
        Some(Undecodable::Utf8 | Undecodable::NoRoom) => Err(RouteError::InvalidUtf8 { segment, offset }),
        Some(Undecodable::Control) => Err(RouteError::ControlCharacter { segment, offset }),
        Some(Undecodable::Dot) => Err(RouteError::DotSegment {
            segment,
            offset,
            raw: raw.to_owned(),
        }),
    }
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
    use super::*;

    /// Checks one raw segment (number `segment`, starting at byte `offset`).
    fn check(raw: &str, segment: usize, offset: usize) -> Result<(), RouteError> {
        check_segment(raw, raw.contains('%'), segment, offset)
    }

    /// The decoded value of a raw segment, allocating: for tests only.
    fn decoded(raw: &str) -> String {
        let mut out = vec![0; raw.len()];
        let len = decode_into(raw.as_bytes(), &mut out);
        out.truncate(len);
        String::from_utf8_lossy(&out).into_owned()
    }

    #[test]
    fn escapes_are_checked_where_they_are() {
        let err = check("ab%2", 3, 10).unwrap_err();
        assert_eq!(
            err,
            RouteError::InvalidEscape {
                segment: 3,
                offset: 12
            }
        );
        assert_eq!(check("%zz", 1, 1).unwrap_err().kind(), "invalid_escape");
        assert_eq!(check("%ff", 1, 1).unwrap_err().kind(), "invalid_utf8");
        assert_eq!(check("a%0ab", 1, 1).unwrap_err().kind(), "control_character");
        assert_eq!(check("%c2%85", 1, 1).unwrap_err().kind(), "control_character");
        assert!(check("%E4%B8%AD", 1, 1).is_ok());
        assert_eq!(decoded("%E4%B8%AD"), "中");
    }

    #[test]
    fn dot_segments_in_every_spelling() {
        for raw in [".", "..", "%2e", "%2E", "%2e%2E", ".%2e", "%2E."] {
            assert_eq!(check(raw, 1, 1).unwrap_err().kind(), "dot_segment", "{raw}");
        }
        for raw in ["...", ".a", "%2e%2e%2e", "%252e"] {
            assert!(check(raw, 1, 1).is_ok(), "{raw}");
        }
    }

    #[test]
    fn refused_bytes_are_found_from_where_asked() {
        assert_eq!(first_refused(b"/a b#", 0), Some(2));
        assert_eq!(first_refused(b"/a b#", 3), Some(4));
        assert_eq!(first_refused(b"/ab", 0), None);
        assert_eq!(refused(b"/a#", 2), RouteError::Fragment { offset: 2 });
        assert_eq!(
            refused(b"/a ", 2),
            RouteError::InvalidCharacter {
                offset: 2,
                byte: b' '
            }
        );
    }
}
