//! Workspaces and memberships, v0 and v1 (argilla-users-api.md §3.7, Part B "Roles").

use crate::helpers::*;
use reqwest::Method;
use rstest::rstest;
use serde_json::{json, Value};

fn names(list: &Value) -> Vec<String> {
    list.as_array()
        .into_iter()
        .flatten()
        .filter_map(|w| w["name"].as_str().map(str::to_owned))
        .collect()
}

fn usernames(list: &Value) -> Vec<String> {
    list.as_array()
        .into_iter()
        .flatten()
        .filter_map(|u| u["username"].as_str().map(str::to_owned))
        .collect()
}

#[rstest]
#[case::owner(OWNER_KEY)]
#[case::admin(ADMIN_KEY)]
#[case::annotator(BOB_KEY)]
#[tokio::test]
async fn every_role_sees_every_workspace_in_v0(#[case] key: &str) -> TestResult {
    let app = TestApp::spawn().await;
    let (status, list) = status_and_json(app.get("/api/workspaces", Some(key)).await).await;
    assert_eq!(status, 200);
    assert_eq!(names(&list), ["argilla", "team"]);
    assert_eq!(
        list[0],
        json!({"id": ARGILLA_WS, "name": "argilla", "inserted_at": "2024-01-01T00:00:00", "updated_at": "2024-01-01T00:00:00"})
    );
    Ok(())
}

#[tokio::test]
async fn create_workspace_returns_200_and_refuses_duplicates_and_bad_names() -> TestResult {
    let app = TestApp::spawn().await;
    let (status, ws) = status_and_json(
        app.post_json(
            "/api/workspaces",
            Some(OWNER_KEY),
            &json!({"name": "third"}),
        )
        .await,
    )
    .await;
    assert_eq!((status, ws["name"].clone()), (200, json!("third")));
    let (status, body) = status_and_json(
        app.post_json(
            "/api/workspaces",
            Some(OWNER_KEY),
            &json!({"name": "third"}),
        )
        .await,
    )
    .await;
    assert_eq!(
        (status, body),
        (
            409,
            argilla_error(
                "EntityAlreadyExistsError",
                json!({"name": "third", "type": "Workspace"})
            )
        )
    );
    let (status, body) = status_and_json(
        app.post_json("/api/workspaces", Some(OWNER_KEY), &json!({"name": "Bad"}))
            .await,
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(
        body["detail"]["params"]["errors"][0]["type"],
        "value_error.str.regex"
    );
    let (status, body) = status_and_json(
        app.post_json(
            "/api/workspaces",
            Some(ANNOTATOR_KEY),
            &json!({"name": "fourth"}),
        )
        .await,
    )
    .await;
    assert_eq!((status, body), (403, forbidden()));
    let (status, body) = status_and_json(
        app.post_json(
            "/api/workspaces",
            Some(ADMIN_KEY),
            &json!({"name": "fourth"}),
        )
        .await,
    )
    .await;
    assert_eq!((status, body), (403, forbidden()));
    Ok(())
}

#[tokio::test]
async fn workspace_members_are_listed_for_the_owner_and_admin_members_only() -> TestResult {
    let app = TestApp::spawn().await;
    let path = format!("/api/workspaces/{ARGILLA_WS}/users");
    let (status, members) = status_and_json(app.get(&path, Some(OWNER_KEY)).await).await;
    assert_eq!(status, 200);
    assert_eq!(usernames(&members), ["argilla", "admin", "annotator"]);
    let (status, _) = status_and_json(app.get(&path, Some(ADMIN_KEY)).await).await;
    assert_eq!(status, 200, "an admin member may list");
    let (status, body) = status_and_json(app.get(&path, Some(ANNOTATOR_KEY)).await).await;
    assert_eq!((status, body), (403, forbidden()));
    Ok(())
}

#[tokio::test]
async fn listing_members_checks_the_policy_before_the_workspace_exists() -> TestResult {
    let app = TestApp::spawn().await;
    let path = format!("/api/workspaces/{UNKNOWN_ID}/users");
    let (status, _) = status_and_json(app.get(&path, Some(ADMIN_KEY)).await).await;
    assert_eq!(status, 403);
    let (status, body) = status_and_json(app.get(&path, Some(OWNER_KEY)).await).await;
    assert_eq!(
        (status, body),
        (
            404,
            argilla_error(
                "EntityNotFoundError",
                json!({"name": UNKNOWN_ID, "type": "Workspace"})
            )
        )
    );
    Ok(())
}

#[tokio::test]
async fn adding_a_member_links_it_and_a_second_add_is_409() -> TestResult {
    let app = TestApp::spawn().await;
    let path = format!("/api/workspaces/{TEAM_WS}/users/{ANNOTATOR_ID}");
    let (status, user) = status_and_json(
        app.request(Method::POST, &path, Some(OWNER_KEY))
            .send()
            .await?,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(user["workspaces"], json!(["argilla", "team"]));
    let (status, body) = status_and_json(
        app.request(Method::POST, &path, Some(OWNER_KEY))
            .send()
            .await?,
    )
    .await;
    assert_eq!(
        (status, body),
        (
            409,
            argilla_error(
                "EntityAlreadyExistsError",
                json!({"name": ANNOTATOR_ID, "type": "User"})
            )
        )
    );
    let (_, me) = status_and_json(app.get("/api/me", Some(ANNOTATOR_KEY)).await).await;
    assert_eq!(me["workspaces"], json!(["argilla", "team"]));
    Ok(())
}

#[rstest]
#[case::unknown_workspace(UNKNOWN_ID, ANNOTATOR_ID, OWNER_KEY, 404, "Workspace")]
#[case::unknown_user(TEAM_WS, UNKNOWN_ID, OWNER_KEY, 404, "User")]
#[case::both_unknown_names_the_workspace(UNKNOWN_ID, UNKNOWN_ID, OWNER_KEY, 404, "Workspace")]
#[case::annotator_before_lookup(UNKNOWN_ID, ANNOTATOR_ID, ANNOTATOR_KEY, 403, "")]
#[case::admin_member(TEAM_WS, ANNOTATOR_ID, ADMIN_KEY, 403, "")]
#[tokio::test]
async fn adding_a_member_fails_in_the_real_order(
    #[case] workspace: &str,
    #[case] user: &str,
    #[case] key: &str,
    #[case] expected: u16,
    #[case] missing: &str,
) -> TestResult {
    let app = TestApp::spawn().await;
    let path = format!("/api/workspaces/{workspace}/users/{user}");
    let (status, body) =
        status_and_json(app.request(Method::POST, &path, Some(key)).send().await?).await;
    assert_eq!(status, expected, "{body}");
    if expected == 404 {
        assert_eq!(body["detail"]["params"]["type"], missing);
    }
    Ok(())
}

#[tokio::test]
async fn removing_a_member_looks_up_the_membership_before_the_policy() -> TestResult {
    let app = TestApp::spawn().await;
    // No membership: 404 naming the user, even for an annotator.
    let path = format!("/api/workspaces/{TEAM_WS}/users/{ANNOTATOR_ID}");
    let (status, body) = status_and_json(app.delete(&path, Some(ANNOTATOR_KEY)).await).await;
    assert_eq!(
        (status, body),
        (
            404,
            argilla_error(
                "EntityNotFoundError",
                json!({"name": ANNOTATOR_ID, "type": "User"})
            )
        )
    );
    // A membership: annotators are refused, an admin member of the workspace may remove.
    let path = format!("/api/workspaces/{TEAM_WS}/users/{BOB_ID}");
    let (status, _) = status_and_json(app.delete(&path, Some(BOB_KEY)).await).await;
    assert_eq!(status, 403);
    let (status, user) = status_and_json(app.delete(&path, Some(ADMIN_KEY)).await).await;
    assert_eq!(status, 200);
    assert_eq!(
        user["workspaces"],
        json!([]),
        "the answer shows the user after removal"
    );
    let (status, _) = status_and_json(app.delete(&path, Some(OWNER_KEY)).await).await;
    assert_eq!(status, 404);
    Ok(())
}

#[tokio::test]
async fn malformed_ids_are_all_reported_together() -> TestResult {
    let app = TestApp::spawn().await;
    let (status, body) = status_and_json(
        app.delete("/api/workspaces/x/users/y", Some(OWNER_KEY))
            .await,
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(
        body,
        validation(json!([
            {"loc": ["path", "workspace_id"], "msg": "value is not a valid uuid", "type": "type_error.uuid"},
            {"loc": ["path", "user_id"], "msg": "value is not a valid uuid", "type": "type_error.uuid"},
        ]))
    );
    Ok(())
}

#[tokio::test]
async fn v1_my_workspaces_is_all_for_the_owner_and_own_links_for_others() -> TestResult {
    let app = TestApp::spawn().await;
    let (status, owner) =
        status_and_json(app.get("/api/v1/me/workspaces", Some(OWNER_KEY)).await).await;
    assert_eq!(status, 200);
    assert_eq!(names(&owner["items"]), ["argilla", "team"]);
    let (_, bob) = status_and_json(app.get("/api/v1/me/workspaces", Some(BOB_KEY)).await).await;
    assert_eq!(names(&bob["items"]), ["team"]);
    Ok(())
}

#[tokio::test]
async fn v1_workspaces_of_a_user_is_owner_only_with_plain_404s() -> TestResult {
    let app = TestApp::spawn().await;
    let (status, list) = status_and_json(
        app.get(
            &format!("/api/v1/users/{BOB_ID}/workspaces"),
            Some(OWNER_KEY),
        )
        .await,
    )
    .await;
    assert_eq!(
        (status, names(&list["items"])),
        (200, vec!["team".to_owned()])
    );
    let (_, list) = status_and_json(
        app.get(
            &format!("/api/v1/users/{OWNER_ID}/workspaces"),
            Some(OWNER_KEY),
        )
        .await,
    )
    .await;
    assert_eq!(
        names(&list["items"]),
        ["argilla", "team"],
        "an owner's workspaces are all workspaces"
    );
    let (status, body) = status_and_json(
        app.get(
            &format!("/api/v1/users/{UNKNOWN_ID}/workspaces"),
            Some(OWNER_KEY),
        )
        .await,
    )
    .await;
    assert_eq!(
        (status, body),
        (
            404,
            json!({"detail": format!("User with id `{UNKNOWN_ID}` not found")})
        )
    );
    let (status, _) = status_and_json(
        app.get(
            &format!("/api/v1/users/{UNKNOWN_ID}/workspaces"),
            Some(ADMIN_KEY),
        )
        .await,
    )
    .await;
    assert_eq!(status, 403, "policy before lookup");
    Ok(())
}

#[tokio::test]
async fn v1_get_workspace_is_for_the_owner_and_members() -> TestResult {
    let app = TestApp::spawn().await;
    let path = format!("/api/v1/workspaces/{TEAM_WS}");
    let (status, ws) = status_and_json(app.get(&path, Some(BOB_KEY)).await).await;
    assert_eq!((status, ws["name"].clone()), (200, json!("team")));
    let (status, _) = status_and_json(app.get(&path, Some(ANNOTATOR_KEY)).await).await;
    assert_eq!(status, 403);
    let unknown = format!("/api/v1/workspaces/{UNKNOWN_ID}");
    let (status, _) = status_and_json(app.get(&unknown, Some(ANNOTATOR_KEY)).await).await;
    assert_eq!(status, 403);
    let (status, body) = status_and_json(app.get(&unknown, Some(OWNER_KEY)).await).await;
    assert_eq!(
        (status, body),
        (
            404,
            json!({"detail": format!("Workspace with id `{UNKNOWN_ID}` not found")})
        )
    );
    Ok(())
}

#[tokio::test]
async fn v1_delete_workspace_removes_it_and_its_memberships() -> TestResult {
    let app = TestApp::spawn().await;
    let path = format!("/api/v1/workspaces/{TEAM_WS}");
    let (status, _) = status_and_json(app.delete(&path, Some(ADMIN_KEY)).await).await;
    assert_eq!(status, 403);
    let (status, ws) = status_and_json(app.delete(&path, Some(OWNER_KEY)).await).await;
    assert_eq!((status, ws["id"].clone()), (200, json!(TEAM_WS)));
    let (_, bob) = status_and_json(app.get("/api/me", Some(BOB_KEY)).await).await;
    assert_eq!(bob["workspaces"], json!([]));
    let (status, body) = status_and_json(app.delete(&path, Some(OWNER_KEY)).await).await;
    assert_eq!(
        (status, body),
        (
            404,
            json!({"detail": format!("Workspace with id `{TEAM_WS}` not found")})
        )
    );
    Ok(())
}
