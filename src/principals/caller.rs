//! One caller of a principals file: a known user, asserted groups, and the owners of the attachments
//! that apply to them.

use super::Principals;
use crate::request::{Owner, Owners};

/// How many asserted groups a [`Caller`] keeps without allocating.
const INLINE_GROUPS: usize = 64;

/// Who asks, as a principals file knows them (see [`Principals::caller`]): the user's groups and direct
/// attachments, plus the asserted groups the file defines. Building one allocates nothing for up to 64
/// asserted groups.
///
/// ```
/// use ims_iam::Principals;
/// let p = Principals::from_json_with(
///     r#"{"policies": {}, "groups": {"ops": {}}, "users": {"alice": {"groups": ["ops"]}}}"#,
///     |_| Ok(String::new()),
/// )?;
/// let alice = p.caller(Some("alice"), ["ops", "unknown"]);
/// assert!(alice.is_known());
/// assert_eq!(alice.groups().collect::<Vec<_>>(), ["ops"]);
/// assert!(!p.caller(None, ["unknown"]).is_known());
/// # Ok::<(), ims_iam::PrincipalsError>(())
/// ```
#[derive(Debug, Clone)]
pub struct Caller<'p> {
    principals: &'p Principals,
    /// The user's index, when the file defines the user.
    user: Option<usize>,
    /// The asserted groups the file defines, as owners, sorted and without repeats: `inline[..len]`,
    /// or `spilled` past [`INLINE_GROUPS`].
    inline: [Owner; INLINE_GROUPS],
    len: usize,
    spilled: Vec<Owner>,
}

impl<'p> Caller<'p> {
    pub(super) fn new<'g>(
        principals: &'p Principals,
        user: Option<usize>,
        groups: impl IntoIterator<Item = &'g str>,
    ) -> Caller<'p> {
        let mut caller = Caller {
            principals,
            user,
            inline: [Owner(0); INLINE_GROUPS],
            len: 0,
            spilled: Vec::new(),
        };
        for g in groups {
            let Some(owner) = principals.group_owner(g) else {
                continue;
            };
            if !caller.spilled.is_empty() {
                caller.spilled.push(owner);
            } else if let Some(slot) = caller.inline.get_mut(caller.len) {
                *slot = owner;
                caller.len += 1;
            } else {
                caller.spilled.extend_from_slice(&caller.inline);
                caller.spilled.push(owner);
            }
        }
        if caller.spilled.is_empty() {
            let asserted = caller.inline.get_mut(..caller.len).unwrap_or_default();
            asserted.sort_unstable();
            caller.len = dedup_sorted(asserted);
        } else {
            caller.spilled.sort_unstable();
            caller.spilled.dedup();
        }
        caller
    }

    /// The asserted groups the file defines, as sorted owners.
    fn asserted(&self) -> &[Owner] {
        if self.spilled.is_empty() {
            self.inline.get(..self.len).unwrap_or_default()
        } else {
            &self.spilled
        }
    }

    /// The owners of the user's groups and direct attachments, sorted.
    fn user_owners(&self) -> &'p [Owner] {
        self.user.map_or(&[], |u| self.principals.user_owners(u))
    }

    /// Whether the user or at least one of the groups is defined in the principals file.
    pub fn is_known(&self) -> bool {
        self.user.is_some() || !self.asserted().is_empty()
    }

    /// The caller's effective groups (defined in the file), sorted, each once.
    pub fn groups(&self) -> impl Iterator<Item = &'p str> + '_ {
        let principals = self.principals;
        let mut mine = self.user_owners().iter().peekable();
        let mut asserted = self.asserted().iter().peekable();
        std::iter::from_fn(move || {
            loop {
                let next = match (mine.peek(), asserted.peek()) {
                    (None, None) => return None,
                    (Some(&&a), Some(&&b)) if a == b => {
                        mine.next();
                        asserted.next();
                        a
                    }
                    (Some(&&a), Some(&&b)) if a < b => {
                        mine.next();
                        a
                    }
                    (Some(&&a), None) => {
                        mine.next();
                        a
                    }
                    (_, Some(&&b)) => {
                        asserted.next();
                        b
                    }
                };
                // A user's own owner is past the groups: not a group.
                if let Some(name) = principals.group_name(next) {
                    return Some(name);
                }
            }
        })
    }

    /// The owners of every attachment that applies to the caller, for
    /// [`Request::with_owners`](crate::Request::with_owners).
    pub fn owners(&self) -> Owners<'_> {
        Owners::listed(self.user_owners(), self.asserted())
    }
}

/// Removes repeats from a sorted slice in place; returns the new length.
fn dedup_sorted(items: &mut [Owner]) -> usize {
    let mut len = 0;
    for i in 0..items.len() {
        if len == 0 || items[i] != items[len - 1] {
            items[len] = items[i];
            len += 1;
        }
    }
    len
}
