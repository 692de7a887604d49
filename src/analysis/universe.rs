//! The finite universe of request situations: operations, the projects and enterprise projects named
//! in the attachments plus "any other" and "unknown", and the subsets of each operation's documented
//! situations.

use std::fmt;

use super::request::Request;
use crate::compile::{Policy, Scope};
use crate::matrix::{Operation, Situation, operations};

/// Where a request is, along one scope dimension (IAM project or enterprise project).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Place {
    /// One named in an attachment.
    Named(String),
    /// Any other (one not named in any attachment).
    Other,
    /// Not known to the request (attachments there cannot grant; their Deny statements apply).
    Unknown,
    /// The operation cannot be authorized at this scope: attachments there have no effect.
    Irrelevant,
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Place::Named(id) => f.write_str(id),
            Place::Other => f.write_str("(other)"),
            Place::Unknown => f.write_str("(unknown)"),
            Place::Irrelevant => f.write_str("-"),
        }
    }
}

/// A scope situation: the request's project, its enterprise project and the documented situations
/// that hold.
///
/// ```
/// use ims_iam::analysis::{Place, ScopeSituation};
/// let s = ScopeSituation::new(Place::Named("p1".into()), Place::Unknown, vec![]);
/// assert_eq!(s.to_string(), "project p1, enterprise project (unknown)");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ScopeSituation {
    project: Place,
    enterprise_project: Place,
    situations: Vec<Situation>,
}

impl ScopeSituation {
    /// A scope situation.
    pub fn new(project: Place, enterprise_project: Place, situations: Vec<Situation>) -> ScopeSituation {
        ScopeSituation {
            project,
            enterprise_project,
            situations,
        }
    }
    /// The request's IAM project.
    pub fn project(&self) -> &Place {
        &self.project
    }
    /// The request's enterprise project.
    pub fn enterprise_project(&self) -> &Place {
        &self.enterprise_project
    }
    /// The documented situations that hold (those of the operation's conditional actions).
    pub fn situations(&self) -> &[Situation] {
        &self.situations
    }
}

impl fmt::Display for ScopeSituation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "project {}, enterprise project {}",
            self.project, self.enterprise_project
        )?;
        for s in &self.situations {
            write!(f, ", {s}")?;
        }
        Ok(())
    }
}

/// The scopes named by the attachments of one or more policy sets.
#[derive(Debug, Clone, Default)]
pub(crate) struct Universe {
    projects: Vec<String>,
    enterprise_projects: Vec<String>,
    other_project: String,
    other_enterprise_project: String,
}

impl Universe {
    pub(crate) fn new<'p>(policies: impl IntoIterator<Item = &'p Policy>) -> Universe {
        let mut u = Universe::default();
        for p in policies {
            match p.scope() {
                Scope::Global => {}
                Scope::Project(id) => u.projects.push(id.clone()),
                Scope::EnterpriseProject(id) => u.enterprise_projects.push(id.clone()),
            }
        }
        u.projects.sort();
        u.projects.dedup();
        u.enterprise_projects.sort();
        u.enterprise_projects.dedup();
        u.other_project = (0u128..)
            .map(|n| format!("{:032x}", n + 0xaaaa))
            .find(|id| u.projects.binary_search(id).is_err())
            .unwrap_or_default();
        u.other_enterprise_project = (0u32..)
            .map(|n| format!("other-enterprise-project-{n}"))
            .find(|id| u.enterprise_projects.binary_search(id).is_err())
            .unwrap_or_default();
        u
    }

    /// The places of `operation` along each dimension (projects, then enterprise projects), each with
    /// the id a request there carries; `other` is the position of "any other" (or the one irrelevant
    /// place) in each list.
    pub(crate) fn places(&self, operation: &'static Operation) -> Places<'_> {
        let path_project = operation.template().contains("{project_id}");
        let projects: Vec<(Place, Option<&str>)> = if operation.iam_project() {
            let mut v: Vec<(Place, Option<&str>)> = self
                .projects
                .iter()
                .map(|p| (Place::Named(p.clone()), Some(p.as_str())))
                .collect();
            v.push((Place::Other, Some(&self.other_project)));
            if !path_project {
                v.push((Place::Unknown, None));
            }
            v
        } else {
            vec![(
                Place::Irrelevant,
                path_project.then_some(self.other_project.as_str()),
            )]
        };
        let eps: Vec<(Place, Option<&str>)> = if operation.enterprise_project() {
            let mut v: Vec<(Place, Option<&str>)> = self
                .enterprise_projects
                .iter()
                .map(|e| (Place::Named(e.clone()), Some(e.as_str())))
                .collect();
            v.push((Place::Other, Some(&self.other_enterprise_project)));
            v.push((Place::Unknown, None));
            v
        } else {
            vec![(Place::Irrelevant, None)]
        };
        let other = |v: &[(Place, Option<&str>)]| {
            v.iter()
                .position(|(p, _)| matches!(p, Place::Other | Place::Irrelevant))
                .unwrap_or(0)
        };
        Places {
            other: (other(&projects), other(&eps)),
            projects,
            enterprise_projects: eps,
        }
    }

    /// Every scope situation of `operation` (none for operations that require no action), each with the
    /// request that stands for it (no context values yet).
    pub(crate) fn situations(&self, operation: &'static Operation) -> Vec<(ScopeSituation, Request)> {
        if operation.actions().is_empty() {
            return Vec::new();
        }
        let places = self.places(operation);
        let mut out = Vec::new();
        for situations in situation_subsets(operation) {
            for (pp, pid) in &places.projects {
                for (ep, eid) in &places.enterprise_projects {
                    let request = Request::new(operation, *pid, *eid, situations.clone());
                    out.push((
                        ScopeSituation::new(pp.clone(), ep.clone(), situations.clone()),
                        request,
                    ));
                }
            }
        }
        out
    }
}

/// The places of one operation along both scope dimensions.
#[derive(Debug)]
pub(crate) struct Places<'u> {
    /// Projects, each with the id a request there carries.
    pub(crate) projects: Vec<(Place, Option<&'u str>)>,
    /// Enterprise projects, likewise.
    pub(crate) enterprise_projects: Vec<(Place, Option<&'u str>)>,
    /// The positions of "any other" (or the irrelevant place) in both lists.
    pub(crate) other: (usize, usize),
}

/// The subsets of the operation's documented situations under which some required action counts.
pub(crate) fn situation_subsets(operation: &Operation) -> Vec<Vec<Situation>> {
    let mut own: Vec<Situation> = operation.actions().iter().filter_map(|a| a.situation()).collect();
    own.dedup();
    let mut out = Vec::new();
    for mask in 0u32..(1 << own.len()) {
        let subset: Vec<Situation> = own
            .iter()
            .enumerate()
            .filter(|(i, _)| mask & (1 << i) != 0)
            .map(|(_, s)| *s)
            .collect();
        let counts = operation
            .actions()
            .iter()
            .any(|a| a.situation().is_none_or(|s| subset.contains(&s)));
        if counts {
            out.push(subset);
        }
    }
    out
}

/// The operations that need at least one action (the `N/A` rows are allowed for everyone).
pub(crate) fn analysed_operations() -> impl Iterator<Item = &'static Operation> {
    operations().iter().filter(|o| !o.actions().is_empty())
}
