//! The tower layer.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use http::{Request, Response};
use tower_layer::Layer;
use tower_service::Service;

use super::answer::Rejection;
use super::authorizer::Authorizer;

/// A [`tower_layer::Layer`] that authorizes every request with an [`Authorizer`].
///
/// Allowed requests reach the inner service with an [`Authorized`](super::Authorized) extension;
/// the others are answered by the layer itself ([`Rejection::to_response`]: 400, 401 or 403 with a
/// JSON body) and never reach it. In shadow mode ([`Authorizer::dry_run`]) they reach it too, with the
/// [`Rejection`] as an extension instead. The response body type needs `From<String>` (hyper's
/// `Full<Bytes>`, axum's `Body`, `String`, ...).
///
/// ```
/// use std::convert::Infallible;
/// use std::sync::Arc;
/// use ims_iam::gateway::{AuthorizeLayer, Authorized, Authorizer, PolicyStore};
/// use tower_layer::Layer;
/// use tower_service::Service;
///
/// /// The protected service: says which API it was asked for.
/// #[derive(Clone)]
/// struct Ims;
/// impl Service<http::Request<()>> for Ims {
///     type Response = http::Response<String>;
///     type Error = Infallible;
///     type Future = std::future::Ready<Result<Self::Response, Infallible>>;
///     fn poll_ready(&mut self, _: &mut std::task::Context<'_>) -> std::task::Poll<Result<(), Infallible>> {
///         std::task::Poll::Ready(Ok(()))
///     }
///     fn call(&mut self, request: http::Request<()>) -> Self::Future {
///         let authorized = request.extensions().get::<Authorized>().unwrap();
///         std::future::ready(Ok(http::Response::new(authorized.operation().name().to_owned())))
///     }
/// }
///
/// let principals = ims_iam::Principals::from_json_with(r#"{"policies": {}, "groups": {"g": {}}}"#, |_| {
///     Ok(String::new())
/// })?;
/// let authorizer = Authorizer::new(Arc::new(PolicyStore::new(principals)));
/// let mut service = AuthorizeLayer::new(authorizer).layer(Ims);
///
/// // Without a runtime, for the example: the futures are ready at once.
/// let waker = std::task::Waker::noop();
/// let mut cx = std::task::Context::from_waker(waker);
/// let list = http::Request::get("/v2/cloudimages").header("X-User-Groups", "g").body(())?;
/// let mut future = std::pin::pin!(service.call(list));
/// let std::task::Poll::Ready(Ok(response)) = future.as_mut().poll(&mut cx) else { panic!() };
/// assert_eq!(response.status(), 403);
/// assert!(response.body().contains("IMSIAM.4031"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct AuthorizeLayer {
    authorizer: Arc<Authorizer>,
}

impl AuthorizeLayer {
    /// A layer deciding with `authorizer`.
    pub fn new(authorizer: Authorizer) -> AuthorizeLayer {
        AuthorizeLayer {
            authorizer: Arc::new(authorizer),
        }
    }

    /// A layer sharing an authorizer.
    pub fn from_arc(authorizer: Arc<Authorizer>) -> AuthorizeLayer {
        AuthorizeLayer { authorizer }
    }
}

impl<S> Layer<S> for AuthorizeLayer {
    type Service = Authorize<S>;

    fn layer(&self, inner: S) -> Authorize<S> {
        Authorize {
            inner,
            authorizer: Arc::clone(&self.authorizer),
        }
    }
}

/// The service [`AuthorizeLayer`] wraps around another.
#[derive(Debug, Clone)]
pub struct Authorize<S> {
    inner: S,
    authorizer: Arc<Authorizer>,
}

impl<S> Authorize<S> {
    /// The wrapped service.
    pub fn inner(&self) -> &S {
        &self.inner
    }
}

impl<S, ReqBody, ResBody> Service<Request<ReqBody>> for Authorize<S>
where
    S: Service<Request<ReqBody>, Response = Response<ResBody>>,
    ResBody: From<String>,
{
    type Response = Response<ResBody>;
    type Error = S::Error;
    type Future = ResponseFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: Request<ReqBody>) -> Self::Future {
        match self.authorizer.authorize_request(&request) {
            Ok(authorized) => {
                request.extensions_mut().insert(authorized);
                ResponseFuture {
                    state: State::Inner {
                        future: self.inner.call(request),
                    },
                }
            }
            Err(rejection) if !rejection.is_enforced() => {
                request.extensions_mut().insert(rejection);
                ResponseFuture {
                    state: State::Inner {
                        future: self.inner.call(request),
                    },
                }
            }
            Err(rejection) => ResponseFuture {
                state: State::Rejected { rejection },
            },
        }
    }
}

pin_project_lite::pin_project! {
    /// The future of [`Authorize`]: the inner service's, or the rejection.
    pub struct ResponseFuture<F> {
        #[pin]
        state: State<F>,
    }
}

pin_project_lite::pin_project! {
    #[project = StateProj]
    enum State<F> {
        Inner { #[pin] future: F },
        Rejected { rejection: Rejection },
    }
}

impl<F, ResBody, E> Future for ResponseFuture<F>
where
    F: Future<Output = Result<Response<ResBody>, E>>,
    ResBody: From<String>,
{
    type Output = Result<Response<ResBody>, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.project().state.project() {
            StateProj::Inner { future } => future.poll(cx),
            StateProj::Rejected { rejection } => Poll::Ready(Ok(rejection.to_response())),
        }
    }
}

impl<F> std::fmt::Debug for ResponseFuture<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ResponseFuture").finish_non_exhaustive()
    }
}
