//! A routed request: the matched operation and where its parameter values are.

use std::borrow::Cow;
use std::iter::FusedIterator;

use crate::matrix::{MAX_PARAMS, Operation};

/// How many bytes of percent-decoded parameter values a [`RouteMatch`] keeps inline (128, in total
/// over its parameters: a tag of 40 CJK characters, percent-encoded, decodes to 120 bytes, still
/// inline); a match whose decoded values need more keeps them on the heap.
pub(crate) const DECODED_INLINE: usize = 128;

/// Where one parameter's value is: `start..end` of the source text, or of the inline buffer of
/// decoded values.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Span {
    pub(super) start: u16,
    pub(super) end: u16,
    pub(super) decoded: bool,
}

/// A routed request: the documented API and its decoded path parameters.
///
/// Parameter values borrow the target unless they had to be percent-decoded; decoded values are kept
/// inline, up to 128 bytes in total, so routing allocates nothing in the common case.
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
    /// The text the undecoded values are spans of: the target (borrowed), or an owned copy.
    source: Cow<'a, str>,
    spans: [Span; MAX_PARAMS],
    len: u8,
    /// The decoded values, only written when some value has a `%`.
    decoded: Decoded,
}

/// The inline buffer of decoded values, and how much of it is used.
#[derive(Clone)]
pub(super) struct Decoded {
    bytes: [u8; DECODED_INLINE],
    len: u8,
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
    /// A match of `operation` in `target`, without parameters yet.
    #[inline(always)]
    pub(super) fn new(operation: &'static Operation, target: &'a str) -> Self {
        RouteMatch {
            operation,
            source: Cow::Borrowed(target),
            spans: [Span::default(); MAX_PARAMS],
            len: 0,
            decoded: Decoded {
                bytes: [0; DECODED_INLINE],
                len: 0,
            },
        }
    }

    /// Adds the next parameter, `start..end` of the target (there is always a free slot: a template
    /// has at most [`MAX_PARAMS`]).
    #[inline(always)]
    pub(super) fn push_raw(&mut self, start: usize, end: usize) {
        self.push(Span {
            start: u16::try_from(start).unwrap_or_default(),
            end: u16::try_from(end).unwrap_or_default(),
            decoded: false,
        });
    }

    #[inline(always)]
    fn push(&mut self, span: Span) {
        if let Some(slot) = self.spans.get_mut(usize::from(self.len)) {
            *slot = span;
            self.len += 1;
        }
    }

    /// Adds the next parameter, whose value is `decoded` (the percent-decoding of a checked raw
    /// segment): inline while the buffer has room, else in an owned copy of the source.
    #[cold]
    pub(super) fn push_decoded(&mut self, decoded: &str) {
        let start = usize::from(self.decoded.len);
        let end = start + decoded.len();
        if let (Some(out), Ok(len)) = (self.decoded.bytes.get_mut(start..end), u8::try_from(end)) {
            out.copy_from_slice(decoded.as_bytes());
            self.decoded.len = len;
            self.push(Span {
                start: u16::try_from(start).unwrap_or_default(),
                end: u16::try_from(end).unwrap_or_default(),
                decoded: true,
            });
            return;
        }
        // Past the inline buffer: the value goes after the source, in an owned copy of it (targets
        // and decoded values are at most `MAX_TARGET_LEN` bytes each, so spans fit in `u16`).
        let mut owned = std::mem::take(&mut self.source).into_owned();
        let start = owned.len();
        owned.push_str(decoded);
        let end = owned.len();
        self.source = Cow::Owned(owned);
        self.push(Span {
            start: u16::try_from(start).unwrap_or_default(),
            end: u16::try_from(end).unwrap_or_default(),
            decoded: false,
        });
    }

    /// The text of a value.
    #[inline]
    fn text(&self, span: Span) -> &str {
        let range = usize::from(span.start)..usize::from(span.end);
        if span.decoded {
            // Decoded values were checked to be UTF-8 when the path was read.
            self.decoded
                .bytes
                .get(range)
                .and_then(|bytes| std::str::from_utf8(bytes).ok())
                .unwrap_or_default()
        } else {
            self.source.get(range).unwrap_or_default()
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
            names: self.operation.param_name_list(),
            front: 0,
            back: self.len,
        }
    }

    /// The decoded value of the parameter `name`, if the template has one.
    pub fn param(&self, name: &str) -> Option<&str> {
        let names = self.operation.param_name_list();
        let i = names.iter().position(|n| *n == name)?;
        let span = *self.spans.get(i).filter(|_| i < usize::from(self.len))?;
        Some(self.text(span))
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
        // Only the values are kept, one after the other, not the whole target.
        let mut source = String::new();
        let mut spans = self.spans;
        for span in spans.iter_mut().take(usize::from(self.len)) {
            if !span.decoded {
                let start = source.len();
                source.push_str(self.text(*span));
                span.start = u16::try_from(start).unwrap_or_default();
                span.end = u16::try_from(source.len()).unwrap_or_default();
            }
        }
        RouteMatch {
            operation: self.operation,
            source: Cow::Owned(source),
            spans,
            len: self.len,
            decoded: self.decoded,
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
#[derive(Clone)]
pub struct Params<'m> {
    m: &'m RouteMatch<'m>,
    names: &'static [&'static str],
    front: u8,
    back: u8,
}

impl std::fmt::Debug for Params<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.clone()).finish()
    }
}

impl<'m> Params<'m> {
    fn item(&self, i: u8) -> Option<(&'static str, &'m str)> {
        let m = self.m;
        let span = *m.spans.get(usize::from(i))?;
        Some((*self.names.get(usize::from(i))?, m.text(span)))
    }
}

impl<'m> Iterator for Params<'m> {
    type Item = (&'static str, &'m str);

    fn next(&mut self) -> Option<Self::Item> {
        if self.front >= self.back {
            return None;
        }
        let item = self.item(self.front);
        self.front += 1;
        item
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = usize::from(self.back - self.front);
        (n, Some(n))
    }
}

impl DoubleEndedIterator for Params<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        if self.front >= self.back {
            return None;
        }
        self.back -= 1;
        self.item(self.back)
    }
}

impl ExactSizeIterator for Params<'_> {}

impl FusedIterator for Params<'_> {}
