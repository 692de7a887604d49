//! Where percent-decoded parameter values go: a buffer the caller provides ([`RouteBuffer`]), or an
//! owned copy when there is none or it is full.

use std::borrow::Cow;
use std::ops::Range;

use super::target::decode_into;

/// Room for the percent-decoded parameter values of one routed request, provided by the caller of
/// [`Router::route_in`](crate::Router::route_in) so that routing allocates nothing even when a value
/// has to be decoded.
///
/// It holds [`RouteBuffer::CAPACITY`] bytes of decoded values per request (a tag of 43 CJK
/// characters, percent-encoded, decodes to 129 bytes); a request whose decoded values need more
/// keeps them in an owned copy instead. Values that need no decoding are never copied: they borrow
/// the target. The buffer is borrowed by the match for as long as the match lives, and can be reused
/// for the next request.
///
/// ```
/// use ims_iam::{RouteBuffer, Router};
///
/// let router = Router::default();
/// let mut buffer = RouteBuffer::default();
/// let m = router
///     .route_in("PUT", "/v2/images/0b3b6d4e-8f0a-4c1e-9a57-3c0b8f6f2d11/tags/a%2Fb", &mut buffer)
///     .unwrap();
/// assert_eq!(m.param("tag"), Some("a/b"));
/// ```
#[derive(Clone)]
pub struct RouteBuffer {
    bytes: [u8; RouteBuffer::CAPACITY],
}

impl RouteBuffer {
    /// How many bytes of decoded parameter values one request keeps in the buffer (256).
    ///
    /// ```
    /// assert_eq!(ims_iam::RouteBuffer::CAPACITY, 256);
    /// ```
    pub const CAPACITY: usize = 256;

    /// The buffer's bytes, to decode into.
    pub(super) fn bytes(&mut self) -> &mut [u8] {
        &mut self.bytes
    }
}

impl Default for RouteBuffer {
    fn default() -> Self {
        RouteBuffer {
            bytes: [0; RouteBuffer::CAPACITY],
        }
    }
}

impl std::fmt::Debug for RouteBuffer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RouteBuffer")
            .field("capacity", &RouteBuffer::CAPACITY)
            .finish_non_exhaustive()
    }
}

/// The decoded values of one match while it is bound: in the caller's buffer while they fit, then in
/// an owned copy (which takes what the buffer held, so that every value stays where its range says).
pub(super) struct Decoded<'a> {
    buffer: &'a mut [u8],
    used: usize,
    owned: Option<Vec<u8>>,
}

impl<'a> Decoded<'a> {
    /// Decoded values go into `buffer` while they fit (an empty one: always owned).
    #[inline(always)]
    pub(super) fn new(buffer: &'a mut [u8]) -> Self {
        Decoded {
            buffer,
            used: 0,
            owned: None,
        }
    }

    /// Percent-decodes `raw` (escapes checked well-formed) after the values so far; returns where
    /// its value is.
    pub(super) fn push(&mut self, raw: &[u8]) -> Range<usize> {
        // Each escape is three raw bytes for one decoded byte.
        let len = raw
            .len()
            .saturating_sub(2 * raw.iter().filter(|&&b| b == b'%').count());
        let start = self.used;
        if self.owned.is_none() {
            if let Some(out) = self.buffer.get_mut(start..start + len) {
                self.used += decode_into(raw, out);
                return start..self.used;
            }
            // Past the buffer: everything goes into an owned copy from now on.
            self.owned = Some(self.buffer.get(..start).unwrap_or_default().to_vec());
        }
        let owned = self.owned.get_or_insert_with(Vec::new);
        let start = owned.len();
        owned.resize(start + len, 0);
        let len = owned.get_mut(start..).map_or(0, |out| decode_into(raw, out));
        owned.truncate(start + len);
        start..start + len
    }

    /// The bytes of a value that [`Decoded::push`] placed.
    pub(super) fn get(&self, range: Range<usize>) -> &[u8] {
        match &self.owned {
            Some(owned) => owned.get(range),
            None => self.buffer.get(range),
        }
        .unwrap_or_default()
    }

    /// The decoded values, one after the other (each was checked to be UTF-8 when the path was
    /// read, so the whole is).
    pub(super) fn finish(self) -> Cow<'a, str> {
        let Decoded { buffer, used, owned } = self;
        match owned {
            Some(owned) => Cow::Owned(String::from_utf8(owned).unwrap_or_default()),
            None => {
                let buffer: &'a [u8] = buffer;
                Cow::Borrowed(std::str::from_utf8(buffer.get(..used).unwrap_or_default()).unwrap_or_default())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_stay_in_the_buffer_while_they_fit_then_move_to_an_owned_copy() {
        let mut bytes = [0u8; 8];
        let mut decoded = Decoded::new(&mut bytes);
        let a = decoded.push(b"a%2Fb");
        assert_eq!(decoded.get(a.clone()), b"a/b");
        let b = decoded.push(b"cd%3De");
        assert_eq!(decoded.get(b.clone()), b"cd=e");
        let c = decoded.push(b"long-value");
        assert_eq!(decoded.get(a.clone()), b"a/b");
        let text = decoded.finish();
        assert!(matches!(text, Cow::Owned(_)));
        assert_eq!(&text[a], "a/b");
        assert_eq!(&text[b], "cd=e");
        assert_eq!(&text[c], "long-value");

        // A value needs room for its decoded length only.
        let mut bytes = [0u8; 3];
        let mut decoded = Decoded::new(&mut bytes);
        let a = decoded.push(b"%E7%8E%AF");
        let text = decoded.finish();
        assert!(matches!(text, Cow::Borrowed(_)));
        assert_eq!(&text[a], "环");
    }

    #[test]
    fn without_a_buffer_values_are_owned() {
        let mut decoded = Decoded::new(&mut []);
        let a = decoded.push(b"x%20y");
        assert_eq!(&decoded.finish()[a], "x y");
    }
}
