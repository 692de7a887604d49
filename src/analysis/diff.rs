//! `diff`: the request situations one policy set allows and another does not.

use super::error::AnalysisError;
use super::result::{Change, DiffReport};
use super::subject::Subject;
use super::universe::{Universe, analysed_operations};
use super::workspace::{Workspace, verify};
use crate::compile::Policy;

/// Every request situation (operation, scope situation, some context) that `new` allows and `old`
/// does not (`new_access`), and the reverse (`removed_access`), each with a request that shows it
/// (decided again by the evaluator on both sets). Scopes range over those named by either set. An
/// empty `new_access` is a proof that the change grants nothing new.
///
/// ```
/// use ims_iam::analysis::diff;
/// use ims_iam::{Policy, Scope};
/// let old = Policy::parse("p.json", Scope::Global,
///     r#"{"Version":"1.1","Statement":[{"Effect":"Allow","Action":["ims:images:list"]}]}"#).unwrap();
/// let new = Policy::parse("p.json", Scope::Global,
///     r#"{"Version":"1.1","Statement":[{"Effect":"Allow","Action":["ims:images:list","ims:images:get"]}]}"#).unwrap();
/// let report = diff(&[old.clone()], &[new])?;
/// assert!(report.new_access.iter().all(|c| c.old == "implicit_deny" && c.new == "allow"));
/// assert!(report.new_access.iter().any(|c| c.operation.template() == "/v2/images/{image_id}"));
/// assert!(report.removed_access.is_empty());
/// assert!(diff(&[old.clone()], &[old])?.new_access.is_empty());
/// # Ok::<(), ims_iam::analysis::AnalysisError>(())
/// ```
pub fn diff(old: &[Policy], new: &[Policy]) -> Result<DiffReport, AnalysisError> {
    let mut ws = Workspace::default();
    let mut old_subject = Subject::new(old)?;
    let mut new_subject = Subject::new(new)?;
    let universe = Universe::new(old.iter().chain(new));
    let mut report = DiffReport::default();
    for operation in analysed_operations() {
        for (scope, request) in universe.situations(operation) {
            let fo = old_subject.formula(&mut ws.blocks, operation, &request)?;
            let fnew = new_subject.formula(&mut ws.blocks, operation, &request)?;
            let (Some(fo), Some(fnew)) = (fo, fnew) else {
                continue;
            };
            if fo.formula == fnew.formula {
                continue;
            }
            let ep_known = request.enterprise_project().is_some();
            for (gain, lose, list, gain_is_new) in [
                (&fnew, &fo, &mut report.new_access, true),
                (&fo, &fnew, &mut report.removed_access, false),
            ] {
                if gain.formula.constant() == Some(false) || lose.formula.constant() == Some(true) {
                    continue;
                }
                let lose_formula = lose.formula.without_denies_of(&gain.formula);
                let Some(a) = ws.find(&[(&gain.formula, true), (&lose_formula, false)], ep_known)? else {
                    continue;
                };
                let r = ws.witness(&request, &a);
                let (gain_subject, lose_subject) = if gain_is_new {
                    (&new_subject, &old_subject)
                } else {
                    (&old_subject, &new_subject)
                };
                let gained = verify(gain_subject.evaluator(), operation, &r, true)?;
                let lost = verify(lose_subject.evaluator(), operation, &r, false)?;
                let (old_d, new_d) = if gain_is_new {
                    (lost, gained)
                } else {
                    (gained, lost)
                };
                list.push(Change {
                    principal: None,
                    operation,
                    scope: scope.clone(),
                    old: old_d.reason().as_str(),
                    new: new_d.reason().as_str(),
                    request: r,
                });
            }
        }
    }
    Ok(report)
}
