//! Compilation: policy documents attached with a scope become an immutable, `Send + Sync`
//! [`PolicySet`].
//!
//! Everything a decision needs is worked out here, once: action patterns are lowercased, classified and
//! matched against the universe of actions the documented APIs require ([`known_actions`]), so a
//! statement becomes a bit set of the actions it covers; unconditional statements are folded into
//! per-scope allow and deny masks; statements with conditions are indexed by action; condition values are
//! parsed into typed operands. Deciding a request then reads masks and evaluates only the conditional
//! statements that cover a required action.
//!
//! [`known_actions`]: crate::known_actions

pub(crate) mod condition;
mod error;
pub(crate) mod fold;
mod scope;
pub(crate) mod wildcard;

pub use condition::ConditionError;
pub use error::CompileError;
pub use scope::{Scope, ScopeError};

use crate::matrix::{ActionId, known_actions};
use crate::policy::{ActionSpec, Effect, ParseError, PolicyDocument, ResourceForm};
use condition::CompiledCondition;
use wildcard::{Case, Pattern};

/// A set of actions of the universe ([`known_actions`](crate::known_actions)), as a bit mask.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct ActionSet(u64);

impl ActionSet {
    pub(crate) fn contains(self, id: ActionId) -> bool {
        self.0 & (1 << id.0) != 0
    }
    fn insert(&mut self, id: ActionId) {
        self.0 |= 1 << id.0;
    }
    pub(crate) fn union(&mut self, other: ActionSet) {
        self.0 |= other.0;
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

/// A policy document with the name it is known by and the scope it is attached with.
///
/// ```
/// use ims_iam::{Policy, Scope};
/// let text = r#"{"Version": "1.1", "Statement": [{"Effect": "Allow", "Action": ["ims:images:list"]}]}"#;
/// let policy = Policy::parse("readers.json", Scope::Global, text).unwrap();
/// assert_eq!(policy.name(), "readers.json");
/// ```
#[derive(Debug, Clone)]
pub struct Policy {
    name: String,
    scope: Scope,
    document: PolicyDocument,
}

impl Policy {
    /// Attaches a parsed document.
    pub fn new(name: impl Into<String>, scope: Scope, document: PolicyDocument) -> Policy {
        Policy {
            name: name.into(),
            scope,
            document,
        }
    }

    /// Parses a policy file's text (see [`PolicyDocument::parse`]) and attaches it.
    pub fn parse(name: impl Into<String>, scope: Scope, text: &str) -> Result<Policy, ParseError> {
        Ok(Policy::new(name, scope, PolicyDocument::parse(text)?))
    }

    /// The name decisions cite (usually the file name).
    pub fn name(&self) -> &str {
        &self.name
    }
    /// The attachment scope.
    pub fn scope(&self) -> &Scope {
        &self.scope
    }
    /// The parsed document.
    pub fn document(&self) -> &PolicyDocument {
        &self.document
    }
}

/// One compiled statement.
#[derive(Debug)]
pub(crate) struct CompiledStatement {
    pub(crate) policy: usize,
    pub(crate) index: usize,
    pub(crate) sid: Option<String>,
    pub(crate) effect: Effect,
    /// The actions of the universe the statement covers (after `NotAction` inversion).
    pub(crate) actions: ActionSet,
    /// `Resource` present and not covering everything: an Allow grants nothing, a Deny denies everything.
    pub(crate) narrow_resource: bool,
    pub(crate) conditions: Vec<CompiledCondition>,
}

/// The statements attached at one scope, folded for fast lookup.
#[derive(Debug, Default)]
pub(crate) struct Bucket {
    /// Union of the actions of unconditional Allow statements (narrow-resource Allows excluded).
    pub(crate) allow: ActionSet,
    /// Union of the actions of unconditional Deny statements.
    pub(crate) deny: ActionSet,
    /// Per action id: the conditional Deny statements covering it.
    pub(crate) conditional_deny: Vec<Vec<usize>>,
    /// Per action id: the conditional Allow statements covering it (narrow-resource Allows excluded).
    pub(crate) conditional_allow: Vec<Vec<usize>>,
    /// Every statement attached here, in order (for explanations).
    pub(crate) statements: Vec<usize>,
}

impl Bucket {
    fn add(&mut self, id: usize, s: &CompiledStatement, deny_only: bool) {
        if deny_only && s.effect == Effect::Allow {
            return;
        }
        self.statements.push(id);
        let grants = s.effect == Effect::Deny || !s.narrow_resource;
        if !grants {
            return;
        }
        if s.conditions.is_empty() {
            match s.effect {
                Effect::Allow => self.allow.union(s.actions),
                Effect::Deny => self.deny.union(s.actions),
            }
        } else {
            let index = match s.effect {
                Effect::Allow => &mut self.conditional_allow,
                Effect::Deny => &mut self.conditional_deny,
            };
            if index.is_empty() {
                *index = vec![Vec::new(); known_actions().len()];
            }
            for a in s.actions.iter() {
                index[a.index()].push(id);
            }
        }
    }

    /// The conditional Deny statements covering `action`.
    pub(crate) fn conditional_denies(&self, action: ActionId) -> &[usize] {
        self.conditional_deny
            .get(action.index())
            .map_or(&[], Vec::as_slice)
    }

    /// The conditional Allow statements covering `action` that may grant.
    pub(crate) fn conditional_allows(&self, action: ActionId) -> &[usize] {
        self.conditional_allow
            .get(action.index())
            .map_or(&[], Vec::as_slice)
    }
}

/// Information kept about each attached policy.
#[derive(Debug)]
pub(crate) struct PolicyInfo {
    pub(crate) name: String,
    pub(crate) scope: Scope,
}

/// An immutable, compiled set of attached policies: what [`PolicySet::authorize`] decides against.
///
/// `PolicySet` is `Send + Sync`; share one behind an `Arc` between threads. Build a new one to change
/// policies (a set that fails to compile is refused whole, so keep serving the previous one).
///
/// ```
/// use ims_iam::{Policy, PolicySet, Scope};
/// let reader = Policy::parse("readers.json", Scope::Global,
///     r#"{"Version":"1.1","Statement":[{"Effect":"Allow","Action":["ims:images:list","ims:images:get"]}]}"#)
///     .unwrap();
/// let set = PolicySet::new([reader]).unwrap();
/// assert_eq!(set.len(), 1);
/// fn assert_send_sync<T: Send + Sync>() {}
/// assert_send_sync::<PolicySet>();
/// ```
#[derive(Debug, Default)]
pub struct PolicySet {
    pub(crate) policies: Vec<PolicyInfo>,
    pub(crate) statements: Vec<CompiledStatement>,
    pub(crate) global: Bucket,
    /// Sorted by id.
    pub(crate) projects: Vec<(String, Bucket)>,
    /// Sorted by id.
    pub(crate) enterprise_projects: Vec<(String, Bucket)>,
    /// The Deny statements of every project attachment (applied when the request's project is unknown).
    pub(crate) project_denies: Bucket,
    /// The Deny statements of every enterprise-project attachment (applied when the request's enterprise
    /// project is unknown).
    pub(crate) enterprise_project_denies: Bucket,
    pub(crate) uses_current_time: bool,
}

impl PolicySet {
    /// Compiles attached policies. Any error refuses the whole set.
    pub fn new(policies: impl IntoIterator<Item = Policy>) -> Result<PolicySet, CompileError> {
        let mut set = PolicySet::default();
        // Condition key names (lowercased), interned so that a decision looks each key up once.
        let mut keys = Vec::new();
        for policy in policies {
            let p = set.policies.len();
            for (index, statement) in policy.document.statements.iter().enumerate() {
                let mut compiled = compile_statement(&policy.name, p, index, statement)?;
                for condition in &mut compiled.conditions {
                    condition.intern_key(&mut keys);
                }
                set.uses_current_time |= compiled
                    .conditions
                    .iter()
                    .any(CompiledCondition::uses_current_time);
                let id = set.statements.len();
                match &policy.scope {
                    Scope::Global => set.global.add(id, &compiled, false),
                    Scope::Project(pid) => {
                        bucket_for(&mut set.projects, pid).add(id, &compiled, false);
                        set.project_denies.add(id, &compiled, true);
                    }
                    Scope::EnterpriseProject(eid) => {
                        bucket_for(&mut set.enterprise_projects, eid).add(id, &compiled, false);
                        set.enterprise_project_denies.add(id, &compiled, true);
                    }
                }
                set.statements.push(compiled);
            }
            set.policies.push(PolicyInfo {
                name: policy.name,
                scope: policy.scope,
            });
        }
        Ok(set)
    }

    /// The number of attached policies.
    pub fn len(&self) -> usize {
        self.policies.len()
    }

    /// Whether no policy is attached (every request with a required action is then implicitly denied).
    pub fn is_empty(&self) -> bool {
        self.policies.is_empty()
    }

    pub(crate) fn project_bucket(&self, id: &str) -> Option<&Bucket> {
        find_bucket(&self.projects, id)
    }

    pub(crate) fn enterprise_project_bucket(&self, id: &str) -> Option<&Bucket> {
        find_bucket(&self.enterprise_projects, id)
    }
}

fn find_bucket<'s>(buckets: &'s [(String, Bucket)], id: &str) -> Option<&'s Bucket> {
    buckets
        .binary_search_by(|(k, _)| k.as_str().cmp(id))
        .ok()
        .map(|i| &buckets[i].1)
}

fn bucket_for<'s>(buckets: &'s mut Vec<(String, Bucket)>, id: &str) -> &'s mut Bucket {
    let i = match buckets.binary_search_by(|(k, _)| k.as_str().cmp(id)) {
        Ok(i) => i,
        Err(i) => {
            buckets.insert(i, (id.to_owned(), Bucket::default()));
            i
        }
    };
    &mut buckets[i].1
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

fn compile_statement(
    name: &str,
    policy: usize,
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
        index,
        sid: statement.sid.clone(),
        effect: statement.effect.value,
        actions,
        narrow_resource,
        conditions,
    })
}
