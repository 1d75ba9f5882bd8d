//! The connection loop and the request dispatcher in front of the routers.
//!
//! axum's own `serve` cannot cut a connection on purpose, and faults must reach clients as real
//! outages do: a TCP reset, a connection closed with no answer. So connections are accepted
//! here and served by hyper directly; each request is routed to its instance (namespace), to the
//! admin API or to the Argilla API, with fault rules applied and the journal written.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::header::{CONTENT_LENGTH, CONTENT_TYPE, RETRY_AFTER};
use axum::http::{HeaderValue, Response, Uri};
use axum::response::IntoResponse;
use axum::Json;
use http_body_util::BodyExt;
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto::Builder;
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tower::ServiceExt;

use crate::control::admin::{self, AdminState};
use crate::control::faults::{Outcome, Plan};
use crate::control::journal::{masked_body, masked_headers, AppliedFault, JournalEntry};
use crate::control::{is_valid_namespace, Instance, MockCore, NamespaceError};
use crate::error::ApiError;
use crate::extract::body_parse_error;
use crate::request_body::{read_limited, BodyError};

/// How long a graceful stop waits for requests in flight.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);

/// Why a connection is cut without an answer.
#[derive(Debug, thiserror::Error)]
enum Cut {
    #[error("connection reset by a fault rule")]
    Reset,
    #[error("connection closed without an answer by a fault rule")]
    Empty,
    #[error("request body not received within the read timeout")]
    SlowBody,
}

/// Serves connections until `stop` fires, then lets requests in flight finish.
pub async fn serve(listener: TcpListener, core: Arc<MockCore>, stop: oneshot::Receiver<()>) {
    let mut builder = Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        // Also closes idle keep-alive connections: the timer runs while hyper waits for the
        // next request's head (HTTP/1 only; see docs/reliability.md for what it leaves open).
        .header_read_timeout(core.options.read_timeout);
    let builder = Arc::new(builder);
    let graceful = GracefulShutdown::new();
    let (stopping, closing) = tokio::sync::watch::channel(false);
    tokio::pin!(stop);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                Err(e) => {
                    // Out of file descriptors and the like: wait a little rather than spin.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    continue;
                }
            },
            _ = &mut stop => break,
        };
        // A second handle on the socket lets a fault rule turn the close into a reset.
        let Some((stream, socket)) = split_handle(stream) else {
            continue;
        };
        let socket = Arc::new(socket);
        let read_timeout = core.options.read_timeout;
        let core = core.clone();
        let service = hyper::service::service_fn(move |req: Request<Incoming>| {
            let core = core.clone();
            let socket = socket.clone();
            async move { dispatch(core, req.map(Body::new), &socket).await }
        });
        let builder = builder.clone();
        let watcher = graceful.watcher();
        let closing = closing.clone();
        tokio::spawn(async move {
            // hyper-util reads the first bytes (HTTP/1 or HTTP/2?) with no timer of its own: a
            // client that connects and sends nothing would hold its connection forever.
            let mut closing = closing;
            tokio::select! {
                first_byte = tokio::time::timeout(read_timeout, stream.readable()) => {
                    if first_byte.is_err() {
                        tracing::debug!(%peer, "closed a connection that sent nothing");
                        return;
                    }
                }
                // Not yet watched by the graceful shutdown: drop it when the server stops.
                _ = closing.wait_for(|stopping| *stopping) => return,
            }
            let connection = builder
                .serve_connection_with_upgrades(TokioIo::new(stream), service)
                .into_owned();
            if let Err(e) = watcher.watch(connection).await {
                tracing::debug!(error = %e, %peer, "connection ended with an error");
            }
        });
    }
    drop(listener);
    let _ = stopping.send(true);
    if tokio::time::timeout(SHUTDOWN_GRACE, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!("requests still in flight after the grace period; stopping anyway");
    }
}

fn split_handle(
    stream: tokio::net::TcpStream,
) -> Option<(tokio::net::TcpStream, std::net::TcpStream)> {
    let std_stream = stream.into_std().ok()?;
    let handle = std_stream.try_clone().ok()?;
    let stream = tokio::net::TcpStream::from_std(std_stream).ok()?;
    Some((stream, handle))
}

/// Routes one request: namespace, then admin or API (with faults and the journal).
async fn dispatch(
    core: Arc<MockCore>,
    req: Request,
    socket: &std::net::TcpStream,
) -> Result<Response<Body>, Cut> {
    let (instance, inner_path) = match split_namespace(req.uri().path()) {
        Some((name, rest)) => {
            if !is_valid_namespace(name) {
                return Ok(ApiError::RouteNotFound.into_response());
            }
            match core.namespace(name).await {
                Ok(instance) => (instance, rest.to_owned()),
                Err(NamespaceError::Full(max)) => {
                    let detail = format!(
                        "no more namespaces: {max} are open (DELETE /__mock/namespaces/{{name}} closes one; --max-namespaces raises the limit)"
                    );
                    return Ok((
                        axum::http::StatusCode::SERVICE_UNAVAILABLE,
                        Json(serde_json::json!({ "detail": detail })),
                    )
                        .into_response());
                }
                Err(NamespaceError::Open(e)) => return Ok(ApiError::Internal(e).into_response()),
            }
        }
        None => (core.root.clone(), req.uri().path().to_owned()),
    };
    if !is_parsable_method(req.method()) {
        // The real server's HTTP parser (llhttp) knows a fixed set of upper-case methods.
        return Ok((
            axum::http::StatusCode::BAD_REQUEST,
            [(CONTENT_TYPE, "text/plain; charset=utf-8")],
            "Invalid HTTP request received.",
        )
            .into_response());
    }
    let req = with_path(req, &inner_path);
    if core.options.admin_enabled && (inner_path == "/__mock" || inner_path.starts_with("/__mock/"))
    {
        let state = AdminState {
            core: core.clone(),
            instance,
        };
        return Ok(infallible(admin::router(state).oneshot(req).await));
    }
    if req.method() == axum::http::Method::HEAD {
        // The real API routes take no HEAD: it falls through to the web UI, which the mock does
        // not have (docs/differences.md), so it is a 404 like any unknown GET.
        return Ok(ApiError::RouteNotFound.into_response());
    }
    serve_api(&core, &instance, req, socket).await
}

/// The methods llhttp (under uvicorn) parses; anything else is a 400 before any routing.
fn is_parsable_method(method: &axum::http::Method) -> bool {
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

fn with_path(mut req: Request, path: &str) -> Request {
    if req.uri().path() != path {
        let path_and_query = match req.uri().query() {
            Some(q) => format!("{path}?{q}"),
            None => path.to_owned(),
        };
        if let Ok(uri) = path_and_query.parse::<Uri>() {
            *req.uri_mut() = uri;
        }
    }
    req
}

fn infallible(result: Result<Response<Body>, Infallible>) -> Response<Body> {
    match result {
        Ok(response) => response,
        Err(never) => match never {},
    }
}

async fn serve_api(
    core: &MockCore,
    instance: &Instance,
    req: Request,
    socket: &std::net::TcpStream,
) -> Result<Response<Body>, Cut> {
    let started = Instant::now();
    let (parts, body) = req.into_parts();
    let mut entry = JournalEntry {
        seq: 0,
        time: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        namespace: instance.namespace.clone(),
        method: parts.method.to_string(),
        path: parts.uri.path().to_owned(),
        query: parts.uri.query().map(str::to_owned),
        headers: if core.journal.is_enabled() {
            masked_headers(&parts.headers)
        } else {
            Vec::new()
        },
        body: None,
        status: None,
        duration_ms: 0.0,
        fault: None,
    };
    // The body is read here, once, for the journal; the API sees the same bytes.
    let read = read_limited(body, core.options.max_body_bytes, core.options.read_timeout).await;
    let bytes = match read {
        Ok(bytes) => bytes,
        Err(BodyError::Stalled) => {
            finish(core, entry, started);
            return Err(Cut::SlowBody);
        }
        Err(e) => {
            // Over the limit is 413; a body the client broke off or garbled is the 400 FastAPI
            // gives for a body it cannot read.
            let error = if e == BodyError::TooLarge {
                ApiError::PayloadTooLarge
            } else {
                body_parse_error()
            };
            let response = error.into_response();
            entry.status = Some(response.status().as_u16());
            finish(core, entry, started);
            return Ok(response);
        }
    };
    if core.journal.is_enabled() {
        let content_type = parts
            .headers
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok());
        entry.body = masked_body(&bytes, content_type);
    }
    let plan = instance
        .faults
        .pick(&parts.method, parts.uri.path(), &parts.headers);
    if let Some(plan) = &plan {
        entry.fault = Some(AppliedFault {
            rule: plan.rule,
            kind: plan.kind.to_owned(),
        });
        if let Some(delay) = plan.delay {
            tokio::time::sleep(delay).await;
        }
    }
    let outcome = plan.map(|p: Plan| p.outcome).unwrap_or(Outcome::Continue);
    let response = match outcome {
        Outcome::Respond {
            status,
            body,
            retry_after,
        } => {
            let mut response = (status, Json(body)).into_response();
            if let Some(secs) = retry_after {
                response
                    .headers_mut()
                    .insert(RETRY_AFTER, HeaderValue::from(secs));
            }
            response
        }
        Outcome::ConnectionReset => {
            // Linger 0 makes the kernel send RST instead of FIN when the socket closes.
            let _ = socket2::SockRef::from(socket).set_linger(Some(Duration::ZERO));
            finish(core, entry, started);
            return Err(Cut::Reset);
        }
        Outcome::EmptyResponse => {
            finish(core, entry, started);
            return Err(Cut::Empty);
        }
        Outcome::Continue | Outcome::MalformedBody => {
            let mut parts = parts;
            // The JSON must be cut, not a compressed stream: ask the API for a plain body. A HEAD
            // answer has no body to cut.
            let is_malformed = matches!(outcome, Outcome::MalformedBody)
                && parts.method != axum::http::Method::HEAD;
            if is_malformed {
                parts.headers.remove(axum::http::header::ACCEPT_ENCODING);
            }
            let req = Request::from_parts(parts, Body::from(bytes));
            let response = infallible(instance.api.clone().oneshot(req).await);
            if is_malformed {
                truncate_body(response).await
            } else {
                response
            }
        }
    };
    entry.status = Some(response.status().as_u16());
    finish(core, entry, started);
    Ok(response)
}

/// The same status and headers with the body cut in half: JSON no parser accepts.
async fn truncate_body(response: Response<Body>) -> Response<Body> {
    let (mut parts, body) = response.into_parts();
    let bytes = body
        .collect()
        .await
        .map(|c| c.to_bytes())
        .unwrap_or_default();
    let cut = if bytes.len() > 1 {
        bytes.slice(..bytes.len() / 2)
    } else {
        Bytes::from_static(b"{")
    };
    parts
        .headers
        .insert(CONTENT_LENGTH, HeaderValue::from(cut.len()));
    Response::from_parts(parts, Body::from(cut))
}

fn finish(core: &MockCore, mut entry: JournalEntry, started: Instant) {
    entry.duration_ms = started.elapsed().as_secs_f64() * 1000.0;
    core.journal.record(entry);
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
