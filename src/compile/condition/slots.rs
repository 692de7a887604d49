//! The condition key names of a policy set, interned when it is compiled: each distinct name (names
//! compare by simple case folding) gets a slot. A decision maps each entry of the request's context
//! to its key's slot once, through a small open-addressing hash table, and conditions then find
//! their values by slot (see [`Memo`](super::Memo)).

use crate::compile::hash::{eq_ascii_folded, hash_ascii_folded, hash_folded, place};
use crate::fold::{eq_folded, folded};

/// The seed of key-name hashes.
const SEED: u64 = 0x6b65_7973;

/// Interned condition key names.
#[derive(Debug, Default)]
pub(crate) struct KeySlots {
    /// Per slot: the name.
    keys: Vec<Key>,
    /// Open addressing, linear probing: slot + 1, or 0 for an empty place. Its length is a power of
    /// two at least twice the number of names (so a probe always ends at an empty place).
    table: Vec<u32>,
}

/// One interned name.
#[derive(Debug)]
struct Key {
    /// Folded.
    name: Box<str>,
    ascii: bool,
    hash: u64,
}

impl KeySlots {
    /// The slot of `name`, interning it if new.
    pub(crate) fn intern(&mut self, name: &str) -> u32 {
        if let Some(slot) = self.slot_of(name) {
            return slot;
        }
        let slot = u32::try_from(self.keys.len()).unwrap_or(u32::MAX);
        let name: String = folded(name).collect();
        self.keys.push(Key {
            hash: hash_folded(SEED, &name),
            ascii: name.is_ascii(),
            name: name.into_boxed_str(),
        });
        if self.table.len() < 2 * self.keys.len() {
            self.table = vec![0; (2 * self.keys.len()).next_power_of_two().max(8)];
            for slot in 0..self.keys.len() {
                self.place(slot);
            }
        } else {
            self.place(slot as usize);
        }
        slot
    }

    fn place(&mut self, slot: usize) {
        let mask = self.table.len() - 1;
        let mut i = place(self.keys[slot].hash, mask);
        while self.table[i] != 0 {
            i = (i + 1) & mask;
        }
        self.table[i] = u32::try_from(slot + 1).unwrap_or(u32::MAX);
    }

    /// The slot of the key `name` (compared by simple case folding), if some condition reads it.
    #[inline]
    pub(crate) fn slot_of(&self, name: &str) -> Option<u32> {
        if self.keys.is_empty() {
            return None;
        }
        let bytes = name.as_bytes();
        let ascii = bytes.is_ascii();
        let h = if ascii {
            hash_ascii_folded(SEED, bytes)
        } else {
            hash_folded(SEED, name)
        };
        let mask = self.table.len() - 1;
        let mut i = place(h, mask);
        // At most every place; the table always has an empty one, which ends the probe sooner.
        for _ in 0..self.table.len() {
            let slot = self.table.get(i).copied()?.checked_sub(1)?;
            if let Some(key) = self.keys.get(slot as usize) {
                if key.hash == h
                    && if ascii && key.ascii {
                        eq_ascii_folded(bytes, key.name.as_bytes())
                    } else {
                        eq_folded(name, &key.name)
                    }
                {
                    return Some(slot);
                }
            }
            i = (i + 1) & mask;
        }
        None
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
}
