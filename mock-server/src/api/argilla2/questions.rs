//! `GET|POST /api/v1/datasets/{dataset_id}/questions`, `PATCH|DELETE
//! /api/v1/questions/{question_id}` (`argilla-2x-datasets-api.md` §3.8): a published dataset's
//! questions may change title, description and some settings, but none may be added or removed.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use sqlx::types::Json;

use super::datasets::{manageable, readable};
use super::extract::{Caller, Ids, Valid, WithBody};
use super::schemas::{QuestionCreate, QuestionUpdate};
use super::shapes;
use crate::api::bodies::{json, Items};
use crate::api::not_found::{self, existing_setting};
use crate::db::SettingCreated;
use crate::error::{ApiError, ApiResult};
use crate::models::datasets::{Question, QuestionSettings};
use crate::models::now_timestamp;
use crate::policy::require_owner_or_admin_member;
use crate::python::repr::py_list_repr;
use crate::state::AppState;

/// `GET /api/v1/datasets/{dataset_id}/questions`: 404 → 403; oldest first.
pub async fn list(
    State(state): State<AppState>,
    Caller(me): Caller,
    ids: Ids,
) -> ApiResult<Response> {
    let dataset = readable(&state, &me, &ids).await?;
    let questions: Vec<Question> = state.db.settings_of(&dataset.id).await?;
    let items: Items<shapes::Question> = questions.iter().map(shapes::Question::from).collect();
    Ok(json(StatusCode::OK, &items))
}

/// `POST /api/v1/datasets/{dataset_id}/questions`: 422 → 404 → 403 → 409 name → 422 published
/// → 422 span field unknown → 422 span field taken; 201.
pub async fn create(State(state): State<AppState>, request: WithBody) -> ApiResult<Response> {
    let Valid { caller, ids, body } = request.validated(QuestionCreate::validate)?;
    let dataset = manageable(&state, &caller, &ids).await?;
    let now = now_timestamp();
    let question = Question {
        id: state.ids.uuid(),
        name: body.name,
        title: body.title,
        description: body.description,
        required: body.required,
        settings: Json(body.settings),
        dataset_id: dataset.id.clone(),
        inserted_at: now.clone(),
        updated_at: now,
    };
    let span_field = match &question.settings.0 {
        QuestionSettings::Span { field, .. } => field.as_str(),
        _ => "",
    };
    let refused = |why: String| Err(ApiError::UnprocessablePlain(why));
    match state.db.create_question(&question).await? {
        SettingCreated::Created(created) => {
            Ok(json(StatusCode::CREATED, &shapes::Question::from(&created)))
        }
        SettingCreated::NameTaken => Err(ApiError::ConflictPlain(format!(
            "Question with name `{}` already exists for dataset with id `{}`",
            question.name, dataset.id
        ))),
        SettingCreated::DatasetPublished => {
            refused("questions cannot be created for a published dataset".into())
        }
        SettingCreated::SpanFieldUnknown(fields) => refused(format!(
            "'{span_field}' is not a valid field name.\nValid field names are {}",
            py_list_repr(&fields)
        )),
        SettingCreated::SpanFieldTaken(other) => refused(format!(
            "'{span_field}' is already used by span question with id '{other}'"
        )),
        SettingCreated::TooMany | SettingCreated::DatasetGone => {
            Err(not_found::dataset(&dataset.id))
        }
    }
}

/// `PATCH /api/v1/questions/{question_id}`: 422 → 404 → 403 → the settings' rules (type,
/// options, visible options, span overlap). Settings sent always count as a change.
pub async fn update(State(state): State<AppState>, request: WithBody) -> ApiResult<Response> {
    let Valid { caller, ids, body } = request.validated(QuestionUpdate::validate)?;
    let id = ids.id("question_id")?;
    let (mut question, dataset) = existing_setting::<Question>(&state, "Question", &id).await?;
    require_owner_or_admin_member(&state, &caller, &dataset.workspace_id).await?;
    let mut changed = false;
    if let Some(update) = &body.settings {
        let merged = update
            .apply_to(&question.settings.0)
            .map_err(ApiError::UnprocessablePlain)?;
        question.settings = Json(merged);
        changed = true;
    }
    if let Some(title) = body.title.filter(|t| *t != question.title) {
        question.title = title;
        changed = true;
    }
    if let Some(description) = body.description.filter(|d| *d != question.description) {
        question.description = description;
        changed = true;
    }
    if changed {
        question.updated_at = now_timestamp();
        if !state.db.update_question(&question).await? {
            return Err(not_found::entity("Question", &id));
        }
    }
    Ok(json(StatusCode::OK, &shapes::Question::from(&question)))
}

/// `DELETE /api/v1/questions/{question_id}`: 404 → 403 → 422 published; 200 with the question.
pub async fn delete(
    State(state): State<AppState>,
    Caller(me): Caller,
    ids: Ids,
) -> ApiResult<Response> {
    let id = ids.id("question_id")?;
    let (question, dataset) = existing_setting::<Question>(&state, "Question", &id).await?;
    require_owner_or_admin_member(&state, &me, &dataset.workspace_id).await?;
    if dataset.is_ready() {
        return Err(ApiError::UnprocessablePlain(
            "questions cannot be deleted for a published dataset".into(),
        ));
    }
    if !state.db.delete_setting::<Question>(&id).await? {
        return Err(not_found::entity("Question", &id));
    }
    Ok(json(StatusCode::OK, &shapes::Question::from(&question)))
}
