//! The statements attached at one scope, folded per owner for fast lookup.

use super::index::ValueIndex;
use super::statement::{ActionSet, CompiledStatement};
use crate::matrix::{ActionId, known_actions};
use crate::policy::Effect;
use crate::request::{Owner, Owners};

/// The unconditional Allow and Deny actions of some attachments.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Masks {
    /// Union of the actions of unconditional Allow statements (narrow-resource Allows excluded).
    pub(crate) allow: ActionSet,
    /// Union of the actions of unconditional Deny statements.
    pub(crate) deny: ActionSet,
}

impl Masks {
    fn union(&mut self, other: Masks) {
        self.allow.union(other.allow);
        self.deny.union(other.deny);
    }
}

/// The statements attached at one scope.
#[derive(Debug, Default)]
pub(crate) struct Bucket {
    /// The masks of the attachments of [`Owner::EVERYONE`].
    everyone: Masks,
    /// The masks of every other owner with an unconditional statement here, sorted by owner.
    owned: Vec<(Owner, Masks)>,
    /// The actions covered by some conditional statement (listed or indexed), per effect.
    conditional: Masks,
    /// Per action id: the conditional Deny statements covering it, but for the indexed ones.
    conditional_deny: Vec<Vec<usize>>,
    /// Per action id: the conditional Allow statements covering it (narrow-resource Allows excluded),
    /// but for the indexed ones.
    conditional_allow: Vec<Vec<usize>>,
    /// The conditional Deny statements indexed by the request value they need.
    indexed_deny: ValueIndex,
    /// The conditional Allow statements (narrow-resource Allows excluded) indexed likewise.
    indexed_allow: ValueIndex,
    /// Every statement attached here, in order (for explanations).
    statements: Vec<usize>,
}

impl Bucket {
    /// Adds statement `id`; with `deny_only`, only if it is a Deny.
    pub(super) fn add(&mut self, id: usize, s: &CompiledStatement, deny_only: bool) {
        if deny_only && s.effect() == Effect::Allow {
            return;
        }
        self.statements.push(id);
        let grants = s.effect() == Effect::Deny || !s.narrow_resource();
        if !grants {
            return;
        }
        if s.conditions().is_empty() {
            let masks = if s.owner() == Owner::EVERYONE {
                &mut self.everyone
            } else {
                let i = match self.owned.binary_search_by_key(&s.owner(), |e| e.0) {
                    Ok(i) => i,
                    Err(i) => {
                        self.owned.insert(i, (s.owner(), Masks::default()));
                        i
                    }
                };
                &mut self.owned[i].1
            };
            match s.effect() {
                Effect::Allow => masks.allow.union(s.actions()),
                Effect::Deny => masks.deny.union(s.actions()),
            }
        } else {
            match s.effect() {
                Effect::Allow => self.conditional.allow.union(s.actions()),
                Effect::Deny => self.conditional.deny.union(s.actions()),
            }
            let (index, indexed) = match s.effect() {
                Effect::Allow => (&mut self.conditional_allow, &mut self.indexed_allow),
                Effect::Deny => (&mut self.conditional_deny, &mut self.indexed_deny),
            };
            if let Some(key) = s.index_key() {
                indexed.insert(id, key, s.actions());
                return;
            }
            if index.is_empty() {
                *index = vec![Vec::new(); known_actions().len()];
            }
            for a in s.actions().iter() {
                index[a.index()].push(id);
            }
        }
    }

    /// The actions that some conditional statement covers, per effect (whoever it is attached to):
    /// an action outside them is decided by the masks alone.
    #[inline]
    pub(crate) fn conditional(&self) -> Masks {
        self.conditional
    }

    /// The unconditional masks of the attachments of `owners`, ORed.
    #[inline]
    pub(crate) fn masks(&self, owners: Owners<'_>) -> Masks {
        let Some(lists) = owners.lists() else {
            return self.everyone;
        };
        let mut masks = Masks::default();
        if self.owned.is_empty() {
            return masks;
        }
        for owner in lists.into_iter().flatten() {
            if let Ok(i) = self.owned.binary_search_by_key(owner, |e| e.0) {
                masks.union(self.owned[i].1);
            }
        }
        masks
    }

    /// The indexed conditional Deny statements (of every owner).
    #[inline]
    pub(crate) fn indexed_denies(&self) -> &ValueIndex {
        &self.indexed_deny
    }

    /// The indexed conditional Allow statements that may grant (of every owner).
    #[inline]
    pub(crate) fn indexed_allows(&self) -> &ValueIndex {
        &self.indexed_allow
    }

    /// The conditional Deny statements covering `action` (of every owner), but for the indexed ones.
    #[inline]
    pub(crate) fn conditional_denies(&self, action: ActionId) -> &[usize] {
        self.conditional_deny
            .get(action.index())
            .map_or(&[], Vec::as_slice)
    }

    /// The conditional Allow statements covering `action` that may grant (of every owner), but for
    /// the indexed ones.
    #[inline]
    pub(crate) fn conditional_allows(&self, action: ActionId) -> &[usize] {
        self.conditional_allow
            .get(action.index())
            .map_or(&[], Vec::as_slice)
    }

    /// Every statement attached here (of every owner), in order.
    pub(crate) fn statements(&self) -> &[usize] {
        &self.statements
    }
}
