//! The real server's HTTP behaviour around the routes, in one service: HEAD, CORS, response
//! compression and `vary`, decided once per request.
//!
//! One hand-written service instead of a stack of `from_fn` middlewares: each of those boxed
//! a future and cloned the service below it on every request, and the compression layer
//! wrapped every body, also the small ones of clients that never ask for compression (see
//! `docs/performance.md`).

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use axum::extract::Request;
use axum::http::header::{ACCEPT_ENCODING, CONTENT_ENCODING, COOKIE, ORIGIN, VARY};
use axum::http::{HeaderValue, Method};
use axum::response::{IntoResponse, Response};
use axum::Router;
use tower::{Layer, Service, ServiceExt};
use tower_http::compression::predicate::SizeAbove;
use tower_http::compression::{Compression, CompressionLayer};

use super::fallback::{allow_origin, chosen_encoding, preflight};
use super::{v2, COMPRESS_FROM_BYTES};
use crate::error::ApiError;
use crate::profile::Profile;

/// The routes behind the real server's middleware.
#[derive(Clone)]
pub struct RealServer {
    profile: Profile,
    /// For requests that ask for no compression: no compression wrapper at all.
    plain: Router,
    /// 1.x compresses answers of [`COMPRESS_FROM_BYTES`] or more.
    compress_1x: Compression<Router, SizeAbove>,
    /// 2.8 compresses any answer with a body.
    compress_2x: Compression<Router, SizeAbove>,
}

impl std::fmt::Debug for RealServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RealServer")
            .field("profile", &self.profile)
            .finish_non_exhaustive()
    }
}

impl RealServer {
    pub fn new(profile: Profile, routes: Router) -> RealServer {
        let compression = |threshold: u16| {
            CompressionLayer::new()
                .gzip(true)
                .br(true)
                .compress_when(SizeAbove::new(threshold))
                .layer(routes.clone())
        };
        RealServer {
            profile,
            compress_1x: compression(COMPRESS_FROM_BYTES),
            compress_2x: compression(1),
            plain: routes,
        }
    }

    /// Whether 2.x answers this path: `/api/v1/…` when 2.x is served, and every path under
    /// the 2.x profile.
    fn is_2x(&self, path: &str) -> bool {
        self.profile.serves_v2() && (v2::fallback::owns(path) || !self.profile.serves_v1())
    }

    /// axum answers HEAD with a GET route's handler; neither real server does. 1.x has no HEAD
    /// routes at all (its web UI would answer; the mock's 404 is in docs/differences.md); 2.x
    /// answers 405 inside `/api/v1` and its web UI outside.
    fn head(&self, request: &Request) -> Response {
        let path = request.uri().path();
        if self.profile.serves_v2() && v2::fallback::owns(path) {
            v2::fallback::unmatched(request.uri(), request.headers())
        } else if self.profile.serves_v1() {
            ApiError::RouteNotFound.into_response()
        } else {
            v2::fallback::web_ui(&Method::HEAD)
        }
    }
}

impl Service<Request> for RealServer {
    type Response = Response;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Response, Infallible>> + Send>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        // Routers are always ready; the one a request needs is cloned for it below.
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, mut request: Request) -> Self::Future {
        if request.method() == Method::HEAD {
            let answer = self.head(&request);
            return Box::pin(async move { Ok(answer) });
        }
        // Starlette's CORS middleware is outermost in the real server: it answers a preflight
        // before any route (so no `allow` header from the router), and decorates every answer
        // to a request with an `Origin`.
        if let Some(answer) = preflight(request.method(), request.headers()) {
            return Box::pin(async move { Ok(answer) });
        }
        let origin = request
            .headers()
            .get(ORIGIN)
            .map(|origin| (origin.clone(), request.headers().contains_key(COOKIE)));
        // The compression layer below sees only the one coding the real server would pick.
        let coding = chosen_encoding(request.headers());
        let headers = request.headers_mut();
        match coding {
            Some(coding) => {
                headers.insert(ACCEPT_ENCODING, HeaderValue::from_static(coding));
            }
            None => {
                headers.remove(ACCEPT_ENCODING);
            }
        }
        let route = match coding {
            None => Route::Plain(self.plain.clone()),
            Some(_) if self.is_2x(request.uri().path()) => {
                Route::Compressing(self.compress_2x.clone())
            }
            Some(_) => Route::Compressing(self.compress_1x.clone()),
        };
        Box::pin(async move {
            let mut answer = match route {
                Route::Plain(plain) => into_response(plain.oneshot(request).await),
                Route::Compressing(compressing) => {
                    let mut answer = into_response(compressing.oneshot(request).await);
                    // The compression layer adds `vary: Accept-Encoding` to every answer it
                    // could have compressed; the real server only to those it compressed.
                    if !answer.headers().contains_key(CONTENT_ENCODING) {
                        answer.headers_mut().remove(VARY);
                    }
                    answer
                }
            };
            if let Some((origin, has_cookie)) = origin {
                allow_origin(origin, has_cookie, answer.headers_mut());
            }
            Ok(answer)
        })
    }
}

/// Which of the routers a request goes to.
enum Route {
    Plain(Router),
    Compressing(Compression<Router, SizeAbove>),
}

fn into_response<B>(answer: Result<axum::http::Response<B>, Infallible>) -> Response
where
    B: axum::body::HttpBody<Data = axum::body::Bytes> + Send + 'static,
    B::Error: Into<axum::BoxError>,
{
    match answer {
        Ok(response) => response.map(axum::body::Body::new),
        Err(never) => match never {},
    }
}
