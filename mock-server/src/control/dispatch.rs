//! From a request to the instance that answers it: `/ns/{name}/…` picks a namespace (opened on
//! first use), `/__mock/…` goes to the admin API, anything else to the instance's API behind
//! its control layer. The whole server is this one service, traced once per request.

use std::sync::Arc;
use std::time::Instant;

use axum::extract::Request;
use axum::http::{Method, Uri};
use axum::response::{IntoResponse, Response};
use tower::ServiceExt;
use tracing::Level;

use super::admin::AdminTarget;
use super::layer::ConnectionFault;
use super::{is_valid_namespace, MockCore, NamespaceError};
use crate::error::ApiError;

/// One INFO line per request (method, path, status or cut, latency). The path only: a query
/// string may carry a credential; headers are not logged, so keys and tokens never reach the
/// log. One event, not a span around the request: a span costs about as much again per
/// request (see docs/performance.md), and the few warnings logged inside a request say what
/// they are about themselves.
///
/// The transport calls this directly for each request (no router in front: the paths it
/// tells apart are two prefixes).
pub async fn answer(core: Arc<MockCore>, request: Request) -> Response {
    if !tracing::enabled!(Level::INFO) {
        return dispatch(core, request).await;
    }
    let started = Instant::now();
    let (method, path) = (request.method().clone(), request.uri().path().to_owned());
    let response = dispatch(core, request).await;
    let latency_ms = started.elapsed().as_secs_f64() * 1000.0;
    match response.extensions().get::<ConnectionFault>() {
        Some(cut) => tracing::info!(%method, %path, %cut, latency_ms, "connection cut"),
        None => {
            let status = response.status().as_u16();
            tracing::info!(%method, %path, status, latency_ms, "answered")
        }
    }
    response
}

async fn dispatch(core: Arc<MockCore>, request: Request) -> Response {
    let (instance, request) = match split_namespace(request.uri().path()) {
        Some((name, rest)) => {
            if !is_valid_namespace(name) {
                return ApiError::RouteNotFound.into_response();
            }
            let rest = rest.to_owned();
            match core.namespace(name).await {
                Ok(instance) => (instance, with_path(request, &rest)),
                Err(NamespaceError::Full(max)) => {
                    return ApiError::TooManyNamespaces(max).into_response()
                }
                Err(NamespaceError::Open(e)) => return ApiError::Internal(e).into_response(),
            }
        }
        None => (core.root.clone(), request),
    };
    if !is_parsable_method(request.method()) {
        return ApiError::InvalidHttpRequest.into_response();
    }
    let path = request.uri().path();
    let is_admin = path == "/__mock" || path.starts_with("/__mock/");
    if core.options.admin_enabled && is_admin {
        let mut request = request;
        request.extensions_mut().insert(AdminTarget {
            core: core.clone(),
            instance,
        });
        match core.admin.clone().oneshot(request).await {
            Ok(response) => response,
            Err(never) => match never {},
        }
    } else {
        instance.api.answer(request).await
    }
}

/// The methods llhttp (under uvicorn) parses; anything else is a 400 before any routing.
fn is_parsable_method(method: &Method) -> bool {
    const KNOWN: [&str; 35] = [
        "DELETE",
        "GET",
        "HEAD",
        "POST",
        "PUT",
        "CONNECT",
        "OPTIONS",
        "TRACE",
        "COPY",
        "LOCK",
        "MKCOL",
        "MOVE",
        "PROPFIND",
        "PROPPATCH",
        "SEARCH",
        "UNLOCK",
        "BIND",
        "REBIND",
        "UNBIND",
        "ACL",
        "REPORT",
        "MKACTIVITY",
        "CHECKOUT",
        "MERGE",
        "M-SEARCH",
        "NOTIFY",
        "SUBSCRIBE",
        "UNSUBSCRIBE",
        "PATCH",
        "PURGE",
        "MKCALENDAR",
        "LINK",
        "UNLINK",
        "SOURCE",
        "QUERY",
    ];
    KNOWN.contains(&method.as_str())
}

/// `/ns/{name}/rest…` → `(name, "/rest…")`.
fn split_namespace(path: &str) -> Option<(&str, &str)> {
    let rest = path.strip_prefix("/ns/")?;
    match rest.find('/') {
        Some(i) => Some((&rest[..i], &rest[i..])),
        None => Some((rest, "/")),
    }
}

/// The request with its path replaced (the query kept).
fn with_path(mut request: Request, path: &str) -> Request {
    let path_and_query = match request.uri().query() {
        Some(q) => format!("{path}?{q}"),
        None => path.to_owned(),
    };
    if let Ok(uri) = path_and_query.parse::<Uri>() {
        *request.uri_mut() = uri;
    }
    request
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn namespaces_are_split_off_the_path() {
        assert_eq!(split_namespace("/ns/a/api/me"), Some(("a", "/api/me")));
        assert_eq!(split_namespace("/ns/a"), Some(("a", "/")));
        assert_eq!(split_namespace("/api/me"), None);
    }
}
