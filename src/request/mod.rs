//! The request: what is decided. A routed operation, the caller's [`Context`] and whose attachments
//! apply ([`Owners`]).
//!
//! [`Context::from_untrusted`] is the one way input the library does not control (command-line
//! arguments, decision-test files, gateway headers) becomes a context: bounded by [`ContextLimits`].

mod context;
mod limits;

pub use context::Context;
pub use limits::{ContextError, ContextLimits};

use crate::matrix::Operation;
use crate::route::RouteMatch;

/// Who owns an attachment of a compiled policy set: a group or a user of a principals file, or
/// [`Owner::EVERYONE`] for the attachments of a set built from plain policies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct Owner(pub(crate) u32);

impl Owner {
    /// The owner of every attachment of [`PolicySet::new`](crate::PolicySet::new): whoever asks.
    pub(crate) const EVERYONE: Owner = Owner(u32::MAX);
}

/// Whose attachments apply to a [`Request`]: by default those of a set built from plain policies
/// ([`PolicySet::new`](crate::PolicySet::new)); for a principals file, those of one caller's groups and
/// user ([`Caller::owners`](crate::Caller::owners)). A request for nobody in particular sees no group's
/// or user's attachment, so it is implicitly denied by a principals file's set.
///
/// ```
/// use ims_iam::{route, Context, Owners, Request};
/// let put = route("PUT", "/v2/images/0b3b6d4e-8f0a-4c1e-9a57-3c0b8f6f2d11/tags/env")?;
/// let ctx = Context::default();
/// let request = Request::new(&put, &ctx).with_owners(Owners::default());
/// assert_eq!(request.operation().template(), "/v2/images/{image_id}/tags/{tag}");
/// # Ok::<(), ims_iam::RouteError>(())
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct Owners<'a> {
    /// `None`: [`Owner::EVERYONE`]. Else two sorted lists whose union is the owners.
    listed: Option<[&'a [Owner]; 2]>,
}

impl<'a> Owners<'a> {
    /// The owners in two sorted lists (either may be empty).
    pub(crate) fn listed(first: &'a [Owner], second: &'a [Owner]) -> Owners<'a> {
        Owners {
            listed: Some([first, second]),
        }
    }

    /// Whether the attachments of `owner` apply.
    #[inline]
    pub(crate) fn contains(self, owner: Owner) -> bool {
        match self.listed {
            None => owner == Owner::EVERYONE,
            Some(lists) => lists.iter().any(|l| l.binary_search(&owner).is_ok()),
        }
    }

    /// The owners, `None` meaning [`Owner::EVERYONE`] (each listed owner once per list it is in).
    #[inline]
    pub(crate) fn lists(self) -> Option<[&'a [Owner]; 2]> {
        self.listed
    }
}

/// A request to decide: the routed API, the caller's [`Context`] and whose attachments apply.
/// [`PolicySet::authorize`](crate::PolicySet::authorize) and
/// [`PolicySet::explain`](crate::PolicySet::explain) decide it.
///
/// The request's project is the path's `{project_id}` when the template has one, else the context's;
/// when both are given and differ, the request is an error (never an allow).
///
/// ```
/// use ims_iam::{route, Context, Request};
/// let list = route("GET", "/v2/cloudimages?limit=10")?;
/// let ctx = Context::default().with_project("0123456789abcdef0123456789abcdef");
/// let request = Request::new(&list, &ctx);
/// assert_eq!(request.context().project(), Some("0123456789abcdef0123456789abcdef"));
/// # Ok::<(), ims_iam::RouteError>(())
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    operation: &'static Operation,
    path_project: PathProject<'a>,
    context: &'a Context<'a>,
    owners: Owners<'a>,
}

/// Where the path's `{project_id}` comes from (read from the route only when deciding).
#[derive(Debug, Clone, Copy)]
enum PathProject<'a> {
    Route(&'a RouteMatch<'a>),
    Given(Option<&'a str>),
}

impl<'a> Request<'a> {
    /// A routed request with its context, deciding over a set built from plain policies.
    #[inline]
    pub fn new(route: &'a RouteMatch<'a>, context: &'a Context<'a>) -> Request<'a> {
        Request {
            operation: route.operation(),
            path_project: PathProject::Route(route),
            context,
            owners: Owners::default(),
        }
    }

    /// A request for `operation` whose path gave `path_project` as `{project_id}` (if its template has
    /// one), for callers that know the operation without routing a target.
    ///
    /// ```
    /// use ims_iam::{operations, Context, Request};
    /// let list = operations().iter().find(|o| o.template() == "/v2/cloudimages").unwrap();
    /// let ctx = Context::default();
    /// let request = Request::for_operation(list, None, &ctx);
    /// assert_eq!(request.operation().name(), list.name());
    /// ```
    #[inline]
    pub fn for_operation(
        operation: &'static Operation,
        path_project: Option<&'a str>,
        context: &'a Context<'a>,
    ) -> Request<'a> {
        Request {
            operation,
            path_project: PathProject::Given(path_project),
            context,
            owners: Owners::default(),
        }
    }

    /// Decides over the attachments of these owners (a caller of a principals file:
    /// [`Caller::owners`](crate::Caller::owners)).
    #[inline]
    #[must_use]
    pub fn with_owners(mut self, owners: Owners<'a>) -> Request<'a> {
        self.owners = owners;
        self
    }

    /// The documented API.
    #[inline]
    pub fn operation(&self) -> &'static Operation {
        self.operation
    }

    /// The path's `{project_id}`, if its template has one.
    #[inline]
    pub fn path_project(&self) -> Option<&'a str> {
        match self.path_project {
            PathProject::Route(route) => route.project_id(),
            PathProject::Given(project) => project,
        }
    }

    /// The caller's context.
    #[inline]
    pub fn context(&self) -> &'a Context<'a> {
        self.context
    }

    /// Whose attachments apply.
    #[inline]
    pub(crate) fn owners(&self) -> Owners<'a> {
        self.owners
    }
}
