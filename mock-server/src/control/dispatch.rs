//! From a request to the instance that answers it: `/ns/{name}/…` picks a namespace (opened on
//! first use), `/__mock/…` goes to the admin API, anything else to the instance's API behind
//! its control layer. The whole server is this one service, traced once per request.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::{Method, Uri};
use axum::response::{IntoResponse, Response};
use axum::Router;
use tower::ServiceExt;
use tower_http::trace::TraceLayer;
use tracing::{Level, Span};

use super::admin::AdminTarget;
use super::layer::ConnectionFault;
use super::{is_valid_namespace, MockCore, NamespaceError};
use crate::error::ApiError;

/// The server as one service: the trace layer around [`dispatch`].
pub fn app(core: Arc<MockCore>) -> Router {
    Router::new()
        .fallback(dispatch)
        .layer(
            // One INFO line per request (method, path, status or cut, latency); headers are
            // not logged, so keys and tokens never reach the log.
            TraceLayer::new_for_http()
                .make_span_with(|request: &Request| {
                    // The path only: a query string may carry a credential.
                    tracing::span!(Level::INFO, "request", method = %request.method(), path = %request.uri().path())
                })
                .on_response(|response: &Response, latency: Duration, _: &Span| {
                    let latency_ms = latency.as_secs_f64() * 1000.0;
                    match response.extensions().get::<ConnectionFault>() {
                        Some(cut) => tracing::info!(%cut, latency_ms, "connection cut"),
                        None => tracing::info!(status = response.status().as_u16(), latency_ms, "answered"),
                    }
                }),
        )
        .with_state(core)
}

async fn dispatch(State(core): State<Arc<MockCore>>, request: Request) -> Response {
    let (instance, inner_path) = match split_namespace(request.uri().path()) {
        Some((name, rest)) => {
            if !is_valid_namespace(name) {
                return ApiError::RouteNotFound.into_response();
            }
            match core.namespace(name).await {
                Ok(instance) => (instance, rest.to_owned()),
                Err(NamespaceError::Full(max)) => {
                    return ApiError::TooManyNamespaces(max).into_response()
                }
                Err(NamespaceError::Open(e)) => return ApiError::Internal(e).into_response(),
            }
        }
        None => (core.root.clone(), request.uri().path().to_owned()),
    };
    if !is_parsable_method(request.method()) {
        return ApiError::InvalidHttpRequest.into_response();
    }
    let mut request = with_path(request, &inner_path);
    let is_admin = inner_path == "/__mock" || inner_path.starts_with("/__mock/");
    let answer = if core.options.admin_enabled && is_admin {
        request.extensions_mut().insert(AdminTarget {
            core: core.clone(),
            instance,
        });
        core.admin.clone().oneshot(request).await
    } else {
        instance.api.clone().oneshot(request).await
    };
    match answer {
        Ok(response) => response,
        Err(never) => match never {},
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

fn with_path(mut request: Request, path: &str) -> Request {
    if request.uri().path() != path {
        let path_and_query = match request.uri().query() {
            Some(q) => format!("{path}?{q}"),
            None => path.to_owned(),
        };
        if let Ok(uri) = path_and_query.parse::<Uri>() {
            *request.uri_mut() = uri;
        }
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
