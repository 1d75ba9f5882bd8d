//! `POST|PUT /api/v1/datasets/{dataset_id}/records/bulk` of Argilla 2.x
//! (`argilla-2x-records-api.md` §3.1, §3.2): up to 500 records with their suggestions, vectors
//! and responses, all or nothing. For the owner and the workspace's admins.

use std::collections::HashSet;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;

use super::datasets::manageable;
use super::extract::{Valid, WithBody};
use super::schemas::{records_bulk, RecordInput, RecordModel};
use super::shapes;
use super::validators::{check_record, RecordCheck, Refused};
use crate::api::bodies::{json, Items};
use crate::db::{LoadedRecord, RecordLookup, RecordWrite, WriteTarget};
use crate::error::{ApiError, ApiResult};
use crate::models::datasets::DatasetSettings;
use crate::models::now_timestamp;
use crate::models::records::Record;
use crate::state::AppState;

/// `POST …/records/bulk`: 422 schema → 404 → 403 → 422 not published → 422 external ids in
/// use → 422 `Record at position <i> is not valid because …`; 201 with the new records.
pub async fn create(State(state): State<AppState>, request: WithBody) -> ApiResult<Response> {
    let Valid { caller, ids, body } =
        request.validated(|body| records_bulk(body, RecordModel::Create))?;
    let dataset = manageable(&state, &caller, &ids).await?;
    if !dataset.is_ready() {
        return Err(ApiError::UnprocessablePlain(
            "records cannot be created for a non published dataset".into(),
        ));
    }
    let settings = state.db.dataset_settings(dataset).await?;
    let users = existing_users(&state, &body).await?;
    let lookup = RecordLookup {
        ids: Vec::new(),
        external_ids: body.iter().filter_map(|r| r.external_id.clone()).collect(),
    };
    let written = state
        .db
        .write_records(&settings, &lookup, &now_timestamp(), |found| {
            let taken: Vec<&str> = (body.iter())
                .filter_map(|r| r.external_id.as_deref())
                .filter(|e| found.iter().any(|r| r.external_id.as_deref() == Some(e)))
                .collect();
            if !taken.is_empty() {
                let message = format!("found records with same external ids: {}", taken.join(", "));
                return Err(Refused(message));
            }
            for (position, item) in body.iter().enumerate() {
                check_record(item, RecordCheck::Create, None, &settings, |u| {
                    users.contains(u)
                })
                .map_err(|refused| at_position(refused, position))?;
            }
            Ok((body.into_iter())
                .map(|item| new_record(&state, item, &settings))
                .collect())
        })
        .await?
        .map_err(Refused::into_error)?;
    Ok(answer(StatusCode::CREATED, &written, &settings))
}

/// `PUT …/records/bulk`: 422 schema → 404 → 403 → 422 `Record at position <i> …`; 200. Each
/// item updates the dataset's record with its `id`, else the one with its `external_id`, else
/// is a new record (with an id of the server's). No published check.
pub async fn upsert(State(state): State<AppState>, request: WithBody) -> ApiResult<Response> {
    let Valid { caller, ids, body } =
        request.validated(|body| records_bulk(body, RecordModel::Upsert))?;
    let dataset = manageable(&state, &caller, &ids).await?;
    let settings = state.db.dataset_settings(dataset).await?;
    let users = existing_users(&state, &body).await?;
    let lookup = RecordLookup {
        ids: body.iter().filter_map(|r| r.id.clone()).collect(),
        external_ids: body.iter().filter_map(|r| r.external_id.clone()).collect(),
    };
    let written = state
        .db
        .write_records(&settings, &lookup, &now_timestamp(), |found| {
            let mut targets = Vec::with_capacity(body.len());
            for (position, item) in body.iter().enumerate() {
                let existing = matching_record(found, item);
                let check = if existing.is_some() {
                    RecordCheck::Upsert
                } else {
                    RecordCheck::Create
                };
                let stored_fields = existing.map(|r| &r.fields.0);
                check_record(item, check, stored_fields, &settings, |u| users.contains(u))
                    .map_err(|refused| at_position(refused, position))?;
                targets.push(existing.map(|record| record.row));
            }
            Ok((body.into_iter().zip(targets))
                .map(|(item, target)| match target {
                    Some(row) => item.into_write(WriteTarget::Existing(row), &settings),
                    None => new_record(&state, item, &settings),
                })
                .collect())
        })
        .await?
        .map_err(Refused::into_error)?;
    Ok(answer(StatusCode::OK, &written, &settings))
}

/// The record an upsert item updates: by id, else by external id (the real server looks up by
/// external id only the items whose id found nothing).
fn matching_record<'a>(found: &'a [Record], item: &RecordInput) -> Option<&'a Record> {
    let by_id = item
        .id
        .as_deref()
        .and_then(|id| found.iter().find(|r| r.id == id));
    by_id.or_else(|| {
        let external = item.external_id.as_deref()?;
        found
            .iter()
            .find(|r| r.external_id.as_deref() == Some(external))
    })
}

fn at_position(refused: Refused, position: usize) -> Refused {
    refused.map(|why| format!("Record at position {position} is not valid because {why}"))
}

/// The users the items' responses name that exist (the only check made of them).
async fn existing_users(state: &AppState, items: &[RecordInput]) -> ApiResult<HashSet<String>> {
    let mut existing = HashSet::new();
    let named = items
        .iter()
        .flat_map(|r| r.responses.iter().flatten())
        .filter_map(|r| r.user_id.as_ref());
    for user_id in named {
        if !existing.contains(user_id) && state.db.user_by_id(user_id).await?.is_some() {
            existing.insert(user_id.clone());
        }
    }
    Ok(existing)
}

/// A new record from an item: a server id, whatever id the item had.
fn new_record(state: &AppState, item: RecordInput, settings: &DatasetSettings) -> RecordWrite {
    let target = WriteTarget::New {
        id: state.ids.uuid(),
        external_id: item.external_id.clone(),
    };
    item.into_write(target, settings)
}

fn answer(status: StatusCode, written: &[LoadedRecord], settings: &DatasetSettings) -> Response {
    let items: Items<shapes::Record> = (written.iter())
        .map(|loaded| shapes::Record::written(loaded, settings))
        .collect();
    json(status, &items)
}
