//! A routed request: the matched operation and its decoded path parameters, kept inline.

use std::iter::FusedIterator;

use super::target::decode_into;
use crate::matrix::{MAX_PARAMS, Operation};

/// How many bytes of percent-decoded parameter values a [`RouteMatch`] keeps inline (128, in total
/// over its parameters: a tag of 40 CJK characters, percent-encoded, decodes to 120 bytes, still
/// inline); a match whose decoded values need more keeps the rest on the heap.
pub(crate) const DECODED_INLINE: usize = 128;

/// Where a parameter's value is.
#[derive(Debug, Clone)]
pub(super) enum Value<'a> {
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
    /// A match of `operation` without parameters yet.
    #[inline]
    pub(super) fn new(operation: &'static Operation) -> Self {
        RouteMatch {
            operation,
            params: [const { ("", Value::Borrowed("")) }; MAX_PARAMS],
            len: 0,
            decoded: [0; DECODED_INLINE],
            decoded_len: 0,
        }
    }

    /// Adds the next parameter (there is always a free slot: a template has at most [`MAX_PARAMS`]).
    #[inline]
    pub(super) fn push(&mut self, name: &'static str, value: Value<'a>) {
        if let Some(slot) = self.params.get_mut(self.len) {
            *slot = (name, value);
            self.len += 1;
        }
    }

    /// Decodes a well-formed, checked raw value into the inline buffer, or onto the heap when full.
    #[inline]
    pub(super) fn decode(&mut self, raw: &str) -> Value<'a> {
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
    #[inline]
    pub(super) fn text<'s>(&'s self, value: &'s Value<'a>) -> &'s str {
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
