//! The control layer: what the mock adds around each instance's Argilla API router.
//!
//! A request passes each stage once, in this order: a journal entry is opened (and written when
//! the request is done, however it ends); the body is read within the size limit and the read
//! deadlines; the instance's fault rules pick what happens (the normal answer, another answer,
//! a delay, or a cut connection); then the API router answers. A cut connection is not an
//! answer the router can give: it is handed to the transport as a [`ConnectionFault`] extension
//! on an otherwise empty response (see `serve.rs`).

use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::header::{ACCEPT_ENCODING, CONTENT_LENGTH};
use axum::http::{HeaderValue, Method, Response};
use axum::response::IntoResponse;
use http_body_util::BodyExt;

use super::faults::{Fault, FaultBook, Outcome};
use super::journal::{Journal, Recording};
use super::masking::Secrets;
use crate::api::{cors_for_answer, RealServer};
use crate::db::Database;
use crate::error::ApiError;
use crate::extract::body_parse_error;
use crate::request_body::{read_limited, BodyError, BodyLimits};

/// How the transport must end a connection instead of sending the response it carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ConnectionFault {
    #[error("connection reset by a fault rule")]
    Reset,
    #[error("connection closed without an answer by a fault rule")]
    Empty,
    #[error("request body not received within the read timeout")]
    SlowBody,
}

impl ConnectionFault {
    fn into_response(self) -> Response<Body> {
        let mut response = Response::new(Body::empty());
        response.extensions_mut().insert(self);
        response
    }
}

/// An instance's API behind its control layer: the journal, the body limit and the fault rules.
#[derive(Debug)]
pub struct Control {
    /// `None` for the default instance; shared by the instance's journal entries.
    namespace: Option<Arc<str>>,
    journal: Arc<Journal>,
    faults: Arc<FaultBook>,
    limits: BodyLimits,
    /// Whose API keys the journal masks.
    db: Database,
    api: RealServer,
}

impl Control {
    pub fn new(
        namespace: Option<&str>,
        journal: Arc<Journal>,
        faults: Arc<FaultBook>,
        limits: BodyLimits,
        api: RealServer,
        db: Database,
    ) -> Control {
        Control {
            namespace: namespace.map(Arc::from),
            journal,
            faults,
            limits,
            db,
            api,
        }
    }

    /// The instance's answer to `request`, or the connection fault a rule asks for.
    pub async fn answer(&self, request: Request) -> Response<Body> {
        let api = &self.api;
        let (mut parts, body) = request.into_parts();
        // A key sent under any name is masked too: the journal needs the instance's keys.
        let keys = match self.journal.is_enabled() {
            true => self.db.known_keys().await.ok(),
            false => None,
        };
        let secrets = Secrets::new(keys.as_ref());
        // Written when dropped: also when the client goes away mid-request.
        let mut recording =
            Recording::open(&self.journal, self.namespace.as_ref(), &parts, secrets);
        let bytes = match read_limited(body, &self.limits).await {
            Ok(bytes) => bytes,
            Err(BodyError::Stalled) => return ConnectionFault::SlowBody.into_response(),
            // Over the limit is 413; a body the client broke off or garbled is the 400 FastAPI
            // gives for a body it cannot read.
            Err(BodyError::TooLarge) => {
                return recording.answered(ApiError::PayloadTooLarge.into_response())
            }
            Err(BodyError::Broken) => {
                return recording.answered(body_parse_error().into_response())
            }
        };
        recording.body(&bytes, &parts.headers, secrets);
        let Some(plan) = self
            .faults
            .pick(&parts.method, parts.uri.path(), &parts.headers)
        else {
            let answer = api
                .answer(Request::from_parts(parts, Body::from(bytes)))
                .await;
            return recording.answered(answer);
        };
        recording.fault(plan.rule, plan.kind);
        if let Some(delay) = plan.delay {
            tokio::time::sleep(delay).await;
        }
        match plan.outcome {
            Outcome::Respond {
                status,
                body,
                retry_after,
            } => {
                let mut answer = ApiError::Injected {
                    status,
                    body,
                    retry_after,
                }
                .into_response();
                cors_for_answer(&parts.headers, answer.headers_mut());
                recording.answered(answer)
            }
            Outcome::Fault(Fault::ConnectionReset) => ConnectionFault::Reset.into_response(),
            Outcome::Fault(Fault::EmptyResponse) => ConnectionFault::Empty.into_response(),
            Outcome::Continue => {
                let answer = api
                    .answer(Request::from_parts(parts, Body::from(bytes)))
                    .await;
                recording.answered(answer)
            }
            Outcome::Fault(Fault::MalformedBody) => {
                // The JSON must be cut, not a compressed stream: ask the API for a plain body.
                parts.headers.remove(ACCEPT_ENCODING);
                let is_head = parts.method == Method::HEAD;
                let answer = api
                    .answer(Request::from_parts(parts, Body::from(bytes)))
                    .await;
                // A HEAD answer has no body to cut.
                let answer = if is_head {
                    answer
                } else {
                    truncate_body(answer).await
                };
                recording.answered(answer)
            }
        }
    }
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
