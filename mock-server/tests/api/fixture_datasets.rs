//! Datasets declared in fixture files (README, "Fixture files"): served at start-up, restored by
//! a reset, copied into every namespace, shown by `/__mock/state`, and checked by the API's own
//! rules, each problem named by entry and field.

use std::path::PathBuf;

use crate::helpers::*;
use argilla_mock::Config;
use reqwest::Method;
use serde_json::{json, Value};

const REVIEWS: &str = "00000000-0000-4000-8000-0000000d5001";

async fn with_dataset_fixtures() -> TestApp {
    let fixtures = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fixtures/datasets.json");
    TestApp::with_config(Config {
        fixtures: Some(fixtures),
        ..Config::default()
    })
    .await
}

fn names(list: &Value) -> Vec<String> {
    (list["items"].as_array().cloned().unwrap_or_default().iter())
        .map(|i| i["name"].as_str().unwrap_or("").to_owned())
        .collect()
}

#[tokio::test]
async fn a_fixture_dataset_is_served_with_its_settings_in_file_order() -> TestResult {
    let app = with_dataset_fixtures().await;
    let path = format!("/api/v1/datasets/{REVIEWS}");
    let dataset = app.owner_expects(Method::GET, &path, None, 200).await;
    assert_eq!(
        (
            &dataset["name"],
            &dataset["status"],
            &dataset["allow_extra_metadata"]
        ),
        (&json!("reviews"), &json!("ready"), &json!(false))
    );
    let fields = app
        .owner_expects(Method::GET, &format!("{path}/fields"), None, 200)
        .await;
    assert_eq!(names(&fields), ["text", "product_image"]);
    assert_eq!(
        fields["items"][1]["title"], "product_image",
        "title defaults to the name"
    );
    let questions = app
        .owner_expects(Method::GET, &format!("{path}/questions"), None, 200)
        .await;
    assert_eq!(
        names(&questions),
        ["sentiment", "topics", "stars", "products", "comment"]
    );
    let properties = format!("/api/v1/me/datasets/{REVIEWS}/metadata-properties");
    let (_, visible) = app
        .send(Method::GET, &properties, Some(ANNOTATOR_KEY), None)
        .await;
    assert_eq!(names(&visible), ["source", "year"]);
    let vectors = app
        .owner_expects(Method::GET, &format!("{path}/vectors-settings"), None, 200)
        .await;
    assert_eq!(vectors["items"][0]["dimensions"], 384);
    let (_, mine) = app
        .send(
            Method::GET,
            "/api/v1/me/datasets",
            Some(ANNOTATOR_KEY),
            None,
        )
        .await;
    assert_eq!(names(&mine), ["reviews", "drafts"]);
    assert_eq!(mine["items"][1]["status"], "draft");
    Ok(())
}

#[tokio::test]
async fn a_reset_brings_deleted_fixture_datasets_back_and_drops_new_ones() -> TestResult {
    let app = with_dataset_fixtures().await;
    app.owner_expects(
        Method::DELETE,
        &format!("/api/v1/datasets/{REVIEWS}"),
        None,
        200,
    )
    .await;
    app.create_dataset("made-by-a-test").await;
    let (status, _) = app.admin(Method::POST, "/__mock/reset", None).await;
    assert_eq!(status, 200);
    let (_, mine) = app
        .send(Method::GET, "/api/v1/me/datasets", Some(OWNER_KEY), None)
        .await;
    assert_eq!(names(&mine), ["reviews", "drafts"]);
    let (_, namespaced) = app
        .send(
            Method::GET,
            "/ns/a/api/v1/me/datasets",
            Some(OWNER_KEY),
            None,
        )
        .await;
    assert_eq!(
        names(&namespaced),
        ["reviews", "drafts"],
        "a namespace starts from them"
    );
    let (_, state) = app.admin(Method::GET, "/__mock/state", None).await;
    let shown = &state["datasets"][0];
    assert_eq!(shown["id"], REVIEWS);
    assert_eq!(shown["questions"].as_array().map(Vec::len), Some(5));
    assert_eq!(shown["vectors_settings"][0]["name"], "embedding");
    Ok(())
}

#[tokio::test]
async fn fixtures_loaded_at_run_time_may_declare_datasets() -> TestResult {
    let app = TestApp::spawn().await;
    let fixtures = json!({
        "workspaces": [{"name": "w"}],
        "users": [{"username": "argilla", "role": "owner", "password": "12345678",
                   "api_key": "argilla.apikey", "workspaces": ["w"]}],
        "datasets": [{"name": "d", "workspace": "w", "status": "draft"}],
    });
    let (status, answer) = app
        .admin(Method::PUT, "/__mock/fixtures", Some(fixtures))
        .await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(
        answer,
        json!({"loaded": {"users": 1, "workspaces": 1, "datasets": 1, "records": 0}, "api_key": "argilla.apikey"})
    );
    let (_, mine) = app
        .send(Method::GET, "/api/v1/me/datasets", Some(OWNER_KEY), None)
        .await;
    assert_eq!(names(&mine), ["d"]);
    Ok(())
}

/// The problem `PUT /__mock/fixtures` names for one dataset entry (a workspace `w` exists).
async fn problem_of(dataset: Value) -> String {
    let app = TestApp::spawn().await;
    let fixtures = json!({"workspaces": [{"name": "w"}], "datasets": [dataset]});
    let (status, answer) = app
        .admin(Method::PUT, "/__mock/fixtures", Some(fixtures))
        .await;
    assert_eq!(status, 422, "{answer}");
    answer["detail"].as_str().unwrap_or("").to_owned()
}

#[tokio::test]
async fn a_bad_fixture_dataset_is_refused_naming_its_entry_and_field() -> TestResult {
    let prefix = "invalid fixture file request body: entry datasets[0] (\"d\"), field ";
    let cases = [
        (
            json!({"name": "d", "workspace": "nope", "status": "draft"}),
            "`workspace`: workspace \"nope\" is not defined under `workspaces`",
        ),
        (
            json!({"name": "d", "workspace": "w"}),
            "`fields`: a ready dataset needs a field (or give \"status\": \"draft\")",
        ),
        (
            json!({"name": "d", "workspace": "w", "fields": [{"name": "t", "settings": {"type": "text"}}]}),
            "`questions`: a ready dataset needs a required question (or give \"status\": \"draft\")",
        ),
        (
            json!({"name": "d", "workspace": "w", "status": "draft", "questions": [
                {"name": "q", "settings": {"type": "label_selection", "options": [{"value": "a", "text": "A"}]}}]}),
            "`questions[0].settings.label_selection.options`: List should have at least 2 items after validation, not 1",
        ),
        (
            json!({"name": "d", "workspace": "w", "status": "draft", "questions": [
                {"name": "q", "settings": {"type": "span", "field": "text", "options": [{"value": "a", "text": "A"}]}}]}),
            "`questions[0].settings.field`: \"text\" is not one of the dataset's fields",
        ),
        (
            json!({"name": "d", "workspace": "w", "status": "draft", "fields": [
                {"name": "t", "settings": {"type": "text"}}, {"name": "t", "settings": {"type": "image"}}]}),
            "`fields[1].name`: \"t\" is used by an earlier one of the dataset",
        ),
        (
            json!({"name": "d", "workspace": "w", "status": "draft", "fields": [
                {"name": "t", "settings": {"type": "text"}, "requird": true}]}),
            "`fields[0].requird`: unknown field, expected one of `name`, `title`, `required`, `settings`",
        ),
        (
            json!({"name": "d", "workspace": "w", "status": "draft", "guideline": "typo"}),
            "`guideline`: unknown field, expected one of `name`, `guidelines`, `allow_extra_metadata`, `distribution`, `metadata`",
        ),
    ];
    for (dataset, expected) in cases {
        assert_eq!(problem_of(dataset).await, format!("{prefix}{expected}"));
    }
    Ok(())
}

#[tokio::test]
async fn a_fixture_datasets_records_file_is_loaded_searched_and_restored() -> TestResult {
    let app = with_dataset_fixtures().await;
    let records = format!("/api/v1/datasets/{REVIEWS}/records?include=suggestions,vectors");
    let listed = app.owner_expects(Method::GET, &records, None, 200).await;
    assert_eq!(listed["total"], 5, "fixtures/datasets-records.jsonl");
    let first = &listed["items"][0];
    assert_eq!(first["external_id"], "review-1");
    assert_eq!(
        first["suggestions"][0]["agent"], "review-model-v1",
        "a question named"
    );
    assert_eq!(
        first["vectors"]["embedding"].as_array().map(Vec::len),
        Some(384)
    );
    let search = format!("/api/v1/datasets/{REVIEWS}/records/search");
    let body = json!({"query": {"text": {"q": "kettle"}}});
    let found = app
        .owner_expects(Method::POST, &search, Some(body), 200)
        .await;
    assert_eq!(found["items"][0]["record"]["external_id"], "review-3");
    let id = first["id"].as_str().expect("id");
    app.owner_expects(Method::DELETE, &format!("/api/v1/records/{id}"), None, 200)
        .await;
    let (_, state) = app.admin(Method::GET, "/__mock/state", None).await;
    assert_eq!(state["datasets"][0]["records"], 4, "the state shows counts");
    app.admin(Method::POST, "/__mock/reset", None).await;
    let restored = app.owner_expects(Method::GET, &records, None, 200).await;
    assert_eq!(restored["total"], 5, "a reset brings them back");
    let (_, namespaced) = app
        .send(
            Method::GET,
            &format!("/ns/b{}", &records),
            Some(OWNER_KEY),
            None,
        )
        .await;
    assert_eq!(namespaced["total"], 5, "a namespace starts with them");
    Ok(())
}

#[tokio::test]
async fn a_bad_fixture_record_is_refused_naming_its_place_and_why() -> TestResult {
    let prefix = "invalid fixture file request body: entry datasets[0] (\"d\"), field ";
    let dataset = |records: Value| {
        json!({"name": "d", "workspace": "w", "status": "draft", "records": records,
               "fields": [{"name": "text", "settings": {"type": "text"}}],
               "questions": [{"name": "q", "settings": {"type": "label_selection",
                   "options": [{"value": "a", "text": "A"}, {"value": "b", "text": "B"}]}}],
               "metadata_properties": [{"name": "year", "settings": {"type": "integer"}}]})
    };
    let cases = [
        (json!([{"fields": {"text": "ok"}}, {"fields": {}}]), "`records[1]`: fields cannot be empty"),
        (json!([{"fields": {"text": 1}}]), "`records[0].fields.text.constrained-str`: Input should be a valid string"),
        (json!([{"fields": {"text": "t"}, "metadata": {"year": "x"}}]),
         "`records[0]`: metadata is not valid: 'year' metadata property validation failed because 'x' is not an integer."),
        (json!([{"fields": {"text": "t"}, "suggestions": [{"question": "nope", "value": "a"}]}]),
         "`records[0]`: suggestion for question \"nope\", which the dataset has not"),
        (json!([{"fields": {"text": "t"}, "external_id": "e"}, {"fields": {"text": "u"}, "external_id": "e"}]),
         "`records[1]`: external id \"e\" is used by an earlier record"),
        (json!("missing.jsonl"), "`records`: missing.jsonl: cannot be read: No such file or directory (os error 2)"),
    ];
    for (records, expected) in cases {
        assert_eq!(
            problem_of(dataset(records)).await,
            format!("{prefix}{expected}")
        );
    }
    Ok(())
}
