//! Per-key theories: for the blocks that mention one condition key, every vector of block truths that
//! some request can produce (a *region*), each with the values that produce it.
//!
//! 1. Candidate single values come from the theory of the blocks' family (strings: automata;
//!    numbers, dates, addresses, booleans: interval ends and neighbours; always an unparseable value).
//! 2. Each candidate is put in a request and every block is evaluated by the evaluator's own condition
//!    code; candidates with the same truths are one region.
//! 3. Absence is a region of its own where the key can be absent.
//! 4. Several values: a block's truth on a set of values depends only on the truths of its members
//!    (the set prefixes combine them; without a prefix they decide when they agree), so the regions of
//!    sets are the closure of the single-value regions under union; each union is evaluated again by the
//!    evaluator, with the values of its members.

use std::collections::HashMap;

use super::adapter::Truth;
use super::blocks::{Blocks, Family};
use super::error::AnalysisError;
use super::{strings, typed};

/// Bound: regions per key (single values and sets of values).
pub(crate) const MAX_REGIONS: usize = 4_096;

/// One achievable vector of block truths and values that produce it (none: the key is absent).
#[derive(Debug, Clone)]
pub(crate) struct Region {
    pub(crate) truths: Vec<Truth>,
    pub(crate) values: Vec<String>,
}

/// The regions of one key, over the given blocks (in that order).
#[derive(Debug)]
pub(crate) struct KeyTheory {
    pub(crate) key: String,
    pub(crate) regions: Vec<Region>,
}

/// Which sets of values a theory needs (see [`theory`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Sets {
    /// Every set: the closure of the single values under union.
    All,
    /// None: every block decides sets by agreement and, on all blocks but at most one, the goal never
    /// prefers `Unevaluable`, so a set is never better than the best of its values.
    None,
    /// The set of all single-value witnesses only: every block decides sets by agreement and the goal
    /// prefers `Unevaluable` (or does not care), so that set is at least as good as any other.
    Top,
}

/// Computes the theory of `key` over `ids` (blocks on that key); `absent_ok`: whether a request can
/// lack the key; `sets`: which sets of values the goal needs.
pub(crate) fn theory(
    blocks: &Blocks,
    key: &str,
    ids: &[usize],
    absent_ok: bool,
    sets: Sets,
) -> Result<KeyTheory, AnalysisError> {
    let infos: Vec<_> = ids.iter().map(|&i| blocks.get(i)).collect();
    let has_str = infos.iter().any(|b| matches!(b.family, Family::Str(_)));
    let has_typed = infos.iter().any(|b| {
        matches!(
            b.family,
            Family::Number | Family::Date | Family::Ip | Family::Bool
        )
    });
    let written = infos.first().map_or(key, |b| b.key_written.as_str());
    if has_str && has_typed {
        return Err(AnalysisError::MixedKey(written.to_owned()));
    }
    let mut candidates: Vec<String> = vec![String::new(), typed::UNPARSEABLE.to_owned()];
    if has_str {
        let values: Vec<_> = infos
            .iter()
            .filter_map(|b| match b.family {
                Family::Str(kind) => Some(b.values.iter().map(move |v| (kind, v.as_str()))),
                _ => None,
            })
            .flatten()
            .collect();
        candidates.extend(strings::candidates(&values, written)?);
    }
    let of = |f: Family| {
        infos
            .iter()
            .filter(move |b| b.family == f)
            .flat_map(|b| b.values.iter().map(String::as_str))
    };
    if infos.iter().any(|b| b.family == Family::Number) {
        candidates.extend(typed::numbers(of(Family::Number)));
    }
    if infos.iter().any(|b| b.family == Family::Date) {
        candidates.extend(typed::dates(of(Family::Date)));
    }
    if infos.iter().any(|b| b.family == Family::Ip) {
        candidates.extend(typed::addresses(of(Family::Ip)));
    }
    if infos.iter().any(|b| b.family == Family::Bool) {
        candidates.extend(typed::booleans());
    }
    // Readable witnesses first: empty and unparseable values last.
    let rank = |s: &String| {
        (
            s.is_empty() || s == typed::UNPARSEABLE,
            s.len(),
            s.chars().any(char::is_uppercase),
        )
    };
    candidates.sort_by(|a, b| rank(a).cmp(&rank(b)).then_with(|| a.cmp(b)));
    candidates.dedup();

    let truths_of =
        |values: &[&str]| -> Vec<Truth> { infos.iter().map(|b| b.block.truth(values, None)).collect() };
    let mut seen: HashMap<Vec<Truth>, usize> = HashMap::new();
    let mut regions: Vec<Region> = Vec::new();
    for c in &candidates {
        let truths = truths_of(&[c.as_str()]);
        if !seen.contains_key(&truths) {
            seen.insert(truths.clone(), regions.len());
            regions.push(Region {
                truths,
                values: vec![c.clone()],
            });
        }
    }
    let singles = regions.len();
    if sets == Sets::Top && singles > 1 {
        let values: Vec<String> = regions.iter().map(|r| r.values[0].clone()).collect();
        let refs: Vec<&str> = values.iter().map(String::as_str).collect();
        let truths = truths_of(&refs);
        if !seen.contains_key(&truths) {
            seen.insert(truths.clone(), regions.len());
            regions.push(Region { truths, values });
        }
    }
    // Sets of values: closure under union.
    let mut next = if sets == Sets::All { 0 } else { usize::MAX };
    while next < regions.len() {
        for s in 0..singles {
            let single = &regions[s].values[0];
            if regions[next].values.contains(single) {
                continue;
            }
            let mut values = regions[next].values.clone();
            values.push(single.clone());
            let refs: Vec<&str> = values.iter().map(String::as_str).collect();
            let truths = truths_of(&refs);
            if seen.contains_key(&truths) {
                continue;
            }
            if regions.len() >= MAX_REGIONS {
                return Err(AnalysisError::limit(
                    "max_regions_per_key",
                    MAX_REGIONS,
                    format!("the values of condition key `{written}` tell apart too many cases"),
                ));
            }
            seen.insert(truths.clone(), regions.len());
            regions.push(Region { truths, values });
        }
        next += 1;
    }
    if absent_ok {
        let truths = truths_of(&[]);
        if !seen.contains_key(&truths) {
            regions.push(Region {
                truths,
                values: Vec::new(),
            });
        } else if let Some(&i) = seen.get(&truths) {
            // Prefer the absent key as the witness of its region: the shortest request.
            regions[i].values.clear();
        }
    }
    Ok(KeyTheory {
        key: written.to_owned(),
        regions,
    })
}
