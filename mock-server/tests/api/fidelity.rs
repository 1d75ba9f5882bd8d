//! Behaviours found by sending the same requests to the real Argilla 1.14.1 and to the mock
//! (a differential run of ~1,650 requests): each test pins one answer the real server gives.

use crate::helpers::*;
use argilla_mock::Config;
use reqwest::Method;
use rstest::rstest;
use serde_json::json;

const JSON: Option<&str> = Some("application/json");

#[tokio::test]
async fn a_body_that_is_not_json_is_refused_before_credentials_are_checked() -> TestResult {
    let app = TestApp::spawn().await;
    let (status, body) = status_and_json(app.post_raw("/api/users", None, JSON, b"{").await).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(
        body["detail"]["params"]["errors"][0]["type"],
        "value_error.jsondecode"
    );
    // A well-formed but invalid body still gets 401 first.
    let (status, _) =
        status_and_json(app.post_raw("/api/workspaces", None, JSON, b"{}").await).await;
    assert_eq!(status, 401);
    Ok(())
}

#[tokio::test]
async fn nesting_deeper_than_the_real_decoder_allows_is_a_400() -> TestResult {
    let app = TestApp::spawn().await;
    let body = |depth: usize| {
        format!(
            "{{\"first_name\":{}{}}}",
            "[".repeat(depth),
            "]".repeat(depth)
        )
    };
    let send = |text: String| {
        app.request(Method::POST, "/api/users", Some(OWNER_KEY))
            .header("Content-Type", "application/json")
            .body(text)
            .send()
    };
    let (status, _) = status_and_json(send(body(953)).await?).await;
    assert_eq!(
        status, 422,
        "953 levels inside the object decode (then fail validation)"
    );
    let (status, error) = status_and_json(send(body(954)).await?).await;
    assert_eq!(
        (status, error),
        (
            400,
            json!({"detail": "There was an error parsing the body"})
        )
    );
    let (status, _) = status_and_json(send(format!("[{}", "[".repeat(200_000))).await?).await;
    assert_eq!(status, 400, "and the server is still up");
    assert_eq!(app.get("/api/me", Some(OWNER_KEY)).await.status(), 200);
    Ok(())
}

#[tokio::test]
async fn integers_longer_than_python_reads_are_a_400() -> TestResult {
    let app = TestApp::spawn().await;
    let body = format!(
        "{{\"first_name\":\"x\",\"username\":\"big\",\"password\":\"12345678\",\"n\":{}}}",
        "9".repeat(4301)
    );
    let response = app
        .request(Method::POST, "/api/users", Some(OWNER_KEY))
        .header("Content-Type", "application/json")
        .body(body)
        .send()
        .await?;
    assert_eq!(response.status(), 400);
    assert!(!app.usernames().await.contains(&"big".to_owned()));
    Ok(())
}

#[tokio::test]
async fn minus_zero_is_the_integer_zero() -> TestResult {
    let app = TestApp::spawn().await;
    let (status, user) = status_and_json(
        app.post_raw(
            "/api/users",
            Some(OWNER_KEY),
            JSON,
            b"{\"first_name\":-0,\"username\":-0,\"password\":\"12345678\"}",
        )
        .await,
    )
    .await;
    assert_eq!(
        (status, user["first_name"].clone(), user["username"].clone()),
        (200, json!("0"), json!("0"))
    );
    Ok(())
}

#[rstest]
#[case::pairs_with_a_number_key(b"[[\"first_name\",\"x\"],[\"username\",\"k\"],[\"password\",\"12345678\"],[1,\"x\"]]", json!([{"loc": ["body"], "msg": "keywords must be strings", "type": "type_error"}]))]
#[case::empty_json_string(b"\"\"", json!([
    {"loc": ["body", "first_name"], "msg": "field required", "type": "value_error.missing"},
    {"loc": ["body", "username"], "msg": "field required", "type": "value_error.missing"},
    {"loc": ["body", "password"], "msg": "field required", "type": "value_error.missing"},
]))]
#[tokio::test]
async fn bodies_python_turns_into_odd_dicts_get_the_real_errors(
    #[case] raw: &'static [u8],
    #[case] errors: serde_json::Value,
) -> TestResult {
    let app = TestApp::spawn().await;
    let (status, body) =
        status_and_json(app.post_raw("/api/users", Some(OWNER_KEY), JSON, raw).await).await;
    assert_eq!((status, body), (422, validation(errors)));
    Ok(())
}

#[tokio::test]
async fn a_password_with_a_nul_byte_is_refused_by_the_hashing_step() -> TestResult {
    let app = TestApp::spawn().await;
    let body = json!({"first_name": "x", "username": "nul", "password": "12345678\u{0}"});
    let (status, error) =
        status_and_json(app.post_json("/api/users", Some(OWNER_KEY), &body).await).await;
    assert_eq!(
        (status, error),
        (
            422,
            json!({"detail": "bcrypt does not allow NULL bytes in password"})
        )
    );
    let taken = json!({"first_name": "x", "username": "bob", "password": "12345678\u{0}"});
    let (status, _) =
        status_and_json(app.post_json("/api/users", Some(OWNER_KEY), &taken).await).await;
    assert_eq!(status, 409, "the duplicate check comes first");
    Ok(())
}

#[tokio::test]
async fn an_empty_content_type_means_json() -> TestResult {
    let app = TestApp::spawn().await;
    let (status, user) = status_and_json(
        app.post_raw(
            "/api/users",
            Some(OWNER_KEY),
            Some(""),
            b"{\"first_name\":\"x\",\"username\":\"emptyct\",\"password\":\"12345678\"}",
        )
        .await,
    )
    .await;
    assert_eq!((status, user["username"].clone()), (200, json!("emptyct")));
    Ok(())
}

#[tokio::test]
async fn v1_workspace_lists_follow_workspace_creation_not_link_order() -> TestResult {
    let fixtures = json!({
        "workspaces": [
            {"name": "argilla", "inserted_at": "2024-01-01T00:00:00"},
            {"name": "older", "inserted_at": "2024-01-01T00:00:01"},
            {"name": "newer", "inserted_at": "2024-01-01T00:00:02"}
        ],
        "users": [
            {"username": "argilla", "role": "owner", "api_key": "argilla.apikey", "password": "1234", "workspaces": ["argilla"]},
            {"username": "su", "api_key": "su.key", "password": "12345678", "workspaces": ["newer", "older"]}
        ]
    });
    let app = TestApp::spawn().await;
    app.admin(Method::PUT, "/__mock/fixtures", Some(fixtures))
        .await;
    let (_, mine) = status_and_json(app.get("/api/v1/me/workspaces", Some("su.key")).await).await;
    let names: Vec<&str> = mine["items"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|w| w["name"].as_str())
        .collect();
    assert_eq!(names, ["older", "newer"]);
    let (_, me) = status_and_json(app.get("/api/me", Some("su.key")).await).await;
    assert_eq!(
        me["workspaces"],
        json!(["newer", "older"]),
        "v0 keeps link order"
    );
    Ok(())
}

#[tokio::test]
async fn vary_is_sent_only_with_a_compressed_answer() -> TestResult {
    let app = TestApp::spawn().await;
    let plain = reqwest::Client::builder().no_proxy().no_gzip().build()?;
    let response = plain
        .get(app.url("/api/users"))
        .header("X-Argilla-Api-Key", OWNER_KEY)
        .send()
        .await?;
    assert!(response.headers().get("vary").is_none());
    let response = plain
        .get(app.url("/api/users"))
        .header("X-Argilla-Api-Key", OWNER_KEY)
        .header("Accept-Encoding", "gzip")
        .send()
        .await?;
    assert!(response.headers().get("vary").is_some());
    Ok(())
}

#[tokio::test]
async fn a_cors_preflight_for_an_unknown_method_is_refused() -> TestResult {
    let app = TestApp::spawn().await;
    let response = app
        .request(Method::OPTIONS, "/api/users", None)
        .header("Origin", "http://a.test")
        .header("Access-Control-Request-Method", "post")
        .send()
        .await?;
    assert_eq!(response.status(), 400);
    assert_eq!(response.text().await?, "Disallowed CORS method");
    Ok(())
}

#[tokio::test]
async fn head_requests_and_unparsable_methods_get_the_real_servers_answers() -> TestResult {
    let app = TestApp::spawn().await;
    let head = app
        .request(Method::HEAD, "/api/me", Some(OWNER_KEY))
        .send()
        .await?;
    assert_eq!(
        head.status(),
        404,
        "HEAD falls through to the (absent) web UI"
    );
    let foo = app
        .request(Method::from_bytes(b"FOO")?, "/api/me", Some(OWNER_KEY))
        .send()
        .await?;
    assert_eq!(foo.status(), 400);
    assert_eq!(foo.text().await?, "Invalid HTTP request received.");
    Ok(())
}

#[tokio::test]
async fn an_undecodable_id_is_a_malformed_uuid() -> TestResult {
    let app = TestApp::spawn().await;
    let (status, body) = status_and_json(app.delete("/api/users/%FF", Some(OWNER_KEY)).await).await;
    assert_eq!(status, 422);
    assert_eq!(
        body["detail"]["params"]["errors"][0]["loc"],
        json!(["path", "user_id"])
    );
    Ok(())
}

#[tokio::test]
async fn a_malformed_body_fault_breaks_the_json_even_when_the_client_accepts_gzip() -> TestResult {
    let app = TestApp::spawn().await;
    app.admin(
        Method::POST,
        "/__mock/faults",
        Some(json!({"path": "/api/users", "fault": "malformed_body"})),
    )
    .await;
    let response = app
        .request(Method::GET, "/api/users", Some(OWNER_KEY))
        .header("Accept-Encoding", "gzip")
        .send()
        .await?;
    assert_eq!(response.status(), 200);
    let text = response.text().await?;
    assert!(text.starts_with("[{\"id\":"), "{text}");
    assert!(serde_json::from_str::<serde_json::Value>(&text).is_err());
    Ok(())
}

#[tokio::test]
async fn namespaces_are_capped_and_can_be_closed() -> TestResult {
    let app = TestApp::with_config(Config {
        max_namespaces: 2,
        ..Config::default()
    })
    .await;
    assert_eq!(app.get("/ns/a/api/_info", None).await.status(), 200);
    assert_eq!(app.get("/ns/b/api/_info", None).await.status(), 200);
    let (status, body) = status_and_json(app.get("/ns/c/api/_info", None).await).await;
    assert_eq!(status, 503, "{body}");
    let (status, _) = app
        .admin(Method::DELETE, "/__mock/namespaces/a", None)
        .await;
    assert_eq!(status, 200);
    assert_eq!(app.get("/ns/c/api/_info", None).await.status(), 200);
    Ok(())
}

#[tokio::test]
async fn seeded_servers_never_hand_out_an_id_twice_after_new_fixtures() -> TestResult {
    let app = TestApp::with_config(Config {
        seed: Some(1),
        ..Config::default()
    })
    .await;
    let fixtures = json!({"users": [{"username": "boss", "role": "owner", "api_key": "boss.key", "password": "12345678"}]});
    let (status, _) = app
        .admin(Method::PUT, "/__mock/fixtures", Some(fixtures))
        .await;
    assert_eq!(status, 200);
    let (status, user) = status_and_json(
        app.post_json(
            "/api/users",
            Some("boss.key"),
            &json!({"first_name": "H", "username": "hire", "password": "12345678"}),
        )
        .await,
    )
    .await;
    assert_eq!(status, 200, "{user}");
    let (status, _) = status_and_json(
        app.post_json(
            "/api/workspaces",
            Some("boss.key"),
            &json!({"name": "fresh"}),
        )
        .await,
    )
    .await;
    assert_eq!(status, 200);
    Ok(())
}

#[rstest]
#[case::br_anywhere_wins("gzip;q=0.5, br;q=0.1", Some("br"))]
#[case::q_zero_is_ignored("br;q=0", Some("br"))]
#[case::substring_counts("brotli", Some("br"))]
#[case::gzip_when_no_br("deflate, gzip;q=0", Some("gzip"))]
#[case::case_sensitive("GZIP", None)]
#[case::nothing_known("identity", None)]
#[tokio::test]
async fn accept_encoding_is_read_as_the_real_server_reads_it(
    #[case] header: &str,
    #[case] expected: Option<&str>,
) -> TestResult {
    let app = TestApp::spawn().await;
    let raw = reqwest::Client::builder().no_proxy().no_gzip().build()?;
    let response = raw
        .get(app.url("/api/users"))
        .header("X-Argilla-Api-Key", OWNER_KEY)
        .header("Accept-Encoding", header)
        .send()
        .await?;
    assert_eq!(
        response
            .headers()
            .get("content-encoding")
            .and_then(|v| v.to_str().ok()),
        expected
    );
    Ok(())
}
