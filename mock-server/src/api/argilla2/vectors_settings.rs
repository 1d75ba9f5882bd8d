//! `GET|POST /api/v1/datasets/{dataset_id}/vectors-settings`, `PATCH|DELETE
//! /api/v1/vectors-settings/{vector_settings_id}` (`argilla-2x-datasets-api.md` §3.10): at
//! most five per dataset; published datasets take new ones too.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;

use super::datasets::{manageable, readable};
use super::extract::{Caller, Ids, Valid, WithBody};
use super::schemas::{VectorSettingsCreate, VectorSettingsUpdate};
use super::shapes;
use crate::api::bodies::{json, Items};
use crate::api::not_found::{self, existing_setting};
use crate::db::SettingCreated;
use crate::error::{ApiError, ApiResult};
use crate::models::datasets::VectorSettings;
use crate::models::now_timestamp;
use crate::policy::require_owner_or_admin_member;
use crate::state::AppState;

const MODEL: &str = "VectorSettings";

/// `GET /api/v1/datasets/{dataset_id}/vectors-settings`: 404 → 403; oldest first.
pub async fn list(
    State(state): State<AppState>,
    Caller(me): Caller,
    ids: Ids,
) -> ApiResult<Response> {
    let dataset = readable(&state, &me, &ids).await?;
    let vectors: Vec<VectorSettings> = state.db.settings_of(&dataset.id).await?;
    let items: Items<shapes::VectorSettings> =
        vectors.iter().map(shapes::VectorSettings::from).collect();
    Ok(json(StatusCode::OK, &items))
}

/// `POST /api/v1/datasets/{dataset_id}/vectors-settings`: 422 → 404 → 403 → 422 the sixth →
/// 409; 201.
pub async fn create(State(state): State<AppState>, request: WithBody) -> ApiResult<Response> {
    let Valid { caller, ids, body } = request.validated(VectorSettingsCreate::validate)?;
    let dataset = manageable(&state, &caller, &ids).await?;
    let now = now_timestamp();
    let vectors = VectorSettings {
        id: state.ids.uuid(),
        name: body.name,
        title: body.title,
        dimensions: body.dimensions,
        dataset_id: dataset.id.clone(),
        inserted_at: now.clone(),
        updated_at: now,
    };
    match state.db.create_vector_settings(&vectors).await? {
        SettingCreated::Created(created) => Ok(json(
            StatusCode::CREATED,
            &shapes::VectorSettings::from(&created),
        )),
        SettingCreated::TooMany => Err(ApiError::UnprocessablePlain(format!(
            "The maximum number of vector settings has been reached for dataset with id `{}`",
            dataset.id
        ))),
        SettingCreated::NameTaken => Err(ApiError::ConflictPlain(format!(
            "Vector settings with name `{}` already exists for dataset with id `{}`",
            vectors.name, dataset.id
        ))),
        _ => Err(not_found::dataset(&dataset.id)),
    }
}

/// `PATCH /api/v1/vectors-settings/{vector_settings_id}`: 422 (a title is required) → 404 →
/// 403; only the title changes.
pub async fn update(State(state): State<AppState>, request: WithBody) -> ApiResult<Response> {
    let Valid { caller, ids, body } = request.validated(VectorSettingsUpdate::validate)?;
    let id = ids.id("vector_settings_id")?;
    let (mut vectors, dataset) = existing_setting::<VectorSettings>(&state, MODEL, &id).await?;
    require_owner_or_admin_member(&state, &caller, &dataset.workspace_id).await?;
    if body.title != vectors.title {
        vectors.title = body.title;
        vectors.updated_at = now_timestamp();
        if !state.db.update_vector_settings(&vectors).await? {
            return Err(not_found::entity(MODEL, &id));
        }
    }
    Ok(json(
        StatusCode::OK,
        &shapes::VectorSettings::from(&vectors),
    ))
}

/// `DELETE /api/v1/vectors-settings/{vector_settings_id}`: 404 → 403; 200 with them.
pub async fn delete(
    State(state): State<AppState>,
    Caller(me): Caller,
    ids: Ids,
) -> ApiResult<Response> {
    let id = ids.id("vector_settings_id")?;
    let (vectors, dataset) = existing_setting::<VectorSettings>(&state, MODEL, &id).await?;
    require_owner_or_admin_member(&state, &me, &dataset.workspace_id).await?;
    if !state.db.delete_setting::<VectorSettings>(&id).await? {
        return Err(not_found::entity(MODEL, &id));
    }
    Ok(json(
        StatusCode::OK,
        &shapes::VectorSettings::from(&vectors),
    ))
}
