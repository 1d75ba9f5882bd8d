//! Fault injection: rules that make chosen requests fail the way real outages do.
//!
//! A rule matches on method, path (exact, or a glob where `*` stays within one segment and `**`
//! crosses them) and optionally a header; its action is an answer with a status (Argilla's
//! `GenericServerError` envelope by default), a delay before the normal answer, a reset
//! connection, a connection closed with no answer, or the normal answer with its JSON cut short.
//! `times` makes a rule expire; `probability` with a `seed` makes it fire on a repeatable
//! subset of requests.

use std::ops::{Deref, DerefMut};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use axum::http::{HeaderMap, Method, StatusCode};
use globset::{Glob, GlobBuilder, GlobMatcher};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

/// A rule as clients send and list it (`POST /__mock/faults`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaultSpec {
    /// HTTP method to match; any when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// Path to match, exact or a glob; any when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// A header that must be present (with this value, when given).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub header: Option<HeaderMatch>,
    /// Answer with this status instead of the normal answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// The body of that answer (default: Argilla's error envelope for the status).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<Value>,
    /// Seconds in `Retry-After` (sent with status 429; default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<u64>,
    /// Wait before answering: milliseconds, or `[min, max]` for a uniform range.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delay_ms: Option<Delay>,
    /// `connection_reset`, `empty_response` or `malformed_body`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fault: Option<Fault>,
    /// Expire after this many uses.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub times: Option<u64>,
    /// Chance (0..=1) that a matching request is affected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub probability: Option<f64>,
    /// Seed for `probability` and delay ranges, so runs repeat.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
}

/// A fault that is not an HTTP answer: what happens to the connection, or to the body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Fault {
    /// The connection is reset (TCP RST) without an answer.
    ConnectionReset,
    /// The connection is closed without a byte of answer.
    EmptyResponse,
    /// The normal status and headers, with the JSON body cut short.
    MalformedBody,
}

impl Fault {
    const ALL: [Fault; 3] = [
        Fault::ConnectionReset,
        Fault::EmptyResponse,
        Fault::MalformedBody,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Fault::ConnectionReset => "connection_reset",
            Fault::EmptyResponse => "empty_response",
            Fault::MalformedBody => "malformed_body",
        }
    }
}

impl<'de> Deserialize<'de> for Fault {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Fault, D::Error> {
        let name = String::deserialize(deserializer)?;
        (Fault::ALL.into_iter().find(|f| f.as_str() == name))
            .ok_or_else(|| serde::de::Error::custom(FaultRuleError::UnknownFault(name)))
    }
}

/// What a rule does to the requests it catches, as the journal names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaultKind {
    /// Another answer (`status`).
    Status,
    /// Only a delay before the normal answer.
    Delay,
    Fault(Fault),
}

impl Serialize for FaultKind {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl FaultKind {
    pub fn as_str(self) -> &'static str {
        match self {
            FaultKind::Status => "status",
            FaultKind::Delay => "delay",
            FaultKind::Fault(fault) => fault.as_str(),
        }
    }
}

/// Why a fault rule was refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FaultRuleError {
    #[error("method {0:?} is not an HTTP method")]
    Method(String),
    #[error("path {0:?} must start with '/'")]
    RelativePath(String),
    #[error("path {path:?} is not a valid glob: {problem}")]
    Glob { path: String, problem: String },
    #[error("header name {0:?} is not valid")]
    HeaderName(String),
    #[error("probability must be between 0 and 1, got {0}")]
    Probability(f64),
    #[error("times must be at least 1")]
    NoTimes,
    #[error("delay_ms range [{0}, {1}] has its minimum above its maximum")]
    DelayRange(u64, u64),
    #[error("delay_ms must be at most 600000 (10 minutes)")]
    DelayTooLong,
    #[error("give either `fault` or `status`, not both")]
    FaultAndStatus,
    #[error(
        "unknown fault {0:?}: expected \"connection_reset\", \"empty_response\" or \"malformed_body\""
    )]
    UnknownFault(String),
    #[error("status must be between 200 and 599, got {0}")]
    Status(u16),
    #[error("the rule does nothing: give `status`, `fault` or `delay_ms`")]
    DoesNothing,
    #[error("retry_after goes with status 429")]
    RetryAfterWithout429,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HeaderMatch {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Delay {
    Fixed(u64),
    Range([u64; 2]),
}

/// What happens to a request a rule catches.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// The normal answer (after the delay).
    Continue,
    /// This answer instead.
    Respond {
        status: StatusCode,
        body: Value,
        retry_after: Option<u64>,
    },
    /// No HTTP answer, or a broken one.
    Fault(Fault),
}

/// The decision for one request.
#[derive(Debug, Clone)]
pub struct Plan {
    pub rule: u64,
    pub kind: FaultKind,
    pub delay: Option<Duration>,
    pub outcome: Outcome,
}

#[derive(Debug)]
enum PathMatch {
    Any,
    Exact(String),
    Glob(GlobMatcher),
}

#[derive(Debug)]
struct Rule {
    id: u64,
    spec: FaultSpec,
    method: Option<Method>,
    path: PathMatch,
    delay: Option<(u64, u64)>,
    kind: FaultKind,
    outcome: Outcome,
    remaining: Option<u64>,
    probability: f64,
    rng: StdRng,
}

/// The rules of one namespace, in the order they were added (the first match wins).
#[derive(Debug, Default)]
pub struct FaultBook {
    /// The id of the last rule accepted.
    last_id: AtomicU64,
    rules: Mutex<Vec<Rule>>,
    /// Whether `rules` has any: read without the lock by every request, written (by
    /// [`Rules`]) whenever the lock is released.
    any: AtomicBool,
}

/// The locked rules; on release, `any` is brought up to date.
struct Rules<'a> {
    rules: MutexGuard<'a, Vec<Rule>>,
    any: &'a AtomicBool,
}

impl Deref for Rules<'_> {
    type Target = Vec<Rule>;
    fn deref(&self) -> &Vec<Rule> {
        &self.rules
    }
}

impl DerefMut for Rules<'_> {
    fn deref_mut(&mut self) -> &mut Vec<Rule> {
        &mut self.rules
    }
}

impl Drop for Rules<'_> {
    fn drop(&mut self) {
        // Still under the lock: the flag and the rules change together.
        self.any.store(!self.rules.is_empty(), Ordering::Release);
    }
}

impl FaultBook {
    /// Checks and stores a rule; returns its id, or what is wrong with it.
    pub fn add(&self, spec: FaultSpec) -> Result<u64, FaultRuleError> {
        let mut rules = self.lock();
        // Under the lock, and taken only by a rule that is accepted: ids have no gaps.
        let id = self.last_id.load(Ordering::Relaxed) + 1;
        rules.push(compile(id, spec)?);
        self.last_id.store(id, Ordering::Relaxed);
        Ok(id)
    }

    /// The rules with their ids and remaining uses.
    pub fn list(&self) -> Vec<Value> {
        self.lock()
            .iter()
            .map(|rule| {
                let mut value = serde_json::to_value(&rule.spec).unwrap_or(Value::Null);
                if let Value::Object(map) = &mut value {
                    map.insert("id".into(), json!(rule.id));
                    map.insert("remaining".into(), json!(rule.remaining));
                }
                value
            })
            .collect()
    }

    pub fn remove(&self, id: u64) -> bool {
        let mut rules = self.lock();
        let before = rules.len();
        rules.retain(|r| r.id != id);
        rules.len() != before
    }

    pub fn clear(&self) {
        self.lock().clear();
    }

    /// The plan for a request: the first rule that matches and fires, used up by one.
    pub fn pick(&self, method: &Method, path: &str, headers: &HeaderMap) -> Option<Plan> {
        // Most instances have no rules: no lock for them, which every request would take.
        if !self.any.load(Ordering::Acquire) {
            return None;
        }
        let mut rules = self.lock();
        let index = rules.iter_mut().position(|rule| {
            rule.matches(method, path, headers)
                && (rule.probability >= 1.0 || rule.rng.gen_bool(rule.probability))
        })?;
        let rule = &mut rules[index];
        let delay = rule.delay.map(|(min, max)| {
            Duration::from_millis(if min == max {
                min
            } else {
                rule.rng.gen_range(min..=max)
            })
        });
        let plan = Plan {
            rule: rule.id,
            kind: rule.kind,
            delay,
            outcome: rule.outcome.clone(),
        };
        if let Some(remaining) = &mut rule.remaining {
            *remaining -= 1;
            if *remaining == 0 {
                rules.remove(index);
            }
        }
        Some(plan)
    }

    fn lock(&self) -> Rules<'_> {
        Rules {
            rules: self.rules.lock().unwrap_or_else(|e| e.into_inner()),
            any: &self.any,
        }
    }
}

impl Rule {
    fn matches(&self, method: &Method, path: &str, headers: &HeaderMap) -> bool {
        if self.method.as_ref().is_some_and(|m| m != method) {
            return false;
        }
        let path_ok = match &self.path {
            PathMatch::Any => true,
            PathMatch::Exact(p) => p == path,
            PathMatch::Glob(g) => g.is_match(path),
        };
        path_ok
            && self.spec.header.as_ref().is_none_or(|h| {
                headers.get_all(h.name.as_str()).iter().any(|v| {
                    h.value
                        .as_deref()
                        .is_none_or(|want| v.as_bytes() == want.as_bytes())
                })
            })
    }
}

fn compile(id: u64, spec: FaultSpec) -> Result<Rule, FaultRuleError> {
    let method = match &spec.method {
        None => None,
        Some(m) => Some(
            Method::from_bytes(m.to_ascii_uppercase().as_bytes())
                .map_err(|_| FaultRuleError::Method(m.clone()))?,
        ),
    };
    let path = match &spec.path {
        None => PathMatch::Any,
        Some(p) if !p.starts_with('/') => return Err(FaultRuleError::RelativePath(p.clone())),
        Some(p) if p.contains(['*', '?', '[', '{']) => {
            let glob: Glob = GlobBuilder::new(p)
                .literal_separator(true)
                .build()
                .map_err(|e| FaultRuleError::Glob {
                    path: p.clone(),
                    problem: e.kind().to_string(),
                })?;
            PathMatch::Glob(glob.compile_matcher())
        }
        Some(p) => PathMatch::Exact(p.clone()),
    };
    if let Some(h) = &spec.header {
        axum::http::HeaderName::from_bytes(h.name.as_bytes())
            .map_err(|_| FaultRuleError::HeaderName(h.name.clone()))?;
    }
    let probability = spec.probability.unwrap_or(1.0);
    if !(0.0..=1.0).contains(&probability) {
        return Err(FaultRuleError::Probability(probability));
    }
    if spec.times == Some(0) {
        return Err(FaultRuleError::NoTimes);
    }
    let delay = match spec.delay_ms {
        None => None,
        Some(Delay::Fixed(ms)) => Some((ms, ms)),
        Some(Delay::Range([min, max])) if min <= max => Some((min, max)),
        Some(Delay::Range([min, max])) => return Err(FaultRuleError::DelayRange(min, max)),
    };
    if delay.is_some_and(|(_, max)| max > 600_000) {
        return Err(FaultRuleError::DelayTooLong);
    }
    let (kind, outcome) = match (spec.fault, spec.status) {
        (Some(_), Some(_)) => return Err(FaultRuleError::FaultAndStatus),
        (Some(fault), None) => (FaultKind::Fault(fault), Outcome::Fault(fault)),
        (None, Some(code)) => {
            let status = StatusCode::from_u16(code)
                .ok()
                .filter(|s| (200..=599).contains(&s.as_u16()))
                .ok_or(FaultRuleError::Status(code))?;
            let retry_after = (code == 429).then(|| spec.retry_after.unwrap_or(1));
            let body = spec.body.clone().unwrap_or_else(|| default_body(status));
            (
                FaultKind::Status,
                Outcome::Respond {
                    status,
                    body,
                    retry_after,
                },
            )
        }
        (None, None) if delay.is_some() => (FaultKind::Delay, Outcome::Continue),
        (None, None) => return Err(FaultRuleError::DoesNothing),
    };
    if spec.retry_after.is_some() && spec.status != Some(429) {
        return Err(FaultRuleError::RetryAfterWithout429);
    }
    let rng = match spec.seed {
        Some(seed) => StdRng::seed_from_u64(seed),
        None => StdRng::from_entropy(),
    };
    Ok(Rule {
        id,
        method,
        path,
        delay,
        kind,
        outcome,
        remaining: spec.times,
        probability,
        rng,
        spec,
    })
}

/// Server errors get the real server's `GenericServerError` envelope; other statuses FastAPI's
/// plain `{"detail": "<reason>"}`.
fn default_body(status: StatusCode) -> Value {
    if status.is_server_error() {
        json!({"detail": {"code": "argilla.api.errors::GenericServerError", "params": {
            "type": "builtins.RuntimeError", "message": "fault injected by argilla-mock"}}})
    } else {
        json!({"detail": status.canonical_reason().unwrap_or("Error")})
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(json: Value) -> FaultSpec {
        serde_json::from_value(json).expect("valid spec")
    }

    #[test]
    fn globs_keep_star_within_a_segment() {
        let book = FaultBook::default();
        book.add(spec(json!({"path": "/api/users/*", "status": 500})))
            .expect("added");
        let none = HeaderMap::new();
        assert!(book
            .pick(&Method::DELETE, "/api/users/abc", &none)
            .is_some());
        assert!(book.pick(&Method::GET, "/api/users", &none).is_none());
        assert!(book.pick(&Method::GET, "/api/users/a/b", &none).is_none());
    }

    #[test]
    fn times_expires_a_rule() {
        let book = FaultBook::default();
        book.add(spec(
            json!({"method": "get", "path": "/api/me", "status": 500, "times": 2}),
        ))
        .expect("added");
        let none = HeaderMap::new();
        assert!(book.pick(&Method::GET, "/api/me", &none).is_some());
        assert!(book.pick(&Method::GET, "/api/me", &none).is_some());
        assert!(book.pick(&Method::GET, "/api/me", &none).is_none());
        assert!(book.list().is_empty());
    }

    #[test]
    fn a_seeded_probability_repeats_exactly() {
        let pattern = || {
            let book = FaultBook::default();
            book.add(spec(json!({"status": 500, "probability": 0.3, "seed": 7})))
                .expect("added");
            (0..200)
                .map(|_| book.pick(&Method::GET, "/x", &HeaderMap::new()).is_some())
                .collect::<Vec<_>>()
        };
        let first = pattern();
        assert_eq!(first, pattern());
        let hits = first.iter().filter(|h| **h).count();
        assert!((30..=90).contains(&hits), "{hits} of 200 at p=0.3");
    }

    #[test]
    fn bad_rules_say_what_is_wrong() {
        let book = FaultBook::default();
        let err = |v: Value| book.add(spec(v)).expect_err("refused").to_string();
        let unknown = serde_json::from_value::<FaultSpec>(json!({"fault": "explode"}));
        let unknown = unknown.expect_err("refused").to_string();
        assert!(unknown.contains("unknown fault \"explode\""), "{unknown}");
        assert!(err(json!({"status": 500, "probability": 1.5})).contains("between 0 and 1"));
        assert!(err(json!({"path": "/api/[users", "status": 500})).contains("not a valid glob"));
        assert!(err(json!({"path": "/api/me"})).contains("does nothing"));
        assert!(err(json!({"status": 99})).contains("between 200 and 599"));
        assert!(err(json!({"delay_ms": [5, 1]})).contains("minimum above"));
    }

    #[test]
    fn a_header_condition_must_hold() {
        let book = FaultBook::default();
        book.add(spec(
            json!({"status": 503, "header": {"name": "X-Argilla-Api-Key", "value": "bob.apikey"}}),
        ))
        .expect("added");
        let mut headers = HeaderMap::new();
        headers.insert(
            "x-argilla-api-key",
            "argilla.apikey".parse().expect("value"),
        );
        assert!(book.pick(&Method::GET, "/api/me", &headers).is_none());
        headers.insert("x-argilla-api-key", "bob.apikey".parse().expect("value"));
        assert!(book.pick(&Method::GET, "/api/me", &headers).is_some());
    }
}
