//! The compiled, immutable policy set: attachments (with their scope and owner) folded into buckets.

use super::bucket::Bucket;
use super::condition::{CompiledCondition, KeySlots};
use super::places::Places;
use super::statement::{CompiledStatement, compile_statement};
use super::unknown::{UnknownAction, unknown_actions};
use super::{CompileError, Policy, Scope};
use crate::request::Owner;

/// What is kept about each attached policy.
#[derive(Debug)]
pub(crate) struct PolicyInfo {
    name: String,
    scope: Scope,
    owner: Owner,
}

impl PolicyInfo {
    /// The name decisions cite.
    pub(crate) fn name(&self) -> &str {
        &self.name
    }
    /// Where it is attached.
    pub(crate) fn scope(&self) -> &Scope {
        &self.scope
    }
    /// Who it is attached to.
    pub(crate) fn owner(&self) -> Owner {
        self.owner
    }
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
    policies: Vec<PolicyInfo>,
    statements: Vec<CompiledStatement>,
    global: Bucket,
    /// The buckets of project attachments, by project id.
    projects: Places,
    /// The buckets of enterprise-project attachments, by enterprise project id.
    enterprise_projects: Places,
    /// The Deny statements of every project attachment (applied when the request's project is unknown).
    project_denies: Bucket,
    /// The Deny statements of every enterprise-project attachment (applied when the request's enterprise
    /// project is unknown).
    enterprise_project_denies: Bucket,
    /// The condition key names of every statement, interned.
    keys: KeySlots,
    uses_current_time: bool,
    /// Whether some attachment has an owner other than [`Owner::EVERYONE`].
    has_owners: bool,
    /// Well-formed action patterns that name no documented IMS action (never read by a decision).
    warnings: Vec<UnknownAction>,
}

/// Builds a [`PolicySet`] attachment by attachment, each with its owner.
#[derive(Debug, Default)]
pub(crate) struct SetBuilder {
    set: PolicySet,
}

impl SetBuilder {
    /// Attaches `policy` for `owner`; on error nothing of it is added.
    pub(crate) fn attach(&mut self, owner: Owner, policy: Policy) -> Result<(), CompileError> {
        let set = &mut self.set;
        let p = set.policies.len();
        let mut compiled = Vec::with_capacity(policy.document.statements.len());
        for (index, statement) in policy.document.statements.iter().enumerate() {
            compiled.push(compile_statement(&policy.name, p, owner, index, statement)?);
        }
        for mut statement in compiled {
            statement.intern_keys(&mut set.keys);
            set.uses_current_time |= statement
                .conditions()
                .iter()
                .any(CompiledCondition::uses_current_time);
            let id = set.statements.len();
            match &policy.scope {
                Scope::Global => set.global.add(id, &statement, false),
                Scope::Project(pid) => {
                    set.projects.bucket_for(pid).add(id, &statement, false);
                    set.project_denies.add(id, &statement, true);
                }
                Scope::EnterpriseProject(eid) => {
                    set.enterprise_projects.bucket_for(eid).add(id, &statement, false);
                    set.enterprise_project_denies.add(id, &statement, true);
                }
            }
            set.statements.push(statement);
        }
        set.has_owners |= owner != Owner::EVERYONE;
        set.warnings
            .extend(unknown_actions(&policy.name, &policy.document));
        set.policies.push(PolicyInfo {
            name: policy.name,
            scope: policy.scope,
            owner,
        });
        Ok(())
    }

    /// The set.
    pub(crate) fn finish(mut self) -> PolicySet {
        self.set.projects.seal();
        self.set.enterprise_projects.seal();
        self.set
    }
}

impl PolicySet {
    /// Compiles attached policies. Any error refuses the whole set.
    pub fn new(policies: impl IntoIterator<Item = Policy>) -> Result<PolicySet, CompileError> {
        let mut builder = SetBuilder::default();
        for policy in policies {
            builder.attach(Owner::EVERYONE, policy)?;
        }
        Ok(builder.finish())
    }

    /// The action patterns that name no documented IMS action (`ims:images:updat`): well-formed, so
    /// compiled, but they grant or deny nothing, usually by a typo. Show them to whoever wrote the
    /// policies.
    ///
    /// ```
    /// use ims_iam::{Policy, PolicySet, Scope};
    /// let text = r#"{"Version": "1.1", "Statement": [{"Effect": "Allow", "Action": ["ims:images:lst"]}]}"#;
    /// let set = PolicySet::new([Policy::parse("p.json", Scope::Global, text).unwrap()]).unwrap();
    /// assert_eq!(set.warnings()[0].suggestion, Some("ims:images:list"));
    /// ```
    pub fn warnings(&self) -> &[UnknownAction] {
        &self.warnings
    }

    /// The number of attached policies.
    pub fn len(&self) -> usize {
        self.policies.len()
    }

    /// Whether no policy is attached (every request with a required action is then implicitly denied).
    pub fn is_empty(&self) -> bool {
        self.policies.is_empty()
    }

    /// Every attached policy, in the order attached.
    pub(crate) fn policies(&self) -> &[PolicyInfo] {
        &self.policies
    }

    /// Attached policy number `i` (as [`CompiledStatement::policy`] gives it).
    pub(crate) fn policy(&self, i: usize) -> &PolicyInfo {
        &self.policies[i]
    }

    /// Every compiled statement, in the order attached (for analyses of a whole set).
    #[allow(dead_code, reason = "crate-internal accessor for analyses of compiled sets")]
    pub(crate) fn statements(&self) -> &[CompiledStatement] {
        &self.statements
    }

    /// Statement number `id` (as a [`Bucket`] lists it).
    #[inline]
    pub(crate) fn statement(&self, id: usize) -> &CompiledStatement {
        &self.statements[id]
    }

    /// The condition key names of the set's statements, by slot.
    #[inline]
    pub(crate) fn key_slots(&self) -> &KeySlots {
        &self.keys
    }

    /// Whether some condition reads `g:CurrentTime`.
    #[inline]
    pub(crate) fn uses_current_time(&self) -> bool {
        self.uses_current_time
    }

    /// Whether some attachment has an owner (a group or user of a principals file).
    #[inline]
    pub(crate) fn has_owners(&self) -> bool {
        self.has_owners
    }

    /// The global attachments.
    #[inline]
    pub(crate) fn global_bucket(&self) -> &Bucket {
        &self.global
    }

    /// Whether some policy is attached to a project.
    #[inline]
    pub(crate) fn has_project_attachments(&self) -> bool {
        !self.projects.is_empty()
    }

    /// Whether some policy is attached to an enterprise project.
    #[inline]
    pub(crate) fn has_enterprise_project_attachments(&self) -> bool {
        !self.enterprise_projects.is_empty()
    }

    /// The attachments to project `id`.
    #[inline]
    pub(crate) fn project_bucket(&self, id: &str) -> Option<&Bucket> {
        self.projects.get(id)
    }

    /// The attachments to enterprise project `id`.
    #[inline]
    pub(crate) fn enterprise_project_bucket(&self, id: &str) -> Option<&Bucket> {
        self.enterprise_projects.get(id)
    }

    /// The Deny statements of every project attachment.
    #[inline]
    pub(crate) fn project_denies(&self) -> &Bucket {
        &self.project_denies
    }

    /// The Deny statements of every enterprise-project attachment.
    #[inline]
    pub(crate) fn enterprise_project_denies(&self) -> &Bucket {
        &self.enterprise_project_denies
    }
}
