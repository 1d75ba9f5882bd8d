//! `cargo test -p argilla-contract`: every case through the Rust reference adapter against an
//! in-process argilla-mock, proof that each broken client is caught by exactly the cases that
//! should catch it, and that a misbehaving adapter is a per-case harness error, never a stuck run.

use std::collections::HashSet;
use std::time::Duration;

use argilla_contract::cases;
use argilla_contract::runner::{run, CaseResult, RunOptions, Server, Status};
use rstest::rstest;

const ADAPTER: &str = env!("CARGO_BIN_EXE_argilla-contract-rust-adapter");

fn options(client: &str, filter: Option<&str>, timeout: Duration) -> RunOptions {
    RunOptions {
        client: client.to_owned(),
        server: Server::Embedded,
        known_failing: HashSet::new(),
        filter: filter.map(str::to_owned),
        timeout,
    }
}

async fn run_with(client: &str, filter: Option<&str>) -> Vec<CaseResult> {
    let options = options(client, filter, Duration::from_secs(10));
    run(&options).await.expect("run completes")
}

fn failed(results: &[CaseResult]) -> Vec<&str> {
    results
        .iter()
        .filter(|r| r.status == Status::Failed)
        .map(|r| r.id.as_str())
        .collect()
}

/// Each case of the catalogue on its own (selected by its exact id), so a new case is tested
/// as soon as it is in `cases::all()`; the failure names every case that did not pass.
#[tokio::test]
async fn the_reference_client_passes_every_case() {
    let mut problems = Vec::new();
    for case in cases::all() {
        let results = run_with(ADAPTER, Some(case.id)).await;
        match results.as_slice() {
            [only] if only.id == case.id && only.status == Status::Passed => {}
            [only] if only.id == case.id => {
                problems.push(format!("{}: {:?}: {}", case.id, only.status, only.message))
            }
            other => problems.push(format!(
                "{}: the filter selected {:?}, not exactly the case",
                case.id,
                other.iter().map(|r| r.id.as_str()).collect::<Vec<_>>()
            )),
        }
    }
    assert!(
        problems.is_empty(),
        "cases the reference client failed:\n{}",
        problems.join("\n")
    );
}

#[rstest]
#[case::swallow_errors("swallow-errors", &[
    "constructor.refused", "from_name.missing", "from_id.missing", "delete.missing", "list.server_error",
    "list.connection_reset", "me.server_error", "me.malformed_body", "create.server_error",
    "list.annotator_refused", "create.admin_refused", "delete.annotator_refused", "create.duplicate",
    "create.short_password", "create.bad_username", "create.unknown_workspace", "me.wrong_key",
    "me.deleted_key", "me.unreachable", "hygiene.no_retry_after_409", "hygiene.no_retry_after_401",
])]
// Every case that talks to the server fails; local refusals and the unreachable server do not.
#[case::wrong_header("wrong-header", &[
    "me.owner", "me.annotator", "list.everyone", "from_name.found", "from_id.found", "create.annotator",
    "create.with_workspaces", "delete.existing", "workspaces.annotator", "workspaces.owner",
    "from_name.missing", "from_id.missing", "delete.missing", "list.server_error", "list.connection_reset",
    "me.server_error", "me.malformed_body", "create.server_error", "list.annotator_refused",
    "create.admin_refused", "delete.annotator_refused", "create.duplicate", "create.unknown_workspace",
    "me.wrong_key", "me.deleted_key", "hygiene.key_header", "hygiene.no_retry_after_409",
    "hygiene.no_retry_after_401",
])]
#[case::no_owner_check("no-owner-check", &["list.annotator_refused", "create.admin_refused", "delete.annotator_refused"])]
#[case::retry_on_4xx("retry-on-4xx", &[
    "create.duplicate", "create.unknown_workspace", "me.wrong_key", "me.deleted_key",
    "hygiene.no_retry_after_409", "hygiene.no_retry_after_401",
])]
#[case::ignore_workspaces("ignore-workspaces", &["create.with_workspaces", "create.unknown_workspace"])]
#[tokio::test]
async fn each_broken_client_fails_exactly_the_cases_that_should_catch_it(
    #[case] mode: &str,
    #[case] expected: &[&str],
) {
    let results = run_with(&format!("{ADAPTER} --break {mode}"), None).await;
    assert_eq!(results.len(), cases::all().len());
    assert_eq!(failed(&results), expected, "mode {mode}");
}

#[rstest]
#[case::crash("read line; echo '{\"implementation\":{\"name\":\"x\",\"language\":\"sh\",\"version\":\"0\"},\"features\":[]}'; exit 3", "adapter")]
#[case::malformed_reply("read line; echo '{\"implementation\":{\"name\":\"x\",\"language\":\"sh\",\"version\":\"0\"},\"features\":[]}'; while read l; do echo 'not json'; done", "reply is not JSON")]
#[case::hang("read line; echo '{\"implementation\":{\"name\":\"x\",\"language\":\"sh\",\"version\":\"0\"},\"features\":[]}'; sleep 30", "no answer from the adapter")]
#[case::no_handshake("exit 0", "handshake")]
#[tokio::test]
async fn a_misbehaving_adapter_is_a_harness_error_per_case(
    #[case] script: &str,
    #[case] message: &str,
) {
    let options = options(script, Some("me."), Duration::from_millis(500));
    let results = run(&options).await.expect("the run ends");
    assert!(results.len() >= 2, "every selected case is reported");
    for r in &results {
        assert_eq!(r.status, Status::Failed, "{}", r.id);
        assert!(
            r.message.starts_with("harness error:") && r.message.contains(message),
            "{}: {}",
            r.id,
            r.message
        );
    }
}

#[tokio::test]
async fn known_failing_cases_must_fail() {
    let mut options = options(
        &format!("{ADAPTER} --break no-owner-check"),
        None,
        Duration::from_secs(10),
    );
    options.known_failing = ["list.annotator_refused".to_owned(), "me.owner".to_owned()].into();
    let results = run(&options).await.expect("run");
    let by_id = |id: &str| {
        results
            .iter()
            .find(|r| r.id == id)
            .expect("case ran")
            .clone()
    };
    assert_eq!(
        by_id("list.annotator_refused").status,
        Status::Passed,
        "an expected failure"
    );
    assert!(by_id("list.annotator_refused")
        .message
        .starts_with("known failure"));
    let stale = by_id("me.owner");
    assert_eq!(
        stale.status,
        Status::Failed,
        "a known-failing entry that passes is stale"
    );
    assert!(stale.message.contains("remove it"));
    options.known_failing.clear();
    let results = run(&options).await.expect("run");
    assert_eq!(failed(&results).len(), 3);
}
