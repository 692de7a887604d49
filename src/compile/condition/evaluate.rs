//! Evaluating a compiled condition against a request [`Context`]: three-valued, allocation-free, with
//! a per-decision [`Memo`] of key look-ups and parsed addresses.

use std::net::IpAddr;

use time::OffsetDateTime;

use super::values::{Instant, parse_bool, parse_date, parse_ip, parse_number, time_text};
use super::{CompiledCondition, KeySource, Memo, Quantifier, Test};
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
    ///
    /// A key with one request value, inline in the context (the usual case), is decided by that
    /// value alone: what [`CompiledCondition::combine`] says of one value, whatever the set prefix.
    #[inline]
    pub(crate) fn evaluate_with(&self, ctx: &Context<'_>, now: OffsetDateTime, memo: &Memo<'_>) -> Outcome {
        if let Some(i) = memo.single(ctx, self.single_slot) {
            if let Some(&(_, text)) = ctx.inline_entries().get(i) {
                return match self.matches_text(text, |t| memo.ip(i, t)) {
                    Ok(matched) => holds_if(matched != self.negated),
                    Err(u) => Outcome::Unevaluable(u),
                };
            }
        }
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
    #[inline]
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
