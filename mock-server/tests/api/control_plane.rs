//! The admin API: reset, fixtures, state, journal, namespaces, seeded ids, and the embedded
//! server handle (issue "control plane", items 1 and 3–7).

use std::sync::Arc;

use crate::helpers::*;
use argilla_mock::{Config, FaultSpec, MockServer};
use reqwest::Method;
use serde_json::{json, Value};

#[tokio::test]
async fn reset_returns_to_the_fixtures() -> TestResult {
    let app = TestApp::spawn().await;
    app.create_user("temp", "annotator", &["team"]).await;
    app.delete(&format!("/api/users/{BOB_ID}"), Some(OWNER_KEY))
        .await;
    app.post_json(
        "/api/workspaces",
        Some(OWNER_KEY),
        &json!({"name": "extra"}),
    )
    .await;
    let (status, body) = app.admin(Method::POST, "/__mock/reset", None).await;
    assert_eq!((status, body["reset"].clone()), (200, json!(true)));
    assert_eq!(
        app.usernames().await,
        ["argilla", "admin", "annotator", "bob"]
    );
    let (_, bob) = status_and_json(app.get("/api/me", Some(BOB_KEY)).await).await;
    assert_eq!(bob["workspaces"], json!(["team"]));
    let (_, workspaces) = status_and_json(app.get("/api/workspaces", Some(OWNER_KEY)).await).await;
    assert_eq!(workspaces.as_array().map(Vec::len), Some(2));
    Ok(())
}

/// Resets of an in-memory database restore an image of the fixtures (made on the first one):
/// every later reset must give back exactly the first state, and the copy must stay writable.
#[tokio::test]
async fn every_reset_gives_back_the_same_state_and_a_writable_database() -> TestResult {
    let app = TestApp::spawn().await;
    let (_, initial) = app.admin(Method::GET, "/__mock/state", None).await;
    for round in 0..3 {
        app.create_user(&format!("temp-{round}"), "annotator", &["team"])
            .await;
        app.delete(&format!("/api/users/{BOB_ID}"), Some(OWNER_KEY))
            .await;
        let (status, _) = app.admin(Method::POST, "/__mock/reset", None).await;
        assert_eq!(status, 200);
        let (_, state) = app.admin(Method::GET, "/__mock/state", None).await;
        assert_eq!(state, initial, "round {round}");
        // bob's key works again, and his name and key are unique again.
        assert_eq!(app.get("/api/me", Some(BOB_KEY)).await.status(), 200);
        let again = app
            .post_json(
                "/api/users",
                Some(OWNER_KEY),
                &json!({"first_name": "B", "username": "bob", "password": "12345678"}),
            )
            .await;
        assert_eq!(
            again.status(),
            409,
            "round {round}: the unique index came back"
        );
    }
    Ok(())
}

#[tokio::test]
async fn a_reset_after_new_fixtures_returns_to_them_every_time() -> TestResult {
    let app = TestApp::spawn().await;
    app.admin(Method::POST, "/__mock/reset", None).await; // an image of the default fixtures
    let fixtures = json!({
        "workspaces": [{"name": "lab"}],
        "users": [{"username": "boss", "role": "owner", "api_key": "boss.key", "password": "12345678", "workspaces": ["lab"]}]
    });
    let (status, _) = app
        .admin(Method::PUT, "/__mock/fixtures", Some(fixtures))
        .await;
    assert_eq!(status, 200);
    for _ in 0..2 {
        app.create_user_with_key("boss.key", "hire").await;
        app.admin(Method::POST, "/__mock/reset", None).await;
        let (_, users) = status_and_json(app.get("/api/users", Some("boss.key")).await).await;
        let names: Vec<&str> = users
            .as_array()
            .expect("users")
            .iter()
            .map(|u| u["username"].as_str().expect("username"))
            .collect();
        assert_eq!(names, ["boss"]);
        assert_eq!(app.get("/api/me", Some(OWNER_KEY)).await.status(), 401);
    }
    Ok(())
}

#[tokio::test]
async fn put_fixtures_replaces_the_data_and_becomes_the_reset_target() -> TestResult {
    let app = TestApp::spawn().await;
    let fixtures = json!({
        "workspaces": [{"name": "lab"}],
        "users": [{"username": "boss", "role": "owner", "api_key": "boss.key", "password": "12345678", "workspaces": ["lab"]}]
    });
    let (status, body) = app
        .admin(Method::PUT, "/__mock/fixtures", Some(fixtures))
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        app.get("/api/me", Some(OWNER_KEY)).await.status(),
        401,
        "the old users are gone"
    );
    let (_, users) = status_and_json(app.get("/api/users", Some("boss.key")).await).await;
    assert_eq!(users.as_array().map(Vec::len), Some(1));
    app.create_user_with_key("boss.key", "hire").await;
    app.admin(Method::POST, "/__mock/reset", None).await;
    let (_, users) = status_and_json(app.get("/api/users", Some("boss.key")).await).await;
    assert_eq!(
        users.as_array().map(Vec::len),
        Some(1),
        "reset returns to the new fixtures"
    );
    Ok(())
}

#[tokio::test]
async fn bad_fixtures_are_422_and_leave_the_data_alone() -> TestResult {
    let app = TestApp::spawn().await;
    let (status, body) = app
        .admin(
            Method::PUT,
            "/__mock/fixtures",
            Some(json!({"users": [{"username": "x", "role": "boss", "password": "p"}]})),
        )
        .await;
    assert_eq!(status, 422);
    assert!(
        body["detail"]
            .as_str()
            .unwrap_or_default()
            .contains("entry users[0], field `role`"),
        "{body}"
    );
    assert_eq!(app.usernames().await.len(), 4);
    Ok(())
}

#[tokio::test]
async fn state_dumps_users_workspaces_and_memberships_without_secrets() -> TestResult {
    let app = TestApp::spawn().await;
    let (status, state) = app.admin(Method::GET, "/__mock/state", None).await;
    assert_eq!(status, 200);
    assert_eq!(state["users"].as_array().map(Vec::len), Some(4));
    assert_eq!(state["workspaces"].as_array().map(Vec::len), Some(2));
    assert_eq!(state["memberships"].as_array().map(Vec::len), Some(5));
    assert_eq!(
        state["memberships"][0],
        json!({"workspace_id": ARGILLA_WS, "user_id": OWNER_ID, "inserted_at": "2024-01-01T00:00:00"})
    );
    assert!(!state.to_string().contains("$2b$"), "no password hashes");
    Ok(())
}

#[tokio::test]
async fn the_journal_records_requests_with_secrets_masked() -> TestResult {
    let app = TestApp::spawn().await;
    app.post_json(
        "/api/users",
        Some(OWNER_KEY),
        &json!({"first_name": "J", "username": "journal", "password": "secret-pass"}),
    )
    .await;
    app.get("/api/me", None).await;
    let (status, body) = app
        .admin(
            Method::GET,
            "/__mock/requests?method=POST&path=/api/users",
            None,
        )
        .await;
    assert_eq!(status, 200);
    let entries = body["requests"].as_array().cloned().unwrap_or_default();
    assert_eq!(entries.len(), 1);
    let entry = &entries[0];
    assert_eq!(
        (entry["method"].clone(), entry["status"].clone()),
        (json!("POST"), json!(200))
    );
    assert_eq!(entry["body"]["password"], "***");
    assert_eq!(entry["body"]["username"], "journal");
    let headers = entry["headers"].to_string();
    assert!(
        headers.contains("[\"x-argilla-api-key\",\"***\"]"),
        "{headers}"
    );
    assert!(!body.to_string().contains(OWNER_KEY) && !body.to_string().contains("secret-pass"));
    // `since` returns only what came later.
    let seq = entry["seq"].as_u64().unwrap_or_default();
    let (_, later) = app
        .admin(Method::GET, &format!("/__mock/requests?since={seq}"), None)
        .await;
    assert_eq!(later["requests"][0]["status"], 401);
    app.admin(Method::DELETE, "/__mock/requests", None).await;
    let (_, empty) = app.admin(Method::GET, "/__mock/requests", None).await;
    assert_eq!(empty["requests"], json!([]));
    Ok(())
}

#[tokio::test]
async fn the_journal_stays_within_its_bound_and_can_be_turned_off() -> TestResult {
    let app = TestApp::with_config(Config {
        journal_size: 5,
        ..Config::default()
    })
    .await;
    for _ in 0..20 {
        app.get("/api/me", Some(OWNER_KEY)).await;
    }
    assert_eq!(app.server.requests().len(), 5);
    let off = TestApp::with_config(Config {
        journal_size: 0,
        ..Config::default()
    })
    .await;
    off.get("/api/me", Some(OWNER_KEY)).await;
    assert!(off.server.requests().is_empty());
    Ok(())
}

#[tokio::test]
async fn the_journal_records_the_fault_applied_and_cut_connections() -> TestResult {
    let app = TestApp::spawn().await;
    app.admin(
        Method::POST,
        "/__mock/faults",
        Some(json!({"path": "/api/me", "fault": "connection_reset", "times": 1})),
    )
    .await;
    let _ = app
        .request(Method::GET, "/api/me", Some(OWNER_KEY))
        .send()
        .await;
    let entries = app.server.requests();
    let last = entries.last().expect("recorded");
    assert_eq!(last.status, None);
    assert_eq!(
        last.fault.as_ref().map(|f| f.kind.as_str()),
        Some("connection_reset")
    );
    Ok(())
}

#[tokio::test]
async fn the_admin_api_needs_no_argilla_key_and_can_be_turned_off() -> TestResult {
    let app = TestApp::with_config(Config {
        no_admin: true,
        ..Config::default()
    })
    .await;
    let (status, body) = app.admin(Method::POST, "/__mock/reset", None).await;
    assert_eq!(
        (status, body),
        (405, json!({"detail": "Method Not Allowed"}))
    );
    let (status, _) = app.admin(Method::GET, "/__mock/state", None).await;
    assert_eq!(status, 404);
    Ok(())
}

#[tokio::test]
async fn the_admin_api_describes_itself() -> TestResult {
    let app = TestApp::spawn().await;
    let (status, doc) = app.admin(Method::GET, "/__mock/openapi.json", None).await;
    assert_eq!(status, 200);
    for path in [
        "/__mock/reset",
        "/__mock/fixtures",
        "/__mock/state",
        "/__mock/faults",
        "/__mock/faults/{id}",
        "/__mock/requests",
        "/__mock/namespaces",
    ] {
        assert!(doc["paths"][path].is_object(), "{path} is described");
    }
    Ok(())
}

#[tokio::test]
async fn namespaces_are_isolated_copies_seeded_from_the_fixtures() -> TestResult {
    let app = TestApp::spawn().await;
    app.create_user("root-only", "annotator", &[]).await;
    let a = app
        .post_json(
            "/ns/a/api/users",
            Some(OWNER_KEY),
            &json!({"first_name": "A", "username": "in-a", "password": "12345678"}),
        )
        .await;
    assert_eq!(a.status(), 200);
    let names = |v: Value| {
        v.as_array()
            .into_iter()
            .flatten()
            .filter_map(|u| u["username"].as_str().map(str::to_owned))
            .collect::<Vec<_>>()
    };
    let (_, in_a) = status_and_json(app.get("/ns/a/api/users", Some(OWNER_KEY)).await).await;
    let (_, in_b) = status_and_json(app.get("/ns/b/api/users", Some(OWNER_KEY)).await).await;
    assert_eq!(
        names(in_a),
        ["argilla", "admin", "annotator", "bob", "in-a"]
    );
    assert_eq!(names(in_b), ["argilla", "admin", "annotator", "bob"]);
    assert!(!app.usernames().await.contains(&"in-a".to_owned()));
    // A namespace's admin API controls only that namespace.
    app.admin(
        Method::POST,
        "/ns/a/__mock/faults",
        Some(json!({"path": "/api/me", "status": 500})),
    )
    .await;
    assert_eq!(app.get("/ns/a/api/me", Some(OWNER_KEY)).await.status(), 500);
    assert_eq!(app.get("/ns/b/api/me", Some(OWNER_KEY)).await.status(), 200);
    assert_eq!(app.get("/api/me", Some(OWNER_KEY)).await.status(), 200);
    app.admin(Method::POST, "/ns/a/__mock/reset", None).await;
    let (_, in_a) = status_and_json(app.get("/ns/a/api/users", Some(OWNER_KEY)).await).await;
    assert_eq!(names(in_a).len(), 4);
    let (_, journal) = app.admin(Method::GET, "/ns/b/__mock/requests", None).await;
    let entries = journal["requests"].as_array().cloned().unwrap_or_default();
    assert!(!entries.is_empty());
    assert!(entries.iter().all(|e| e["namespace"] == "b"));
    let (_, listed) = app.admin(Method::GET, "/__mock/namespaces", None).await;
    assert_eq!(listed["namespaces"], json!(["a", "b"]));
    let (status, _) =
        status_and_json(app.get("/ns/bad%20name/api/me", Some(OWNER_KEY)).await).await;
    assert_eq!(status, 404);
    Ok(())
}

#[tokio::test]
async fn thirty_two_concurrent_namespaces_never_see_each_others_data() -> TestResult {
    let app = Arc::new(TestApp::spawn().await);
    let mut tasks = Vec::new();
    for n in 0..32 {
        let app = app.clone();
        tasks.push(tokio::spawn(async move {
            let ns = format!("/ns/t{n}");
            let mut mine = Vec::new();
            for i in 0..5 {
                let username = format!("u{n}-{i}");
                let body = json!({"first_name": "C", "username": username, "password": "12345678"});
                let response = app
                    .post_json(&format!("{ns}/api/users"), Some(OWNER_KEY), &body)
                    .await;
                assert_eq!(response.status(), 200);
                let user: Value = response.json().await.expect("json");
                mine.push((username, user["id"].as_str().unwrap_or_default().to_owned()));
            }
            // Delete one, then list: exactly the fixtures plus our four.
            let (gone, gone_id) = mine.remove(0);
            let deleted = app
                .delete(&format!("{ns}/api/users/{gone_id}"), Some(OWNER_KEY))
                .await;
            assert_eq!(deleted.status(), 200, "{gone}");
            let users: Value = app
                .get(&format!("{ns}/api/users"), Some(OWNER_KEY))
                .await
                .json()
                .await
                .expect("json");
            let names: Vec<String> = users
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|u| u["username"].as_str().map(str::to_owned))
                .collect();
            let mut expected: Vec<String> = ["argilla", "admin", "annotator", "bob"]
                .map(String::from)
                .to_vec();
            expected.extend(mine.into_iter().map(|(name, _)| name));
            assert_eq!(names, expected, "namespace t{n}");
        }));
    }
    for task in tasks {
        task.await?;
    }
    assert_eq!(
        app.usernames().await.len(),
        4,
        "the default namespace is untouched"
    );
    Ok(())
}

#[tokio::test]
async fn a_seed_makes_generated_ids_and_keys_repeat() -> TestResult {
    async fn created(seed: u64) -> (Value, Value) {
        let app = TestApp::with_config(Config {
            seed: Some(seed),
            ..Config::default()
        })
        .await;
        let user = app.create_user("seeded", "annotator", &[]).await;
        let (_, ws) = status_and_json(
            app.post_json(
                "/api/workspaces",
                Some(OWNER_KEY),
                &json!({"name": "seeded"}),
            )
            .await,
        )
        .await;
        (json!([user["id"], user["api_key"]]), ws["id"].clone())
    }
    let first = created(42).await;
    assert_eq!(first, created(42).await);
    assert_ne!(first, created(43).await);
    Ok(())
}

#[tokio::test]
async fn the_embedded_server_offers_reset_faults_and_the_journal() -> TestResult {
    let server = MockServer::builder()
        .seed(1)
        .journal_size(100)
        .start()
        .await?;
    let http = reqwest::Client::builder().no_proxy().build()?;
    let key = server.api_key().unwrap_or_default().to_owned();
    let me = |http: reqwest::Client, url: String, key: String| async move {
        http.get(format!("{url}/api/me"))
            .header("X-Argilla-Api-Key", key)
            .send()
            .await
            .map(|r| r.status().as_u16())
    };
    assert_eq!(me(http.clone(), server.url(), key.clone()).await?, 200);
    let spec: FaultSpec =
        serde_json::from_value(json!({"path": "/api/me", "status": 500, "times": 1}))?;
    server.add_fault(spec)?;
    assert_eq!(me(http.clone(), server.url(), key.clone()).await?, 500);
    assert_eq!(server.requests().len(), 2);
    http.delete(format!("{}/api/users/{BOB_ID}", server.url()))
        .header("X-Argilla-Api-Key", &key)
        .send()
        .await?;
    server.reset().await?;
    let users: Value = http
        .get(format!("{}/api/users", server.url()))
        .header("X-Argilla-Api-Key", &key)
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(users.as_array().map(Vec::len), Some(4));
    let ns = http
        .get(format!("{}/api/me", server.namespace_url("x")))
        .header("X-Argilla-Api-Key", &key)
        .send()
        .await?;
    assert_eq!(ns.status(), 200);
    let url = server.url();
    drop(server);
    // Dropping the handle stops the server: new connections are refused.
    let refused = tokio::time::timeout(std::time::Duration::from_secs(5), async {
        loop {
            if http.get(format!("{url}/api/_info")).send().await.is_err() {
                break;
            }
            tokio::task::yield_now().await;
        }
    })
    .await;
    assert!(refused.is_ok());
    Ok(())
}
