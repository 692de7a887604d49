//! What a decision has not to work out twice about its context ([`Memo`]): which entry holds a
//! value of which condition key, each inline value parsed as an IP address, and the outcome of the
//! last statements' conditions.

use std::cell::{Cell, OnceCell};
use std::net::IpAddr;

use super::KeySlots;
use super::values::parse_ip;
use crate::fold::eq_folded;
use crate::request::Context;

/// What a decision has not to work out twice about its context: which entry holds a value of
/// which condition key (one pass over the entries, each mapped to its key's slot, when a condition
/// first asks), each inline value parsed as an IP address (at most once), and the outcome of the
/// last statements' conditions (a statement covering several required actions is evaluated once).
///
/// Built per decision on the stack: no allocation. Creating one costs two stores; its tables are
/// filled when a condition first needs them, so a decision that evaluates no condition (a set
/// without conditions, or one decided by its masks) pays nothing more.
pub(crate) struct Memo<'s> {
    keys: &'s KeySlots,
    /// Where the context's inline entries' keys are, once a condition asked.
    resolved: OnceCell<Resolved>,
    /// Parsed addresses and statement outcomes, once one is asked or kept.
    cache: OnceCell<Cache>,
}

/// The context's inline entries mapped to their keys' slots.
struct Resolved {
    /// Per slot below [`MASKED_SLOTS`]: the inline entries holding values of its key (bit `i`:
    /// entry `i`).
    masks: [u8; MASKED_SLOTS],
    /// Per slot below [`MASKED_SLOTS`]: the inline entry holding the key's only value, if it has
    /// one value and the context nothing past its inline entries, else [`NOT_SINGLE`].
    singles: [u8; MASKED_SLOTS],
    /// Per inline entry: its key's slot ([`NO_SLOT`] for a key no condition reads).
    slots: [u32; Context::INLINE_VALUES],
    /// How many inline entries there are.
    len: usize,
}

/// What conditions remember as they go.
struct Cache {
    /// Per inline entry: the value parsed as an IP address, once asked (`Some(None)`: not one).
    ips: [Cell<Option<Option<IpAddr>>>; Context::INLINE_VALUES],
    /// Statement outcomes, direct-mapped by statement id: `id << 2 | code` (0: empty).
    outcomes: [Cell<u64>; OUTCOMES],
}

/// The slots whose entries a [`Memo`] keeps as a mask; past these, entries are found from their
/// slots.
const MASKED_SLOTS: usize = 32;

/// How many statement outcomes a [`Memo`] remembers.
const OUTCOMES: usize = 8;

/// The slot of a context entry whose key no condition of the set reads.
const NO_SLOT: u32 = u32::MAX;

/// A key with no value, or several.
const NOT_SINGLE: u8 = u8::MAX;

const _: () = assert!(Context::INLINE_VALUES <= 8, "an entry mask is a u8");

/// What a statement's conditions, ANDed, say: what a Deny and an Allow need to know.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Block {
    /// Every condition holds: an Allow applies, and a Deny.
    Holds,
    /// Some condition fails: neither applies.
    Fails,
    /// None fails, some is unevaluable: a Deny applies, an Allow does not.
    Unevaluable,
}

impl Resolved {
    /// Maps each inline entry to its key's slot: one pass over the entries.
    #[cold]
    fn new(keys: &KeySlots, ctx: &Context<'_>) -> Resolved {
        let inline = ctx.inline_entries();
        let spilled = ctx.spilled_entries().next().is_some();
        let mut resolved = Resolved {
            masks: [0; MASKED_SLOTS],
            singles: [NOT_SINGLE; MASKED_SLOTS],
            slots: [NO_SLOT; Context::INLINE_VALUES],
            len: inline.len(),
        };
        for (i, ((key, _), cell)) in inline.iter().zip(&mut resolved.slots).enumerate() {
            let slot = keys.slot_of(key).unwrap_or(NO_SLOT);
            *cell = slot;
            if let (Some(mask), Some(single)) = (
                resolved.masks.get_mut(slot as usize),
                resolved.singles.get_mut(slot as usize),
            ) {
                *single = if *mask == 0 { i as u8 } else { NOT_SINGLE };
                *mask |= 1 << i;
            }
        }
        if spilled {
            resolved.singles = [NOT_SINGLE; MASKED_SLOTS];
        }
        resolved
    }

    /// The inline entries holding values of key `slot` (bit `i`: entry `i`).
    #[inline]
    fn entries(&self, slot: u32) -> u8 {
        if let Some(&mask) = self.masks.get(slot as usize) {
            return mask;
        }
        let mut mask = 0u8;
        for (i, &s) in self.slots.iter().take(self.len).enumerate() {
            if s == slot {
                mask |= 1 << i;
            }
        }
        mask
    }
}

impl Cache {
    #[cold]
    fn new() -> Cache {
        Cache {
            ips: [const { Cell::new(None) }; Context::INLINE_VALUES],
            outcomes: [const { Cell::new(0) }; OUTCOMES],
        }
    }
}

impl<'s> Memo<'s> {
    /// A memo for a decision against the set whose condition keys are `keys`.
    #[inline]
    pub(crate) fn new(keys: &'s KeySlots) -> Memo<'s> {
        Memo {
            keys,
            resolved: OnceCell::new(),
            cache: OnceCell::new(),
        }
    }

    /// The inline entries of `ctx` holding values of key `slot` (bit `i`: entry `i`). `ctx` is the
    /// decision's context, the same at every call.
    #[inline]
    pub(super) fn entries(&self, ctx: &Context<'_>, slot: u32) -> u8 {
        self.resolved(ctx).entries(slot)
    }

    #[inline]
    fn resolved(&self, ctx: &Context<'_>) -> &Resolved {
        self.resolved.get_or_init(|| Resolved::new(self.keys, ctx))
    }

    /// The inline index of the value of key `slot` in `ctx`, when that is its only value (and the
    /// slot one of the first [`MASKED_SLOTS`]).
    #[inline]
    pub(super) fn single(&self, ctx: &Context<'_>, slot: u32) -> Option<usize> {
        let i = *self.resolved(ctx).singles.get(slot as usize)?;
        (i != NOT_SINGLE).then_some(usize::from(i))
    }

    /// The values of key `slot` in `ctx`, in the order given, each with its inline index if it has
    /// one.
    #[inline]
    pub(crate) fn values<'c>(
        &self,
        ctx: &Context<'c>,
        slot: u32,
    ) -> impl Iterator<Item = (&'c str, Option<usize>)> {
        let inline = ctx.inline_entries();
        let mut mask = self.entries(ctx, slot);
        let name = self.keys.name(slot);
        std::iter::from_fn(move || {
            if mask == 0 {
                return None;
            }
            let i = mask.trailing_zeros() as usize;
            mask &= mask - 1;
            inline.get(i).map(|&(_, value)| (value, Some(i)))
        })
        .chain(
            ctx.spilled_entries()
                .filter(move |(key, _)| eq_folded(key, name))
                .map(|(_, value)| (value, None)),
        )
    }

    #[inline]
    fn cache(&self) -> &Cache {
        self.cache.get_or_init(Cache::new)
    }

    /// The outcome of statement `id`'s conditions, computed by `compute` unless remembered.
    #[inline]
    pub(crate) fn block(&self, id: usize, compute: impl FnOnce() -> Block) -> Block {
        let Some(cell) = self.cache().outcomes.get(id % OUTCOMES) else {
            return compute();
        };
        let tag = (id as u64) << 2;
        let known = cell.get();
        if known & !3 == tag {
            match known & 3 {
                1 => return Block::Holds,
                2 => return Block::Fails,
                3 => return Block::Unevaluable,
                _ => {}
            }
        }
        let block = compute();
        let code = match block {
            Block::Holds => 1,
            Block::Fails => 2,
            Block::Unevaluable => 3,
        };
        cell.set(tag | code);
        block
    }

    /// Inline entry `i` (whose value is `text`) parsed as an IP address, parsed at most once.
    #[inline]
    pub(super) fn ip(&self, i: usize, text: &str) -> Option<IpAddr> {
        let Some(cell) = self.cache().ips.get(i) else {
            return parse_ip(text);
        };
        if let Some(known) = cell.get() {
            return known;
        }
        let parsed = parse_ip(text);
        cell.set(Some(parsed));
        parsed
    }
}
