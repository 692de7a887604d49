//! What a policy allows, over the finite space `generate` judges policies on: every operation of the
//! matrix in every combination of the situations its conditional actions name.
//!
//! Computed by brute force with the real evaluator ([`PolicySet::authorize_operation`]): the generated
//! policies are attached globally and have no conditions, so a decision depends only on the operation and
//! its situations, and the enumeration is exact. This is the one place to re-point at the analysis of
//! SPEC section 5 when it is available.

use std::collections::BTreeSet;
use std::fmt;

use crate::compile::PolicySet;
use crate::eval::Reason;
use crate::matrix::{Operation, Situation, operations};
use crate::request::{Context, Request};

/// An operation together with the situations that held for it: one element of what a policy allows.
///
/// ```
/// use ims_iam::generate::{Generator, InputFormat};
/// let mut generator = Generator::default();
/// generator.read_str("calls", "POST /v2/cloudimages/quickimport/action situation=data-disk-image-import", InputFormat::Calls)?;
/// let generated = generator.generate();
/// let covered = &generated.covers()[0];
/// assert_eq!(covered.operation().template(), "/v2/cloudimages/quickimport/action");
/// assert_eq!(covered.situations().map(|s| s.id()).collect::<Vec<_>>(), ["data-disk-image-import"]);
/// assert_eq!(covered.to_string(), "POST /v2/cloudimages/quickimport/action [data-disk-image-import]");
/// # Ok::<(), ims_iam::generate::InputError>(())
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Access {
    op: &'static Operation,
    situations: u8,
}

impl Access {
    /// `situations` is reduced to those the operation's conditional actions name (the others change
    /// nothing).
    pub(crate) fn new(op: &'static Operation, situations: u8) -> Access {
        Access {
            op,
            situations: situations & relevant_situations(op),
        }
    }

    fn key(&self) -> (usize, u8) {
        (self.op.index(), self.situations)
    }

    /// The documented API.
    pub fn operation(&self) -> &'static Operation {
        self.op
    }

    /// The situations that held, among those the operation's conditional actions name.
    pub fn situations(&self) -> impl Iterator<Item = Situation> + use<> {
        let mask = self.situations;
        Situation::ALL.into_iter().filter(move |s| mask & s.bit() != 0)
    }

    /// The actions this access requires: the unconditional ones and those of its situations.
    pub fn required_actions(&self) -> impl Iterator<Item = &'static str> + use<> {
        let mask = self.situations;
        self.operation()
            .actions()
            .iter()
            .filter(move |a| a.situation().is_none_or(|s| mask & s.bit() != 0))
            .map(|a| a.action())
    }

    /// A context in which the situations hold.
    pub(crate) fn context(&self) -> Context<'static> {
        self.situations()
            .fold(Context::default(), |ctx, s| ctx.with_situation(s))
    }
}

impl PartialEq for Access {
    fn eq(&self, other: &Access) -> bool {
        self.key() == other.key()
    }
}

impl Eq for Access {}

impl PartialOrd for Access {
    fn partial_cmp(&self, other: &Access) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// Matrix order, then situations.
impl Ord for Access {
    fn cmp(&self, other: &Access) -> std::cmp::Ordering {
        self.key().cmp(&other.key())
    }
}

impl std::hash::Hash for Access {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.key().hash(state);
    }
}

impl fmt::Display for Access {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.operation())?;
        let ids: Vec<&str> = self.situations().map(Situation::id).collect();
        if !ids.is_empty() {
            write!(f, " [{}]", ids.join(", "))?;
        }
        Ok(())
    }
}

/// The situations named by an operation's conditional actions, as bits.
pub(crate) fn relevant_situations(op: &Operation) -> u8 {
    op.actions()
        .iter()
        .filter_map(|a| a.situation())
        .fold(0, |m, s| m | s.bit())
}

/// Every subset of `mask` (at most 2^4), the empty one first.
fn subsets(mask: u8) -> impl Iterator<Item = u8> {
    (0..=mask).filter(move |s| s & !mask == 0)
}

/// Every access that `set` allows because its statements allow every required action (reason `allow`).
/// Operations that require no action are allowed for everyone and are not part of it.
pub(crate) fn allowed(set: &PolicySet) -> BTreeSet<Access> {
    let mut out = BTreeSet::new();
    for op in operations().iter().filter(|op| !op.actions().is_empty()) {
        for situations in subsets(relevant_situations(op)) {
            let access = Access::new(op, situations);
            let ctx = access.context();
            let decision = set.authorize(&Request::for_operation(op, None, &ctx));
            if decision.reason() == Reason::Allow {
                out.insert(access);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Policy, Scope};

    fn set(actions: &str) -> PolicySet {
        let text = format!(r#"{{"Version":"1.1","Statement":[{{"Effect":"Allow","Action":[{actions}]}}]}}"#);
        PolicySet::new([Policy::parse("p", Scope::Global, &text).unwrap()]).unwrap()
    }

    #[test]
    fn subsets_of_a_mask() {
        assert_eq!(subsets(0b1010).collect::<Vec<_>>(), [0, 2, 8, 10]);
        assert_eq!(subsets(0).collect::<Vec<_>>(), [0]);
    }

    #[test]
    fn quick_import_needs_a_situation_and_is_allowed_per_situation() {
        let allowed = allowed(&set(r#""ims:dataImages:create""#));
        let shown: Vec<String> = allowed.iter().map(ToString::to_string).collect();
        assert_eq!(
            shown,
            [
                "POST /v2/cloudimages/quickimport/action [data-disk-image-import]",
                "POST /v1/cloudimages/dataimages/action",
                "POST /v2.1/cloudimages/quickimport/action [data-disk-image-import]",
                "POST /v2.1/cloudimages/dataimages/action",
            ]
        );
    }

    #[test]
    fn everything_for_full_access() {
        let all = allowed(&set(r#""ims:*:*""#));
        let expected: usize = operations()
            .iter()
            .filter(|op| !op.actions().is_empty())
            .map(|op| {
                let m = relevant_situations(op);
                // Quick import has no allowed access without a situation.
                let every = subsets(m).count();
                if op.actions().iter().all(|a| a.situation().is_some()) {
                    every - 1
                } else {
                    every
                }
            })
            .sum();
        assert_eq!(all.len(), expected);
    }
}
