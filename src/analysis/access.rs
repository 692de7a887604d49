//! `access`: for every operation and scope situation, allow / deny / conditional.

use super::error::AnalysisError;
use super::request::Request;
use super::result::{AccessReport, AccessRow, Answer, Cite};
use super::subject::Subject;
use super::universe::{Universe, analysed_operations};
use super::workspace::{Workspace, verify};
use crate::compile::Policy;

/// What a policy set allows: for every operation that requires an action, and every scope situation
/// (projects and enterprise projects named in the attachments, any other, unknown; the subsets of the
/// operation's documented situations), whether it is allowed whatever the context, denied whatever the
/// context, or allowed only in some contexts, with the deciding statements and example requests (each
/// decided again by the evaluator). Scope situations of one operation with the same answer and the
/// same statements share a row.
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

pub(crate) fn access_in(ws: &mut Workspace, policies: &[Policy]) -> Result<AccessReport, AnalysisError> {
    let mut subject = Subject::new(policies)?;
    let universe = Universe::new(policies);
    let mut report = AccessReport::default();
    for operation in analysed_operations() {
        let mut rows: Vec<AccessRow> = Vec::new();
        for (scope, request) in universe.situations(operation) {
            let Some(built) = subject.formula(&mut ws.blocks, operation, &request)? else {
                continue;
            };
            let ep_known = request.enterprise_project().is_some();
            let (allow, deny) = ws.classify(&built.formula, ep_known)?;
            let answer = match (&allow, &deny) {
                (Some(_), None) => Answer::Allow,
                (None, Some(_)) => Answer::Deny,
                (Some(_), Some(_)) => Answer::Conditional,
                (None, None) => {
                    return Err(AnalysisError::Internal(format!(
                        "{operation} is neither allowed nor denied at {scope}"
                    )));
                }
            };
            let example = |a: &Option<_>, allowed: bool| -> Result<Option<Request>, AnalysisError> {
                match a {
                    None => Ok(None),
                    Some(a) => {
                        let r = ws.witness(&request, a);
                        verify(subject.evaluator(), operation, &r, allowed)?;
                        Ok(Some(r))
                    }
                }
            };
            let allow_example = example(&allow, true)?;
            let deny_example = example(&deny, false)?;
            let statements: Vec<Cite> = built.cites.clone();
            if let Some(row) = rows
                .iter_mut()
                .find(|r| r.answer == answer && r.statements == statements)
            {
                row.scopes.push(scope);
            } else {
                rows.push(AccessRow {
                    operation,
                    scopes: vec![scope],
                    answer,
                    statements,
                    allow_example,
                    deny_example,
                });
            }
        }
        report.rows.extend(rows);
    }
    Ok(report)
}
