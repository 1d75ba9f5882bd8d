//! `/openapi.json`: the document describes exactly the routes the server has, and each
//! described operation is answered by its handler, not by the unknown-path fallback.

mod common;

use std::collections::BTreeSet;

use argilla_mock::api;
use common::*;
use reqwest::Method;
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

fn document() -> Value {
    serde_json::from_str(api::OPENAPI_JSON).expect("the document is JSON")
}

#[test]
fn every_route_is_described_and_every_description_is_routed() {
    let routed: BTreeSet<(String, String)> = api::routes(argilla_mock::profile::Generations::V1)
        .routes()
        .iter()
        .map(|(method, path)| (method.to_string(), (*path).to_owned()))
        .collect();
    let described = described(&document());
    let undescribed: Vec<_> = routed.difference(&described).collect();
    let unrouted: Vec<_> = described.difference(&routed).collect();
    assert!(
        undescribed.is_empty(),
        "routed, not described: {undescribed:?}"
    );
    assert!(unrouted.is_empty(), "described, not routed: {unrouted:?}");
    assert_eq!(routed.len(), 16, "the 16 operations of the users API");
}

#[test]
fn every_reference_resolves_and_every_operation_has_an_id_and_responses() {
    let doc = document();
    let text = api::OPENAPI_JSON;
    for reference in text.split("\"$ref\": \"#/").skip(1) {
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
        assert!(
            op["responses"]["200"].is_object(),
            "{method} {path} has a 200"
        );
        let needs_key = !op["security"].as_array().expect("security").is_empty();
        assert_eq!(
            op["responses"]["401"].is_object(),
            needs_key || path == "/api/security/token",
            "{method} {path}: 401 declared exactly when credentials are checked"
        );
    }
}

#[tokio::test]
async fn the_document_is_served_where_the_real_server_serves_its_own_and_at_the_root() -> TestResult
{
    let app = TestApp::spawn().await;
    for path in ["/openapi.json", "/api/docs/spec.json"] {
        let response = app.get(path, None).await;
        assert_eq!(response.status(), 200, "{path}");
        assert_eq!(response.headers()["content-type"], "application/json");
        let doc: Value = response.json().await?;
        assert_eq!(doc, document(), "{path}");
        assert_eq!(doc["openapi"], "3.0.3");
    }
    Ok(())
}

#[tokio::test]
async fn every_described_operation_reaches_its_handler() -> TestResult {
    let app = TestApp::spawn().await;
    for (method, path) in described(&document()) {
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
