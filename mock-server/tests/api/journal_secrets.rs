//! No credential of any kind reaches `GET /__mock/requests`: headers masked by name and by
//! value, query parameters, bodies (issue 14). Each case sends one request and reads its entry.

use crate::helpers::{TestApp, TestResult, OWNER_KEY};
use reqwest::Method;
use rstest::rstest;
use serde_json::{json, Value};

/// The journal entry of the last request.
async fn last_entry(app: &TestApp) -> Value {
    let (_, body) = app.admin(Method::GET, "/__mock/requests", None).await;
    body["requests"]
        .as_array()
        .and_then(|all| all.last().cloned())
        .unwrap_or_default()
}

fn header<'a>(entry: &'a Value, name: &str) -> Option<&'a str> {
    entry["headers"]
        .as_array()?
        .iter()
        .find_map(|pair| (pair[0] == name).then(|| pair[1].as_str()).flatten())
}

#[rstest]
#[case::legacy_rubrix_header_alone(&[("X-Rubrix-Api-Key", OWNER_KEY)])]
#[case::the_three_headers_sdk_1_0_sends(&[
    ("Authorization", "Bearer argilla.apikey"),
    ("X-Argilla-Api-Key", OWNER_KEY),
    ("X-Rubrix-Api-Key", OWNER_KEY),
])]
#[case::any_api_key_header(&[("X-Api-Key", "some-key-1"), ("apikey", "some-key-2")])]
#[case::tokens_and_secrets(&[("X-Auth-Token", "tok-123"), ("X-Client-Secret", "sec-456"), ("X-Db-Password", "pw-789")])]
#[case::proxy_authorization(&[("Proxy-Authorization", "Basic dXNlcjpwYXNz")])]
#[case::cookies(&[("Cookie", "session=s3ss10n")])]
#[case::a_known_key_under_any_name(&[("X-Whatever", OWNER_KEY), ("X-Forwarded-For", "Token argilla.apikey")])]
#[tokio::test]
async fn credential_headers_are_masked_in_the_journal(
    #[case] headers: &[(&str, &str)],
) -> TestResult {
    let app = TestApp::spawn().await;
    let mut request = app.http.get(app.url("/api/me"));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.send().await?;
    let entry = last_entry(&app).await;
    let text = entry.to_string();
    for (name, value) in headers {
        let kept = header(&entry, &name.to_ascii_lowercase());
        assert!(
            kept.is_some_and(|v| v.contains("***")),
            "{name} kept as {kept:?}"
        );
        let secret = value.rsplit(' ').next().unwrap_or(value);
        assert!(!text.contains(secret), "{secret:?} in {text}");
    }
    Ok(())
}

#[tokio::test]
async fn authorization_keeps_its_scheme_so_the_journal_shows_how_a_client_authenticated(
) -> TestResult {
    let app = TestApp::spawn().await;
    app.http
        .get(app.url("/api/me"))
        .header("Authorization", "Bearer eyJhbGciOi.abc.def")
        .send()
        .await?;
    let entry = last_entry(&app).await;
    assert_eq!(header(&entry, "authorization"), Some("Bearer ***"));
    Ok(())
}

#[tokio::test]
async fn plain_headers_are_kept_as_sent() -> TestResult {
    let app = TestApp::spawn().await;
    app.request(Method::GET, "/api/me", Some(OWNER_KEY))
        .header("X-Argilla-Workspace", "team")
        .header("User-Agent", "contract/1")
        .send()
        .await?;
    let entry = last_entry(&app).await;
    assert_eq!(header(&entry, "x-argilla-workspace"), Some("team"));
    assert_eq!(header(&entry, "user-agent"), Some("contract/1"));
    Ok(())
}

#[rstest]
#[case::api_key("api_key=argilla.apikey&limit=5", "api_key=***&limit=5")]
#[case::encoded_name("api%5Fkey=abc123&x=1", "api%5Fkey=***&x=1")]
#[case::token_and_password("token=t0k&password=pw&name=ok", "token=***&password=***&name=ok")]
#[case::a_known_key_under_any_name("q=argilla.apikey", "q=***")]
#[tokio::test]
async fn credential_query_parameters_are_masked_in_the_journal(
    #[case] query: &str,
    #[case] kept: &str,
) -> TestResult {
    let app = TestApp::spawn().await;
    app.request(Method::GET, &format!("/api/me?{query}"), Some(OWNER_KEY))
        .send()
        .await?;
    let entry = last_entry(&app).await;
    assert_eq!(entry["query"], kept);
    Ok(())
}

#[tokio::test]
async fn a_known_key_in_a_body_field_of_any_name_is_masked() -> TestResult {
    let app = TestApp::spawn().await;
    app.post_json(
        "/api/workspaces",
        Some(OWNER_KEY),
        &json!({"name": "argilla.apikey", "note": {"token": "t", "ref": "admin.apikey"}}),
    )
    .await;
    let entry = last_entry(&app).await;
    assert_eq!(
        entry["body"],
        json!({"name": "***", "note": {"token": "***", "ref": "***"}})
    );
    Ok(())
}

#[tokio::test]
async fn a_key_created_through_the_api_is_masked_from_then_on() -> TestResult {
    let app = TestApp::spawn().await;
    let user = app.create_user("fresh", "annotator", &[]).await;
    let key = user["api_key"].as_str().unwrap_or_default().to_owned();
    app.http
        .get(app.url("/api/me"))
        .header("X-Custom", &key)
        .send()
        .await?;
    let entry = last_entry(&app).await;
    assert_eq!(header(&entry, "x-custom"), Some("***"));
    Ok(())
}
