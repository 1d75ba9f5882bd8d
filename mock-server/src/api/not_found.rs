//! "Not found" as the `/api/v1/…` routes word it (a plain `{"detail": "…"}`, the same in 1.14
//! and 2.8), and the lookups that answer it. The `/api/…` (v0) routes use Argilla's envelope
//! instead (`ApiError::user_not_found`).

use std::sync::Arc;

use crate::error::{ApiError, ApiResult};
use crate::models::{UserRecord, Workspace};
use crate::state::AppState;

/// The message for an unknown user id (2.8 also gives it as a 422, for a member to add).
pub fn user_message(id: &str) -> String {
    format!("User with id `{id}` not found")
}

pub fn user(id: &str) -> ApiError {
    ApiError::NotFoundPlain(user_message(id))
}

pub fn workspace(id: &str) -> ApiError {
    ApiError::NotFoundPlain(format!("Workspace with id `{id}` not found"))
}

/// The user with this id, or the 404.
pub async fn existing_user(state: &AppState, id: &str) -> ApiResult<Arc<UserRecord>> {
    state.db.user_by_id(id).await?.ok_or_else(|| user(id))
}

/// The workspace with this id, or the 404.
pub async fn existing_workspace(state: &AppState, id: &str) -> ApiResult<Workspace> {
    state
        .db
        .workspace_by_id(id)
        .await?
        .ok_or_else(|| workspace(id))
}
