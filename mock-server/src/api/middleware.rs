//! The real server's HTTP behaviour around the routes, in one place: HEAD, CORS, response
//! compression and `vary`, decided once per request.
//!
//! A plain `async fn` instead of a stack of tower middlewares: each layer boxed a future and
//! cloned the service below it on every request, and the compression layer wrapped every
//! body, also the small ones of clients that never ask for compression; the panic guard and
//! the body limit wrapped every route (see `docs/performance.md`).

use std::any::Any;

use axum::body::Body;
use axum::extract::{DefaultBodyLimit, Request};
use axum::http::header::{ACCEPT_ENCODING, CONTENT_ENCODING, COOKIE, ORIGIN, VARY};
use axum::http::{HeaderValue, Method};
use axum::response::{IntoResponse, Response};
use axum::Router;
use tower::{Layer, ServiceExt};
use tower_http::catch_panic::{CatchPanic, CatchPanicLayer, ResponseForPanic};
use tower_http::compression::predicate::SizeAbove;
use tower_http::compression::{Compression, CompressionLayer};

use super::fallback::{allow_origin, chosen_encoding, preflight};
use super::{argilla2, COMPRESS_FROM_BYTES};
use crate::error::ApiError;
use crate::profile::{Answerer, Profile};

/// The routes, behind one guard that turns a panic into a 500 in Argilla's envelope: a bug
/// costs one request, never the connection.
type Routes = CatchPanic<Router, PanicAnswer>;

/// The answer to a request whose handler panicked. A type of its own, not a function
/// pointer: the compiler cannot prove a future holding such a pointer `Send`.
#[derive(Debug, Clone, Copy)]
struct PanicAnswer;

impl ResponseForPanic for PanicAnswer {
    type ResponseBody = Body;

    fn response_for_panic(&mut self, _: Box<dyn Any + Send + 'static>) -> Response {
        ApiError::Internal(anyhow::anyhow!("the mock hit an internal error")).into_response()
    }
}

/// The routes behind the real server's middleware.
#[derive(Clone)]
pub struct RealServer {
    profile: Profile,
    /// For requests that ask for no compression: no compression wrapper at all.
    plain: Routes,
    /// 1.x compresses answers of [`COMPRESS_FROM_BYTES`] or more.
    compress_1x: Compression<Routes, SizeAbove>,
    /// 2.8 compresses any answer with a body.
    compress_2x: Compression<Routes, SizeAbove>,
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
        let routes: Routes = CatchPanicLayer::custom(PanicAnswer).layer(routes);
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
        self.profile.answerer(path) != Answerer::Argilla1
    }

    /// axum answers HEAD with a GET route's handler; neither real server does. 1.x has no HEAD
    /// routes at all (its web UI would answer; the mock's 404 is in docs/differences.md); 2.x
    /// answers 405 inside `/api/v1` and its web UI outside.
    fn head(&self, request: &Request) -> Response {
        match self.profile.answerer(request.uri().path()) {
            Answerer::Argilla2Api => {
                argilla2::fallback::unmatched(request.uri(), request.headers())
            }
            Answerer::Argilla1 => ApiError::RouteNotFound.into_response(),
            Answerer::Argilla2WebUi => argilla2::fallback::web_ui(&Method::HEAD),
        }
    }
}

impl RealServer {
    /// The answer to `request`, as the real server's middleware and routes give it.
    pub async fn answer(&self, mut request: Request) -> Response {
        if request.method() == Method::HEAD {
            return self.head(&request);
        }
        // Starlette's CORS middleware is outermost in the real server: it answers a preflight
        // before any route (so no `allow` header from the router), and decorates every answer
        // to a request with an `Origin`.
        if let Some(answer) = preflight(request.method(), request.headers()) {
            return answer;
        }
        let origin = request
            .headers()
            .get(ORIGIN)
            .map(|origin| (origin.clone(), request.headers().contains_key(COOKIE)));
        // The control layer has enforced the configured body limit; axum's own 2 MB default
        // must not apply a second, different one.
        DefaultBodyLimit::disable().apply(&mut request);
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
        let mut answer = match coding {
            None => into_response(self.plain.clone().oneshot(request).await),
            Some(_) => {
                let compressing = match self.is_2x(request.uri().path()) {
                    true => self.compress_2x.clone(),
                    false => self.compress_1x.clone(),
                };
                let mut answer = into_response(compressing.oneshot(request).await);
                // The compression layer adds `vary: Accept-Encoding` to every answer it could
                // have compressed; the real server only to those it compressed.
                if !answer.headers().contains_key(CONTENT_ENCODING) {
                    answer.headers_mut().remove(VARY);
                }
                answer
            }
        };
        if let Some((origin, has_cookie)) = origin {
            allow_origin(origin, has_cookie, answer.headers_mut());
        }
        answer
    }
}

fn into_response<B>(answer: Result<axum::http::Response<B>, std::convert::Infallible>) -> Response
where
    B: axum::body::HttpBody<Data = axum::body::Bytes> + Send + 'static,
    B::Error: Into<axum::BoxError>,
{
    match answer {
        Ok(response) => response.map(axum::body::Body::new),
        Err(never) => match never {},
    }
}
