//! What the real server's status routes say about the machine: the search engine (the mock has
//! none, so it describes itself) and the process memory.

use serde_json::{json, Value};

/// A search engine's `GET /` answer, with every field the SDKs' status models require.
pub fn search_engine_stub() -> Value {
    json!({
        "name": "argilla-mock",
        "cluster_name": "argilla-mock",
        "cluster_uuid": "argilla-mock-no-search-engine",
        "version": {
            "distribution": "opensearch",
            "number": "2.11.0",
            "build_type": "none",
            "build_hash": "none",
            "build_date": "2023-10-13T00:00:00Z",
            "build_snapshot": false,
            "lucene_version": "9.7.0",
            "minimum_wire_compatibility_version": "7.10.0",
            "minimum_index_compatibility_version": "7.0.0"
        },
        "tagline": "argilla-mock serves the users API without a search engine"
    })
}

/// psutil's `memory_info()` fields, formatted as the real server does (`"213M"`), from
/// `/proc/self/statm` where there is one.
pub fn memory_info() -> Value {
    let pages: Vec<u64> = std::fs::read_to_string("/proc/self/statm")
        .unwrap_or_default()
        .split_whitespace()
        .filter_map(|n| n.parse().ok())
        .collect();
    let page = 4096u64;
    let field = |i: usize| human_size(pages.get(i).copied().unwrap_or(0) * page);
    json!({
        "rss": field(1),
        "vms": field(0),
        "shared": field(2),
        "text": field(3),
        "lib": field(4),
        "data": field(5),
        "dirty": field(6),
    })
}

/// `"0B"`, `"4K"`, `"213M"`, `"1.2G"` style sizes.
fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["B", "K", "M", "G", "T"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if unit >= 3 {
        format!("{value:.1}{}", UNITS[unit])
    } else {
        format!("{}{}", value as u64, UNITS[unit])
    }
}
