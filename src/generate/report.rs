//! What `generate` produces: the policy, the covered and collateral accesses, the unrouted lines, the
//! dependencies note and the scope suggestion.

use std::collections::BTreeSet;

use serde_json::Value;

use super::builder::{compact, compile, document, document_text};
use super::collateral::{Access, allowed};
use super::{Generator, Unrouted};
use crate::compile::Scope;
use crate::matrix::{DependencyGroup, Operation};

/// Where to attach the policy, as far as the calls tell.
///
/// ```
/// use ims_iam::generate::{Generator, InputFormat, ScopeSuggestion};
/// let mut generator = Generator::default();
/// generator.read_str("calls", "GET /v2/0123456789abcdef0123456789abcdef/images/tags", InputFormat::Calls)?;
/// let generated = generator.generate();
/// assert_eq!(generated.scope(), &ScopeSuggestion::Project("0123456789abcdef0123456789abcdef".into()));
/// assert_eq!(generated.scope().scope().unwrap().to_string(), "project:0123456789abcdef0123456789abcdef");
/// # Ok::<(), ims_iam::generate::InputError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScopeSuggestion {
    /// Every call that needs an action was in this IAM project (its path's `{project_id}`, a `project=`
    /// annotation, or the log record's project): attach the policy with `project:ID`.
    Project(String),
    /// The calls were in several projects: attach it globally, or generate one policy per project.
    SeveralProjects,
    /// This many calls do not say their project (their path has none and nothing else gave it).
    Unknown(u64),
    /// No suggestion: no call needs an action, or an operation cannot be authorized at project scope.
    None,
}

impl ScopeSuggestion {
    /// The suggested attachment scope, for [`ScopeSuggestion::Project`].
    pub fn scope(&self) -> Option<Scope> {
        match self {
            ScopeSuggestion::Project(id) => format!("project:{id}").parse().ok(),
            _ => None,
        }
    }
}

/// The generated policy and its report (see the [module docs](super)).
#[derive(Debug, Clone)]
pub struct Generated {
    policy: Option<Value>,
    actions: Vec<String>,
    exact: Vec<String>,
    covers: Vec<Access>,
    calls: Vec<u64>,
    collateral: Vec<Access>,
    unrouted: Vec<Unrouted>,
    ignored: u64,
    scope: ScopeSuggestion,
}

impl Generated {
    /// The Version 1.1 policy document; `None` when no observed call requires an action (a policy with
    /// no action cannot be written).
    pub fn policy(&self) -> Option<&Value> {
        self.policy.as_ref()
    }

    /// The policy as pretty-printed JSON with a final newline, as `ims-iam generate` prints it.
    pub fn policy_text(&self) -> Option<String> {
        self.policy.as_ref().map(|_| document_text(&self.actions))
    }

    /// The policy's actions (wildcards where [`Generator::compact`] merged some).
    pub fn actions(&self) -> &[String] {
        &self.actions
    }

    /// The exact actions the calls required, sorted, once each.
    pub fn exact_actions(&self) -> &[String] {
        &self.exact
    }

    /// What the calls did: each operation in the situations observed, in matrix order.
    pub fn covers(&self) -> &[Access] {
        &self.covers
    }

    /// How many calls each entry of [`Generated::covers`] stands for (same order).
    pub fn calls(&self) -> &[u64] {
        &self.calls
    }

    /// Every other access the policy allows: operations (or situations) nobody called, allowed because
    /// they require no action beyond the policy's. Operations that require no action at all are allowed
    /// for everyone and are not listed.
    pub fn collateral(&self) -> &[Access] {
        &self.collateral
    }

    /// The lines that did not become calls.
    pub fn unrouted(&self) -> &[Unrouted] {
        &self.unrouted
    }

    /// Lines skipped as not being calls: other log events, other principals' records, other services'
    /// traces.
    pub fn ignored(&self) -> u64 {
        self.ignored
    }

    /// Where to attach the policy.
    pub fn scope(&self) -> &ScopeSuggestion {
        &self.scope
    }

    /// The dependent actions of the covered operations (advisory, never in the policy): each covered
    /// operation with the documented groups that serve the actions its calls required.
    pub fn dependencies(&self) -> Vec<(&'static Operation, &'static DependencyGroup)> {
        let mut out: Vec<(&'static Operation, &'static DependencyGroup)> = Vec::new();
        for access in &self.covers {
            let op = access.operation();
            for group in op.dependencies() {
                let serves = group
                    .of()
                    .is_none_or(|of| access.required_actions().any(|a| a == of));
                let seen = out
                    .iter()
                    .any(|(o, g)| o.index() == op.index() && std::ptr::eq(*g, group));
                if serves && !seen {
                    out.push((op, group));
                }
            }
        }
        out
    }
}

pub(super) fn build(generator: &Generator) -> Generated {
    let covers: Vec<Access> = generator.observed.keys().copied().collect();
    let calls: Vec<u64> = generator.observed.values().copied().collect();
    let exact: Vec<String> = covers
        .iter()
        .flat_map(Access::required_actions)
        .collect::<BTreeSet<&str>>()
        .into_iter()
        .map(str::to_owned)
        .collect();
    let mut generated = Generated {
        policy: None,
        actions: Vec::new(),
        exact: exact.clone(),
        covers,
        calls,
        collateral: Vec::new(),
        unrouted: generator.unrouted.clone(),
        ignored: generator.ignored,
        scope: scope(generator),
    };
    if exact.is_empty() {
        return generated;
    }
    let exact_document = document(&exact);
    // The document is ours and always compiles; were it not to, no policy is better than a wrong one.
    let Some(set) = compile(&exact_document) else {
        return generated;
    };
    let target = allowed(&set);
    let actions = if generator.compact {
        compact(&exact, &target)
    } else {
        exact
    };
    let observed: BTreeSet<Access> = generated.covers.iter().copied().collect();
    generated.collateral = target.difference(&observed).copied().collect();
    generated.policy = Some(document(&actions));
    generated.actions = actions;
    generated
}

fn scope(generator: &Generator) -> ScopeSuggestion {
    let projects = &generator.projects;
    match &projects.first {
        _ if projects.several => ScopeSuggestion::SeveralProjects,
        _ if projects.unknown > 0 => ScopeSuggestion::Unknown(projects.unknown),
        Some(p)
            if generator.observed.keys().all(|a| a.operation().iam_project())
                && format!("project:{p}").parse::<Scope>().is_ok() =>
        {
            ScopeSuggestion::Project(p.clone())
        }
        Some(_) | None => ScopeSuggestion::None,
    }
}
