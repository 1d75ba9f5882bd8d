//! Databases and fixtures: in memory by default, a file on request, seeded once.

use std::path::PathBuf;

use crate::helpers::*;
use argilla_mock::{spawn, Config};
use serde_json::json;

fn temp_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("argilla-mock-test-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

#[tokio::test]
async fn two_in_memory_servers_never_share_data() -> TestResult {
    let first = TestApp::spawn().await;
    let second = TestApp::spawn().await;
    first.create_user("only-here", "annotator", &[]).await;
    assert!(first.usernames().await.contains(&"only-here".to_owned()));
    assert!(!second.usernames().await.contains(&"only-here".to_owned()));
    Ok(())
}

#[tokio::test]
async fn a_file_database_keeps_its_data_across_restarts_and_is_not_reseeded() -> TestResult {
    let dir = temp_dir();
    let config = Config {
        database: format!("sqlite:{}", dir.join("mock.db").display()),
        ..Config::default()
    };
    let app = TestApp::with_config(config.clone()).await;
    let created = app.create_user("durable", "admin", &["team"]).await;
    app.delete(&format!("/api/users/{BOB_ID}"), Some(OWNER_KEY))
        .await;
    app.server.stop().await?;

    let again = TestApp::with_config(config).await;
    let names = again.usernames().await;
    assert!(names.contains(&"durable".to_owned()));
    assert!(
        !names.contains(&"bob".to_owned()),
        "a restart does not re-apply the fixtures"
    );
    let key = created["api_key"].as_str().unwrap_or_default();
    let (status, me) = status_and_json(again.get("/api/me", Some(key)).await).await;
    assert_eq!((status, me["workspaces"].clone()), (200, json!(["team"])));
    drop(again);
    std::fs::remove_dir_all(dir)?;
    Ok(())
}

#[tokio::test]
async fn the_minimal_fixtures_are_a_fresh_argilla_install() -> TestResult {
    let fixtures = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fixtures/minimal.json");
    let app = TestApp::with_config(Config {
        fixtures: Some(fixtures),
        ..Config::default()
    })
    .await;
    assert_eq!(app.usernames().await, ["argilla"]);
    let (_, workspaces) = status_and_json(app.get("/api/workspaces", Some(OWNER_KEY)).await).await;
    assert_eq!(workspaces.as_array().map(Vec::len), Some(1));
    assert_eq!(app.server.api_key(), Some(OWNER_KEY));
    Ok(())
}

#[tokio::test]
async fn custom_fixtures_may_leave_out_ids_keys_and_timestamps() -> TestResult {
    let dir = temp_dir();
    let path = dir.join("custom.json");
    std::fs::write(
        &path,
        r#"{
        "workspaces": [{"name": "lab"}],
        "users": [
            {"username": "boss", "role": "owner", "password": "secret99", "workspaces": ["lab"]},
            {"username": "worker", "first_name": "W", "api_key": "worker.key",
             "password_hash": "$2b$04$Y4Zl1cG8tC5qbqOeEO5tOu6YxNfJxrRyh0e3Gm9mQ0qzI0T8CkZ6i"}
        ]
    }"#,
    )?;
    let app = TestApp::with_config(Config {
        fixtures: Some(path),
        ..Config::default()
    })
    .await;
    let boss_key = app.server.api_key().unwrap_or_default().to_owned();
    assert_eq!(
        boss_key.len(),
        107,
        "a generated key, printed as the default (first owner)"
    );
    let (status, me) = status_and_json(app.get("/api/me", Some(&boss_key)).await).await;
    assert_eq!(
        (status, me["username"].clone(), me["workspaces"].clone()),
        (200, json!("boss"), json!(["lab"]))
    );
    let (status, worker) = status_and_json(app.get("/api/me", Some("worker.key")).await).await;
    assert_eq!((status, worker["role"].clone()), (200, json!("annotator")));
    std::fs::remove_dir_all(dir)?;
    Ok(())
}

#[tokio::test]
async fn a_bad_fixture_file_stops_start_up_naming_file_entry_and_field() -> TestResult {
    let dir = temp_dir();
    let path = dir.join("bad.json");
    std::fs::write(
        &path,
        r#"{"workspaces": [], "users": [{"username": "x", "password": "p", "workspaces": ["ghost"]}]}"#,
    )?;
    let error = spawn(&Config {
        fixtures: Some(path.clone()),
        ..Config::default()
    })
    .await
    .expect_err("refused");
    assert_eq!(
        error.to_string(),
        format!("invalid fixture file {}: entry users[0] (\"x\"), field `workspaces`: workspace \"ghost\" is not defined under `workspaces`", path.display())
    );
    let missing = spawn(&Config {
        fixtures: Some(dir.join("absent.json")),
        ..Config::default()
    })
    .await
    .expect_err("refused");
    assert!(
        missing
            .to_string()
            .contains("absent.json: file: cannot be read"),
        "{missing}"
    );
    std::fs::remove_dir_all(dir)?;
    Ok(())
}

/// `sqlite:` (SQLite's empty file name) is what a large fixture set is kept in when no database
/// is given: a private temporary database, seeded by copying a template's pages.
#[tokio::test]
async fn a_temporary_database_is_seeded_and_reset_from_the_fixtures_template() -> TestResult {
    let app = TestApp::with_config(Config {
        database: "sqlite:".into(),
        ..Config::default()
    })
    .await;
    let fixtures = app.usernames().await;
    assert!(fixtures.contains(&"argilla".to_owned()), "{fixtures:?}");
    app.create_user("temporary", "annotator", &["team"]).await;
    app.delete(&format!("/api/users/{BOB_ID}"), Some(OWNER_KEY))
        .await;
    assert_ne!(app.usernames().await, fixtures);

    app.server.reset().await?;
    assert_eq!(app.usernames().await, fixtures, "back to the fixtures");
    app.create_user("after-reset", "annotator", &["team"]).await;
    let me = app.get("/api/me", Some(OWNER_KEY)).await;
    assert_eq!(me.status(), 200);

    let other = TestApp::with_config(Config {
        database: "sqlite:".into(),
        ..Config::default()
    })
    .await;
    assert_eq!(other.usernames().await, fixtures, "each server has its own");
    Ok(())
}
