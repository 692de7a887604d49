//! `access`: for every operation and scope situation, allow / deny / conditional.

use std::collections::HashMap;
use std::sync::Arc;

use super::error::AnalysisError;
use super::grid::{Grid, GridKey, State};
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
    /// The classes of the current grid already cited.
    classes: Vec<bool>,
    allow_example: Option<Request>,
    deny_example: Option<Request>,
}

pub(crate) fn access_in(ws: &mut Workspace, policies: &[Policy]) -> Result<AccessReport, AnalysisError> {
    let mut subject = Subject::new(policies)?;
    let universe = Universe::new(policies);
    let mut state = State::default();
    let mut grids: HashMap<GridKey, Grid> = HashMap::new();
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
            // Operations that count the same actions with the same scope flags share a grid.
            let key: GridKey = (
                operation
                    .actions()
                    .iter()
                    .filter(|a| a.situation().is_none_or(|s| subset.contains(&s)))
                    .map(|a| a.action())
                    .collect(),
                operation.iam_project(),
                operation.enterprise_project(),
                operation.template().contains("{project_id}"),
            );
            if !grids.contains_key(&key) {
                let Some(grid) = Grid::build(&mut subject, ws, operation, &places, &request)? else {
                    continue;
                };
                grids.insert(key.clone(), grid);
            }
            let Some(grid) = grids.get_mut(&key) else {
                continue;
            };
            for row in &mut rows {
                row.classes.clear();
                row.classes.resize(grid.classes.len(), false);
            }
            let (p_class, e_class) = (grid.p_class.clone(), grid.e_class.clone());
            for (pi, &pc) in p_class.iter().enumerate() {
                for (ei, &ec) in e_class.iter().enumerate() {
                    let ep_known = places.enterprise_projects[ei].1.is_some();
                    let (answer, allow, deny) = grid.decide(ws, &subject, &mut state, [pc, ec], ep_known)?;
                    let row = match rows.iter().position(|r| r.answer == answer) {
                        Some(i) => &mut rows[i],
                        None => {
                            let r = request(pi, ei);
                            let example = |a: Option<usize>, allowed: bool| match a {
                                None => Ok(None),
                                Some(a) => {
                                    let w = ws.witness(&r, &state.found[a]);
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
                                classes: vec![false; grid.classes.len()],
                                allow_example,
                                deny_example,
                            });
                            let last = rows.len() - 1;
                            &mut rows[last]
                        }
                    };
                    row.scopes.push([si as u32, pi as u32, ei as u32]);
                    for c in [0, pc, ec] {
                        row.classes[c] = true;
                    }
                }
            }
            for row in &mut rows {
                for (c, info) in grid.classes.iter().enumerate() {
                    if row.classes.get(c) == Some(&true) {
                        cite(row, &info.part);
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
    let rows = rows_out
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
    Ok(AccessReport { rows })
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
