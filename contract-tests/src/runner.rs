//! Runs the cases through an adapter, one after the other, and turns each into a result: the
//! loop (with a fresh adapter after a harness error) and the known-failing list live here; the
//! server under test is in [`target`], the checks of a case in [`judge`].

mod judge;
mod target;

use std::collections::HashSet;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::adapter::Adapter;
use crate::cases::{Base, Case, Key};
use crate::protocol::{Outcome, RunRequest};
pub use target::Server;
use target::{Target, OWNER_KEY};

/// Where a case with [`Base::Unreachable`] is sent: a loopback port nothing listens on.
const UNREACHABLE_URL: &str = "http://127.0.0.1:9";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Passed,
    Failed,
    Skipped,
}

/// The start of the message of a case skipped because the client lacks its operation.
pub const NOT_SUPPORTED: &str = "not supported by this client";

#[derive(Debug, Clone)]
pub struct CaseResult {
    pub id: String,
    pub behavior: String,
    pub status: Status,
    /// Skipped because the adapter's handshake does not list the case's operation.
    pub unsupported: bool,
    pub message: String,
    pub duration: Duration,
    /// The requests the server saw for the case (argilla-mock only), for `--trace`.
    pub exchanges: Vec<Value>,
}

#[derive(Debug, Clone)]
pub struct RunOptions {
    /// The adapter command, run with `sh -c`.
    pub client: String,
    pub server: Server,
    /// Cases that must fail (each one that passes fails the run instead).
    pub known_failing: HashSet<String>,
    /// A case id selects that case alone; other text, the cases whose id or behaviour contains it.
    pub filter: Option<String>,
    /// How long to wait for each adapter reply.
    pub timeout: Duration,
}

/// How one case ended, before the known-failing list is applied.
enum Judged {
    Pass(Vec<Value>),
    Fail(String, Vec<Value>),
    Skip(String),
    /// The client does not have the case's operation (not in its `features`).
    Unsupported(String),
    /// The adapter crashed, hung or wrote something that is not the protocol.
    Harness(String),
}

/// Runs every selected case, restarting the adapter after a harness error.
pub async fn run(options: &RunOptions) -> anyhow::Result<Vec<CaseResult>> {
    let target = Target::connect(&options.server).await?;
    let cases = select(crate::cases::all(), options.filter.as_deref());
    let run_id = &uuid::Uuid::new_v4().simple().to_string()[..8];
    let mut adapter: Option<Adapter> = None;
    let mut results = Vec::new();
    for (n, case) in cases.iter().enumerate() {
        let started = Instant::now();
        let running = match &mut adapter {
            Some(running) => running,
            None => match Adapter::start(&options.client, options.timeout).await {
                Ok(started) => adapter.insert(started),
                Err(e) => {
                    let message = format!("harness error: {e}");
                    results.push(result(case, Status::Failed, message, started, Vec::new()));
                    continue;
                }
            },
        };
        let tag = format!("{run_id}-{n}");
        let mut unsupported = false;
        let (status, message, exchanges) =
            match run_case(&target, running, case, &tag, options.timeout).await {
                Judged::Pass(exchanges) => (Status::Passed, String::new(), exchanges),
                Judged::Fail(why, exchanges) => (Status::Failed, why, exchanges),
                Judged::Skip(why) => (Status::Skipped, why, Vec::new()),
                Judged::Unsupported(why) => {
                    unsupported = true;
                    (Status::Skipped, why, Vec::new())
                }
                Judged::Harness(why) => {
                    // Start a fresh adapter for the next case.
                    if let Some(broken) = adapter.take() {
                        broken.kill().await;
                    }
                    (Status::Failed, format!("harness error: {why}"), Vec::new())
                }
            };
        let (status, message) = if options.known_failing.contains(case.id) {
            known_failure(status, message)
        } else {
            (status, message)
        };
        let mut done = result(case, status, message, started, exchanges);
        done.unsupported = unsupported;
        results.push(done);
    }
    if let Some(adapter) = adapter {
        adapter.close().await;
    }
    Ok(results)
}

/// The cases a `--filter` selects, in catalogue order.
fn select(cases: Vec<Case>, filter: Option<&str>) -> Vec<Case> {
    let Some(filter) = filter else {
        return cases;
    };
    if cases.iter().any(|c| c.id == filter) {
        cases.into_iter().filter(|c| c.id == filter).collect()
    } else {
        cases
            .into_iter()
            .filter(|c| c.id.contains(filter) || c.behavior.contains(filter))
            .collect()
    }
}

/// A listed case must fail: its failure passes, its pass fails (so the list cannot go stale).
fn known_failure(status: Status, message: String) -> (Status, String) {
    match status {
        Status::Failed => (Status::Passed, format!("known failure: {message}")),
        Status::Passed => (
            Status::Failed,
            "listed as known-failing but passed: remove it from the list".into(),
        ),
        Status::Skipped => (Status::Skipped, message),
    }
}

fn result(
    case: &Case,
    status: Status,
    message: String,
    started: Instant,
    exchanges: Vec<Value>,
) -> CaseResult {
    CaseResult {
        id: case.id.to_owned(),
        behavior: case.behavior.to_owned(),
        status,
        unsupported: false,
        message,
        duration: started.elapsed(),
        exchanges,
    }
}

/// Prepares the case on the target, has the adapter perform it, and judges what came of it.
async fn run_case(
    target: &Target,
    adapter: &mut Adapter,
    case: &Case,
    tag: &str,
    timeout: Duration,
) -> Judged {
    let api = adapter.hello.api;
    if !adapter.hello.features.contains(&case.op) {
        return Judged::Unsupported(format!(
            "{NOT_SUPPORTED}: `{}` is not among its features",
            case.op
        ));
    }
    if let Some((only, why)) = case.only {
        if only != api {
            return Judged::Skip(format!("applies to {only} clients only: {why}"));
        }
    }
    if case.fault.is_some() && !target.admin {
        return Judged::Skip("needs argilla-mock's admin API for fault injection".into());
    }
    let prepared = match target.prepare(case, tag, api).await {
        Ok(p) => p,
        Err(e) => return Judged::Fail(format!("could not prepare the case: {e}"), Vec::new()),
    };
    let request = RunRequest {
        seq: 0,
        case: case.id.to_owned(),
        base_url: match case.base {
            Base::Server => prepared.base.clone(),
            Base::Unreachable => UNREACHABLE_URL.to_owned(),
        },
        api_key: match case.key {
            Key::Owner => OWNER_KEY.to_owned(),
            Key::Subject => prepared.subject_key.clone(),
            Key::Wrong => "not-a-valid-key".to_owned(),
        },
        op: case.op,
        args: prepared.fill_value(&case.args),
    };
    let outcome = match adapter.run(request, timeout).await {
        Ok(outcome) => outcome,
        Err(e) => return Judged::Harness(e),
    };
    let exchanges = target.exchanges(&prepared).await;
    if let Outcome::Skipped(why) = &outcome {
        return Judged::Skip(format!("adapter skipped: {why}"));
    }
    let mut problems: Vec<String> = judge::outcome(&case.expect, &outcome, &prepared)
        .err()
        .into_iter()
        .collect();
    if target.admin {
        problems.extend(judge::journal(case, &exchanges, &prepared));
    }
    if !case.after.is_empty() {
        match target.state(&case.after, &prepared).await {
            Ok(state) => problems.extend(judge::state_afterwards(&case.after, &state, &prepared)),
            Err(e) => problems.push(format!("could not check the state afterwards: {e}")),
        }
    }
    if problems.is_empty() {
        Judged::Pass(exchanges)
    } else {
        Judged::Fail(problems.join("; "), exchanges)
    }
}
