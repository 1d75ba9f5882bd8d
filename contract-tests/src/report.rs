//! What a run prints and writes: per-case lines, coverage per behaviour, the closing line,
//! a JUnit file and an NDJSON report.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde_json::json;

use crate::catalogue::Behavior;
use crate::runner::{CaseResult, Status, NOT_SUPPORTED};

fn status_name(status: Status) -> &'static str {
    match status {
        Status::Passed => "passed",
        Status::Failed => "failed",
        Status::Skipped => "skipped",
    }
}

/// `N passed, M failed` (`, K skipped` when any): the line a run ends with.
pub fn summary_line(results: &[CaseResult]) -> String {
    let count = |s: Status| results.iter().filter(|r| r.status == s).count();
    let mut line = format!(
        "{} passed, {} failed",
        count(Status::Passed),
        count(Status::Failed)
    );
    let skipped = count(Status::Skipped);
    if skipped > 0 {
        let _ = write!(line, ", {skipped} skipped");
        let unsupported = results.iter().filter(|r| r.unsupported).count();
        if unsupported > 0 {
            let _ = write!(line, " ({unsupported} {NOT_SUPPORTED})");
        }
    }
    line
}

/// One line per behaviour: cases passed out of cases run (skipped ones are not run), and the
/// behaviours the client does not support at all.
pub fn coverage(behaviors: &[Behavior], results: &[CaseResult]) -> String {
    #[derive(Default, Clone, Copy)]
    struct Tally {
        passed: usize,
        run: usize,
        skipped: usize,
        unsupported: usize,
    }
    let mut by_id: BTreeMap<&str, Tally> = BTreeMap::new();
    for r in results {
        let entry = by_id.entry(r.behavior.as_str()).or_default();
        match r.status {
            Status::Passed => {
                entry.passed += 1;
                entry.run += 1;
            }
            Status::Failed => entry.run += 1,
            Status::Skipped if r.unsupported => entry.unsupported += 1,
            Status::Skipped => entry.skipped += 1,
        }
    }
    let mut out = String::from("coverage per behaviour:\n");
    for b in behaviors {
        let t = by_id.get(b.id.as_str()).copied().unwrap_or_default();
        let _ = write!(out, "  {:<26} ", b.id);
        if t.run == 0 && t.skipped == 0 && t.unsupported > 0 {
            let cases = if t.unsupported == 1 { "case" } else { "cases" };
            let _ = writeln!(out, "{NOT_SUPPORTED} ({} {cases})", t.unsupported);
            continue;
        }
        let _ = write!(out, "{}/{}", t.passed, t.run);
        let skipped = t.skipped + t.unsupported;
        if skipped > 0 {
            let _ = write!(out, " ({skipped} skipped)");
        }
        out.push('\n');
    }
    out
}

/// The per-case line printed as each case ends.
pub fn case_line(r: &CaseResult) -> String {
    let mut line = format!(
        "{:<7} {} [{}] ({} ms)",
        status_name(r.status),
        r.id,
        r.behavior,
        r.duration.as_millis()
    );
    if !r.message.is_empty() {
        let _ = write!(line, ": {}", r.message);
    }
    line
}

pub fn ndjson(results: &[CaseResult]) -> String {
    results
        .iter()
        .map(|r| {
            json!({
                "case": r.id, "behavior": r.behavior, "status": status_name(r.status),
                "supported": !r.unsupported,
                "message": r.message, "duration_ms": r.duration.as_millis() as u64,
                "exchanges": r.exchanges,
            })
            .to_string()
                + "\n"
        })
        .collect()
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

pub fn junit(results: &[CaseResult], implementation: &str) -> String {
    let count = |s: Status| results.iter().filter(|r| r.status == s).count();
    let total: f64 = results.iter().map(|r| r.duration.as_secs_f64()).sum();
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        xml,
        "<testsuite name=\"argilla-contract: {}\" tests=\"{}\" failures=\"{}\" skipped=\"{}\" time=\"{total:.3}\">",
        xml_escape(implementation),
        results.len(),
        count(Status::Failed),
        count(Status::Skipped)
    );
    for r in results {
        let _ = write!(
            xml,
            "  <testcase classname=\"{}\" name=\"{}\" time=\"{:.3}\"",
            xml_escape(&r.behavior),
            xml_escape(&r.id),
            r.duration.as_secs_f64()
        );
        match r.status {
            Status::Passed => xml.push_str("/>\n"),
            Status::Failed => {
                let _ = writeln!(
                    xml,
                    ">\n    <failure message=\"{}\"/>\n  </testcase>",
                    xml_escape(&r.message)
                );
            }
            Status::Skipped => {
                let _ = writeln!(
                    xml,
                    ">\n    <skipped message=\"{}\"/>\n  </testcase>",
                    xml_escape(&r.message)
                );
            }
        }
    }
    xml.push_str("</testsuite>\n");
    xml
}
