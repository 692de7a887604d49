//! A small, fast, non-cryptographic hash for the compiled set's own tables (condition key names,
//! indexed condition values): FxHash's mixing step over a byte string, 8 bytes at a time. The tables
//! hold only names and values written in policies, and every lookup compares the candidate in full,
//! so a collision costs a comparison, never a wrong answer.
//!
//! [`hash_folded`] hashes the UTF-8 bytes of a text's simple case folding (crate::fold) without
//! building it: two texts equal after folding hash alike.

use crate::fold::folded;

/// FxHash's multiplier.
pub(crate) const K: u64 = 0x51_7c_c1_b7_27_22_0a_95;

#[inline]
fn mix(h: u64, x: u64) -> u64 {
    (h.rotate_left(5) ^ x).wrapping_mul(K)
}

/// 8 bytes as a little-endian word.
#[inline]
pub(crate) fn word(chunk: &[u8]) -> u64 {
    <[u8; 8]>::try_from(chunk).map_or(0, u64::from_le_bytes)
}

/// Fewer than 8 bytes as a little-endian word, zero-padded (two overlapping reads, no loop).
#[inline]
pub(crate) fn tail(b: &[u8]) -> u64 {
    let n = b.len();
    let u32_at = |i: usize| {
        b.get(i..i + 4)
            .and_then(|s| <[u8; 4]>::try_from(s).ok())
            .map_or(0, u32::from_le_bytes)
    };
    let byte = |i: usize| b.get(i).map_or(0, |&x| u64::from(x));
    if n >= 4 {
        u64::from(u32_at(0)) | u64::from(u32_at(n - 4)) << (8 * (n - 4))
    } else if n > 0 {
        byte(0) | byte(n / 2) << (8 * (n / 2)) | byte(n - 1) << (8 * (n - 1))
    } else {
        0
    }
}

/// Where hash `h` starts its probe in a table of `mask + 1` places (a power of two): the high
/// bits, which the final multiplication mixes best.
#[inline]
pub(crate) fn place(h: u64, mask: usize) -> usize {
    (h >> 32) as usize & mask
}

/// ASCII letters of a word of ASCII bytes lowercased (SWAR: no carry crosses a byte below 0x80).
#[inline]
pub(crate) fn lower_ascii(w: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    let at_least_a = w.wrapping_add(ONES * 0x3f); // bit 7 set where byte >= b'A'
    let past_z = w.wrapping_add(ONES * 0x25); // bit 7 set where byte > b'Z'
    let upper = at_least_a & !past_z & (ONES * 0x80);
    w | (upper >> 2)
}

/// The hash of `bytes`, under `seed`.
#[inline]
pub(crate) fn hash_bytes(seed: u64, bytes: &[u8]) -> u64 {
    let mut h = mix(0, seed);
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        h = mix(h, word(chunk));
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        h = mix(h, tail(rest));
    }
    mix(h, bytes.len() as u64)
}

/// The hash of the simple case folding of `text` (as UTF-8 bytes), under `seed`: equal to
/// [`hash_bytes`] of the folded text.
#[inline]
pub(crate) fn hash_folded(seed: u64, text: &str) -> u64 {
    if text.is_ascii() {
        return hash_ascii_folded(seed, text.as_bytes());
    }
    let mut stream = Stream {
        h: mix(0, seed),
        word: 0,
        filled: 0,
        len: 0,
    };
    let mut buf = [0u8; 4];
    for c in folded(text) {
        for &b in c.encode_utf8(&mut buf).as_bytes() {
            stream.byte(b);
        }
    }
    stream.finish()
}

/// [`hash_folded`] of ASCII `bytes`.
#[inline(always)]
pub(crate) fn hash_ascii_folded(seed: u64, bytes: &[u8]) -> u64 {
    let mut h = mix(0, seed);
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        h = mix(h, lower_ascii(word(chunk)));
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        h = mix(h, lower_ascii(tail(rest)));
    }
    mix(h, bytes.len() as u64)
}

/// [`hash_bytes`] fed one byte at a time.
struct Stream {
    h: u64,
    word: u64,
    filled: u32,
    len: u64,
}

impl Stream {
    fn byte(&mut self, b: u8) {
        self.word |= u64::from(b) << (8 * self.filled);
        self.filled += 1;
        self.len += 1;
        if self.filled == 8 {
            self.h = mix(self.h, self.word);
            self.word = 0;
            self.filled = 0;
        }
    }

    fn finish(self) -> u64 {
        let h = if self.filled > 0 {
            mix(self.h, self.word)
        } else {
            self.h
        };
        mix(h, self.len)
    }
}

/// Whether ASCII `text` equals `folded_key` (an ASCII, already folded name) after folding, 8 bytes
/// at a time.
#[inline]
pub(crate) fn eq_ascii_folded(text: &[u8], folded_key: &[u8]) -> bool {
    if text.len() != folded_key.len() {
        return false;
    }
    let mut a = text.chunks_exact(8);
    let mut b = folded_key.chunks_exact(8);
    for (x, y) in (&mut a).zip(&mut b) {
        if lower_ascii(word(x)) != word(y) {
            return false;
        }
    }
    lower_ascii(tail(a.remainder())) == tail(b.remainder())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fold::eq_folded;
    use proptest::prelude::*;

    #[test]
    fn ascii_lowercasing_word_at_a_time() {
        let all: Vec<u8> = (0u8..128).collect();
        for chunk in all.chunks(8) {
            let expected: Vec<u8> = chunk.iter().map(u8::to_ascii_lowercase).collect();
            assert_eq!(lower_ascii(word(chunk)), word(&expected), "{chunk:?}");
        }
    }

    #[test]
    fn tails_are_zero_padded_little_endian_words() {
        let bytes = b"abcdefg";
        for n in 0..8 {
            let mut buf = [0u8; 8];
            buf[..n].copy_from_slice(&bytes[..n]);
            assert_eq!(tail(&bytes[..n]), u64::from_le_bytes(buf), "{n}");
        }
    }

    #[test]
    fn texts_equal_after_folding_hash_alike() {
        for (a, b) in [
            ("g:UserName", "G:USERNAME"),
            ("\u{212A}elvin", "kelvin"),
            ("ΟΔΟΣ", "οδος"),
            (
                "a-rather-long-condition-key-name",
                "A-RATHER-LONG-CONDITION-KEY-NAME",
            ),
        ] {
            assert!(eq_folded(a, b));
            assert_eq!(hash_folded(3, a), hash_folded(3, b), "{a} {b}");
            let f: String = folded(a).collect();
            assert_eq!(hash_folded(3, a), hash_bytes(3, f.as_bytes()), "{a}");
        }
        assert_ne!(hash_bytes(1, b"x"), hash_bytes(2, b"x"), "the seed counts");
    }

    proptest! {
        #[test]
        fn folded_hash_and_comparison_agree_with_folding(a in "[a-zA-Z0-9:/_\u{212A}ΣσςK-]{0,20}", b in "[a-zA-Z0-9:/_\u{212A}ΣσςK-]{0,20}") {
            let fa: String = folded(&a).collect();
            prop_assert_eq!(hash_folded(7, &a), hash_bytes(7, fa.as_bytes()));
            if eq_folded(&a, &b) {
                prop_assert_eq!(hash_folded(7, &a), hash_folded(7, &b));
            }
            if a.is_ascii() && b.is_ascii() {
                let fb: String = folded(&b).collect();
                prop_assert_eq!(eq_ascii_folded(a.as_bytes(), fb.as_bytes()), eq_folded(&a, &b));
            }
        }
    }
}
