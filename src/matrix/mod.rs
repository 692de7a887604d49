//! The permission matrix: every documented IMS API with the IAM actions it requires.
//!
//! The table is generated at build time from `src/matrix/ims-permissions.toml` (see `build.rs`); nothing
//! is parsed at run time. [`operations`] lists it; the router ([`crate::route()`]) finds a row from a raw
//! request.

mod cloud;
mod example;
#[cfg(test)]
mod generate;
mod ids;
#[cfg(feature = "import")]
pub mod import;
#[cfg(any(test, feature = "import"))]
#[allow(missing_docs, reason = "documented in the file itself")]
#[allow(
    dead_code,
    reason = "the matrix file's whole model; the importer and the tests each read part of it"
)]
pub mod model;
#[cfg(test)]
mod route_gen;
#[cfg(test)]
mod template;

use std::fmt;

pub use cloud::{Basis, Cloud};
pub(crate) use ids::{is_hex32, is_uuid};

include!(concat!(env!("OUT_DIR"), "/matrix.rs"));

/// An HTTP method that some IMS API uses. Methods are case-sensitive tokens: `GET`, never `get`.
///
/// ```
/// use ims_iam::Method;
/// assert_eq!(Method::parse("PUT"), Some(Method::Put));
/// assert_eq!(Method::parse("put"), None);
/// assert_eq!(Method::Delete.as_str(), "DELETE");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Method {
    /// `GET`
    Get,
    /// `HEAD`
    Head,
    /// `POST`
    Post,
    /// `PUT`
    Put,
    /// `PATCH`
    Patch,
    /// `DELETE`
    Delete,
}

impl Method {
    /// Every method, in table order.
    pub const ALL: [Method; 6] = [
        Method::Get,
        Method::Head,
        Method::Post,
        Method::Put,
        Method::Patch,
        Method::Delete,
    ];

    /// The method of an exact, upper-case token; `None` for anything else.
    pub fn parse(token: &str) -> Option<Method> {
        // On the length, then the bytes: a few compares, not a walk over every token.
        match *token.as_bytes() {
            [b'G', b'E', b'T'] => Some(Method::Get),
            [b'P', b'U', b'T'] => Some(Method::Put),
            [b'H', b'E', b'A', b'D'] => Some(Method::Head),
            [b'P', b'O', b'S', b'T'] => Some(Method::Post),
            [b'P', b'A', b'T', b'C', b'H'] => Some(Method::Patch),
            [b'D', b'E', b'L', b'E', b'T', b'E'] => Some(Method::Delete),
            _ => None,
        }
    }

    /// The method's token.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Head => "HEAD",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
        }
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The documentation section an API belongs to.
///
/// ```
/// assert_eq!(ims_iam::Section::ImageTagging.as_str(), "Image Tagging");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Section {
    /// Image Management
    ImageManagement,
    /// Image Tagging
    ImageTagging,
    /// Image Schema
    ImageSchema,
    /// Image Sharing
    ImageSharing,
    /// Image Replication
    ImageReplication,
    /// Image Quota
    ImageQuota,
    /// Asynchronous Job Query (the job status queries that every asynchronous workflow polls)
    AsynchronousJobQuery,
}

impl Section {
    /// The section's title as the documentation writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Section::ImageManagement => "Image Management",
            Section::ImageTagging => "Image Tagging",
            Section::ImageSchema => "Image Schema",
            Section::ImageSharing => "Image Sharing",
            Section::ImageReplication => "Image Replication",
            Section::ImageQuota => "Image Quota",
            Section::AsynchronousJobQuery => "Asynchronous Job Query",
        }
    }
}

impl fmt::Display for Section {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A situation that the documentation names for a conditional required action, e.g.
/// `ims:serverImages:create (required only for users who have enabled enterprise projects)`.
///
/// A conditional action is required only when the request's [`Context`](crate::Context) says its
/// situation holds.
///
/// ```
/// use ims_iam::Situation;
/// assert_eq!(Situation::parse("enterprise-projects-enabled"), Some(Situation::EnterpriseProjectsEnabled));
/// assert_eq!(Situation::EnterpriseProjectsEnabled.id(), "enterprise-projects-enabled");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Situation {
    /// "only for migration to enterprise projects" (updating image information).
    EnterpriseProjectMigration,
    /// "required only for users who have enabled enterprise projects" (replicating an image).
    EnterpriseProjectsEnabled,
    /// "required only for quickly importing system disk images".
    SystemDiskImageImport,
    /// "required only for quickly importing data disk images".
    DataDiskImageImport,
}

impl Situation {
    /// Every situation.
    pub const ALL: [Situation; 4] = [
        Situation::EnterpriseProjectMigration,
        Situation::EnterpriseProjectsEnabled,
        Situation::SystemDiskImageImport,
        Situation::DataDiskImageImport,
    ];

    /// The situation's stable id (used by the data file, the CLI and decision-test files).
    pub fn id(self) -> &'static str {
        match self {
            Situation::EnterpriseProjectMigration => "enterprise-project-migration",
            Situation::EnterpriseProjectsEnabled => "enterprise-projects-enabled",
            Situation::SystemDiskImageImport => "system-disk-image-import",
            Situation::DataDiskImageImport => "data-disk-image-import",
        }
    }

    /// The situation with this id.
    pub fn parse(id: &str) -> Option<Situation> {
        Situation::ALL.into_iter().find(|s| s.id() == id)
    }

    /// A bit for [`SituationSet`](crate::Context) masks.
    pub(crate) fn bit(self) -> u8 {
        1 << (self as u8)
    }
}

impl fmt::Display for Situation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// The index of a required action in the action universe ([`known_actions`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ActionId(pub(crate) u8);

impl ActionId {
    /// The action's documented spelling.
    pub fn name(self) -> &'static str {
        ACTIONS[usize::from(self.0)]
    }

    /// The position in [`known_actions`].
    pub fn index(self) -> usize {
        usize::from(self.0)
    }
}

/// Every action that some documented API requires, in their documented spelling; an
/// [`ActionId`] indexes this list.
///
/// ```
/// assert!(ims_iam::known_actions().contains(&"ims:images:get"));
/// ```
pub fn known_actions() -> &'static [&'static str] {
    &ACTIONS
}

/// One action a documented API requires.
#[derive(Debug)]
pub struct RequiredAction {
    action: &'static str,
    id: ActionId,
    situation: Option<Situation>,
    note: Option<&'static str>,
}

impl RequiredAction {
    /// The action as documented, e.g. `ims:images:update`.
    pub fn action(&self) -> &'static str {
        self.action
    }
    /// Its index in the action universe.
    pub fn id(&self) -> ActionId {
        self.id
    }
    /// The situation in which alone it is required; `None`: always.
    pub fn situation(&self) -> Option<Situation> {
        self.situation
    }
    /// The page's qualifier, e.g. `required only for users who have enabled enterprise projects`.
    pub fn note(&self) -> Option<&'static str> {
        self.note
    }
}

/// A group of dependent actions, as the page groups them: advisory, never part of a decision.
#[derive(Debug)]
pub struct DependencyGroup {
    of: Option<&'static str>,
    note: Option<&'static str>,
    actions: &'static [&'static str],
}

impl DependencyGroup {
    /// The required action the group serves, where the page names one.
    pub fn of(&self) -> Option<&'static str> {
        self.of
    }
    /// The page's qualifier of the group.
    pub fn note(&self) -> Option<&'static str> {
        self.note
    }
    /// The dependent actions.
    pub fn actions(&self) -> &'static [&'static str] {
        self.actions
    }
}

/// The format a path parameter's decoded value must have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamFormat {
    /// A UUID `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` of hex digits (`image_id`).
    Uuid,
    /// 32 hex digits (`project_id`, `member_id`, `job_id`).
    Hex32,
    /// An API version segment (`version`): `v`, 1 to 3 digits, optionally `.` and 1 to 3 digits
    /// (`v2`, `v2.1`, `v1.1`).
    ApiVersion,
    /// Any non-empty value (`tag`, `key`).
    Any,
}

impl ParamFormat {
    /// Whether `value` has this format.
    ///
    /// ```
    /// use ims_iam::ParamFormat;
    /// assert!(ParamFormat::Uuid.accepts("0b3b6d4e-8f0a-4c1e-9a57-3c0b8f6f2d11"));
    /// assert!(!ParamFormat::Hex32.accepts("not-hex"));
    /// ```
    pub fn accepts(self, value: &str) -> bool {
        let b = value.as_bytes();
        match self {
            ParamFormat::Uuid => <&[u8; 36]>::try_from(b).is_ok_and(is_uuid),
            ParamFormat::Hex32 => <&[u8; 32]>::try_from(b).is_ok_and(is_hex32),
            ParamFormat::ApiVersion => api_version(b),
            ParamFormat::Any => !b.is_empty(),
        }
    }

    /// A short description for error messages.
    pub fn describe(self) -> &'static str {
        match self {
            ParamFormat::Uuid => "a UUID",
            ParamFormat::Hex32 => "32 hexadecimal characters",
            ParamFormat::ApiVersion => "an API version such as `v2` or `v2.1`",
            ParamFormat::Any => "a non-empty value",
        }
    }
}

/// `v`, 1 to 3 digits, optionally `.` and 1 to 3 digits.
fn api_version(b: &[u8]) -> bool {
    let digits = |d: &[u8]| (1..=3).contains(&d.len()) && d.iter().all(u8::is_ascii_digit);
    let Some(rest) = b.strip_prefix(b"v") else {
        return false;
    };
    match rest.iter().position(|&c| c == b'.') {
        Some(dot) => digits(&rest[..dot]) && digits(&rest[dot + 1..]),
        None => digits(rest),
    }
}

/// One segment of a compiled template.
#[derive(Debug)]
pub(crate) enum Segment {
    Literal(&'static str),
    Param(&'static str, ParamFormat),
}

/// One documented API: a row of the permission matrix.
///
/// ```
/// let op = ims_iam::operations()
///     .iter()
///     .find(|op| op.template() == "/v2/images/{image_id}/tags/{tag}" && op.method() == ims_iam::Method::Put)
///     .unwrap();
/// assert_eq!(op.section(), ims_iam::Section::ImageTagging);
/// assert!(op.iam_project() && !op.enterprise_project());
/// ```
#[derive(Debug)]
pub struct Operation {
    index: usize,
    cloud: Cloud,
    section: Section,
    name: &'static str,
    name_zh: Option<&'static str>,
    method: Method,
    template: &'static str,
    segments: &'static [Segment],
    param_names: &'static [&'static str],
    api_notes: &'static [&'static str],
    actions: &'static [RequiredAction],
    dependencies: &'static [DependencyGroup],
    iam_project: bool,
    enterprise_project: bool,
    sources: &'static [&'static str],
    basis: Basis,
    inferred_from: Option<&'static str>,
    basis_note: Option<&'static str>,
}

impl Operation {
    /// The row's position in [`operations`].
    pub fn index(&self) -> usize {
        self.index
    }
    /// The documentation section.
    pub fn section(&self) -> Section {
        self.section
    }
    /// The English permission name (current OTC wording).
    pub fn name(&self) -> &'static str {
        self.name
    }
    /// The Chinese permission name, where the Chinese page gives one.
    pub fn name_zh(&self) -> Option<&'static str> {
        self.name_zh
    }
    /// The HTTP method.
    pub fn method(&self) -> Method {
        self.method
    }
    /// The path template, e.g. `/v2/images/{image_id}/tags/{tag}`.
    pub fn template(&self) -> &'static str {
        self.template
    }
    /// The notes of the API cell (requirements outside IAM, such as OBS permissions).
    pub fn api_notes(&self) -> &'static [&'static str] {
        self.api_notes
    }
    /// Every required action, conditional ones included; empty for APIs that need none.
    pub fn actions(&self) -> &'static [RequiredAction] {
        self.actions
    }
    /// The dependent actions, grouped as documented.
    pub fn dependencies(&self) -> &'static [DependencyGroup] {
        self.dependencies
    }
    /// Every dependent action once, in documented order.
    pub fn dependency_actions(&self) -> impl Iterator<Item = &'static str> {
        let mut seen: Vec<&'static str> = Vec::new();
        self.dependencies
            .iter()
            .flat_map(|g| g.actions.iter().copied())
            .filter(move |a| {
                if seen.contains(a) {
                    false
                } else {
                    seen.push(a);
                    true
                }
            })
    }
    /// `Y` in the IAM Project column: policies granted at IAM-project scope authorize it.
    pub fn iam_project(&self) -> bool {
        self.iam_project
    }
    /// `Y` in the Enterprise Project column: policies granted in an enterprise project authorize it.
    pub fn enterprise_project(&self) -> bool {
        self.enterprise_project
    }
    /// The pages that list the row (`otc/<page>.rst`, `seed/en`, `seed/zh`, `huawei-cloud`, ...), then
    /// the pages that give the profile's differences, if any.
    pub fn sources(&self) -> &'static [&'static str] {
        self.sources
    }
    /// The cloud profile whose table holds this row.
    pub fn cloud(&self) -> Cloud {
        self.cloud
    }
    /// Where the required actions come from.
    pub fn basis(&self) -> Basis {
        self.basis
    }
    /// For an [`Basis::Inferred`] row, the counterpart (`METHOD /template`) whose facts it takes.
    pub fn inferred_from(&self) -> Option<&'static str> {
        self.inferred_from
    }
    /// Why the row requires what it requires, when no permission page lists it.
    pub fn basis_note(&self) -> Option<&'static str> {
        self.basis_note
    }
    /// The parameter names of the template, in order.
    pub fn param_names(&self) -> impl Iterator<Item = &'static str> {
        self.param_names.iter().copied()
    }
    /// The parameter names of the template, in order.
    pub(crate) fn param_name_list(&self) -> &'static [&'static str] {
        self.param_names
    }
    pub(crate) fn segments(&self) -> &'static [Segment] {
        self.segments
    }
}

impl fmt::Display for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.method, self.template)
    }
}

/// Every documented API, in documentation order, with the default profile's facts
/// ([`Cloud::default`]; [`Cloud::operations`] for another).
///
/// ```
/// assert!(ims_iam::operations().len() >= 53 - 10); // 43 OTC rows + Huawei-only rows
/// ```
pub fn operations() -> &'static [Operation] {
    Cloud::default().operations()
}

/// The operations of one method whose templates have `count` segments, in routing priority order
/// (for the reference router of the tests).
#[cfg(test)]
pub(crate) fn routes_with_len(method: Method, count: usize) -> &'static [u16] {
    ROUTES_BY_LEN
        .get(method as usize)
        .and_then(|by_len| by_len.get(count))
        .copied()
        .unwrap_or_default()
}

/// The operation at an index of a profile's permission table (for the reference router of the tests).
#[cfg(test)]
pub(crate) fn operation_at(cloud: Cloud, index: u16) -> Option<&'static Operation> {
    cloud.operations().get(usize::from(index))
}

/// A pair of templates of one method that some raw path matches both: `winner` is chosen by the
/// priority rule (at the first segment where they differ, a literal beats a parameter).
#[derive(Debug, Clone, Copy)]
pub struct Overlap {
    /// The template the router picks.
    pub winner: &'static Operation,
    /// The template it shadows for such paths.
    pub loser: &'static Operation,
}

/// Every overlapping pair of templates, found when the table was generated.
///
/// ```
/// for o in ims_iam::overlaps() {
///     assert_eq!(o.winner.method(), o.loser.method());
/// }
/// ```
pub fn overlaps() -> impl Iterator<Item = Overlap> {
    OVERLAPS.iter().map(|&(w, l)| Overlap {
        winner: &operations()[usize::from(w)],
        loser: &operations()[usize::from(l)],
    })
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// The tokens `Method::parse` accepts, found the slow way: each method's own token.
    fn by_token(token: &str) -> Option<Method> {
        Method::ALL.into_iter().find(|m| m.as_str() == token)
    }

    #[test]
    fn every_token_parses_to_its_method_and_near_misses_do_not() {
        for method in Method::ALL {
            let token = method.as_str();
            assert_eq!(Method::parse(token), Some(method));
            assert_eq!(Method::parse(&token.to_lowercase()), None);
            assert_eq!(Method::parse(&token[1..]), None);
            assert_eq!(Method::parse(&token[..token.len() - 1]), None);
            assert_eq!(Method::parse(&format!("{token} ")), None);
        }
        for token in ["", "OPTIONS", "GETS", "PUTT", "HEAd", "PATCHX", "DELET"] {
            assert_eq!(Method::parse(token), None, "{token}");
        }
    }

    proptest! {
        #[test]
        fn parse_agrees_with_the_tokens(token in "[A-Z]{0,7}|[A-Za-z ]{0,7}|\\PC{0,7}") {
            prop_assert_eq!(Method::parse(&token), by_token(&token));
        }
    }
}
