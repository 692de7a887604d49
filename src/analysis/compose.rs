//! Composing the formula of a scope pair from its parts.
//!
//! The evaluator decides a request from the union of three buckets: the global attachments, the
//! attachments of the request's project (only their Deny statements when the project is unknown), and
//! those of its enterprise project (likewise). So the statements that take part for a pair `(P, E)` are
//! those of the pair (any other project, any other enterprise project), plus what project `P` adds,
//! plus what `E` adds; each is traced through the evaluator once, not once per pair. Projects (and
//! enterprise projects) that add the same statements form one class, and a pair of classes is decided
//! once. Most pairs are decided without a search: a context that allows (or denies) another pair is
//! tried on the pair's parts, a few bit operations per context once the parts' verdicts at that context
//! are known.

use std::collections::HashMap;

use super::adapter::{Truth, absence_observable};
use super::blocks::Blocks;
use super::search::{ActionFormula, Assignment, Formula};
use super::subject::{Entry, Subject};
use crate::policy::Effect;

/// Bound: contexts tried on each pair before searching.
pub(crate) const MAX_TRIED: usize = 32;

/// What one bucket adds to a pair, per counted action (sorted statement entries).
pub(crate) type Part = Vec<Vec<Entry>>;

/// `trace` without the entries of `base` (both per action).
pub(crate) fn minus(trace: &[Vec<Entry>], base: &[Vec<Entry>]) -> Part {
    trace
        .iter()
        .zip(base.iter().chain(std::iter::repeat(&Vec::new())))
        .map(|(t, b)| {
            let mut v: Vec<Entry> = t
                .iter()
                .filter(|e| b.binary_search_by_key(&e.1, |&(_, id)| id).is_err())
                .copied()
                .collect();
            v.sort_unstable_by_key(|&(_, id)| id);
            v.dedup();
            v
        })
        .collect()
}

/// A part with what the pair loop needs of it.
#[derive(Debug)]
pub(crate) struct PartInfo {
    pub(crate) part: Part,
    /// Per action bit: some Allow; some unconditional Allow; some Deny; some unconditional Deny.
    pub(crate) has_allow: u32,
    pub(crate) free_allow: u32,
    pub(crate) has_deny: u32,
    pub(crate) free_deny: u32,
    /// Whether a block mentions `g:EnterpriseProjectId` (whose absence depends on the request).
    pub(crate) uses_ep_key: bool,
    /// Per tried context: `(deny mask, allow mask)`, `None` when the context does not fix the part.
    verdicts: Vec<Option<Option<(u32, u32)>>>,
}

impl PartInfo {
    pub(crate) fn new(part: Part, subject: &Subject, blocks: &Blocks) -> PartInfo {
        let mut info = PartInfo {
            part,
            has_allow: 0,
            free_allow: 0,
            has_deny: 0,
            free_deny: 0,
            uses_ep_key: false,
            verdicts: Vec::new(),
        };
        for (i, action) in info.part.iter().enumerate() {
            let bit = 1u32 << i;
            for &(effect, id) in action {
                let atom = subject.atom(id);
                let free = atom.is_empty();
                if atom
                    .iter()
                    .any(|&b| blocks.get(b).key.eq_ignore_ascii_case("g:EnterpriseProjectId"))
                {
                    info.uses_ep_key = true;
                }
                match effect {
                    Effect::Allow => {
                        info.has_allow |= bit;
                        if free {
                            info.free_allow |= bit;
                        }
                    }
                    Effect::Deny => {
                        info.has_deny |= bit;
                        if free {
                            info.free_deny |= bit;
                        }
                    }
                }
            }
        }
        info
    }

    /// The part's verdicts at tried context `c`: per action, whether some Deny applies and whether
    /// some Allow holds.
    pub(crate) fn verdict(
        &mut self,
        c: usize,
        tried: &mut Tried,
        subject: &Subject,
        blocks: &Blocks,
    ) -> Option<(u32, u32)> {
        if self.verdicts.len() <= c {
            self.verdicts.resize(c + 1, None);
        }
        if let Some(v) = self.verdicts[c] {
            return v;
        }
        let mut out = Some((0u32, 0u32));
        'actions: for (i, action) in self.part.iter().enumerate() {
            for &(effect, id) in action {
                let mut holds_all = true;
                let mut fails_some = false;
                for &b in subject.atom(id) {
                    match tried.truth(c, b, blocks) {
                        None => {
                            out = None;
                            break 'actions;
                        }
                        Some(Truth::Holds) => {}
                        Some(Truth::Fails) => {
                            holds_all = false;
                            fails_some = true;
                        }
                        Some(Truth::Unevaluable) => holds_all = false,
                    }
                }
                if let Some((deny, allow)) = out.as_mut() {
                    match effect {
                        Effect::Deny if !fails_some => *deny |= 1 << i,
                        Effect::Allow if holds_all => *allow |= 1 << i,
                        _ => {}
                    }
                }
            }
        }
        self.verdicts[c] = Some(out);
        out
    }
}

/// Contexts found by searches (the empty one first), tried on later pairs.
#[derive(Debug)]
pub(crate) struct Tried {
    pub(crate) list: Vec<Assignment>,
    truths: HashMap<(usize, usize), Option<Truth>>,
}

impl Default for Tried {
    fn default() -> Tried {
        Tried {
            list: vec![Vec::new()],
            truths: HashMap::new(),
        }
    }
}

impl Tried {
    /// Adds a context (if new and within the bound); its position, if tried.
    pub(crate) fn add(&mut self, a: &Assignment) -> Option<usize> {
        if let Some(i) = self.list.iter().position(|x| x == a) {
            return Some(i);
        }
        if self.list.len() >= MAX_TRIED {
            return None;
        }
        self.list.push(a.clone());
        Some(self.list.len() - 1)
    }

    /// A block's truth at context `c`; `None` when the context leaves its key unset and the key's
    /// absence cannot be observed (`g:CurrentTime`, `g:EnterpriseProjectId`).
    fn truth(&mut self, c: usize, b: usize, blocks: &Blocks) -> Option<Truth> {
        if let Some(t) = self.truths.get(&(c, b)) {
            return *t;
        }
        let info = blocks.get(b);
        let t = match self.list[c]
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(&info.key))
        {
            Some((_, values)) => {
                let v: Vec<&str> = values.iter().map(String::as_str).collect();
                Some(info.block.truth(&v, None))
            }
            None if absence_observable(&info.key, true) => Some(info.block.truth(&[], None)),
            None => None,
        };
        self.truths.insert((c, b), t);
        t
    }
}

/// The formula of the union of parts.
pub(crate) fn formula(parts: &[&Part], subject: &Subject) -> Formula {
    let n = parts.iter().map(|p| p.len()).max().unwrap_or(0);
    let mut f = Formula::default();
    for i in 0..n {
        let mut a = ActionFormula::default();
        for p in parts {
            for &(effect, id) in p.get(i).map_or(&[][..], Vec::as_slice) {
                let atom = subject.atom(id).to_vec();
                match effect {
                    Effect::Deny => a.denies.push(atom),
                    Effect::Allow => a.allows.push(atom),
                }
            }
        }
        f.actions.push(a);
    }
    f.normalize();
    f
}
