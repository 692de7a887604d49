//! Embedding in HTTP gateways (feature `gateway`): authorize an [`http::Request`], a
//! [`tower` layer](AuthorizeLayer), a hot-reloading [`PolicyStore`] and structured decision logs.
//!
//! ```
//! use std::sync::Arc;
//! use ims_iam::gateway::{Authorizer, PolicyStore};
//! use ims_iam::Principals;
//!
//! let principals = Principals::from_json_with(
//!     r#"{"policies": {"read": "read.json"},
//!         "groups": {"readers": {"attachments": [{"policy": "read"}]}}}"#,
//!     |_| Ok(r#"{"Version":"1.1","Statement":[{"Effect":"Allow","Action":["ims:*:get*","ims:*:list*"]}]}"#.into()),
//! )?;
//! let authorizer = Authorizer::new(Arc::new(PolicyStore::new(principals)));
//!
//! let request = http::Request::get("/v2/cloudimages?limit=10")
//!     .header("X-User-Name", "carol")
//!     .header("X-User-Groups", "readers")
//!     .body(())?;
//! let authorized = authorizer.authorize_request(&request).map_err(|r| r.to_string())?;
//! assert_eq!(authorized.operation().template(), "/v2/cloudimages");
//!
//! let delete = http::Request::delete("/v2/images/0b3b6d4e-8f0a-4c1e-9a57-3c0b8f6f2d11")
//!     .header("X-User-Name", "carol")
//!     .header("X-User-Groups", "readers")
//!     .body(())?;
//! let rejection = authorizer.authorize_request(&delete).unwrap_err();
//! assert_eq!(rejection.status(), http::StatusCode::FORBIDDEN);
//! assert_eq!(rejection.error_code(), "IMSIAM.4031");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Identity comes from trusted headers
//!
//! ims-iam does not authenticate. The layer in front (an API gateway that validated a token, a
//! signature or a client certificate) states who the caller is in request headers, by default:
//!
//! | header | meaning | becomes |
//! |---|---|---|
//! | `X-User-Name` | the user name | the principal; `g:UserName` |
//! | `X-User-Groups` | the user's groups, comma-separated | groups of the principals file that apply |
//! | `X-User-Id` | the user id | `g:UserId` |
//! | `X-Domain-Name` | the account (domain) name | `g:DomainName` |
//! | `X-Project-Id` | the IAM project of the request (when the path has none) | the request's project |
//! | `X-Enterprise-Project-Id` | the enterprise project of the resource | the request's enterprise project |
//! | `X-Request-Id` | a request id for the logs | logged, echoed in error bodies |
//!
//! **These headers are trusted blindly.** The layer in front MUST set or remove every one of them on
//! every request, overwriting whatever the client sent; a client that can pass `X-User-Name` through
//! can be anyone. (With nginx `auth_request`: `proxy_pass_request_headers off` in the auth location and
//! one `proxy_set_header` per header, see the README, "Putting ims-iam in front of an IMS endpoint".) A header given twice is refused
//! (400), never merged, so that an appended copy cannot confuse the two layers. Change the names with
//! [`IdentityHeaders`].
//!
//! `g:CurrentTime` is the time of the decision. `g:SourceIp` is, per [`SourceIp`], the connection's peer
//! (the [`PeerAddr`] extension your server inserts) or a header the proxy in front sets.
//!
//! # Answers
//!
//! An allowed request passes on with an [`Authorized`] extension. Everything else is a [`Rejection`]
//! with a JSON body in the cloud's API-gateway error style, `{"error_code": "...", "error_msg": "...",
//! "request_id": "..."}`:
//!
//! | status | `error_code` | when |
//! |---|---|---|
//! | 400 | `IMSIAM.4000` | the method and target route to no documented API or are malformed (`dot_segment`, `not_found`, ...) |
//! | 400 | `IMSIAM.4001` | an identity header is duplicated, not visible ASCII, lists too many groups, or is over the [`ContextLimits`](crate::ContextLimits) (`limit_exceeded`, e.g. a user name of more than 4,096 bytes) |
//! | 400 | `IMSIAM.4002` | the request cannot be decided (`project_mismatch`, `situation_required`) |
//! | 400 | `IMSIAM.4003` | (`ims-iam serve`) the gateway did not say which request to authorize |
//! | 401 | `IMSIAM.4010` | no user name and no group: the layer in front did not authenticate the caller |
//! | 403 | `IMSIAM.4030` | an explicit deny |
//! | 403 | `IMSIAM.4031` | an implicit deny: no statement allows a required action |
//!
//! # Decision logs
//!
//! Every decision, allowed or not, is one `tracing` event at level INFO with target
//! [`DECISION_TARGET`] (`ims_iam::decision`) and the fields `time`, `decision_id` (a [`DecisionId`], also
//! in the answer's `X-Decision-Id` header and error body), `enforced` (`false` in shadow mode,
//! [`Authorizer::dry_run`]), `request_id`, `principal`, `groups`, `method`, `request_target` (as
//! received; with `method`, what `ims-iam generate --from log` replays), `template`, `operation`,
//! `decision`, `reason`, `status`, `error_code`, `error_kind`, `deciding` (the deciding statements,
//! `policy#index(Sid)`), `revision` (of the policy set), `source_ip` and `project`. When that event is
//! enabled the decision is explained (to name the deciding statements); when it is filtered out the fast
//! path runs. Reloads are logged with target `ims_iam::reload`.

mod answer;
mod authorizer;
mod decision_id;
mod identity;
mod layer;
mod log;
mod store;

pub use answer::{Authorized, Rejection};
pub use authorizer::Authorizer;
pub use decision_id::DecisionId;
pub use identity::{IdentityHeaders, MAX_GROUPS, PeerAddr, SourceIp};
pub use layer::{Authorize, AuthorizeLayer, ResponseFuture};
pub use log::DECISION_TARGET;
pub use store::{PolicyStore, RELOAD_TARGET, ReloadError, Snapshot, Watcher};
