//! Condition operators: each `"<Operator>": {"<key>": [values]}` entry is compiled once (operator
//! classified, policy values parsed) and then evaluated against a request [`Context`] without parsing
//! a policy value again and without heap allocation.
//!
//! The semantics (operators, missing keys, `IfExists`, set prefixes, unevaluable request values,
//! keys) are the crate's promise to users and are written once, in the crate documentation
//! (`README.md`, section "Conditions").

mod error;
mod keys;
#[cfg(test)]
mod tests;
mod values;

use std::cell::Cell;
use std::net::IpAddr;

use ipnet::IpNet;
use time::OffsetDateTime;

use crate::eval::Context;
use crate::policy::{ConditionEntry, ConditionValue, Location, Spanned};

use super::fold::{eq_folded, folded};
use super::wildcard::{Case, Pattern};
pub use error::ConditionError;
use error::ErrorKind;
pub(crate) use keys::{GLOBAL_KEYS, ValueType, global_key};
use values::{Instant, parse_bool, parse_date, parse_ip, parse_net, parse_number, time_text};

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

const EXPECT_NUMBER: Unevaluable = Unevaluable { expected: "a number" };
const EXPECT_DATE: Unevaluable = Unevaluable {
    expected: "an RFC 3339 date-time with offset, or a date",
};
const EXPECT_BOOL: Unevaluable = Unevaluable {
    expected: "`true` or `false` (any letter case)",
};
const EXPECT_IP: Unevaluable = Unevaluable {
    expected: "an IP address",
};
const EXPECT_SINGLE: Unevaluable = Unevaluable {
    expected: "a single value, or values that all agree (use `ForAnyValue:` or `ForAllValues:`)",
};

/// How a comparison operator orders the request value against a policy value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cmp {
    Eq,
    Lt,
    Le,
    Gt,
    Ge,
}

impl Cmp {
    fn test<T: PartialOrd>(self, req: &T, policy: &T) -> bool {
        match self {
            Cmp::Eq => req == policy,
            Cmp::Lt => req < policy,
            Cmp::Le => req <= policy,
            Cmp::Gt => req > policy,
            Cmp::Ge => req >= policy,
        }
    }
}

/// The operator families: what the values are and how one request value matches one policy value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Family {
    Equals,
    EqualsIgnoreCase,
    Like,
    StartWith,
    EndWith,
    Number(Cmp),
    Date(Cmp),
    Bool,
    Ip,
    Null,
    IsNullOrEmpty,
}

/// Every accepted operator name (without prefix or `IfExists`): its family and whether it is negated.
const OPERATORS: &[(&str, Family, bool)] = &[
    ("StringEquals", Family::Equals, false),
    ("StringNotEquals", Family::Equals, true),
    ("StringEqualsIgnoreCase", Family::EqualsIgnoreCase, false),
    ("StringNotEqualsIgnoreCase", Family::EqualsIgnoreCase, true),
    ("StringLike", Family::Like, false),
    ("StringNotLike", Family::Like, true),
    ("StringMatch", Family::Like, false),
    ("StringNotMatch", Family::Like, true),
    ("StringStartWith", Family::StartWith, false),
    ("StringEndWith", Family::EndWith, false),
    ("StringEqualsAnyOf", Family::Equals, false),
    ("StringNotEqualsAnyOf", Family::Equals, true),
    ("StringEqualsIgnoreCaseAnyOf", Family::EqualsIgnoreCase, false),
    ("StringNotEqualsIgnoreCaseAnyOf", Family::EqualsIgnoreCase, true),
    ("StringLikeAnyOf", Family::Like, false),
    ("StringNotLikeAnyOf", Family::Like, true),
    ("StringStartWithAnyOf", Family::StartWith, false),
    ("StringEndWithAnyOf", Family::EndWith, false),
    ("NumberEquals", Family::Number(Cmp::Eq), false),
    ("NumberNotEquals", Family::Number(Cmp::Eq), true),
    ("NumberLessThan", Family::Number(Cmp::Lt), false),
    ("NumberLessThanEquals", Family::Number(Cmp::Le), false),
    ("NumberGreaterThan", Family::Number(Cmp::Gt), false),
    ("NumberGreaterThanEquals", Family::Number(Cmp::Ge), false),
    ("DateLessThan", Family::Date(Cmp::Lt), false),
    ("DateLessThanEquals", Family::Date(Cmp::Le), false),
    ("DateGreaterThan", Family::Date(Cmp::Gt), false),
    ("DateGreaterThanEquals", Family::Date(Cmp::Ge), false),
    ("Bool", Family::Bool, false),
    ("Null", Family::Null, false),
    ("IsNullOrEmpty", Family::IsNullOrEmpty, false),
    ("IpAddress", Family::Ip, false),
    ("NotIpAddress", Family::Ip, true),
];

/// `ForAnyValue:`, `ForAllValues:` or neither.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Quantifier {
    Single,
    ForAnyValue,
    ForAllValues,
}

/// Where the request values of a key come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum KeySource {
    Context,
    CurrentTime,
    EnterpriseProject,
}

/// The parsed policy values, by family.
#[derive(Debug, Clone, PartialEq)]
enum Test {
    Equals(Vec<String>),
    /// Policy values already case-folded.
    EqualsIgnoreCase(Vec<String>),
    Like(Vec<Pattern>),
    StartWith(Vec<String>),
    EndWith(Vec<String>),
    Number(Cmp, Vec<f64>),
    Date(Cmp, Vec<Instant>),
    Bool(Vec<bool>),
    Ip(Vec<IpNet>),
    /// `true` in the list: holds when the key is absent; `false`: when present.
    Null(Vec<bool>),
    /// `true` in the list: holds when the key is absent or all its values are empty.
    IsNullOrEmpty(Vec<bool>),
}

/// Compiled form of one [`ConditionEntry`]: operator classified, values parsed once.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct CompiledCondition {
    operator: String,
    key: String,
    location: Location,
    quantifier: Quantifier,
    if_exists: bool,
    negated: bool,
    source: KeySource,
    test: Test,
    /// The key's slot in a [`Memo`] (keys interned when the set is compiled), if it has one.
    slot: Option<u8>,
}

/// How many distinct condition keys of a policy set a [`Memo`] remembers; keys past these are looked
/// up in the context every time.
const MEMO_KEYS: usize = 16;

/// What one decision has learned about its context, so that conditions on the same key do not look
/// the key up again, and a request value is parsed as an address at most once. Filled lazily; built
/// per decision on the stack (no allocation).
pub(crate) struct Memo {
    /// Per key slot: 0 until looked up, then `1 | mask << 1` where `mask` has bit `i` set when inline
    /// entry `i` of the context is a value of the key.
    keys: [Cell<u16>; MEMO_KEYS],
    /// Per inline entry: the value parsed as an IP address, once asked (`Some(None)`: not one).
    ips: [Cell<Option<Option<IpAddr>>>; Context::INLINE_VALUES],
}

impl Memo {
    pub(crate) fn new() -> Memo {
        Memo {
            keys: [const { Cell::new(0) }; MEMO_KEYS],
            ips: [const { Cell::new(None) }; Context::INLINE_VALUES],
        }
    }

    /// The inline entries of `ctx` holding values of the key of `condition` (bit `i`: entry `i`).
    fn entries_of(&self, condition: &CompiledCondition, ctx: &Context<'_>, slot: usize) -> u16 {
        let Some(cell) = self.keys.get(slot) else {
            return 0;
        };
        let known = cell.get();
        if known != 0 {
            return known >> 1;
        }
        let mut mask = 0u16;
        for (i, (key, _)) in ctx.inline_entries().iter().enumerate() {
            if eq_folded(key, &condition.key) {
                mask |= 1 << i;
            }
        }
        cell.set(1 | (mask << 1));
        mask
    }

    /// Inline entry `i` (whose value is `text`) parsed as an IP address, parsed at most once.
    fn ip(&self, i: usize, text: &str) -> Option<IpAddr> {
        let Some(cell) = self.ips.get(i) else {
            return text.parse().ok();
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
    /// Compiles one entry: classifies the operator and parses every policy value.
    pub(crate) fn compile(entry: &ConditionEntry) -> Result<CompiledCondition, ConditionError> {
        let operator = &entry.operator;
        let written = operator.value.as_str();
        let (quantifier, rest, base, if_exists) = split_operator(written);
        let Some(&(base, family, negated)) = OPERATORS.iter().find(|(name, _, _)| *name == base) else {
            return Err(unknown_operator(operator, base));
        };
        if matches!(family, Family::Null | Family::IsNullOrEmpty) {
            if if_exists {
                return Err(ConditionError::new(
                    ErrorKind::IfExistsOnNull,
                    operator.location,
                    format!("`{written}` is not allowed: `IfExists` cannot be combined with `{base}`"),
                ));
            }
            if quantifier != Quantifier::Single {
                let prefix = written.strip_suffix(rest).unwrap_or(written);
                return Err(ConditionError::new(
                    ErrorKind::SetPrefixOnNull,
                    operator.location,
                    format!("`{written}` is not allowed: `{prefix}` cannot be combined with `{base}`"),
                ));
            }
        }
        if entry.values.is_empty() {
            return Err(ConditionError::new(
                ErrorKind::EmptyValues,
                entry.key.location,
                format!(
                    "condition key `{}` under `{written}` has no values",
                    entry.key.value
                ),
            ));
        }
        let key = entry.key.value.as_str();
        let test = parse_values(family, entry)?;
        let source = if eq_folded(key, "g:CurrentTime") {
            KeySource::CurrentTime
        } else if eq_folded(key, "g:EnterpriseProjectId") {
            KeySource::EnterpriseProject
        } else {
            KeySource::Context
        };
        Ok(CompiledCondition {
            operator: written.to_owned(),
            key: key.to_owned(),
            location: operator.location,
            quantifier,
            if_exists,
            negated,
            source,
            test,
            slot: None,
        })
    }

    /// Gives the condition's key a memo slot, interning its name in `keys` (case-folded names).
    pub(crate) fn intern_key(&mut self, keys: &mut Vec<String>) {
        let position = keys.iter().position(|k| eq_folded(k, &self.key));
        let slot = position.unwrap_or_else(|| {
            keys.push(folded(&self.key).collect());
            keys.len() - 1
        });
        self.slot = u8::try_from(slot).ok().filter(|&s| usize::from(s) < MEMO_KEYS);
    }

    /// What the condition says about a request evaluated at `now` (used for `g:CurrentTime` when the
    /// context pins no time). Parses only the request's values and allocates nothing.
    pub(crate) fn evaluate(&self, ctx: &Context<'_>, now: OffsetDateTime) -> Outcome {
        self.evaluate_in(ctx, now, None)
    }

    /// [`CompiledCondition::evaluate`], remembering key look-ups and parsed values in `memo` (the
    /// same outcome, with less work when several conditions of one decision read the same key).
    pub(crate) fn evaluate_with(&self, ctx: &Context<'_>, now: OffsetDateTime, memo: &Memo) -> Outcome {
        self.evaluate_in(ctx, now, Some(memo))
    }

    fn evaluate_in(&self, ctx: &Context<'_>, now: OffsetDateTime, memo: Option<&Memo>) -> Outcome {
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

    /// The operator as written, prefix and suffix included.
    pub(crate) fn operator(&self) -> &str {
        &self.operator
    }

    /// The condition key as written.
    pub(crate) fn key(&self) -> &str {
        &self.key
    }

    /// Where the operator is written.
    pub(crate) fn location(&self) -> Location {
        self.location
    }

    /// Whether the condition reads `g:CurrentTime` (so its outcome depends on the evaluation time).
    pub(crate) fn uses_current_time(&self) -> bool {
        self.source == KeySource::CurrentTime
    }

    /// Calls `f` with each request value of the key (and its inline index, if it has one), in the
    /// order given, with the stand-ins of the special keys.
    fn for_each_value<'a>(
        &self,
        ctx: &Context<'a>,
        now: OffsetDateTime,
        memo: Option<&Memo>,
        mut f: impl FnMut(Indexed<'a>),
    ) {
        let mut any = false;
        match (memo, self.slot) {
            (Some(memo), Some(slot)) => {
                let mut mask = memo.entries_of(self, ctx, usize::from(slot));
                let inline = ctx.inline_entries();
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
            return Ok(dates.iter().any(|d| cmp.test(&t, d)));
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
            Test::Equals(ps) => ps.iter().any(|p| p == text),
            Test::EqualsIgnoreCase(ps) => ps.iter().any(|p| p.chars().eq(folded(text))),
            Test::Like(ps) => ps.iter().any(|p| p.matches(text)),
            Test::StartWith(ps) => ps.iter().any(|p| text.starts_with(p.as_str())),
            Test::EndWith(ps) => ps.iter().any(|p| text.ends_with(p.as_str())),
            Test::Number(cmp, ps) => {
                let n = parse_number(text).ok_or(EXPECT_NUMBER)?;
                ps.iter().any(|p| cmp.test(&n, p))
            }
            Test::Date(cmp, ps) => {
                let t = parse_date(text).ok_or(EXPECT_DATE)?;
                ps.iter().any(|p| cmp.test(&t, p))
            }
            Test::Bool(ps) => {
                let b = parse_bool(text).ok_or(EXPECT_BOOL)?;
                ps.contains(&b)
            }
            Test::Ip(nets) => {
                // Both sides canonical: a mapped address is its IPv4 address.
                let addr = ip(text).ok_or(EXPECT_IP)?;
                nets.iter().any(|n| n.contains(&addr))
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

/// Splits an operator as written into its set prefix, the rest after the prefix, the base name, and
/// whether it ends with `IfExists`.
fn split_operator(written: &str) -> (Quantifier, &str, &str, bool) {
    let (quantifier, rest) = if let Some(rest) = written.strip_prefix("ForAnyValue:") {
        (Quantifier::ForAnyValue, rest)
    } else if let Some(rest) = written.strip_prefix("ForAllValues:") {
        (Quantifier::ForAllValues, rest)
    } else {
        (Quantifier::Single, written)
    };
    let (base, if_exists) = match rest.strip_suffix("IfExists") {
        Some(base) => (base, true),
        None => (rest, false),
    };
    (quantifier, rest, base, if_exists)
}

/// Every accepted operator name, without prefix or `IfExists`.
pub(crate) fn operator_names() -> impl Iterator<Item = &'static str> {
    OPERATORS.iter().map(|&(name, _, _)| name)
}

/// The type of value an operator compares (prefixes and `IfExists` allowed): `Some(None)` for `Null`
/// and `IsNullOrEmpty`, which test presence and suit keys of any type; `None` for an unknown operator.
pub(crate) fn operator_value_type(written: &str) -> Option<Option<ValueType>> {
    let (_, _, base, _) = split_operator(written);
    let &(_, family, _) = OPERATORS.iter().find(|(name, _, _)| *name == base)?;
    Some(match family {
        Family::Equals | Family::EqualsIgnoreCase | Family::Like | Family::StartWith | Family::EndWith => {
            Some(ValueType::String)
        }
        Family::Number(_) => Some(ValueType::Number),
        Family::Date(_) => Some(ValueType::Date),
        Family::Bool => Some(ValueType::Bool),
        Family::Ip => Some(ValueType::Ip),
        Family::Null | Family::IsNullOrEmpty => None,
    })
}

fn holds_if(holds: bool) -> Outcome {
    if holds { Outcome::Holds } else { Outcome::Fails }
}

fn unknown_operator(operator: &Spanned<String>, base: &str) -> ConditionError {
    let written = operator.value.as_str();
    let hint = match OPERATORS
        .iter()
        .find(|(name, _, _)| name.eq_ignore_ascii_case(base))
    {
        Some((name, _, _)) => format!(" (operator names are case-sensitive: did you mean `{name}`?)"),
        None => nearest_operator(base)
            .map(|name| format!(" (did you mean `{name}`?)"))
            .unwrap_or_default(),
    };
    ConditionError::new(
        ErrorKind::UnknownOperator,
        operator.location,
        format!("unknown condition operator `{written}`{hint}"),
    )
}

/// The accepted operator name nearest to `base` (edit distance, ties to the first listed).
fn nearest_operator(base: &str) -> Option<&'static str> {
    OPERATORS
        .iter()
        .map(|&(name, _, _)| (strsim::damerau_levenshtein(base, name), name))
        .min_by_key(|&(distance, _)| distance)
        .map(|(_, name)| name)
}

/// Parses every policy value for the family.
fn parse_values(family: Family, entry: &ConditionEntry) -> Result<Test, ConditionError> {
    let values = &entry.values;
    let texts = || values.iter().map(|v| v.value.as_text().to_owned()).collect();
    Ok(match family {
        Family::Equals => Test::Equals(texts()),
        Family::EqualsIgnoreCase => Test::EqualsIgnoreCase(
            values
                .iter()
                .map(|v| folded(v.value.as_text()).collect())
                .collect(),
        ),
        Family::Like => Test::Like(
            values
                .iter()
                .map(|v| Pattern::new(v.value.as_text(), Case::Sensitive))
                .collect(),
        ),
        Family::StartWith => Test::StartWith(texts()),
        Family::EndWith => Test::EndWith(texts()),
        Family::Number(cmp) => Test::Number(
            cmp,
            parse_each(
                entry,
                "a finite decimal number such as `-1`, `0.5` or `1e3`",
                |v| match v {
                    ConditionValue::String(s) | ConditionValue::Number(s) => parse_number(s),
                    ConditionValue::Bool(_) => None,
                },
            )?,
        ),
        Family::Date(cmp) => Test::Date(
            cmp,
            parse_each(
                entry,
                "an RFC 3339 date-time with offset, such as `2026-01-01T00:00:00Z`, or a date such as `2026-01-01`",
                |v| match v {
                    ConditionValue::String(s) => parse_date(s),
                    ConditionValue::Number(_) | ConditionValue::Bool(_) => None,
                },
            )?,
        ),
        Family::Bool => Test::Bool(parse_each(entry, "`true` or `false`", policy_bool)?),
        Family::Null => Test::Null(parse_each(entry, "`true` or `false`", policy_bool)?),
        Family::IsNullOrEmpty => Test::IsNullOrEmpty(parse_each(entry, "`true` or `false`", policy_bool)?),
        Family::Ip => Test::Ip(parse_each(
            entry,
            "an IPv4 or IPv6 address or CIDR block",
            |v| match v {
                ConditionValue::String(s) => parse_net(s),
                ConditionValue::Number(_) | ConditionValue::Bool(_) => None,
            },
        )?),
    })
}

/// Parses each value with `parse`, or reports the first that does not parse.
fn parse_each<T>(
    entry: &ConditionEntry,
    expected: &str,
    parse: impl Fn(&ConditionValue) -> Option<T>,
) -> Result<Vec<T>, ConditionError> {
    entry
        .values
        .iter()
        .map(|v| {
            parse(&v.value).ok_or_else(|| {
                ConditionError::new(
                    ErrorKind::InvalidValue,
                    v.location,
                    format!(
                        "invalid value `{}` for `{}` on `{}`: expected {expected}",
                        v.value.as_text(),
                        entry.operator.value,
                        entry.key.value
                    ),
                )
            })
        })
        .collect()
}

fn policy_bool(value: &ConditionValue) -> Option<bool> {
    match value {
        ConditionValue::Bool(b) => Some(*b),
        ConditionValue::String(s) => parse_bool(s),
        ConditionValue::Number(_) => None,
    }
}
