//! A routed request: the matched operation and where its parameter values are.

use std::borrow::Cow;
use std::iter::FusedIterator;
use std::ops::Range;

use super::matcher::NAMED_PARAMS;
use crate::matrix::{MAX_PARAMS, Operation};

/// Where one parameter's value is: `start..end` of the source text, or of the decoded values.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Span {
    pub(super) start: u16,
    pub(super) end: u16,
    pub(super) decoded: bool,
}

impl Span {
    /// The span of `range` (targets and decoded values are at most `MAX_TARGET_LEN` bytes, so
    /// offsets fit in `u16`).
    #[inline(always)]
    fn of(range: Range<usize>, decoded: bool) -> Self {
        Span {
            start: u16::try_from(range.start).unwrap_or_default(),
            end: u16::try_from(range.end).unwrap_or_default(),
            decoded,
        }
    }
}

/// A routed request: the documented API and its decoded path parameters.
///
/// Parameter values borrow the target unless they had to be percent-decoded; decoded values live in
/// the caller's [`RouteBuffer`](crate::RouteBuffer) ([`Router::route_in`](crate::Router::route_in)),
/// or in an owned copy ([`route`](crate::route())), so routing allocates nothing unless a value has a
/// `%` and there is no buffer for it.
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
    /// The decoded values, one after the other: empty unless some value has a `%`.
    decoded: Cow<'a, str>,
    spans: [Span; MAX_PARAMS],
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
            decoded: Cow::Borrowed(""),
            spans: [Span::default(); MAX_PARAMS],
            len: 0,
        }
    }

    /// A match of `operation` in `target` whose `len` parameters are the spans `spans` of the target.
    #[inline(always)]
    pub(super) fn with_spans(
        operation: &'static Operation,
        target: &'a str,
        spans: [(u16, u16); MAX_PARAMS],
        len: u8,
    ) -> Self {
        RouteMatch {
            operation,
            source: Cow::Borrowed(target),
            decoded: Cow::Borrowed(""),
            spans: spans.map(|(start, end)| Span {
                start,
                end,
                decoded: false,
            }),
            len,
        }
    }

    /// Adds the next parameter, `start..end` of the target (there is always a free slot: a template
    /// has at most [`MAX_PARAMS`]).
    #[inline(always)]
    pub(super) fn push_raw(&mut self, start: usize, end: usize) {
        self.push(Span::of(start..end, false));
    }

    /// Adds the next parameter, whose value is `range` of the decoded values (given by
    /// [`RouteMatch::set_decoded`] once all are decoded).
    #[cold]
    pub(super) fn push_decoded(&mut self, range: Range<usize>) {
        self.push(Span::of(range, true));
    }

    /// Sets the decoded values that the spans of [`RouteMatch::push_decoded`] point into.
    #[cold]
    pub(super) fn set_decoded(&mut self, decoded: Cow<'a, str>) {
        self.decoded = decoded;
    }

    #[inline(always)]
    fn push(&mut self, span: Span) {
        if let Some(slot) = self.spans.get_mut(usize::from(self.len)) {
            *slot = span;
            self.len += 1;
        }
    }

    /// The text of a value.
    #[inline]
    fn text(&self, span: Span) -> &str {
        let range = usize::from(span.start)..usize::from(span.end);
        let text = if span.decoded { &self.decoded } else { &self.source };
        text.get(range).unwrap_or_default()
    }

    /// The value of parameter number `i` (from 0, in template order), if the template has it.
    #[inline]
    fn nth(&self, i: usize) -> Option<&str> {
        let span = *self.spans.get(i).filter(|_| i < usize::from(self.len))?;
        Some(self.text(span))
    }

    /// The value of the parameter that [`NAMED_PARAMS`] places at `which` (0: `project_id`, 1:
    /// `image_id`): a table read, no name compared.
    #[inline]
    fn named(&self, which: usize) -> Option<&str> {
        let i = *NAMED_PARAMS.get(self.operation.index())?.get(which)?;
        self.nth(usize::from(i))
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
        self.nth(names.iter().position(|n| *n == name)?)
    }

    /// The `{project_id}` of the path, if the template has one.
    ///
    /// ```
    /// let m = ims_iam::route("GET", "/v2/images").unwrap();
    /// assert_eq!(m.project_id(), None);
    /// ```
    #[inline]
    pub fn project_id(&self) -> Option<&str> {
        self.named(0)
    }

    /// The `{image_id}` of the path, if the template has one.
    ///
    /// ```
    /// let m = ims_iam::route("GET", "/v2/images/0b3b6d4e-8f0a-4c1e-9a57-3c0b8f6f2d11").unwrap();
    /// assert_eq!(m.image_id(), Some("0b3b6d4e-8f0a-4c1e-9a57-3c0b8f6f2d11"));
    /// ```
    #[inline]
    pub fn image_id(&self) -> Option<&str> {
        self.named(1)
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
            let start = source.len();
            source.push_str(self.text(*span));
            *span = Span::of(start..source.len(), false);
        }
        RouteMatch {
            operation: self.operation,
            source: Cow::Owned(source),
            decoded: Cow::Borrowed(""),
            spans,
            len: self.len,
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The match is moved on every routed request: it holds spans and two texts, no buffer.
    #[test]
    fn a_match_stays_small() {
        assert_eq!(std::mem::size_of::<RouteMatch<'_>>(), 80);
    }
}
