//! The binary's log output: stderr, written in batches from the runtime's worker threads, with
//! timestamps formatted a second at a time.
//!
//! A request's log line written on its own costs a `write` to stderr, under stderr's lock that
//! the worker threads then contend for; at tens of thousands of requests a second that was
//! about a twentieth of the server's time (see docs/performance.md). So a worker thread keeps
//! its lines and writes them together when it runs out of work (the runtime's park hook,
//! [`flush_this_thread`]) or when they reach [`FLUSH_AT`] bytes. A line therefore reaches
//! stderr once the worker is idle, which for a test suite is microseconds after its request;
//! lines of a process killed with SIGKILL under load may be lost, as with any buffered log.
//! Every other thread (the main thread, blocking and database threads) writes at once.

use std::cell::{Cell, RefCell};
use std::fmt;
use std::io::{self, Write};
use std::time::{SystemTime, UNIX_EPOCH};

use chrono::DateTime;
use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::time::FormatTime;
use tracing_subscriber::fmt::MakeWriter;

/// A worker thread's kept lines are written when they reach this size.
pub const FLUSH_AT: usize = 16 * 1024;

thread_local! {
    /// Lines kept on this thread, not yet written.
    static PENDING: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
    /// Whether this thread's lines are kept: set by the park hook, so only on worker threads.
    static BATCHED: Cell<bool> = const { Cell::new(false) };
    /// The second [`Clock`] last formatted on this thread, and its text up to the seconds.
    static SECOND: RefCell<(u64, String)> = const { RefCell::new((0, String::new())) };
}

/// The log's timestamps as `tracing_subscriber`'s default prints them (RFC 3339, UTC,
/// microseconds: `2026-12-04T03:19:24.912495Z`), with the date and time of day formatted once
/// a second per thread instead of for every line.
#[derive(Debug, Clone, Copy, Default)]
pub struct Clock;

impl FormatTime for Clock {
    fn format_time(&self, w: &mut Writer<'_>) -> fmt::Result {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default();
        write_timestamp(w, now.as_secs(), now.subsec_micros())
    }
}

/// `secs` since the epoch and `micros` past them, as the log prints them.
fn write_timestamp(out: &mut impl fmt::Write, secs: u64, micros: u32) -> fmt::Result {
    SECOND.with_borrow_mut(|(second, text)| {
        if *second != secs || text.is_empty() {
            let time = i64::try_from(secs)
                .ok()
                .and_then(|s| DateTime::from_timestamp(s, 0));
            *text = time
                .map(|t| t.format("%Y-%m-%dT%H:%M:%S").to_string())
                .unwrap_or_default();
            *second = secs;
        }
        write!(out, "{text}.{:06}Z", micros.min(999_999))
    })
}

/// Writes the lines kept on this thread, and keeps this thread's lines from now on. The
/// runtime calls it before a worker thread parks and when a thread stops (see `main.rs`).
pub fn flush_this_thread() {
    BATCHED.set(true);
    PENDING.with_borrow_mut(|pending| {
        if !pending.is_empty() {
            // Nowhere to report a failed write to stderr: the lines are dropped.
            let _ = write_out(pending);
            pending.clear();
        }
    });
}

/// The [`MakeWriter`] for `tracing_subscriber::fmt`: stderr, batched on worker threads.
#[derive(Debug, Clone, Copy, Default)]
pub struct BatchedStderr;

impl<'a> MakeWriter<'a> for BatchedStderr {
    type Writer = BatchedStderr;

    fn make_writer(&'a self) -> BatchedStderr {
        BatchedStderr
    }
}

impl Write for BatchedStderr {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.write_all(buf).map(|()| buf.len())
    }

    /// The formatter writes each event whole, with one call.
    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        if !BATCHED.get() {
            return write_out(buf);
        }
        let full = PENDING.with_borrow_mut(|pending| {
            pending.extend_from_slice(buf);
            pending.len() >= FLUSH_AT
        });
        if full {
            flush_this_thread();
        }
        Ok(())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// To stderr; in this module's tests, to the thread's [`tests::WRITTEN`] instead.
fn write_out(bytes: &[u8]) -> io::Result<()> {
    #[cfg(test)]
    if tests::WRITTEN
        .with_borrow_mut(|written| written.as_mut().map(|w| w.extend_from_slice(bytes)))
        .is_some()
    {
        return Ok(());
    }
    io::stderr().write_all(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn timestamp(secs: u64, micros: u32) -> String {
        let mut text = String::new();
        write_timestamp(&mut text, secs, micros).expect("format");
        text
    }

    #[test]
    fn timestamps_are_rfc3339_with_microseconds() {
        let at = 1_764_818_364; // 2025-12-04T03:19:24Z
        assert_eq!(timestamp(at, 912_495), "2025-12-04T03:19:24.912495Z");
        assert_eq!(
            timestamp(at, 7),
            "2025-12-04T03:19:24.000007Z",
            "the same second again"
        );
        assert_eq!(
            timestamp(at + 1, 0),
            "2025-12-04T03:19:25.000000Z",
            "the next one"
        );
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .expect("after 1970");
        let ours = timestamp(now.as_secs(), now.subsec_micros());
        let chrono = DateTime::from_timestamp(now.as_secs() as i64, now.subsec_nanos())
            .expect("time")
            .to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
        assert_eq!(ours, chrono);
    }

    thread_local! {
        /// What a test thread wrote, once it starts capturing.
        pub static WRITTEN: RefCell<Option<Vec<u8>>> = const { RefCell::new(None) };
    }

    fn pending() -> usize {
        PENDING.with_borrow(Vec::len)
    }

    fn written() -> usize {
        WRITTEN.with_borrow(|w| w.as_ref().map_or(0, Vec::len))
    }

    fn capture() {
        WRITTEN.set(Some(Vec::new()));
    }

    #[test]
    fn lines_are_kept_only_after_the_thread_first_parks_and_written_at_the_next() {
        std::thread::spawn(|| {
            capture();
            let line = b"a log line\n";
            BatchedStderr.write_all(line).expect("write");
            assert_eq!(
                (pending(), written()),
                (0, line.len()),
                "a thread that never parked writes at once"
            );
            flush_this_thread();
            BatchedStderr.write_all(line).expect("write");
            BatchedStderr.write_all(line).expect("write");
            assert_eq!(
                (pending(), written()),
                (2 * line.len(), line.len()),
                "kept until the thread parks"
            );
            flush_this_thread();
            assert_eq!((pending(), written()), (0, 3 * line.len()));
        })
        .join()
        .expect("thread");
    }

    #[test]
    fn kept_lines_are_written_when_they_fill_the_batch() {
        std::thread::spawn(|| {
            capture();
            flush_this_thread();
            let line = [b'x'; 1000];
            for _ in 0..FLUSH_AT / line.len() {
                BatchedStderr.write_all(&line).expect("write");
            }
            assert!(pending() < FLUSH_AT && written() == 0);
            BatchedStderr.write_all(&line).expect("write");
            assert_eq!(pending(), 0, "written once the batch is full");
            assert_eq!(written(), (FLUSH_AT / line.len() + 1) * line.len());
        })
        .join()
        .expect("thread");
    }
}
