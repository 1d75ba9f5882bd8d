//! `/openapi.json`: under every profile the document describes exactly the routes the server
//! has, and each described operation is answered by its handler, not by the unknown-path
//! fallback. Each generation's own document is where its real server serves it.

use std::collections::BTreeSet;

use crate::helpers::*;
use argilla_mock::profile::Generations;
use argilla_mock::{api, Config};
use reqwest::Method;
use rstest::rstest;
use serde_json::Value;

const METHODS: [&str; 7] = ["get", "put", "post", "delete", "options", "head", "patch"];

fn described(doc: &Value) -> BTreeSet<(String, String)> {
    let mut ops = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for method in METHODS {
            if item.get(method).is_some() {
                ops.insert((method.to_uppercase(), path.clone()));
            }
        }
    }
    ops
}

fn document(generations: Generations) -> Value {
    serde_json::from_str(api::openapi_document(generations)).expect("the document is JSON")
}

/// The `--argilla-version` that gives a profile (none: both generations).
fn version_of(generations: Generations) -> Option<String> {
    match generations {
        Generations::Argilla1 => Some("1.14.1".into()),
        Generations::Argilla2 => Some("2.8.0".into()),
        Generations::Both => None,
    }
}

async fn spawn(generations: Generations) -> TestApp {
    TestApp::with_config(Config {
        argilla_version: version_of(generations),
        ..Config::default()
    })
    .await
}

#[rstest]
#[case::argilla1(Generations::Argilla1, 16)]
#[case::argilla2(Generations::Argilla2, 63)]
#[case::both(Generations::Both, 75)]
fn every_route_is_described_and_every_description_is_routed(
    #[case] generations: Generations,
    #[case] operations: usize,
) {
    let routed: BTreeSet<(String, String)> = api::routes(generations)
        .routes()
        .iter()
        .map(|(method, path)| (method.to_string(), (*path).to_owned()))
        .collect();
    let described = described(&document(generations));
    let undescribed: Vec<_> = routed.difference(&described).collect();
    let unrouted: Vec<_> = described.difference(&routed).collect();
    assert!(
        undescribed.is_empty(),
        "routed, not described: {undescribed:?}"
    );
    assert!(unrouted.is_empty(), "described, not routed: {unrouted:?}");
    assert_eq!(
        routed.len(),
        operations,
        "the operations of {generations:?}"
    );
}

#[rstest]
fn every_reference_resolves_and_every_operation_has_an_id_and_responses(
    #[values(Generations::Argilla1, Generations::Argilla2, Generations::Both)]
    generations: Generations,
) {
    let doc = document(generations);
    let text = doc.to_string();
    for reference in text.split("\"$ref\":\"#/").skip(1) {
        let pointer = format!(
            "/{}",
            &reference[..reference.find('"').expect("closing quote")]
        );
        assert!(doc.pointer(&pointer).is_some(), "{pointer} resolves");
    }
    let mut ids = BTreeSet::new();
    for (method, path) in described(&doc) {
        let op = &doc["paths"][&path][method.to_lowercase()];
        let id = op["operationId"].as_str().expect("operationId");
        assert!(ids.insert(id.to_owned()), "{id} is unique");
        let successes = ["200", "201", "204"]
            .iter()
            .filter(|code| op["responses"][**code].is_object())
            .count();
        assert!(
            successes >= 1,
            "{method} {path} has a 200, a 201 (a create) or a 204 (a delete)"
        );
        let needs_key = !op["security"].as_array().expect("security").is_empty();
        assert_eq!(
            op["responses"]["401"].is_object(),
            needs_key || path == "/api/security/token" || path == "/api/v1/token",
            "{method} {path}: 401 declared exactly when credentials are checked"
        );
    }
}

#[rstest]
#[case::argilla1(Generations::Argilla1, &["/openapi.json", "/api/docs/spec.json"], &["/api/v1/openapi.json"])]
#[case::argilla2(Generations::Argilla2, &["/openapi.json"], &["/api/docs/spec.json"])]
#[case::both(Generations::Both, &["/openapi.json", "/api/docs/spec.json"], &[])]
#[tokio::test]
async fn the_document_is_served_where_the_real_server_serves_its_own_and_at_the_root(
    #[case] generations: Generations,
    #[case] whole: &[&str],
    #[case] not_there: &[&str],
) -> TestResult {
    let app = spawn(generations).await;
    for path in whole {
        let response = app.get(path, None).await;
        assert_eq!(response.status(), 200, "{path}");
        assert_eq!(response.headers()["content-type"], "application/json");
        let doc: Value = response.json().await?;
        assert_eq!(doc, document(generations), "{path}");
        assert_eq!(doc["openapi"], "3.0.3");
    }
    if generations != Generations::Argilla1 {
        let response = app.get("/api/v1/openapi.json", None).await;
        assert_eq!(response.status(), 200);
        let doc: Value = response.json().await?;
        assert_eq!(
            doc,
            document(Generations::Argilla2),
            "argilla-server 2.8's own place"
        );
    }
    for path in not_there {
        let response = app.get(path, None).await;
        let is_json = response.headers()["content-type"] == "application/json";
        let text = response.text().await?;
        assert!(
            !is_json || !text.contains("\"openapi\""),
            "{path} is not a document under {generations:?}: {text:.200}"
        );
    }
    Ok(())
}

#[rstest]
#[tokio::test]
async fn every_described_operation_reaches_its_handler(
    #[values(Generations::Argilla1, Generations::Argilla2, Generations::Both)]
    generations: Generations,
) -> TestResult {
    let app = spawn(generations).await;
    for (method, path) in described(&document(generations)) {
        let concrete = path
            .replace("{user_id}", UNKNOWN_ID)
            .replace("{workspace_id}", UNKNOWN_ID);
        let method = Method::from_bytes(method.as_bytes())?;
        let response = app
            .request(method.clone(), &concrete, Some(OWNER_KEY))
            .send()
            .await?;
        let status = response.status().as_u16();
        let body: Value = response.json().await?;
        assert_ne!(status, 405, "{method} {path} is routed");
        assert_ne!(
            body,
            serde_json::json!({"detail": "Not Found"}),
            "{method} {path} is not the unknown-path fallback"
        );
        assert!(status < 500, "{method} {path}: {status}");
    }
    Ok(())
}
