//! Compiled statements: the actions a statement covers as a bit set, its narrow-resource flag and its
//! compiled conditions, with the owner of the attachment it came from.

use time::OffsetDateTime;

use super::CompileError;
use super::condition::{Block, CompiledCondition, IndexKey, KeySlots, Memo, Outcome};
use super::wildcard::{Case, Pattern};
use crate::matrix::{ActionId, known_actions};
use crate::policy::{ActionSpec, Effect, ResourceForm};
use crate::request::{Context, Owner};

/// A set of actions of the universe ([`known_actions`](crate::known_actions)), as a bit mask.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct ActionSet(u64);

impl ActionSet {
    pub(crate) fn contains(self, id: ActionId) -> bool {
        self.0 & (1 << id.0) != 0
    }
    pub(crate) fn insert(&mut self, id: ActionId) {
        self.0 |= 1 << id.0;
    }
    pub(crate) fn union(&mut self, other: ActionSet) {
        self.0 |= other.0;
    }
    /// Whether some action is in both sets.
    pub(crate) fn meets(self, other: ActionSet) -> bool {
        self.0 & other.0 != 0
    }
    /// Takes the actions of `other` out of the set.
    pub(crate) fn remove_all(&mut self, other: ActionSet) {
        self.0 &= !other.0;
    }
    /// Whether no action is in the set.
    pub(crate) fn is_empty(self) -> bool {
        self.0 == 0
    }
    /// Whether every action of `self` is in `other`.
    pub(crate) fn is_subset(self, other: ActionSet) -> bool {
        self.0 & !other.0 == 0
    }
    pub(crate) fn iter(self) -> impl Iterator<Item = ActionId> {
        (0..known_actions().len())
            .filter_map(|i| u8::try_from(i).ok())
            .map(ActionId)
            .filter(move |id| self.contains(*id))
    }
}

/// One compiled statement.
#[derive(Debug)]
pub(crate) struct CompiledStatement {
    /// The attached policy's index in its set.
    policy: usize,
    /// Who the policy is attached to.
    owner: Owner,
    index: usize,
    sid: Option<String>,
    effect: Effect,
    /// The actions of the universe the statement covers (after `NotAction` inversion).
    actions: ActionSet,
    /// `Resource` present and not covering everything: an Allow grants nothing, a Deny denies everything.
    narrow_resource: bool,
    conditions: Vec<CompiledCondition>,
}

impl CompiledStatement {
    /// The index of the attached policy it belongs to ([`PolicySet::policy`](super::PolicySet::policy)).
    pub(crate) fn policy(&self) -> usize {
        self.policy
    }
    /// Who its policy is attached to.
    pub(crate) fn owner(&self) -> Owner {
        self.owner
    }
    /// Its 0-based index in the policy's `Statement` array.
    pub(crate) fn index(&self) -> usize {
        self.index
    }
    /// Its `Sid`.
    pub(crate) fn sid(&self) -> Option<&str> {
        self.sid.as_deref()
    }
    /// Its effect.
    pub(crate) fn effect(&self) -> Effect {
        self.effect
    }
    /// The actions it covers.
    pub(crate) fn actions(&self) -> ActionSet {
        self.actions
    }
    /// Whether its `Resource` is present and does not cover everything.
    pub(crate) fn narrow_resource(&self) -> bool {
        self.narrow_resource
    }
    /// Its conditions (ANDed), in document order.
    pub(crate) fn conditions(&self) -> &[CompiledCondition] {
        &self.conditions
    }

    /// Gives each condition's key its slot (see [`CompiledCondition::intern_key`]).
    pub(super) fn intern_keys(&mut self, keys: &mut KeySlots) {
        for condition in &mut self.conditions {
            condition.intern_key(keys);
        }
    }

    /// The condition to index the statement by, if some condition can be one (see
    /// [`CompiledCondition::index_key`]): the one with the fewest values.
    pub(crate) fn index_key(&self) -> Option<IndexKey<'_>> {
        self.conditions
            .iter()
            .filter_map(CompiledCondition::index_key)
            .min_by_key(|k| k.values.len())
    }

    /// The condition block, ANDed, for the fast path: [`Block::Fails`] at the first failing
    /// condition, else [`Block::Unevaluable`] if some condition is, else [`Block::Holds`].
    #[inline]
    pub(crate) fn block(&self, ctx: &Context<'_>, now: OffsetDateTime, memo: &Memo<'_>) -> Block {
        let mut block = Block::Holds;
        for c in &self.conditions {
            match c.evaluate_with(ctx, now, memo) {
                Outcome::Holds => {}
                Outcome::Fails => return Block::Fails,
                Outcome::Unevaluable(_) => block = Block::Unevaluable,
            }
        }
        block
    }

    /// The condition block, ANDed: any failing condition makes the statement not apply; else an
    /// unevaluable one makes it unevaluable; else it holds. Returns the deciding condition, if any.
    pub(crate) fn evaluate_conditions(
        &self,
        ctx: &Context<'_>,
        now: OffsetDateTime,
    ) -> (Outcome, Option<&CompiledCondition>) {
        let mut result = (Outcome::Holds, None);
        for c in &self.conditions {
            match c.evaluate(ctx, now) {
                Outcome::Holds => {}
                Outcome::Fails => return (Outcome::Fails, Some(c)),
                u @ Outcome::Unevaluable(_) => {
                    if result.1.is_none() {
                        result = (u, Some(c));
                    }
                }
            }
        }
        result
    }
}

/// Checks an action pattern: non-empty, of letters, digits, `_`, `-`, `:`, `*` and `?`. The usual form
/// is `service:resourceType:operation`, but since `*` matches across `:`, shorter forms such as `ims:*`
/// are meaningful and accepted (the linter points them out).
pub(crate) fn check_action_pattern(pattern: &str) -> Result<(), &'static str> {
    if pattern.is_empty() {
        return Err("an empty action");
    }
    if pattern.split(':').any(str::is_empty) {
        return Err("an empty part between `:`");
    }
    if !pattern
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b':' | b'*' | b'?'))
    {
        return Err("a character other than letters, digits, `_`, `-`, `:`, `*` and `?`");
    }
    Ok(())
}

/// Whether a `Resource` entry covers everything: `*`, or a URN whose segments after the service are all
/// `*` and whose service is `*` or `ims` (`ims:*:*:*:*`).
pub(crate) fn resource_covers_all(resource: &str) -> bool {
    let mut segments = resource.split(':');
    match segments.next() {
        Some("*") => segments.all(|s| s == "*"),
        Some(service) if service.eq_ignore_ascii_case("ims") => {
            let mut any = false;
            segments.all(|s| {
                any = true;
                s == "*"
            }) && any
        }
        _ => false,
    }
}

/// The actions of the universe ([`known_actions`]) that a list of action patterns covers; with `negated`
/// (`NotAction`), the actions that none of them match. Patterns are matched without regard to ASCII case.
pub(crate) fn covered_actions<'p>(patterns: impl IntoIterator<Item = &'p str>, negated: bool) -> ActionSet {
    let compiled: Vec<Pattern> = patterns
        .into_iter()
        .map(|p| Pattern::new(p, Case::AsciiInsensitive))
        .collect();
    let mut actions = ActionSet::default();
    for (i, known) in known_actions().iter().enumerate() {
        let id = ActionId(u8::try_from(i).unwrap_or(u8::MAX));
        if compiled.iter().any(|p| p.matches(known)) != negated {
            actions.insert(id);
        }
    }
    actions
}

/// Compiles statement `index` of policy `name` (number `policy` of its set, attached to `owner`).
pub(super) fn compile_statement(
    name: &str,
    policy: usize,
    owner: Owner,
    index: usize,
    statement: &crate::policy::Statement,
) -> Result<CompiledStatement, CompileError> {
    let (patterns, negated) = match &statement.actions {
        ActionSpec::Action(p) => (p, false),
        ActionSpec::NotAction(p) => (p, true),
    };
    for p in patterns {
        check_action_pattern(&p.value).map_err(|reason| CompileError::InvalidAction {
            policy: name.to_owned(),
            statement: index,
            action: p.value.clone(),
            location: p.location,
            reason,
        })?;
    }
    let actions = covered_actions(patterns.iter().map(|p| p.value.as_str()), negated);
    let narrow_resource = statement.resource_form == ResourceForm::Uri
        || statement
            .resource
            .as_ref()
            .is_some_and(|r| !r.iter().any(|r| resource_covers_all(&r.value)));
    let conditions = statement
        .conditions
        .iter()
        .map(CompiledCondition::compile)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|source| CompileError::Condition {
            policy: name.to_owned(),
            statement: index,
            source,
        })?;
    Ok(CompiledStatement {
        policy,
        owner,
        index,
        sid: statement.sid.clone(),
        effect: statement.effect.value,
        actions,
        narrow_resource,
        conditions,
    })
}
