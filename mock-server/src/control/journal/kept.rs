//! A journal entry as the ring keeps it: compact, made a [`JournalEntry`] only when read.

use std::borrow::Cow;
use std::sync::Arc;
use std::time::SystemTime;

use axum::http::Method;
use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::Value;

use super::{AppliedFault, JournalEntry};

/// A journal entry as the ring keeps it.
#[derive(Debug)]
pub(super) struct Kept {
    pub(super) seq: u64,
    pub(super) at: SystemTime,
    pub(super) namespace: Option<Arc<str>>,
    pub(super) method: Method,
    /// The path, the query (when there is one) and each header's name and value, each ended by
    /// a line feed. None of them can hold one: hyper refuses a request whose target or header
    /// has a line break in it, and the URI and header types refuse one too.
    pub(super) text: String,
    pub(super) has_query: bool,
    pub(super) body: Option<Value>,
    pub(super) status: Option<u16>,
    pub(super) duration_ms: f64,
    pub(super) fault: Option<AppliedFault>,
}

impl Kept {
    pub(super) fn new<'a>(
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

    pub(super) fn path(&self) -> &str {
        self.lines().next().unwrap_or_default()
    }

    pub(super) fn lines(&self) -> impl Iterator<Item = &str> {
        self.text.split_terminator('\n')
    }

    /// The entry as `GET /__mock/requests` shows it.
    pub(super) fn entry(&self) -> JournalEntry {
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
    pub(super) fn weight(&self) -> usize {
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
