//! The previous router, kept for the tests as the reference that the generated matcher is compared
//! with: it checks the whole target into a table of segments, then tries the method's templates with
//! as many segments in priority order, comparing literals, then binds and checks the parameters.

use super::RouteError;
use super::target::{
    CLASS, MAX_TARGET_LEN, PERCENT, QUERY, REFUSED, SLASH, check_segment, decode_into, next_special, path_of,
    refused,
};
use crate::matrix::{self, Cloud, MAX_SEGMENTS, Method, Operation, Segment};
use crate::quote::excerpt;

/// What the reference router decides: the row and its decoded parameters, or the error.
pub(super) type Outcome = Result<(&'static Operation, Vec<(&'static str, String)>), RouteError>;

/// Routes like the previous router did.
pub(super) fn route(method: &str, target: &str, check_formats: bool, cloud: Cloud) -> Outcome {
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
    let Some(segments) = path.segments() else {
        return Err(not_found());
    };
    for operation in matrix::routes_with_len(method, segments.len())
        .iter()
        .filter_map(|&i| matrix::operation_at(cloud, i))
    {
        let template = operation.segments();
        let literals_match = template.iter().zip(segments).all(|(t, s)| match t {
            Segment::Literal(literal) => literal.as_bytes() == s.raw.as_bytes(),
            Segment::Param(..) => true,
        });
        if literals_match {
            return bind(operation, segments, check_formats);
        }
    }
    Err(not_found())
}

fn bind(operation: &'static Operation, segments: &[RawSegment<'_>], check_formats: bool) -> Outcome {
    let mut params = Vec::new();
    for (number, (t, s)) in operation.segments().iter().zip(segments).enumerate() {
        let Segment::Param(name, format) = *t else {
            continue;
        };
        let text = if s.escaped {
            let mut out = vec![0; s.raw.len()];
            let len = decode_into(s.raw.as_bytes(), &mut out);
            out.truncate(len);
            String::from_utf8_lossy(&out).into_owned()
        } else {
            s.raw.to_owned()
        };
        if check_formats && !format.accepts(&text) {
            return Err(RouteError::InvalidParam {
                param: name,
                operation: operation.to_string(),
                expected: format.describe(),
                value: excerpt(&text),
                segment: number + 1,
                offset: s.offset,
            });
        }
        params.push((name, text));
    }
    Ok((operation, params))
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
    #[inline]
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
        let refused = |offset: usize| refused(bytes, offset);
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
    fn segments(&self) -> Option<&[RawSegment<'a>]> {
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
        match check_segment(raw, escaped, segment, start) {
            Ok(()) => Some(RawSegment {
                raw,
                offset: start,
                escaped,
            }),
            Err(e) => {
                *error = Some(e);
                None
            }
        }
    }
}
