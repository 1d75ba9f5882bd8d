//! Answers for requests no endpoint serves, and the real server's CORS behaviour.

use axum::extract::Request;
use axum::http::header::{
    ACCEPT_ENCODING, ACCESS_CONTROL_ALLOW_CREDENTIALS, ACCESS_CONTROL_ALLOW_HEADERS,
    ACCESS_CONTROL_ALLOW_METHODS, ACCESS_CONTROL_ALLOW_ORIGIN, ACCESS_CONTROL_MAX_AGE,
    ACCESS_CONTROL_REQUEST_HEADERS, ACCESS_CONTROL_REQUEST_METHOD, CONTENT_ENCODING, CONTENT_TYPE,
    COOKIE, ORIGIN, VARY,
};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::ApiError;

/// An unknown path. The real server serves its web UI's `index.html` to any unknown GET; the
/// mock has no UI and answers 404 `{"detail":"Not Found"}` (see `docs/differences.md`). Other
/// methods get the real server's 405. (HEAD never gets here: see `api::head_is_not_routed`.)
pub async fn unknown_path(method: Method) -> ApiError {
    if method == Method::GET {
        ApiError::RouteNotFound
    } else {
        ApiError::MethodNotAllowed
    }
}

const ALLOWED_METHODS: &str = "DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT";

/// The real server's compression middleware picks brotli when `br` appears anywhere in
/// `Accept-Encoding`, else gzip when `gzip` does (case-sensitive, q-values ignored). Rewriting
/// the header to that one choice makes the standard compression layer answer the same way.
pub async fn accept_encoding_as_the_real_server(mut request: Request, next: Next) -> Response {
    let chosen = request.headers().get(ACCEPT_ENCODING).map(|value| {
        let value = value.as_bytes();
        let contains = |needle: &[u8]| value.windows(needle.len()).any(|w| w == needle);
        if contains(b"br") {
            Some("br")
        } else if contains(b"gzip") {
            Some("gzip")
        } else {
            None
        }
    });
    match chosen {
        Some(Some(coding)) => {
            request
                .headers_mut()
                .insert(ACCEPT_ENCODING, HeaderValue::from_static(coding));
        }
        Some(None) => {
            request.headers_mut().remove(ACCEPT_ENCODING);
        }
        None => {}
    }
    next.run(request).await
}

/// The real server sends `vary: Accept-Encoding` only on the answers it compressed; the
/// compression layer adds it to every answer it could have compressed.
pub async fn vary_only_when_compressed(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    if !response.headers().contains_key(CONTENT_ENCODING) {
        response.headers_mut().remove(VARY);
    }
    response
}

/// Starlette's `CORSMiddleware` as Argilla configures it (any origin, credentials allowed).
/// A preflight is answered here; other requests with an `Origin` get the allow headers.
pub async fn cors(request: Request, next: Next) -> Response {
    let Some(origin) = request.headers().get(ORIGIN).cloned() else {
        return next.run(request).await;
    };
    let is_preflight = request.method() == Method::OPTIONS
        && request
            .headers()
            .contains_key(ACCESS_CONTROL_REQUEST_METHOD);
    if is_preflight {
        let requested_headers = request
            .headers()
            .get(ACCESS_CONTROL_REQUEST_HEADERS)
            .cloned();
        // Starlette allows exactly these methods (case-sensitive) and refuses any other.
        let method_allowed = request
            .headers()
            .get(ACCESS_CONTROL_REQUEST_METHOD)
            .is_some_and(|m| {
                ALLOWED_METHODS
                    .split(", ")
                    .any(|a| a.as_bytes() == m.as_bytes())
            });
        let mut response = if method_allowed {
            "OK".into_response()
        } else {
            (StatusCode::BAD_REQUEST, "Disallowed CORS method").into_response()
        };
        let headers = response.headers_mut();
        headers.insert(
            CONTENT_TYPE,
            HeaderValue::from_static("text/plain; charset=utf-8"),
        );
        headers.insert(VARY, HeaderValue::from_static("Origin"));
        headers.insert(
            ACCESS_CONTROL_ALLOW_METHODS,
            HeaderValue::from_static(ALLOWED_METHODS),
        );
        headers.insert(ACCESS_CONTROL_MAX_AGE, HeaderValue::from_static("600"));
        headers.insert(
            ACCESS_CONTROL_ALLOW_CREDENTIALS,
            HeaderValue::from_static("true"),
        );
        headers.insert(ACCESS_CONTROL_ALLOW_ORIGIN, origin);
        if let Some(requested) = requested_headers {
            headers.insert(ACCESS_CONTROL_ALLOW_HEADERS, requested);
        }
        return response;
    }
    let has_cookie = request.headers().contains_key(COOKIE);
    let mut response = next.run(request).await;
    allow_origin(origin, has_cookie, response.headers_mut());
    response
}

/// The CORS headers of an answer made outside the API router (a fault rule's), so a browser
/// client sees it as it would see the real server's.
pub fn cors_for_answer(request: &HeaderMap, answer: &mut HeaderMap) {
    if let Some(origin) = request.get(ORIGIN) {
        allow_origin(origin.clone(), request.contains_key(COOKIE), answer);
    }
}

/// With credentials (cookies) the origin must be echoed; without, Starlette sends `*`.
fn allow_origin(origin: HeaderValue, has_cookie: bool, headers: &mut HeaderMap) {
    let allow_origin = if has_cookie {
        headers.append(VARY, HeaderValue::from_static("Origin"));
        origin
    } else {
        HeaderValue::from_static("*")
    };
    headers.insert(ACCESS_CONTROL_ALLOW_ORIGIN, allow_origin);
    headers.insert(
        ACCESS_CONTROL_ALLOW_CREDENTIALS,
        HeaderValue::from_static("true"),
    );
}
