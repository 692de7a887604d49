//! The fast path: one pass over an ordinary target, literal-first and in place, in front of the
//! one-pass matcher (`matcher.rs`).
//!
//! At each segment start, the walk that `build.rs` generates into `route_fast.rs` (one straight-line
//! function per method, see `src/matrix/route_gen.rs`) keeps the matcher's candidate set and
//!
//! 1. probes the literals of that position whose templates are still candidates, comparing the bytes
//!    at the segment start (longest literal first): at most one can match;
//! 2. else, when every candidate with a parameter there has the same fixed format (UUID, 32 hex
//!    digits), checks that format in place: the check proves the bytes plain, so they need no class
//!    scan, and the winner's value needs no second check;
//! 3. else scans the segment with the byte classes, as the matcher does (a `%` marks the segment
//!    escaped).
//!
//! Then it closes the segment: `/`, `?` or the end must follow, else it gives up. The set is
//! narrowed exactly as the matcher narrows it (the position's parameters plus the templates of the
//! literal that matched), so the winner is the same. Anything unusual gives up (`None`) and the
//! matcher decides, with the right error: a refused byte, an empty or dot segment, more segments
//! than any template of the method has, no winner, a format that fails. A path with an escaped
//! segment is routed by [`route_escaped`], which decodes the values into the caller's buffer (only
//! any-format parameters; see `escaped.rs`). The query is only checked for refused bytes, 8 bytes at
//! a time.

use std::borrow::Cow;

use super::RouteMatch;
use super::escaped::decode_value;
use super::fast_bytes::query_ok;
use super::matcher::{ORDER, WITH_LEN};
use super::target::{CLASS, MAX_TARGET_LEN, PERCENT, PLAIN};
use crate::matrix::{Cloud, MAX_PARAMS, MAX_SEGMENTS, Method, Operation, Segment};
use crate::matrix::{is_hex32, is_uuid};

include!(concat!(env!("OUT_DIR"), "/route_fast.rs"));

/// Routes an ordinary target among the templates of `method` with formats checked, or gives up
/// (`None`). When it routes, the matcher routes the same target to the same match. A target with
/// a `%` in a value is left to [`route_escaped`].
#[inline(always)]
pub(super) fn route(method: Method, target: &str, cloud: Cloud) -> Option<RouteMatch<'_>> {
    let mut w = Walk::new(target.as_bytes());
    let (operation, (positions, count, _)) = winner(method, target, cloud, &mut w)?;
    if w.escaped != 0 {
        return None;
    }
    let mut spans = [(0, 0); MAX_PARAMS];
    for (span, &position) in spans.iter_mut().zip(&positions) {
        *span = w.span(position);
    }
    Some(RouteMatch::with_spans(operation, target, spans, count))
}

/// Routes a target that [`route`] gave up on because some values have a `%`: those values are
/// decoded into `buffer`, which the match then borrows. Gives up (`Err`, handing `buffer` back)
/// for anything the fast path does not route; when it routes, the matcher routes the same target
/// to the same match.
#[cold]
#[inline(never)]
pub(super) fn route_escaped<'a>(
    method: Method,
    target: &'a str,
    cloud: Cloud,
    buffer: &'a mut [u8],
) -> Result<RouteMatch<'a>, &'a mut [u8]> {
    let mut w = Walk::new(target.as_bytes());
    match winner(method, target, cloud, &mut w) {
        Some((operation, (positions, count, formatted))) if w.escaped != 0 => {
            bind_escaped(operation, target, &w, (&positions, count, formatted), buffer)
        }
        _ => Err(buffer),
    }
}

/// The parameters of an operation: their segment positions, how many, and the positions whose
/// format is more than "any" (a row of `PARAM_SEGMENTS`).
type ParamSegments = ([u8; MAX_PARAMS], u8, u8);

/// Walks `target` (`w`, a walk of it) and finds the operation it routes to, its formats checked
/// but for the values with a `%`; or `None`.
#[inline(always)]
fn winner(
    method: Method,
    target: &str,
    cloud: Cloud,
    w: &mut Walk<'_>,
) -> Option<(&'static Operation, ParamSegments)> {
    let bytes = target.as_bytes();
    if bytes.first() != Some(&b'/') || bytes.len() > MAX_TARGET_LEN {
        return None;
    }
    let m = method as usize;
    walk(m, w)?;
    let candidates = w.candidates & WITH_LEN.get(m)?.get(w.count)?;
    let index = usize::from(*ORDER.get(m)?.get(candidates.trailing_zeros() as usize)?);
    let operation = cloud.operations().get(index)?;
    let params = *PARAM_SEGMENTS.get(index)?;
    // Formats that no in-place check proved (an `{version}`, an id where a literal matched).
    let unchecked = params.2 & !w.checked;
    if unchecked != 0 && !formats_hold(operation, target, w, unchecked) {
        return None;
    }
    Some((operation, params))
}

/// The match of a path with a `%` in some segments (all of them parameters of `operation`, which
/// the walk kept as the only candidates there): each such value is decoded into `buffer` and
/// checked as the matcher checks it, or the fast path gives up (a format other than "any" there,
/// a malformed escape, a decoded value the matcher refuses, no room left in `buffer`).
#[cold]
#[inline(never)]
fn bind_escaped<'a>(
    operation: &'static Operation,
    target: &'a str,
    w: &Walk<'_>,
    (positions, count, formatted): (&[u8], u8, u8),
    buffer: &'a mut [u8],
) -> Result<RouteMatch<'a>, &'a mut [u8]> {
    if w.escaped & formatted != 0 {
        return Err(buffer);
    }
    let mut m = RouteMatch::new(operation, target);
    let mut used = 0;
    for &position in positions.iter().take(usize::from(count)) {
        let (start, end) = w.span(position);
        let (start, end) = (usize::from(start), usize::from(end));
        if w.escaped >> position & 1 == 1 {
            let raw = target.as_bytes().get(start..end).unwrap_or_default();
            let Some(len) = buffer.get_mut(used..).and_then(|out| decode_value(raw, out)) else {
                return Err(buffer);
            };
            m.push_decoded(used..used + len);
            used += len;
        } else {
            m.push_raw(start, end);
        }
    }
    // Each value was checked to be UTF-8: so is the whole.
    let decoded: &'a [u8] = buffer;
    let text = std::str::from_utf8(decoded.get(..used).unwrap_or_default()).unwrap_or_default();
    m.set_decoded(Cow::Borrowed(text));
    Ok(m)
}

/// Whether the parameters of `operation` at the positions of `unchecked` have their formats.
#[cold]
#[inline(never)]
fn formats_hold(operation: &Operation, target: &str, w: &Walk<'_>, unchecked: u8) -> bool {
    operation
        .segments()
        .iter()
        .enumerate()
        .all(|(position, segment)| match *segment {
            Segment::Param(_, format) if unchecked >> position & 1 == 1 => {
                let (start, end) = w.span(u8::try_from(position).unwrap_or(u8::MAX));
                target
                    .get(usize::from(start)..usize::from(end))
                    .is_some_and(|value| format.accepts(value))
            }
            _ => true,
        })
}

/// Room for where each segment ends: a power of two above `MAX_SEGMENTS`, so that a position
/// masked into it needs no bounds check.
const SLOTS: usize = (MAX_SEGMENTS + 1).next_power_of_two();

/// The state of a walk: the target from the current segment's start on, the templates every
/// segment so far can be (bits in routing order), where each segment ends, which segments had their
/// format checked, and how many segments the path has.
pub(super) struct Walk<'a> {
    rest: &'a [u8],
    /// The target's length: the offset of `rest` is `len - rest.len()`.
    len: usize,
    candidates: u64,
    /// `seps[p]` is the offset of the `/` before segment `p`, `seps[p + 1]` where segment `p` ends
    /// (a segment starts after the end of the one before it, and its `/`).
    seps: [u16; SLOTS],
    checked: u8,
    /// The segments with a `%` (their values are decoded once the winner is known).
    escaped: u8,
    count: usize,
}

impl<'a> Walk<'a> {
    /// A walk of the path of `bytes` (which starts with `/`, at most `MAX_TARGET_LEN` bytes long):
    /// every template is a candidate.
    #[inline(always)]
    fn new(bytes: &'a [u8]) -> Self {
        Walk {
            rest: bytes.get(1..).unwrap_or_default(),
            len: bytes.len(),
            candidates: u64::MAX,
            seps: [0; SLOTS],
            checked: 0,
            escaped: 0,
            count: 0,
        }
    }

    /// Where segment `position` starts and ends.
    #[inline(always)]
    fn span(&self, position: u8) -> (u16, u16) {
        let slot = usize::from(position);
        let before = self.seps[slot & (SLOTS - 1)];
        (before.wrapping_add(1), self.seps[(slot + 1) & (SLOTS - 1)])
    }

    /// The target from the current segment's start on.
    #[inline(always)]
    fn rest(&self) -> &'a [u8] {
        self.rest
    }

    /// Whether some template of `mask` is still a candidate.
    #[inline(always)]
    fn may(&self, mask: u64) -> bool {
        self.candidates & mask != 0
    }

    /// Whether some candidate has a parameter here (`params`) and all that do are of `fixed`.
    #[inline(always)]
    fn only(&self, params: u64, fixed: u64) -> bool {
        let here = self.candidates & params;
        here != 0 && here & !fixed == 0
    }

    /// Keeps the candidates of `mask`.
    #[inline(always)]
    fn keep(&mut self, mask: u64) {
        self.candidates &= mask;
    }

    /// Keeps the candidates of `params`, whose format at `position` is being checked in place.
    #[inline(always)]
    fn keep_checked(&mut self, params: u64, position: usize) {
        self.candidates &= params;
        self.checked |= 1 << position;
    }

    /// Closes segment `position`, whose bytes end where `after` (the rest of the target) starts:
    /// `Some(true)` when the path ends there (a query after it is checked), `Some(false)` when a
    /// `/` follows, `None` to give up.
    #[inline(always)]
    fn close(&mut self, position: usize, after: &'a [u8]) -> Option<bool> {
        if self.candidates == 0 {
            return None;
        }
        // Targets are at most `MAX_TARGET_LEN` (8 KiB) bytes: offsets fit in `u16` exactly.
        let end = self.len.wrapping_sub(after.len()) as u16;
        self.seps[(position + 1) & (SLOTS - 1)] = end;
        match after.split_first() {
            None => {
                self.count = position + 1;
                Some(true)
            }
            Some((b'/', tail)) => {
                self.rest = tail;
                Some(false)
            }
            Some((b'?', query)) => {
                self.count = position + 1;
                query_ok(query).then_some(true)
            }
            Some(_) => None,
        }
    }
}

/// Whether `rest` is where a segment ends: at `/`, `?` or the end of the target (tests).
#[cfg(test)]
fn ends(rest: &[u8]) -> bool {
    matches!(rest.first(), None | Some(b'/' | b'?'))
}

/// Whether the segment starting `s` starts with `literal`, compared as one fixed-size array (a
/// word load or two). That the segment ends there is left to [`Walk::close`], which gives up
/// otherwise (the generator probes a literal before any shorter one that is a prefix of it).
#[inline(always)]
fn literal<const N: usize>(s: &[u8], literal: &[u8; N]) -> bool {
    s.split_first_chunk::<N>()
        .is_some_and(|(head, _)| head == literal)
}

/// What follows the first `N` bytes of `s` (a literal that [`literal`] found there).
#[inline(always)]
fn past<const N: usize>(s: &[u8]) -> &[u8] {
    s.split_first_chunk::<N>().map_or(s, |(_, rest)| rest)
}

/// What follows the segment starting `s` when it starts with a UUID (that it ends there is left
/// to [`Walk::close`]).
#[inline(always)]
fn uuid(s: &[u8]) -> Option<&[u8]> {
    let (id, rest) = s.split_first_chunk::<36>()?;
    is_uuid(id).then_some(rest)
}

/// What follows the segment starting `s` when it starts with 32 hex digits (that it ends there is
/// left to [`Walk::close`]).
#[inline(always)]
fn hex32(s: &[u8]) -> Option<&[u8]> {
    let (id, rest) = s.split_first_chunk::<32>()?;
    is_hex32(id).then_some(rest)
}

impl<'a> Walk<'a> {
    /// What follows segment `position`, which starts `s`, when it is plain bytes (nothing refused),
    /// not empty and not a dot segment; one with a `%` is marked escaped (its value is checked
    /// when it is decoded), and what it ends at is left to [`Walk::close`].
    #[inline(always)]
    fn plain(&mut self, s: &'a [u8], position: usize) -> Option<&'a [u8]> {
        let len = s
            .iter()
            .position(|&b| CLASS[usize::from(b)] != PLAIN)
            .unwrap_or(s.len());
        let (segment, rest) = s.split_at_checked(len)?;
        if rest.first() == Some(&b'%') {
            self.escaped |= 1 << position;
            return Some(past_escaped(rest));
        }
        if matches!(segment, b"" | b"." | b"..") {
            return None;
        }
        Some(rest)
    }
}

/// What follows the plain bytes and `%` at the start of `s` (the rest of a segment with a `%`).
#[cold]
#[inline(never)]
fn past_escaped(s: &[u8]) -> &[u8] {
    let len = s
        .iter()
        .position(|&b| !matches!(CLASS[usize::from(b)], PLAIN | PERCENT))
        .unwrap_or(s.len());
    s.split_at_checked(len).map_or(s, |(_, rest)| rest)
}

/// The segment's plain bytes as [`Walk::plain`] reads them (tests): what follows, or nothing for
/// a segment that the fast path must leave to the matcher.
#[cfg(test)]
fn plain(s: &[u8]) -> Option<&[u8]> {
    let mut w = Walk::new(b"/");
    let rest = w.plain(s, 0)?;
    (w.escaped == 0 && ends(rest)).then_some(rest)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::matrix::ParamFormat;

    /// A byte string of length `n` with bytes drawn mostly from the characters of ids.
    fn id_like(n: usize) -> impl Strategy<Value = Vec<u8>> {
        let byte = prop_oneof![
            4 => proptest::sample::select(b"0123456789abcdefABCDEF-".to_vec()),
            1 => any::<u8>(),
        ];
        proptest::collection::vec(byte, n)
    }

    proptest! {
        #[test]
        fn uuid_agrees_with_the_format(id in id_like(36), tail in any::<u8>()) {
            let chunk: [u8; 36] = id.clone().try_into().unwrap_or([0; 36]);
            let text = std::str::from_utf8(&id).ok();
            prop_assert_eq!(is_uuid(&chunk), text.is_some_and(|t| ParamFormat::Uuid.accepts(t)));
            let mut with_tail = id.clone();
            with_tail.push(tail);
            prop_assert_eq!(uuid(&with_tail).map(<[u8]>::len), is_uuid(&chunk).then_some(1));
            prop_assert_eq!(uuid(&id).is_some(), is_uuid(&chunk));
        }

        #[test]
        fn hex32_agrees_with_the_format(id in id_like(32), tail in any::<u8>()) {
            let chunk: [u8; 32] = id.clone().try_into().unwrap_or([0; 32]);
            let text = std::str::from_utf8(&id).ok();
            prop_assert_eq!(is_hex32(&chunk), text.is_some_and(|t| ParamFormat::Hex32.accepts(t)));
            let mut with_tail = id.clone();
            with_tail.push(tail);
            prop_assert_eq!(hex32(&with_tail).map(<[u8]>::len), is_hex32(&chunk).then_some(1));
        }

    }

    #[test]
    fn literals_are_prefixes_and_close_needs_a_terminator() {
        assert!(literal(b"images", b"images"));
        assert!(literal(b"images/x", b"images"));
        assert!(literal(b"images?x", b"images"));
        assert!(literal(b"imagesx", b"images"));
        let mut w = Walk::new(b"/imagesx");
        assert_eq!(w.close(0, past::<6>(b"imagesx")), None);
        let mut w = Walk::new(b"/images?a=1");
        assert_eq!(w.close(0, past::<6>(b"images?a=1")), Some(true));
        let mut w = Walk::new(b"/images/x");
        assert_eq!(w.close(0, past::<6>(b"images/x")), Some(false));
        assert_eq!((w.count, w.rest(), w.span(0)), (0, &b"x"[..], (1, 7)));
        assert!(!literal(b"image", b"images"));
        assert!(!literal(b"Images", b"images"));
    }

    #[test]
    fn plain_segments_exclude_what_the_matcher_must_judge() {
        assert_eq!(plain(b"env/x"), Some(&b"/x"[..]));
        assert_eq!(plain(b"env?a"), Some(&b"?a"[..]));
        assert_eq!(plain(b"env"), Some(&b""[..]));
        for refused in [
            &b""[..],
            b"/x",
            b".",
            b"../x",
            b"a%2Fb",
            b"a b",
            b"a#b",
            b"\xc3\xa9",
        ] {
            assert_eq!(plain(refused), None, "{:?}", String::from_utf8_lossy(refused));
        }
        assert_eq!(plain(b"..."), Some(&b""[..]));
        assert_eq!(past::<6>(b"images/x"), b"/x");
    }

    #[test]
    fn ids_are_found_in_place() {
        let uuid_id = b"0b3b6d4e-8f0a-4c1e-9a57-3c0b8f6f2d11";
        assert_eq!(uuid(uuid_id), Some(&b""[..]));
        assert_eq!(uuid(&[&uuid_id[..], b"/tags"].concat()), Some(&b"/tags"[..]));
        assert_eq!(uuid(&[&uuid_id[..], b"0"].concat()), Some(&b"0"[..]));
        assert_eq!(uuid(&uuid_id[..35]), None);
        assert_eq!(hex32(b"0123456789ABCDEF0123456789abcdef?x=1"), Some(&b"?x=1"[..]));
        assert_eq!(hex32(b"0123456789abcdef0123456789abcdeg"), None);
    }
}
