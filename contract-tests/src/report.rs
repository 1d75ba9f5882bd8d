//! What a run prints and writes: per-case lines, coverage per behaviour, the closing line,
//! a JUnit file and an NDJSON report.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde_json::json;

use crate::catalogue::Behavior;
use crate::runner::{CaseResult, Status};

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
    }
    line
}

/// One line per behaviour: cases passed out of cases run.
pub fn coverage(behaviors: &[Behavior], results: &[CaseResult]) -> String {
    let mut by_id: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for r in results {
        let entry = by_id.entry(r.behavior.as_str()).or_default();
        entry.1 += 1;
        if r.status == Status::Passed {
            entry.0 += 1;
        }
    }
    let mut out = String::from("coverage per behaviour:\n");
    for b in behaviors {
        let (passed, total) = by_id.get(b.id.as_str()).copied().unwrap_or((0, 0));
        let _ = writeln!(out, "  {:<26} {passed}/{total}", b.id);
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
