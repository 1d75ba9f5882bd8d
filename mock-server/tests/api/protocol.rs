//! HTTP behaviour around the endpoints: info, unknown paths and methods, compression, CORS,
//! body limits (argilla-users-api.md Part B "Shapes", §3.5).

use crate::helpers::*;
use argilla_mock::Config;
use reqwest::Method;
use rstest::rstest;
use serde_json::json;

#[tokio::test]
async fn info_and_status_need_no_credentials() -> TestResult {
    let app = TestApp::spawn().await;
    let (status, info) = status_and_json(app.get("/api/_info", None).await).await;
    assert_eq!((status, info), (200, json!({"version": "1.14.1"})));
    let (status, body) = status_and_json(app.get("/api/_status", None).await).await;
    assert_eq!(status, 200);
    assert_eq!(body["version"], "1.14.1");
    // Every field the 1.20+ client's Status model requires is present.
    for field in ["name", "cluster_name", "cluster_uuid", "tagline"] {
        assert!(body["elasticsearch"][field].is_string(), "{field}");
    }
    for field in [
        "number",
        "build_type",
        "build_hash",
        "build_date",
        "lucene_version",
        "minimum_wire_compatibility_version",
        "minimum_index_compatibility_version",
    ] {
        assert!(
            body["elasticsearch"]["version"][field].is_string(),
            "{field}"
        );
    }
    assert!(body["mem_info"]["rss"]
        .as_str()
        .is_some_and(|s| s.ends_with('M') || s.ends_with('K')));
    Ok(())
}

#[tokio::test]
async fn the_reported_version_is_configurable() -> TestResult {
    let app = TestApp::with_config(Config {
        argilla_version: Some("1.29.1".into()),
        ..Config::default()
    })
    .await;
    let (_, info) = status_and_json(app.get("/api/_info", None).await).await;
    assert_eq!(info, json!({"version": "1.29.1"}));
    Ok(())
}

#[rstest]
#[case::put_users(Method::PUT, "/api/users")]
#[case::patch_me(Method::PATCH, "/api/me")]
#[case::delete_me(Method::DELETE, "/api/me")]
#[case::post_unknown(Method::POST, "/api/nope")]
#[case::delete_unknown_v1(Method::DELETE, "/api/v1/nope")]
#[case::post_trailing_slash(Method::POST, "/api/users/")]
#[tokio::test]
async fn unsupported_methods_get_405_method_not_allowed(
    #[case] method: Method,
    #[case] path: &str,
) -> TestResult {
    // Argilla 1.14's answers (by default `/api/v1/…` is 2.8's: an unknown path there is 404).
    let app = TestApp::with_config(Config {
        argilla_version: Some("1.14.1".into()),
        ..Config::default()
    })
    .await;
    let (status, body) =
        status_and_json(app.request(method, path, Some(OWNER_KEY)).send().await?).await;
    assert_eq!(
        (status, body),
        (405, json!({"detail": "Method Not Allowed"}))
    );
    Ok(())
}

#[rstest]
#[case::unknown("/api/nope")]
#[case::user_by_id("/api/users/00000000-0000-4000-8000-000000000001")]
#[case::trailing_slash("/api/users/")]
#[case::post_only_route("/api/security/token")]
#[case::outside_api("/nope")]
#[tokio::test]
async fn unknown_get_paths_are_404_not_found(#[case] path: &str) -> TestResult {
    let app = TestApp::spawn().await;
    let (status, body) = status_and_json(app.get(path, Some(OWNER_KEY)).await).await;
    assert_eq!((status, body), (404, json!({"detail": "Not Found"})));
    Ok(())
}

#[tokio::test]
async fn large_bodies_are_gzipped_when_asked_and_small_ones_are_not() -> TestResult {
    let app = TestApp::spawn().await;
    let raw_client = reqwest::Client::builder().no_proxy().no_gzip().build()?;
    let response = raw_client
        .get(app.url("/api/users"))
        .header("X-Argilla-Api-Key", OWNER_KEY)
        .header("Accept-Encoding", "gzip")
        .send()
        .await?;
    assert_eq!(response.headers()["content-encoding"], "gzip");
    let response = raw_client
        .get(app.url("/api/me"))
        .header("X-Argilla-Api-Key", OWNER_KEY)
        .header("Accept-Encoding", "gzip")
        .send()
        .await?;
    assert!(
        response.headers().get("content-encoding").is_none(),
        "bodies under 512 bytes stay plain"
    );
    let response = raw_client
        .get(app.url("/api/users"))
        .header("X-Argilla-Api-Key", OWNER_KEY)
        .send()
        .await?;
    assert!(
        response.headers().get("content-encoding").is_none(),
        "nothing compressed unless asked"
    );
    // And a decoding client sees the same JSON either way.
    let (status, users) = status_and_json(app.get("/api/users", Some(OWNER_KEY)).await).await;
    assert_eq!((status, users.as_array().map(Vec::len)), (200, Some(4)));
    Ok(())
}

#[tokio::test]
async fn cors_allows_any_origin_with_credentials() -> TestResult {
    let app = TestApp::spawn().await;
    let response = app
        .request(Method::GET, "/api/me", Some(OWNER_KEY))
        .header("Origin", "http://example.test")
        .send()
        .await?;
    assert_eq!(response.headers()["access-control-allow-origin"], "*");
    assert_eq!(
        response.headers()["access-control-allow-credentials"],
        "true"
    );
    let preflight = app
        .request(Method::OPTIONS, "/api/users", None)
        .header("Origin", "http://example.test")
        .header("Access-Control-Request-Method", "POST")
        .header(
            "Access-Control-Request-Headers",
            "x-argilla-api-key,content-type",
        )
        .send()
        .await?;
    assert_eq!(preflight.status(), 200);
    assert_eq!(
        preflight.headers()["access-control-allow-origin"],
        "http://example.test"
    );
    assert_eq!(
        preflight.headers()["access-control-allow-headers"],
        "x-argilla-api-key,content-type"
    );
    assert_eq!(preflight.text().await?, "OK");
    Ok(())
}
