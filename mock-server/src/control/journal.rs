//! The request journal: what clients sent and what they got, in a bounded ring.
//!
//! Secrets never enter it: API keys, bearer tokens and passwords are masked before an entry is
//! stored. The ring is bounded twice, by entries and by bytes (WireMock's unbounded journal is a
//! known way to run a long test suite out of memory); the oldest entries are dropped first.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use axum::http::header::CONTENT_TYPE;
use axum::http::request::Parts;
use axum::http::{HeaderMap, Response};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::masking::{masked_body, masked_headers, masked_query, Secrets};

/// One request and its outcome.
#[derive(Debug, Clone, Serialize)]
pub struct JournalEntry {
    /// Increasing from 1 for the life of the server; `since` filters on it.
    pub seq: u64,
    /// When the request arrived: RFC 3339, UTC, milliseconds.
    pub time: String,
    /// `null` for the default namespace.
    pub namespace: Option<String>,
    pub method: String,
    /// The path as the API saw it (without a `/ns/{name}` prefix).
    pub path: String,
    pub query: Option<String>,
    /// Header names in lower case, values with secrets masked.
    pub headers: Vec<(String, String)>,
    /// The body: JSON when it parses, else text; passwords masked.
    pub body: Option<Value>,
    /// `null` when the connection was cut without an answer.
    pub status: Option<u16>,
    pub duration_ms: f64,
    /// The fault rule applied, if any.
    pub fault: Option<AppliedFault>,
}

/// The fault recorded on a journal entry.
#[derive(Debug, Clone, Serialize)]
pub struct AppliedFault {
    pub rule: u64,
    pub kind: String,
}

/// Filters of `GET /__mock/requests`.
#[derive(Debug, Default, Deserialize)]
pub struct JournalQuery {
    pub method: Option<String>,
    pub path: Option<String>,
    /// Only entries with `seq` greater than this.
    pub since: Option<u64>,
}

/// The most the kept entries may weigh together (see [`JournalEntry::weight`]): 10,000 entries
/// of 64 KiB bodies would otherwise be 640 MB.
pub const MAX_JOURNAL_BYTES: usize = 32 * 1024 * 1024;

#[derive(Debug)]
pub struct Journal {
    capacity: usize,
    inner: Mutex<Ring>,
}

#[derive(Debug, Default)]
struct Ring {
    next_seq: u64,
    /// Each entry with its weight.
    entries: VecDeque<(JournalEntry, usize)>,
    bytes: usize,
}

impl JournalEntry {
    /// What the entry holds in memory: the struct, each string's allocation (capacity, not
    /// length), the header list's, and the body as the parsed value it is kept as (a short
    /// JSON text can be many `Value`s).
    pub fn weight(&self) -> usize {
        let string = |s: &String| s.capacity();
        let strings = string(&self.time)
            + string(&self.method)
            + string(&self.path)
            + self.query.as_ref().map_or(0, string)
            + self.namespace.as_ref().map_or(0, string)
            + self.fault.as_ref().map_or(0, |f| string(&f.kind));
        let headers = self.headers.capacity() * std::mem::size_of::<(String, String)>()
            + self
                .headers
                .iter()
                .map(|(n, v)| string(n) + string(v))
                .sum::<usize>();
        let body = self.body.as_ref().map_or(0, value_weight);
        std::mem::size_of::<JournalEntry>() + strings + headers + body
    }
}

/// What a JSON value occupies beyond its own slot, measured without serialising it again.
/// Objects keep insertion order (an index map): each member is a slot of key and value plus
/// about two words of hash index.
fn value_weight(value: &Value) -> usize {
    const MEMBER: usize = std::mem::size_of::<(String, Value)>() + 2 * std::mem::size_of::<usize>();
    std::mem::size_of::<Value>()
        + match value {
            Value::String(s) => s.capacity(),
            Value::Array(items) => {
                (items.capacity() - items.len()) * std::mem::size_of::<Value>()
                    + items.iter().map(value_weight).sum::<usize>()
            }
            Value::Object(map) => map
                .iter()
                .map(|(k, v)| {
                    MEMBER + k.capacity() + value_weight(v) - std::mem::size_of::<Value>()
                })
                .sum(),
            Value::Null | Value::Bool(_) | Value::Number(_) => 0,
        }
}

impl Journal {
    /// A journal keeping the last `capacity` entries (0 records nothing).
    pub fn new(capacity: usize) -> Journal {
        Journal {
            capacity,
            inner: Mutex::new(Ring {
                next_seq: 1,
                entries: VecDeque::with_capacity(capacity.min(1024)),
                bytes: 0,
            }),
        }
    }

    pub fn is_enabled(&self) -> bool {
        self.capacity > 0
    }

    /// Stores an entry, giving it the next sequence number.
    pub fn record(&self, mut entry: JournalEntry) {
        if self.capacity == 0 {
            return;
        }
        let weight = entry.weight();
        let mut ring = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        entry.seq = ring.next_seq;
        ring.next_seq += 1;
        while ring.entries.len() >= self.capacity
            || (!ring.entries.is_empty() && ring.bytes + weight > MAX_JOURNAL_BYTES)
        {
            if let Some((_, dropped)) = ring.entries.pop_front() {
                ring.bytes -= dropped;
            }
        }
        ring.bytes += weight;
        ring.entries.push_back((entry, weight));
    }

    /// What the kept entries weigh together (bounded by [`MAX_JOURNAL_BYTES`] plus one entry).
    pub fn bytes(&self) -> usize {
        self.inner.lock().unwrap_or_else(|e| e.into_inner()).bytes
    }

    /// Entries matching the query (and namespace, when given), oldest first.
    pub fn find(&self, query: &JournalQuery, namespace: Option<Option<&str>>) -> Vec<JournalEntry> {
        let ring = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        ring.entries
            .iter()
            .map(|(e, _)| e)
            .filter(|e| namespace.is_none_or(|ns| e.namespace.as_deref() == ns))
            .filter(|e| {
                query
                    .method
                    .as_deref()
                    .is_none_or(|m| e.method.eq_ignore_ascii_case(m))
            })
            .filter(|e| query.path.as_deref().is_none_or(|p| e.path == p))
            .filter(|e| query.since.is_none_or(|s| e.seq > s))
            .cloned()
            .collect()
    }

    /// Forgets entries (those of one namespace, or all).
    pub fn clear(&self, namespace: Option<Option<&str>>) {
        let mut ring = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        match namespace {
            None => ring.entries.clear(),
            Some(ns) => ring.entries.retain(|(e, _)| e.namespace.as_deref() != ns),
        }
        ring.bytes = ring.entries.iter().map(|(_, weight)| weight).sum();
    }

    pub fn len(&self) -> usize {
        self.inner
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entries
            .len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The journal entry of a request in progress, written to the journal when dropped: when the
/// answer is known, when the connection is cut, or when the client goes away mid-request.
#[derive(Debug)]
pub struct Recording {
    journal: Arc<Journal>,
    /// `None` when the journal is off.
    entry: Option<JournalEntry>,
    started: Instant,
}

impl Recording {
    pub fn open(
        journal: &Arc<Journal>,
        namespace: Option<String>,
        parts: &Parts,
        secrets: Secrets<'_>,
    ) -> Recording {
        let entry = journal.is_enabled().then(|| JournalEntry {
            seq: 0,
            time: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            namespace,
            method: parts.method.to_string(),
            path: parts.uri.path().to_owned(),
            query: parts.uri.query().map(|q| masked_query(q, secrets)),
            headers: masked_headers(&parts.headers, secrets),
            body: None,
            status: None,
            duration_ms: 0.0,
            fault: None,
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
    pub fn fault(&mut self, rule: u64, kind: &str) {
        if let Some(entry) = &mut self.entry {
            entry.fault = Some(AppliedFault {
                rule,
                kind: kind.to_owned(),
            });
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::control::masking::MAX_KEPT_BODY;

    fn entry(path: &str) -> JournalEntry {
        JournalEntry {
            seq: 0,
            time: String::new(),
            namespace: None,
            method: "GET".into(),
            path: path.into(),
            query: None,
            headers: vec![],
            body: None,
            status: Some(200),
            duration_ms: 0.0,
            fault: None,
        }
    }

    #[test]
    fn the_ring_keeps_only_the_newest_entries() {
        let journal = Journal::new(3);
        for i in 0..10 {
            journal.record(entry(&format!("/{i}")));
        }
        let all = journal.find(&JournalQuery::default(), None);
        assert_eq!(
            all.iter().map(|e| e.path.as_str()).collect::<Vec<_>>(),
            ["/7", "/8", "/9"]
        );
        assert_eq!(all[0].seq, 8);
        let since = journal.find(
            &JournalQuery {
                since: Some(9),
                ..JournalQuery::default()
            },
            None,
        );
        assert_eq!(since.len(), 1);
    }

    #[test]
    fn big_bodies_are_bounded_by_bytes_not_only_by_count() {
        let journal = Journal::new(10_000);
        let body = Value::String("x".repeat(MAX_KEPT_BODY - 100));
        // 600 × 64 KiB is more than the budget.
        for i in 0..600 {
            let mut big = entry(&format!("/{i}"));
            big.body = Some(body.clone());
            journal.record(big);
        }
        let one = journal.find(&JournalQuery::default(), None)[0].weight();
        assert!(journal.bytes() <= MAX_JOURNAL_BYTES, "{}", journal.bytes());
        assert_eq!(journal.len(), MAX_JOURNAL_BYTES / one, "as many as fit");
        let kept = journal.find(&JournalQuery::default(), None);
        assert_eq!(kept.last().map(|e| e.seq), Some(600), "the newest are kept");
        journal.clear(None);
        assert_eq!(journal.bytes(), 0);
    }

    #[test]
    fn a_body_of_many_small_values_weighs_more_than_its_text() {
        let mut many = entry("/");
        many.body = Some(Value::Array(vec![Value::from(0); 10_000]));
        let text = serde_json::to_vec(many.body.as_ref().expect("body")).expect("json");
        assert!(many.weight() >= 10_000 * std::mem::size_of::<Value>());
        assert!(many.weight() > 5 * text.len());
    }

    #[test]
    fn a_zero_capacity_journal_records_nothing() {
        let journal = Journal::new(0);
        journal.record(entry("/x"));
        assert!(journal.is_empty());
    }
}
