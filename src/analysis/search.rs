//! The search: assign condition keys one at a time, each to one of its regions, and evaluate the
//! formulas with three-valued logic on the way, pruning as soon as the goal is decided.
//!
//! A formula is what the evaluator decides for one scope situation: for each counted required action,
//! no Deny statement applies (a Deny applies unless one of its blocks fails) and some Allow statement
//! holds (all of its blocks hold). A goal is a conjunction of formulas and negated formulas (`allowed`,
//! `denied`, `new allows and old does not`). The search is complete over the regions, so "no
//! assignment" is a proof; it stops with `analysis_limit` after [`MAX_SEARCH_NODES`] nodes.

use std::collections::{BTreeMap, HashMap};
use std::rc::Rc;

use super::adapter::{Truth, absence_observable};
use super::blocks::Blocks;
use super::error::AnalysisError;
use super::regions::{KeyTheory, Region, Sets, theory};

/// Bound: search nodes per question.
pub(crate) const MAX_SEARCH_NODES: usize = 1_000_000;

/// The condition blocks of one statement (ANDed; none: unconditional).
pub(crate) type Atom = Vec<usize>;

/// One counted required action: the Deny and Allow statements that decide it, as atoms.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub(crate) struct ActionFormula {
    pub(crate) denies: Vec<Atom>,
    pub(crate) allows: Vec<Atom>,
}

/// What one policy set decides for one scope situation, as a function of the context.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub(crate) struct Formula {
    pub(crate) actions: Vec<ActionFormula>,
}

impl Formula {
    /// Removes duplicate atoms (statements with the same conditions decide alike).
    pub(crate) fn normalize(&mut self) {
        for a in &mut self.actions {
            for list in [&mut a.denies, &mut a.allows] {
                list.sort();
                list.dedup();
            }
            // An unconditional Allow makes the other Allows irrelevant.
            if a.allows.iter().any(Vec::is_empty) {
                a.allows = vec![Vec::new()];
            }
        }
    }

    /// `self` without the Deny atoms that `must_allow` also has: where `must_allow` allows, none of its
    /// Deny atoms applies, so they cannot decide `self` there either (the same blocks, the same
    /// truths). Used when searching for "`must_allow` allows and `self` does not".
    pub(crate) fn without_denies_of(&self, must_allow: &Formula) -> Formula {
        let theirs: Vec<&Atom> = must_allow.actions.iter().flat_map(|a| &a.denies).collect();
        let mut out = self.clone();
        for a in &mut out.actions {
            a.denies.retain(|d| !theirs.contains(&d));
        }
        out
    }

    fn blocks(&self) -> impl Iterator<Item = usize> + '_ {
        self.actions
            .iter()
            .flat_map(|a| a.denies.iter().chain(&a.allows))
            .flatten()
            .copied()
    }

    /// Decided without any context: `Some(false)` when some action has an unconditional Deny or no
    /// Allow at all; `Some(true)` when every action has an unconditional Allow and no Deny.
    pub(crate) fn constant(&self) -> Option<bool> {
        if self
            .actions
            .iter()
            .any(|a| a.allows.is_empty() || a.denies.iter().any(Vec::is_empty))
        {
            return Some(false);
        }
        if self
            .actions
            .iter()
            .all(|a| a.denies.is_empty() && a.allows.iter().any(Vec::is_empty))
        {
            return Some(true);
        }
        None
    }
}

/// Shared by every question over the same blocks: the theories already computed.
#[derive(Debug, Default)]
pub(crate) struct Theories {
    cache: HashMap<(Vec<usize>, bool, Sets), Rc<KeyTheory>>,
}

/// An assignment found by the search: per key, the values to put in the request (none: absent).
pub(crate) type Assignment = Vec<(String, Vec<String>)>;

/// Finds a context where every `(formula, wanted)` of `goal` evaluates to `wanted`, or proves there is
/// none. `enterprise_project_known`: whether the request carries an enterprise project (then
/// `g:EnterpriseProjectId` cannot be absent).
pub(crate) fn find(
    blocks: &Blocks,
    theories: &mut Theories,
    goal: &[(&Formula, bool)],
    enterprise_project_known: bool,
    pinned: &[(String, String)],
) -> Result<Option<Assignment>, AnalysisError> {
    // What the goal wants of each block: 1 = Holds helps (an Allow of a formula that must allow),
    // 2 = Fails helps (a Deny of such a formula), 4 = not Holding helps, 8 = not Failing helps.
    let mut wants: HashMap<usize, u8> = HashMap::new();
    for (f, want) in goal {
        for a in &f.actions {
            for atom in &a.allows {
                for &b in atom {
                    *wants.entry(b).or_default() |= if *want { 1 } else { 4 };
                }
            }
            for atom in &a.denies {
                for &b in atom {
                    *wants.entry(b).or_default() |= if *want { 2 } else { 8 };
                }
            }
        }
    }
    // Keys and their blocks.
    let mut by_key: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (f, _) in goal {
        for b in f.blocks() {
            by_key.entry(blocks.get(b).key.clone()).or_default().push(b);
        }
    }
    let mut keys: Vec<Rc<KeyTheory>> = Vec::new();
    // Block id -> (key index, position in the key's theory).
    let mut place: HashMap<usize, (usize, usize)> = HashMap::new();
    for (key, mut ids) in by_key {
        ids.sort_unstable();
        ids.dedup();
        let pinned_values: Vec<&str> = pinned
            .iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case(&key))
            .map(|(_, v)| v.as_str())
            .collect();
        if !pinned_values.is_empty() || pinned.iter().any(|(k, _)| k.eq_ignore_ascii_case(&key)) {
            // A key the question fixes: one region, its given values (already in the request).
            let truths = ids
                .iter()
                .map(|&b| blocks.get(b).block.truth(&pinned_values, None))
                .collect();
            for (pos, &b) in ids.iter().enumerate() {
                place.insert(b, (keys.len(), pos));
            }
            keys.push(Rc::new(KeyTheory {
                key: key.clone(),
                regions: vec![Region {
                    truths,
                    values: Vec::new(),
                }],
            }));
            continue;
        }
        let absent_ok = absence_observable(&key, enterprise_project_known);
        let agreement = ids.iter().all(|&b| blocks.get(b).decides_by_agreement());
        let want = ids
            .iter()
            .fold(0u8, |w, b| w | wants.get(b).copied().unwrap_or(0));
        // Blocks where `Unevaluable` may beat `Holds` or `Fails`.
        let special: Vec<u8> = ids
            .iter()
            .map(|b| wants.get(b).copied().unwrap_or(0))
            .filter(|w| w & 0b1100 != 0)
            .collect();
        let sets =
            if agreement && (special.is_empty() || (special.len() == 1 && special[0] & 0b1100 != 0b1100)) {
                // A set is dominated by one of its values: on the other blocks every value is at least as
                // good as the set's disagreement; on the one special block, a value that holds (no block
                // wants "not Holding") or fails (none wants "not Failing") is at least as good.
                Sets::None
            } else if agreement && want & 0b0011 == 0 {
                Sets::Top
            } else {
                Sets::All
            };
        let cache_key = (ids.clone(), absent_ok, sets);
        let t = match theories.cache.get(&cache_key) {
            Some(t) => Rc::clone(t),
            None => {
                let t = Rc::new(theory(blocks, &key, &ids, absent_ok, sets)?);
                theories.cache.insert(cache_key, Rc::clone(&t));
                t
            }
        };
        for (pos, &b) in ids.iter().enumerate() {
            place.insert(b, (keys.len(), pos));
        }
        keys.push(t);
    }
    // Fewest regions first: earlier pruning.
    let mut order: Vec<usize> = (0..keys.len()).collect();
    order.sort_by_key(|&k| keys[k].regions.len());
    let mut search = Search {
        goal,
        keys: &keys,
        place: &place,
        assigned: vec![None; keys.len()],
        nodes: 0,
    };
    if !search.dfs(&order)? {
        return Ok(None);
    }
    Ok(Some(
        keys.iter()
            .zip(&search.assigned)
            .map(|(t, r)| {
                let region = r.map_or_else(|| default_region(t), |r| r);
                (t.key.clone(), t.regions[region].values.clone())
            })
            .collect(),
    ))
}

/// The region used for a key the goal does not depend on: absence if possible.
fn default_region(t: &KeyTheory) -> usize {
    t.regions.iter().position(|r| r.values.is_empty()).unwrap_or(0)
}

struct Search<'a> {
    goal: &'a [(&'a Formula, bool)],
    keys: &'a [Rc<KeyTheory>],
    place: &'a HashMap<usize, (usize, usize)>,
    assigned: Vec<Option<usize>>,
    nodes: usize,
}

impl Search<'_> {
    fn dfs(&mut self, order: &[usize]) -> Result<bool, AnalysisError> {
        self.nodes += 1;
        if self.nodes > MAX_SEARCH_NODES {
            return Err(AnalysisError::limit(
                "max_search_nodes",
                MAX_SEARCH_NODES,
                "the combinations of condition-key values".into(),
            ));
        }
        match self.goal_value() {
            Some(false) => return Ok(false),
            Some(true) => return Ok(true),
            None => {}
        }
        let Some((&k, rest)) = order.split_first() else {
            return Ok(false);
        };
        for r in 0..self.keys[k].regions.len() {
            self.assigned[k] = Some(r);
            if self.dfs(rest)? {
                return Ok(true);
            }
        }
        self.assigned[k] = None;
        Ok(false)
    }

    fn truth(&self, block: usize) -> Option<Truth> {
        let &(k, pos) = self.place.get(&block)?;
        let r = self.assigned[k]?;
        Some(self.keys[k].regions[r].truths[pos])
    }

    /// Kleene value of "every block holds".
    fn holds(&self, atom: &Atom) -> Option<bool> {
        let mut all_known = true;
        for &b in atom {
            match self.truth(b) {
                Some(Truth::Holds) => {}
                Some(_) => return Some(false),
                None => all_known = false,
            }
        }
        all_known.then_some(true)
    }

    /// Kleene value of "no block fails" (a Deny applies).
    fn applies(&self, atom: &Atom) -> Option<bool> {
        let mut all_known = true;
        for &b in atom {
            match self.truth(b) {
                Some(Truth::Fails) => return Some(false),
                Some(_) => {}
                None => all_known = false,
            }
        }
        all_known.then_some(true)
    }

    fn allowed(&self, f: &Formula) -> Option<bool> {
        and(f.actions.iter().map(|a| {
            let denied = or(a.denies.iter().map(|d| self.applies(d)));
            let granted = or(a.allows.iter().map(|s| self.holds(s)));
            and([denied.map(|d| !d), granted])
        }))
    }

    fn goal_value(&self) -> Option<bool> {
        and(self
            .goal
            .iter()
            .map(|(f, want)| self.allowed(f).map(|v| v == *want)))
    }
}

fn and(values: impl IntoIterator<Item = Option<bool>>) -> Option<bool> {
    let mut out = Some(true);
    for v in values {
        match v {
            Some(false) => return Some(false),
            None => out = None,
            Some(true) => {}
        }
    }
    out
}

fn or(values: impl IntoIterator<Item = Option<bool>>) -> Option<bool> {
    let mut out = Some(false);
    for v in values {
        match v {
            Some(true) => return Some(true),
            None => out = None,
            Some(false) => {}
        }
    }
    out
}
