//! The one-pass matcher: one walk over the target's bytes checks them (rule 2), splits the path
//! (rule 4), narrows the method's templates segment by segment (rules 5 and 6, with the decisions
//! that `build.rs` generates into `route_matcher.rs`) and keeps where each segment ends; the winner's
//! parameters are then checked (rule 7) and captured as spans of the target.

use super::target::{
    CLASS, MAX_TARGET_LEN, PERCENT, QUERY, SLASH, check_segment, decode_into, first_refused, next_special,
    path_of, refused,
};
use super::{RouteError, RouteMatch};
use crate::matrix::{Cloud, MAX_SEGMENTS, Method, Operation, ParamFormat, Segment};
use crate::quote::excerpt;

include!(concat!(env!("OUT_DIR"), "/route_matcher.rs"));

/// Routes `target` among the templates of `method` in the table of `cloud` (rules 2 to 7).
#[inline]
pub(super) fn route<'a>(
    method: Method,
    target: &'a str,
    check_formats: bool,
    cloud: Cloud,
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
    bind(operation, target, &ends, escaped_segments, check_formats)
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
    ends: &[u16; MAX_SEGMENTS],
    escaped_segments: u8,
    check_formats: bool,
) -> Result<RouteMatch<'a>, RouteError> {
    let mut m = RouteMatch::new(operation, target);
    let mut start = 1;
    for (position, (segment, &end)) in operation.segments().iter().zip(ends).enumerate() {
        let end = usize::from(end);
        if let Segment::Param(name, format) = *segment {
            let raw = target.get(start..end).unwrap_or_default();
            if escaped_segments >> position & 1 == 1 {
                bind_escaped(&mut m, raw, check_formats, (name, format, position, start))?;
            } else if !check_formats || format.accepts(raw) {
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

/// Decodes a parameter with a `%` (checked well-formed, UTF-8), checks and keeps the decoded value.
#[cold]
#[inline(never)]
fn bind_escaped(
    m: &mut RouteMatch<'_>,
    raw: &str,
    check_formats: bool,
    param: ParamAt,
) -> Result<(), RouteError> {
    // The decoded value is never longer than the raw one: short values decode on the stack.
    let mut scratch = [0u8; 256];
    let mut long = Vec::new();
    let out: &mut [u8] = match scratch.get_mut(..raw.len()) {
        Some(out) => out,
        None => {
            long.resize(raw.len(), 0);
            &mut long
        }
    };
    let len = decode_into(raw.as_bytes(), out);
    let text = std::str::from_utf8(out.get(..len).unwrap_or_default()).unwrap_or_default();
    if check_formats && !param.1.accepts(text) {
        return Err(invalid_param(m.operation(), text, param));
    }
    m.push_decoded(text);
    Ok(())
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
