//! The 2.x API under concurrent clients: of many racing writes to one thing exactly one wins
//! (201 or 200) and the rest get what the loser of the race gets from argilla-server 2.8 (409 for
//! a taken name or an existing membership, 404 for something already gone, 422 for a username
//! another rename took), and every view agrees afterwards.

use std::collections::BTreeSet;
use std::sync::Arc;

use crate::helpers::*;
use argilla_mock::Config;
use reqwest::Method;
use serde_json::{json, Value};

/// A server with the default fixtures that serves the 2.x API only.
async fn spawn_v2() -> Arc<TestApp> {
    Arc::new(
        TestApp::with_config(Config {
            argilla_version: Some("2.8.0".into()),
            ..Config::default()
        })
        .await,
    )
}

async fn items(app: &TestApp, path: &str) -> Vec<Value> {
    let listed: Value = app
        .get(path, Some(OWNER_KEY))
        .await
        .json()
        .await
        .expect("JSON");
    listed["items"].as_array().expect("items").clone()
}

fn field(items: &[Value], name: &str) -> Vec<String> {
    items
        .iter()
        .map(|item| item[name].as_str().expect("a string").to_owned())
        .collect()
}

async fn new_user(app: &TestApp, username: &str) -> String {
    let body = json!({"first_name": "R", "username": username, "password": "12345678"});
    let response = app
        .request(Method::POST, "/api/v1/users", Some(OWNER_KEY))
        .json(&body)
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 201);
    let user: Value = response.json().await.expect("JSON");
    user["id"].as_str().expect("id").to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sixty_four_creates_of_one_username_give_one_201_and_63_conflicts() -> TestResult {
    let app = spawn_v2().await;
    let statuses = at_once(64, |_| {
        let app = app.clone();
        async move {
            let body = json!({"first_name": "R", "username": "racer", "password": "12345678"});
            send_as_owner(&app, Method::POST, "/api/v1/users", Some(body)).await
        }
    })
    .await;
    assert_eq!(count(&statuses, 201), 1, "{statuses:?}");
    assert_eq!(count(&statuses, 409), 63, "{statuses:?}");
    let usernames = field(&items(&app, "/api/v1/users").await, "username");
    assert_eq!(usernames.iter().filter(|u| *u == "racer").count(), 1);
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sixty_four_creates_with_one_client_chosen_id_give_one_user() -> TestResult {
    let app = spawn_v2().await;
    let id = "11111111-2222-4333-8444-555555555555";
    let statuses = at_once(64, |i| {
        let app = app.clone();
        async move {
            let body = json!({"id": id, "first_name": "R", "username": format!("racer-{i}"), "password": "12345678"});
            send_as_owner(&app, Method::POST, "/api/v1/users", Some(body)).await
        }
    })
    .await;
    assert_eq!(count(&statuses, 201), 1, "{statuses:?}");
    assert_eq!(count(&statuses, 409), 63, "{statuses:?}");
    let ids = field(&items(&app, "/api/v1/users").await, "id");
    assert_eq!(ids.iter().filter(|found| *found == id).count(), 1);
    assert_eq!(ids.len(), 5, "the 4 fixture users and the winner");
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sixty_four_deletes_of_one_user_give_one_success_and_63_not_found() -> TestResult {
    let app = spawn_v2().await;
    let id = new_user(&app, "doomed").await;
    let link = json!({ "user_id": id });
    let added = send_as_owner(
        &app,
        Method::POST,
        &format!("/api/v1/workspaces/{ARGILLA_WS}/users"),
        Some(link),
    )
    .await;
    assert_eq!(added, 201);
    let statuses =
        at_once(64, |_| {
            let (app, id) = (app.clone(), id.clone());
            async move {
                send_as_owner(&app, Method::DELETE, &format!("/api/v1/users/{id}"), None).await
            }
        })
        .await;
    assert_eq!(count(&statuses, 200), 1, "{statuses:?}");
    assert_eq!(count(&statuses, 404), 63, "{statuses:?}");
    let users = field(&items(&app, "/api/v1/users").await, "username");
    assert!(!users.contains(&"doomed".to_owned()));
    // Its membership went with it.
    let path = format!("/api/v1/workspaces/{ARGILLA_WS}/users");
    let members = field(&items(&app, &path).await, "username");
    assert!(!members.contains(&"doomed".to_owned()), "{members:?}");
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sixty_four_renames_to_one_username_give_one_success_and_63_refusals() -> TestResult {
    let app = spawn_v2().await;
    let mut ids = Vec::new();
    for i in 0..64 {
        ids.push(new_user(&app, &format!("renamer-{i}")).await);
    }
    let ids = Arc::new(ids);
    let statuses = at_once(64, |i| {
        let (app, ids) = (app.clone(), ids.clone());
        async move {
            let path = format!("/api/v1/users/{}", ids[i]);
            send_as_owner(
                &app,
                Method::PATCH,
                &path,
                Some(json!({"username": "chosen"})),
            )
            .await
        }
    })
    .await;
    assert_eq!(count(&statuses, 200), 1, "{statuses:?}");
    assert_eq!(count(&statuses, 422), 63, "{statuses:?}");
    let users = items(&app, "/api/v1/users").await;
    let chosen: Vec<_> = users.iter().filter(|u| u["username"] == "chosen").collect();
    assert_eq!(chosen.len(), 1);
    let winner = statuses.iter().position(|s| *s == 200).expect("a winner");
    assert_eq!(chosen[0]["id"], ids[winner].as_str());
    assert_eq!(users.len(), 4 + 64, "no user lost or doubled");
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn racing_workspace_creates_and_deletes_give_one_winner_each() -> TestResult {
    let app = spawn_v2().await;
    let creates = at_once(64, |_| {
        let app = app.clone();
        async move {
            let body = json!({ "name": "contested" });
            let response = app
                .request(Method::POST, "/api/v1/workspaces", Some(OWNER_KEY))
                .json(&body)
                .send()
                .await
                .expect("request");
            let status = response.status().as_u16();
            let body: Value = response.json().await.expect("JSON");
            (status, body["id"].as_str().map(str::to_owned))
        }
    })
    .await;
    let statuses: Vec<u16> = creates.iter().map(|(status, _)| *status).collect();
    assert_eq!(count(&statuses, 201), 1, "{statuses:?}");
    assert_eq!(count(&statuses, 409), 63, "{statuses:?}");
    let id = creates
        .iter()
        .find_map(|(status, id)| (*status == 201).then(|| id.clone()))
        .flatten()
        .expect("the winner's id");
    let names = field(&items(&app, "/api/v1/me/workspaces").await, "name");
    assert_eq!(names.iter().filter(|n| *n == "contested").count(), 1);

    let deletes = at_once(64, |_| {
        let (app, id) = (app.clone(), id.clone());
        async move {
            send_as_owner(
                &app,
                Method::DELETE,
                &format!("/api/v1/workspaces/{id}"),
                None,
            )
            .await
        }
    })
    .await;
    assert_eq!(count(&deletes, 200), 1, "{deletes:?}");
    assert_eq!(count(&deletes, 404), 63, "{deletes:?}");
    let names = field(&items(&app, "/api/v1/me/workspaces").await, "name");
    assert_eq!(names, ["argilla", "team"]);
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn racing_membership_changes_end_consistent() -> TestResult {
    let app = spawn_v2().await;
    let id = new_user(&app, "joiner").await;
    let members_path = format!("/api/v1/workspaces/{TEAM_WS}/users");

    // 64 adds of one membership: one 201, 63 × 409.
    let adds = at_once(64, |_| {
        let (app, path, id) = (app.clone(), members_path.clone(), id.clone());
        async move { send_as_owner(&app, Method::POST, &path, Some(json!({ "user_id": id }))).await }
    })
    .await;
    assert_eq!(count(&adds, 201), 1, "{adds:?}");
    assert_eq!(count(&adds, 409), 63, "{adds:?}");

    // 64 removes of it: one 200, 63 × 404.
    let link = format!("{members_path}/{id}");
    let removes = at_once(64, |_| {
        let (app, link) = (app.clone(), link.clone());
        async move { send_as_owner(&app, Method::DELETE, &link, None).await }
    })
    .await;
    assert_eq!(count(&removes, 200), 1, "{removes:?}");
    assert_eq!(count(&removes, 404), 63, "{removes:?}");

    // 40 users each added and removed at once, alongside each other: each ends a member exactly
    // when its remove came first (and so failed), and both views agree.
    let mut ids = Vec::new();
    for i in 0..40 {
        ids.push(new_user(&app, &format!("m-{i}")).await);
    }
    let ids = Arc::new(ids);
    let statuses = at_once(80, |i| {
        let (app, ids, path) = (app.clone(), ids.clone(), members_path.clone());
        async move {
            let user = &ids[i / 2];
            if i % 2 == 0 {
                send_as_owner(&app, Method::POST, &path, Some(json!({ "user_id": user }))).await
            } else {
                send_as_owner(&app, Method::DELETE, &format!("{path}/{user}"), None).await
            }
        }
    })
    .await;
    let members: BTreeSet<String> = field(&items(&app, &members_path).await, "id")
        .into_iter()
        .collect();
    for (i, id) in ids.iter().enumerate() {
        assert_eq!(statuses[2 * i], 201, "add of m-{i}");
        let removed = statuses[2 * i + 1] == 200;
        assert!(removed || statuses[2 * i + 1] == 404, "remove of m-{i}");
        assert_eq!(members.contains(id), !removed, "m-{i}");
        let theirs = items(&app, &format!("/api/v1/users/{id}/workspaces")).await;
        assert_eq!(theirs.len(), usize::from(!removed), "m-{i}'s workspaces");
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sixty_four_creates_of_one_dataset_name_give_one_201_and_63_conflicts() -> TestResult {
    let app = spawn_v2().await;
    let statuses = at_once(64, |_| {
        let app = app.clone();
        async move {
            let body = json!({"name": "raced", "workspace_id": ARGILLA_WS});
            send_as_owner(&app, Method::POST, "/api/v1/datasets", Some(body)).await
        }
    })
    .await;
    assert_eq!((count(&statuses, 201), count(&statuses, 409)), (1, 63));
    let listed = items(&app, "/api/v1/me/datasets?name=raced").await;
    assert_eq!(listed.len(), 1);
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sixty_four_creates_of_one_field_name_give_one_201_and_63_conflicts() -> TestResult {
    let app = spawn_v2().await;
    let dataset = app.create_dataset("ds").await;
    let path = format!("/api/v1/datasets/{dataset}/fields");
    let statuses = at_once(64, |_| {
        let (app, path) = (app.clone(), path.clone());
        async move { send_as_owner(&app, Method::POST, &path, Some(text_field("text", true))).await }
    })
    .await;
    assert_eq!((count(&statuses, 201), count(&statuses, 409)), (1, 63));
    assert_eq!(items(&app, &path).await.len(), 1);
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_publish_racing_a_delete_either_publishes_first_or_finds_nothing() -> TestResult {
    let app = spawn_v2().await;
    for round in 0..16 {
        let id = app.create_dataset(&format!("ds-{round}")).await;
        app.add_setting(&id, "fields", text_field("text", true))
            .await;
        app.add_setting(&id, "questions", label_question("label", &["a", "b"], true))
            .await;
        let statuses = at_once(2, |i| {
            let (app, id) = (app.clone(), id.clone());
            async move {
                let (method, path) = match i {
                    0 => (Method::PUT, format!("/api/v1/datasets/{id}/publish")),
                    _ => (Method::DELETE, format!("/api/v1/datasets/{id}")),
                };
                send_as_owner(&app, method, &path, None).await
            }
        })
        .await;
        assert_eq!(statuses[1], 200, "the delete always succeeds");
        assert!(matches!(statuses[0], 200 | 404), "publish: {statuses:?}");
        let (status, _) = app
            .send(
                Method::GET,
                &format!("/api/v1/datasets/{id}"),
                Some(OWNER_KEY),
                None,
            )
            .await;
        assert_eq!(status, 404, "gone, with everything in it");
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_workspace_delete_racing_a_dataset_create_leaves_no_orphan() -> TestResult {
    let app = spawn_v2().await;
    for round in 0..16 {
        let body = json!({"name": format!("ws-{round}")});
        let (_, workspace) = app
            .send(
                Method::POST,
                "/api/v1/workspaces",
                Some(OWNER_KEY),
                Some(body),
            )
            .await;
        let ws = workspace["id"].as_str().expect("id").to_owned();
        let statuses = at_once(2, |i| {
            let (app, ws) = (app.clone(), ws.clone());
            async move {
                match i {
                    0 => {
                        let body = json!({"name": "d", "workspace_id": ws});
                        send_as_owner(&app, Method::POST, "/api/v1/datasets", Some(body)).await
                    }
                    _ => {
                        let path = format!("/api/v1/workspaces/{ws}");
                        send_as_owner(&app, Method::DELETE, &path, None).await
                    }
                }
            }
        })
        .await;
        // Either the dataset came first (the delete is refused) or the workspace went first
        // (the create finds no workspace).
        assert!(
            matches!(statuses[..], [201, 409] | [422, 200]),
            "round {round}: {statuses:?}"
        );
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sixty_four_upserts_of_one_new_external_id_make_one_record() -> TestResult {
    let app = spawn_v2().await;
    let fx = crate::records_support::Fixture::new(&app).await;
    let path = fx.bulk_path();
    let answers = at_once(64, |i| {
        let (app, path) = (app.clone(), path.clone());
        async move {
            let body = json!({"items": [{"external_id": "raced", "fields": {"text": format!("v{i}")},
                                         "metadata": {"year": 1900 + i}}]});
            app.send(Method::PUT, &path, Some(OWNER_KEY), Some(body)).await
        }
    })
    .await;
    assert!(
        answers.iter().all(|(status, _)| *status == 200),
        "{answers:?}"
    );
    let ids: BTreeSet<&str> = (answers.iter())
        .map(|(_, body)| body["items"][0]["id"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(ids.len(), 1, "every upsert found the one record: {ids:?}");
    let listed = fx.list(&app, "").await;
    assert_eq!(listed["total"], 1);
    // The last write's fields and metadata, together.
    let record = &listed["items"][0];
    let text = record["fields"]["text"].as_str().unwrap_or("");
    assert_eq!(
        format!(
            "v{}",
            record["metadata"]["year"].as_i64().unwrap_or(0) - 1900
        ),
        text
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sixty_four_creates_of_one_external_id_give_one_201_and_63_refusals() -> TestResult {
    let app = spawn_v2().await;
    let fx = crate::records_support::Fixture::new(&app).await;
    let path = fx.bulk_path();
    let statuses = at_once(64, |_| {
        let (app, path) = (app.clone(), path.clone());
        async move {
            let body = json!({"items": [{"external_id": "raced", "fields": {"text": "t"}}]});
            send_as_owner(&app, Method::POST, &path, Some(body)).await
        }
    })
    .await;
    assert_eq!((count(&statuses, 201), count(&statuses, 422)), (1, 63));
    assert_eq!(fx.list(&app, "").await["total"], 1);
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sixty_four_responses_of_one_user_to_one_record_give_one_201_and_63_conflicts() -> TestResult
{
    let app = spawn_v2().await;
    let fx = crate::records_support::Fixture::new(&app).await;
    let created = fx.create(&app, json!([{"fields": {"text": "t"}}])).await;
    let record = created[0]["id"].as_str().expect("id").to_owned();
    let path = format!("/api/v1/records/{record}/responses");
    let statuses = at_once(64, |_| {
        let (app, path) = (app.clone(), path.clone());
        async move {
            let body = json!({"status": "submitted", "values": {"label": {"value": "a"}}});
            send_as_owner(&app, Method::POST, &path, Some(body)).await
        }
    })
    .await;
    assert_eq!((count(&statuses, 201), count(&statuses, 409)), (1, 63));
    let stored = app
        .owner_expects(Method::GET, &format!("/api/v1/records/{record}"), None, 200)
        .await;
    assert_eq!(stored["responses"].as_array().map(Vec::len), Some(1));
    assert_eq!(stored["status"], "completed");
    // The same user's bulk upserts racing each other still leave one response.
    let outcomes = at_once(32, |i| {
        let (app, record) = (app.clone(), record.clone());
        async move {
            let status = if i % 2 == 0 { "draft" } else { "submitted" };
            let body = json!({"items": [{"record_id": record, "status": status,
                                         "values": {"label": {"value": "b"}}}]});
            app.send(
                Method::POST,
                "/api/v1/me/responses/bulk",
                Some(OWNER_KEY),
                Some(body),
            )
            .await
        }
    })
    .await;
    assert!(outcomes
        .iter()
        .all(|(s, b)| *s == 200 && b["items"][0]["error"].is_null()));
    let stored = app
        .owner_expects(Method::GET, &format!("/api/v1/records/{record}"), None, 200)
        .await;
    assert_eq!(stored["responses"].as_array().map(Vec::len), Some(1));
    let expected = match stored["responses"][0]["status"].as_str() {
        Some("submitted") => "completed",
        _ => "pending",
    };
    assert_eq!(
        stored["status"], expected,
        "the status follows the last response"
    );
    Ok(())
}
