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
    /// Per `(policy, statement)`: its atom and citation, worked out once.
    statements: HashMap<(usize, usize), (Vec<usize>, Cite)>,
}

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

    fn build(
        &mut self,
        blocks: &mut Blocks,
        per_action: &[Vec<super::adapter::Participant>],
    ) -> Result<Built, AnalysisError> {
        let mut formula = Formula::default();
        let mut cites: Vec<Cite> = Vec::new();
        for participants in per_action {
            let mut action = ActionFormula::default();
            for (name, index, effect) in participants {
                let p = *self
                    .by_name
                    .get(name)
                    .ok_or_else(|| AnalysisError::Internal(format!("policy `{name}` not found")))?;
                if !self.statements.contains_key(&(p, *index)) {
                    let statement = self.policies[p]
                        .document()
                        .statements
                        .get(*index)
                        .ok_or_else(|| {
                            AnalysisError::Internal(format!("statement {index} of `{name}` not found"))
                        })?;
                    let mut atom = Vec::with_capacity(statement.conditions.len());
                    for entry in &statement.conditions {
                        atom.push(blocks.intern(entry).ok_or_else(|| {
                            AnalysisError::Internal(format!("a condition of `{name}` does not compile"))
                        })?);
                    }
                    let cite = Cite {
                        policy: name.clone(),
                        statement: *index,
                        sid: statement.sid.clone(),
                        effect: *effect,
                        conditions: atom.iter().map(|&b| blocks.get(b).atom()).collect(),
                    };
                    self.statements.insert((p, *index), (atom, cite));
                }
                let Some((atom, cite)) = self.statements.get(&(p, *index)) else {
                    continue;
                };
                if !cites.iter().any(|c| c.policy == *name && c.statement == *index) {
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
