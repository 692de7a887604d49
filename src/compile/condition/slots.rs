//! The condition key names of a policy set, interned when it is compiled: each distinct name (names
//! compare by simple case folding) gets a slot. A decision maps each entry of the request's context
//! to its key's slot once, through a small open-addressing hash table, and conditions then find
//! their values by slot (see [`Memo`](super::Memo)).

use crate::compile::hash::{eq_ascii_folded, hash_folded};
use crate::fold::{eq_folded, folded};

/// The seed of key-name hashes.
const SEED: u64 = 0x6b65_7973;

/// Interned condition key names.
#[derive(Debug, Default)]
pub(crate) struct KeySlots {
    /// Per slot: the name, folded.
    names: Vec<Box<str>>,
    /// Per slot: whether the folded name is ASCII.
    ascii: Vec<bool>,
    /// Per slot: the name's hash.
    hashes: Vec<u64>,
    /// Open addressing, linear probing: slot + 1, or 0 for an empty place. Its length is a power of
    /// two at least twice the number of names (so a probe always ends at an empty place).
    table: Vec<u32>,
}

impl KeySlots {
    /// The slot of `name`, interning it if new.
    pub(crate) fn intern(&mut self, name: &str) -> u32 {
        if let Some(slot) = self.slot_of(name) {
            return slot;
        }
        let slot = u32::try_from(self.names.len()).unwrap_or(u32::MAX);
        let name: String = folded(name).collect();
        self.hashes.push(hash_folded(SEED, &name));
        self.ascii.push(name.is_ascii());
        self.names.push(name.into_boxed_str());
        if self.table.len() < 2 * self.names.len() {
            self.rebuild((2 * self.names.len()).next_power_of_two().max(8));
        } else {
            self.place(slot);
        }
        slot
    }

    fn rebuild(&mut self, capacity: usize) {
        self.table = vec![0; capacity];
        for slot in 0..self.names.len() {
            self.place(u32::try_from(slot).unwrap_or(u32::MAX));
        }
    }

    fn place(&mut self, slot: u32) {
        let mask = self.table.len() - 1;
        let mut i = self.hashes[slot as usize] as usize & mask;
        while self.table[i] != 0 {
            i = (i + 1) & mask;
        }
        self.table[i] = slot + 1;
    }

    /// The slot of the key `name` (compared by simple case folding), if some condition reads it.
    #[inline]
    pub(crate) fn slot_of(&self, name: &str) -> Option<u32> {
        if self.names.is_empty() {
            return None;
        }
        let h = hash_folded(SEED, name);
        let mask = self.table.len() - 1;
        let mut i = h as usize & mask;
        // At most every place; the table always has an empty one, which ends the probe sooner.
        for _ in 0..self.table.len() {
            let found = *self.table.get(i)?;
            let slot = found.checked_sub(1)?;
            let s = slot as usize;
            if self.hashes.get(s) == Some(&h) && self.matches(s, name) {
                return Some(slot);
            }
            i = (i + 1) & mask;
        }
        None
    }

    #[inline]
    fn matches(&self, s: usize, name: &str) -> bool {
        let Some(key) = self.names.get(s) else {
            return false;
        };
        if name.is_ascii() && self.ascii.get(s) == Some(&true) {
            eq_ascii_folded(name.as_bytes(), key.as_bytes())
        } else {
            eq_folded(name, key)
        }
    }

    /// The folded name of `slot`.
    #[inline]
    pub(crate) fn name(&self, slot: u32) -> &str {
        self.names.get(slot as usize).map_or("", |n| n)
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
