//! The condition key names of a policy set, interned when it is compiled: each distinct name (names
//! compare by simple case folding) gets a slot. A decision maps each entry of the request's context
//! to its key's slot once, through a small open-addressing table (see [`Memo`](super::Memo)).
//!
//! A look-up costs a few tens of instructions for the names conditions use (`g:UserName`,
//! `g:SourceIp`, ...: ASCII, 8 to 16 bytes). A name is identified by its *print*: its length and
//! its first and last 8 bytes, read as two little-endian words (which also tell whether it is
//! ASCII). Two names of at most 16 bytes are equal after folding exactly when their lowercased
//! prints are, so such a name is found with no byte loop and no call:
//!
//! - it is placed by a hash of its print with the case bit (`0x20`) of every byte set, the same for
//!   every spelling of the name (and for a few names that differ in other characters, which only
//!   costs a comparison); the hash's seed is chosen, for a set of up to 32 names, so that every
//!   name sits at its home place when some seed of the 64 tried does that;
//! - the probe compares the print as written with the print of each name as first written in the
//!   policies (the spelling a request usually repeats); only when it meets a name of its length
//!   spelt otherwise does the look-up start again on the general path.
//!
//! The general path takes any name: ASCII lowercased 8 bytes at a time, other text folded
//! character by character into the same print (`K` for the Kelvin sign finds `k`); a name longer
//! than 16 bytes is placed by the hash of its whole folded text (so that long names sharing their
//! ends do not pile up in one run of the table) and compared in full after its print.

// `K`: the multiplier of the print's hash (FxHash's).
use crate::compile::hash::{K, eq_ascii_folded, hash_folded, lower_ascii, place, tail, word};
use crate::fold::{eq_folded, folded};

/// The seed of key-name hashes.
const SEED: u64 = 0x6b65_7973;

/// Names of at most this many folded bytes are identified by their print alone.
const SHORT: usize = 16;

/// The high bit of every byte of a word.
const HIGH: u64 = 0x8080_8080_8080_8080;

/// The case bit of every byte of a word.
const CASE: u64 = 0x2020_2020_2020_2020;

/// Up to this many names, the table's seed is chosen so that the names sit as near their home
/// places as can be (most often every one at its own: a look-up is one probe).
const CHOSEN_SEED_UP_TO: usize = 32;

/// How many seeds are tried.
const SEEDS: u64 = 64;

/// Interned condition key names.
#[derive(Debug, Default)]
pub(crate) struct KeySlots {
    /// Per slot: the name.
    keys: Vec<Key>,
    /// Open addressing, linear probing. Its length is zero (no names) or a power of two at least
    /// twice the number of names (so a probe always ends at an empty place).
    table: Vec<Place>,
    /// Mixed into every hash.
    seed: u64,
}

/// One interned name.
#[derive(Debug)]
struct Key {
    /// Folded.
    name: Box<str>,
    ascii: bool,
    place: Place,
}

/// A place of the table: a name's folded print, the words of its print as first written (the
/// folded ones if it was not ASCII) and its slot + 1 (0: an empty place).
#[derive(Debug, Clone, Copy, Default)]
struct Place {
    folded: Print,
    written: (u64, u64),
    slot: u32,
}

/// A name's length in bytes (at most `u32::MAX`) and its first and last 8 bytes as little-endian
/// words (overlapping when shorter than 16 bytes); when shorter than 8 bytes, `head` is the name
/// zero-padded and `tail` zero. The whole name when it has at most [`SHORT`] bytes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Print {
    head: u64,
    tail: u64,
    len: u32,
}

impl Print {
    /// The print of `name` as written, and whether `name` is ASCII.
    #[inline(always)]
    fn raw(name: &str) -> (Print, bool) {
        let b = name.as_bytes();
        let n = b.len();
        let (head, last) = match b.get(..8) {
            Some(first) => (
                word(first),
                n.checked_sub(8).and_then(|i| b.get(i..)).map_or(0, word),
            ),
            None => (tail(b), 0),
        };
        // The two words hold every byte of a short name.
        let ascii = (head | last) & HIGH == 0 && (n <= SHORT || b.is_ascii());
        let print = Print {
            head,
            tail: last,
            len: u32::try_from(n).unwrap_or(u32::MAX),
        };
        (print, ascii)
    }

    /// The print of ASCII `self` lowercased.
    #[inline(always)]
    fn lowered(self) -> Print {
        Print {
            head: lower_ascii(self.head),
            tail: lower_ascii(self.tail),
            len: self.len,
        }
    }

    /// The print of `name` folded character by character (any text).
    #[cold]
    #[inline(never)]
    fn folded(name: &str) -> Print {
        let mut print = Print::default();
        let mut len = 0usize;
        let mut window = 0u64;
        let mut buf = [0u8; 4];
        for c in folded(name) {
            for &b in c.encode_utf8(&mut buf).as_bytes() {
                if len < 8 {
                    print.head |= u64::from(b) << (8 * len);
                }
                window = window >> 8 | u64::from(b) << 56;
                len += 1;
            }
        }
        if len >= 8 {
            print.tail = window;
        }
        print.len = u32::try_from(len).unwrap_or(u32::MAX);
        print
    }

    /// Whether the print is the whole name.
    #[inline(always)]
    fn is_whole(self) -> bool {
        self.len as usize <= SHORT
    }

    /// Where a name with this print (as written, or folded) is placed under `seed`: a hash of the
    /// print with the case bits set for a short name, of the whole folded `name` for a longer one.
    #[inline(always)]
    fn hash(self, name: &str, seed: u64) -> u64 {
        if self.is_whole() {
            // A folded multiply (both halves of the 128-bit product): every input bit moves the
            // high bits that place a name.
            let head = (self.head | CASE) ^ u64::from(self.len) ^ seed;
            let tail = (self.tail | CASE) ^ K;
            let product = u128::from(head) * u128::from(tail);
            (product as u64) ^ (product >> 64) as u64
        } else {
            long_hash(name, seed)
        }
    }
}

/// The hash of a long name: of its whole folded text.
#[cold]
#[inline(never)]
fn long_hash(name: &str, seed: u64) -> u64 {
    hash_folded(SEED ^ seed, name)
}

impl KeySlots {
    /// The slot of `name`, interning it if new.
    pub(crate) fn intern(&mut self, name: &str) -> u32 {
        if let Some(slot) = self.slot_of(name) {
            return slot;
        }
        let slot = u32::try_from(self.keys.len()).unwrap_or(u32::MAX);
        let folded_name: String = folded(name).collect();
        let (written, written_ascii) = Print::raw(name);
        let (print, ascii) = Print::raw(&folded_name);
        // Folding twice is folding once: the folded name's print is the name's folded print.
        let folded_print = if ascii { print } else { Print::folded(&folded_name) };
        let written = if written_ascii { written } else { folded_print };
        self.keys.push(Key {
            ascii,
            place: Place {
                folded: folded_print,
                written: (written.head, written.tail),
                slot: slot.saturating_add(1),
            },
            name: folded_name.into_boxed_str(),
        });
        let grown = self.table.len() < 2 * self.keys.len();
        if grown {
            self.table = vec![Place::default(); (2 * self.keys.len()).next_power_of_two().max(8)];
        }
        if self.keys.len() <= CHOSEN_SEED_UP_TO {
            // The first seed that puts every name at its home place, else the one that puts them
            // nearest (bounded: at most SEEDS x 32 names placed).
            let mut best = (usize::MAX, self.seed);
            for seed in 0..SEEDS {
                let displaced = self.rebuild(seed);
                if displaced < best.0 {
                    best = (displaced, seed);
                }
                if displaced == 0 {
                    break;
                }
            }
            if best.1 != self.seed {
                self.rebuild(best.1);
            }
        } else if grown {
            self.rebuild(self.seed);
        } else {
            self.place(slot as usize);
        }
        slot
    }

    /// Places every name afresh under `seed`; returns how far from their home places they are, in
    /// all.
    fn rebuild(&mut self, seed: u64) -> usize {
        self.seed = seed;
        self.table.fill(Place::default());
        (0..self.keys.len()).map(|slot| self.place(slot)).sum()
    }

    /// Places name `slot`; returns how far from its home place it is.
    fn place(&mut self, slot: usize) -> usize {
        let mask = self.table.len() - 1;
        let key = &self.keys[slot];
        let mut i = place(key.place.folded.hash(&key.name, self.seed), mask);
        let mut displaced = 0;
        while self.table[i].slot != 0 {
            i = (i + 1) & mask;
            displaced += 1;
        }
        self.table[i] = key.place;
        displaced
    }

    /// The slot of the key `name` (compared by simple case folding), if some condition reads it.
    ///
    /// An ASCII name of 8 to 16 bytes (the usual key) is looked for as written: the probe compares
    /// its print with the spellings first written in the policies, and only when it meets a name
    /// of its length spelt otherwise does it take the general path, which compares folded prints.
    #[inline(always)]
    pub(crate) fn slot_of(&self, name: &str) -> Option<u32> {
        let b = name.as_bytes();
        let n = b.len();
        let (Some(first), Some(last)) = (b.get(..8), n.checked_sub(8).and_then(|i| b.get(i..))) else {
            return self.slot_of_any(name);
        };
        let (head, tail) = (word(first), word(last));
        if n > SHORT || (head | tail) & HIGH != 0 {
            return self.slot_of_any(name);
        }
        let mask = self.table.len().checked_sub(1)?;
        let len = n as u32;
        let mut i = place(Print { head, tail, len }.hash(name, self.seed), mask);
        let mut other_spelling = false;
        // At most every place; the table always has an empty one, which ends the probe sooner.
        for _ in 0..self.table.len() {
            let p = self.table.get(i)?;
            if p.slot == 0 {
                break;
            }
            if p.folded.len == len {
                if p.written == (head, tail) {
                    return Some(p.slot - 1);
                }
                other_spelling = true;
            }
            i = (i + 1) & mask;
        }
        if other_spelling {
            self.slot_of_any(name)
        } else {
            None
        }
    }

    /// [`KeySlots::slot_of`] any name: its folded print compared with the folded prints.
    #[cold]
    #[inline(never)]
    fn slot_of_any(&self, name: &str) -> Option<u32> {
        let mask = self.table.len().checked_sub(1)?;
        let print = match Print::raw(name) {
            (raw, true) => raw.lowered(),
            (_, false) => Print::folded(name),
        };
        let ascii = name.is_ascii();
        let mut i = place(print.hash(name, self.seed), mask);
        for _ in 0..self.table.len() {
            let p = self.table.get(i)?;
            let slot = p.slot.checked_sub(1)?;
            if p.folded == print && (print.is_whole() || self.same_long_name(slot, name, ascii)) {
                return Some(slot);
            }
            i = (i + 1) & mask;
        }
        None
    }

    /// Whether the long `name` (ASCII when `ascii`) is the name of `slot` after folding.
    #[cold]
    #[inline(never)]
    fn same_long_name(&self, slot: u32, name: &str, ascii: bool) -> bool {
        self.keys.get(slot as usize).is_some_and(|key| {
            if ascii && key.ascii {
                eq_ascii_folded(name.as_bytes(), key.name.as_bytes())
            } else {
                eq_folded(name, &key.name)
            }
        })
    }

    /// The folded name of `slot`.
    #[inline]
    pub(crate) fn name(&self, slot: u32) -> &str {
        self.keys.get(slot as usize).map_or("", |k| &k.name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn names_intern_once_and_are_found_by_folding() {
        let mut slots = KeySlots::default();
        let names: Vec<String> = (0..40).map(|i| format!("g:ResourceTag/k{i}")).collect();
        for (i, n) in names.iter().enumerate() {
            assert_eq!(slots.intern(n) as usize, i);
        }
        assert_eq!(slots.intern("G:RESOURCETAG/K7"), 7);
        assert_eq!(slots.slot_of("g:resourcetag/k39"), Some(39));
        assert_eq!(slots.slot_of("g:ResourceTag/k40"), None);
        let kelvin = slots.intern("\u{212A}ey");
        assert_eq!(slots.slot_of("key"), Some(kelvin));
        assert_eq!(slots.slot_of("KEY"), Some(kelvin));
        assert_eq!(slots.name(kelvin), "key");
        assert_eq!(KeySlots::default().slot_of("g:UserName"), None);
    }

    /// The folded print of any name.
    fn print(name: &str) -> Print {
        match Print::raw(name) {
            (p, true) => p.lowered(),
            (_, false) => Print::folded(name),
        }
    }

    #[test]
    fn folding_twice_is_folding_once() {
        for c in (0..=0x10_FFFF).filter_map(char::from_u32) {
            assert_eq!(
                crate::fold::fold(crate::fold::fold(c)),
                crate::fold::fold(c),
                "{c:?}"
            );
        }
    }

    #[test]
    fn prints_cover_short_names_and_agree_with_folding() {
        for (a, b) in [
            ("g:UserName", "G:USERNAME"),
            ("", ""),
            ("12345678", "12345678"),
            ("\u{212A}", "k"),
            ("g:ResourceTag/\u{212A}ey", "g:resourcetag/key"),
            ("ΟΔΟΣ", "οδος"),
        ] {
            assert_eq!(print(a), print(b), "{a} {b}");
            assert_eq!(print(a).hash(a, 3), print(b).hash(b, 3), "{a} {b}");
            if a.is_ascii() {
                assert_eq!(
                    Print::raw(a).0.hash(a, 3),
                    print(a).hash(a, 3),
                    "{a}: as written and folded"
                );
            }
        }
        assert_ne!(print("a\0"), print("a"), "the length counts");
        assert_ne!(print("abcdefgh1"), print("abcdefgh2"));
        let long = "g:ResourceTag/a-rather-long-tag-name";
        assert_eq!(print(long), Print::folded(long));
        assert!(!print(long).is_whole());
    }

    #[test]
    fn long_names_with_the_same_ends_are_told_apart() {
        let mut slots = KeySlots::default();
        let names: Vec<String> = (0..500).map(|i| format!("g:ResourceTag/{i:0>40}x")).collect();
        for (i, n) in names.iter().enumerate() {
            assert_eq!(slots.intern(n) as usize, i);
        }
        for (i, n) in names.iter().enumerate() {
            assert_eq!(slots.slot_of(&n.to_uppercase()), Some(i as u32));
        }
        assert_eq!(slots.slot_of(&format!("g:ResourceTag/{:0>40}x", 500)), None);
    }

    /// Names over a small alphabet (ASCII letters of both cases, the Kelvin sign and long s, which
    /// fold to ASCII, Greek sigmas, a NUL), from empty to longer than a print covers.
    fn name() -> impl Strategy<Value = String> {
        "[abkKsS:/\u{212A}\u{17F}Σσς\0]{0,20}"
    }

    proptest! {
        #[test]
        fn the_table_maps_every_key_and_only_those_keys(
            keys in prop::collection::vec(name(), 0..24),
            probes in prop::collection::vec(name(), 0..24),
        ) {
            let mut slots = KeySlots::default();
            let interned: Vec<u32> = keys.iter().map(|k| slots.intern(k)).collect();
            // The reference: a key's slot is that of the first key equal to it after folding.
            let mut distinct: Vec<&str> = Vec::new();
            for (k, &slot) in keys.iter().zip(&interned) {
                let expected = distinct.iter().position(|d| eq_folded(d, k)).unwrap_or_else(|| {
                    distinct.push(k);
                    distinct.len() - 1
                });
                prop_assert_eq!(slot as usize, expected, "{:?}", k);
            }
            for p in probes.iter().chain(&keys) {
                let expected = distinct.iter().position(|d| eq_folded(d, p)).map(|i| i as u32);
                prop_assert_eq!(slots.slot_of(p), expected, "{:?}", p);
                prop_assert_eq!(slots.slot_of(&p.to_uppercase()).is_some(),
                    distinct.iter().any(|d| eq_folded(d, &p.to_uppercase())));
            }
        }
    }
}
