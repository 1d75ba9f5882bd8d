//! `/api/me` and `/api/users`: shapes, ordering, creation and deletion
//! (argilla-users-api.md Part B "Shapes", "Order of checks", "Roles"; §3.1–3.4).

use crate::helpers::*;
use rstest::rstest;
use serde_json::{json, Value};

#[tokio::test]
async fn me_returns_the_default_owner_in_the_real_key_order() -> TestResult {
    let app = TestApp::spawn().await;
    let response = app.get("/api/me", Some(OWNER_KEY)).await;
    assert_eq!(response.headers()["content-type"], "application/json");
    let text = response.text().await?;
    // Key order and the omitted null last_name are part of the contract (Part B "Shapes").
    assert_eq!(
        text,
        r#"{"id":"00000000-0000-4000-8000-000000000001","first_name":"","full_name":"","username":"argilla","role":"owner","workspaces":["argilla","team"],"api_key":"argilla.apikey","inserted_at":"2024-01-01T00:00:00","updated_at":"2024-01-01T00:00:00"}"#
    );
    Ok(())
}

#[tokio::test]
async fn me_for_a_non_owner_lists_only_its_own_workspaces_in_link_order() -> TestResult {
    let app = TestApp::spawn().await;
    let (status, admin) = status_and_json(app.get("/api/me", Some(ADMIN_KEY)).await).await;
    assert_eq!(status, 200);
    assert_eq!(admin["workspaces"], json!(["argilla", "team"]));
    assert_eq!(admin["full_name"], "Ada Admin");
    let (_, bob) = status_and_json(app.get("/api/me", Some(BOB_KEY)).await).await;
    assert_eq!(bob["workspaces"], json!(["team"]));
    assert!(bob.get("last_name").is_none(), "null last_name is omitted");
    Ok(())
}

#[tokio::test]
async fn list_users_returns_everyone_oldest_first_with_their_own_links() -> TestResult {
    let app = TestApp::spawn().await;
    app.create_user("zed", "annotator", &["team"]).await;
    let (status, users) = status_and_json(app.get("/api/users", Some(OWNER_KEY)).await).await;
    assert_eq!(status, 200);
    let names: Vec<&str> = users
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|u| u["username"].as_str())
        .collect();
    assert_eq!(names, ["argilla", "admin", "annotator", "bob", "zed"]);
    // The owner's own links, not every workspace (unlike /api/me).
    assert_eq!(users[0]["workspaces"], json!(["argilla"]));
    assert_eq!(users[4]["workspaces"], json!(["team"]));
    Ok(())
}

#[tokio::test]
async fn users_created_in_the_same_second_keep_their_creation_order() -> TestResult {
    let app = TestApp::spawn().await;
    for name in ["c-3", "a-1", "b-2"] {
        app.create_user(name, "annotator", &[]).await;
    }
    let names = app.usernames().await;
    assert_eq!(&names[4..], ["c-3", "a-1", "b-2"]);
    Ok(())
}

#[rstest]
#[case::admin(ADMIN_KEY)]
#[case::annotator(ANNOTATOR_KEY)]
#[tokio::test]
async fn list_users_is_forbidden_to_non_owners(#[case] key: &str) -> TestResult {
    let app = TestApp::spawn().await;
    let (status, body) = status_and_json(app.get("/api/users", Some(key)).await).await;
    assert_eq!((status, body), (403, forbidden()));
    Ok(())
}

#[tokio::test]
async fn create_returns_200_with_the_full_user_a_new_key_and_stripped_names() -> TestResult {
    let app = TestApp::spawn().await;
    let body = json!({
        "first_name": "  Luke ", "last_name": " Skywalker ", "username": "luke",
        "password": "12345678", "role": "admin", "workspaces": ["team", "argilla"], "api_key": "mine",
    });
    let (status, user) =
        status_and_json(app.post_json("/api/users", Some(OWNER_KEY), &body).await).await;
    assert_eq!(status, 200);
    let keys: Vec<&String> = user
        .as_object()
        .map(|o| o.keys().collect())
        .unwrap_or_default();
    assert_eq!(
        keys,
        [
            "id",
            "first_name",
            "last_name",
            "full_name",
            "username",
            "role",
            "workspaces",
            "api_key",
            "inserted_at",
            "updated_at"
        ]
    );
    assert_eq!(user["first_name"], "Luke");
    assert_eq!(user["last_name"], "Skywalker");
    assert_eq!(user["full_name"], "Luke Skywalker");
    assert_eq!(user["workspaces"], json!(["team", "argilla"]));
    let key = user["api_key"].as_str().unwrap_or_default();
    assert_eq!(key.len(), 107, "a client-sent api_key is ignored");
    assert!(key
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'));
    let inserted = user["inserted_at"].as_str().unwrap_or_default();
    assert!(
        chrono::NaiveDateTime::parse_from_str(inserted, "%Y-%m-%dT%H:%M:%S").is_ok(),
        "{inserted}"
    );
    // The new key works at once.
    let (status, me) = status_and_json(app.get("/api/me", Some(key)).await).await;
    assert_eq!((status, me["username"].clone()), (200, json!("luke")));
    Ok(())
}

#[tokio::test]
async fn create_without_role_makes_an_annotator_with_no_workspaces() -> TestResult {
    let app = TestApp::spawn().await;
    let body =
        json!({"first_name": "N", "username": "norole", "password": "12345678", "role": null});
    let (status, user) =
        status_and_json(app.post_json("/api/users", Some(OWNER_KEY), &body).await).await;
    assert_eq!(status, 200);
    assert_eq!(user["role"], "annotator");
    assert_eq!(user["workspaces"], json!([]));
    Ok(())
}

#[tokio::test]
async fn create_of_a_taken_username_is_409_and_changes_nothing() -> TestResult {
    let app = TestApp::spawn().await;
    let body = json!({"first_name": "X", "username": "bob", "password": "12345678"});
    let (status, error) =
        status_and_json(app.post_json("/api/users", Some(OWNER_KEY), &body).await).await;
    assert_eq!(
        (status, error),
        (
            409,
            argilla_error(
                "EntityAlreadyExistsError",
                json!({"name": "bob", "type": "User"})
            )
        )
    );
    let (_, bob) = status_and_json(app.get("/api/me", Some(BOB_KEY)).await).await;
    assert_eq!(bob["first_name"], "Bob");
    Ok(())
}

#[tokio::test]
async fn create_checks_validation_before_the_duplicate() -> TestResult {
    let app = TestApp::spawn().await;
    let body = json!({"first_name": "X", "username": "bob", "password": "1"});
    let (status, _) =
        status_and_json(app.post_json("/api/users", Some(OWNER_KEY), &body).await).await;
    assert_eq!(status, 422);
    Ok(())
}

#[rstest]
#[case::admin(ADMIN_KEY)]
#[case::annotator(ANNOTATOR_KEY)]
#[tokio::test]
async fn create_by_a_non_owner_is_403_after_validation(#[case] key: &str) -> TestResult {
    let app = TestApp::spawn().await;
    let valid = json!({"first_name": "X", "username": "newbie", "password": "12345678"});
    let (status, body) =
        status_and_json(app.post_json("/api/users", Some(key), &valid).await).await;
    assert_eq!((status, body), (403, forbidden()));
    let invalid = json!({"first_name": "X", "username": "newbie", "password": "1"});
    let (status, _) = status_and_json(app.post_json("/api/users", Some(key), &invalid).await).await;
    assert_eq!(status, 422, "422 beats 403");
    assert!(!app.usernames().await.contains(&"newbie".to_owned()));
    Ok(())
}

#[tokio::test]
async fn create_without_credentials_is_401_even_with_a_bad_body() -> TestResult {
    let app = TestApp::spawn().await;
    let (status, body) = status_and_json(
        app.post_json("/api/users", None, &json!({"first_name": 1}))
            .await,
    )
    .await;
    assert_eq!((status, body), (401, unauthorized()));
    Ok(())
}

#[tokio::test]
async fn create_with_an_unknown_workspace_is_a_plain_422_and_creates_nothing() -> TestResult {
    let app = TestApp::spawn().await;
    let body = json!({"first_name": "X", "username": "wsx", "password": "12345678", "workspaces": ["argilla", "nope", "other"]});
    let (status, error) =
        status_and_json(app.post_json("/api/users", Some(OWNER_KEY), &body).await).await;
    assert_eq!(
        (status, error),
        (422, json!({"detail": "Workspace 'nope' does not exist"}))
    );
    assert!(!app.usernames().await.contains(&"wsx".to_owned()));
    Ok(())
}

#[tokio::test]
async fn create_naming_a_workspace_twice_is_a_plain_422_and_creates_nothing() -> TestResult {
    let app = TestApp::spawn().await;
    let body = json!({"first_name": "X", "username": "dup", "password": "12345678", "workspaces": ["argilla", "argilla"]});
    let (status, error) =
        status_and_json(app.post_json("/api/users", Some(OWNER_KEY), &body).await).await;
    assert_eq!(status, 422);
    let detail = error["detail"].as_str().unwrap_or_default();
    assert!(
        detail.starts_with(
            "(sqlite3.IntegrityError) UNIQUE constraint failed: workspaces_users.workspace_id"
        ),
        "{detail}"
    );
    assert!(detail.contains(&ARGILLA_WS.replace('-', "")), "{detail}");
    assert!(!app.usernames().await.contains(&"dup".to_owned()));
    Ok(())
}

#[tokio::test]
async fn delete_returns_the_deleted_user_with_the_workspaces_it_had() -> TestResult {
    let app = TestApp::spawn().await;
    let (status, user) = status_and_json(
        app.delete(&format!("/api/users/{ADMIN_ID}"), Some(OWNER_KEY))
            .await,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(user["username"], "admin");
    assert_eq!(user["workspaces"], json!(["argilla", "team"]));
    assert!(!app.usernames().await.contains(&"admin".to_owned()));
    let (status, _) = status_and_json(app.get("/api/me", Some(ADMIN_KEY)).await).await;
    assert_eq!(status, 401, "a deleted user's key is refused");
    Ok(())
}

#[tokio::test]
async fn delete_twice_is_404_with_the_entity_not_found_envelope() -> TestResult {
    let app = TestApp::spawn().await;
    app.delete(&format!("/api/users/{BOB_ID}"), Some(OWNER_KEY))
        .await;
    let (status, error) = status_and_json(
        app.delete(&format!("/api/users/{BOB_ID}"), Some(OWNER_KEY))
            .await,
    )
    .await;
    assert_eq!(
        (status, error),
        (
            404,
            argilla_error(
                "EntityNotFoundError",
                json!({"name": BOB_ID, "type": "User"})
            )
        )
    );
    Ok(())
}

#[tokio::test]
async fn delete_of_an_unknown_user_is_404_before_checking_the_role() -> TestResult {
    let app = TestApp::spawn().await;
    let (status, _) = status_and_json(
        app.delete(&format!("/api/users/{UNKNOWN_ID}"), Some(ANNOTATOR_KEY))
            .await,
    )
    .await;
    assert_eq!(status, 404);
    let (status, body) = status_and_json(
        app.delete(&format!("/api/users/{BOB_ID}"), Some(ANNOTATOR_KEY))
            .await,
    )
    .await;
    assert_eq!((status, body), (403, forbidden()));
    let (status, _) = status_and_json(
        app.delete(&format!("/api/users/{BOB_ID}"), Some(ADMIN_KEY))
            .await,
    )
    .await;
    assert_eq!(status, 403, "admins cannot delete users either");
    assert!(app.usernames().await.contains(&"bob".to_owned()));
    Ok(())
}

#[rstest]
#[case::no_hyphens("00000000000040008000000000000004")]
#[case::hyphens_anywhere("0000-0000-0000-4000-8000-0000-0000-0004")]
#[case::braces("%7B00000000-0000-4000-8000-000000000004%7D")]
#[case::urn("urn:uuid:00000000-0000-4000-8000-000000000004")]
#[tokio::test]
async fn delete_accepts_every_uuid_spelling_python_accepts(#[case] spelling: &str) -> TestResult {
    let app = TestApp::spawn().await;
    let (status, user) = status_and_json(
        app.delete(&format!("/api/users/{spelling}"), Some(OWNER_KEY))
            .await,
    )
    .await;
    assert_eq!(status, 200, "{user}");
    assert_eq!(user["id"], BOB_ID);
    Ok(())
}

#[tokio::test]
async fn delete_with_a_malformed_id_is_422_but_401_comes_first() -> TestResult {
    let app = TestApp::spawn().await;
    let (status, body) =
        status_and_json(app.delete("/api/users/not-a-uuid", Some(OWNER_KEY)).await).await;
    assert_eq!(status, 422);
    assert_eq!(
        body,
        validation(
            json!([{"loc": ["path", "user_id"], "msg": "value is not a valid uuid", "type": "type_error.uuid"}])
        )
    );
    let (status, _) = status_and_json(app.delete("/api/users/not-a-uuid", None).await).await;
    assert_eq!(status, 401);
    Ok(())
}

#[tokio::test]
async fn an_owner_may_delete_itself_and_its_key_then_fails() -> TestResult {
    let app = TestApp::spawn().await;
    let (status, _) = status_and_json(
        app.delete(&format!("/api/users/{OWNER_ID}"), Some(OWNER_KEY))
            .await,
    )
    .await;
    assert_eq!(status, 200);
    let (status, body) = status_and_json(app.get("/api/me", Some(OWNER_KEY)).await).await;
    assert_eq!((status, body), (401, unauthorized()));
    Ok(())
}

#[tokio::test]
async fn a_deleted_username_can_be_created_again() -> TestResult {
    let app = TestApp::spawn().await;
    app.delete(&format!("/api/users/{BOB_ID}"), Some(OWNER_KEY))
        .await;
    let user: Value = app.create_user("bob", "annotator", &[]).await;
    assert_ne!(user["id"], BOB_ID);
    Ok(())
}
