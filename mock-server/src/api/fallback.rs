//! Answers for requests no endpoint serves, and the real server's CORS behaviour.

use axum::http::header::{
    ACCEPT_ENCODING, ACCESS_CONTROL_ALLOW_CREDENTIALS, ACCESS_CONTROL_ALLOW_HEADERS,
    ACCESS_CONTROL_ALLOW_METHODS, ACCESS_CONTROL_ALLOW_ORIGIN, ACCESS_CONTROL_MAX_AGE,
    ACCESS_CONTROL_REQUEST_HEADERS, ACCESS_CONTROL_REQUEST_METHOD, CONTENT_TYPE, COOKIE, ORIGIN,
    VARY,
};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::error::ApiError;

/// An unknown path. The real server serves its web UI's `index.html` to any unknown GET; the
/// mock has no UI and answers 404 `{"detail":"Not Found"}` (see `docs/differences.md`). Other
/// methods get the real server's 405. (HEAD never gets here: see `api::middleware::RealServer::head`.)
pub async fn unknown_path(method: Method) -> ApiError {
    if method == Method::GET {
        ApiError::RouteNotFound
    } else {
        ApiError::MethodNotAllowed
    }
}

const ALLOWED_METHODS: &str = "DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT";

/// The real server's compression middleware picks brotli when `br` appears anywhere in
/// `Accept-Encoding`, else gzip when `gzip` does (case-sensitive, q-values ignored); `None`
/// when the request asks for neither (or for nothing).
pub fn chosen_encoding(request: &HeaderMap) -> Option<&'static str> {
    let value = request.get(ACCEPT_ENCODING)?.as_bytes();
    let contains = |needle: &[u8]| value.windows(needle.len()).any(|w| w == needle);
    if contains(b"br") {
        Some("br")
    } else if contains(b"gzip") {
        Some("gzip")
    } else {
        None
    }
}

/// Starlette's `CORSMiddleware` as Argilla configures it (any origin, credentials allowed)
/// answers a preflight itself: this is that answer, or `None` for any other request.
pub fn preflight(method: &Method, request: &HeaderMap) -> Option<Response> {
    let origin = request.get(ORIGIN)?;
    let requested_method = request.get(ACCESS_CONTROL_REQUEST_METHOD)?;
    if method != Method::OPTIONS {
        return None;
    }
    // Starlette allows exactly these methods (case-sensitive) and refuses any other.
    let method_allowed = ALLOWED_METHODS
        .split(", ")
        .any(|a| a.as_bytes() == requested_method.as_bytes());
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
    headers.insert(ACCESS_CONTROL_ALLOW_ORIGIN, origin.clone());
    if let Some(requested) = request.get(ACCESS_CONTROL_REQUEST_HEADERS) {
        headers.insert(ACCESS_CONTROL_ALLOW_HEADERS, requested.clone());
    }
    Some(response)
}

/// The CORS headers of an answer to a request with an `Origin` (the API's, or a fault rule's),
/// so a browser client sees it as it would see the real server's.
pub fn cors_for_answer(request: &HeaderMap, answer: &mut HeaderMap) {
    if let Some(origin) = request.get(ORIGIN) {
        allow_origin(origin.clone(), request.contains_key(COOKIE), answer);
    }
}

/// With credentials (cookies) the origin must be echoed; without, Starlette sends `*`.
pub(super) fn allow_origin(origin: HeaderValue, has_cookie: bool, headers: &mut HeaderMap) {
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
