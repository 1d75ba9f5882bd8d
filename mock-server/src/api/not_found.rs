//! "Not found" as the `/api/v1/…` routes word it (a plain `{"detail": "<Model> with id `<id>`
//! not found"}`, the same in 1.14 and 2.8), and the lookups that answer it. The `/api/…` routes
//! of 1.x use Argilla's envelope instead (`ApiError::user_not_found`).

use std::sync::Arc;

use crate::db::SettingRow;
use crate::error::{ApiError, ApiResult};
use crate::models::datasets::Dataset;
use crate::models::{UserRecord, Workspace};
use crate::state::AppState;

/// `<model> with id `<id>` not found`: the real server's `get_or_raise`.
pub fn entity(model: &str, id: &str) -> ApiError {
    ApiError::NotFoundPlain(format!("{model} with id `{id}` not found"))
}

/// The message for an unknown user id (2.8 also gives it as a 422, for a member to add).
pub fn user_message(id: &str) -> String {
    format!("User with id `{id}` not found")
}

pub fn user(id: &str) -> ApiError {
    ApiError::NotFoundPlain(user_message(id))
}

pub fn workspace(id: &str) -> ApiError {
    entity("Workspace", id)
}

pub fn dataset(id: &str) -> ApiError {
    entity("Dataset", id)
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

/// The dataset with this id, or the 404.
pub async fn existing_dataset(state: &AppState, id: &str) -> ApiResult<Dataset> {
    state.db.dataset_by_id(id).await?.ok_or_else(|| dataset(id))
}

/// The setting of this kind (`model` names it in the 404) with this id, and its dataset.
pub async fn existing_setting<T: SettingRow>(
    state: &AppState,
    model: &str,
    id: &str,
) -> ApiResult<(T, Dataset)> {
    let setting: T = (state.db.setting_by_id(id).await?).ok_or_else(|| entity(model, id))?;
    // Settings go with their dataset: one without is one deleted meanwhile.
    let dataset =
        (state.db.dataset_by_id(setting.dataset_id()).await?).ok_or_else(|| entity(model, id))?;
    Ok((setting, dataset))
}
