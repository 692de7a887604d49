//! Evaluating a compiled condition against a request [`Context`]: three-valued, allocation-free, with
//! a per-decision [`Memo`] of key look-ups and parsed addresses.

use std::cell::Cell;
use std::net::IpAddr;

use time::OffsetDateTime;

use super::values::{Instant, parse_bool, parse_date, parse_ip, parse_number, time_text};
use super::{CompiledCondition, KeySlots, KeySource, Quantifier, Test};
use crate::fold::eq_folded;
use crate::request::Context;

/// What a condition says about a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// The condition is true for the request.
    Holds,
    /// The condition is false for the request.
    Fails,
    /// The request's values cannot decide the condition.
    Unevaluable(Unevaluable),
}

/// Why a condition could not be evaluated: a request value that does not parse for the operator's
/// type, or several request values that disagree under an operator without a set prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Unevaluable {
    /// What the request value should have been: "an IP address", "a number", ...
    pub(crate) expected: &'static str,
}

pub(super) const EXPECT_NUMBER: Unevaluable = Unevaluable { expected: "a number" };
pub(super) const EXPECT_DATE: Unevaluable = Unevaluable {
    expected: "an RFC 3339 date-time with offset, or a date",
};
pub(super) const EXPECT_BOOL: Unevaluable = Unevaluable {
    expected: "`true` or `false` (any letter case)",
};
pub(super) const EXPECT_IP: Unevaluable = Unevaluable {
    expected: "an IP address",
};
pub(super) const EXPECT_SINGLE: Unevaluable = Unevaluable {
    expected: "a single value, or values that all agree (use `ForAnyValue:` or `ForAllValues:`)",
};

/// What a decision has not to work out twice about its context: which entry holds a value of
/// which condition key (one pass over the entries, each mapped to its key's slot, when a condition
/// first asks), each inline value parsed as an IP address (at most once), and the outcome of the
/// last statements' conditions (a statement covering several required actions is evaluated once).
/// Built per decision on the stack: no allocation.
pub(crate) struct Memo<'s> {
    keys: &'s KeySlots,
    resolved: Cell<bool>,
    /// Per slot below [`MASKED_SLOTS`]: the inline entries of the context holding values of its key
    /// (bit `i`: entry `i`).
    masks: [Cell<u8>; MASKED_SLOTS],
    /// Per inline entry: its key's slot ([`NO_SLOT`] for a key no condition reads).
    slots: [Cell<u32>; Context::INLINE_VALUES],
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

impl<'s> Memo<'s> {
    /// A memo for a decision against the set whose condition keys are `keys`.
    #[inline]
    pub(crate) fn new(keys: &'s KeySlots) -> Memo<'s> {
        Memo {
            keys,
            resolved: Cell::new(false),
            masks: [const { Cell::new(0) }; MASKED_SLOTS],
            slots: [const { Cell::new(NO_SLOT) }; Context::INLINE_VALUES],
            ips: [const { Cell::new(None) }; Context::INLINE_VALUES],
            outcomes: [const { Cell::new(0) }; OUTCOMES],
        }
    }

    /// The inline entries of `ctx` holding values of key `slot` (bit `i`: entry `i`).
    #[inline]
    fn entries(&self, ctx: &Context<'_>, slot: u32) -> u8 {
        let inline = ctx.inline_entries();
        if !self.resolved.get() {
            self.resolve(inline);
        }
        if let Some(mask) = self.masks.get(slot as usize) {
            return mask.get();
        }
        let mut mask = 0u8;
        for (i, cell) in self.slots.iter().take(inline.len()).enumerate() {
            if cell.get() == slot {
                mask |= 1 << i;
            }
        }
        mask
    }

    /// Maps each inline entry to its key's slot: one pass over the entries.
    #[cold]
    fn resolve(&self, inline: &[(&str, &str)]) {
        for (i, ((key, _), cell)) in inline.iter().zip(&self.slots).enumerate() {
            let slot = self.keys.slot_of(key).unwrap_or(NO_SLOT);
            cell.set(slot);
            if let Some(mask) = self.masks.get(slot as usize) {
                mask.set(mask.get() | 1 << i);
            }
        }
        self.resolved.set(true);
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

    /// The outcome of statement `id`'s conditions, computed by `compute` unless remembered.
    #[inline]
    pub(crate) fn block(&self, id: usize, compute: impl FnOnce() -> Block) -> Block {
        let cell = &self.outcomes[id % OUTCOMES];
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
    fn ip(&self, i: usize, text: &str) -> Option<IpAddr> {
        let Some(cell) = self.ips.get(i) else {
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

/// A request value and, for a value of the context's inline entries, its index there (for the memo).
type Indexed<'a> = (RequestValue<'a>, Option<usize>);

/// One request value: text from the context, or the evaluation time.
#[derive(Debug, Clone, Copy)]
enum RequestValue<'a> {
    Text(&'a str),
    Time(OffsetDateTime),
}

/// What the request values said, value by value, after negation.
#[derive(Debug, Default)]
struct Tally {
    seen: bool,
    any_true: bool,
    any_false: bool,
    unevaluable: Option<Unevaluable>,
}

impl CompiledCondition {
    /// What the condition says about a request evaluated at `now` (used for `g:CurrentTime` when the
    /// context pins no time). Parses only the request's values and allocates nothing.
    pub(crate) fn evaluate(&self, ctx: &Context<'_>, now: OffsetDateTime) -> Outcome {
        self.evaluate_in(ctx, now, None)
    }

    /// [`CompiledCondition::evaluate`], remembering key look-ups and parsed values in `memo` (the
    /// same outcome, with less work when several conditions of one decision read the same key).
    #[inline]
    pub(crate) fn evaluate_with(&self, ctx: &Context<'_>, now: OffsetDateTime, memo: &Memo<'_>) -> Outcome {
        self.evaluate_in(ctx, now, Some(memo))
    }

    fn evaluate_in(&self, ctx: &Context<'_>, now: OffsetDateTime, memo: Option<&Memo<'_>>) -> Outcome {
        match &self.test {
            Test::Null(expect_absent) => {
                let mut present = false;
                self.for_each_value(ctx, now, memo, |_| present = true);
                holds_if(expect_absent.iter().any(|&absent| absent != present))
            }
            Test::IsNullOrEmpty(expect_null) => {
                let mut non_empty = false;
                self.for_each_value(ctx, now, memo, |(v, _)| {
                    non_empty |= !matches!(v, RequestValue::Text(""));
                });
                holds_if(
                    expect_null
                        .iter()
                        .any(|&null_or_empty| null_or_empty != non_empty),
                )
            }
            _ => {
                let mut tally = Tally::default();
                self.for_each_value(ctx, now, memo, |(v, i)| {
                    tally.seen = true;
                    let ip = |text: &str| match (memo, i) {
                        (Some(memo), Some(i)) => memo.ip(i, text),
                        _ => parse_ip(text),
                    };
                    match self.matches(v, ip) {
                        Ok(matched) if matched != self.negated => tally.any_true = true,
                        Ok(_) => tally.any_false = true,
                        Err(u) => {
                            tally.unevaluable.get_or_insert(u);
                        }
                    }
                });
                self.combine(&tally)
            }
        }
    }

    /// Calls `f` with each request value of the key (and its inline index, if it has one), in the
    /// order given, with the stand-ins of the special keys.
    fn for_each_value<'a>(
        &self,
        ctx: &Context<'a>,
        now: OffsetDateTime,
        memo: Option<&Memo<'_>>,
        mut f: impl FnMut(Indexed<'a>),
    ) {
        let mut any = false;
        match (memo, self.slot) {
            (Some(memo), Some(slot)) => {
                let inline = ctx.inline_entries();
                let mut mask = memo.entries(ctx, slot);
                while mask != 0 {
                    let i = mask.trailing_zeros() as usize;
                    mask &= mask - 1;
                    if let Some(&(_, value)) = inline.get(i) {
                        any = true;
                        f((RequestValue::Text(value), Some(i)));
                    }
                }
                for (key, value) in ctx.spilled_entries() {
                    if eq_folded(key, &self.key) {
                        any = true;
                        f((RequestValue::Text(value), None));
                    }
                }
            }
            _ => {
                for value in ctx.values(&self.key) {
                    any = true;
                    f((RequestValue::Text(value), None));
                }
            }
        }
        if any {
            return;
        }
        match self.source {
            KeySource::Context => {}
            KeySource::CurrentTime => f((RequestValue::Time(ctx.current_time().unwrap_or(now)), None)),
            KeySource::EnterpriseProject => {
                if let Some(ep) = ctx.enterprise_project() {
                    f((RequestValue::Text(ep), None));
                }
            }
        }
    }

    /// Whether one request value matches some policy value (before negation).
    /// `ip` parses a text value as an address (possibly remembered).
    fn matches(
        &self,
        value: RequestValue<'_>,
        ip: impl Fn(&str) -> Option<IpAddr>,
    ) -> Result<bool, Unevaluable> {
        if let (Test::Date(cmp, dates), RequestValue::Time(t)) = (&self.test, value) {
            let t = Instant::of(t);
            return Ok(cmp.test_any(&t, dates));
        }
        match value {
            RequestValue::Text(text) => self.matches_text(text, ip),
            RequestValue::Time(t) => {
                let mut buf = [0u8; 64];
                self.matches_text(time_text(t, &mut buf).ok_or(EXPECT_DATE)?, ip)
            }
        }
    }

    /// Whether one request value, as text, matches some policy value (before negation).
    fn matches_text(&self, text: &str, ip: impl Fn(&str) -> Option<IpAddr>) -> Result<bool, Unevaluable> {
        Ok(match &self.test {
            Test::Equals(ps) => ps.contains(text),
            Test::EqualsIgnoreCase(ps) => ps.contains_folded(text),
            Test::Like(ps) => ps.iter().any(|p| p.matches(text)),
            Test::StartWith(ps) => ps.iter().any(|p| text.starts_with(p.as_str())),
            Test::EndWith(ps) => ps.iter().any(|p| text.ends_with(p.as_str())),
            Test::Number(cmp, ps) => {
                let n = parse_number(text).ok_or(EXPECT_NUMBER)?;
                cmp.test_any(&n, ps)
            }
            Test::Date(cmp, ps) => {
                let t = parse_date(text).ok_or(EXPECT_DATE)?;
                cmp.test_any(&t, ps)
            }
            Test::Bool(ps) => {
                let b = parse_bool(text).ok_or(EXPECT_BOOL)?;
                ps.contains(&b)
            }
            Test::Ip(nets) => {
                // Both sides canonical: a mapped address is its IPv4 address.
                let addr = ip(text).ok_or(EXPECT_IP)?;
                nets.contains(addr)
            }
            // Handled in `evaluate`; they never reach here.
            Test::Null(_) | Test::IsNullOrEmpty(_) => false,
        })
    }

    /// The outcome from what the request values said (three-valued logic; see the module docs).
    fn combine(&self, tally: &Tally) -> Outcome {
        if !tally.seen {
            return if self.if_exists {
                Outcome::Holds
            } else {
                match self.quantifier {
                    Quantifier::ForAnyValue => Outcome::Fails,
                    Quantifier::ForAllValues => Outcome::Holds,
                    Quantifier::Single => holds_if(self.negated),
                }
            };
        }
        match (self.quantifier, tally.unevaluable) {
            (Quantifier::ForAnyValue, _) if tally.any_true => Outcome::Holds,
            (Quantifier::ForAllValues, _) if tally.any_false => Outcome::Fails,
            (_, Some(u)) => Outcome::Unevaluable(u),
            (Quantifier::Single, None) if tally.any_true && tally.any_false => {
                Outcome::Unevaluable(EXPECT_SINGLE)
            }
            (Quantifier::ForAnyValue | Quantifier::Single, None) => holds_if(tally.any_true),
            (Quantifier::ForAllValues, None) => Outcome::Holds,
        }
    }
}

fn holds_if(holds: bool) -> Outcome {
    if holds { Outcome::Holds } else { Outcome::Fails }
}
