//! `GET|POST /api/v1/datasets/{dataset_id}/fields`, `PATCH|DELETE /api/v1/fields/{field_id}`
//! (`argilla-2x-datasets-api.md` §3.7): a published dataset's fields may change title and
//! settings, but none may be added or removed.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use sqlx::types::Json;

use super::datasets::{manageable, readable};
use super::extract::{Caller, Ids, Valid, WithBody};
use super::schemas::{FieldCreate, FieldUpdate};
use super::shapes;
use crate::api::bodies::{json, Items};
use crate::api::not_found::{self, existing_setting};
use crate::db::SettingCreated;
use crate::error::{ApiError, ApiResult};
use crate::models::datasets::Field;
use crate::models::now_timestamp;
use crate::policy::require_owner_or_admin_member;
use crate::state::AppState;

/// `GET /api/v1/datasets/{dataset_id}/fields`: 404 → 403; oldest first.
pub async fn list(
    State(state): State<AppState>,
    Caller(me): Caller,
    ids: Ids,
) -> ApiResult<Response> {
    let dataset = readable(&state, &me, &ids).await?;
    let fields: Vec<Field> = state.db.settings_of(&dataset.id).await?;
    let items: Items<shapes::Field> = fields.iter().map(shapes::Field::from).collect();
    Ok(json(StatusCode::OK, &items))
}

/// `POST /api/v1/datasets/{dataset_id}/fields`: 422 → 404 → 403 → 422 published → 409; 201.
pub async fn create(State(state): State<AppState>, request: WithBody) -> ApiResult<Response> {
    let Valid { caller, ids, body } = request.validated(FieldCreate::validate)?;
    let dataset = manageable(&state, &caller, &ids).await?;
    let now = now_timestamp();
    let field = Field {
        id: state.ids.uuid(),
        name: body.name,
        title: body.title,
        required: body.required,
        settings: Json(body.settings),
        dataset_id: dataset.id.clone(),
        inserted_at: now.clone(),
        updated_at: now,
    };
    match state.db.create_field(&field).await? {
        SettingCreated::Created(created) => {
            Ok(json(StatusCode::CREATED, &shapes::Field::from(&created)))
        }
        SettingCreated::DatasetPublished => Err(ApiError::UnprocessablePlain(
            "Field cannot be created for a published dataset".into(),
        )),
        SettingCreated::NameTaken => Err(ApiError::ConflictPlain(format!(
            "Field with name `{}` already exists for dataset with id `{}`",
            field.name, dataset.id
        ))),
        _ => Err(not_found::dataset(&dataset.id)),
    }
}

/// `PATCH /api/v1/fields/{field_id}`: 422 → 404 → 403 → 422 type change. Settings sent always
/// count as a change (the real server's JSON column is mutable: it writes it every time).
pub async fn update(State(state): State<AppState>, request: WithBody) -> ApiResult<Response> {
    let Valid { caller, ids, body } = request.validated(FieldUpdate::validate)?;
    let id = ids.id("field_id")?;
    let (mut field, dataset) = existing_setting::<Field>(&state, "Field", &id).await?;
    require_owner_or_admin_member(&state, &caller, &dataset.workspace_id).await?;
    let mut changed = false;
    if let Some(settings) = body.settings {
        let (stored, sent) = (field.settings.kind(), settings.kind());
        if stored != sent {
            return Err(ApiError::UnprocessablePlain(format!(
                "Field type cannot be changed. Expected '{}' but got '{}'",
                stored.as_str(),
                sent.as_str()
            )));
        }
        field.settings = Json(settings);
        changed = true;
    }
    if let Some(title) = body.title.filter(|t| *t != field.title) {
        field.title = title;
        changed = true;
    }
    if changed {
        field.updated_at = now_timestamp();
        if !state.db.update_field(&field).await? {
            return Err(not_found::entity("Field", &id));
        }
    }
    Ok(json(StatusCode::OK, &shapes::Field::from(&field)))
}

/// `DELETE /api/v1/fields/{field_id}`: 404 → 403 → 422 published; 200 with the field.
pub async fn delete(
    State(state): State<AppState>,
    Caller(me): Caller,
    ids: Ids,
) -> ApiResult<Response> {
    let id = ids.id("field_id")?;
    let (field, dataset) = existing_setting::<Field>(&state, "Field", &id).await?;
    require_owner_or_admin_member(&state, &me, &dataset.workspace_id).await?;
    if dataset.is_ready() {
        return Err(ApiError::UnprocessablePlain(
            "Fields cannot be deleted for a published dataset".into(),
        ));
    }
    if !state.db.delete_setting::<Field>(&id).await? {
        return Err(not_found::entity("Field", &id));
    }
    Ok(json(StatusCode::OK, &shapes::Field::from(&field)))
}
