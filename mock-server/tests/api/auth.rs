//! Credentials: API keys, the login form and bearer tokens (argilla-users-api.md Part B "Auth", §4.1).

use crate::helpers::*;
use argilla_mock::security::TokenKeys;
use argilla_mock::Config;
use reqwest::Method;
use rstest::rstest;
use serde_json::json;

async fn login(app: &TestApp, form: &'static str) -> reqwest::Response {
    app.request(Method::POST, "/api/security/token", None)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(form)
        .send()
        .await
        .expect("request")
}

#[rstest]
#[case::no_key(None)]
#[case::empty_key(Some(""))]
#[case::wrong_key(Some("wrong"))]
#[tokio::test]
async fn me_without_a_valid_key_is_401_with_the_argilla_envelope(
    #[case] key: Option<&str>,
) -> TestResult {
    let app = TestApp::spawn().await;
    let response = app.get("/api/me", key).await;
    assert!(response.headers().get("www-authenticate").is_none());
    let (status, body) = status_and_json(response).await;
    assert_eq!((status, body), (401, unauthorized()));
    Ok(())
}

#[tokio::test]
async fn the_api_key_header_name_is_case_insensitive() -> TestResult {
    let app = TestApp::spawn().await;
    let response = app
        .request(Method::GET, "/api/me", None)
        .header("x-ARGILLA-api-KEY", OWNER_KEY)
        .send()
        .await?;
    assert_eq!(response.status(), 200);
    Ok(())
}

#[tokio::test]
async fn login_returns_a_bearer_token_that_authenticates() -> TestResult {
    let app = TestApp::spawn().await;
    let (status, body) = status_and_json(login(&app, "username=argilla&password=1234").await).await;
    assert_eq!(status, 200);
    assert_eq!(body["token_type"], "bearer");
    let token = body["access_token"].as_str().unwrap_or_default().to_owned();
    assert_eq!(token.split('.').count(), 3, "a JWT");
    for scheme in ["Bearer", "bearer"] {
        let response = app
            .request(Method::GET, "/api/me", None)
            .header("Authorization", format!("{scheme} {token}"))
            .send()
            .await?;
        let (status, me) = status_and_json(response).await;
        assert_eq!((status, me["username"].clone()), (200, json!("argilla")));
    }
    Ok(())
}

#[tokio::test]
async fn a_present_api_key_decides_alone_over_a_bearer_token() -> TestResult {
    let app = TestApp::spawn().await;
    let (_, body) = status_and_json(login(&app, "username=argilla&password=1234").await).await;
    let bearer = format!(
        "Bearer {}",
        body["access_token"].as_str().unwrap_or_default()
    );
    let wrong_key = app
        .request(Method::GET, "/api/me", Some("wrong"))
        .header("Authorization", &bearer)
        .send()
        .await?;
    assert_eq!(wrong_key.status(), 401);
    let garbage_bearer = app
        .request(Method::GET, "/api/me", Some(OWNER_KEY))
        .header("Authorization", "Bearer garbage")
        .send()
        .await?;
    assert_eq!(garbage_bearer.status(), 200);
    // An empty key header counts as absent, so the bearer token is used.
    let empty_key = app
        .request(Method::GET, "/api/me", Some(""))
        .header("Authorization", &bearer)
        .send()
        .await?;
    assert_eq!(empty_key.status(), 200);
    Ok(())
}

#[rstest]
#[case::garbage("Bearer garbage")]
#[case::basic("Basic Zm9vOmJhcg==")]
#[case::api_key_as_bearer("Bearer argilla.apikey")]
#[tokio::test]
async fn an_authorization_header_without_a_valid_token_is_401(#[case] header: &str) -> TestResult {
    let app = TestApp::spawn().await;
    let response = app
        .request(Method::GET, "/api/me", None)
        .header("Authorization", header)
        .send()
        .await?;
    let (status, body) = status_and_json(response).await;
    assert_eq!((status, body), (401, unauthorized()));
    Ok(())
}

#[tokio::test]
async fn expired_tokens_and_tokens_of_deleted_users_are_401() -> TestResult {
    let config = Config {
        jwt_secret: Some("known-secret".into()),
        ..Config::default()
    };
    let app = TestApp::with_config(config).await;
    let keys = TokenKeys::new(b"known-secret");
    let expired = keys.issue_expired("argilla", 5)?;
    let response = app
        .request(Method::GET, "/api/me", None)
        .bearer_auth(expired)
        .send()
        .await?;
    assert_eq!(response.status(), 401);
    let bob = keys.issue("bob")?;
    let response = app
        .request(Method::GET, "/api/me", None)
        .bearer_auth(&bob)
        .send()
        .await?;
    assert_eq!(
        response.status(),
        200,
        "a token signed with the configured secret works"
    );
    app.delete(&format!("/api/users/{BOB_ID}"), Some(OWNER_KEY))
        .await;
    let response = app
        .request(Method::GET, "/api/me", None)
        .bearer_auth(&bob)
        .send()
        .await?;
    assert_eq!(response.status(), 401);
    Ok(())
}

#[tokio::test]
async fn tokens_from_another_server_are_refused_by_default() -> TestResult {
    let first = TestApp::spawn().await;
    let second = TestApp::spawn().await;
    let (_, body) = status_and_json(login(&first, "username=argilla&password=1234").await).await;
    let token = body["access_token"].as_str().unwrap_or_default();
    let response = second
        .request(Method::GET, "/api/me", None)
        .bearer_auth(token)
        .send()
        .await?;
    assert_eq!(
        response.status(),
        401,
        "each run signs with its own random secret"
    );
    Ok(())
}

#[rstest]
#[case::wrong_password("username=argilla&password=nope")]
#[case::unknown_user("username=nobody&password=1234")]
#[tokio::test]
async fn login_with_bad_credentials_is_401(#[case] form: &'static str) -> TestResult {
    let app = TestApp::spawn().await;
    let (status, body) = status_and_json(login(&app, form).await).await;
    assert_eq!((status, body), (401, unauthorized()));
    Ok(())
}

#[tokio::test]
async fn login_with_missing_or_empty_fields_is_422_listing_each() -> TestResult {
    let app = TestApp::spawn().await;
    let (status, body) = status_and_json(login(&app, "username=argilla&password=").await).await;
    assert_eq!(status, 422);
    assert_eq!(
        body,
        validation(
            json!([{"loc": ["body", "password"], "msg": "field required", "type": "value_error.missing"}])
        )
    );
    // A JSON body is not a form: both fields are missing.
    let response = app
        .post_json(
            "/api/security/token",
            None,
            &json!({"username": "argilla", "password": "1234"}),
        )
        .await;
    let (status, body) = status_and_json(response).await;
    assert_eq!(status, 422);
    assert_eq!(
        body["detail"]["params"]["errors"].as_array().map(Vec::len),
        Some(2)
    );
    Ok(())
}

#[tokio::test]
async fn login_checks_the_grant_type_pattern() -> TestResult {
    let app = TestApp::spawn().await;
    let (status, body) =
        status_and_json(login(&app, "grant_type=client&username=argilla&password=1234").await)
            .await;
    assert_eq!(status, 422);
    assert_eq!(
        body["detail"]["params"]["errors"][0]["loc"],
        json!(["body", "grant_type"])
    );
    let (status, _) =
        status_and_json(login(&app, "grant_type=password&username=argilla&password=1234").await)
            .await;
    assert_eq!(status, 200);
    Ok(())
}

#[tokio::test]
async fn a_user_created_through_the_api_can_log_in_with_its_password() -> TestResult {
    let app = TestApp::spawn().await;
    app.create_user("newbie", "annotator", &[]).await;
    let (status, _) = status_and_json(login(&app, "username=newbie&password=12345678").await).await;
    assert_eq!(status, 200);
    Ok(())
}

#[tokio::test]
async fn passwords_are_stored_as_bcrypt_hashes_never_plain() -> TestResult {
    let app = TestApp::spawn().await;
    app.create_user("hashed", "annotator", &[]).await;
    let hash = app
        .server
        .database()
        .password_hash("hashed")
        .await?
        .unwrap_or_default();
    assert!(hash.starts_with("$2b$"), "{hash}");
    assert!(!hash.contains("12345678"));
    let owner_hash = app
        .server
        .database()
        .password_hash("argilla")
        .await?
        .unwrap_or_default();
    assert!(owner_hash.starts_with("$2b$") && owner_hash != "1234");
    Ok(())
}
