//! The Argilla 2.x API as argilla-server 2.8 serves it (`../shared/argilla-2x-users-api.md` §2–§4),
//! on the default profile (both generations) and on the 2.x profile.

use crate::helpers::*;
use argilla_mock::Config;
use reqwest::Method;
use serde_json::{json, Value};

#[tokio::test]
async fn me_shows_the_2x_user_shape_with_a_null_last_name() -> TestResult {
    let app = TestApp::spawn().await;
    let (status, me) = app
        .send(Method::GET, "/api/v1/me", Some(OWNER_KEY), None)
        .await;
    assert_eq!(status, 200);
    let keys: Vec<&str> = me
        .as_object()
        .map(|o| o.keys().map(String::as_str).collect())
        .unwrap_or_default();
    assert_eq!(
        keys,
        [
            "id",
            "first_name",
            "last_name",
            "username",
            "role",
            "api_key",
            "inserted_at",
            "updated_at"
        ]
    );
    assert_eq!(
        (me["username"].clone(), me["last_name"].clone()),
        (json!("argilla"), Value::Null)
    );
    let (status, body) = app
        .send(Method::GET, "/api/v1/me", Some("wrong"), None)
        .await;
    assert_eq!((status, body), (401, unauthorized()));
    Ok(())
}

#[tokio::test]
async fn version_reports_2_8_0_and_info_1_14_1_on_the_default_profile() -> TestResult {
    let app = TestApp::spawn().await;
    let (_, version) = app.send(Method::GET, "/api/v1/version", None, None).await;
    assert_eq!(version, json!({"version": "2.8.0"}));
    let (_, info) = app.send(Method::GET, "/api/_info", None, None).await;
    assert_eq!(info, json!({"version": "1.14.1"}));
    Ok(())
}

#[tokio::test]
async fn creating_a_user_answers_201_honours_a_given_id_and_refuses_duplicates() -> TestResult {
    let app = TestApp::spawn().await;
    let id = "11111111-2222-4333-8444-555555555555";
    let body = json!({"id": id, "first_name": " Ada ", "username": "Ada Lovelace", "password": "12345678"});
    let (status, user) = app
        .send(
            Method::POST,
            "/api/v1/users",
            Some(OWNER_KEY),
            Some(body.clone()),
        )
        .await;
    assert_eq!(status, 201, "{user}");
    assert_eq!(
        (
            user["id"].as_str(),
            user["first_name"].as_str(),
            user["role"].as_str()
        ),
        (Some(id), Some("Ada"), Some("annotator"))
    );
    assert_eq!(user["api_key"].as_str().map(str::len), Some(107));
    let (status, again) = app
        .send(Method::POST, "/api/v1/users", Some(OWNER_KEY), Some(body))
        .await;
    assert_eq!(
        (status, again),
        (
            409,
            plain_detail("User username `Ada Lovelace` is not unique")
        )
    );
    let other = json!({"id": id, "first_name": "B", "username": "other", "password": "12345678"});
    let (status, taken) = app
        .send(Method::POST, "/api/v1/users", Some(OWNER_KEY), Some(other))
        .await;
    assert_eq!(
        (status, taken),
        (
            409,
            plain_detail(&format!("User with id `{id}` is not unique"))
        )
    );
    Ok(())
}

#[tokio::test]
async fn invalid_bodies_get_every_pydantic_2_error_before_the_role_check() -> TestResult {
    let app = TestApp::spawn().await;
    let body = json!({"first_name": "", "username": 5, "role": "boss", "password": "short"});
    let (status, errors) = app
        .send(
            Method::POST,
            "/api/v1/users",
            Some(ANNOTATOR_KEY),
            Some(body),
        )
        .await;
    assert_eq!(status, 422);
    assert_eq!(
        errors,
        validation_v2(json!([
            {"type": "string_too_short", "loc": ["body", "first_name"], "msg": "String should have at least 1 character"},
            {"type": "string_type", "loc": ["body", "username"], "msg": "Input should be a valid string"},
            {"type": "enum", "loc": ["body", "role"], "msg": "Input should be 'owner', 'admin' or 'annotator'"},
            {"type": "string_too_short", "loc": ["body", "password"], "msg": "String should have at least 8 characters"},
        ]))
    );
    let valid = json!({"first_name": "A", "username": "ann2", "password": "12345678"});
    let (status, _) = app
        .send(
            Method::POST,
            "/api/v1/users",
            Some(ANNOTATOR_KEY),
            Some(valid),
        )
        .await;
    assert_eq!(status, 403);
    Ok(())
}

#[tokio::test]
async fn malformed_json_is_422_before_authentication_and_a_bad_path_id_401_after() -> TestResult {
    let app = TestApp::spawn().await;
    let response = app
        .http
        .post(app.url("/api/v1/users"))
        .header("content-type", "application/json")
        .body("{\"a\"")
        .send()
        .await?;
    let (status, body) = status_and_json(response).await;
    assert_eq!(
        (status, body),
        (
            422,
            validation_v2(
                json!([{"type": "json_invalid", "loc": ["body", 4], "msg": "JSON decode error"}])
            )
        )
    );
    let (status, _) = app
        .send(Method::GET, "/api/v1/users/None", None, None)
        .await;
    assert_eq!(status, 401);
    let (status, body) = app
        .send(Method::GET, "/api/v1/users/None", Some(OWNER_KEY), None)
        .await;
    assert_eq!(status, 422);
    assert_eq!(
        body["detail"]["params"]["errors"][0]["type"],
        "uuid_parsing"
    );
    assert_eq!(
        body["detail"]["params"]["errors"][0]["loc"],
        json!(["path", "user_id"])
    );
    Ok(())
}

#[tokio::test]
async fn updating_a_user_changes_only_what_is_sent_and_checks_404_before_403() -> TestResult {
    let app = TestApp::spawn().await;
    let (status, before) = app
        .send(
            Method::GET,
            &format!("/api/v1/users/{BOB_ID}"),
            Some(OWNER_KEY),
            None,
        )
        .await;
    assert_eq!(status, 200);
    let (status, same) = app
        .send(
            Method::PATCH,
            &format!("/api/v1/users/{BOB_ID}"),
            Some(OWNER_KEY),
            Some(json!({})),
        )
        .await;
    assert_eq!(
        (status, &same["updated_at"]),
        (200, &before["updated_at"]),
        "an empty PATCH keeps updated_at"
    );
    let (status, after) = app
        .send(
            Method::PATCH,
            &format!("/api/v1/users/{BOB_ID}"),
            Some(OWNER_KEY),
            Some(json!({"last_name": "Builder", "role": "admin"})),
        )
        .await;
    assert_eq!(
        (status, after["last_name"].as_str(), after["role"].as_str()),
        (200, Some("Builder"), Some("admin"))
    );
    assert_ne!(after["updated_at"], before["updated_at"]);
    let (status, body) = app
        .send(
            Method::PATCH,
            &format!("/api/v1/users/{BOB_ID}"),
            Some(OWNER_KEY),
            Some(json!({"username": "annotator"})),
        )
        .await;
    assert_eq!(
        (status, body),
        (422, plain_detail("Username 'annotator' already exists"))
    );
    let (status, body) = app
        .send(
            Method::PATCH,
            &format!("/api/v1/users/{BOB_ID}"),
            Some(OWNER_KEY),
            Some(json!({"role": null})),
        )
        .await;
    assert_eq!(status, 422);
    assert_eq!(
        body["detail"]["params"]["errors"][0]["msg"],
        "Value error, The following keys must have non-null values: role"
    );
    let (status, _) = app
        .send(
            Method::PATCH,
            &format!("/api/v1/users/{UNKNOWN_ID}"),
            Some(ANNOTATOR_KEY),
            Some(json!({})),
        )
        .await;
    assert_eq!(status, 404);
    let (status, _) = app
        .send(
            Method::PATCH,
            &format!("/api/v1/users/{BOB_ID}"),
            Some(ANNOTATOR_KEY),
            Some(json!({})),
        )
        .await;
    assert_eq!(status, 403);
    Ok(())
}

#[tokio::test]
async fn workspaces_are_created_with_201_and_deleted_with_their_memberships() -> TestResult {
    let app = TestApp::spawn().await;
    let (status, ws) = app
        .send(
            Method::POST,
            "/api/v1/workspaces",
            Some(OWNER_KEY),
            Some(json!({"name": "Team A"})),
        )
        .await;
    assert_eq!(status, 201, "{ws}");
    let (status, body) = app
        .send(
            Method::POST,
            "/api/v1/workspaces",
            Some(OWNER_KEY),
            Some(json!({"name": "Team A"})),
        )
        .await;
    assert_eq!(
        (status, body),
        (409, plain_detail("Workspace name `Team A` is not unique"))
    );
    let ws_id = ws["id"].as_str().unwrap_or_default().to_owned();
    let members = format!("/api/v1/workspaces/{ws_id}/users");
    let (status, added) = app
        .send(
            Method::POST,
            &members,
            Some(OWNER_KEY),
            Some(json!({"user_id": BOB_ID})),
        )
        .await;
    assert_eq!((status, added["username"].as_str()), (201, Some("bob")));
    let (status, body) = app
        .send(
            Method::POST,
            &members,
            Some(OWNER_KEY),
            Some(json!({"user_id": BOB_ID})),
        )
        .await;
    assert_eq!(
        (status, body),
        (
            409,
            plain_detail(&format!(
                "Workspace user with workspace_id `{ws_id}` and user_id `{BOB_ID}` is not unique"
            ))
        )
    );
    let (status, body) = app
        .send(
            Method::POST,
            &members,
            Some(OWNER_KEY),
            Some(json!({"user_id": UNKNOWN_ID})),
        )
        .await;
    assert_eq!(
        (status, body),
        (
            422,
            plain_detail(&format!("User with id `{UNKNOWN_ID}` not found"))
        )
    );
    let (_, listed) = app.send(Method::GET, &members, Some(OWNER_KEY), None).await;
    assert_eq!(listed["items"].as_array().map(Vec::len), Some(1));
    let (status, _) = app
        .send(
            Method::DELETE,
            &format!("/api/v1/workspaces/{ws_id}"),
            Some(OWNER_KEY),
            None,
        )
        .await;
    assert_eq!(status, 200);
    let (status, body) = app
        .send(
            Method::GET,
            &format!("/api/v1/workspaces/{ws_id}"),
            Some(OWNER_KEY),
            None,
        )
        .await;
    assert_eq!(
        (status, body),
        (
            404,
            plain_detail(&format!("Workspace with id `{ws_id}` not found"))
        )
    );
    Ok(())
}

#[tokio::test]
async fn removing_a_membership_looks_it_up_before_the_role_check() -> TestResult {
    let app = TestApp::spawn().await;
    let path = format!("/api/v1/workspaces/{TEAM_WS}/users/{ANNOTATOR_ID}");
    let (status, body) = app
        .send(Method::DELETE, &path, Some(ANNOTATOR_KEY), None)
        .await;
    assert_eq!((status, body), (404, plain_detail(&format!("WorkspaceUser not found filtering by workspace_id={TEAM_WS}, user_id={ANNOTATOR_ID}"))));
    let member = format!("/api/v1/workspaces/{TEAM_WS}/users/{BOB_ID}");
    let (status, _) = app
        .send(Method::DELETE, &member, Some(ANNOTATOR_KEY), None)
        .await;
    assert_eq!(status, 403);
    let (status, removed) = app
        .send(Method::DELETE, &member, Some(ADMIN_KEY), None)
        .await;
    assert_eq!((status, removed["username"].as_str()), (200, Some("bob")));
    Ok(())
}

#[tokio::test]
async fn me_workspaces_lists_all_for_an_owner_and_memberships_for_others() -> TestResult {
    let app = TestApp::spawn().await;
    let (_, owner) = app
        .send(Method::GET, "/api/v1/me/workspaces", Some(OWNER_KEY), None)
        .await;
    assert_eq!(owner["items"].as_array().map(Vec::len), Some(2));
    let (_, bob) = app
        .send(Method::GET, "/api/v1/me/workspaces", Some(BOB_KEY), None)
        .await;
    assert_eq!(bob["items"][0]["name"], "team");
    assert_eq!(bob["items"].as_array().map(Vec::len), Some(1));
    let (status, datasets) = app
        .send(Method::GET, "/api/v1/me/datasets", Some(BOB_KEY), None)
        .await;
    assert_eq!((status, datasets), (200, json!({"items": []})));
    Ok(())
}

#[tokio::test]
async fn the_token_route_answers_201_and_its_token_authenticates() -> TestResult {
    let app = TestApp::spawn().await;
    let response = app
        .http
        .post(app.url("/api/v1/token"))
        .form(&[("username", "argilla"), ("password", "1234")])
        .send()
        .await?;
    let (status, token) = status_and_json(response).await;
    assert_eq!(status, 201);
    let token = token["access_token"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let me = app
        .http
        .get(app.url("/api/v1/me"))
        .header("X-Argilla-Api-Key", "unknown")
        .bearer_auth(&token)
        .send()
        .await?;
    assert_eq!(
        me.status(),
        200,
        "an unknown key falls through to the token in 2.x"
    );
    let bad = app
        .http
        .get(app.url("/api/v1/me"))
        .bearer_auth(OWNER_KEY)
        .send()
        .await?;
    let (status, body) = status_and_json(bad).await;
    assert_eq!(status, 401);
    assert_eq!(body["detail"]["params"]["detail"], "Invalid token");
    let response = app
        .http
        .post(app.url("/api/v1/token"))
        .form(&[("username", "argilla")])
        .send()
        .await?;
    let (status, body) = status_and_json(response).await;
    assert_eq!(
        (status, body),
        (
            422,
            validation_v2(
                json!([{"type": "missing", "loc": ["body", "password"], "msg": "Field required"}])
            )
        )
    );
    Ok(())
}

#[tokio::test]
async fn unrouted_requests_get_fastapis_405_307_and_404() -> TestResult {
    let app = TestApp::spawn().await;
    let put = app
        .request(Method::PUT, "/api/v1/users", Some(OWNER_KEY))
        .send()
        .await?;
    assert_eq!(put.status(), 405);
    assert_eq!(
        put.headers().get("allow").and_then(|v| v.to_str().ok()),
        Some("GET")
    );
    let head = app
        .request(Method::HEAD, "/api/v1/me", Some(OWNER_KEY))
        .send()
        .await?;
    assert_eq!(head.status(), 405);
    let client = reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let slash = client.get(app.url("/api/v1/me/")).send().await?;
    assert_eq!(slash.status(), 307);
    assert!(slash
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|l| l.ends_with("/api/v1/me")));
    let (status, body) = app
        .send(Method::GET, "/api/v1/nothing", Some(OWNER_KEY), None)
        .await;
    assert_eq!((status, body), (404, plain_detail("Not Found")));
    Ok(())
}

#[tokio::test]
async fn the_2x_profile_has_no_v0_api() -> TestResult {
    let app = TestApp::argilla2_only().await;
    let me = app
        .request(Method::GET, "/api/me", Some(OWNER_KEY))
        .send()
        .await?;
    assert_eq!(me.status(), 200);
    assert!(me
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("text/html")));
    let (status, body) = app
        .send(Method::POST, "/api/users", Some(OWNER_KEY), Some(json!({})))
        .await;
    assert_eq!((status, body), (405, plain_detail("Method Not Allowed")));
    let (status, me) = app
        .send(Method::GET, "/api/v1/me", Some(OWNER_KEY), None)
        .await;
    assert_eq!((status, me["username"].as_str()), (200, Some("argilla")));
    Ok(())
}

#[tokio::test]
async fn the_1x_profile_keeps_the_1x_v1_routes() -> TestResult {
    let app = TestApp::with_config(Config {
        argilla_version: Some("1.14.1".into()),
        ..Config::default()
    })
    .await;
    let (status, _) = app
        .send(Method::GET, "/api/v1/me", Some(OWNER_KEY), None)
        .await;
    assert_eq!(status, 404, "Argilla 1.14 has no /api/v1/me");
    let (status, ws) = app
        .send(Method::GET, "/api/v1/me/workspaces", Some(OWNER_KEY), None)
        .await;
    assert_eq!(status, 200);
    assert_eq!(ws["items"][0]["inserted_at"], "2024-01-01T00:00:00");
    Ok(())
}

#[tokio::test]
async fn an_empty_login_field_is_a_wrong_credential_not_a_missing_one() -> TestResult {
    let app = TestApp::argilla2_only().await;
    for form in [
        &[("username", "argilla"), ("password", "")][..],
        &[("username", ""), ("password", "1234")][..],
    ] {
        let response = app
            .http
            .post(app.url("/api/v1/token"))
            .form(form)
            .send()
            .await?;
        assert_eq!(
            status_and_json(response).await,
            (401, unauthorized()),
            "{form:?}"
        );
    }
    Ok(())
}

#[tokio::test]
async fn the_bare_v1_path_is_the_web_ui_under_the_2x_profile() -> TestResult {
    let app = TestApp::argilla2_only().await;
    let response = app.get("/api/v1", Some(OWNER_KEY)).await;
    assert_eq!(response.status(), 200);
    assert!(response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("text/html")));
    let (status, body) = app
        .send(Method::POST, "/api/v1", Some(OWNER_KEY), None)
        .await;
    assert_eq!((status, body), (405, plain_detail("Method Not Allowed")));
    let (status, body) = app
        .send(Method::GET, "/api/v1/", Some(OWNER_KEY), None)
        .await;
    assert_eq!((status, body), (404, plain_detail("Not Found")));
    Ok(())
}

#[tokio::test]
async fn every_2x_answer_with_a_body_is_compressed_when_asked_but_small_1x_ones_are_not(
) -> TestResult {
    let app = TestApp::spawn().await;
    let raw = reqwest::Client::builder()
        .no_proxy()
        .no_gzip()
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let encoding = |path: &'static str| {
        let request = raw
            .get(app.url(path))
            .header("X-Argilla-Api-Key", OWNER_KEY)
            .header("Accept-Encoding", "gzip");
        async move {
            let response = request.send().await.expect("request");
            let coding = response
                .headers()
                .get("content-encoding")
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned);
            (response.status().as_u16(), coding)
        }
    };
    let gzip = Some("gzip".to_owned());
    assert_eq!(encoding("/api/v1/version").await, (200, gzip.clone()));
    assert_eq!(encoding("/api/v1/nope").await, (404, gzip));
    assert_eq!(
        encoding("/api/v1/me/").await,
        (307, None),
        "no body, no coding"
    );
    assert_eq!(encoding("/api/_info").await, (200, None), "1.x: 512 bytes");
    Ok(())
}

#[tokio::test]
async fn a_cors_preflight_carries_no_allow_header() -> TestResult {
    let app = TestApp::argilla2_only().await;
    let response = app
        .http
        .request(Method::OPTIONS, app.url("/api/v1/users"))
        .header("Origin", "http://example.test")
        .header("Access-Control-Request-Method", "POST")
        .send()
        .await?;
    assert_eq!(response.status(), 200);
    assert_eq!(
        response
            .headers()
            .get("access-control-allow-origin")
            .and_then(|v| v.to_str().ok()),
        Some("http://example.test")
    );
    assert!(response.headers().get("allow").is_none());
    Ok(())
}
