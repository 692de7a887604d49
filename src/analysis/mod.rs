//! Policy analysis: what a policy set allows, who can call an API, whether a specification holds, and
//! what a change adds, exactly and offline (SPEC section 5).
//!
//! # The procedure
//!
//! IMS has a finite universe, so the questions are decided by enumeration and a complete search:
//!
//! 1. **Request situations.** Every operation that requires an action; for each, the request's IAM
//!    project (each project named in an attachment, any other, and unknown where the template has no
//!    `{project_id}`), its enterprise project (each named, any other, unknown) where the operation can be
//!    authorized there, and each subset of the operation's documented situations under which some action
//!    counts.
//! 2. **Formulas.** For each situation the evaluator itself reports which statements take part in
//!    deciding each counted action (it applies the scope rules); the decision is then a Boolean function
//!    of the condition blocks of those statements: no Deny applies (a Deny applies unless a block fails)
//!    and some Allow holds (every block holds), for every counted action.
//! 3. **Per-key theories.** The truth of every block that mentions a key depends only on that key's
//!    values. For each key the procedure computes every achievable vector of block truths (a region)
//!    with values that produce it: candidates from the theory of the key's operators (strings: product
//!    automata of equality, case-insensitive equality, prefix, suffix and `*`/`?` patterns over the
//!    written characters, their case variants and one fresh character; numbers and dates: each
//!    constant, its neighbours, a value between neighbours and beyond the ends; addresses: the ends of
//!    every block and their neighbours in IPv4, IPv6 and IPv4-mapped form; booleans; an unparseable
//!    value; absence where the key can be absent), each evaluated by the evaluator's own condition code;
//!    then sets of values, as the closure of single-value regions under union.
//! 4. **Search.** Keys are assigned one region at a time (fewest regions first), and the goal (allowed;
//!    denied; allowed by one set and not the other) is evaluated in three-valued logic after each
//!    assignment, pruning as soon as it is decided. The search is complete over the regions, so "no
//!    assignment" is a proof.
//! 5. **Rows.** The scope situations of an operation with the same answer share a row; its statements
//!    are those taking part at any of them.
//! 6. **Witnesses.** Every example request is decided again by the evaluator; a mismatch is an
//!    `internal` error, never an answer.
//!
//! # Bounds
//!
//! | bound | value | what happens beyond |
//! |---|---|---|
//! | product-automaton states per key ([`Bounds::STRING_STATES`]) | 50,000 | `analysis_limit` |
//! | regions per key, single values and sets ([`Bounds::REGIONS_PER_KEY`]) | 4,096 | `analysis_limit` |
//! | search nodes per question ([`Bounds::SEARCH_NODES`]) | 1,000,000 | `analysis_limit` |
//! | known contexts tried on a scope pair before searching | 32 | the pair is searched |
//!
//! # What it does not decide
//!
//! - A key compared both with string operators and with typed ones (number, date, address, boolean):
//!   typed values have many spellings the string theory does not enumerate; refused with
//!   `analysis_limit`.
//! - Named projects that are not 32 hexadecimal characters, for templates with `{project_id}`: they
//!   are analysed (a gateway that accepts any parameter format can see them), but the witness target
//!   does not pass the strict router.
//! - Cost: a scope pair (project, enterprise project) is not traced on its own. The evaluator traces
//!   the pair (any other, any other) and each place with the other dimension at "any other", once per
//!   set of counted actions; a pair's statements are the union of those parts (the scope rules are a
//!   union of buckets). Places that add the same statements form a class; a pair of classes is decided
//!   once: by its constant masks, else by a context already found (allowing or denying another pair)
//!   tried on its parts, else by the search. A set that mentions `g:EnterpriseProjectId` searches every
//!   pair of classes. Memory grows with the places, the classes and the listed scope situations (12
//!   bytes each), not with the statements cited per row (indices into one table).
//! - Witnesses of value sets larger than the command line's context limits (128 values) are correct
//!   for the library but refused by `ims-iam authorize`.

mod access;
#[cfg(test)]
mod access_tests;
mod adapter;
mod blocks;
mod check;
mod compose;
mod diff;
mod error;
mod grid;
mod regions;
mod request;
mod result;
mod search;
mod strings;
mod subject;
mod typed;
mod universe;
mod who_can;
mod workspace;

pub use access::access;
pub use check::{CheckSpec, check};
pub use diff::diff;
pub use error::AnalysisError;
pub use request::Request;
pub use result::{AccessReport, AccessRow, Answer, Change, CheckReport, Cite, DiffReport, Violation};
pub use universe::{Place, ScopeSituation};
pub use who_can::{WhoCanEntry, WhoCanReport, who_can};

use crate::principals::{PrincipalKind, Principals};

/// The documented bounds of the procedure.
///
/// ```
/// assert_eq!(ims_iam::analysis::Bounds::SEARCH_NODES, 1_000_000);
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Bounds;

impl Bounds {
    /// Product-automaton states explored per key by the string theory.
    pub const STRING_STATES: usize = strings::MAX_STRING_STATES;
    /// Regions (single values and sets of values) per key.
    pub const REGIONS_PER_KEY: usize = regions::MAX_REGIONS;
    /// Search nodes per question.
    pub const SEARCH_NODES: usize = search::MAX_SEARCH_NODES;
}

/// [`check`] for every user and group of a principals file, except the groups in `except` and their
/// members; each violation names its principal.
///
/// ```
/// use ims_iam::analysis::{check_principals, CheckSpec};
/// use ims_iam::Principals;
/// let file = r#"{"policies": {"all": "all.json"},
///   "groups": {"image-admins": {"attachments": [{"policy": "all"}]}, "readers": {}},
///   "users": {"ann": {"groups": ["image-admins"]}, "bob": {"groups": ["readers"]}}}"#;
/// let principals = Principals::from_json_with(file, |_| {
///     Ok(r#"{"Version":"1.1","Statement":[{"Effect":"Allow","Action":["ims:*:*"]}]}"#.into())
/// })?;
/// let never_delete = [CheckSpec::never("ims:images:delete")?];
/// assert!(check_principals(&principals, &never_delete, &["image-admins".into()])?.holds());
/// assert!(!check_principals(&principals, &never_delete, &[])?.holds());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn check_principals(
    principals: &Principals,
    specs: &[CheckSpec],
    except: &[String],
) -> Result<CheckReport, AnalysisError> {
    let mut ws = workspace::Workspace::default();
    let mut report = CheckReport::default();
    for (kind, name) in principals
        .groups()
        .map(|g| (PrincipalKind::Group, g))
        .chain(principals.users().map(|u| (PrincipalKind::User, u)))
    {
        let excluded = match kind {
            PrincipalKind::Group => except.iter().any(|e| e == name),
            PrincipalKind::User => principals
                .groups_of(name)
                .iter()
                .any(|g| except.iter().any(|e| e == g)),
        };
        if excluded {
            continue;
        }
        let policies = principals.policies_of(kind, name).unwrap_or_default();
        let label = format!("{} {name}", kind.as_str());
        check::check_in(&mut ws, &policies, specs, Some(&label), &mut report)?;
    }
    Ok(report)
}
