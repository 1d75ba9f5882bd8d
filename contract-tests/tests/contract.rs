//! `cargo test -p argilla-contract`: every case through the Rust reference adapter (as a 1.x and
//! as a 2.x client) against an in-process argilla-mock, proof that each broken client is caught by
//! exactly the cases that should catch it, that the handshake's features decide which cases run,
//! and that a misbehaving adapter is a per-case harness error, never a stuck run.

use std::collections::HashSet;
use std::time::Duration;

use argilla_contract::cases;
use argilla_contract::protocol::Op;
use argilla_contract::runner::{run, CaseResult, RunOptions, Server, Status, NOT_SUPPORTED};
use argilla_contract::{catalogue, report};
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

fn ids(results: &[CaseResult], pick: impl Fn(&CaseResult) -> bool) -> Vec<&str> {
    results
        .iter()
        .filter(|r| pick(r))
        .map(|r| r.id.as_str())
        .collect()
}

/// Each case of the catalogue on its own (selected by its exact id), so a new case is tested
/// as soon as it is in `cases::all()`; the failure names every case that did not pass. As a 1.x
/// client, the reference client has only the 1.x `User` operations: every case of another
/// operation must be skipped as not supported, without the adapter being asked.
#[rstest]
#[case::api_1x("1.x")]
#[case::api_2x("2.x")]
#[tokio::test]
async fn the_reference_client_passes_every_case_it_supports(#[case] api: &str) {
    let mut problems = Vec::new();
    let client = format!("{ADAPTER} --api {api}");
    for case in cases::all() {
        let results = run_with(&client, Some(case.id)).await;
        let unsupported = match api {
            "1.x" => !Op::USER_1X.contains(&case.op),
            _ => case.id == "constructor.refused",
        };
        // The one case that only a 1.x client can pass: 2.x has no username pattern.
        let not_applicable = api == "2.x" && case.id == "create.bad_username";
        match results.as_slice() {
            [only] if only.id == case.id && unsupported => {
                if !(only.status == Status::Skipped
                    && only.unsupported
                    && only.message.starts_with(NOT_SUPPORTED))
                {
                    problems.push(format!("{}: should be not supported, is {only:?}", case.id))
                }
            }
            [only] if only.id == case.id && not_applicable => {
                if !(only.status == Status::Skipped
                    && !only.unsupported
                    && only.message.starts_with("applies to 1.x clients only"))
                {
                    problems.push(format!("{}: should not apply to 2.x, is {only:?}", case.id))
                }
            }
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
        "cases the reference client ({api}) got wrong:\n{}",
        problems.join("\n")
    );
}

/// The handshake's `features` decide which cases run: an adapter that lists none is never sent
/// a case (it would exit at the first `run`, a harness error), and every case is reported as not
/// supported, in the report lines, the coverage, the summary and the JUnit file.
#[tokio::test]
async fn cases_of_operations_missing_from_the_features_are_not_supported_not_failed() {
    let script = "read line; echo '{\"implementation\":{\"name\":\"x\",\"language\":\"sh\",\"version\":\"0\"},\"features\":[]}'; read line; exit 3";
    let results = run_with(script, None).await;
    assert_eq!(results.len(), cases::all().len());
    for r in &results {
        assert!(
            r.status == Status::Skipped && r.unsupported && r.message.starts_with(NOT_SUPPORTED),
            "{r:?}"
        );
    }
    // The 1.x reference client: its cases run and pass, the 2.x ones are not supported.
    let results = run_with(&format!("{ADAPTER} --api 1.x"), None).await;
    let unsupported = ids(&results, |r| r.unsupported);
    let expected: Vec<&str> = cases::all()
        .iter()
        .filter(|c| !Op::USER_1X.contains(&c.op))
        .map(|c| c.id)
        .collect();
    assert_eq!(unsupported, expected);
    assert_eq!(unsupported.len(), 25);
    assert_eq!(ids(&results, |r| r.status == Status::Passed).len(), 32);
    assert!(failed(&results).is_empty());
    assert_eq!(
        report::summary_line(&results),
        "32 passed, 0 failed, 25 skipped (25 not supported by this client)"
    );
    let coverage = report::coverage(&catalogue::behaviors(), &results);
    assert!(
        coverage.contains("  USER-ME                    2/2\n"),
        "{coverage}"
    );
    assert!(
        coverage.contains("  USER-UPDATE                not supported by this client (8 cases)\n"),
        "{coverage}"
    );
    let junit = report::junit(&results, "rust");
    assert_eq!(
        junit
            .matches("<skipped message=\"not supported by this client: `user.update`")
            .count(),
        8
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
// As 2.x clients: every case where the server answers 4xx (the 2.x SDK checks no role locally,
// and looks workspaces and users up by listing, so a miss there is no 4xx).
#[case::retry_on_4xx_2x("--api 2.x --break retry-on-4xx", &[
    "from_id.missing", "list.annotator_refused", "create.admin_refused", "delete.annotator_refused",
    "create.duplicate", "create.short_password", "me.wrong_key", "me.deleted_key", "hygiene.no_retry_after_409",
    "hygiene.no_retry_after_401", "update.short_password", "update.taken_username", "update.annotator_refused",
    "workspace_create.duplicate", "workspace_create.annotator_refused", "add_user.twice", "remove_user.non_member",
])]
#[case::no_owner_check_2x("--api 2.x --break no-owner-check", &[
    "list.annotator_refused", "create.admin_refused", "delete.annotator_refused", "update.annotator_refused",
    "workspace_create.annotator_refused",
])]
#[tokio::test]
async fn each_broken_client_fails_exactly_the_cases_that_should_catch_it(
    #[case] mode: &str,
    #[case] expected: &[&str],
) {
    let flags = if mode.starts_with("--") {
        mode.to_owned()
    } else {
        format!("--break {mode}")
    };
    let results = run_with(&format!("{ADAPTER} {flags}"), None).await;
    assert_eq!(results.len(), cases::all().len());
    assert_eq!(failed(&results), expected, "mode {mode}");
}

#[rstest]
#[case::crash("read line; echo '{\"implementation\":{\"name\":\"x\",\"language\":\"sh\",\"version\":\"0\"},\"features\":FEATURES}'; exit 3", "adapter")]
#[case::malformed_reply("read line; echo '{\"implementation\":{\"name\":\"x\",\"language\":\"sh\",\"version\":\"0\"},\"features\":FEATURES}'; while read l; do echo 'not json'; done", "reply is not JSON")]
#[case::hang("read line; echo '{\"implementation\":{\"name\":\"x\",\"language\":\"sh\",\"version\":\"0\"},\"features\":FEATURES}'; sleep 30", "no answer from the adapter")]
#[case::no_handshake("exit 0", "handshake")]
#[tokio::test]
async fn a_misbehaving_adapter_is_a_harness_error_per_case(
    #[case] script: &str,
    #[case] message: &str,
) {
    // The adapter claims every operation, so each selected case is sent to it.
    let features = serde_json::to_string(&Op::ALL).expect("valid");
    let script = script.replace("FEATURES", &features);
    let options = options(&script, Some("me."), Duration::from_millis(500));
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
