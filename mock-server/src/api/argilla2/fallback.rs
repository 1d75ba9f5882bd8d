//! What argilla-server 2.8 answers where no 2.x route serves a request.
//!
//! Inside `/api/v1`: a path a route serves with another method is 405 with `allow` naming the
//! method of the first such route (FastAPI routes take one method each, and HEAD is not added
//! to GET routes); a path with a trailing slash that a route serves without it is a 307 to it;
//! anything else is 404. Outside `/api/v1` the real server serves its web UI: `index.html` for
//! any GET, 405 for other methods.

use std::sync::OnceLock;

use axum::http::header::{CONTENT_TYPE, HOST, LOCATION};
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};

use crate::error::ApiError;

/// The 2.x routes, `(method, path template)`, in the real server's order.
fn table() -> &'static [(Method, &'static str)] {
    static TABLE: OnceLock<Vec<(Method, &'static str)>> = OnceLock::new();
    TABLE.get_or_init(|| super::routes().routes().to_vec())
}

/// Whether a template (`/api/v1/users/{user_id}`) matches a path: `{…}` takes one non-empty
/// segment, as Starlette's default convertor does.
fn matches(template: &str, path: &str) -> bool {
    let mut t = template.split('/');
    let mut p = path.split('/');
    loop {
        match (t.next(), p.next()) {
            (None, None) => return true,
            (Some(pattern), Some(segment)) => {
                let is_param = pattern.starts_with('{') && pattern.ends_with('}');
                if !(is_param && !segment.is_empty() || pattern == segment) {
                    return false;
                }
            }
            _ => return false,
        }
    }
}

/// The answer for a request inside `/api/v1` that no route took (wrong method, HEAD, unknown).
pub fn unmatched(uri: &Uri, headers: &HeaderMap) -> Response {
    let path = uri.path();
    if let Some((method, _)) = table().iter().find(|(_, template)| matches(template, path)) {
        return ApiError::MethodNotAllowedAllow(method.to_string()).into_response();
    }
    if let Some(stripped) = path.strip_suffix('/').filter(|p| !p.is_empty()) {
        if table()
            .iter()
            .any(|(_, template)| matches(template, stripped))
        {
            let host = headers
                .get(HOST)
                .and_then(|h| h.to_str().ok())
                .unwrap_or("127.0.0.1");
            let location = match uri.query() {
                Some(query) => format!("http://{host}{stripped}?{query}"),
                None => format!("http://{host}{stripped}"),
            };
            return (StatusCode::TEMPORARY_REDIRECT, [(LOCATION, location)]).into_response();
        }
    }
    ApiError::RouteNotFound.into_response()
}

/// The web UI's place: the mock has no UI, but answers as the real server's static mount does,
/// so a client probing for the 1.x API sees what it would see on a real 2.x server.
pub fn web_ui(method: &Method) -> Response {
    if method == Method::GET || method == Method::HEAD {
        ([(CONTENT_TYPE, "text/html; charset=utf-8")], UI_PAGE).into_response()
    } else {
        ApiError::MethodNotAllowed.into_response()
    }
}

const UI_PAGE: &str = "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>Argilla</title></head>\
<body><p>argilla-mock serves the Argilla 2.x API under /api/v1; it has no web UI.</p></body></html>\n";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_match_whole_non_empty_segments() {
        assert!(matches("/api/v1/users/{user_id}", "/api/v1/users/abc"));
        assert!(!matches("/api/v1/users/{user_id}", "/api/v1/users/"));
        assert!(!matches("/api/v1/users/{user_id}", "/api/v1/users/a/b"));
        assert!(matches("/api/v1/me", "/api/v1/me"));
    }
}
