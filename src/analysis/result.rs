//! What the questions answer: typed results with the statements that decide and a witness request.

use std::fmt;

use super::request::Request;
use super::universe::ScopeSituation;
use crate::matrix::Operation;
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

/// One row of [`access`](crate::analysis::access): an operation, the scope situations where it has the
/// same answer and deciding statements, and example requests.
#[derive(Debug, Clone)]
pub struct AccessRow {
    pub(crate) operation: &'static Operation,
    pub(crate) scopes: Vec<ScopeSituation>,
    pub(crate) answer: Answer,
    pub(crate) statements: Vec<Cite>,
    pub(crate) allow_example: Option<Request>,
    pub(crate) deny_example: Option<Request>,
}

impl AccessRow {
    /// The operation.
    pub fn operation(&self) -> &'static Operation {
        self.operation
    }
    /// The scope situations of this row.
    pub fn scopes(&self) -> &[ScopeSituation] {
        &self.scopes
    }
    /// The answer.
    pub fn answer(&self) -> Answer {
        self.answer
    }
    /// The statements that decide: the Deny and Allow statements that cover the operation's counted
    /// actions there. For `conditional`, the operation is allowed exactly when, for each action, some
    /// listed Allow covering it holds and no listed Deny covering it applies.
    pub fn statements(&self) -> &[Cite] {
        &self.statements
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
    /// One row per operation and group of scope situations with the same answer, in matrix order.
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
