//! Principals: which users and groups are granted which policies, and where.
//!
//! IAM grants policies to **user groups**, each grant with a scope (all resources, one IAM project,
//! one enterprise project); users get the policies of the groups they belong to. A principals file
//! writes that down for a gateway:
//!
//! ```json
//! {
//!   "policies": {
//!     "read-only": "policies/ims-read-only.json",
//!     "tagger": "policies/ims-tag-operator.json",
//!     "no-delete": "policies/ims-deny-delete.json"
//!   },
//!   "groups": {
//!     "image-readers": {"attachments": [{"policy": "read-only"}]},
//!     "image-taggers": {
//!       "description": "tag images in the production project",
//!       "attachments": [
//!         {"policy": "tagger", "scope": "project:0123456789abcdef0123456789abcdef"},
//!         {"policy": "no-delete", "scope": "global"}
//!       ]
//!     }
//!   },
//!   "users": {
//!     "alice": {"groups": ["image-taggers"]},
//!     "bob": {"groups": ["image-readers"], "attachments": [{"policy": "no-delete"}]}
//!   }
//! }
//! ```
//!
//! - `policies` (required): policy names to policy files (a bare document, a role object or the IAM
//!   API's `{"role": ...}` envelope, as `ims-iam authorize` reads them). Relative paths are resolved
//!   against the principals file's directory. Decisions cite statements by these names.
//! - `groups`: group names to `{"description"?, "attachments": [...]}`.
//! - `users`: user names to `{"description"?, "groups": [...], "attachments": [...]}`: the groups the
//!   user belongs to, and policies attached to the user directly.
//! - An attachment is `{"policy": NAME, "scope"?: SCOPE}`; `SCOPE` is `global` (the default),
//!   `project:<id>` or `enterprise-project:<id>` ([`Scope`]).
//!
//! Parsing is strict: unknown keys, duplicate keys, wrong types, trailing data, undefined policies
//! or groups, and invalid scopes are errors, and so is any policy file that does not parse or compile.
//! Names are 1 to 128 characters without control characters or commas (group lists travel in one
//! comma-separated header) and without surrounding spaces. The principals file and each policy file
//! may be at most 1 MiB.
//!
//! # Who a caller is
//!
//! A caller is a user name and a list of group names, both asserted by the authenticating layer in
//! front (see the `gateway` module, feature `gateway`, for the headers and the trust assumption). The caller's
//! groups are the user's groups in this file **plus** the asserted groups that this file defines
//! (so users federated from an identity provider need no entry of their own); asserted groups that the
//! file does not define are ignored. A caller that is neither a known user nor in a known group has no
//! policy: every request that requires an action is implicitly denied.
//!
//! # Compiled once: one set per group
//!
//! Loading compiles one [`PolicySet`] per group (its attachments) and one per user with direct
//! attachments. A request is decided over the sets of the caller's groups exactly as one set holding
//! all their policies would decide it: an explicit deny in any set wins, and each required action must be
//! allowed by some set. Most decisions take the fast path of every set; only an implicit deny of an API
//! with two or more counted required actions over two or more sets needs the per-action verdicts
//! (the slow path). A test checks that the combination equals the single set on every API.

mod error;

use std::collections::BTreeMap;
use std::fmt;
use std::hash::{DefaultHasher, Hasher};
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, Visitor};

pub use error::PrincipalsError;

use crate::compile::{Policy, PolicySet, Scope};
use crate::eval::{ActionExplanation, ActionVerdict, Context, Decision, Reason};
use crate::policy::PolicyDocument;
use crate::route::RouteMatch;

/// Whether a principal is a user or a group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PrincipalKind {
    /// A user.
    User,
    /// A user group.
    Group,
}

impl PrincipalKind {
    /// `user` or `group`.
    pub fn as_str(self) -> &'static str {
        match self {
            PrincipalKind::User => "user",
            PrincipalKind::Group => "group",
        }
    }
}

fn own_group(attached: &BTreeMap<(PrincipalKind, String), Vec<Policy>>, group: &str) -> Vec<Policy> {
    attached
        .get(&(PrincipalKind::Group, group.to_owned()))
        .cloned()
        .unwrap_or_default()
}

/// The largest principals file or policy file that is read, in bytes.
pub const MAX_FILE_BYTES: u64 = 1 << 20;

/// The longest user, group or policy name, in bytes.
pub const MAX_NAME_LEN: usize = 128;

/// The principals file: policies, groups and users, compiled (see the [module docs](self)).
///
/// ```
/// use ims_iam::principals::Principals;
/// use ims_iam::{route, Context};
///
/// let file = r#"{
///   "policies": {"tagger": "tagger.json"},
///   "groups": {"image-taggers": {"attachments": [{"policy": "tagger"}]}},
///   "users": {"alice": {"groups": ["image-taggers"]}}
/// }"#;
/// let principals = Principals::from_json_with(file, |_path| {
///     Ok(r#"{"Version":"1.1","Statement":[{"Effect":"Allow","Action":["ims:images:get","ims:images:update"]}]}"#.into())
/// })?;
///
/// let put_tag = route("PUT", "/v2/images/0b3b6d4e-8f0a-4c1e-9a57-3c0b8f6f2d11/tags/env")?;
/// let alice = principals.grants(Some("alice"), []);
/// assert!(alice.authorize(&put_tag, &Context::default()).is_allowed());
/// // A federated user whose group the gateway asserts.
/// let carol = principals.grants(Some("carol"), ["image-taggers"]);
/// assert!(carol.authorize(&put_tag, &Context::default()).is_allowed());
/// // Nobody known: no policy, implicit deny.
/// let mallory = principals.grants(Some("mallory"), ["admins"]);
/// assert!(!mallory.authorize(&put_tag, &Context::default()).is_allowed());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct Principals {
    /// Sorted by name.
    groups: Vec<(String, PolicySet)>,
    /// The attached policies of each group and of each user's own attachments (for analysis).
    attached: BTreeMap<(PrincipalKind, String), Vec<Policy>>,
    /// Sorted by name.
    users: Vec<(String, User)>,
    policy_names: Vec<String>,
    empty: PolicySet,
    sources: Vec<PathBuf>,
    fingerprint: u64,
}

#[derive(Debug)]
struct User {
    /// Indices into `groups`, sorted.
    groups: Vec<usize>,
    /// Direct attachments, if any.
    own: Option<PolicySet>,
}

/// The serde model of the file.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PrincipalsFile {
    policies: UniqueMap<String>,
    #[serde(default)]
    groups: UniqueMap<GroupSpec>,
    #[serde(default)]
    users: UniqueMap<UserSpec>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct GroupSpec {
    #[serde(default)]
    #[expect(dead_code, reason = "documentation for people reading the file")]
    description: Option<String>,
    #[serde(default)]
    attachments: Vec<AttachmentSpec>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UserSpec {
    #[serde(default)]
    #[expect(dead_code, reason = "documentation for people reading the file")]
    description: Option<String>,
    #[serde(default)]
    groups: Vec<String>,
    #[serde(default)]
    attachments: Vec<AttachmentSpec>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AttachmentSpec {
    policy: String,
    #[serde(default)]
    scope: Option<String>,
}

/// A JSON object kept in order, refusing duplicate keys.
struct UniqueMap<V>(Vec<(String, V)>);

impl<V> Default for UniqueMap<V> {
    fn default() -> Self {
        UniqueMap(Vec::new())
    }
}

impl<'de, V: Deserialize<'de>> Deserialize<'de> for UniqueMap<V> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct MapVisitor<V>(std::marker::PhantomData<V>);
        impl<'de, V: Deserialize<'de>> Visitor<'de> for MapVisitor<V> {
            type Value = UniqueMap<V>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut seen = std::collections::BTreeSet::new();
                let mut entries = Vec::new();
                while let Some(key) = map.next_key::<String>()? {
                    if !seen.insert(key.clone()) {
                        return Err(de::Error::custom(format_args!(
                            "duplicate key `{}`",
                            key.escape_debug()
                        )));
                    }
                    entries.push((key, map.next_value()?));
                }
                Ok(UniqueMap(entries))
            }
        }
        deserializer.deserialize_map(MapVisitor(std::marker::PhantomData))
    }
}

fn check_name(what: &'static str, name: &str) -> Result<(), PrincipalsError> {
    let why = if name.is_empty() {
        Some("it is empty")
    } else if name.len() > MAX_NAME_LEN {
        Some("it is longer than 128 bytes")
    } else if name.chars().any(char::is_control) {
        Some("it contains a control character")
    } else if name.contains(',') {
        Some("it contains a comma")
    } else if name.trim() != name {
        Some("it starts or ends with white space")
    } else {
        None
    };
    match why {
        Some(why) => Err(PrincipalsError::InvalidName {
            what,
            name: name
                .chars()
                .take(MAX_NAME_LEN)
                .collect::<String>()
                .escape_debug()
                .to_string(),
            why,
        }),
        None => Ok(()),
    }
}

/// Reads a file of at most [`MAX_FILE_BYTES`].
fn read_capped(path: &Path) -> Result<String, PrincipalsError> {
    let io = |source| PrincipalsError::Io {
        path: path.to_owned(),
        source,
    };
    let cap = usize::try_from(MAX_FILE_BYTES).unwrap_or(usize::MAX);
    let bytes = crate::policy::read_capped(path, cap).map_err(io)?;
    if bytes.len() > cap {
        return Err(PrincipalsError::TooLarge {
            path: path.to_owned(),
            limit: MAX_FILE_BYTES,
        });
    }
    String::from_utf8(bytes).map_err(|e| io(std::io::Error::new(std::io::ErrorKind::InvalidData, e)))
}

/// The change-detection fingerprint of a list of file contents (`None`: unreadable).
fn fingerprint<'a>(contents: impl IntoIterator<Item = Option<&'a [u8]>>) -> u64 {
    let mut hasher = DefaultHasher::new();
    for content in contents {
        match content {
            Some(bytes) => {
                hasher.write_u8(1);
                hasher.write_usize(bytes.len());
                hasher.write(bytes);
            }
            None => hasher.write_u8(0),
        }
    }
    hasher.finish()
}

impl Principals {
    /// Loads a principals file and every policy file it names, and compiles them.
    ///
    /// ```no_run
    /// let principals = ims_iam::principals::Principals::load("principals.json")?;
    /// println!("{} groups", principals.groups().count());
    /// # Ok::<(), ims_iam::principals::PrincipalsError>(())
    /// ```
    pub fn load(path: impl AsRef<Path>) -> Result<Principals, PrincipalsError> {
        let path = path.as_ref();
        let text = read_capped(path)?;
        let base = path.parent().unwrap_or_else(|| Path::new(""));
        let mut sources = vec![path.to_owned()];
        let mut principals = Principals::build(&text, |file| {
            let resolved = base.join(file);
            sources.push(resolved.clone());
            read_capped(&resolved)
        })?;
        principals.sources = sources;
        Ok(principals)
    }

    /// Builds from the principals file's text, reading each policy file through `read` (given the
    /// path as written in the file). Nothing is read from disk unless `read` does; the result has no
    /// [`sources`](Principals::sources).
    ///
    /// ```
    /// use ims_iam::principals::Principals;
    /// let err = Principals::from_json_with(r#"{"policies": {}, "users": {"a": {"groups": ["g"]}}}"#, |_| {
    ///     Ok(String::new())
    /// })
    /// .unwrap_err();
    /// assert_eq!(err.to_string(), "user `a` is a member of the undefined group `g`");
    /// ```
    pub fn from_json_with(
        text: &str,
        mut read: impl FnMut(&str) -> std::io::Result<String>,
    ) -> Result<Principals, PrincipalsError> {
        Principals::build(text, |file| {
            read(file).map_err(|source| PrincipalsError::Io {
                path: PathBuf::from(file),
                source,
            })
        })
    }

    fn build(
        text: &str,
        mut read: impl FnMut(&str) -> Result<String, PrincipalsError>,
    ) -> Result<Principals, PrincipalsError> {
        if text.len() as u64 > MAX_FILE_BYTES {
            return Err(PrincipalsError::TooLarge {
                path: PathBuf::from("principals"),
                limit: MAX_FILE_BYTES,
            });
        }
        let file: PrincipalsFile = serde_json::from_str(text).map_err(|e| PrincipalsError::Syntax {
            message: strip_position(&e.to_string()),
            line: e.line(),
            column: e.column(),
        })?;

        // Policies: read every file once (in name order, which the fingerprint relies on).
        let mut policy_files: BTreeMap<&str, &str> = BTreeMap::new();
        for (name, file_name) in &file.policies.0 {
            check_name("policy", name)?;
            policy_files.insert(name, file_name);
        }
        let mut texts: Vec<String> = Vec::with_capacity(policy_files.len());
        for file_name in policy_files.values() {
            texts.push(read(file_name)?);
        }
        let print = fingerprint(
            std::iter::once(Some(text.as_bytes())).chain(texts.iter().map(|t| Some(t.as_bytes()))),
        );
        // Every policy is parsed once, attached or not.
        // A list response (`{"roles": [...]}`) gives one policy per role, named by the role; attaching
        // its entry attaches them all.
        let mut documents: BTreeMap<&str, Vec<(String, PolicyDocument)>> = BTreeMap::new();
        for ((name, file_name), text) in policy_files.iter().zip(&texts) {
            let parsed =
                PolicyDocument::parse_file(text).map_err(|source| PrincipalsError::InvalidPolicy {
                    policy: (*name).to_owned(),
                    path: PathBuf::from(file_name),
                    source: Box::new(source),
                })?;
            documents.insert(name, parsed.into_named(name));
        }

        let compile = |owner: &str,
                       attachments: &[AttachmentSpec]|
         -> Result<(PolicySet, Vec<Policy>), PrincipalsError> {
            let mut policies = Vec::with_capacity(attachments.len());
            for a in attachments {
                let Some(document) = documents.get(a.policy.as_str()) else {
                    return Err(PrincipalsError::UnknownPolicy {
                        owner: owner.to_owned(),
                        policy: a.policy.clone(),
                    });
                };
                let scope: Scope = match &a.scope {
                    None => Scope::Global,
                    Some(s) => s.parse().map_err(|source| PrincipalsError::InvalidScope {
                        owner: owner.to_owned(),
                        source,
                    })?,
                };
                for (name, document) in document {
                    policies.push(Policy::new(name.clone(), scope.clone(), document.clone()));
                }
            }
            let set =
                PolicySet::new(policies.iter().cloned()).map_err(|source| PrincipalsError::Compile {
                    owner: owner.to_owned(),
                    source: Box::new(source),
                })?;
            Ok((set, policies))
        };
        let mut attached = BTreeMap::new();

        let mut groups = Vec::with_capacity(file.groups.0.len());
        for (name, spec) in &file.groups.0 {
            check_name("group", name)?;
            let (set, policies) = compile(&format!("group `{name}`"), &spec.attachments)?;
            attached.insert((PrincipalKind::Group, name.clone()), policies);
            groups.push((name.clone(), set));
        }
        groups.sort_by(|a, b| a.0.cmp(&b.0));

        let mut users = Vec::with_capacity(file.users.0.len());
        for (name, spec) in &file.users.0 {
            check_name("user", name)?;
            let mut member_of = Vec::with_capacity(spec.groups.len());
            for g in &spec.groups {
                match groups.binary_search_by(|(k, _)| k.as_str().cmp(g)) {
                    Ok(i) => member_of.push(i),
                    Err(_) => {
                        return Err(PrincipalsError::UnknownGroup {
                            user: name.clone(),
                            group: g.clone(),
                        });
                    }
                }
            }
            member_of.sort_unstable();
            member_of.dedup();
            let own = if spec.attachments.is_empty() {
                None
            } else {
                let (set, policies) = compile(&format!("user `{name}`"), &spec.attachments)?;
                attached.insert((PrincipalKind::User, name.clone()), policies);
                Some(set)
            };
            users.push((
                name.clone(),
                User {
                    groups: member_of,
                    own,
                },
            ));
        }
        users.sort_by(|a, b| a.0.cmp(&b.0));

        Ok(Principals {
            attached,
            groups,
            users,
            policy_names: policy_files.keys().map(|k| (*k).to_owned()).collect(),
            empty: PolicySet::default(),
            sources: Vec::new(),
            fingerprint: print,
        })
    }

    /// The files it was loaded from: the principals file, then the policy files in policy-name order
    /// (empty when built with [`from_json_with`](Principals::from_json_with)).
    pub fn sources(&self) -> &[PathBuf] {
        &self.sources
    }

    /// A fingerprint of the contents it was built from, for change detection (not a cryptographic hash).
    pub fn fingerprint(&self) -> u64 {
        self.fingerprint
    }

    /// The fingerprint that `files` (as listed by [`sources`](Principals::sources)) have now; an
    /// unreadable file counts as a change, not an error.
    pub fn fingerprint_files(files: &[PathBuf]) -> u64 {
        let contents: Vec<Option<String>> = files.iter().map(|f| read_capped(f).ok()).collect();
        fingerprint(contents.iter().map(|c| c.as_deref().map(str::as_bytes)))
    }

    /// The group names, sorted.
    pub fn groups(&self) -> impl Iterator<Item = &str> {
        self.groups.iter().map(|(n, _)| n.as_str())
    }

    /// The user names, sorted.
    pub fn users(&self) -> impl Iterator<Item = &str> {
        self.users.iter().map(|(n, _)| n.as_str())
    }

    /// The policies granted to a user (its groups' attachments and its own) or a group, with their
    /// scopes: what [`analysis`](crate::analysis) reasons about. `None` for an unknown name.
    ///
    /// ```
    /// use ims_iam::principals::{PrincipalKind, Principals};
    /// let file = r#"{"policies": {"p": "p.json"},
    ///   "groups": {"g": {"attachments": [{"policy": "p", "scope": "project:0123"}]}},
    ///   "users": {"u": {"groups": ["g"], "attachments": [{"policy": "p"}]}}}"#;
    /// let principals = Principals::from_json_with(file, |_| {
    ///     Ok(r#"{"Version":"1.1","Statement":[{"Effect":"Allow","Action":["ims:images:list"]}]}"#.into())
    /// })?;
    /// assert_eq!(principals.policies_of(PrincipalKind::Group, "g").unwrap().len(), 1);
    /// assert_eq!(principals.policies_of(PrincipalKind::User, "u").unwrap().len(), 2);
    /// assert!(principals.policies_of(PrincipalKind::User, "nobody").is_none());
    /// # Ok::<(), ims_iam::PrincipalsError>(())
    /// ```
    pub fn policies_of(&self, kind: PrincipalKind, name: &str) -> Option<Vec<Policy>> {
        let own = |kind| {
            self.attached
                .get(&(kind, name.to_owned()))
                .cloned()
                .unwrap_or_default()
        };
        match kind {
            PrincipalKind::Group => {
                self.groups.binary_search_by(|(k, _)| k.as_str().cmp(name)).ok()?;
                Some(own(PrincipalKind::Group))
            }
            PrincipalKind::User => {
                let i = self.users.binary_search_by(|(k, _)| k.as_str().cmp(name)).ok()?;
                let mut out = Vec::new();
                for &g in &self.users[i].1.groups {
                    out.extend(own_group(&self.attached, &self.groups[g].0));
                }
                out.extend(own(PrincipalKind::User));
                Some(out)
            }
        }
    }

    /// The groups a user belongs to in this file (empty for an unknown user).
    pub fn groups_of(&self, user: &str) -> Vec<&str> {
        match self.users.binary_search_by(|(k, _)| k.as_str().cmp(user)) {
            Ok(i) => self.users[i]
                .1
                .groups
                .iter()
                .map(|&g| self.groups[g].0.as_str())
                .collect(),
            Err(_) => Vec::new(),
        }
    }

    /// The policy names, sorted.
    pub fn policies(&self) -> impl Iterator<Item = &str> {
        self.policy_names.iter().map(String::as_str)
    }

    /// What a caller is granted: the user's direct attachments and groups, plus the asserted `groups`
    /// that this file defines (others are ignored). `user` may be unknown, or absent.
    pub fn grants<'p, 'g>(
        &'p self,
        user: Option<&str>,
        groups: impl IntoIterator<Item = &'g str>,
    ) -> Grants<'p> {
        let mut indices: Vec<usize> = Vec::new();
        let mut sets: Vec<&'p PolicySet> = Vec::new();
        let mut known_user = false;
        if let Some(u) = user
            && let Ok(i) = self.users.binary_search_by(|(k, _)| k.as_str().cmp(u))
        {
            let entry = &self.users[i].1;
            known_user = true;
            indices.extend_from_slice(&entry.groups);
            if let Some(own) = &entry.own {
                sets.push(own);
            }
        }
        for g in groups {
            if let Ok(i) = self.groups.binary_search_by(|(k, _)| k.as_str().cmp(g)) {
                indices.push(i);
            }
        }
        indices.sort_unstable();
        indices.dedup();
        sets.extend(indices.iter().map(|&i| &self.groups[i].1));
        if sets.is_empty() {
            sets.push(&self.empty);
        }
        Grants {
            principals: self,
            sets,
            groups: indices,
            known_user,
        }
    }
}

/// serde_json appends " at line L column C" to its messages; the error carries them separately.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message.to_owned(),
    }
}

/// The policy sets that apply to one caller (see [`Principals::grants`]).
///
/// ```
/// use ims_iam::principals::Principals;
/// let p = Principals::from_json_with(
///     r#"{"policies": {}, "groups": {"ops": {}}, "users": {"alice": {"groups": ["ops"]}}}"#,
///     |_| Ok(String::new()),
/// )?;
/// let g = p.grants(Some("alice"), ["ops", "unknown"]);
/// assert!(g.is_known());
/// assert_eq!(g.groups().collect::<Vec<_>>(), ["ops"]);
/// # Ok::<(), ims_iam::principals::PrincipalsError>(())
/// ```
#[derive(Debug, Clone)]
pub struct Grants<'p> {
    principals: &'p Principals,
    sets: Vec<&'p PolicySet>,
    groups: Vec<usize>,
    known_user: bool,
}

impl<'p> Grants<'p> {
    /// Whether the user or at least one of the groups is defined in the principals file.
    pub fn is_known(&self) -> bool {
        self.known_user || !self.groups.is_empty()
    }

    /// The caller's effective groups (defined in the file), sorted.
    pub fn groups(&self) -> impl Iterator<Item = &'p str> + '_ {
        self.groups.iter().map(|&i| self.principals.groups[i].0.as_str())
    }

    fn sets(&self) -> &[&'p PolicySet] {
        &self.sets
    }

    /// Decides a request (the fast path of every set; see the [module docs](self)).
    pub fn authorize(&self, request: &RouteMatch<'_>, ctx: &Context<'_>) -> Decision {
        let sets = self.sets();
        let mut any_allow = None;
        for set in sets {
            let d = set.authorize(request, ctx);
            match d.reason() {
                Reason::ExplicitDeny | Reason::Error(_) => return d,
                Reason::Allow | Reason::NoActionRequired => any_allow = Some(d),
                Reason::ImplicitDeny => {}
            }
        }
        if let Some(d) = any_allow {
            // No set denies explicitly and one allows every required action.
            return d;
        }
        let counted = request
            .operation()
            .actions()
            .iter()
            .filter(|a| a.situation().is_none_or(|s| ctx.has_situation(s)))
            .count();
        if sets.len() < 2 || counted < 2 {
            return Decision::from(Reason::ImplicitDeny);
        }
        // Two sets may allow different required actions: combine their verdicts per action.
        self.explain(request, ctx).0
    }

    /// Decides a request and says, per counted required action, the verdict and the statements that
    /// decided it, combined over the caller's sets. Allocates; use it for logs and tools.
    ///
    /// ```
    /// use ims_iam::principals::Principals;
    /// use ims_iam::{route, Context};
    /// let tagger = r#"{"Version": "1.1", "Statement": [
    ///     {"Sid": "Tag", "Effect": "Allow", "Action": ["ims:images:get", "ims:images:update"]}]}"#;
    /// let p = Principals::from_json_with(
    ///     r#"{"policies": {"t": "t.json"}, "groups": {"g": {"attachments": [{"policy": "t"}]}}}"#,
    ///     |_| Ok(tagger.into()),
    /// )?;
    /// let put_tag = route("PUT", "/v2/images/0b3b6d4e-8f0a-4c1e-9a57-3c0b8f6f2d11/tags/env")?;
    /// let (decision, actions) = p.grants(None, ["g"]).explain(&put_tag, &Context::default());
    /// assert!(decision.is_allowed());
    /// assert_eq!(actions[0].deciding[0].to_string(), "t statement 0 (Tag)");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn explain(&self, request: &RouteMatch<'_>, ctx: &Context<'_>) -> (Decision, Vec<ActionExplanation>) {
        let mut merged: Vec<ActionExplanation> = Vec::new();
        for (n, set) in self.sets().iter().enumerate() {
            let (d, explanation) = set.explain(request, ctx);
            match d.reason() {
                Reason::Error(_) | Reason::NoActionRequired => return (d, Vec::new()),
                Reason::Allow | Reason::ExplicitDeny | Reason::ImplicitDeny => {}
            }
            if n == 0 {
                merged = explanation.actions;
                continue;
            }
            for (into, from) in merged.iter_mut().zip(explanation.actions) {
                let verdict = match (into.verdict, from.verdict) {
                    (ActionVerdict::ExplicitDeny, _) | (_, ActionVerdict::ExplicitDeny) => {
                        ActionVerdict::ExplicitDeny
                    }
                    (ActionVerdict::Allow, _) | (_, ActionVerdict::Allow) => ActionVerdict::Allow,
                    _ => ActionVerdict::ImplicitDeny,
                };
                if into.verdict != verdict {
                    into.deciding.clear();
                }
                if from.verdict == verdict {
                    into.deciding.extend(from.deciding);
                }
                into.verdict = verdict;
                into.considered.extend(from.considered);
            }
        }
        let reason = if merged.iter().any(|a| a.verdict == ActionVerdict::ExplicitDeny) {
            Reason::ExplicitDeny
        } else if merged.iter().all(|a| a.verdict == ActionVerdict::Allow) {
            Reason::Allow
        } else {
            Reason::ImplicitDeny
        };
        (Decision::from(reason), merged)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const UUID: &str = "0b3b6d4e-8f0a-4c1e-9a57-3c0b8f6f2d11";

    fn policy(actions: &str, effect: &str) -> String {
        format!(r#"{{"Version":"1.1","Statement":[{{"Effect":"{effect}","Action":[{actions}]}}]}}"#)
    }

    fn principals(text: &str) -> Result<Principals, PrincipalsError> {
        Principals::from_json_with(text, |file| {
            Ok(match file {
                "get" => policy(r#""ims:images:get""#, "Allow"),
                "update" => policy(r#""ims:images:update""#, "Allow"),
                "share" => policy(r#""ims:images:share""#, "Allow"),
                "deny-update" => policy(r#""ims:images:update""#, "Deny"),
                "all" => policy(r#""ims:*:*""#, "Allow"),
                "bad" => "{".to_owned(),
                other => {
                    return Err(std::io::Error::new(
                        std::io::ErrorKind::NotFound,
                        other.to_owned(),
                    ));
                }
            })
        })
    }

    #[test]
    fn strict_file() {
        let cases = [
            (r#"{"policies": {}, "extra": 1}"#, "syntax"),
            (r#"{"policies": {"a": "get", "a": "get"}}"#, "syntax"),
            (r#"{"policies": {}} x"#, "syntax"),
            (
                r#"{"policies": {}, "groups": {"g": {"attachments": [{"policy": "nope"}]}}}"#,
                "unknown_policy",
            ),
            (
                r#"{"policies": {"a": "get"}, "groups": {"g": {"attachments": [{"policy": "a", "scope": "x"}]}}}"#,
                "invalid_scope",
            ),
            (r#"{"policies": {"a": "bad"}}"#, "invalid_policy"),
            (r#"{"policies": {"a": "missing"}}"#, "io"),
            (r#"{"policies": {}, "groups": {"a,b": {}}}"#, "invalid_name"),
            (r#"{"policies": {}, "users": {" u": {}}}"#, "invalid_name"),
            (
                r#"{"policies": {}, "users": {"u": {"groups": ["g"]}}}"#,
                "unknown_group",
            ),
        ];
        for (text, kind) in cases {
            let err = principals(text).unwrap_err();
            assert_eq!(err.kind(), kind, "{text}: {err}");
        }
        let err = principals("{\n  \"policies\": {},\n  \"users\": 3}").unwrap_err();
        assert!(matches!(err, PrincipalsError::Syntax { line: 3, .. }), "{err}");
    }

    #[test]
    fn union_of_groups_matches_one_combined_set() {
        let file = r#"{
          "policies": {"get": "get", "update": "update", "share": "share", "deny-update": "deny-update"},
          "groups": {
            "getters": {"attachments": [{"policy": "get"}]},
            "updaters": {"attachments": [{"policy": "update"}]},
            "sharers": {"attachments": [{"policy": "share"}]},
            "no-update": {"attachments": [{"policy": "deny-update"}]}
          },
          "users": {"u": {"groups": ["getters"], "attachments": [{"policy": "share"}]}}
        }"#;
        let p = principals(file).unwrap();
        let text = |name: &str| match name {
            "get" => policy(r#""ims:images:get""#, "Allow"),
            "update" => policy(r#""ims:images:update""#, "Allow"),
            "share" => policy(r#""ims:images:share""#, "Allow"),
            _ => policy(r#""ims:images:update""#, "Deny"),
        };
        let combos: [&[&str]; 6] = [
            &["getters", "updaters"],
            &["getters", "updaters", "no-update"],
            &["sharers", "updaters"],
            &["getters", "sharers", "updaters"],
            &["updaters"],
            &[],
        ];
        let ctx = Context::default();
        for groups in combos {
            for user in [None, Some("u")] {
                let grants = p.grants(user, groups.iter().copied());
                let mut names: Vec<&str> = groups
                    .iter()
                    .map(|g| match *g {
                        "getters" => "get",
                        "updaters" => "update",
                        "sharers" => "share",
                        _ => "deny-update",
                    })
                    .collect();
                if user.is_some() {
                    names.extend(["get", "share"]);
                }
                let single = PolicySet::new(
                    names
                        .iter()
                        .map(|n| Policy::parse(*n, Scope::Global, &text(n)).unwrap()),
                )
                .unwrap();
                for op in crate::operations() {
                    let target = sample_target(op.template());
                    let request = crate::route(op.method().as_str(), &target).unwrap();
                    let want = single.authorize(&request, &ctx);
                    assert_eq!(grants.authorize(&request, &ctx), want, "{groups:?} {user:?} {op}");
                    assert_eq!(grants.explain(&request, &ctx).0, want, "{groups:?} {user:?} {op}");
                }
            }
        }
    }

    fn sample_target(template: &str) -> String {
        template
            .split('/')
            .map(|s| match s {
                "{image_id}" => UUID,
                "{project_id}" | "{member_id}" | "{job_id}" => "0123456789abcdef0123456789abcdef",
                "{version}" => "v2",
                s if s.starts_with('{') => "x",
                s => s,
            })
            .collect::<Vec<_>>()
            .join("/")
    }

    #[test]
    fn explanation_cites_statements_across_sets() {
        let p = principals(
            r#"{"policies": {"update": "update", "deny-update": "deny-update"},
                "groups": {"a": {"attachments": [{"policy": "update"}]}, "b": {"attachments": [{"policy": "deny-update"}]}}}"#,
        )
        .unwrap();
        let put = format!("/v2/images/{UUID}/tags/env");
        let request = crate::route("PUT", &put).unwrap();
        let (d, actions) = p.grants(None, ["a", "b"]).explain(&request, &Context::default());
        assert_eq!(d.reason(), Reason::ExplicitDeny);
        assert_eq!(actions.len(), 2);
        assert_eq!(actions[0].action, "ims:images:get");
        assert_eq!(actions[0].verdict, ActionVerdict::ImplicitDeny);
        let update = &actions[1];
        assert_eq!(update.verdict, ActionVerdict::ExplicitDeny);
        assert_eq!(update.deciding.len(), 1);
        assert_eq!(update.deciding[0].policy, "deny-update");
        assert_eq!(update.considered.len(), 2);
    }

    #[test]
    fn fingerprint_of_files_matches_load() {
        let dir = std::env::temp_dir().join(format!("ims-iam-principals-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("get.json"), policy(r#""ims:images:get""#, "Allow")).unwrap();
        std::fs::write(
            dir.join("principals.json"),
            r#"{"policies": {"get": "get.json"}, "groups": {"g": {"attachments": [{"policy": "get"}]}}}"#,
        )
        .unwrap();
        let p = Principals::load(dir.join("principals.json")).unwrap();
        assert_eq!(p.sources().len(), 2);
        assert_eq!(Principals::fingerprint_files(p.sources()), p.fingerprint());
        std::fs::write(dir.join("get.json"), policy(r#""ims:images:list""#, "Allow")).unwrap();
        assert_ne!(Principals::fingerprint_files(p.sources()), p.fingerprint());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
