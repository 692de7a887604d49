//! `check`: prove that no request situation of a specification is allowed (`never`), or that nothing
//! outside the specifications is (`only`).

use super::adapter::action_matches;
use super::error::AnalysisError;
use super::result::{CheckReport, Violation};
use super::subject::Subject;
use super::universe::{Universe, analysed_operations};
use super::workspace::{Workspace, verify};
use crate::compile::Policy;
use crate::matrix::{Method, Operation, operations};

/// What a specification names: an action pattern or one operation.
#[derive(Debug, Clone)]
enum Target {
    Action(String),
    Operation(&'static Operation),
}

/// One `check` specification.
///
/// A SPEC is an action (`ims:images:delete`, wildcards allowed) or an operation
/// (`"DELETE /v2/images/{image_id}"`).
///
/// ```
/// use ims_iam::analysis::CheckSpec;
/// assert!(CheckSpec::never("ims:images:delete").is_ok());
/// assert!(CheckSpec::only("GET /v2/cloudimages").is_ok());
/// assert_eq!(CheckSpec::never("GET /nowhere").unwrap_err().kind(), "invalid_spec");
/// ```
#[derive(Debug, Clone)]
pub struct CheckSpec {
    text: String,
    never: bool,
    target: Target,
}

impl CheckSpec {
    /// `--never SPEC`: no request situation of SPEC is allowed.
    pub fn never(spec: &str) -> Result<CheckSpec, AnalysisError> {
        CheckSpec::parse(spec, true)
    }
    /// `--only SPEC`: nothing outside the `only` specifications is allowed.
    pub fn only(spec: &str) -> Result<CheckSpec, AnalysisError> {
        CheckSpec::parse(spec, false)
    }

    fn parse(spec: &str, never: bool) -> Result<CheckSpec, AnalysisError> {
        let target = if let Some((method, template)) = spec.trim().split_once(' ') {
            let method = Method::parse(method.trim());
            operations()
                .iter()
                .find(|o| Some(o.method()) == method && o.template() == template.trim())
                .map(Target::Operation)
                .ok_or_else(|| AnalysisError::InvalidSpec(format!("`{spec}` is no documented operation")))?
        } else {
            if action_matches(spec, "").is_none() {
                return Err(AnalysisError::InvalidSpec(format!(
                    "`{spec}` is not an action pattern"
                )));
            }
            Target::Action(spec.to_owned())
        };
        Ok(CheckSpec {
            text: spec.to_owned(),
            never,
            target,
        })
    }

    fn covers(&self, operation: &Operation, counted: &[&str]) -> bool {
        match &self.target {
            Target::Operation(o) => std::ptr::eq(*o, operation),
            Target::Action(p) => counted.iter().any(|a| action_matches(p, a) == Some(true)),
        }
    }

    /// Whether every counted action is one of the `only` actions (or the operation is named).
    fn contains(&self, operation: &Operation, action: &str) -> bool {
        match &self.target {
            Target::Operation(o) => std::ptr::eq(*o, operation),
            Target::Action(p) => action_matches(p, action) == Some(true),
        }
    }

    /// The specification as given.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

/// Proves the specifications over a policy set, or lists the allowed request situations that violate
/// them (each with a witness request decided again by the evaluator). Operations that require no
/// action are outside every specification.
///
/// ```
/// use ims_iam::analysis::{check, CheckSpec};
/// use ims_iam::{Policy, Scope};
/// let p = Policy::parse("p.json", Scope::Global, r#"{"Version":"1.1","Statement":[
///     {"Effect":"Allow","Action":["ims:*:*"]},
///     {"Effect":"Deny","Action":["ims:images:delete"]}]}"#).unwrap();
/// assert!(check(&[p.clone()], &[CheckSpec::never("ims:images:delete")?])?.holds());
/// let report = check(&[p], &[CheckSpec::never("ims:images:get")?])?;
/// assert!(!report.holds());
/// # Ok::<(), ims_iam::analysis::AnalysisError>(())
/// ```
pub fn check(policies: &[Policy], specs: &[CheckSpec]) -> Result<CheckReport, AnalysisError> {
    let mut ws = Workspace::default();
    let mut report = CheckReport::default();
    check_in(&mut ws, policies, specs, None, &mut report)?;
    Ok(report)
}

pub(crate) fn check_in(
    ws: &mut Workspace,
    policies: &[Policy],
    specs: &[CheckSpec],
    principal: Option<&str>,
    report: &mut CheckReport,
) -> Result<(), AnalysisError> {
    let mut subject = Subject::new(policies)?;
    let universe = Universe::new(policies);
    let only: Vec<&CheckSpec> = specs.iter().filter(|s| !s.never).collect();
    for operation in analysed_operations() {
        for (scope, request) in universe.situations(operation) {
            let counted: Vec<&str> = operation
                .actions()
                .iter()
                .filter(|a| a.situation().is_none_or(|s| request.situations().contains(&s)))
                .map(|a| a.action())
                .collect();
            let mut violated: Vec<&str> = specs
                .iter()
                .filter(|s| s.never && s.covers(operation, &counted))
                .map(CheckSpec::as_str)
                .collect();
            let inside = counted
                .iter()
                .all(|a| only.iter().any(|s| s.contains(operation, a)));
            let only_text;
            if !only.is_empty() && !inside {
                only_text = format!(
                    "only {}",
                    only.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
                );
                violated.push(&only_text);
            }
            if violated.is_empty() {
                continue;
            }
            let Some(built) = subject.formula(&mut ws.blocks, operation, &request)? else {
                continue;
            };
            if built.formula.constant() == Some(false) {
                continue;
            }
            let ep_known = request.enterprise_project().is_some();
            let Some(a) = ws.find(&[(&built.formula, true)], ep_known)? else {
                continue;
            };
            let r = ws.witness(&request, &a);
            verify(subject.evaluator(), operation, &r, true)?;
            for spec in violated {
                report.violations.push(Violation {
                    spec: spec.to_owned(),
                    principal: principal.map(str::to_owned),
                    operation,
                    scope: scope.clone(),
                    request: r.clone(),
                });
            }
        }
    }
    Ok(())
}
