//! The 2.x endpoints that need no credentials: version, status, settings, OAuth2 providers.

use axum::extract::State;
use axum::Json;
use serde_json::{json, Value};

use crate::api::process::{memory_info, search_engine_stub};
use crate::state::AppState;

/// `GET /api/v1/version`.
pub async fn version(State(state): State<AppState>) -> Json<Value> {
    Json(json!({ "version": &*state.profile.argilla2_version }))
}

/// `GET /api/v1/status`: the version, the search engine's `GET /` and the process memory. The
/// mock has no search engine: it answers as the real server does with an OpenSearch backend
/// (with its default Elasticsearch one the real 2.8.0 fails this route with a 422).
pub async fn status(State(state): State<AppState>) -> Json<Value> {
    Json(json!({
        "version": &*state.profile.argilla2_version,
        "search_engine": search_engine_stub(),
        "memory": memory_info(),
    }))
}

/// `GET /api/v1/settings`.
pub async fn settings() -> Json<Value> {
    Json(json!({ "argilla": { "share_your_progress_enabled": false } }))
}

/// `GET /api/v1/oauth2/providers`: none configured.
pub async fn oauth2_providers() -> Json<Value> {
    Json(json!({ "items": [] }))
}
