//! Limits that keep the mock up whatever clients do: oversized bodies and headers are refused,
//! idle and slow connections are closed, and the journal stays within its bound.

use std::sync::Arc;
use std::time::Duration;

use crate::helpers::*;
use argilla_mock::Config;
use reqwest::Method;
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const TEN_MB: usize = 10 * 1024 * 1024;
/// The limit these tests set (the default, 64 MiB, is larger than they need to send).
const TWO_MB: usize = 2 * 1024 * 1024;
/// How long a test waits for the server to close a connection before calling it open.
const PATIENCE: Duration = Duration::from_secs(10);

fn too_large() -> Value {
    json!({"detail": "Request body is too large"})
}

/// Writes a raw request head (and maybe a body start), then reads everything the server sends
/// until it closes. `None` when the connection is still open after `PATIENCE`.
async fn raw_exchange(addr: &str, bytes: &[u8]) -> Option<Vec<u8>> {
    let mut stream = TcpStream::connect(addr).await.expect("connect");
    stream.write_all(bytes).await.expect("write");
    read_until_closed(&mut stream).await
}

async fn read_until_closed(stream: &mut TcpStream) -> Option<Vec<u8>> {
    let mut received = Vec::new();
    let reading = async {
        let mut buf = [0u8; 4096];
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => received.extend_from_slice(&buf[..n]),
            }
        }
    };
    tokio::time::timeout(PATIENCE, reading).await.ok()?;
    Some(received)
}

fn addr(app: &TestApp) -> String {
    app.server.url().trim_start_matches("http://").to_owned()
}

#[tokio::test]
async fn a_10_mb_body_is_refused_with_413_and_the_server_keeps_serving() -> TestResult {
    let app = TestApp::with_config(Config {
        max_body_bytes: TWO_MB,
        ..Config::default()
    })
    .await;
    let response = app
        .request(Method::POST, "/api/users", Some(OWNER_KEY))
        .header("Content-Type", "application/json")
        .body(vec![b'a'; TEN_MB])
        .send()
        .await?;
    assert_eq!(status_and_json(response).await, (413, too_large()));
    assert_eq!(app.get("/api/me", Some(OWNER_KEY)).await.status(), 200);
    Ok(())
}

#[tokio::test]
async fn a_chunked_body_is_cut_off_at_the_limit_with_413() -> TestResult {
    let app = TestApp::with_config(Config {
        max_body_bytes: 64 * 1024,
        ..Config::default()
    })
    .await;
    let mut stream = TcpStream::connect(addr(&app)).await?;
    stream
        .write_all(
            b"POST /api/users HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\
              Connection: close\r\nContent-Type: application/json\r\n\
              X-Argilla-Api-Key: argilla.apikey\r\n\r\n",
        )
        .await?;
    // Ten chunks of 16 KiB: the limit is crossed on the fifth; the rest is read and dropped, so
    // the client can finish sending and then read its 413.
    let chunk = [b'a'; 16 * 1024];
    for _ in 0..10 {
        let mut framed = format!("{:x}\r\n", chunk.len()).into_bytes();
        framed.extend_from_slice(&chunk);
        framed.extend_from_slice(b"\r\n");
        stream.write_all(&framed).await?;
    }
    stream.write_all(b"0\r\n\r\n").await?;
    let answer = read_until_closed(&mut stream).await.expect("answered");
    let text = String::from_utf8_lossy(&answer);
    assert!(text.starts_with("HTTP/1.1 413"), "{text}");
    assert!(text.ends_with(&too_large().to_string()), "{text}");
    assert_eq!(app.get("/api/me", Some(OWNER_KEY)).await.status(), 200);
    Ok(())
}

/// The binary's resident memory, from /proc (Linux).
fn rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[tokio::test]
async fn memory_stays_flat_while_oversized_bodies_are_refused() -> TestResult {
    let limit = TWO_MB.to_string();
    let (child, url) = crate::binary::start_binary(&["--port", "0", "--max-body-bytes", &limit]);
    let http = reqwest::Client::builder().no_proxy().build()?;
    let body = vec![b'a'; TEN_MB];
    let refuse = || async {
        let response = http
            .post(format!("{url}/api/users"))
            .header("X-Argilla-Api-Key", OWNER_KEY)
            .header("Content-Type", "application/json")
            .body(body.clone())
            .send()
            .await?;
        Ok::<u16, reqwest::Error>(response.status().as_u16())
    };
    // Warm up first: the first requests grow buffers and pools that stay, as they should.
    for _ in 0..3 {
        assert_eq!(refuse().await?, 413);
    }
    let Some(before) = rss_kib(child.0.id()) else {
        eprintln!("no /proc here: memory not measured");
        return Ok(());
    };
    for _ in 0..30 {
        assert_eq!(refuse().await?, 413);
    }
    let after = rss_kib(child.0.id()).expect("rss");
    eprintln!("RSS before {before} KiB, after 30 x 10 MB refused bodies {after} KiB");
    // 300 MB went by; holding even one body would be 10 MB.
    assert!(
        after.saturating_sub(before) < 8 * 1024,
        "RSS grew from {before} KiB to {after} KiB"
    );
    Ok(())
}

#[tokio::test]
async fn a_10k_character_username_is_accepted_as_the_real_server_does() -> TestResult {
    // The real 1.14.1 server's username rule is a pattern with no maximum length: it answers
    // 200 for 10,000 and 100,000 characters (argilla-users-api.md, Part B "Validation rules";
    // checked against the oracle), so the mock does too. The request size stays bounded by
    // --max-body-bytes.
    let app = TestApp::spawn().await;
    let username = "a".repeat(10_000);
    let body = json!({"first_name": "Long", "username": username, "password": "12345678"});
    let (status, user) =
        status_and_json(app.post_json("/api/users", Some(OWNER_KEY), &body).await).await;
    assert_eq!(status, 200);
    assert_eq!(user["username"].as_str().map(str::len), Some(10_000));
    let again = app.post_json("/api/users", Some(OWNER_KEY), &body).await;
    assert_eq!(again.status(), 409);
    Ok(())
}

#[tokio::test]
async fn oversized_headers_get_431_and_the_server_keeps_serving() -> TestResult {
    let app = TestApp::spawn().await;
    let address = addr(&app);
    let huge = format!(
        "GET /api/me HTTP/1.1\r\nHost: x\r\nX-Argilla-Api-Key: argilla.apikey\r\nX-Big: {}\r\n\r\n",
        "x".repeat(1024 * 1024)
    );
    let many: String = (0..200).map(|i| format!("X-H{i}: v\r\n")).collect();
    let many = format!("GET /api/me HTTP/1.1\r\nHost: x\r\n{many}\r\n");
    for head in [huge, many] {
        let answer = raw_exchange(&address, head.as_bytes())
            .await
            .expect("answered");
        let text = String::from_utf8_lossy(&answer);
        assert!(text.starts_with("HTTP/1.1 431"), "{text}");
    }

    // 64 KiB of headers is still a request (the limit is hyper's ~400 KiB and 100 headers).
    let response = app.get("/api/me", Some(OWNER_KEY)).await;
    assert_eq!(response.status(), 200);
    let big_but_fine = app
        .request(Method::GET, "/api/me", Some(OWNER_KEY))
        .header("X-Big", "x".repeat(64 * 1024))
        .send()
        .await?;
    assert_eq!(big_but_fine.status(), 200);
    Ok(())
}

async fn app_with_read_timeout(ms: u64) -> TestApp {
    TestApp::with_config(Config {
        read_timeout_ms: ms,
        ..Config::default()
    })
    .await
}

#[tokio::test]
async fn idle_and_slow_connections_are_closed_after_the_read_timeout() -> TestResult {
    let app = app_with_read_timeout(300).await;
    let address = addr(&app);
    let cases: [(&str, &[u8]); 6] = [
        ("connected, sent nothing", b""),
        ("one byte", b"G"),
        (
            "23 bytes, less than HTTP/2's preface",
            b"GET /api/me HTTP/1.1\r\nH",
        ),
        // The real server speaks HTTP/1 only; an h2c client must not hold a connection.
        ("an HTTP/2 preface", b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"),
        ("half a request head", b"GET /api/me HTTP/1.1\r\nHo"),
        (
            "a body that stops coming",
            b"POST /api/users HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\
              X-Argilla-Api-Key: argilla.apikey\r\n\r\n{\"first",
        ),
    ];
    for (case, bytes) in cases {
        let answer = raw_exchange(&address, bytes).await;
        assert!(answer.is_some(), "{case}: still open after {PATIENCE:?}");
    }
    // A keep-alive connection that goes quiet after a request.
    let mut stream = TcpStream::connect(&address).await?;
    stream
        .write_all(b"GET /api/_info HTTP/1.1\r\nHost: x\r\n\r\n")
        .await?;
    let answer = read_until_closed(&mut stream)
        .await
        .expect("closed when idle");
    assert!(answer.starts_with(b"HTTP/1.1 200"));
    Ok(())
}

#[tokio::test]
async fn hundreds_of_idle_connections_neither_block_service_nor_stay_open() -> TestResult {
    let app = app_with_read_timeout(500).await;
    let address = addr(&app);
    let mut idle = Vec::new();
    // 200, not thousands: client and server ends share this process's descriptors, and CI
    // machines may allow as few as 1,024.
    for _ in 0..200 {
        idle.push(TcpStream::connect(&address).await?);
    }
    // Served while all 200 sit there.
    let me = app.get("/api/me", Some(OWNER_KEY)).await;
    assert_eq!(me.status(), 200);
    for (i, stream) in idle.iter_mut().enumerate() {
        assert!(
            read_until_closed(stream).await.is_some(),
            "idle connection {i} still open"
        );
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_journal_stays_within_its_bound_under_load() -> TestResult {
    let app = Arc::new(
        TestApp::with_config(Config {
            journal_size: 100,
            ..Config::default()
        })
        .await,
    );
    let mut tasks = Vec::new();
    for worker in 0..32 {
        let app = app.clone();
        tasks.push(tokio::spawn(async move {
            for i in 0..64 {
                let path = if i % 2 == 0 { "/api/me" } else { "/api/users" };
                let response = app
                    .request(Method::GET, path, Some(OWNER_KEY))
                    .header("X-Worker", worker.to_string())
                    .send()
                    .await
                    .expect("request");
                assert_eq!(response.status(), 200);
            }
        }));
    }
    for task in tasks {
        task.await?;
    }
    let (status, journal) = app.admin(Method::GET, "/__mock/requests", None).await;
    assert_eq!(status, 200);
    let entries = journal["requests"].as_array().expect("requests");
    assert_eq!(entries.len(), 100, "capped at --journal-size");
    let seqs: Vec<u64> = entries
        .iter()
        .map(|e| e["seq"].as_u64().expect("seq"))
        .collect();
    let expected: Vec<u64> = (32 * 64 - 99..=32 * 64).collect();
    assert_eq!(seqs, expected, "the newest 100 of 2,048, in order");
    Ok(())
}

#[tokio::test]
async fn a_silent_connection_is_closed_when_the_server_stops() -> TestResult {
    let app = TestApp::spawn().await;
    let mut silent = TcpStream::connect(addr(&app)).await?;
    app.server.stop().await?;
    // Closed by the stop, not 30 s later by the read timeout.
    assert!(read_until_closed(&mut silent).await.is_some());
    Ok(())
}
