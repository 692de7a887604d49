//! The router's options and entry points; the matching itself is the generated one-pass matcher.

use super::{RouteBuffer, RouteError, RouteMatch, fast, matcher};
use crate::matrix::{Cloud, Method};
use crate::quote::excerpt;

/// Routes one raw request with the default, strict [`Router`] (parameter formats checked).
///
/// `target` is the request-target as received: the path, optionally followed by `?` and a query.
/// See the [module documentation](mod@crate::route) for the rules.
///
/// ```
/// let m = ims_iam::route("GET", "/v2/0123456789abcdef0123456789abcdef/images/tags").unwrap();
/// assert_eq!(m.operation().template(), "/v2/{project_id}/images/tags");
/// assert_eq!(m.project_id(), Some("0123456789abcdef0123456789abcdef"));
///
/// assert_eq!(ims_iam::route("DELETE", "/v2/images/0b3b6d4e-8f0a-4c1e-9a57-3c0b8f6f2d11/").unwrap_err().kind(),
///            "empty_segment");
/// ```
#[inline]
pub fn route<'a>(method: &str, target: &'a str) -> Result<RouteMatch<'a>, RouteError> {
    Router::default().route(method, target)
}

/// Routing options. [`Router::default`] is strict: parameter formats are checked.
///
/// ```
/// use ims_iam::Router;
/// let strict = Router::default();
/// assert!(strict.checks_param_formats());
/// assert_eq!(strict.route("GET", "/v2/images/abc").unwrap_err().kind(), "invalid_param");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Router {
    check_formats: bool,
    cloud: Cloud,
}

impl Default for Router {
    fn default() -> Self {
        Router {
            check_formats: true,
            cloud: Cloud::default(),
        }
    }
}

impl Router {
    /// Relaxes every parameter to "any non-empty segment": `image_id` need not be a UUID,
    /// `project_id` and `member_id` need not be 32 hex characters. Every other rule still applies.
    ///
    /// This is for tools that look at paths with placeholder ids; a gateway that authorizes real
    /// requests should keep the default, which refuses malformed ids (fail closed).
    ///
    /// ```
    /// use ims_iam::Router;
    /// let relaxed = Router::default().accept_any_param_format();
    /// assert!(!relaxed.checks_param_formats());
    /// let m = relaxed.route("DELETE", "/v2/images/IMAGE/members/MEMBER").unwrap();
    /// assert_eq!(m.param("member_id"), Some("MEMBER"));
    /// ```
    #[must_use]
    pub fn accept_any_param_format(self) -> Self {
        Router {
            check_formats: false,
            ..self
        }
    }

    /// Routes to the rows of a cloud profile's table (the default: [`Cloud::default`]): the same
    /// templates, that profile's facts.
    ///
    /// ```
    /// use ims_iam::{Cloud, Router};
    /// let m = Router::default().with_cloud(Cloud::HuaweiCloud).route("GET", "/v1/cloudimages/quota").unwrap();
    /// assert_eq!(m.operation().cloud(), Cloud::HuaweiCloud);
    /// ```
    #[must_use]
    pub fn with_cloud(self, cloud: Cloud) -> Self {
        Router { cloud, ..self }
    }

    /// The cloud profile routed to.
    pub fn cloud(self) -> Cloud {
        self.cloud
    }

    /// Whether parameter formats are checked (the default).
    pub fn checks_param_formats(self) -> bool {
        self.check_formats
    }

    /// Routes one raw request: the method, then the whole target, then the templates of the
    /// method in priority order (see the [module documentation](mod@crate::route)).
    ///
    /// ```
    /// let m = ims_iam::Router::default()
    ///     .route("HEAD", "/v1/images/0b3b6d4e-8f0a-4c1e-9a57-3c0b8f6f2d11")
    ///     .unwrap();
    /// assert_eq!(m.operation().method(), ims_iam::Method::Head);
    /// ```
    /// Parameter values that need percent-decoding are kept in an owned copy; [`Router::route_in`]
    /// keeps them in a buffer of the caller's instead.
    #[inline]
    pub fn route<'a>(&self, method: &str, target: &'a str) -> Result<RouteMatch<'a>, RouteError> {
        self.route_with(method, target, &mut [])
    }

    /// Routes one raw request as [`Router::route`] does, keeping percent-decoded parameter values in
    /// `buffer` (a [`RouteBuffer`] holds [`RouteBuffer::CAPACITY`] bytes of them; more go to an owned
    /// copy), so that routing allocates nothing. This is the gateway's hot path; the buffer can be
    /// reused once the match is dropped.
    ///
    /// ```
    /// use ims_iam::{RouteBuffer, Router};
    ///
    /// let router = Router::default();
    /// let mut buffer = RouteBuffer::default();
    /// for (target, tag) in [
    ///     ("/v2/images/0b3b6d4e-8f0a-4c1e-9a57-3c0b8f6f2d11/tags/env", "env"),
    ///     ("/v2/images/0b3b6d4e-8f0a-4c1e-9a57-3c0b8f6f2d11/tags/a%2Fb", "a/b"),
    /// ] {
    ///     let m = router.route_in("DELETE", target, &mut buffer).unwrap();
    ///     assert_eq!(m.param("tag"), Some(tag));
    /// }
    /// ```
    #[inline]
    pub fn route_in<'a>(
        &self,
        method: &str,
        target: &'a str,
        buffer: &'a mut RouteBuffer,
    ) -> Result<RouteMatch<'a>, RouteError> {
        self.route_with(method, target, buffer.bytes())
    }

    /// Routes with decoded values going to `buffer` while they fit: the fast path first (formats
    /// checked, no `%`), then the one-pass matcher for everything it gives up on.
    #[inline(always)]
    fn route_with<'a>(
        &self,
        method: &str,
        target: &'a str,
        buffer: &'a mut [u8],
    ) -> Result<RouteMatch<'a>, RouteError> {
        let Some(method) = Method::parse(method) else {
            return Err(RouteError::UnknownMethod {
                method: excerpt(method),
            });
        };
        if self.check_formats {
            if let Some(m) = fast::route(method, target, self.cloud) {
                return Ok(m);
            }
        }
        let buffer = if self.check_formats && target.as_bytes().contains(&b'%') {
            match fast::route_escaped(method, target, self.cloud, buffer) {
                Ok(m) => return Ok(m),
                Err(buffer) => buffer,
            }
        } else {
            buffer
        };
        matcher::route(method, target, self.check_formats, self.cloud, buffer)
    }

    /// The one-pass matcher alone, without the fast path in front (for the tests that compare them).
    #[cfg(test)]
    pub(super) fn route_matcher_only<'a>(
        &self,
        method: Method,
        target: &'a str,
    ) -> Result<RouteMatch<'a>, RouteError> {
        matcher::route(method, target, self.check_formats, self.cloud, &mut [])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_longer_than_every_template_are_checked_then_not_found() {
        let err = route("GET", "/a/b/c/d/e/f/g/h/..").unwrap_err();
        assert_eq!(err.kind(), "dot_segment");
        let err = route("GET", "/a/b/c/d/e/f/g/h/i").unwrap_err();
        assert_eq!(err.kind(), "not_found");
    }
}
