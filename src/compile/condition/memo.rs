//! What a decision has not to work out twice about its context ([`Memo`]): which entry holds a
//! value of which condition key, each inline value parsed as an IP address, and the outcome of the
//! last statements' conditions.

use std::cell::{Cell, OnceCell};
use std::net::{IpAddr, Ipv4Addr};

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
    /// Where the context's inline entries' keys are, and their values as addresses, once a
    /// condition asked.
    resolved: OnceCell<Resolved>,
    /// Statement outcomes, once one is asked or kept.
    cache: OnceCell<Cache>,
}

/// The context's inline entries mapped to their keys' slots, and their values parsed as addresses.
struct Resolved {
    /// Per slot below [`MASKED_SLOTS`]: the inline entries holding values of its key (bit `i`:
    /// entry `i`). A key with one bit set and nothing past the inline entries has one value.
    masks: [u8; MASKED_SLOTS],
    /// Whether the context has entries past its inline ones.
    spilled: bool,
    /// Per inline entry: its value parsed as an IP address, once asked (see [`Ip`]).
    ips: [Cell<u64>; Context::INLINE_VALUES],
}

/// A request value parsed as an IP address, as a [`Resolved::ips`] word: `0` not yet parsed,
/// [`Ip::NONE`] not an address, [`Ip::V6`] an IPv6 address (parsed again when asked: rare), else an
/// IPv4 address `a` as `u64::from(a) << 8 | Ip::V4`.
struct Ip;

impl Ip {
    const NONE: u64 = 1;
    const V6: u64 = 2;
    const V4: u64 = 3;

    /// The word for `parsed`.
    #[inline]
    fn encode(parsed: Option<IpAddr>) -> u64 {
        match parsed {
            None => Ip::NONE,
            Some(IpAddr::V4(a)) => u64::from(u32::from(a)) << 8 | Ip::V4,
            Some(IpAddr::V6(_)) => Ip::V6,
        }
    }

    /// The address of word `word` (of the value `text`), or `None` when not yet parsed.
    #[inline]
    fn decode(word: u64, text: &str) -> Option<Option<IpAddr>> {
        match word & 0xff {
            0 => None,
            Ip::NONE => Some(None),
            Ip::V4 => Some(Some(IpAddr::V4(Ipv4Addr::from((word >> 8) as u32)))),
            _ => Some(parse_ip(text)),
        }
    }
}

/// What conditions remember as they go.
struct Cache {
    /// Statement outcomes, direct-mapped by statement id: `id << 2 | code` (0: empty).
    outcomes: [Cell<u64>; OUTCOMES],
}

/// The slots whose entries a [`Memo`] keeps as a mask; past these, entries are found from their
/// keys' slots when asked.
const MASKED_SLOTS: usize = 32;

/// How many statement outcomes a [`Memo`] remembers.
const OUTCOMES: usize = 8;

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
    #[inline(never)]
    fn new(keys: &KeySlots, ctx: &Context<'_>) -> Resolved {
        let mut masks = [0u8; MASKED_SLOTS];
        for (i, (key, _)) in ctx.inline_entries().iter().enumerate() {
            if let Some(mask) = keys.slot_of(key).and_then(|slot| masks.get_mut(slot as usize)) {
                *mask |= 1 << i;
            }
        }
        Resolved {
            masks,
            spilled: ctx.spilled_entries().next().is_some(),
            ips: [const { Cell::new(0) }; Context::INLINE_VALUES],
        }
    }

    /// The inline entries of `ctx` holding values of key `slot` (bit `i`: entry `i`).
    #[inline]
    fn entries(&self, keys: &KeySlots, ctx: &Context<'_>, slot: u32) -> u8 {
        match self.masks.get(slot as usize) {
            Some(&mask) => mask,
            None => entries_past_masks(keys, ctx, slot),
        }
    }
}

/// [`Resolved::entries`] of a slot past [`MASKED_SLOTS`] (a set with that many keys): each inline
/// entry's key looked up again.
#[cold]
#[inline(never)]
fn entries_past_masks(keys: &KeySlots, ctx: &Context<'_>, slot: u32) -> u8 {
    let mut mask = 0u8;
    for (i, (key, _)) in ctx.inline_entries().iter().enumerate() {
        if keys.slot_of(key) == Some(slot) {
            mask |= 1 << i;
        }
    }
    mask
}

impl Cache {
    #[cold]
    #[inline(never)]
    fn new() -> Cache {
        Cache {
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
        self.resolved(ctx).entries(self.keys, ctx, slot)
    }

    #[inline]
    fn resolved(&self, ctx: &Context<'_>) -> &Resolved {
        self.resolved.get_or_init(|| Resolved::new(self.keys, ctx))
    }

    /// The inline index of the value of key `slot` in `ctx`, when that is its only value (and the
    /// slot one of the first [`MASKED_SLOTS`]).
    #[inline]
    pub(super) fn single(&self, ctx: &Context<'_>, slot: u32) -> Option<usize> {
        let resolved = self.resolved(ctx);
        let mask = *resolved.masks.get(slot as usize)?;
        (mask.is_power_of_two() && !resolved.spilled).then_some(mask.trailing_zeros() as usize)
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

    /// Inline entry `i` (whose value is `text`) parsed as an IP address, parsed at most once (an
    /// IPv6 address each time: rare). `i` comes from [`Memo::entries`] or [`Memo::single`], so the
    /// entries are resolved.
    #[inline]
    pub(super) fn ip(&self, i: usize, text: &str) -> Option<IpAddr> {
        let Some(cell) = self.resolved.get().and_then(|r| r.ips.get(i)) else {
            return parse_ip(text);
        };
        if let Some(known) = Ip::decode(cell.get(), text) {
            return known;
        }
        let parsed = parse_ip(text);
        cell.set(Ip::encode(parsed));
        parsed
    }
}

#[cfg(test)]
mod tests {
    use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

    use proptest::prelude::*;

    use super::{Ip, parse_ip};

    proptest! {
        /// An address word gives back what parsing the value gives, for IPv4, IPv6 and other text.
        #[test]
        fn address_words_decode_to_the_parse(v4: u32, v6: u128, other in "[0-9a-f.:]{0,12}") {
            let texts = [
                Ipv4Addr::from(v4).to_string(),
                Ipv6Addr::from(v6).to_string(),
                Ipv4Addr::from(v4).to_ipv6_mapped().to_string(),
                other,
            ];
            for text in &texts {
                let parsed = parse_ip(text);
                prop_assert_eq!(Ip::decode(Ip::encode(parsed), text), Some(parsed));
            }
            prop_assert_eq!(Ip::decode(0, &texts[0]), None);
        }
    }

    #[test]
    fn an_ipv4_word_keeps_every_octet() {
        let a = IpAddr::V4(Ipv4Addr::new(255, 0, 128, 1));
        assert_eq!(Ip::decode(Ip::encode(Some(a)), ""), Some(Some(a)));
        assert_eq!(Ip::decode(Ip::encode(None), "x"), Some(None));
    }
}
