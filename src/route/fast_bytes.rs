//! The fast path's query check: refused bytes tested 8 at a time (SWAR on `u64`). (Its id checks
//! are the formats' own, in `matrix::ids`.)

use super::target::{CLASS, REFUSED};

/// Whether a query (after its `?`) has no refused byte: 8 bytes at a time, then the rest by class.
#[inline]
pub(super) fn query_ok(query: &[u8]) -> bool {
    let mut words = query.chunks_exact(8);
    for word in &mut words {
        let word = word.try_into().map_or(u64::MAX, u64::from_le_bytes);
        if refused_in(word) {
            return false;
        }
    }
    words
        .remainder()
        .iter()
        .all(|&b| CLASS[usize::from(b)] != REFUSED)
}

/// Whether some byte of `word` is refused: a control or a space (below 0x21), DEL or not ASCII
/// (above 0x7e), `#` or `\`. Each test is exact as a whole (a borrow or carry can only mark bytes
/// above one that is already marked).
#[inline(always)]
fn refused_in(word: u64) -> bool {
    const ONES: u64 = u64::MAX / 255;
    const HIGH: u64 = ONES * 0x80;
    let below = |n: u64, w: u64| w.wrapping_sub(ONES * n) & !w & HIGH;
    let zero_byte = |w: u64| below(1, w);
    let low = below(0x21, word);
    let high = (word.wrapping_add(ONES) | word) & HIGH;
    let hash = zero_byte(word ^ (ONES * u64::from(b'#')));
    let backslash = zero_byte(word ^ (ONES * u64::from(b'\\')));
    low | high | hash | backslash != 0
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        #[test]
        fn the_query_check_agrees_with_the_byte_classes(query in proptest::collection::vec(any::<u8>(), 0..40)) {
            let bytewise = query.iter().all(|&b| CLASS[usize::from(b)] != REFUSED);
            prop_assert_eq!(query_ok(&query), bytewise);
        }

        #[test]
        fn one_refused_byte_anywhere_in_a_word_is_found(position in 0usize..8, byte in any::<u8>()) {
            let mut word = *b"abcdefgh";
            word[position] = byte;
            let refused = CLASS[usize::from(byte)] == REFUSED;
            prop_assert_eq!(refused_in(u64::from_le_bytes(word)), refused);
        }
    }

    #[test]
    fn every_byte_value_is_classified_as_the_table_says() {
        for byte in 0..=255u8 {
            let word = u64::from_le_bytes([byte; 8]);
            assert_eq!(refused_in(word), CLASS[usize::from(byte)] == REFUSED, "{byte:#x}");
        }
    }
}
