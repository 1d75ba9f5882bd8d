//! Concurrent clients get consistent answers: of many racing writes to one thing exactly one
//! wins and the rest get the error the loser of the race gets from the real server (409 for a
//! duplicate, 404 for something already gone), and independent writes all land.

use std::collections::BTreeSet;
use std::sync::Arc;

use crate::helpers::*;
use reqwest::Method;
use serde_json::{json, Value};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sixty_four_creates_of_one_username_give_one_user_and_63_conflicts() -> TestResult {
    let app = Arc::new(TestApp::spawn().await);
    let statuses = at_once(64, |_| {
        let app = app.clone();
        async move {
            let body = json!({"first_name": "R", "username": "racer", "password": "12345678"});
            send_as_owner(&app, Method::POST, "/api/users", Some(body)).await
        }
    })
    .await;
    assert_eq!(count(&statuses, 200), 1, "{statuses:?}");
    assert_eq!(count(&statuses, 409), 63, "{statuses:?}");
    let racers = app.usernames().await;
    assert_eq!(racers.iter().filter(|u| *u == "racer").count(), 1);
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sixty_four_deletes_of_one_user_give_one_success_and_63_not_found() -> TestResult {
    let app = Arc::new(TestApp::spawn().await);
    let id = app.create_user("doomed", "annotator", &["argilla"]).await["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let statuses = at_once(64, |_| {
        let (app, id) = (app.clone(), id.clone());
        async move { send_as_owner(&app, Method::DELETE, &format!("/api/users/{id}"), None).await }
    })
    .await;
    assert_eq!(count(&statuses, 200), 1, "{statuses:?}");
    assert_eq!(count(&statuses, 404), 63, "{statuses:?}");
    assert!(!app.usernames().await.contains(&"doomed".to_owned()));
    // Its membership went with it.
    let members = app
        .get(
            &format!("/api/workspaces/{ARGILLA_WS}/users"),
            Some(OWNER_KEY),
        )
        .await
        .json::<Value>()
        .await?;
    assert!(!members.to_string().contains("doomed"));
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_hundred_creates_and_deletes_of_distinct_users_all_land() -> TestResult {
    let app = Arc::new(TestApp::spawn().await);
    let mut doomed = Vec::new();
    for i in 0..50 {
        let user = app.create_user(&format!("old-{i}"), "annotator", &[]).await;
        doomed.push(user["id"].as_str().expect("id").to_owned());
    }
    let doomed = Arc::new(doomed);
    let statuses = at_once(100, |i| {
        let (app, doomed) = (app.clone(), doomed.clone());
        async move {
            if i % 2 == 0 {
                let body = json!({"first_name": "N", "username": format!("new-{i}"), "password": "12345678"});
                send_as_owner(&app, Method::POST, "/api/users", Some(body)).await
            } else {
                let path = format!("/api/users/{}", doomed[i / 2]);
                send_as_owner(&app, Method::DELETE, &path, None).await
            }
        }
    })
    .await;
    assert_eq!(count(&statuses, 200), 100, "{statuses:?}");
    let users: BTreeSet<String> = app.usernames().await.into_iter().collect();
    let expected: BTreeSet<String> = ["argilla", "admin", "annotator", "bob"]
        .into_iter()
        .map(str::to_owned)
        .chain((0..100).step_by(2).map(|i| format!("new-{i}")))
        .collect();
    assert_eq!(users, expected);
    // Every new user's key works: no row was half-written.
    let listed: Value = app.get("/api/users", Some(OWNER_KEY)).await.json().await?;
    for user in listed.as_array().expect("list") {
        let key = user["api_key"].as_str().expect("key");
        let me: Value = app.get("/api/me", Some(key)).await.json().await?;
        assert_eq!(me["id"], user["id"]);
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn racing_membership_changes_end_consistent() -> TestResult {
    let app = Arc::new(TestApp::spawn().await);
    let user = app.create_user("joiner", "annotator", &[]).await;
    let id = user["id"].as_str().expect("id").to_owned();
    let link = format!("/api/workspaces/{TEAM_WS}/users/{id}");

    // 64 adds of one link: one 200, 63 × 409.
    let adds = at_once(64, |_| {
        let (app, link) = (app.clone(), link.clone());
        async move { send_as_owner(&app, Method::POST, &link, None).await }
    })
    .await;
    assert_eq!(count(&adds, 200), 1, "{adds:?}");
    assert_eq!(count(&adds, 409), 63, "{adds:?}");

    // 64 removes of it: one 200, 63 × 404.
    let removes = at_once(64, |_| {
        let (app, link) = (app.clone(), link.clone());
        async move { send_as_owner(&app, Method::DELETE, &link, None).await }
    })
    .await;
    assert_eq!(count(&removes, 200), 1, "{removes:?}");
    assert_eq!(count(&removes, 404), 63, "{removes:?}");

    // 40 users each added and removed at once, alongside each other: whatever the order, each
    // ends a member exactly when its add came after its remove, and every view agrees.
    let mut ids = Vec::new();
    for i in 0..40 {
        let user = app.create_user(&format!("m-{i}"), "annotator", &[]).await;
        ids.push(user["id"].as_str().expect("id").to_owned());
    }
    let ids = Arc::new(ids);
    let statuses = at_once(80, |i| {
        let (app, ids) = (app.clone(), ids.clone());
        async move {
            let link = format!("/api/workspaces/{TEAM_WS}/users/{}", ids[i / 2]);
            let method = if i % 2 == 0 {
                Method::POST
            } else {
                Method::DELETE
            };
            send_as_owner(&app, method, &link, None).await
        }
    })
    .await;
    assert!(
        statuses.iter().all(|s| [200, 404].contains(s)),
        "{statuses:?}"
    );
    let members: Value = app
        .get(&format!("/api/workspaces/{TEAM_WS}/users"), Some(OWNER_KEY))
        .await
        .json()
        .await?;
    let member_ids: BTreeSet<&str> = members
        .as_array()
        .expect("members")
        .iter()
        .map(|m| m["id"].as_str().expect("id"))
        .collect();
    for (i, id) in ids.iter().enumerate() {
        // The add succeeded (200) in every case; the remove succeeded only if it came after.
        let removed = statuses[2 * i + 1] == 200;
        assert_eq!(statuses[2 * i], 200, "add of m-{i}");
        assert_eq!(member_ids.contains(id.as_str()), !removed, "m-{i}");
        let theirs: Value = app
            .get(&format!("/api/v1/users/{id}/workspaces"), Some(OWNER_KEY))
            .await
            .json()
            .await?;
        assert_eq!(
            theirs["items"].as_array().expect("items").len(),
            usize::from(!removed)
        );
    }
    Ok(())
}
