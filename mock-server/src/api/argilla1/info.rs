//! `GET /api/_info` and `GET /api/_status`: no credentials needed.

use axum::extract::State;
use axum::Json;
use serde_json::{json, Value};

use crate::api::process::{memory_info, search_engine_stub};
use crate::state::AppState;

/// `{"version": "1.14.1"}`: the client splits it on dots to compare major.minor.
pub async fn info(State(state): State<AppState>) -> Json<Value> {
    Json(json!({ "version": &*state.profile.argilla1_version }))
}

/// The version, the search engine's self-description and the process memory. There is no
/// search engine behind the mock: it describes itself with every field the 1.20+ client's
/// `Status` model requires.
pub async fn status(State(state): State<AppState>) -> Json<Value> {
    Json(json!({
        "version": &*state.profile.argilla1_version,
        "elasticsearch": search_engine_stub(),
        "mem_info": memory_info(),
    }))
}
