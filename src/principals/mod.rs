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
//! # Compiled once: one set, attachments with their owner
//!
//! Loading compiles one [`PolicySet`] of every attachment of every group and user, each attachment
//! carrying its owner (the group or the user). A [`Caller`] names the owners that apply to one caller;
//! a request for it ([`Request::with_owners`](crate::Request::with_owners)) ORs those owners' masks, so
//! it is decided exactly as one set holding all the caller's policies would decide it, by the same
//! allocation-free procedure. A test checks that equality on every API.

mod caller;
mod error;
mod file;
mod layout;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub use caller::Caller;
pub use error::PrincipalsError;

use crate::compile::{Policy, PolicySet, Scope, SetBuilder};
use crate::policy::{Limits, PolicyDocument};
use crate::request::Owner;
use file::{AttachmentSpec, PrincipalsFile, check_name, fingerprint, strip_position};
pub(crate) use layout::{layout, looks_like_principals};

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

/// The largest principals file that is read, in bytes (policy files are bounded by
/// [`Limits::max_document_bytes`](crate::Limits::max_document_bytes), also 1 MiB by default).
pub(crate) const MAX_FILE_BYTES: u64 = 1 << 20;

/// The longest user, group or policy name, in bytes.
pub(crate) const MAX_NAME_LEN: usize = 128;

/// The principals file: policies, groups and users, compiled (see the [module docs](self)).
///
/// ```
/// use ims_iam::{route, Context, Principals, Request};
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
/// let ctx = Context::default();
/// let set = principals.policy_set();
/// let alice = principals.caller(Some("alice"), []);
/// assert!(set.authorize(&Request::new(&put_tag, &ctx).with_owners(alice.owners())).is_allowed());
/// // A federated user whose group the gateway asserts.
/// let carol = principals.caller(Some("carol"), ["image-taggers"]);
/// assert!(set.authorize(&Request::new(&put_tag, &ctx).with_owners(carol.owners())).is_allowed());
/// // Nobody known: no policy, implicit deny.
/// let mallory = principals.caller(Some("mallory"), ["admins"]);
/// assert!(!set.authorize(&Request::new(&put_tag, &ctx).with_owners(mallory.owners())).is_allowed());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct Principals {
    /// Every attachment of every group and user; group `i` (in name order) is `Owner(i)`, the direct
    /// attachments of a user are owned by an owner past the groups.
    set: PolicySet,
    /// Sorted.
    groups: Vec<String>,
    /// Sorted by name.
    users: Vec<(String, User)>,
    policy_names: Vec<String>,
    /// The policies attached to each group and to each user directly (for analysis).
    attached: BTreeMap<(PrincipalKind, String), Vec<Policy>>,
    sources: Vec<PathBuf>,
    fingerprint: u64,
}

#[derive(Debug)]
struct User {
    /// The owners of the user's groups and of its direct attachments, sorted.
    owners: Vec<Owner>,
}

/// Reads the principals file, of at most [`MAX_FILE_BYTES`].
fn read_principals_file(path: &Path) -> Result<String, PrincipalsError> {
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

/// The owner of group number `i` (in name order).
fn group_owner(i: usize) -> Owner {
    Owner(u32::try_from(i).unwrap_or(u32::MAX - 1))
}

impl Principals {
    /// Loads a principals file and every policy file it names, and compiles them.
    ///
    /// ```no_run
    /// let principals = ims_iam::Principals::load("principals.json")?;
    /// println!("{} groups", principals.groups().count());
    /// # Ok::<(), ims_iam::PrincipalsError>(())
    /// ```
    pub fn load(path: impl AsRef<Path>) -> Result<Principals, PrincipalsError> {
        let path = path.as_ref();
        let text = read_principals_file(path)?;
        let base = path.parent().unwrap_or_else(|| Path::new(""));
        let mut sources = vec![path.to_owned()];
        let mut principals = Principals::build(&text, |file| {
            let resolved = base.join(file);
            sources.push(resolved.clone());
            crate::policy::read_text(&resolved, &Limits::default()).map_err(|source| PrincipalsError::Io {
                path: resolved,
                source,
            })
        })?;
        principals.sources = sources;
        Ok(principals)
    }

    /// Builds from the principals file's text, reading each policy file through `read` (given the
    /// path as written in the file). Nothing is read from disk unless `read` does; the result has no
    /// [`sources`](Principals::sources).
    ///
    /// ```
    /// use ims_iam::Principals;
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
        // Every policy file is parsed once, attached or not, by the one loader. A list response
        // (`{"roles": [...]}`) gives one policy per role, named by the role; attaching its entry
        // attaches them all.
        let mut documents: BTreeMap<&str, Vec<(String, PolicyDocument)>> = BTreeMap::new();
        for ((name, file_name), text) in policy_files.iter().zip(&texts) {
            let named = crate::policy::parse_named(name, text, &Limits::default()).map_err(|source| {
                PrincipalsError::InvalidPolicy {
                    policy: (*name).to_owned(),
                    path: PathBuf::from(file_name),
                    source: Box::new(source),
                }
            })?;
            documents.insert(name, named);
        }

        let mut builder = SetBuilder::default();
        let mut attach = |owner: Owner, who: &str, attachments: &[AttachmentSpec]| {
            let mut added: Vec<Policy> = Vec::new();
            for a in attachments {
                let Some(named) = documents.get(a.policy.as_str()) else {
                    return Err(PrincipalsError::UnknownPolicy {
                        owner: who.to_owned(),
                        policy: a.policy.clone(),
                    });
                };
                let scope: Scope = match &a.scope {
                    None => Scope::Global,
                    Some(s) => s.parse().map_err(|source| PrincipalsError::InvalidScope {
                        owner: who.to_owned(),
                        source,
                    })?,
                };
                for (name, document) in named {
                    let policy = Policy::new(name.clone(), scope.clone(), document.clone());
                    added.push(policy.clone());
                    builder
                        .attach(owner, policy)
                        .map_err(|source| PrincipalsError::Compile {
                            owner: who.to_owned(),
                            source: Box::new(source),
                        })?;
                }
            }
            Ok(added)
        };
        let mut attached = BTreeMap::new();

        // Group `i` in name order is `Owner(i)`; attachments are compiled in file order.
        let mut groups: Vec<String> = file.groups.0.iter().map(|(name, _)| name.clone()).collect();
        groups.sort();
        for (name, spec) in &file.groups.0 {
            check_name("group", name)?;
            let i = groups.binary_search(name).unwrap_or_default();
            let added = attach(group_owner(i), &format!("group `{name}`"), &spec.attachments)?;
            attached.insert((PrincipalKind::Group, name.clone()), added);
        }

        let mut users = Vec::with_capacity(file.users.0.len());
        for (n, (name, spec)) in file.users.0.iter().enumerate() {
            check_name("user", name)?;
            let mut owners = Vec::with_capacity(spec.groups.len() + 1);
            for g in &spec.groups {
                match groups.binary_search(g) {
                    Ok(i) => owners.push(group_owner(i)),
                    Err(_) => {
                        return Err(PrincipalsError::UnknownGroup {
                            user: name.clone(),
                            group: g.clone(),
                        });
                    }
                }
            }
            if !spec.attachments.is_empty() {
                let own = group_owner(groups.len() + n);
                let added = attach(own, &format!("user `{name}`"), &spec.attachments)?;
                attached.insert((PrincipalKind::User, name.clone()), added);
                owners.push(own);
            }
            owners.sort_unstable();
            owners.dedup();
            users.push((name.clone(), User { owners }));
        }
        users.sort_by(|a, b| a.0.cmp(&b.0));

        Ok(Principals {
            set: builder.finish(),
            groups,
            users,
            policy_names: policy_files.keys().map(|k| (*k).to_owned()).collect(),
            attached,
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
    #[cfg(any(test, feature = "gateway"))]
    pub(crate) fn fingerprint_files(files: &[PathBuf]) -> u64 {
        let contents: Vec<Option<String>> = files
            .iter()
            .enumerate()
            .map(|(i, f)| match i {
                0 => read_principals_file(f).ok(),
                _ => crate::policy::read_text(f, &Limits::default()).ok(),
            })
            .collect();
        fingerprint(contents.iter().map(|c| c.as_deref().map(str::as_bytes)))
    }

    /// The group names, sorted.
    pub fn groups(&self) -> impl Iterator<Item = &str> {
        self.groups.iter().map(String::as_str)
    }

    /// The user names, sorted.
    pub fn users(&self) -> impl Iterator<Item = &str> {
        self.users.iter().map(|(n, _)| n.as_str())
    }

    /// The policy names, sorted.
    pub fn policies(&self) -> impl Iterator<Item = &str> {
        self.policy_names.iter().map(String::as_str)
    }

    /// The compiled attachments of every group and user: decide a caller's request with
    /// [`Request::with_owners`](crate::Request::with_owners)`(caller.owners())`. A request without
    /// owners sees none of them.
    pub fn policy_set(&self) -> &PolicySet {
        &self.set
    }

    /// A caller: the user's direct attachments and groups, plus the asserted `groups` that this file
    /// defines (others are ignored). `user` may be unknown, or absent. Allocates nothing for up to 64
    /// asserted groups.
    pub fn caller<'g>(&self, user: Option<&str>, groups: impl IntoIterator<Item = &'g str>) -> Caller<'_> {
        let user = user.and_then(|u| self.users.binary_search_by(|(k, _)| k.as_str().cmp(u)).ok());
        Caller::new(self, user, groups)
    }

    /// The owner of the group named `name`, if the file defines it.
    /// The policies granted to a user (its groups' attachments and its own) or a group, with their
    /// scopes: what [`analysis`](crate::analysis) reasons about. `None` for an unknown name.
    ///
    /// ```
    /// use ims_iam::PrincipalKind;
    /// use ims_iam::Principals;
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
        let own = |kind, name: &str| {
            self.attached
                .get(&(kind, name.to_owned()))
                .cloned()
                .unwrap_or_default()
        };
        match kind {
            PrincipalKind::Group => {
                self.group_owner(name)?;
                Some(own(PrincipalKind::Group, name))
            }
            PrincipalKind::User => {
                self.users.binary_search_by(|(k, _)| k.as_str().cmp(name)).ok()?;
                let mut out = Vec::new();
                for g in self.groups_of(name) {
                    out.extend(own(PrincipalKind::Group, g));
                }
                out.extend(own(PrincipalKind::User, name));
                Some(out)
            }
        }
    }

    /// The groups a user belongs to in this file (empty for an unknown user).
    pub fn groups_of(&self, user: &str) -> Vec<&str> {
        match self.users.binary_search_by(|(k, _)| k.as_str().cmp(user)) {
            Ok(i) => self
                .user_owners(i)
                .iter()
                .filter_map(|&o| self.group_name(o))
                .collect(),
            Err(_) => Vec::new(),
        }
    }

    fn group_owner(&self, name: &str) -> Option<Owner> {
        self.groups
            .binary_search_by(|g| g.as_str().cmp(name))
            .ok()
            .map(group_owner)
    }

    /// The name of the group that `owner` is, if it is one.
    fn group_name(&self, owner: Owner) -> Option<&str> {
        self.groups
            .get(usize::try_from(owner.0).ok()?)
            .map(String::as_str)
    }

    /// The owners of user number `i`.
    fn user_owners(&self, i: usize) -> &[Owner] {
        self.users.get(i).map_or(&[], |(_, u)| u.owners.as_slice())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::{ActionVerdict, Reason};
    use crate::request::{Context, Request};

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
                let caller = p.caller(user, groups.iter().copied());
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
                    let target = op.example_path();
                    let request = crate::route(op.method().as_str(), &target).unwrap();
                    let want = single.authorize(&Request::new(&request, &ctx));
                    let theirs = Request::new(&request, &ctx).with_owners(caller.owners());
                    assert_eq!(
                        p.policy_set().authorize(&theirs),
                        want,
                        "{groups:?} {user:?} {op}"
                    );
                    assert_eq!(
                        p.policy_set().explain(&theirs).decision(),
                        want,
                        "{groups:?} {user:?} {op}"
                    );
                }
            }
        }
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
        let ctx = Context::default();
        let caller = p.caller(None, ["a", "b"]);
        let explanation = p
            .policy_set()
            .explain(&Request::new(&request, &ctx).with_owners(caller.owners()));
        let actions = explanation.actions();
        assert_eq!(explanation.decision().reason(), Reason::ExplicitDeny);
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
