//! `who-can`: which users and groups may call one API.

use super::error::AnalysisError;
use super::request::Request;
use super::result::{Answer, Cite};
use super::subject::Subject;
use super::universe::{Place, ScopeSituation, Universe};
use super::workspace::{Workspace, verify};
use crate::matrix::Operation;
use crate::policy::Effect;
use crate::principals::{PrincipalKind, Principals};

/// One user or group in a [`WhoCanReport`].
#[derive(Debug, Clone)]
pub struct WhoCanEntry {
    /// The user's or group's name.
    pub name: String,
    /// User or group.
    pub kind: PrincipalKind,
    /// The deciding statements: the Allow statements that grant (allowed, conditional), the Deny
    /// statements that deny (denied; none for an implicit deny).
    pub statements: Vec<Cite>,
    /// For `conditional`: where and when it is allowed (one line per scope situation).
    pub when: Vec<String>,
    /// An example request: allowed (allowed, conditional) or denied (denied).
    pub example: Option<Request>,
}

/// The answer of [`who_can`].
#[derive(Debug, Clone, Default)]
pub struct WhoCanReport {
    /// Allowed in every scope situation and context.
    pub allowed: Vec<WhoCanEntry>,
    /// Allowed in some scope situations or contexts only.
    pub conditional: Vec<WhoCanEntry>,
    /// Denied in every scope situation and context.
    pub denied: Vec<WhoCanEntry>,
}

/// Who may call `operation`: every group and user of a principals file, allowed (whatever the scope
/// situation and context), conditional, or denied. `path_project` is the target's `{project_id}` (if
/// its template has one); `context` fixes some condition keys (the others range over every value,
/// absent included).
///
/// ```
/// use ims_iam::analysis::who_can;
/// use ims_iam::Principals;
/// use ims_iam::route;
/// let file = r#"{"policies": {"all": "all.json"},
///   "groups": {"admins": {"attachments": [{"policy": "all"}]}, "nobody": {}},
///   "users": {"ann": {"groups": ["admins"]}}}"#;
/// let principals = Principals::from_json_with(file, |_| {
///     Ok(r#"{"Version":"1.1","Statement":[{"Effect":"Allow","Action":["ims:*:*"]}]}"#.into())
/// })?;
/// let delete = route("DELETE", "/v2/images/0b3b6d4e-8f0a-4c1e-9a57-3c0b8f6f2d11")?;
/// let report = who_can(&principals, delete.operation(), None, &[])?;
/// let names: Vec<&str> = report.allowed.iter().map(|e| e.name.as_str()).collect();
/// assert_eq!(names, ["admins", "ann"]);
/// assert_eq!(report.denied[0].name, "nobody");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn who_can(
    principals: &Principals,
    operation: &'static Operation,
    path_project: Option<&str>,
    context: &[(String, String)],
) -> Result<WhoCanReport, AnalysisError> {
    let mut report = WhoCanReport::default();
    let mut ws = Workspace::default();
    ws.pinned = context.to_vec();
    let everyone = principals
        .groups()
        .map(|g| (PrincipalKind::Group, g))
        .chain(principals.users().map(|u| (PrincipalKind::User, u)));
    for (kind, name) in everyone {
        let policies = principals.policies_of(kind, name).unwrap_or_default();
        let mut subject = Subject::new(&policies)?;
        let universe = Universe::new(&policies);
        let mut answers: Vec<(ScopeSituation, Answer, Vec<Cite>, Option<Request>)> = Vec::new();
        for (scope, request) in universe.situations(operation) {
            let (scope, request) = match path_project {
                Some(p) if request.path_project.is_some() => {
                    let named = policies
                        .iter()
                        .any(|x| x.scope() == &crate::Scope::Project(p.to_owned()));
                    let wanted = if named {
                        Place::Named(p.to_owned())
                    } else {
                        Place::Other
                    };
                    if scope.project() != &wanted {
                        continue;
                    }
                    let r = Request::new(
                        operation,
                        Some(p),
                        request.enterprise_project(),
                        request.situations().to_vec(),
                    );
                    (scope, r)
                }
                _ => (scope, request),
            };
            let Some(built) = subject.formula(&mut ws.blocks, operation, &request)? else {
                continue;
            };
            let ep_known = request.enterprise_project().is_some();
            let (allow, deny) = ws.classify(&built.formula, ep_known)?;
            let (answer, example) = match (allow, deny) {
                (Some(a), None) => (Answer::Allow, (a, true)),
                (None, Some(d)) => (Answer::Deny, (d, false)),
                (Some(a), Some(_)) => (Answer::Conditional, (a, true)),
                (None, None) => return Err(AnalysisError::Internal(format!("{operation}: no answer"))),
            };
            let r = ws.witness(&request, &example.0);
            verify(subject.evaluator(), operation, &r, example.1)?;
            answers.push((scope, answer, built.cites.clone(), Some(r)));
        }
        let all = |a: Answer| answers.iter().all(|x| x.1 == a);
        let pick = |effect: Option<Effect>,
                    answers: &[(ScopeSituation, Answer, Vec<Cite>, Option<Request>)],
                    skip: Answer| {
            let mut out: Vec<Cite> = Vec::new();
            for (_, a, cites, _) in answers {
                if *a == skip {
                    continue;
                }
                for c in cites {
                    if effect.is_none_or(|e| c.effect == e) && !out.contains(c) {
                        out.push(c.clone());
                    }
                }
            }
            out
        };
        let mut entry = WhoCanEntry {
            name: name.to_owned(),
            kind,
            statements: Vec::new(),
            when: Vec::new(),
            example: None,
        };
        if all(Answer::Deny) {
            entry.statements = pick(Some(Effect::Deny), &answers, Answer::Allow);
            entry.example = answers.first().and_then(|a| a.3.clone());
            report.denied.push(entry);
        } else if all(Answer::Allow) {
            entry.statements = pick(Some(Effect::Allow), &answers, Answer::Deny);
            entry.example = answers.first().and_then(|a| a.3.clone());
            report.allowed.push(entry);
        } else {
            entry.statements = pick(None, &answers, Answer::Deny);
            for (scope, answer, cites, example) in &answers {
                match answer {
                    Answer::Deny => {}
                    Answer::Allow => entry.when.push(format!("{scope}: always")),
                    Answer::Conditional => {
                        let conds: Vec<String> = cites
                            .iter()
                            .filter(|c| !c.conditions.is_empty())
                            .map(ToString::to_string)
                            .collect();
                        entry
                            .when
                            .push(format!("{scope}: depending on {}", conds.join("; ")));
                    }
                }
                if entry.example.is_none() && *answer != Answer::Deny {
                    entry.example = example.clone();
                }
            }
            report.conditional.push(entry);
        }
    }
    Ok(report)
}
