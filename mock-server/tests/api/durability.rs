//! A file database loses nothing it acknowledged: the binary is killed with SIGKILL in the
//! middle of a burst of creates, restarted on the same file, and every user it answered 200 for
//! is there, whole (its key works, its workspace link is there), and nothing else from the burst
//! is there half-made.

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use serde_json::{json, Value};
use sqlx::Connection;

use crate::binary::start_binary;
use crate::helpers::OWNER_KEY;

const ATTEMPTS: usize = 1000;
const WORKERS: usize = 8;
/// The kill comes once this many creates were acknowledged, with `WORKERS` more in flight.
const KILL_AFTER: usize = 500;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sigkill_during_a_burst_of_creates_loses_no_acknowledged_user() {
    let dir = std::env::temp_dir().join(format!("argilla-mock-kill-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let file = dir.join("mock.db");
    let database = format!("sqlite:{}", file.display());
    let (server, url) = start_binary(&["--port", "0", "--database", &database]);
    let server = Arc::new(Mutex::new(server));
    let http = reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("client");

    let acknowledged = Arc::new(Mutex::new(Vec::<(String, String)>::new()));
    let acks = Arc::new(AtomicUsize::new(0));
    let next = Arc::new(AtomicUsize::new(0));
    let mut workers = Vec::new();
    for _ in 0..WORKERS {
        let (http, url, acknowledged, acks, next, server) = (
            http.clone(),
            url.clone(),
            acknowledged.clone(),
            acks.clone(),
            next.clone(),
            server.clone(),
        );
        workers.push(tokio::spawn(async move {
            loop {
                let i = next.fetch_add(1, Ordering::SeqCst);
                if i >= ATTEMPTS {
                    break;
                }
                let username = format!("burst-{i}");
                let body = json!({"first_name": "B", "username": username, "password": "12345678", "workspaces": ["team"]});
                let sent = http
                    .post(format!("{url}/api/users"))
                    .header("X-Argilla-Api-Key", OWNER_KEY)
                    .json(&body)
                    .send()
                    .await;
                let Ok(response) = sent else { continue };
                if response.status() != 200 {
                    continue;
                }
                let Ok(user) = response.json::<Value>().await else {
                    continue;
                };
                let id = user["id"].as_str().expect("id").to_owned();
                acknowledged.lock().expect("lock").push((username, id));
                if acks.fetch_add(1, Ordering::SeqCst) + 1 == KILL_AFTER {
                    // SIGKILL: no shutdown code runs, the WAL is left as it is.
                    let mut server = server.lock().expect("lock");
                    server.0.kill().expect("kill");
                    server.0.wait().expect("reaped");
                }
            }
        }));
    }
    for worker in workers {
        worker.await.expect("worker");
    }
    let acknowledged = acknowledged.lock().expect("lock").clone();
    assert!(
        acknowledged.len() >= KILL_AFTER && acknowledged.len() < ATTEMPTS,
        "the kill landed mid-burst: {} acknowledged",
        acknowledged.len()
    );

    // The file is a sound SQLite database after recovery.
    let mut db = sqlx::SqliteConnection::connect(&format!("{database}?mode=rw"))
        .await
        .expect("open the file");
    let check: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(&mut db)
        .await
        .expect("integrity_check");
    assert_eq!(check, "ok");
    db.close().await.expect("close");

    let (_server, url) = start_binary(&["--port", "0", "--database", &database]);
    let users: Vec<Value> = http
        .get(format!("{url}/api/users"))
        .header("X-Argilla-Api-Key", OWNER_KEY)
        .send()
        .await
        .expect("list")
        .json()
        .await
        .expect("json");
    let burst: Vec<&Value> = users
        .iter()
        .filter(|u| u["username"].as_str().unwrap_or("").starts_with("burst-"))
        .collect();
    let present: BTreeSet<(String, String)> = burst
        .iter()
        .map(|u| {
            (
                u["username"].as_str().expect("username").to_owned(),
                u["id"].as_str().expect("id").to_owned(),
            )
        })
        .collect();
    let missing: Vec<_> = acknowledged
        .iter()
        .filter(|pair| !present.contains(*pair))
        .collect();
    assert!(missing.is_empty(), "acknowledged, then lost: {missing:?}");
    // At most the requests in flight at the kill got in without an answer.
    assert!(present.len() <= acknowledged.len() + WORKERS);
    eprintln!(
        "{} creates acknowledged before and around the kill, {} present after the restart",
        acknowledged.len(),
        present.len()
    );
    for user in burst {
        assert_eq!(user["workspaces"], json!(["team"]), "{user}");
        let key = user["api_key"].as_str().expect("key");
        let me: Value = http
            .get(format!("{url}/api/me"))
            .header("X-Argilla-Api-Key", key)
            .send()
            .await
            .expect("me")
            .json()
            .await
            .expect("json");
        assert_eq!(me["id"], user["id"]);
    }
    let _ = std::fs::remove_dir_all(dir);
}
