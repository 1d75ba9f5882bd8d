//! Responses of Argilla 2.x (`argilla-2x-records-api.md` §3.5, §3.6): `POST
//! /records/{record_id}/responses`, `PUT|DELETE /responses/{response_id}` and `POST
//! /me/responses/bulk`. Each write sets its record's status from the submitted responses.

use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Serialize;
use serde_json::json;

use super::extract::{Caller, Ids, Valid, WithBody};
use super::records::readable_record;
use super::schemas::{
    response_create, stored_values, tagged_response, ResponseInput, ResponseModel,
};
use super::shapes;
use super::validators::check_response;
use crate::api::bodies::json;
use crate::db::{ResponseCreated, ResponseTarget, ResponseWrite};
use crate::error::{ApiError, ApiResult};
use crate::extract::JsonBody;
use crate::models::datasets::Dataset;
use crate::models::now_timestamp;
use crate::models::records::{Record, Response as StoredResponse};
use crate::models::UserRecord;
use crate::policy::{require_owner_or_admin_member, require_owner_or_member};
use crate::python::pydantic2::{list_items, ErrorItem2, Model2, Presence};
use crate::state::AppState;

/// The most items one `POST /me/responses/bulk` may have.
const BULK_MAX_ITEMS: usize = 100;

/// `POST /records/{record_id}/responses`: 422 → 404 → 403 (owner, any member) → 409 the caller
/// has one → 422 content; 201.
pub async fn create(State(state): State<AppState>, request: WithBody) -> ApiResult<Response> {
    let Valid { caller, ids, body } = request.validated(response_create_body)?;
    let (record, dataset) = readable_record(&state, &caller, &ids).await?;
    let conflict = || {
        ApiError::ConflictPlain(format!(
            "Response already exists for record with id `{}` and by user with id `{}`",
            record.id, caller.id
        ))
    };
    if state.db.user_has_response(&record.id, &caller.id).await? {
        return Err(conflict());
    }
    let settings = state.db.dataset_settings(dataset).await?;
    check_response(&body, &settings, &record.fields.0).map_err(ApiError::UnprocessablePlain)?;
    let write = response_write(&caller, &body);
    let target = target(&record, &settings.dataset);
    match state
        .db
        .create_response(target, &write, &now_timestamp())
        .await?
    {
        ResponseCreated::Created(created) => {
            Ok(json(StatusCode::CREATED, &shapes::Response::from(&created)))
        }
        ResponseCreated::Exists => Err(conflict()),
        ResponseCreated::RecordGone => Err(crate::api::not_found::entity("Record", &record.id)),
    }
}

/// `PUT /responses/{response_id}`: 422 → 404 → 403 (owner, its user, an admin member) → 422
/// content; 200. Values and status are replaced.
pub async fn update(State(state): State<AppState>, request: WithBody) -> ApiResult<Response> {
    let Valid { caller, ids, body } = request.validated(|body| {
        let value = body
            .value()
            .ok_or_else(|| vec![ErrorItem2::missing(vec!["body".into()])])?;
        tagged_response(value, vec!["body".into()], ResponseModel::Update)
    })?;
    let (response, record, dataset) = changeable_response(&state, &caller, &ids).await?;
    let settings = state.db.dataset_settings(dataset).await?;
    check_response(&body, &settings, &record.fields.0).map_err(ApiError::UnprocessablePlain)?;
    let values = body.values.as_deref().map(stored_values);
    let updated = (state.db)
        .update_response(
            &response.id,
            target(&record, &settings.dataset),
            values.as_ref(),
            body.status,
            &now_timestamp(),
        )
        .await?
        .ok_or_else(|| response_not_found(&response.id))?;
    Ok(json(StatusCode::OK, &shapes::Response::from(&updated)))
}

/// `DELETE /responses/{response_id}`: 404 → 403 (owner, its user, an admin member); 200 with
/// the response as it was.
pub async fn delete(
    State(state): State<AppState>,
    Caller(me): Caller,
    ids: Ids,
) -> ApiResult<Response> {
    let (response, record, dataset) = changeable_response(&state, &me, &ids).await?;
    let deleted = (state.db)
        .delete_response(&response.id, target(&record, &dataset), &now_timestamp())
        .await?
        .ok_or_else(|| response_not_found(&response.id))?;
    Ok(json(StatusCode::OK, &shapes::Response::from(&deleted)))
}

#[derive(Debug, Serialize)]
struct BulkItem<'a> {
    item: Option<shapes::Response<'a>>,
    error: Option<serde_json::Value>,
}

/// `POST /me/responses/bulk`: 401 → 422 schema; 200 with one outcome per item, in order: the
/// caller's response to the record created or replaced, or why not.
pub async fn bulk(State(state): State<AppState>, request: WithBody) -> ApiResult<Response> {
    let Valid { caller, body, .. } = request.validated(responses_bulk)?;
    let mut outcomes: Vec<Result<StoredResponse, String>> = Vec::with_capacity(body.len());
    for item in &body {
        outcomes.push(upsert_mine(&state, &caller, item).await?);
    }
    let items: Vec<BulkItem> = (outcomes.iter())
        .map(|outcome| match outcome {
            Ok(response) => BulkItem {
                item: Some(shapes::Response::from(response)),
                error: None,
            },
            Err(why) => BulkItem {
                item: None,
                error: Some(json!({ "detail": why })),
            },
        })
        .collect();
    Ok(json(StatusCode::OK, &json!({ "items": items })))
}

/// One item of the bulk: its outcome (an `Err` is the item's error detail).
async fn upsert_mine(
    state: &AppState,
    caller: &Arc<UserRecord>,
    item: &ResponseInput,
) -> ApiResult<Result<StoredResponse, String>> {
    let record_id = item.record_id.clone().unwrap_or_default();
    let Some(record) = state.db.record_by_id(&record_id).await? else {
        return Ok(Err(format!("Record with id `{record_id}` not found")));
    };
    let Some(dataset) = state.db.dataset_by_id(&record.dataset_id).await? else {
        return Ok(Err(format!("Record with id `{record_id}` not found")));
    };
    match require_owner_or_member(state, caller, &dataset.workspace_id).await {
        Ok(()) => {}
        Err(ApiError::Forbidden) => {
            return Ok(Err(
                "argilla.api.errors::ForbiddenOperationError(detail=Operation not allowed)".into(),
            ))
        }
        Err(other) => return Err(other),
    }
    let settings = state.db.dataset_settings(dataset).await?;
    if let Err(why) = check_response(item, &settings, &record.fields.0) {
        return Ok(Err(why));
    }
    let write = response_write(caller, item);
    let target = target(&record, &settings.dataset);
    match state
        .db
        .upsert_response(target, &write, &now_timestamp())
        .await?
    {
        None => Ok(Err(format!("Record with id `{record_id}` not found"))),
        Some(stored) => Ok(Ok(stored)),
    }
}

/// `ResponseCreate`: a body object.
fn response_create_body(body: &JsonBody) -> Result<ResponseInput, Vec<ErrorItem2>> {
    let value = body
        .value()
        .ok_or_else(|| vec![ErrorItem2::missing(vec!["body".into()])])?;
    response_create(value, vec!["body".into()])
}

/// `{"items": [ResponseUpsert]}`, 1 to 100 items.
fn responses_bulk(body: &JsonBody) -> Result<Vec<ResponseInput>, Vec<ErrorItem2>> {
    let mut m = Model2::body(body.value())?;
    let items = m.nested("items", Presence::Required, |value, loc| {
        list_items(value, &loc, (1, Some(BULK_MAX_ITEMS)), |item, loc| {
            tagged_response(item, loc, ResponseModel::Upsert)
        })
    });
    m.finish()?;
    items.value().ok_or_else(Vec::new)
}

fn response_write(caller: &UserRecord, input: &ResponseInput) -> ResponseWrite {
    ResponseWrite {
        user_id: caller.id.clone(),
        values: input.values.as_deref().map(stored_values),
        status: input.status,
    }
}

fn target<'a>(record: &'a Record, dataset: &'a Dataset) -> ResponseTarget<'a> {
    ResponseTarget {
        record_row: record.row,
        record_id: &record.id,
        dataset_id: &dataset.id,
        min_submitted: dataset.distribution.0.min_submitted,
    }
}

fn response_not_found(id: &str) -> ApiError {
    crate::api::not_found::entity("Response", id)
}

/// The route's response with its record and dataset, for a caller who may change it: 404 →
/// 403.
async fn changeable_response(
    state: &AppState,
    me: &UserRecord,
    ids: &Ids,
) -> ApiResult<(StoredResponse, Record, Dataset)> {
    let id = ids.id("response_id")?;
    let response = (state.db.response_by_id(&id).await?).ok_or_else(|| response_not_found(&id))?;
    let record = (state.db.record_by_id(&response.record_id).await?)
        .ok_or_else(|| response_not_found(&id))?;
    let dataset = (state.db.dataset_by_id(&record.dataset_id).await?)
        .ok_or_else(|| response_not_found(&id))?;
    if me.id != response.user_id {
        require_owner_or_admin_member(state, me, &dataset.workspace_id).await?;
    }
    Ok((response, record, dataset))
}
