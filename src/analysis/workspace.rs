//! State shared by the questions of one analysis: the blocks, the key theories, the answers already
//! found per formula; and the witness check: every example is decided again by the evaluator.

use std::collections::HashMap;

use super::adapter::Evaluator;
use super::blocks::Blocks;
use super::error::AnalysisError;
use super::request::Request;
use super::search::{Assignment, Formula, Theories, find};
use crate::eval::Decision;
use crate::matrix::Operation;

/// An allowing and a denying assignment, where they exist.
pub(crate) type Classified = (Option<Assignment>, Option<Assignment>);

#[derive(Debug, Default)]
pub(crate) struct Workspace {
    pub(crate) blocks: Blocks,
    theories: Theories,
    answers: HashMap<(Formula, bool), Classified>,
    /// Condition-key values the question fixes (`who-can --context`).
    pub(crate) pinned: Vec<(String, String)>,
}

impl Workspace {
    /// Searches for a context satisfying `goal`.
    pub(crate) fn find(
        &mut self,
        goal: &[(&Formula, bool)],
        enterprise_project_known: bool,
    ) -> Result<Option<Assignment>, AnalysisError> {
        find(
            &self.blocks,
            &mut self.theories,
            goal,
            enterprise_project_known,
            &self.pinned,
        )
    }

    /// An allowing and a denying context of a formula, where they exist.
    pub(crate) fn classify(
        &mut self,
        formula: &Formula,
        enterprise_project_known: bool,
    ) -> Result<Classified, AnalysisError> {
        let key = (formula.clone(), enterprise_project_known);
        if let Some(c) = self.answers.get(&key) {
            return Ok(c.clone());
        }
        let c = match formula.constant() {
            Some(true) => (Some(Vec::new()), None),
            Some(false) => (None, Some(Vec::new())),
            None => (
                self.find(&[(formula, true)], enterprise_project_known)?,
                self.find(&[(formula, false)], enterprise_project_known)?,
            ),
        };
        self.answers.insert(key, c.clone());
        Ok(c)
    }

    /// `request` with the pinned values and an assignment's values.
    pub(crate) fn witness(&self, request: &Request, assignment: &Assignment) -> Request {
        let mut r = request.clone();
        for (k, v) in &self.pinned {
            r.context.push((k.clone(), v.clone()));
        }
        for (key, values) in assignment {
            for v in values {
                r.context.push((key.clone(), v.clone()));
            }
        }
        r
    }
}

/// Decides a witness again and checks it shows what the analysis claims.
pub(crate) fn verify(
    evaluator: &Evaluator,
    operation: &'static Operation,
    request: &Request,
    allowed: bool,
) -> Result<Decision, AnalysisError> {
    let decision = evaluator.decide(operation, request);
    if decision.is_allowed() != allowed {
        return Err(AnalysisError::Internal(format!(
            "the witness {request} was expected to be {} but is {}",
            if allowed { "allowed" } else { "denied" },
            decision.as_str()
        )));
    }
    Ok(decision)
}
