//! The request journal: what clients sent and what they got, in a bounded ring.
//!
//! Secrets never enter it: API keys, bearer tokens and passwords are masked before an entry is
//! stored. The ring is bounded twice, by entries and by bytes (WireMock's unbounded journal is a
//! known way to run a long test suite out of memory); the oldest entries are dropped first.
//!
//! Every request is recorded, few are ever read: an entry is kept in a compact form (its texts
//! in one buffer, its time as a `SystemTime`) and becomes a [`JournalEntry`] only when read.

use std::collections::VecDeque;
use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use serde_json::Value;

mod kept;
mod recording;

pub use recording::Recording;

use super::faults::FaultKind;
use kept::Kept;

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
    pub kind: FaultKind,
}

/// Whose entries a journal query is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Instances<'a> {
    /// Every instance's.
    All,
    /// The default instance's (outside any namespace).
    Default,
    /// One namespace's.
    Namespace(&'a str),
}

impl<'a> Instances<'a> {
    /// The instance named by an optional namespace.
    pub fn one(namespace: Option<&'a str>) -> Instances<'a> {
        namespace.map_or(Instances::Default, Instances::Namespace)
    }

    fn holds(self, entry: &Kept) -> bool {
        match self {
            Instances::All => true,
            Instances::Default => entry.namespace.is_none(),
            Instances::Namespace(name) => entry.namespace.as_deref() == Some(name),
        }
    }
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

    /// Entries of `instances` matching the query, oldest first.
    pub fn find(&self, query: &JournalQuery, instances: Instances<'_>) -> Vec<JournalEntry> {
        let ring = self.lock();
        ring.entries
            .iter()
            .map(|(e, _)| e)
            .filter(|e| instances.holds(e))
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

    /// Forgets the entries of `instances`.
    pub fn clear(&self, instances: Instances<'_>) {
        let mut ring = self.lock();
        ring.entries.retain(|(e, _)| !instances.holds(e));
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::borrow::Cow;
    use std::sync::Arc;

    use crate::control::masking::MAX_KEPT_BODY;
    use axum::http::Method;

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
        let all = journal.find(&JournalQuery::default(), Instances::All);
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
            Instances::All,
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
        let kept = journal.find(&JournalQuery::default(), Instances::All);
        assert_eq!(kept.last().map(|e| e.seq), Some(600), "the newest are kept");
        journal.clear(Instances::All);
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
                .find(&JournalQuery::default(), Instances::Namespace("team"))
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
