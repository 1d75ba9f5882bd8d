//! `cargo test -p argilla-contract`: every case through the Rust reference adapter against an
//! in-process argilla-mock, proof that each broken client is caught by exactly the cases that
//! should catch it, and that a misbehaving adapter is a per-case harness error, never a stuck run.

use std::collections::HashSet;
use std::time::Duration;

use argilla_contract::cases;
use argilla_contract::runner::{run, CaseResult, RunOptions, Status};
use argilla_mock::MockServer;
use rstest::rstest;

const ADAPTER: &str = env!("CARGO_BIN_EXE_argilla-contract-rust-adapter");

async fn run_with(client: &str, filter: Option<&str>) -> (MockServer, Vec<CaseResult>) {
    let server = MockServer::start().await;
    let options = RunOptions {
        client: client.to_owned(),
        server_url: server.url(),
        known_failing: HashSet::new(),
        filter: filter.map(str::to_owned),
        timeout: Duration::from_secs(10),
    };
    let results = run(&options).await.expect("run completes");
    (server, results)
}

fn failed(results: &[CaseResult]) -> Vec<&str> {
    results
        .iter()
        .filter(|r| r.status == Status::Failed)
        .map(|r| r.id.as_str())
        .collect()
}

const ALL_CASES: [&str; 32] = [
    "me.owner",
    "me.annotator",
    "list.everyone",
    "from_name.found",
    "from_id.found",
    "create.annotator",
    "create.with_workspaces",
    "delete.existing",
    "workspaces.annotator",
    "workspaces.owner",
    "constructor.refused",
    "from_name.missing",
    "from_id.missing",
    "delete.missing",
    "list.server_error",
    "list.connection_reset",
    "me.server_error",
    "me.malformed_body",
    "create.server_error",
    "list.annotator_refused",
    "create.admin_refused",
    "delete.annotator_refused",
    "create.duplicate",
    "create.short_password",
    "create.bad_username",
    "create.unknown_workspace",
    "me.wrong_key",
    "me.deleted_key",
    "me.unreachable",
    "hygiene.key_header",
    "hygiene.no_retry_after_409",
    "hygiene.no_retry_after_401",
];

#[test]
fn the_case_list_below_is_the_whole_catalogue() {
    let ids: Vec<&str> = cases::all().iter().map(|c| c.id).collect();
    assert_eq!(ids, ALL_CASES);
}

#[rstest]
#[tokio::test]
async fn the_reference_client_passes(
    #[values(
        "me.owner",
        "me.annotator",
        "list.everyone",
        "from_name.found",
        "from_id.found",
        "create.annotator",
        "create.with_workspaces",
        "delete.existing",
        "workspaces.annotator",
        "workspaces.owner",
        "constructor.refused",
        "from_name.missing",
        "from_id.missing",
        "delete.missing",
        "list.server_error",
        "list.connection_reset",
        "me.server_error",
        "me.malformed_body",
        "create.server_error",
        "list.annotator_refused",
        "create.admin_refused",
        "delete.annotator_refused",
        "create.duplicate",
        "create.short_password",
        "create.bad_username",
        "create.unknown_workspace",
        "me.wrong_key",
        "me.deleted_key",
        "me.unreachable",
        "hygiene.key_header",
        "hygiene.no_retry_after_409",
        "hygiene.no_retry_after_401"
    )]
    case: &str,
) {
    let (_server, results) = run_with(ADAPTER, Some(case)).await;
    assert_eq!(results.len(), 1, "exactly the case {case}");
    assert_eq!(
        results[0].status,
        Status::Passed,
        "{case}: {}",
        results[0].message
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
    let (_server, results) = run_with(&format!("{ADAPTER} --break {mode}"), None).await;
    assert_eq!(results.len(), ALL_CASES.len());
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
    let server = MockServer::start().await;
    let options = RunOptions {
        client: script.to_owned(),
        server_url: server.url(),
        known_failing: HashSet::new(),
        filter: Some("me.".to_owned()),
        timeout: Duration::from_millis(500),
    };
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
    let server = MockServer::start().await;
    let mut options = RunOptions {
        client: format!("{ADAPTER} --break no-owner-check"),
        server_url: server.url(),
        known_failing: ["list.annotator_refused".to_owned(), "me.owner".to_owned()].into(),
        filter: None,
        timeout: Duration::from_secs(10),
    };
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
