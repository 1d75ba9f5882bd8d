//! `GET /api/v1/me/datasets/{dataset_id}/metadata-properties`, `POST
//! /api/v1/datasets/{dataset_id}/metadata-properties`, `PATCH|DELETE
//! /api/v1/metadata-properties/{metadata_property_id}` and its `/metrics`
//! (`argilla-2x-datasets-api.md` §3.9). Published datasets take new properties too.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::json as json_value;
use sqlx::types::Json;

use super::datasets::{manageable, readable};
use super::extract::{Caller, Ids, Valid, WithBody};
use super::schemas::{MetadataPropertyCreate, MetadataPropertyUpdate};
use super::shapes;
use crate::api::bodies::{json, Items};
use crate::api::not_found::{self, existing_setting};
use crate::db::{MetadataValues, SettingCreated};
use crate::error::{ApiError, ApiResult};
use crate::models::datasets::{MetadataProperty, MetadataSettings};
use crate::models::{now_timestamp, Role, UserRecord};
use crate::policy::require_owner_or_admin_member;
use crate::state::AppState;

const MODEL: &str = "MetadataProperty";

/// `GET /api/v1/me/datasets/{dataset_id}/metadata-properties`: 404 → 403; the properties the
/// caller may see (an annotator: only those visible to annotators), oldest first.
pub async fn list_mine(
    State(state): State<AppState>,
    Caller(me): Caller,
    ids: Ids,
) -> ApiResult<Response> {
    let dataset = readable(&state, &me, &ids).await?;
    let properties: Vec<MetadataProperty> = state.db.settings_of(&dataset.id).await?;
    let items: Items<shapes::MetadataProperty> = (properties.iter())
        .filter(|p| visible_to(&me, p))
        .map(shapes::MetadataProperty::from)
        .collect();
    Ok(json(StatusCode::OK, &items))
}

/// Whether a caller who may read the dataset may see this property: annotators see only those
/// visible to annotators.
fn visible_to(user: &UserRecord, property: &MetadataProperty) -> bool {
    user.role() != Role::Annotator || property.visible_for_annotators
}

/// `POST /api/v1/datasets/{dataset_id}/metadata-properties`: 422 → 404 → 403 → 409; 201.
pub async fn create(State(state): State<AppState>, request: WithBody) -> ApiResult<Response> {
    let Valid { caller, ids, body } = request.validated(MetadataPropertyCreate::validate)?;
    let dataset = manageable(&state, &caller, &ids).await?;
    let now = now_timestamp();
    let property = MetadataProperty {
        id: state.ids.uuid(),
        name: body.name,
        title: body.title,
        settings: Json(body.settings),
        visible_for_annotators: body.visible_for_annotators,
        dataset_id: dataset.id.clone(),
        inserted_at: now.clone(),
        updated_at: now,
    };
    match state.db.create_metadata_property(&property).await? {
        SettingCreated::Created(created) => Ok(json(
            StatusCode::CREATED,
            &shapes::MetadataProperty::from(&created),
        )),
        SettingCreated::NameTaken => Err(ApiError::ConflictPlain(format!(
            "Metadata property with name `{}` already exists for dataset with id `{}`",
            property.name, dataset.id
        ))),
        _ => Err(not_found::dataset(&dataset.id)),
    }
}

/// `PATCH /api/v1/metadata-properties/{metadata_property_id}`: 422 → 404 → 403. The visibility
/// is set from the request, `false` when left out (the real server's rule).
pub async fn update(State(state): State<AppState>, request: WithBody) -> ApiResult<Response> {
    let Valid { caller, ids, body } = request.validated(MetadataPropertyUpdate::validate)?;
    let id = ids.id("metadata_property_id")?;
    let (mut property, dataset) = existing_setting::<MetadataProperty>(&state, MODEL, &id).await?;
    require_owner_or_admin_member(&state, &caller, &dataset.workspace_id).await?;
    let title = body.title.unwrap_or_else(|| property.title.clone());
    if title != property.title || body.visible_for_annotators != property.visible_for_annotators {
        property.title = title;
        property.visible_for_annotators = body.visible_for_annotators;
        property.updated_at = now_timestamp();
        if !state.db.update_metadata_property(&property).await? {
            return Err(not_found::entity(MODEL, &id));
        }
    }
    Ok(json(
        StatusCode::OK,
        &shapes::MetadataProperty::from(&property),
    ))
}

/// `DELETE /api/v1/metadata-properties/{metadata_property_id}`: 404 → 403; 200 with it.
pub async fn delete(
    State(state): State<AppState>,
    Caller(me): Caller,
    ids: Ids,
) -> ApiResult<Response> {
    let id = ids.id("metadata_property_id")?;
    let (property, dataset) = existing_setting::<MetadataProperty>(&state, MODEL, &id).await?;
    require_owner_or_admin_member(&state, &me, &dataset.workspace_id).await?;
    if !state.db.delete_setting::<MetadataProperty>(&id).await? {
        return Err(not_found::entity(MODEL, &id));
    }
    Ok(json(
        StatusCode::OK,
        &shapes::MetadataProperty::from(&property),
    ))
}

/// `GET /api/v1/metadata-properties/{metadata_property_id}/metrics`: 404 → 403 (the owner, or
/// a member the property is visible to); the values records hold: terms and their counts, or
/// the least and greatest number.
pub async fn metrics(
    State(state): State<AppState>,
    Caller(me): Caller,
    ids: Ids,
) -> ApiResult<Response> {
    let id = ids.id("metadata_property_id")?;
    let (property, dataset) = existing_setting::<MetadataProperty>(&state, MODEL, &id).await?;
    if !me.is_owner() {
        let member = state.db.is_member(&dataset.workspace_id, &me.id).await?;
        if !member || !visible_to(&me, &property) {
            return Err(ApiError::Forbidden);
        }
    }
    let terms = matches!(property.settings.0, MetadataSettings::Terms { .. });
    let body = match state.db.metadata_values(&property.id, terms).await? {
        MetadataValues::Terms { total, counts } => {
            let values: Vec<_> = (counts.iter())
                .map(|(term, count)| json_value!({ "term": term, "count": count }))
                .collect();
            json_value!({ "type": "terms", "total": total, "values": values })
        }
        MetadataValues::Numbers { min, max } => match property.settings.0 {
            MetadataSettings::Integer { .. } => json_value!({
                "min": min.map(|n| n as i64),
                "max": max.map(|n| n as i64),
                "type": "integer",
            }),
            _ => json_value!({
                "min": min.map(round_5),
                "max": max.map(round_5),
                "type": "float",
            }),
        },
    };
    Ok(json(StatusCode::OK, &body))
}

/// The real server rounds a float property's bounds to 5 decimals.
fn round_5(n: f64) -> f64 {
    (n * 100_000.0).round() / 100_000.0
}
