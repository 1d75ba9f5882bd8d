//! The client under test, as a subprocess speaking the adapter protocol.
//!
//! A crash, a malformed line or a hang is reported as a harness error for the case at hand;
//! the runner then starts a fresh adapter for the next case, so one bad case never stalls a run.

use std::collections::HashMap;
use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::process::{Child, ChildStdin, Command};
use tokio::sync::mpsc;

use crate::protocol::{
    parse_hello, parse_reply, Hello, Outcome, Reply, Request, RunRequest, PROTOCOL_VERSION,
};

#[derive(Debug)]
pub struct Adapter {
    child: Child,
    stdin: ChildStdin,
    lines: mpsc::Receiver<String>,
    /// Replies that arrived for other sequence numbers than the one awaited.
    early: HashMap<u64, Outcome>,
    pub hello: Hello,
    next_seq: u64,
}

impl Adapter {
    /// Starts `command` with `sh -c` and performs the handshake.
    pub async fn start(command: &str, timeout: Duration) -> Result<Adapter, String> {
        let mut child = Command::new("sh")
            .arg("-c")
            .arg(command)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .kill_on_drop(true)
            .spawn()
            .map_err(|e| format!("cannot start adapter {command:?}: {e}"))?;
        let mut stdin = child.stdin.take().ok_or("adapter has no stdin")?;
        let stdout = child.stdout.take().ok_or("adapter has no stdout")?;
        let (tx, lines) = mpsc::channel(64);
        tokio::spawn(async move {
            let mut reader = BufReader::new(stdout).lines();
            while let Ok(Some(line)) = reader.next_line().await {
                if line.trim().is_empty() {
                    continue;
                }
                if tx.send(line).await.is_err() {
                    break;
                }
            }
        });
        let start = Request::Start {
            protocol: PROTOCOL_VERSION,
        };
        let start = serde_json::to_string(&start).map_err(|e| e.to_string())? + "\n";
        stdin
            .write_all(start.as_bytes())
            .await
            .map_err(|e| format!("handshake: the adapter closed its stdin: {e}"))?;
        stdin
            .flush()
            .await
            .map_err(|e| format!("handshake: the adapter closed its stdin: {e}"))?;
        let mut adapter = Adapter {
            child,
            stdin,
            lines,
            early: HashMap::new(),
            hello: Hello::default(),
            next_seq: 1,
        };
        let line = adapter
            .next_line(timeout)
            .await
            .map_err(|e| format!("handshake: {e}"))?;
        adapter.hello = parse_hello(&line)?;
        Ok(adapter)
    }

    /// Sends one operation and waits for its reply; `Err` is a harness error.
    pub async fn run(
        &mut self,
        mut request: RunRequest,
        timeout: Duration,
    ) -> Result<Outcome, String> {
        let seq = self.next_seq;
        self.next_seq += 1;
        request.seq = seq;
        let line = serde_json::to_string(&Request::Run(request)).map_err(|e| e.to_string())? + "\n";
        self.stdin
            .write_all(line.as_bytes())
            .await
            .map_err(|e| format!("adapter stopped reading: {e}"))?;
        self.stdin
            .flush()
            .await
            .map_err(|e| format!("adapter stopped reading: {e}"))?;
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            if let Some(outcome) = self.early.remove(&seq) {
                return Ok(outcome);
            }
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            let line = self.next_line(left).await?;
            let Reply { seq: got, outcome } = parse_reply(&line)?;
            if got == seq {
                return Ok(outcome);
            }
            // Replies may come out of order: keep it for its own request.
            self.early.insert(got, outcome);
        }
    }

    async fn next_line(&mut self, timeout: Duration) -> Result<String, String> {
        match tokio::time::timeout(timeout, self.lines.recv()).await {
            Ok(Some(line)) => Ok(line),
            Ok(None) => {
                let status = self.child.try_wait().ok().flatten();
                Err(format!(
                    "adapter exited ({})",
                    status.map_or("still closing".into(), |s| s.to_string())
                ))
            }
            Err(_) => Err(format!("no answer from the adapter within {timeout:?}")),
        }
    }

    /// Stops a misbehaving adapter at once.
    pub async fn kill(mut self) {
        let _ = self.child.kill().await;
    }

    /// Closes stdin (the adapter should exit on EOF), then kills it if it lingers.
    pub async fn close(mut self) {
        drop(self.stdin);
        if tokio::time::timeout(Duration::from_secs(5), self.child.wait())
            .await
            .is_err()
        {
            let _ = self.child.kill().await;
        }
    }
}
