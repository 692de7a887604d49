//! The grid of one operation's scope pairs: the classes of projects and enterprise projects (by the
//! statements they add, see `compose`), and the answer for each pair of classes, decided once.
//! Operations that count the same actions with the same scope flags share a grid.

use std::collections::HashMap;

use super::compose::{PartInfo, Tried, formula, minus};
use super::error::AnalysisError;
use super::request::Request;
use super::result::Answer;
use super::search::Assignment;
use super::subject::{Entry, Subject};
use super::universe::Places;
use super::workspace::Workspace;
use crate::matrix::Operation;

/// What makes two operations share a grid: the counted actions, the `iam_project` and
/// `enterprise_project` flags, and whether the template carries the project.
pub(crate) type GridKey = (Vec<&'static str>, bool, bool, bool);

/// The answer for a pair of classes, with the positions (in [`State::found`]) of an allowing and a
/// denying context.
pub(crate) type Decided = (Answer, Option<usize>, Option<usize>);

/// Contexts found so far, shared by every grid of one analysis.
#[derive(Debug)]
pub(crate) struct State {
    pub(crate) tried: Tried,
    /// Every context an answer refers to (the empty one first).
    pub(crate) found: Vec<Assignment>,
    index: HashMap<Assignment, usize>,
}

impl Default for State {
    fn default() -> State {
        State {
            tried: Tried::default(),
            found: vec![Vec::new()],
            index: HashMap::from([(Vec::new(), EMPTY)]),
        }
    }
}

/// The position of the empty context in [`State::found`].
const EMPTY: usize = 0;

impl State {
    /// The position of a context in `found`, adding it if new.
    fn position(&mut self, a: &Assignment) -> usize {
        if let Some(&i) = self.index.get(a) {
            return i;
        }
        self.found.push(a.clone());
        self.index.insert(a.clone(), self.found.len() - 1);
        self.found.len() - 1
    }
}

/// One grid.
#[derive(Debug)]
pub(crate) struct Grid {
    /// Class 0 is the base (any other project, any other enterprise project); the others are what a
    /// project or an enterprise project adds to it.
    pub(crate) classes: Vec<PartInfo>,
    /// Per project place (in `Places` order), its class.
    pub(crate) p_class: Vec<usize>,
    /// Per enterprise-project place, its class.
    pub(crate) e_class: Vec<usize>,
    /// A block mentions `g:EnterpriseProjectId`: every pair is searched.
    slow: bool,
    /// One bit per counted action.
    full: u32,
    /// Per class, its position among the project classes and among the enterprise-project classes.
    p_pos: Vec<u32>,
    e_pos: Vec<u32>,
    /// Per pair (project class position x enterprise-project class position), its answer once decided.
    memo: Vec<Option<(Answer, u32, u32)>>,
    e_count: usize,
}

impl Grid {
    /// Traces the base and what each place adds; `None` when the operation is decided without actions.
    pub(crate) fn build(
        subject: &mut Subject,
        ws: &mut Workspace,
        operation: &'static Operation,
        places: &Places<'_>,
        request: &dyn Fn(usize, usize) -> Request,
    ) -> Result<Option<Grid>, AnalysisError> {
        let (po, eo) = places.other;
        let Some(mut base) = subject.trace(&mut ws.blocks, operation, &request(po, eo))? else {
            return Ok(None);
        };
        for a in &mut base {
            a.sort_unstable_by_key(|&(_, id)| id);
            a.dedup();
        }
        let mut classes: Vec<PartInfo> = vec![PartInfo::new(base.clone(), subject, &ws.blocks)];
        let mut index: HashMap<(bool, Vec<Vec<Entry>>), usize> = HashMap::new();
        let mut class_of = |subject: &mut Subject,
                            ws: &mut Workspace,
                            r: &Request,
                            unknown: bool|
         -> Result<usize, AnalysisError> {
            let trace = subject
                .trace(&mut ws.blocks, operation, r)?
                .ok_or_else(|| AnalysisError::Internal(format!("{operation}: {r} has no actions")))?;
            let key = (unknown, minus(&trace, &base));
            if let Some(&c) = index.get(&key) {
                return Ok(c);
            }
            classes.push(PartInfo::new(key.1.clone(), subject, &ws.blocks));
            index.insert(key, classes.len() - 1);
            Ok(classes.len() - 1)
        };
        let mut p_class = Vec::with_capacity(places.projects.len());
        for (pi, (_, id)) in places.projects.iter().enumerate() {
            p_class.push(class_of(subject, ws, &request(pi, eo), id.is_none())?);
        }
        let mut e_class = Vec::with_capacity(places.enterprise_projects.len());
        for (ei, (_, id)) in places.enterprise_projects.iter().enumerate() {
            e_class.push(class_of(subject, ws, &request(po, ei), id.is_none())?);
        }
        let slow = classes.iter().any(|c| c.uses_ep_key);
        let full = u32::MAX >> (32 - base.len().clamp(1, 32) as u32);
        let positions = |of: &[usize]| {
            let mut pos = vec![u32::MAX; classes.len()];
            let mut n = 0u32;
            for &c in of {
                if pos[c] == u32::MAX {
                    pos[c] = n;
                    n += 1;
                }
            }
            (pos, n as usize)
        };
        let (p_pos, p_count) = positions(&p_class);
        let (e_pos, e_count) = positions(&e_class);
        Ok(Some(Grid {
            classes,
            p_class,
            e_class,
            slow,
            full,
            p_pos,
            e_pos,
            memo: vec![None; p_count * e_count],
            e_count,
        }))
    }

    /// The answer for a pair of classes `[project class, enterprise-project class]`: by the parts'
    /// constant masks, else by a context already found, else by a search.
    pub(crate) fn decide(
        &mut self,
        ws: &mut Workspace,
        subject: &Subject,
        state: &mut State,
        pair: [usize; 2],
        ep_known: bool,
    ) -> Result<Decided, AnalysisError> {
        let pos = |v: &[u32], c: usize| v.get(c).map_or(usize::MAX, |&p| p as usize);
        let slot = pos(&self.p_pos, pair[0])
            .saturating_mul(self.e_count)
            .saturating_add(pos(&self.e_pos, pair[1]));
        let unpack = |i: u32| (i != u32::MAX).then_some(i as usize);
        if let Some(Some((answer, a, d))) = self.memo.get(slot) {
            return Ok((*answer, unpack(*a), unpack(*d)));
        }
        let d = self.decide_new(ws, subject, state, pair, ep_known)?;
        let pack = |i: Option<usize>| i.and_then(|i| u32::try_from(i).ok()).unwrap_or(u32::MAX);
        if let Some(m) = self.memo.get_mut(slot) {
            *m = Some((d.0, pack(d.1), pack(d.2)));
        }
        Ok(d)
    }

    fn decide_new(
        &mut self,
        ws: &mut Workspace,
        subject: &Subject,
        state: &mut State,
        pair: [usize; 2],
        ep_known: bool,
    ) -> Result<Decided, AnalysisError> {
        let ids = [0, pair[0], pair[1]];
        let full = self.full;
        let fold = |f: fn(&PartInfo) -> u32| ids.iter().fold(0, |m, &c| m | f(&self.classes[c]));
        if fold(|c| c.has_allow) != full || fold(|c| c.free_deny) != 0 {
            return Ok((Answer::Deny, None, Some(EMPTY)));
        }
        if fold(|c| c.free_allow) == full && fold(|c| c.has_deny) == 0 {
            return Ok((Answer::Allow, Some(EMPTY), None));
        }
        if !self.slow {
            let (mut allow, mut deny) = (None, None);
            for c in 0..state.tried.list.len() {
                let mut masks = Some((0u32, 0u32));
                for &k in &ids {
                    let v = self.classes[k].verdict(c, &mut state.tried, subject, &ws.blocks);
                    masks = match (masks, v) {
                        (Some((d, a)), Some((d2, a2))) => Some((d | d2, a | a2)),
                        _ => None,
                    };
                }
                let Some((d, a)) = masks else { continue };
                if d == 0 && a == full {
                    allow = allow.or(Some(c));
                } else {
                    deny = deny.or(Some(c));
                }
                if let (Some(a), Some(d)) = (allow, deny) {
                    let a = state.tried.list[a].clone();
                    let d = state.tried.list[d].clone();
                    return Ok((
                        Answer::Conditional,
                        Some(state.position(&a)),
                        Some(state.position(&d)),
                    ));
                }
            }
        }
        let parts: Vec<&Vec<Vec<Entry>>> = ids.iter().map(|&c| &self.classes[c].part).collect();
        let f = formula(&parts, subject);
        let (allow, deny) = ws.classify(&f, ep_known)?;
        let slow = self.slow;
        let mut keep = |a: Option<Assignment>| {
            a.map(|a| {
                if !slow {
                    state.tried.add(&a);
                }
                state.position(&a)
            })
        };
        let (allow, deny) = (keep(allow), keep(deny));
        let answer = match (allow, deny) {
            (Some(_), None) => Answer::Allow,
            (None, Some(_)) => Answer::Deny,
            (Some(_), Some(_)) => Answer::Conditional,
            (None, None) => return Err(AnalysisError::Internal("neither allowed nor denied".into())),
        };
        Ok((answer, allow, deny))
    }
}
