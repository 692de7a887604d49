//! The one-pass matcher: one walk over the target's bytes checks them (rule 2), splits the path
//! (rule 4), narrows the method's templates segment by segment (rules 5 and 6, with the decisions
//! that `build.rs` generates into `route_matcher.rs`) and keeps where each segment ends; the winner's
//! parameters are then checked (rule 7) and captured as spans of the target.

use super::buffer::Decoded;
use super::target::{
    CLASS, MAX_TARGET_LEN, PERCENT, QUERY, SLASH, check_segment, first_refused, next_special, path_of,
    refused,
};
use super::{RouteError, RouteMatch};
use crate::matrix::{Cloud, MAX_SEGMENTS, Method, Operation, ParamFormat, Segment};
use crate::quote::excerpt;

include!(concat!(env!("OUT_DIR"), "/route_matcher.rs"));

/// Routes `target` among the templates of `method` in the table of `cloud` (rules 2 to 7); decoded
/// values go into `buffer` while they fit, then into an owned copy.
#[inline]
pub(super) fn route<'a>(
    method: Method,
    target: &'a str,
    check_formats: bool,
    cloud: Cloud,
    buffer: &'a mut [u8],
) -> Result<RouteMatch<'a>, RouteError> {
    let bytes = target.as_bytes();
    if bytes.first() != Some(&b'/') || bytes.len() > MAX_TARGET_LEN {
        return Err(refuse_target(target));
    }
    let m = method as usize;
    // The templates that every segment so far can be, as bits in routing order.
    let mut candidates = u64::MAX;
    // Where each of the first `MAX_SEGMENTS` segments ends; segment `k` starts after the `/` that
    // ends segment `k - 1` (the first, at byte 1).
    let mut ends = [0u16; MAX_SEGMENTS];
    let mut escaped_segments = 0u8;
    let mut count = 0;
    let mut start = 1;
    let mut escaped = false;
    let mut i = 1;
    loop {
        let j = next_special(bytes, i).unwrap_or(bytes.len());
        let class = bytes.get(j).map_or(QUERY, |&b| CLASS[usize::from(b)]);
        if class == PERCENT {
            escaped = true;
            i = j + 1;
            continue;
        }
        if class != SLASH && class != QUERY {
            return Err(refused(bytes, j));
        }
        // The end of a segment, unless the path is the root (`/`, `/?...`).
        if class == SLASH || j > 1 {
            let segment = bytes.get(start..j).unwrap_or_default();
            if escaped || matches!(segment, b"" | b"." | b"..") {
                let raw = target.get(start..j).unwrap_or_default();
                if let Err(e) = check_segment(raw, escaped, count + 1, start) {
                    // The first failing segment is reported, unless a refused byte follows.
                    return Err(first_refused(bytes, j).map_or(e, |k| refused(bytes, k)));
                }
            }
            if let (Some(end), Some(&params), Ok(end_offset)) =
                (ends.get_mut(count), PARAM_AT[m].get(count), u16::try_from(j))
            {
                *end = end_offset;
                escaped_segments |= u8::from(escaped) << count;
                candidates &= params | literal_at(m, count, segment);
            }
            count += 1;
        }
        if class == SLASH {
            start = j + 1;
            escaped = false;
            i = j + 1;
            continue;
        }
        // The end of the path: a query is only checked for refused bytes.
        if j < bytes.len() {
            if let Some(k) = first_refused(bytes, j) {
                return Err(refused(bytes, k));
            }
        }
        break;
    }
    candidates &= WITH_LEN[m].get(count).copied().unwrap_or(0);
    let operation = ORDER[m]
        .get(candidates.trailing_zeros() as usize)
        .and_then(|&index| cloud.operations().get(usize::from(index)));
    let Some(operation) = operation else {
        return Err(RouteError::NotFound {
            method,
            path: excerpt(path_of(target)),
        });
    };
    let segments = Segments {
        ends: &ends,
        escaped: escaped_segments,
    };
    bind(operation, target, segments, check_formats, buffer)
}

/// Where the segments of a routed path end, and which have a `%`.
#[derive(Clone, Copy)]
struct Segments<'e> {
    ends: &'e [u16; MAX_SEGMENTS],
    escaped: u8,
}

/// The error of a target that is empty, too long or not absolute (rule 2).
#[cold]
#[inline(never)]
fn refuse_target(target: &str) -> RouteError {
    if target.is_empty() {
        RouteError::EmptyTarget
    } else if target.len() > MAX_TARGET_LEN {
        RouteError::TooLong {
            len: target.len(),
            max: MAX_TARGET_LEN,
        }
    } else {
        RouteError::NotAbsolute {
            start: excerpt(target),
        }
    }
}

/// Captures the parameters of `operation`, whose segments end at `ends`, checking their formats.
#[inline(always)]
fn bind<'a>(
    operation: &'static Operation,
    target: &'a str,
    segments: Segments<'_>,
    check_formats: bool,
    buffer: &'a mut [u8],
) -> Result<RouteMatch<'a>, RouteError> {
    let mut m = RouteMatch::new(operation, target);
    if segments.escaped != 0 {
        return bind_escaped(m, target, segments, check_formats, buffer);
    }
    let mut start = 1;
    for (position, (segment, &end)) in operation.segments().iter().zip(segments.ends).enumerate() {
        let end = usize::from(end);
        if let Segment::Param(name, format) = *segment {
            let raw = target.get(start..end).unwrap_or_default();
            if !check_formats || format.accepts(raw) {
                m.push_raw(start, end);
            } else {
                return Err(invalid_param(operation, raw, (name, format, position, start)));
            }
        }
        start = end + 1;
    }
    Ok(m)
}

/// A parameter: its name and format, its segment's position and where that starts.
type ParamAt = (&'static str, ParamFormat, usize, usize);

/// [`bind`] for a path with a `%`: parameters with one are decoded (checked well-formed, UTF-8) into
/// `buffer` while it has room, then into an owned copy, and their decoded values checked.
#[cold]
#[inline(never)]
fn bind_escaped<'a>(
    mut m: RouteMatch<'a>,
    target: &'a str,
    segments: Segments<'_>,
    check_formats: bool,
    buffer: &'a mut [u8],
) -> Result<RouteMatch<'a>, RouteError> {
    let operation = m.operation();
    let mut decoded = Decoded::new(buffer);
    let mut start = 1;
    for (position, (segment, &end)) in operation.segments().iter().zip(segments.ends).enumerate() {
        let end = usize::from(end);
        if let Segment::Param(name, format) = *segment {
            let raw = target.get(start..end).unwrap_or_default();
            let param = (name, format, position, start);
            if segments.escaped >> position & 1 == 1 {
                let range = decoded.push(raw.as_bytes());
                let text = std::str::from_utf8(decoded.get(range.clone())).unwrap_or_default();
                if check_formats && !format.accepts(text) {
                    return Err(invalid_param(operation, text, param));
                }
                m.push_decoded(range);
            } else if !check_formats || format.accepts(raw) {
                m.push_raw(start, end);
            } else {
                return Err(invalid_param(operation, raw, param));
            }
        }
        start = end + 1;
    }
    m.set_decoded(decoded.finish());
    Ok(m)
}

/// The error of a parameter whose (decoded) value `text` does not have its format.
#[cold]
#[inline(never)]
fn invalid_param(
    operation: &'static Operation,
    text: &str,
    (name, format, position, start): ParamAt,
) -> RouteError {
    RouteError::InvalidParam {
        param: name,
        operation: operation.to_string(),
        expected: format.describe(),
        value: excerpt(text),
        segment: position + 1,
        offset: start,
    }
}
