//! The byte tests of the fixed-length id formats ([`ParamFormat::Uuid`](super::ParamFormat::Uuid),
//! [`ParamFormat::Hex32`](super::ParamFormat::Hex32)): branch-free over a fixed length, which the
//! compiler turns into a few vector operations. The one definition of those formats, for
//! `ParamFormat::accepts` and the router's fast path alike.

/// Whether `c` is an ASCII hex digit (branch-free).
#[inline(always)]
fn is_hex(c: u8) -> bool {
    (c.wrapping_sub(b'0') < 10) | ((c | 0x20).wrapping_sub(b'a') < 6)
}

/// Whether `id` is 32 hex digits.
#[inline(always)]
pub(crate) fn is_hex32(id: &[u8; 32]) -> bool {
    id.iter().fold(true, |all, &c| all & is_hex(c))
}

/// Where a UUID has its dashes (`8-4-4-4-12`).
const DASHES: [bool; 36] = {
    let mut dashes = [false; 36];
    dashes[8] = true;
    dashes[13] = true;
    dashes[18] = true;
    dashes[23] = true;
    dashes
};

/// Whether `id` is a UUID: hex digits with dashes at 8, 13, 18 and 23.
#[inline(always)]
pub(crate) fn is_uuid(id: &[u8; 36]) -> bool {
    // Indexed over the fixed length (not zipped), which the compiler vectorizes.
    let mut all = true;
    for (i, &c) in id.iter().enumerate() {
        all &= if DASHES[i] { c == b'-' } else { is_hex(c) };
    }
    all
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// Ids of the right length, mostly well-formed, sometimes one byte off.
    fn id_like(n: usize) -> impl Strategy<Value = Vec<u8>> {
        let byte = prop_oneof![
            8 => prop::sample::select(b"0123456789abcdefABCDEF-".to_vec()),
            1 => any::<u8>(),
        ];
        prop::collection::vec(byte, n)
    }

    proptest! {
        /// The branch-free tests agree with the formats written out: dashes at 8, 13, 18 and 23,
        /// ASCII hex digits everywhere else.
        #[test]
        fn the_tests_agree_with_the_formats_written_out(
            mut uuid in id_like(36),
            dashed in any::<bool>(),
            hex in id_like(32),
        ) {
            let dash = |i: usize| [8, 13, 18, 23].contains(&i);
            if dashed {
                for i in [8, 13, 18, 23] {
                    uuid[i] = b'-';
                }
            }
            let want_uuid = uuid.iter().enumerate().all(|(i, &c)| if dash(i) { c == b'-' } else { c.is_ascii_hexdigit() });
            prop_assert_eq!(is_uuid(&uuid.clone().try_into().unwrap()), want_uuid);
            prop_assert_eq!(is_hex32(&hex.clone().try_into().unwrap()), hex.iter().all(u8::is_ascii_hexdigit));
        }
    }

    #[test]
    fn hex_digits_are_exactly_the_ascii_ones() {
        for c in 0..=u8::MAX {
            assert_eq!(is_hex(c), c.is_ascii_hexdigit(), "{c:#x}");
        }
    }

    #[test]
    fn ids_by_hand() {
        assert!(is_uuid(b"0b3b6d4e-8f0a-4c1e-9a57-3c0b8f6f2d11"));
        assert!(is_uuid(b"0B3B6D4E-8F0A-4C1E-9A57-3C0B8F6F2D11"));
        assert!(!is_uuid(b"0b3b6d4e-8f0a-4c1e-9a57-3c0b8f6f2d1g"));
        assert!(!is_uuid(b"0b3b6d4e08f0a-4c1e-9a57-3c0b8f6f2d11"));
        assert!(!is_uuid(b"0b3b6d4e-8f0a-4c1e-9a57-3c0b8f6f2-11"));
        assert!(is_hex32(b"0123456789abcdefABCDEF0123456789"));
        assert!(!is_hex32(b"0123456789abcdefABCDEF012345678 "));
    }
}
