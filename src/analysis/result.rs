//! What the questions answer: typed results with the statements that decide and a witness request.

use std::fmt;
use std::sync::Arc;

use super::request::Request;
use super::universe::{Place, ScopeSituation};
use crate::matrix::Operation;
use crate::matrix::Situation;
use crate::policy::Effect;

/// A statement that takes part in an answer, with its condition atoms (`Operator key [values]`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Cite {
    /// The policy's name.
    pub policy: String,
    /// The statement's 0-based index.
    pub statement: usize,
    /// Its `Sid`.
    pub sid: Option<String>,
    /// Its effect.
    pub effect: Effect,
    /// Its condition blocks (ANDed), as `Operator key [values]`; empty when unconditional.
    pub conditions: Vec<String>,
}

impl fmt::Display for Cite {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {} statement {}",
            self.effect.as_str(),
            self.policy,
            self.statement
        )?;
        if let Some(sid) = &self.sid {
            write!(f, " ({sid})")?;
        }
        if !self.conditions.is_empty() {
            write!(f, " if {}", self.conditions.join(" and "))?;
        }
        Ok(())
    }
}

/// What a policy set does for a scope situation, over every context.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Answer {
    /// Allowed whatever the context.
    Allow,
    /// Denied whatever the context.
    Deny,
    /// Allowed in some contexts, denied in others.
    Conditional,
}

impl Answer {
    /// `allow`, `deny` or `conditional`.
    pub fn as_str(self) -> &'static str {
        match self {
            Answer::Allow => "allow",
            Answer::Deny => "deny",
            Answer::Conditional => "conditional",
        }
    }
}

/// The places and situation subsets of one operation, shared by its rows.
#[derive(Debug, Clone, Default)]
pub(crate) struct ScopeTable {
    pub(crate) projects: Vec<Place>,
    pub(crate) enterprise_projects: Vec<Place>,
    pub(crate) situations: Vec<Vec<Situation>>,
}

/// One row of [`access`](crate::analysis::access): an operation, the scope situations where it has the
/// same answer, the statements that decide there, and example requests.
#[derive(Debug, Clone)]
pub struct AccessRow {
    pub(crate) operation: &'static Operation,
    pub(crate) table: Arc<ScopeTable>,
    /// `(situation subset, project, enterprise project)`, positions in `table`.
    pub(crate) scopes: Vec<[u32; 3]>,
    pub(crate) answer: Answer,
    /// Every statement the analysis cited, shared by the rows of one report.
    pub(crate) cites: Arc<[Cite]>,
    /// This row's statements, positions in `cites`.
    pub(crate) statements: Vec<u32>,
    pub(crate) allow_example: Option<Request>,
    pub(crate) deny_example: Option<Request>,
}

impl AccessRow {
    /// The operation.
    pub fn operation(&self) -> &'static Operation {
        self.operation
    }
    /// The scope situations of this row, in order (projects, then enterprise projects, vary fastest).
    pub fn scopes(&self) -> impl ExactSizeIterator<Item = ScopeSituation> + '_ {
        self.scopes.iter().map(|&[s, p, e]| {
            let place = |v: &[Place], i: u32| v.get(i as usize).cloned().unwrap_or(Place::Irrelevant);
            ScopeSituation::new(
                place(&self.table.projects, p),
                place(&self.table.enterprise_projects, e),
                self.table.situations.get(s as usize).cloned().unwrap_or_default(),
            )
        })
    }
    /// The answer.
    pub fn answer(&self) -> Answer {
        self.answer
    }
    /// The statements that decide: the Deny and Allow statements that cover the operation's counted
    /// actions at the row's scope situations (each takes part where its attachment applies). For
    /// `conditional`, at each scope situation the operation is allowed exactly when, for each action,
    /// some Allow covering it there holds and no Deny covering it there applies.
    pub fn statements(&self) -> impl Iterator<Item = &Cite> + '_ {
        self.statements.iter().filter_map(|&i| self.cites.get(i as usize))
    }
    /// A request that is allowed (for `allow` and `conditional`).
    pub fn allow_example(&self) -> Option<&Request> {
        self.allow_example.as_ref()
    }
    /// A request that is denied (for `deny` and `conditional`).
    pub fn deny_example(&self) -> Option<&Request> {
        self.deny_example.as_ref()
    }
}

/// The answer of [`access`](crate::analysis::access).
#[derive(Debug, Clone, Default)]
pub struct AccessReport {
    pub(crate) rows: Vec<AccessRow>,
}

impl AccessReport {
    /// One row per operation and answer (`allow`, `deny`, `conditional`), in matrix order.
    pub fn rows(&self) -> &[AccessRow] {
        &self.rows
    }
}

/// A request situation whose decision differs between two policy sets.
#[derive(Debug, Clone)]
pub struct Change {
    /// The principal (`user NAME` or `group NAME`) when comparing principals files.
    pub principal: Option<String>,
    /// The operation.
    pub operation: &'static Operation,
    /// Where.
    pub scope: ScopeSituation,
    /// The old set's decision for `request` (`allow`, `explicit_deny`, `implicit_deny`).
    pub old: &'static str,
    /// The new set's decision for `request`.
    pub new: &'static str,
    /// A request that shows it.
    pub request: Request,
}

/// The answer of [`diff`](crate::analysis::diff).
#[derive(Debug, Clone, Default)]
pub struct DiffReport {
    /// Request situations the new set allows and the old one does not.
    pub new_access: Vec<Change>,
    /// Request situations the old set allows and the new one does not.
    pub removed_access: Vec<Change>,
}

/// A request situation that violates a `check` specification.
#[derive(Debug, Clone)]
pub struct Violation {
    /// The specification, as given.
    pub spec: String,
    /// The principal (`user NAME` or `group NAME`) when checking a principals file.
    pub principal: Option<String>,
    /// The operation.
    pub operation: &'static Operation,
    /// Where.
    pub scope: ScopeSituation,
    /// An allowed request that violates it.
    pub request: Request,
}

/// The answer of [`check`](crate::analysis::check).
#[derive(Debug, Clone, Default)]
pub struct CheckReport {
    /// Every violation; the specification holds when there is none.
    pub violations: Vec<Violation>,
}

impl CheckReport {
    /// Whether every specification holds (proven).
    pub fn holds(&self) -> bool {
        self.violations.is_empty()
    }
}
