//! `/api/v1/datasets/{dataset_id}/records` and `/api/v1/records/{record_id}` of Argilla 2.x
//! (`argilla-2x-records-api.md` §2, §3.7, §3.8, §4.1). A record is loaded before the caller's
//! role is checked, so an unknown one is 404 for anyone.

use axum::extract::{RawQuery, State};
use axum::http::header::CONTENT_TYPE;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use super::datasets::manageable;
use super::extract::{query_pairs, Caller, Ids, RecordsQuery, RecordsRequest, Valid, WithBody};
use super::schemas::{comma_separated_uuids, record_update, suggestion_writes, vector_writes};
use super::shapes;
use super::validators::{check_record, RecordCheck, Refused};
use crate::api::bodies::json;
use crate::api::not_found::{self, existing_dataset};
use crate::db::{Include, RecordLookup, RecordWrite, SuggestionsWrite, WriteTarget};
use crate::error::{ApiError, ApiResult};
use crate::models::datasets::Dataset;
use crate::models::now_timestamp;
use crate::models::records::Record;
use crate::models::UserRecord;
use crate::policy::{require_owner_or_admin_member, require_owner_or_member};
use crate::python::pydantic2::ErrorItem2;
use crate::state::AppState;

/// The most records (or suggestions) one delete may name.
pub const DELETE_MAX: usize = 100;

#[derive(Debug, Serialize)]
struct Page<'a> {
    items: Vec<shapes::Record<'a>>,
    total: i64,
}

/// `GET …/datasets/{dataset_id}/records?offset&limit&include`: 422 include → 401 → 422 →
/// 404 → 403 (owner, admin member); oldest first, `total` all of the dataset's.
pub async fn list(State(state): State<AppState>, request: RecordsRequest) -> ApiResult<Response> {
    let RecordsQuery {
        caller,
        ids,
        include,
        page,
        body: (),
    } = request.validated(false, |_| Ok(()))?;
    let dataset = manageable(&state, &caller, &ids).await?;
    let (records, total) = (state.db)
        .records_page(&dataset.id, page.offset, page.limit, &include)
        .await?;
    let items = records.iter().map(shapes::Record::read).collect();
    Ok(json(StatusCode::OK, &Page { items, total }))
}

/// `DELETE …/datasets/{dataset_id}/records?ids=a,b`: 401 → 422 → 404 → 403 → 422 a malformed
/// id → 422 more than 100; 204. Ids of no record of the dataset are ignored.
pub async fn delete_many(
    State(state): State<AppState>,
    Caller(me): Caller,
    ids: Result<Ids, ApiError>,
    RawQuery(query): RawQuery,
) -> ApiResult<Response> {
    let (ids, listed) = path_and_ids(ids, &query_pairs(query.as_deref()))?;
    let dataset = manageable(&state, &me, &ids).await?;
    let records = parse_ids(&listed, "records")?;
    state.db.delete_records(&dataset.id, &records).await?;
    Ok(no_content())
}

/// `GET /records/{record_id}`: 404 → 403 (owner, any member); with every relation (the real
/// server fails with a 500 on a record with vectors, `docs/differences.md`).
pub async fn get(
    State(state): State<AppState>,
    Caller(me): Caller,
    ids: Ids,
) -> ApiResult<Response> {
    let (record, dataset) = existing_record(&state, &ids).await?;
    require_owner_or_member(&state, &me, &dataset.workspace_id).await?;
    let mut loaded = state
        .db
        .with_relations(vec![record], &Include::all())
        .await?;
    let Some(loaded) = loaded.pop() else {
        return Err(not_found::entity("Record", &ids.id("record_id")?));
    };
    Ok(json(StatusCode::OK, &shapes::Record::read(&loaded)))
}

/// `PATCH /records/{record_id}`: 422 → 404 → 403 (owner, admin member) → 422 content; `fields`
/// and `metadata` replace, `suggestions` replace all, `vectors` upsert by name. A body that
/// sets nothing answers the record as it is.
pub async fn update(State(state): State<AppState>, request: WithBody) -> ApiResult<Response> {
    let Valid { caller, ids, body } = request.validated(record_update)?;
    let (record, dataset) = existing_record(&state, &ids).await?;
    require_owner_or_admin_member(&state, &caller, &dataset.workspace_id).await?;
    let sets_nothing = body.fields.is_none()
        && body.metadata.is_none()
        && body.suggestions.is_none()
        && body.vectors.is_none();
    if sets_nothing {
        let loaded = state
            .db
            .with_relations(vec![record], &Include::all())
            .await?;
        let shown: Vec<shapes::Record> = loaded.iter().map(shapes::Record::read).collect();
        return match shown.first() {
            Some(record) => Ok(json(StatusCode::OK, record)),
            None => Err(not_found::entity("Record", &ids.id("record_id")?)),
        };
    }
    let settings = state.db.dataset_settings(dataset).await?;
    let lookup = RecordLookup {
        ids: vec![record.id.clone()],
        external_ids: Vec::new(),
    };
    let written = state
        .db
        .write_records(&settings, &lookup, &now_timestamp(), |found| {
            let Some(current) = found.first() else {
                return Ok(Vec::new());
            };
            check_record(
                &body,
                RecordCheck::Update,
                Some(&current.fields.0),
                &settings,
                |_| false,
            )?;
            let replaces_suggestions = body.suggestions.is_some();
            let suggestions = suggestion_writes(body.suggestions);
            Ok(vec![RecordWrite {
                target: WriteTarget::Existing(current.row),
                fields: body.fields.flatten(),
                metadata: body.metadata,
                suggestions: if replaces_suggestions {
                    SuggestionsWrite::Replace(suggestions)
                } else {
                    SuggestionsWrite::Upsert(suggestions)
                },
                vectors: vector_writes(body.vectors, &settings),
                responses: Vec::new(),
                touch: true,
            }])
        })
        .await?
        .map_err(Refused::into_error)?;
    match written.first() {
        Some(loaded) => Ok(json(
            StatusCode::OK,
            &shapes::Record::written(loaded, &settings),
        )),
        None => Err(not_found::entity("Record", &record.id)),
    }
}

/// `DELETE /records/{record_id}`: 404 → 403 (owner, admin member); 200 with the record as it
/// was, without its relations (which go with it).
pub async fn delete(
    State(state): State<AppState>,
    Caller(me): Caller,
    ids: Ids,
) -> ApiResult<Response> {
    let (record, dataset) = existing_record(&state, &ids).await?;
    require_owner_or_admin_member(&state, &me, &dataset.workspace_id).await?;
    if !state.db.delete_record(&record.id).await? {
        return Err(not_found::entity("Record", &record.id));
    }
    Ok(json(StatusCode::OK, &shapes::Record::bare(&record)))
}

/// The route's record and its dataset, or the 404.
pub(super) async fn existing_record(state: &AppState, ids: &Ids) -> ApiResult<(Record, Dataset)> {
    let id = ids.id("record_id")?;
    let record =
        (state.db.record_by_id(&id).await?).ok_or_else(|| not_found::entity("Record", &id))?;
    let dataset = existing_dataset(state, &record.dataset_id)
        .await
        .map_err(|_| not_found::entity("Record", &id))?;
    Ok((record, dataset))
}

/// The route's record, for a caller who may read it: 404 → 403.
pub(super) async fn readable_record(
    state: &AppState,
    me: &UserRecord,
    ids: &Ids,
) -> ApiResult<(Record, Dataset)> {
    let (record, dataset) = existing_record(state, ids).await?;
    require_owner_or_member(state, me, &dataset.workspace_id).await?;
    Ok((record, dataset))
}

/// The path's ids and the required `ids` query value, their errors reported together.
pub(super) fn path_and_ids(
    ids: Result<Ids, ApiError>,
    query: &[(String, String)],
) -> ApiResult<(Ids, String)> {
    let listed = crate::python::last_value(query, "ids").cloned();
    match (ids, listed) {
        (Ok(ids), Some(listed)) => Ok((ids, listed)),
        (ids, listed) => {
            let mut errors = match ids {
                Err(ApiError::ValidationV2(errors)) => errors,
                Err(other) => return Err(other),
                Ok(_) => Vec::new(),
            };
            if listed.is_none() {
                errors.push(ErrorItem2::missing(vec!["query".into(), "ids".into()]));
            }
            Err(ApiError::ValidationV2(errors))
        }
    }
}

/// A delete's `ids`: `Invalid UUID format`, then at most 100 (`what`: "records",
/// "suggestions").
pub(super) fn parse_ids(listed: &str, what: &str) -> ApiResult<Vec<String>> {
    let ids = comma_separated_uuids(listed)
        .ok_or_else(|| ApiError::UnprocessablePlain("Invalid UUID format".into()))?;
    if ids.len() > DELETE_MAX {
        return Err(ApiError::UnprocessablePlain(format!(
            "Cannot delete more than {DELETE_MAX} {what} at once"
        )));
    }
    Ok(ids)
}

/// 204 as FastAPI sends it: a JSON content type and no body.
pub(super) fn no_content() -> Response {
    (StatusCode::NO_CONTENT, [(CONTENT_TYPE, "application/json")]).into_response()
}
