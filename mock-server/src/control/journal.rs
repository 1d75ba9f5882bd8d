//! The request journal: what clients sent and what they got, in a bounded ring.
//!
//! Secrets never enter it: API keys, bearer tokens and passwords are masked before an entry is
//! stored. The ring is bounded twice, by entries and by bytes (WireMock's unbounded journal is a
//! known way to run a long test suite out of memory); the oldest entries are dropped first.
//!
//! Every request is recorded, few are ever read: an entry is kept in a compact form (its texts
//! in one buffer, its time as a `SystemTime`) and becomes a [`JournalEntry`] only when read.

use std::borrow::Cow;
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::{Instant, SystemTime};

use axum::http::header::CONTENT_TYPE;
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, Response};
use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::masking::{masked_body, masked_header_value, masked_query, Secrets};

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
    pub kind: &'static str,
}

/// Filters of `GET /__mock/requests`.
#[derive(Debug, Default, Deserialize)]
pub struct JournalQuery {
    pub method: Option<String>,
    pub path: Option<String>,
    /// Only entries with `seq` greater than this.
    pub since: Option<u64>,
}

/// The most the kept entries may weigh together (see [`Kept::weight`]): 10,000 entries of
/// 64 KiB bodies would otherwise be 640 MB.
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
    entries: VecDeque<(Kept, usize)>,
    bytes: usize,
}

/// A journal entry as the ring keeps it.
#[derive(Debug)]
struct Kept {
    seq: u64,
    at: SystemTime,
    namespace: Option<Arc<str>>,
    method: Method,
    /// The path, the query (when there is one) and each header's name and value, each ended by
    /// a line feed. None of them can hold one: hyper refuses a request whose target or header
    /// has a line break in it, and the URI and header types refuse one too.
    text: String,
    has_query: bool,
    body: Option<Value>,
    status: Option<u16>,
    duration_ms: f64,
    fault: Option<AppliedFault>,
}

impl Kept {
    fn new<'a>(
        namespace: Option<Arc<str>>,
        method: Method,
        path: &str,
        query: Option<&str>,
        headers: impl IntoIterator<Item = (&'a str, Cow<'a, str>)>,
    ) -> Kept {
        let headers = headers.into_iter();
        // Room for the headers as well, guessed from a typical request's: growing the buffer
        // header by header was a sizeable part of recording.
        let mut text = String::with_capacity(
            path.len() + query.map_or(0, str::len) + 2 + headers.size_hint().0 * 48,
        );
        for line in [path].into_iter().chain(query) {
            push_line(&mut text, line);
        }
        for (name, value) in headers {
            push_line(&mut text, name);
            push_line(&mut text, &value);
        }
        Kept {
            seq: 0,
            at: SystemTime::now(),
            namespace,
            method,
            text,
            has_query: query.is_some(),
            body: None,
            status: None,
            duration_ms: 0.0,
            fault: None,
        }
    }

    fn path(&self) -> &str {
        self.lines().next().unwrap_or_default()
    }

    fn lines(&self) -> impl Iterator<Item = &str> {
        self.text.split_terminator('\n')
    }

    /// The entry as `GET /__mock/requests` shows it.
    fn entry(&self) -> JournalEntry {
        let mut lines = self.lines().map(str::to_owned);
        let path = lines.next().unwrap_or_default();
        let query = match self.has_query {
            true => lines.next(),
            false => None,
        };
        let mut headers = Vec::new();
        while let (Some(name), Some(value)) = (lines.next(), lines.next()) {
            headers.push((name, value));
        }
        JournalEntry {
            seq: self.seq,
            time: DateTime::<Utc>::from(self.at).to_rfc3339_opts(SecondsFormat::Millis, true),
            namespace: self.namespace.as_deref().map(str::to_owned),
            method: self.method.to_string(),
            path,
            query,
            headers,
            body: self.body.clone(),
            status: self.status,
            duration_ms: self.duration_ms,
            fault: self.fault.clone(),
        }
    }

    /// What the entry holds in memory: the struct, its text buffer (capacity, not length) and
    /// the body as the parsed value it is kept as (a short JSON text can be many `Value`s). The
    /// namespace's name is shared by all its entries and not counted.
    fn weight(&self) -> usize {
        std::mem::size_of::<Kept>()
            + self.text.capacity()
            + self.body.as_ref().map_or(0, value_weight)
    }
}

/// Appends `line` and its line feed. A line feed inside one cannot happen (see [`Kept::text`]);
/// were it to, it becomes a space rather than shifting every field after it.
fn push_line(text: &mut String, line: &str) {
    match line.contains('\n') {
        false => text.push_str(line),
        true => text.push_str(&line.replace('\n', " ")),
    }
    text.push('\n');
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
    fn record(&self, mut entry: Kept) {
        if self.capacity == 0 {
            return;
        }
        let weight = entry.weight();
        let mut ring = self.lock();
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
        self.lock().bytes
    }

    /// Entries matching the query (and namespace, when given), oldest first.
    pub fn find(&self, query: &JournalQuery, namespace: Option<Option<&str>>) -> Vec<JournalEntry> {
        let ring = self.lock();
        ring.entries
            .iter()
            .map(|(e, _)| e)
            .filter(|e| namespace.is_none_or(|ns| e.namespace.as_deref() == ns))
            .filter(|e| {
                query
                    .method
                    .as_deref()
                    .is_none_or(|m| e.method.as_str().eq_ignore_ascii_case(m))
            })
            .filter(|e| query.path.as_deref().is_none_or(|p| e.path() == p))
            .filter(|e| query.since.is_none_or(|s| e.seq > s))
            .map(Kept::entry)
            .collect()
    }

    /// Forgets entries (those of one namespace, or all).
    pub fn clear(&self, namespace: Option<Option<&str>>) {
        let mut ring = self.lock();
        match namespace {
            None => ring.entries.clear(),
            Some(ns) => ring.entries.retain(|(e, _)| e.namespace.as_deref() != ns),
        }
        ring.bytes = ring.entries.iter().map(|(_, weight)| weight).sum();
    }

    pub fn len(&self) -> usize {
        self.lock().entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Ring> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }
}

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
    pub fn fault(&mut self, rule: u64, kind: &'static str) {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::control::masking::MAX_KEPT_BODY;

    fn entry(path: &str) -> Kept {
        let mut entry = Kept::new(None, Method::GET, path, None, []);
        entry.status = Some(200);
        entry
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
        let one = journal.lock().entries[0].0.weight();
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
    fn an_entry_reads_back_as_it_was_recorded() {
        let headers = [
            ("host", Cow::Borrowed("127.0.0.1:6900")),
            ("x-argilla-api-key", Cow::Borrowed("***")),
            ("x-empty", Cow::Borrowed("")),
        ];
        let namespace = Some(Arc::from("team"));
        for query in [None, Some(""), Some("limit=5&api_key=***")] {
            let journal = Journal::new(10);
            let mut kept = Kept::new(
                namespace.clone(),
                Method::PATCH,
                "/api/me",
                query,
                headers.clone(),
            );
            kept.status = Some(204);
            journal.record(kept);
            let entry = journal
                .find(&JournalQuery::default(), Some(Some("team")))
                .remove(0);
            assert_eq!(
                (
                    entry.method.as_str(),
                    entry.path.as_str(),
                    entry.query.as_deref()
                ),
                ("PATCH", "/api/me", query)
            );
            let shown: Vec<(&str, &str)> = entry
                .headers
                .iter()
                .map(|(n, v)| (n.as_str(), v.as_str()))
                .collect();
            assert_eq!(
                shown,
                [
                    ("host", "127.0.0.1:6900"),
                    ("x-argilla-api-key", "***"),
                    ("x-empty", "")
                ]
            );
            assert_eq!(
                (entry.seq, entry.status, entry.namespace.as_deref()),
                (1, Some(204), Some("team"))
            );
            assert!(
                chrono::DateTime::parse_from_rfc3339(&entry.time).is_ok(),
                "{}",
                entry.time
            );
            assert_eq!(entry.time.len(), "2026-01-01T00:00:00.000Z".len());
        }
    }

    #[test]
    fn a_zero_capacity_journal_records_nothing() {
        let journal = Journal::new(0);
        journal.record(entry("/x"));
        assert!(journal.is_empty());
    }
}
