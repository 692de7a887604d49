//! Condition operators: each `"<Operator>": {"<key>": [values]}` entry is compiled once (operator
//! classified, policy values parsed, here) and then evaluated against a request context without parsing
//! a policy value again and without heap allocation (`evaluate.rs`).
//!
//! The semantics (operators, missing keys, `IfExists`, set prefixes, unevaluable request values,
//! keys) are the crate's promise to users and are written once, in the crate documentation
//! (`README.md`, section "Conditions").

mod error;
mod evaluate;
mod keys;
mod memo;
mod sets;
mod slots;
#[cfg(test)]
mod tests;
mod values;

use crate::policy::{ConditionEntry, ConditionValue, Location, Spanned};

use super::wildcard::{Case, Pattern};
use crate::fold::{eq_folded, folded};
pub use error::ConditionError;
use error::ErrorKind;
pub(crate) use evaluate::Outcome;
pub(crate) use keys::{GLOBAL_KEYS, ValueType, global_key};
pub(crate) use memo::{Block, Memo};
use sets::Nets;
pub(crate) use sets::Strings;
pub(crate) use slots::KeySlots;
use values::{Instant, parse_bool, parse_date, parse_net, parse_number};

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

    /// Whether `req` compares so with some of the policy values `sorted` (ascending, no NaN):
    /// equality by binary search, an ordering against the largest or smallest value only.
    #[inline]
    fn test_any<T: PartialOrd>(self, req: &T, sorted: &[T]) -> bool {
        match self {
            Cmp::Eq => sorted
                .binary_search_by(|p| p.partial_cmp(req).unwrap_or(std::cmp::Ordering::Less))
                .is_ok(),
            Cmp::Lt | Cmp::Le => sorted.last().is_some_and(|max| self.test(req, max)),
            Cmp::Gt | Cmp::Ge => sorted.first().is_some_and(|min| self.test(req, min)),
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

/// The parsed policy values, by family, compiled for lookup (`sets.rs`).
#[derive(Debug, Clone, PartialEq)]
enum Test {
    Equals(Strings),
    /// Policy values already case-folded.
    EqualsIgnoreCase(Strings),
    Like(Vec<Pattern>),
    StartWith(Vec<String>),
    EndWith(Vec<String>),
    /// Sorted, `-0` as `0`.
    Number(Cmp, Vec<f64>),
    /// Sorted.
    Date(Cmp, Vec<Instant>),
    Bool(Vec<bool>),
    Ip(Nets),
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
    /// The key's slot in its set's [`KeySlots`] (interned when the set is compiled), if it has one.
    slot: Option<u32>,
    /// The slot again when one request value decides the condition by itself (every test but
    /// `Null` and `IsNullOrEmpty`), else `u32::MAX`: see [`CompiledCondition::evaluate_with`].
    single_slot: u32,
}

/// What a statement index files a statement under: a condition that cannot hold, nor leave a Deny
/// applying, unless some request value of the key (`slot`) is one of `values` (exactly, or after
/// case folding when `folded`). See [`CompiledCondition::index_key`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct IndexKey<'c> {
    pub(crate) slot: u32,
    pub(crate) folded: bool,
    pub(crate) values: &'c Strings,
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
            single_slot: u32::MAX,
        })
    }

    /// Gives the condition's key its slot, interning its name in `keys`.
    pub(crate) fn intern_key(&mut self, keys: &mut KeySlots) {
        let slot = keys.intern(&self.key);
        self.slot = Some(slot);
        if !matches!(self.test, Test::Null(_) | Test::IsNullOrEmpty(_)) {
            self.single_slot = slot;
        }
    }

    /// The index key of a condition that a statement can be indexed by, if it is one: a positive
    /// `StringEquals`-family condition (exact or `IgnoreCase`, `...AnyOf` included), without
    /// `IfExists`, without a prefix or with `ForAnyValue:`, on a key read from the context only
    /// (not `g:CurrentTime` or `g:EnterpriseProjectId`, which have stand-ins), whose key has a slot.
    ///
    /// Such a condition fails when no request value of its key is one of its values: with the key
    /// missing it fails (no `IfExists`, no `ForAllValues:`); with values, none of which matches, no
    /// value is unevaluable (string equality always evaluates) and it fails. A failing condition
    /// keeps an Allow from applying and a Deny from applying, so a statement need only be
    /// considered for the request values of its key.
    pub(crate) fn index_key(&self) -> Option<IndexKey<'_>> {
        let (folded, values) = match &self.test {
            Test::Equals(values) => (false, values),
            Test::EqualsIgnoreCase(values) => (true, values),
            _ => return None,
        };
        let indexable = !self.negated
            && !self.if_exists
            && self.quantifier != Quantifier::ForAllValues
            && self.source == KeySource::Context;
        Some(IndexKey {
            slot: self.slot.filter(|_| indexable)?,
            folded,
            values,
        })
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
        Family::Equals => Test::Equals(Strings::new(texts())),
        Family::EqualsIgnoreCase => Test::EqualsIgnoreCase(Strings::new(
            values.iter().map(|v| folded(v.value.as_text()).collect()),
        )),
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
            sorted_numbers(parse_each(
                entry,
                "a finite decimal number such as `-1`, `0.5` or `1e3`",
                |v| match v {
                    ConditionValue::String(s) | ConditionValue::Number(s) => parse_number(s),
                    ConditionValue::Bool(_) => None,
                },
            )?),
        ),
        Family::Date(cmp) => Test::Date(
            cmp,
            sorted(parse_each(
                entry,
                "an RFC 3339 date-time with offset, such as `2026-01-01T00:00:00Z`, or a date such as `2026-01-01`",
                |v| match v {
                    ConditionValue::String(s) => parse_date(s),
                    ConditionValue::Number(_) | ConditionValue::Bool(_) => None,
                },
            )?),
        ),
        Family::Bool => Test::Bool(parse_each(entry, "`true` or `false`", policy_bool)?),
        Family::Null => Test::Null(parse_each(entry, "`true` or `false`", policy_bool)?),
        Family::IsNullOrEmpty => Test::IsNullOrEmpty(parse_each(entry, "`true` or `false`", policy_bool)?),
        Family::Ip => Test::Ip(Nets::new(&parse_each(
            entry,
            "an IPv4 or IPv6 address or CIDR block",
            |v| match v {
                ConditionValue::String(s) => parse_net(s),
                ConditionValue::Number(_) | ConditionValue::Bool(_) => None,
            },
        )?)),
    })
}

/// Finite numbers sorted, `-0` as `0` (so that the order agrees with `==`).
fn sorted_numbers(numbers: Vec<f64>) -> Vec<f64> {
    let mut numbers: Vec<f64> = numbers.into_iter().map(|n| n + 0.0).collect();
    numbers.sort_unstable_by(f64::total_cmp);
    numbers
}

fn sorted<T: Ord>(mut values: Vec<T>) -> Vec<T> {
    values.sort_unstable();
    values
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
