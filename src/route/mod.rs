//! Routing a raw request to the documented API it calls.
//!
//! [`route`] takes the method and the request-target exactly as received (path plus optional query)
//! and returns the matched row of the permission matrix ([`Operation`]) with the decoded path
//! parameters, or a [`RouteError`] that says what is wrong and where. A request is never routed to a
//! different API than the one its bytes name.
//!
//! # Rules, in the order they are applied
//!
//! 1. The method is an exact, case-sensitive token of an IMS API: `GET`, `HEAD`, `POST`, `PUT`,
//!    `PATCH`, `DELETE` (`get` is `unknown_method`). Each method routes only to its own templates
//!    (`HEAD` does not fall back to `GET`).
//! 2. The whole target (query included) is checked before anything is matched: it must not be empty,
//!    must be at most [`MAX_TARGET_LEN`] bytes, must start with `/` (absolute-form `http://host/...`
//!    and `*` are refused), and must not contain `#`, control characters, spaces, `\` or bytes
//!    outside ASCII: a correct client percent-encodes those. (`\` is refused because some front ends
//!    read it as `/`, which would split a segment that this router sees as one.)
//! 3. The query, from the first `?` on, is ignored.
//! 4. The path is split on literal `/` **before** any percent-decoding, so `a%2Fb` is one segment and
//!    `a/b` two. `/` alone is the root path (no segment). Every segment of the path is then checked,
//!    whether or not some template could match it: no empty segment (`//`, a trailing `/`), no dot
//!    segment (`.`, `..`, raw or percent-encoded like `%2e` or `.%2E`), every `%` followed by two hex
//!    digits, the decoded bytes UTF-8 without control characters. Values are decoded exactly once
//!    (`%252e` is the three characters `%2e`).
//! 5. A literal template segment matches only the same raw bytes (`%69mages` is not `images`); a
//!    `{param}` matches exactly one segment, whose decoded value becomes the parameter's value.
//! 6. Priority: when several templates of a method match a path, the first one in routing order
//!    wins: fewer segments first, then, at the first segment where two templates differ, a literal
//!    beats a parameter. The overlapping pairs are listed by [`overlaps`](crate::overlaps()).
//! 7. Parameter formats are checked (fail closed): `image_id` must be a UUID, `project_id` and
//!    `member_id` 32 hexadecimal characters (see [`ParamFormat`](crate::ParamFormat)). A path that
//!    matches a template but whose parameter fails its format is refused with `invalid_param`; it is
//!    never tried against a lower-priority template. [`Router::accept_any_param_format`] relaxes the
//!    check to "any non-empty segment".
//!
//! The result borrows the target. Values that had to be percent-decoded live in a [`RouteBuffer`]
//! that the caller provides ([`Router::route_in`], the gateway's hot path: no allocation), or in an
//! owned copy ([`route`], [`Router::route`]: one allocation, only when a parameter has a `%`).
//!
//! ```
//! use ims_iam::{route, Router};
//!
//! let m = route("PUT", "/v2/images/0b3b6d4e-8f0a-4c1e-9a57-3c0b8f6f2d11/tags/a%2Fb?x=1").unwrap();
//! assert_eq!(m.operation().template(), "/v2/images/{image_id}/tags/{tag}");
//! assert_eq!(m.param("tag"), Some("a/b"));
//!
//! // A Glance-style raw slash makes two segments: no tag API has that shape.
//! let err = route("PUT", "/v2/images/0b3b6d4e-8f0a-4c1e-9a57-3c0b8f6f2d11/tags/a/b").unwrap_err();
//! assert_eq!(err.kind(), "not_found");
//!
//! // Formats are checked unless relaxed visibly.
//! assert_eq!(route("GET", "/v2/images/my-image").unwrap_err().kind(), "invalid_param");
//! let relaxed = Router::default().accept_any_param_format();
//! assert_eq!(relaxed.route("GET", "/v2/images/my-image").unwrap().param("image_id"), Some("my-image"));
//! ```

mod buffer;
#[cfg(test)]
mod differential;
mod error;
mod escaped;
mod fast;
mod fast_bytes;
#[cfg(test)]
mod fast_differential;
mod matcher;
mod params;
#[cfg(test)]
mod reference;
mod router;
mod target;

pub use buffer::RouteBuffer;
pub use error::RouteError;
pub use params::{Params, RouteMatch};
pub use router::{Router, route};
pub use target::MAX_TARGET_LEN;
