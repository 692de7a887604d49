//! A policy set under analysis: the evaluator's compiled set, and the formula it decides for each
//! scope situation (built from the statements the evaluator says take part).

use std::collections::HashMap;
use std::rc::Rc;

use super::adapter::Evaluator;
use super::blocks::Blocks;
use super::error::AnalysisError;
use super::request::Request;
use super::result::Cite;
use super::search::{ActionFormula, Formula};
use crate::compile::Policy;
use crate::matrix::{Operation, Situation};
use crate::policy::Effect;

/// A formula and the statements it is made of.
#[derive(Debug)]
pub(crate) struct Built {
    pub(crate) formula: Formula,
    pub(crate) cites: Vec<Cite>,
}

type CacheKey = (
    Vec<(&'static str, Option<Situation>)>,
    bool,
    bool,
    Option<String>,
    Option<String>,
    Vec<Situation>,
);

/// One policy set.
#[derive(Debug)]
pub(crate) struct Subject {
    evaluator: Evaluator,
    policies: Vec<Policy>,
    by_name: HashMap<String, usize>,
    cache: HashMap<CacheKey, Option<Rc<Built>>>,
    /// Per `(policy, statement)`: its id in `table`.
    statements: HashMap<(usize, usize), usize>,
    /// Per statement id: its atom and citation, worked out once.
    table: Vec<(Vec<usize>, Cite)>,
}

/// A statement taking part in deciding one action: its effect and its id in the subject's table.
pub(crate) type Entry = (Effect, usize);

impl Subject {
    pub(crate) fn new(policies: &[Policy]) -> Result<Subject, AnalysisError> {
        let evaluator = Evaluator::new(policies)?;
        let mut by_name: HashMap<String, usize> = HashMap::new();
        for (i, p) in policies.iter().enumerate() {
            match by_name.get(p.name()) {
                Some(&j) if policies[j].document() != p.document() => {
                    return Err(AnalysisError::AmbiguousPolicyName(p.name().to_owned()));
                }
                Some(_) => {}
                None => {
                    by_name.insert(p.name().to_owned(), i);
                }
            }
        }
        Ok(Subject {
            evaluator,
            policies: policies.to_vec(),
            by_name,
            cache: HashMap::new(),
            statements: HashMap::new(),
            table: Vec::new(),
        })
    }

    pub(crate) fn evaluator(&self) -> &Evaluator {
        &self.evaluator
    }

    /// The formula the set decides for `request` (its context ignored); `None` when the request is
    /// decided without actions.
    pub(crate) fn formula(
        &mut self,
        blocks: &mut Blocks,
        operation: &'static Operation,
        request: &Request,
    ) -> Result<Option<Rc<Built>>, AnalysisError> {
        let key: CacheKey = (
            operation
                .actions()
                .iter()
                .map(|a| (a.action(), a.situation()))
                .collect(),
            operation.iam_project(),
            operation.enterprise_project(),
            request.project().map(str::to_owned),
            request.enterprise_project.clone(),
            request.situations.clone(),
        );
        if let Some(b) = self.cache.get(&key) {
            return Ok(b.clone());
        }
        let built = match self.evaluator.participants(operation, request) {
            None => None,
            Some(per_action) => Some(Rc::new(self.build(blocks, &per_action)?)),
        };
        self.cache.insert(key, built.clone());
        Ok(built)
    }

    /// The statements that take part in deciding each counted action of `request` (its context
    /// ignored), by id; `None` when the request is decided without actions.
    pub(crate) fn trace(
        &mut self,
        blocks: &mut Blocks,
        operation: &'static Operation,
        request: &Request,
    ) -> Result<Option<Vec<Vec<Entry>>>, AnalysisError> {
        let Some(per_action) = self.evaluator.participants(operation, request) else {
            return Ok(None);
        };
        let mut out = Vec::with_capacity(per_action.len());
        for participants in &per_action {
            let mut action = Vec::with_capacity(participants.len());
            for (name, index, effect) in participants {
                action.push((*effect, self.statement_id(blocks, name, *index, *effect)?));
            }
            out.push(action);
        }
        Ok(Some(out))
    }

    /// The condition blocks of a statement (ANDed).
    pub(crate) fn atom(&self, id: usize) -> &[usize] {
        self.table.get(id).map_or(&[], |(atom, _)| atom.as_slice())
    }

    /// The citation of a statement.
    pub(crate) fn cite(&self, id: usize) -> Option<&Cite> {
        self.table.get(id).map(|(_, cite)| cite)
    }

    fn statement_id(
        &mut self,
        blocks: &mut Blocks,
        name: &str,
        index: usize,
        effect: Effect,
    ) -> Result<usize, AnalysisError> {
        let p = *self
            .by_name
            .get(name)
            .ok_or_else(|| AnalysisError::Internal(format!("policy `{name}` not found")))?;
        if let Some(&id) = self.statements.get(&(p, index)) {
            return Ok(id);
        }
        let statement = self.policies[p]
            .document()
            .statements
            .get(index)
            .ok_or_else(|| AnalysisError::Internal(format!("statement {index} of `{name}` not found")))?;
        let mut atom = Vec::with_capacity(statement.conditions.len());
        for entry in &statement.conditions {
            atom.push(blocks.intern(entry).ok_or_else(|| {
                AnalysisError::Internal(format!("a condition of `{name}` does not compile"))
            })?);
        }
        let cite = Cite {
            policy: name.to_owned(),
            statement: index,
            sid: statement.sid.clone(),
            effect,
            conditions: atom.iter().map(|&b| blocks.get(b).atom()).collect(),
        };
        let id = self.table.len();
        self.table.push((atom, cite));
        self.statements.insert((p, index), id);
        Ok(id)
    }

    fn build(
        &mut self,
        blocks: &mut Blocks,
        per_action: &[Vec<super::adapter::Participant>],
    ) -> Result<Built, AnalysisError> {
        let mut formula = Formula::default();
        let mut cites: Vec<Cite> = Vec::new();
        let mut seen: Vec<usize> = Vec::new();
        for participants in per_action {
            let mut action = ActionFormula::default();
            for (name, index, effect) in participants {
                let id = self.statement_id(blocks, name, *index, *effect)?;
                let (atom, cite) = &self.table[id];
                if !seen.contains(&id) {
                    seen.push(id);
                    cites.push(cite.clone());
                }
                match effect {
                    Effect::Deny => action.denies.push(atom.clone()),
                    Effect::Allow => action.allows.push(atom.clone()),
                }
            }
            formula.actions.push(action);
        }
        formula.normalize();
        Ok(Built { formula, cites })
    }
}
