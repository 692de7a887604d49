//! Conditional statements indexed by the request value they need: a statement with a condition that
//! fails unless some request value of its key is one of the condition's values
//! ([`CompiledCondition::index_key`](super::condition::CompiledCondition::index_key)) is filed under
//! each `(key slot, value)` of that condition, so a decision looks only at the statements filed under
//! the values its request carries. 1,000 Allows for 1,000 user names cost one look-up, not 1,000
//! evaluations.
//!
//! An open-addressing hash table (linear probing, at most half full) of entries; a value is hashed
//! as written (exact) or folded (`IgnoreCase`), with the slot as the seed, and compared in full.

use super::condition::{IndexKey, Memo};
use super::hash::{hash_bytes, hash_folded, place};
use super::statement::ActionSet;
use crate::fold::folded;
use crate::matrix::ActionId;
use crate::request::Context;

/// One `(slot, value)` and the statements filed under it.
#[derive(Debug)]
struct Entry {
    hash: u64,
    slot: u32,
    folded: bool,
    /// Folded when `folded`.
    value: Box<str>,
    /// Ascending statement ids.
    statements: Vec<usize>,
}

/// A key slot some entries use, and which kinds of entries.
#[derive(Debug, Clone, Copy)]
struct SlotUse {
    slot: u32,
    exact: bool,
    folded: bool,
}

/// Statements indexed by `(key slot, value)`.
#[derive(Debug, Default)]
pub(crate) struct ValueIndex {
    entries: Vec<Entry>,
    /// Entry index + 1, or 0 for an empty place; the length is a power of two (or zero).
    table: Vec<u32>,
    slots: Vec<SlotUse>,
    /// The actions of the indexed statements.
    actions: ActionSet,
}

#[inline]
fn hash(slot: u32, folded: bool, value: &str) -> u64 {
    if folded {
        hash_folded(u64::from(slot) << 1 | 1, value)
    } else {
        hash_bytes(u64::from(slot) << 1, value.as_bytes())
    }
}

impl ValueIndex {
    /// Files statement `id` (ids come in ascending order), covering `actions`, under `key`.
    pub(crate) fn insert(&mut self, id: usize, key: IndexKey<'_>, actions: ActionSet) {
        self.actions.union(actions);
        match self.slots.iter_mut().find(|u| u.slot == key.slot) {
            Some(u) => {
                u.exact |= !key.folded;
                u.folded |= key.folded;
            }
            None => self.slots.push(SlotUse {
                slot: key.slot,
                exact: !key.folded,
                folded: key.folded,
            }),
        }
        for value in key.values.iter() {
            let h = hash(key.slot, key.folded, value);
            let found = self.find(h, |e| {
                e.slot == key.slot && e.folded == key.folded && *e.value == *value
            });
            match found {
                Some(e) => {
                    let statements = &mut self.entries[e].statements;
                    if statements.last() != Some(&id) {
                        statements.push(id);
                    }
                }
                None => {
                    self.entries.push(Entry {
                        hash: h,
                        slot: key.slot,
                        folded: key.folded,
                        value: value.into(),
                        statements: vec![id],
                    });
                    if self.table.len() < 2 * self.entries.len() {
                        self.rebuild((2 * self.entries.len()).next_power_of_two().max(8));
                    } else {
                        self.place(self.entries.len() - 1);
                    }
                }
            }
        }
    }

    fn rebuild(&mut self, capacity: usize) {
        self.table = vec![0; capacity];
        for e in 0..self.entries.len() {
            self.place(e);
        }
    }

    fn place(&mut self, e: usize) {
        let mask = self.table.len() - 1;
        let mut i = place(self.entries[e].hash, mask);
        while self.table[i] != 0 {
            i = (i + 1) & mask;
        }
        self.table[i] = u32::try_from(e + 1).unwrap_or(u32::MAX);
    }

    /// The entry with hash `h` that `is` accepts.
    #[inline]
    fn find(&self, h: u64, is: impl Fn(&Entry) -> bool) -> Option<usize> {
        if self.table.is_empty() {
            return None;
        }
        let mask = self.table.len() - 1;
        let mut i = place(h, mask);
        // At most every place; the table always has an empty one, which ends the probe sooner.
        for _ in 0..self.table.len() {
            let e = (*self.table.get(i)? as usize).checked_sub(1)?;
            let entry = self.entries.get(e)?;
            if entry.hash == h && is(entry) {
                return Some(e);
            }
            i = (i + 1) & mask;
        }
        None
    }

    /// The statements filed under `slot` and the request value `text`, compared exactly or folded.
    #[inline]
    fn lookup(&self, slot: u32, folded_kind: bool, text: &str) -> &[usize] {
        let h = hash(slot, folded_kind, text);
        let found = self.find(h, |e| {
            e.slot == slot
                && e.folded == folded_kind
                && if folded_kind {
                    e.value.chars().eq(folded(text))
                } else {
                    *e.value == *text
                }
        });
        found
            .and_then(|e| self.entries.get(e))
            .map_or(&[], |e| e.statements.as_slice())
    }

    /// Whether `applies` accepts some statement filed under a value the request carries that may
    /// cover `action` (statements are offered in no particular order, possibly more than once, and
    /// only ones that cover `action`).
    #[inline]
    pub(crate) fn any(
        &self,
        action: ActionId,
        ctx: &Context<'_>,
        memo: &Memo<'_>,
        actions_of: impl Fn(usize) -> ActionSet,
        mut applies: impl FnMut(usize) -> bool,
    ) -> bool {
        if !self.actions.contains(action) {
            return false;
        }
        for u in &self.slots {
            for (text, _) in memo.values(ctx, u.slot) {
                for kind in [false, true] {
                    if (kind && !u.folded) || (!kind && !u.exact) {
                        continue;
                    }
                    for &s in self.lookup(u.slot, kind, text) {
                        if actions_of(s).contains(action) && applies(s) {
                            return true;
                        }
                    }
                }
            }
        }
        false
    }
}
