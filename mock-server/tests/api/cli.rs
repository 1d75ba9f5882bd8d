//! The `argilla-mock` binary: its first two stdout lines, its flags, and a clean stop.

use std::process::{Command, Stdio};

use crate::binary::{spawn_reading, start_binary, start_command, Running, BIN};

/// Starts the binary and reads its first two stdout lines (printed once it accepts connections).
fn start(args: &[&str]) -> (Running, String, String) {
    let mut command = Command::new(BIN);
    command.args(args).stderr(Stdio::null());
    let (running, lines) = spawn_reading(command, 2);
    let mut lines = lines.into_iter();
    let url = lines.next().unwrap_or_default();
    let key = lines.next().unwrap_or_default();
    (running, url, key)
}

#[tokio::test]
async fn the_binary_prints_the_sdk_variables_then_serves() -> Result<(), Box<dyn std::error::Error>>
{
    let (_server, url_line, key_line) = start(&["--port", "0"]);
    assert!(
        url_line.starts_with("ARGILLA_API_URL=http://127.0.0.1:"),
        "{url_line}"
    );
    assert_eq!(key_line, "ARGILLA_API_KEY=argilla.apikey");
    let url = url_line.trim_start_matches("ARGILLA_API_URL=");
    let client = reqwest::Client::builder().no_proxy().build()?;
    assert_eq!(me_status(&client, url).await?, 200);
    Ok(())
}

/// The status of `GET /api/me` with the default owner's key.
async fn me_status(client: &reqwest::Client, url: &str) -> reqwest::Result<u16> {
    let response = client
        .get(format!("{url}/api/me"))
        .header("X-Argilla-Api-Key", "argilla.apikey")
        .send()
        .await?;
    Ok(response.status().as_u16())
}

#[tokio::test]
async fn environment_variables_configure_the_binary() -> Result<(), Box<dyn std::error::Error>> {
    let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures/minimal.json");
    let mut command = Command::new(BIN);
    command
        .env("ARGILLA_MOCK_PORT", "0")
        .env("ARGILLA_MOCK_FIXTURES", fixtures)
        .env("ARGILLA_MOCK_ARGILLA_VERSION", "1.13.3")
        .stderr(Stdio::null());
    let (_server, url) = start_command(command);
    let client = reqwest::Client::builder().no_proxy().build()?;
    let info: serde_json::Value = client
        .get(format!("{url}/api/_info"))
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(info["version"], "1.13.3");
    let users: serde_json::Value = client
        .get(format!("{url}/api/users"))
        .header("X-Argilla-Api-Key", "argilla.apikey")
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(users.as_array().map(Vec::len), Some(1));
    Ok(())
}

#[cfg(unix)]
#[test]
fn sigterm_stops_the_server_cleanly() {
    let (mut server, url, _) = start(&["--port", "0"]);
    assert!(url.starts_with("ARGILLA_API_URL="));
    let pid = server.0.id().to_string();
    let killed = Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .expect("kill runs");
    assert!(killed.success());
    let status = server.0.wait().expect("exits");
    assert!(status.success(), "exit status {status:?}");
}

#[test]
fn a_bad_fixture_file_is_one_line_on_stderr_and_exit_code_1() {
    let output = Command::new(BIN)
        .args(["--port", "0", "--fixtures", "/nonexistent/fixtures.json"])
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.starts_with("argilla-mock: error: invalid fixture file /nonexistent/fixtures.json: file: cannot be read"), "{stderr}");
    assert!(!stderr.contains("panicked") && !stderr.contains("backtrace"));
}

#[test]
fn a_zero_read_timeout_is_refused_with_a_clear_message() {
    let output = Command::new(BIN)
        .args(["--port", "0", "--read-timeout-ms", "0"])
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty(), "nothing served");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("invalid value '0' for '--read-timeout-ms <READ_TIMEOUT_MS>'"),
        "{stderr}"
    );
}

#[test]
fn a_busy_port_is_reported_not_panicked() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port().to_string();
    let output = Command::new(BIN)
        .args(["--port", &port])
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(&format!("cannot listen on 127.0.0.1:{port}")),
        "{stderr}"
    );
}

#[tokio::test]
async fn a_reader_that_closes_stdout_after_the_first_line_does_not_stop_the_server(
) -> Result<(), Box<dyn std::error::Error>> {
    // Only the first line is read; the pipe is closed, so the second line meets EPIPE.
    let (_server, url) = start_binary(&["--port", "0"]);
    let client = reqwest::Client::builder().no_proxy().build()?;
    for _ in 0..3 {
        assert_eq!(me_status(&client, &url).await?, 200);
    }
    Ok(())
}

#[tokio::test]
async fn secrets_never_reach_the_log_even_at_trace_level() -> Result<(), Box<dyn std::error::Error>>
{
    let log_path =
        std::env::temp_dir().join(format!("argilla-mock-log-{}.txt", uuid::Uuid::new_v4()));
    let mut command = Command::new(BIN);
    command
        .args(["--port", "0"])
        .env("RUST_LOG", "trace")
        .stderr(Stdio::from(std::fs::File::create(&log_path)?));
    let (server, url) = start_command(command);
    let client = reqwest::Client::builder().no_proxy().build()?;
    let token: serde_json::Value = client
        .post(format!("{url}/api/security/token"))
        .form(&[("username", "argilla"), ("password", "1234")])
        .send()
        .await?
        .json()
        .await?;
    let token = token["access_token"].as_str().expect("token").to_owned();
    let created: serde_json::Value = client
        .post(format!("{url}/api/users"))
        .header("X-Argilla-Api-Key", "argilla.apikey")
        .json(&serde_json::json!({"first_name": "S", "username": "quiet", "password": "sup3rs3cretpw"}))
        .send()
        .await?
        .json()
        .await?;
    let new_key = created["api_key"].as_str().expect("key").to_owned();
    for auth in [
        ("X-Argilla-Api-Key", new_key.clone()),
        ("Authorization", format!("Bearer {token}")),
        ("X-Argilla-Api-Key", "wrong-key-xyz".to_owned()),
        ("X-Rubrix-Api-Key", "rubrix-key-xyz".to_owned()),
        ("Proxy-Authorization", "Basic cHJveHktc2VjcmV0".to_owned()),
        ("X-Auth-Token", "auth-token-xyz".to_owned()),
        ("Cookie", "session=cookie-xyz".to_owned()),
    ] {
        client
            .get(format!(
                "{url}/api/me?api_key=query-key-xyz&token=query-token-xyz"
            ))
            .header(auth.0, &auth.1)
            .send()
            .await?;
    }
    drop(server);
    let log = std::fs::read_to_string(&log_path)?;
    let _ = std::fs::remove_file(&log_path);
    assert!(log.contains("/api/me"), "requests are logged: {log}");
    for secret in [
        "argilla.apikey",
        "password=1234",
        "sup3rs3cretpw",
        new_key.as_str(),
        token.as_str(),
        "wrong-key-xyz",
        "rubrix-key-xyz",
        "cHJveHktc2VjcmV0",
        "auth-token-xyz",
        "cookie-xyz",
        "query-key-xyz",
        "query-token-xyz",
    ] {
        assert!(!log.contains(secret), "the log shows {secret:?}");
    }
    Ok(())
}
