//! The `argilla-mock` binary as a child process, for tests that need a real process: signals,
//! SIGKILL, its memory in /proc, its stdout and stderr.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

pub const BIN: &str = env!("CARGO_BIN_EXE_argilla-mock");

/// A running binary, killed and reaped when dropped.
pub struct Running(pub Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Spawns `command` with stdout piped and reads its first `lines` lines (the binary prints them
/// once it accepts connections). The rest of stdout is closed unread; the server carries on.
pub fn spawn_reading(mut command: Command, lines: usize) -> (Running, Vec<String>) {
    let mut child = command
        .stdout(Stdio::piped())
        .spawn()
        .expect("binary starts");
    let stdout = child.stdout.take().expect("stdout");
    let read = BufReader::new(stdout)
        .lines()
        .take(lines)
        .map(|line| line.unwrap_or_default())
        .collect();
    (Running(child), read)
}

/// Like [`start_binary`], for a command already set up (environment, stderr).
pub fn start_command(command: Command) -> (Running, String) {
    let (running, lines) = spawn_reading(command, 1);
    let line = lines.into_iter().next().unwrap_or_default();
    let url = line.trim_start_matches("ARGILLA_API_URL=").to_owned();
    assert!(url.starts_with("http://127.0.0.1:"), "first line: {line:?}");
    (running, url)
}

/// Starts the binary with `args` (stderr discarded) and returns it with its URL.
pub fn start_binary(args: &[&str]) -> (Running, String) {
    let mut command = Command::new(BIN);
    command.args(args).stderr(Stdio::null());
    start_command(command)
}
