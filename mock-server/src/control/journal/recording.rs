//! The entry of a request in progress.

use std::sync::Arc;
use std::time::Instant;

use axum::http::header::CONTENT_TYPE;
use axum::http::request::Parts;
use axum::http::{HeaderMap, Response};

use super::kept::Kept;
use super::{AppliedFault, FaultKind, Journal};
use crate::control::masking::{masked_body, masked_header_value, masked_query, Secrets};

/// The journal entry of a request in progress, written to the journal when dropped: when the
/// answer is known, when the connection is cut, or when the client goes away mid-request.
#[derive(Debug)]
pub struct Recording {
    journal: Arc<Journal>,
    /// `None` when the journal is off.
    entry: Option<Kept>,
    started: Instant,
}

impl Recording {
    pub fn open(
        journal: &Arc<Journal>,
        namespace: Option<&Arc<str>>,
        parts: &Parts,
        secrets: Secrets<'_>,
    ) -> Recording {
        let entry = journal.is_enabled().then(|| {
            let query = parts.uri.query().map(|q| masked_query(q, secrets));
            let headers = parts.headers.iter().map(|(name, value)| {
                let name = name.as_str();
                (name, masked_header_value(name, value.as_bytes(), secrets))
            });
            Kept::new(
                namespace.cloned(),
                parts.method.clone(),
                parts.uri.path(),
                query.as_deref(),
                headers,
            )
        });
        Recording {
            journal: journal.clone(),
            entry,
            started: Instant::now(),
        }
    }

    /// Keeps the body (secrets masked).
    pub fn body(&mut self, bytes: &[u8], headers: &HeaderMap, secrets: Secrets<'_>) {
        if let Some(entry) = &mut self.entry {
            let content_type = headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok());
            entry.body = masked_body(bytes, content_type, secrets);
        }
    }

    /// Notes the fault rule applied.
    pub fn fault(&mut self, rule: u64, kind: FaultKind) {
        if let Some(entry) = &mut self.entry {
            entry.fault = Some(AppliedFault { rule, kind });
        }
    }

    /// Notes the status of the answer and passes it on; the entry is written now.
    pub fn answered<B>(mut self, response: Response<B>) -> Response<B> {
        if let Some(entry) = &mut self.entry {
            entry.status = Some(response.status().as_u16());
        }
        response
    }
}

impl Drop for Recording {
    fn drop(&mut self) {
        if let Some(mut entry) = self.entry.take() {
            entry.duration_ms = self.started.elapsed().as_secs_f64() * 1000.0;
            self.journal.record(entry);
        }
    }
}
