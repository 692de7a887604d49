//! `access`: for every operation and scope situation, allow / deny / conditional.

use std::collections::HashMap;
use std::sync::Arc;

use super::compose::{PartInfo, Tried, formula, minus};
use super::error::AnalysisError;
use super::request::Request;
use super::result::{AccessReport, AccessRow, Answer, Cite, ScopeTable};
use super::subject::{Entry, Subject};
use super::universe::{Universe, analysed_operations, situation_subsets};
use super::workspace::{Workspace, verify};
use crate::compile::Policy;
use crate::matrix::Operation;

/// What a policy set allows: for every operation that requires an action, and every scope situation
/// (projects and enterprise projects named in the attachments, any other, unknown; the subsets of the
/// operation's documented situations), whether it is allowed whatever the context, denied whatever the
/// context, or allowed only in some contexts. The scope situations of one operation with the same
/// answer share a row, with the statements that decide there and example requests (each decided again
/// by the evaluator).
///
/// ```
/// use ims_iam::analysis::{access, Answer};
/// use ims_iam::{Policy, Scope};
/// let p = Policy::parse("p.json", Scope::Global, r#"{"Version":"1.1","Statement":[
///     {"Effect":"Allow","Action":["ims:images:list"]},
///     {"Effect":"Allow","Action":["ims:images:delete"],"Condition":{"IpAddress":{"g:SourceIp":["10.0.0.0/8"]}}}]}"#)
///     .unwrap();
/// let report = access(&[p])?;
/// let answer = |template: &str, method: &str| report.rows().iter()
///     .find(|r| r.operation().template() == template && r.operation().method().as_str() == method)
///     .map(|r| r.answer());
/// assert_eq!(answer("/v2/cloudimages", "GET"), Some(Answer::Allow));
/// assert_eq!(answer("/v2/images/{image_id}", "DELETE"), Some(Answer::Conditional));
/// assert_eq!(answer("/v2/images", "POST"), Some(Answer::Deny));
/// # Ok::<(), ims_iam::analysis::AnalysisError>(())
/// ```
pub fn access(policies: &[Policy]) -> Result<AccessReport, AnalysisError> {
    let mut ws = Workspace::default();
    access_in(&mut ws, policies)
}

/// A row being built.
struct RowBuilder {
    answer: Answer,
    scopes: Vec<[u32; 3]>,
    statements: Vec<u32>,
    cited: Vec<bool>,
    allow_example: Option<Request>,
    deny_example: Option<Request>,
}

/// The answer for a pair of classes, with the positions of an allowing and a denying context.
type Decided = (Answer, Option<usize>, Option<usize>);

pub(crate) fn access_in(ws: &mut Workspace, policies: &[Policy]) -> Result<AccessReport, AnalysisError> {
    let mut subject = Subject::new(policies)?;
    let universe = Universe::new(policies);
    let mut tried = Tried::default();
    let mut found: Vec<super::search::Assignment> = vec![Vec::new()];
    let mut rows_out: Vec<(&'static Operation, Arc<ScopeTable>, RowBuilder)> = Vec::new();
    for operation in analysed_operations() {
        let places = universe.places(operation);
        let subsets = situation_subsets(operation);
        let table = Arc::new(ScopeTable {
            projects: places.projects.iter().map(|(p, _)| p.clone()).collect(),
            enterprise_projects: places
                .enterprise_projects
                .iter()
                .map(|(p, _)| p.clone())
                .collect(),
            situations: subsets.clone(),
        });
        let mut rows: Vec<RowBuilder> = Vec::new();
        for (si, subset) in subsets.iter().enumerate() {
            let request = |pi: usize, ei: usize| {
                Request::new(
                    operation,
                    places.projects[pi].1,
                    places.enterprise_projects[ei].1,
                    subset.clone(),
                )
            };
            let (po, eo) = places.other;
            let Some(mut base) = subject.trace(&mut ws.blocks, operation, &request(po, eo))? else {
                continue;
            };
            for a in &mut base {
                a.sort_unstable_by_key(|&(_, id)| id);
                a.dedup();
            }
            // Classes of projects and of enterprise projects by what they add.
            let mut classes: Vec<PartInfo> = vec![PartInfo::new(base.clone(), &subject, &ws.blocks)];
            let mut index: HashMap<(bool, Vec<Vec<Entry>>), usize> = HashMap::new();
            let mut class_of = |subject: &mut Subject,
                                ws: &mut Workspace,
                                classes: &mut Vec<PartInfo>,
                                r: &Request,
                                unknown: bool|
             -> Result<usize, AnalysisError> {
                let trace = subject
                    .trace(&mut ws.blocks, operation, r)?
                    .ok_or_else(|| AnalysisError::Internal(format!("{operation}: {r} has no actions")))?;
                let part = minus(&trace, &base);
                let key = (unknown, part);
                if let Some(&c) = index.get(&key) {
                    return Ok(c);
                }
                classes.push(PartInfo::new(key.1.clone(), subject, &ws.blocks));
                index.insert(key, classes.len() - 1);
                Ok(classes.len() - 1)
            };
            let mut p_class = Vec::with_capacity(places.projects.len());
            for (pi, (_, id)) in places.projects.iter().enumerate() {
                p_class.push(class_of(
                    &mut subject,
                    ws,
                    &mut classes,
                    &request(pi, eo),
                    id.is_none(),
                )?);
            }
            let mut e_class = Vec::with_capacity(places.enterprise_projects.len());
            for (ei, (_, id)) in places.enterprise_projects.iter().enumerate() {
                e_class.push(class_of(
                    &mut subject,
                    ws,
                    &mut classes,
                    &request(po, ei),
                    id.is_none(),
                )?);
            }
            let slow = classes.iter().any(|c| c.uses_ep_key);
            let full = u32::MAX >> (32 - base.len().clamp(1, 32) as u32);
            let mut memo: HashMap<(usize, usize), Decided> = HashMap::new();
            for (pi, &pc) in p_class.iter().enumerate() {
                for (ei, &ec) in e_class.iter().enumerate() {
                    let ep_known = places.enterprise_projects[ei].1.is_some();
                    let decided = match memo.get(&(pc, ec)) {
                        Some(d) => *d,
                        None => {
                            let d = decide(
                                ws,
                                &subject,
                                &mut classes,
                                &mut tried,
                                &mut found,
                                [pc, ec],
                                full,
                                slow,
                                ep_known,
                            )?;
                            memo.insert((pc, ec), d);
                            d
                        }
                    };
                    let (answer, allow, deny) = decided;
                    let row = match rows.iter().position(|r| r.answer == answer) {
                        Some(i) => &mut rows[i],
                        None => {
                            let r = request(pi, ei);
                            let example = |a: Option<usize>, allowed: bool| match a {
                                None => Ok(None),
                                Some(a) => {
                                    let w = ws.witness(&r, &found[a]);
                                    verify(subject.evaluator(), operation, &w, allowed).map(|_| Some(w))
                                }
                            };
                            let allow_example = example(allow, true)?;
                            let deny_example = example(deny, false)?;
                            rows.push(RowBuilder {
                                answer,
                                scopes: Vec::new(),
                                statements: Vec::new(),
                                cited: Vec::new(),
                                allow_example,
                                deny_example,
                            });
                            let last = rows.len() - 1;
                            &mut rows[last]
                        }
                    };
                    row.scopes.push([si as u32, pi as u32, ei as u32]);
                    for c in [0, pc, ec] {
                        cite(row, &classes[c].part);
                    }
                }
            }
        }
        rows_out.extend(rows.into_iter().map(|r| (operation, Arc::clone(&table), r)));
    }
    let mut cites: Vec<Cite> = Vec::new();
    for id in 0.. {
        match subject.cite(id) {
            Some(c) => cites.push(c.clone()),
            None => break,
        }
    }
    let cites: Arc<[Cite]> = cites.into();
    let mut report = AccessReport::default();
    report.rows = rows_out
        .into_iter()
        .map(|(operation, table, r)| AccessRow {
            operation,
            table,
            scopes: r.scopes,
            answer: r.answer,
            cites: Arc::clone(&cites),
            statements: r.statements,
            allow_example: r.allow_example,
            deny_example: r.deny_example,
        })
        .collect();
    Ok(report)
}

/// Adds the statements of a part to a row (once each).
fn cite(row: &mut RowBuilder, part: &[Vec<Entry>]) {
    for &(_, id) in part.iter().flatten() {
        if row.cited.len() <= id {
            row.cited.resize(id + 1, false);
        }
        if !row.cited[id] {
            row.cited[id] = true;
            row.statements.push(id as u32);
        }
    }
}

/// Decides the pair of classes `[project class, enterprise-project class]` (class 0 is the base):
/// by the parts' constant masks, else by a context already found, else by a search.
#[expect(
    clippy::too_many_arguments,
    reason = "the state of the pair loop, passed down once"
)]
fn decide(
    ws: &mut Workspace,
    subject: &Subject,
    classes: &mut [PartInfo],
    tried: &mut Tried,
    found: &mut Vec<super::search::Assignment>,
    pair: [usize; 2],
    full: u32,
    slow: bool,
    ep_known: bool,
) -> Result<Decided, AnalysisError> {
    let ids = [0, pair[0], pair[1]];
    let fold = |f: fn(&PartInfo) -> u32| ids.iter().fold(0, |m, &c| m | f(&classes[c]));
    if fold(|c| c.has_allow) != full || fold(|c| c.free_deny) != 0 {
        return Ok((Answer::Deny, None, Some(0)));
    }
    if fold(|c| c.free_allow) == full && fold(|c| c.has_deny) == 0 {
        return Ok((Answer::Allow, Some(0), None));
    }
    if !slow {
        let (mut allow, mut deny) = (None, None);
        for c in 0..tried.list.len() {
            let mut masks = Some((0u32, 0u32));
            for &k in &ids {
                masks = match (masks, classes[k].verdict(c, tried, subject, &ws.blocks)) {
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
            if allow.is_some() && deny.is_some() {
                let a = position(found, &tried.list[allow.unwrap_or(0)]);
                let d = position(found, &tried.list[deny.unwrap_or(0)]);
                return Ok((Answer::Conditional, Some(a), Some(d)));
            }
        }
    }
    let parts: Vec<_> = ids.iter().map(|&c| &classes[c].part).collect();
    let f = formula(&parts, subject);
    let (allow, deny) = ws.classify(&f, ep_known)?;
    let mut keep = |a: Option<super::search::Assignment>| {
        a.map(|a| {
            if !slow {
                tried.add(&a);
            }
            position(found, &a)
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

/// The position of an assignment in `found`, adding it if new.
fn position(found: &mut Vec<super::search::Assignment>, a: &super::search::Assignment) -> usize {
    if let Some(i) = found.iter().position(|x| x == a) {
        return i;
    }
    found.push(a.clone());
    found.len() - 1
}
