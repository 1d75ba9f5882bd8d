//! Suggestions of Argilla 2.x (`argilla-2x-records-api.md` §3.3): `GET|PUT|DELETE
//! /records/{record_id}/suggestions`, `DELETE /suggestions/{suggestion_id}` and the agents
//! a search can filter on, `GET /datasets/{dataset_id}/records/search/suggestions/options`.

use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::json;

use super::datasets::readable;
use super::extract::{query_pairs, Caller, Ids, Valid, WithBody};
use super::records::{existing_record, no_content, parse_ids, path_and_ids, readable_record};
use super::schemas::suggestion;
use super::shapes;
use super::validators::check_suggestion;
use crate::api::bodies::{json, Items};
use crate::api::not_found;
use crate::db::SuggestionWrite;
use crate::error::{ApiError, ApiResult};
use crate::models::datasets::Question;
use crate::models::now_timestamp;
use crate::policy::require_owner_or_admin_member;
use crate::python::pydantic2::ErrorItem2;
use crate::state::AppState;

/// `GET /records/{record_id}/suggestions`: 404 → 403 (owner, any member); oldest first.
pub async fn list(
    State(state): State<AppState>,
    Caller(me): Caller,
    ids: Ids,
) -> ApiResult<Response> {
    let (record, _) = readable_record(&state, &me, &ids).await?;
    let suggestions = state.db.suggestions_of(&record.id).await?;
    let items: Items<shapes::Suggestion> =
        suggestions.iter().map(shapes::Suggestion::from).collect();
    Ok(json(StatusCode::OK, &items))
}

/// `PUT /records/{record_id}/suggestions`: 422 → 404 → 403 (owner, admin member) → 422 unknown
/// question (looked up by id, in any dataset) → 422 value; 201 created, 200 replaced (every
/// attribute, omitted ones become null).
pub async fn upsert(State(state): State<AppState>, request: WithBody) -> ApiResult<Response> {
    let Valid { caller, ids, body } = request.validated(|body| {
        let value = body
            .value()
            .ok_or_else(|| vec![ErrorItem2::missing(vec!["body".into()])])?;
        suggestion(value, vec!["body".into()])
    })?;
    let (record, dataset) = existing_record(&state, &ids).await?;
    require_owner_or_admin_member(&state, &caller, &dataset.workspace_id).await?;
    let question: Question =
        (state.db.setting_by_id(&body.question_id).await?).ok_or_else(|| {
            ApiError::UnprocessablePlain(format!(
                "Question with id `{}` not found",
                body.question_id
            ))
        })?;
    check_suggestion(&body, &question.settings.0, &record.fields.0)
        .map_err(ApiError::UnprocessablePlain)?;
    let write = SuggestionWrite {
        question_id: body.question_id.clone(),
        value: body.value.to_json(),
        score: body.score.clone(),
        agent: body.agent.clone(),
        kind: body.kind,
    };
    let (stored, created) = (state.db)
        .upsert_record_suggestion(&record.id, &write, &now_timestamp())
        .await?
        .ok_or_else(|| not_found::entity("Record", &record.id))?;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok(json(status, &shapes::Suggestion::from(&stored)))
}

/// `DELETE /records/{record_id}/suggestions?ids=a,b`: 401 → 422 → 404 → 403 → 422 a malformed
/// id → 422 more than 100; 204. Ids of no suggestion of the record are ignored.
pub async fn delete_many(
    State(state): State<AppState>,
    Caller(me): Caller,
    ids: Result<Ids, ApiError>,
    RawQuery(query): RawQuery,
) -> ApiResult<Response> {
    let (ids, listed) = path_and_ids(ids, &query_pairs(query.as_deref()))?;
    let (record, dataset) = existing_record(&state, &ids).await?;
    require_owner_or_admin_member(&state, &me, &dataset.workspace_id).await?;
    let suggestions = parse_ids(&listed, "suggestions")?;
    state
        .db
        .delete_suggestions(&record.id, &suggestions)
        .await?;
    Ok(no_content())
}

/// `DELETE /suggestions/{suggestion_id}`: 404 → 403 (owner, admin member); 200 with the
/// suggestion as it was.
pub async fn delete(
    State(state): State<AppState>,
    Caller(me): Caller,
    ids: Ids,
) -> ApiResult<Response> {
    let id = ids.id("suggestion_id")?;
    let not_found = || not_found::entity("Suggestion", &id);
    let suggestion = state
        .db
        .suggestion_by_id(&id)
        .await?
        .ok_or_else(not_found)?;
    let record = (state.db.record_by_id(&suggestion.record_id).await?).ok_or_else(not_found)?;
    let dataset = (state.db.dataset_by_id(&record.dataset_id).await?).ok_or_else(not_found)?;
    require_owner_or_admin_member(&state, &me, &dataset.workspace_id).await?;
    if !state.db.delete_suggestion(&id).await? {
        return Err(not_found());
    }
    Ok(json(StatusCode::OK, &shapes::Suggestion::from(&suggestion)))
}

/// `GET /datasets/{dataset_id}/records/search/suggestions/options`: 404 → 403 (owner, any
/// member); every question of the dataset with the agents of its suggestions.
pub async fn search_options(
    State(state): State<AppState>,
    Caller(me): Caller,
    ids: Ids,
) -> ApiResult<Response> {
    let dataset = readable(&state, &me, &ids).await?;
    let agents = state.db.suggestion_agents(&dataset.id).await?;
    let items: Vec<serde_json::Value> = (agents.iter())
        .map(|(id, name, agents)| json!({ "question": { "id": id, "name": name }, "agents": agents }))
        .collect();
    Ok(json(StatusCode::OK, &json!({ "items": items })))
}
