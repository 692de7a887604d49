//! The request context: who asks, where, and the values of condition keys.

use time::OffsetDateTime;

use crate::fold::eq_folded;
use crate::matrix::Situation;

/// What the caller knows about a request beyond its method and path: the IAM project and enterprise
/// project it targets, condition-key values (`g:SourceIp`, `g:MFAPresent`, ...), the situations that make
/// conditional required actions count, and the evaluation time.
///
/// Key names are compared without regard to ASCII case. A key given more than once is multi-valued.
/// The context borrows its strings, so a gateway can build one per request from its own buffers.
///
/// The first [`Context::INLINE_VALUES`] values are kept inline, so building a context with a handful of
/// values allocates nothing; further values spill to the heap.
///
/// ```
/// use ims_iam::{Context, Situation};
/// let ctx = Context::default()
///     .with_project("0123456789abcdef0123456789abcdef")
///     .with_value("g:SourceIp", "10.1.2.3")
///     .with_value("g:TagKeys", "env")
///     .with_value("g:TagKeys", "team")
///     .with_situation(Situation::EnterpriseProjectsEnabled);
/// assert_eq!(ctx.values("G:TAGKEYS").count(), 2);
/// assert!(ctx.has_situation(Situation::EnterpriseProjectsEnabled));
/// ```
#[derive(Clone, Default)]
pub struct Context<'a> {
    /// The first values, in the order given; `inline[..len]` are set.
    inline: [(&'a str, &'a str); Context::INLINE_VALUES],
    len: usize,
    /// The values past the inline ones (empty, so not allocated, until then).
    spilled: Vec<(&'a str, &'a str)>,
    project: Option<&'a str>,
    enterprise_project: Option<&'a str>,
    situations: u8,
    now: Option<OffsetDateTime>,
}

impl std::fmt::Debug for Context<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Context")
            .field("values", &self.entries().collect::<Vec<_>>())
            .field("project", &self.project)
            .field("enterprise_project", &self.enterprise_project)
            .field("situations", &self.situations)
            .field("now", &self.now)
            .finish()
    }
}

impl<'a> Context<'a> {
    /// How many key values a context holds without allocating (8); more are kept on the heap.
    ///
    /// ```
    /// assert_eq!(ims_iam::Context::INLINE_VALUES, 8);
    /// ```
    pub const INLINE_VALUES: usize = 8;

    /// Adds a value for a condition key (repeat the key for a multi-valued key).
    #[inline]
    pub fn with_value(mut self, key: &'a str, value: &'a str) -> Self {
        self.push_value(key, value);
        self
    }

    /// Adds a value for a condition key, in place.
    #[inline]
    pub fn push_value(&mut self, key: &'a str, value: &'a str) {
        match self.inline.get_mut(self.len) {
            Some(slot) => {
                *slot = (key, value);
                self.len += 1;
            }
            None => self.spilled.push((key, value)),
        }
    }

    /// Every `(key, value)` pair, in the order given.
    fn entries(&self) -> impl Iterator<Item = &(&'a str, &'a str)> {
        self.inline
            .get(..self.len)
            .unwrap_or_default()
            .iter()
            .chain(&self.spilled)
    }

    /// The `(key, value)` pairs kept inline, in the order given (they come before the spilled ones).
    #[inline]
    pub(crate) fn inline_entries(&self) -> &[(&'a str, &'a str)] {
        self.inline.get(..self.len).unwrap_or_default()
    }

    /// The `(key, value)` pairs past the inline ones, in the order given.
    #[inline]
    pub(crate) fn spilled_entries(&self) -> impl Iterator<Item = (&'a str, &'a str)> + '_ {
        self.spilled.iter().copied()
    }

    /// The IAM project the request targets, when its path has no `{project_id}`.
    #[inline]
    pub fn with_project(mut self, project: &'a str) -> Self {
        self.project = Some(project);
        self
    }

    /// The enterprise project of the resource the request acts on.
    #[inline]
    pub fn with_enterprise_project(mut self, enterprise_project: &'a str) -> Self {
        self.enterprise_project = Some(enterprise_project);
        self
    }

    /// Says that a documented situation holds, so the actions conditional on it are required.
    #[inline]
    pub fn with_situation(mut self, situation: Situation) -> Self {
        self.situations |= situation.bit();
        self
    }

    /// Pins the evaluation time (`g:CurrentTime`); by default it is read from the clock when needed.
    #[inline]
    pub fn with_current_time(mut self, now: OffsetDateTime) -> Self {
        self.now = Some(now);
        self
    }

    /// The values of a key (names compared by Unicode simple case folding), in the order given; none
    /// when the key is absent.
    pub fn values<'s>(&'s self, key: &'s str) -> impl Iterator<Item = &'a str> + 's {
        self.entries()
            .filter(move |(k, _)| eq_folded(k, key))
            .map(|(_, v)| *v)
    }

    /// Whether the key has at least one value.
    pub fn contains(&self, key: &str) -> bool {
        self.entries().any(|(k, _)| eq_folded(k, key))
    }

    /// The project given by the caller.
    pub fn project(&self) -> Option<&'a str> {
        self.project
    }

    /// The enterprise project given by the caller.
    pub fn enterprise_project(&self) -> Option<&'a str> {
        self.enterprise_project
    }

    /// Whether the caller said the situation holds.
    pub fn has_situation(&self, situation: Situation) -> bool {
        self.situations & situation.bit() != 0
    }

    /// The pinned evaluation time, if any.
    pub fn current_time(&self) -> Option<OffsetDateTime> {
        self.now
    }
}
