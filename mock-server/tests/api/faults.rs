//! Fault rules reach a client as a real outage would (issue "control plane", item 2).
//! Each kind is exercised through reqwest here and through the real SDK in tests/sdk.

use std::time::{Duration, Instant};

use crate::helpers::*;
use reqwest::Method;
use serde_json::{json, Value};

async fn add_fault(app: &TestApp, rule: Value) -> u64 {
    let (status, body) = app.admin(Method::POST, "/__mock/faults", Some(rule)).await;
    assert_eq!(status, 200, "{body}");
    body["id"].as_u64().expect("rule id")
}

#[tokio::test]
async fn a_status_rule_answers_with_argillas_generic_server_error() -> TestResult {
    let app = TestApp::spawn().await;
    add_fault(
        &app,
        json!({"method": "GET", "path": "/api/users", "status": 500}),
    )
    .await;
    let (status, body) = status_and_json(app.get("/api/users", Some(OWNER_KEY)).await).await;
    assert_eq!(status, 500);
    assert_eq!(
        body["detail"]["code"],
        "argilla.api.errors::GenericServerError"
    );
    // Other requests are untouched.
    assert_eq!(app.get("/api/me", Some(OWNER_KEY)).await.status(), 200);
    Ok(())
}

#[tokio::test]
async fn a_rule_with_times_expires() -> TestResult {
    let app = TestApp::spawn().await;
    add_fault(
        &app,
        json!({"path": "/api/me", "status": 503, "times": 1, "body": {"detail": "down"}}),
    )
    .await;
    let (status, body) = status_and_json(app.get("/api/me", Some(OWNER_KEY)).await).await;
    assert_eq!((status, body), (503, json!({"detail": "down"})));
    assert_eq!(app.get("/api/me", Some(OWNER_KEY)).await.status(), 200);
    let (_, rules) = app.admin(Method::GET, "/__mock/faults", None).await;
    assert_eq!(rules["faults"], json!([]));
    Ok(())
}

#[tokio::test]
async fn a_429_carries_retry_after() -> TestResult {
    let app = TestApp::spawn().await;
    add_fault(
        &app,
        json!({"path": "/api/me", "status": 429, "retry_after": 7}),
    )
    .await;
    let response = app.get("/api/me", Some(OWNER_KEY)).await;
    assert_eq!(response.status(), 429);
    assert_eq!(response.headers()["retry-after"], "7");
    Ok(())
}

#[tokio::test]
async fn a_delay_rule_answers_normally_but_late() -> TestResult {
    let app = TestApp::spawn().await;
    add_fault(&app, json!({"path": "/api/me", "delay_ms": 150})).await;
    let started = Instant::now();
    let response = app.get("/api/me", Some(OWNER_KEY)).await;
    assert_eq!(response.status(), 200);
    assert!(started.elapsed() >= Duration::from_millis(150));
    // A client timeout shorter than the delay sees a timeout, as with a slow server.
    let client = reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_millis(50))
        .build()?;
    let error = client
        .get(app.url("/api/me"))
        .header("X-Argilla-Api-Key", OWNER_KEY)
        .send()
        .await
        .expect_err("times out");
    assert!(error.is_timeout(), "{error}");
    Ok(())
}

#[tokio::test]
async fn a_connection_reset_rule_cuts_the_connection() -> TestResult {
    let app = TestApp::spawn().await;
    add_fault(
        &app,
        json!({"path": "/api/users", "fault": "connection_reset", "times": 1}),
    )
    .await;
    let error = app
        .request(Method::GET, "/api/users", Some(OWNER_KEY))
        .send()
        .await
        .expect_err("no answer");
    assert!(error.is_request() || error.is_connect(), "{error:?}");
    // The server itself is fine.
    assert_eq!(app.get("/api/users", Some(OWNER_KEY)).await.status(), 200);
    Ok(())
}

#[tokio::test]
async fn a_connection_reset_is_a_tcp_reset() -> TestResult {
    use std::io::{Read, Write};
    let app = TestApp::spawn().await;
    add_fault(&app, json!({"fault": "connection_reset"})).await;
    let addr = app.server.addr();
    let result = tokio::task::spawn_blocking(move || {
        let mut stream = std::net::TcpStream::connect(addr)?;
        stream.set_read_timeout(Some(Duration::from_secs(5)))?;
        stream.write_all(b"GET /api/me HTTP/1.1\r\nHost: x\r\n\r\n")?;
        let mut buf = [0u8; 64];
        stream.read(&mut buf)
    })
    .await?;
    let error = result.expect_err("the read fails");
    assert_eq!(error.kind(), std::io::ErrorKind::ConnectionReset, "{error}");
    Ok(())
}

#[tokio::test]
async fn an_empty_response_rule_closes_without_a_byte() -> TestResult {
    use std::io::{Read, Write};
    let app = TestApp::spawn().await;
    add_fault(&app, json!({"path": "/api/me", "fault": "empty_response"})).await;
    let addr = app.server.addr();
    let read = tokio::task::spawn_blocking(move || -> std::io::Result<Vec<u8>> {
        let mut stream = std::net::TcpStream::connect(addr)?;
        stream.set_read_timeout(Some(Duration::from_secs(5)))?;
        stream.write_all(b"GET /api/me HTTP/1.1\r\nHost: x\r\n\r\n")?;
        let mut all = Vec::new();
        stream.read_to_end(&mut all)?;
        Ok(all)
    })
    .await??;
    assert!(read.is_empty(), "{:?}", String::from_utf8_lossy(&read));
    let error = app
        .request(Method::GET, "/api/me", Some(OWNER_KEY))
        .send()
        .await
        .expect_err("no answer");
    assert!(error.is_request(), "{error:?}");
    Ok(())
}

#[tokio::test]
async fn a_malformed_body_rule_keeps_the_status_and_breaks_the_json() -> TestResult {
    let app = TestApp::spawn().await;
    add_fault(&app, json!({"path": "/api/me", "fault": "malformed_body"})).await;
    let response = app.get("/api/me", Some(OWNER_KEY)).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/json");
    let text = response.text().await?;
    assert!(text.starts_with("{\"id\":"), "{text}");
    assert!(serde_json::from_str::<Value>(&text).is_err());
    Ok(())
}

#[tokio::test]
async fn header_and_glob_conditions_choose_the_requests() -> TestResult {
    let app = TestApp::spawn().await;
    add_fault(&app, json!({"method": "DELETE", "path": "/api/users/*", "header": {"name": "X-Argilla-Api-Key", "value": OWNER_KEY}, "status": 500})).await;
    let (status, _) = status_and_json(
        app.delete(&format!("/api/users/{BOB_ID}"), Some(ANNOTATOR_KEY))
            .await,
    )
    .await;
    assert_eq!(status, 403, "another key: no fault");
    let (status, _) = status_and_json(
        app.delete(&format!("/api/users/{BOB_ID}"), Some(OWNER_KEY))
            .await,
    )
    .await;
    assert_eq!(status, 500);
    assert!(
        app.usernames().await.contains(&"bob".to_owned()),
        "a failed call changes nothing"
    );
    Ok(())
}

#[tokio::test]
async fn a_seeded_probability_hits_the_same_requests_on_every_run() -> TestResult {
    async fn pattern() -> Vec<u16> {
        let app = TestApp::spawn().await;
        add_fault(
            &app,
            json!({"path": "/api/me", "status": 500, "probability": 0.3, "seed": 7}),
        )
        .await;
        let mut statuses = Vec::new();
        for _ in 0..40 {
            statuses.push(app.get("/api/me", Some(OWNER_KEY)).await.status().as_u16());
        }
        statuses
    }
    let first = pattern().await;
    assert_eq!(first, pattern().await);
    let failures = first.iter().filter(|s| **s == 500).count();
    assert!((3..=25).contains(&failures), "{failures} of 40");
    Ok(())
}

#[tokio::test]
async fn rules_can_be_listed_and_removed() -> TestResult {
    let app = TestApp::spawn().await;
    let first = add_fault(&app, json!({"path": "/api/me", "status": 500})).await;
    add_fault(&app, json!({"path": "/api/users", "status": 500})).await;
    let (_, listed) = app.admin(Method::GET, "/__mock/faults", None).await;
    assert_eq!(listed["faults"][0]["id"], first);
    assert_eq!(listed["faults"][0]["path"], "/api/me");
    let (status, _) = app
        .admin(Method::DELETE, &format!("/__mock/faults/{first}"), None)
        .await;
    assert_eq!(status, 200);
    assert_eq!(app.get("/api/me", Some(OWNER_KEY)).await.status(), 200);
    let (status, _) = app
        .admin(Method::DELETE, &format!("/__mock/faults/{first}"), None)
        .await;
    assert_eq!(status, 404);
    app.admin(Method::DELETE, "/__mock/faults", None).await;
    assert_eq!(app.get("/api/users", Some(OWNER_KEY)).await.status(), 200);
    Ok(())
}

#[tokio::test]
async fn bad_rules_are_422_with_a_message_saying_what_is_wrong() -> TestResult {
    let app = TestApp::spawn().await;
    let cases = [
        (json!({"fault": "explode"}), "unknown fault \"explode\""),
        (
            json!({"status": 500, "probability": 1.5}),
            "probability must be between 0 and 1",
        ),
        (
            json!({"path": "/api/[users", "status": 500}),
            "is not a valid glob",
        ),
        (
            json!({"path": "/api/me", "statsu": 500}),
            "unknown field `statsu`",
        ),
        (json!({"path": "/api/me"}), "the rule does nothing"),
    ];
    for (rule, message) in cases {
        let (status, body) = app
            .admin(Method::POST, "/__mock/faults", Some(rule.clone()))
            .await;
        assert_eq!(status, 422, "{rule}");
        let detail = body["detail"].as_str().unwrap_or_default();
        assert!(detail.contains(message), "{rule}: {detail}");
    }
    Ok(())
}

#[tokio::test]
async fn a_fault_answer_carries_the_cors_headers_a_normal_answer_has() -> TestResult {
    let app = TestApp::spawn().await;
    let cors = |response: &reqwest::Response| {
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        (
            header("access-control-allow-origin"),
            header("access-control-allow-credentials"),
        )
    };
    let normal = app
        .request(Method::GET, "/api/me", Some(OWNER_KEY))
        .header("Origin", "http://localhost:3000")
        .send()
        .await?;
    add_fault(&app, json!({"path": "/api/me", "status": 500})).await;
    let faulted = app
        .request(Method::GET, "/api/me", Some(OWNER_KEY))
        .header("Origin", "http://localhost:3000")
        .send()
        .await?;
    assert_eq!(faulted.status(), 500);
    assert_eq!(cors(&faulted), cors(&normal));
    assert_eq!(cors(&faulted).0.as_deref(), Some("*"));
    Ok(())
}

#[tokio::test]
async fn fault_answers_and_cut_connections_are_in_the_journal_once() -> TestResult {
    let app = TestApp::spawn().await;
    add_fault(
        &app,
        json!({"path": "/api/me", "fault": "connection_reset", "times": 1}),
    )
    .await;
    let cut = app
        .request(Method::GET, "/api/me", Some(OWNER_KEY))
        .send()
        .await;
    assert!(cut.is_err(), "no answer: {cut:?}");
    let entries = app.server.requests();
    assert_eq!(entries.len(), 1, "{entries:?}");
    assert_eq!(entries[0].status, None, "no answer was sent");
    assert_eq!(
        entries[0].fault.as_ref().map(|f| f.kind.as_str()),
        Some("connection_reset")
    );
    Ok(())
}
