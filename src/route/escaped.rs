//! The fast path's decoding of a parameter value with a `%`: checked and decoded by the matcher's
//! own check (`target::decode_checked`), straight into the caller's buffer.

use super::target::decode_checked;

/// Decodes `raw`, one path segment of plain bytes and `%` escapes, to the front of `out`, and
/// returns the decoded length when the matcher would take it as an any-format parameter's value (the
/// matcher's own check, `target::decode_checked`). `None` (leave it to the matcher) for anything
/// else, and when `out` is too short.
pub(super) fn decode_value(raw: &[u8], out: &mut [u8]) -> Option<usize> {
    if raw.is_empty() {
        return None;
    }
    decode_checked(raw, out).ok()
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::route::target::{check_segment, decode_into};

    /// What the matcher makes of `raw` as an escaped segment: its decoded value, or nothing.
    fn matcher_value(raw: &str) -> Option<Vec<u8>> {
        check_segment(raw, true, 0, 0).ok()?;
        let mut out = vec![0; raw.len()];
        let len = decode_into(raw.as_bytes(), &mut out);
        out.truncate(len);
        Some(out)
    }

    fn decoded(raw: &str, room: usize) -> Option<Vec<u8>> {
        let mut out = vec![0; room];
        let len = decode_value(raw.as_bytes(), &mut out)?;
        Some(out[..len].to_vec())
    }

    #[test]
    fn values_are_decoded_or_refused_as_the_matcher_does() {
        for (raw, want) in [
            ("a%2Fb", Some(&b"a/b"[..])),
            ("%2Fb", Some(b"/b")),
            ("a%2f", Some(b"a/")),
            ("%E7%8E%AF%E5%A2%83", Some("环境".as_bytes())),
            ("%252e", Some(b"%2e")),
            ("%2e%2e", None),
            ("%2E", None),
            (".%2e", None),
            ("%2e%2e%2e", Some(b"...")),
            ("%00", None),
            ("a%7F", None),
            ("%C2%85", None),
            ("%FF", None),
            ("%E7%8E", None),
            ("%", None),
            ("a%2", None),
            ("%zz", None),
            ("%+1", None),
        ] {
            assert_eq!(decoded(raw, 256).as_deref(), want, "{raw}");
            assert_eq!(matcher_value(raw).as_deref(), want, "{raw}");
        }
    }

    #[test]
    fn values_past_the_room_are_left_to_the_matcher() {
        assert_eq!(decoded("a%2Fb", 3).as_deref(), Some(&b"a/b"[..]));
        assert_eq!(decoded("a%2Fb", 2), None);
        assert_eq!(decoded("a%2Fb", 0), None);
    }

    proptest! {
        #[test]
        fn decoding_agrees_with_the_matcher(
            raw in "([a-z.~_-]|%[0-9a-fA-F]{2}|%[0-9a-gA-G+]{0,2}|%(2[eE]|[cC]2|[eE][0-9]|[89][0-9]|7[fF]|0[0-9])){1,6}",
        ) {
            prop_assert_eq!(decoded(&raw, 256), matcher_value(&raw));
        }
    }
}
