//! `/api/v1/datasets…` and `/api/v1/me/datasets…` of Argilla 2.x (`argilla-2x-datasets-api.md`
//! §3.1–§3.6, §3.11). Reads are for the owner and the workspace's members; writes for the owner
//! and the workspace's admins. After validation, each loads the dataset (404), then checks the
//! caller (403), then the rules of the action.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::json;
use sqlx::types::Json;

use super::extract::{Caller, Ids, Valid, WithBody};
use super::schemas::{DatasetCreate, DatasetUpdate, DatasetsQuery};
use super::shapes;
use crate::api::bodies::{json, Items};
use crate::api::not_found::{self, existing_dataset};
use crate::db::{DatasetCreated, DatasetUpdated, Published};
use crate::error::{ApiError, ApiResult};
use crate::models::datasets::{Dataset, DatasetStatus};
use crate::models::now_timestamp;
use crate::models::records::{RecordStatus, ResponseStatus};
use crate::policy::{require_owner_or_admin_member, require_owner_or_member};
use crate::state::AppState;

/// `GET /api/v1/me/datasets?workspace_id=&name=&status=`: 401 → 422 → 403 (a workspace the
/// caller is not in); the datasets of the caller's workspaces (an owner's: all), oldest first.
pub async fn mine(
    State(state): State<AppState>,
    Caller(me): Caller,
    Query(query): Query<Vec<(String, String)>>,
) -> ApiResult<Response> {
    let filter = DatasetsQuery::validate(&query).map_err(ApiError::ValidationV2)?;
    if let Some(workspace_id) = &filter.workspace_id {
        require_owner_or_member(&state, &me, workspace_id).await?;
    }
    let datasets = state.db.datasets_of(&me, &filter).await?;
    let items: Items<shapes::Dataset> = datasets.iter().map(shapes::Dataset::from).collect();
    Ok(json(StatusCode::OK, &items))
}

/// `POST /api/v1/datasets`: 401 → 422 → 403 (owner, or an admin of the workspace) → 422 unknown
/// workspace → 409 name taken in the workspace; 201, a draft.
pub async fn create(State(state): State<AppState>, request: WithBody) -> ApiResult<Response> {
    let Valid { caller, body, .. } = request.validated(DatasetCreate::validate)?;
    let workspace_id = body.workspace_id.hyphenated().to_string();
    require_owner_or_admin_member(&state, &caller, &workspace_id).await?;
    let now = now_timestamp();
    let dataset = Dataset {
        id: state.ids.uuid(),
        name: body.name,
        guidelines: body.guidelines,
        allow_extra_metadata: body.allow_extra_metadata,
        status: DatasetStatus::Draft,
        distribution: Json(body.distribution),
        metadata: body.metadata.map(Json),
        workspace_id,
        last_activity_at: now.clone(),
        inserted_at: now.clone(),
        updated_at: now,
    };
    match state.db.create_dataset(&dataset).await? {
        DatasetCreated::Created(created) => {
            Ok(json(StatusCode::CREATED, &shapes::Dataset::from(&*created)))
        }
        DatasetCreated::UnknownWorkspace => Err(ApiError::UnprocessablePlain(format!(
            "Workspace with id `{}` not found",
            dataset.workspace_id
        ))),
        DatasetCreated::NameTaken => Err(name_taken(&dataset.name, &dataset.workspace_id)),
    }
}

/// `GET /api/v1/datasets/{dataset_id}`: 404 → 403; drafts too.
pub async fn get(
    State(state): State<AppState>,
    Caller(me): Caller,
    ids: Ids,
) -> ApiResult<Response> {
    let dataset = readable(&state, &me, &ids).await?;
    Ok(json(StatusCode::OK, &shapes::Dataset::from(&dataset)))
}

/// `PATCH /api/v1/datasets/{dataset_id}`: 422 → 404 → 403; allowed on drafts and published
/// datasets. A name another dataset of the workspace has is a 409, as on create.
pub async fn update(State(state): State<AppState>, request: WithBody) -> ApiResult<Response> {
    let Valid { caller, ids, body } = request.validated(DatasetUpdate::validate)?;
    let id = ids.id("dataset_id")?;
    let dataset = existing_dataset(&state, &id).await?;
    require_owner_or_admin_member(&state, &caller, &dataset.workspace_id).await?;
    let now = now_timestamp();
    match state.db.update_dataset(&id, &body, &now).await? {
        DatasetUpdated::Updated(updated) => {
            Ok(json(StatusCode::OK, &shapes::Dataset::from(&*updated)))
        }
        // The real server checks no name on a rename and its UNIQUE constraint answers 500
        // (`sqlalchemy.exc.IntegrityError`); the create's 409 is what it means
        // (docs/differences.md).
        DatasetUpdated::NameTaken(name) => Err(name_taken(&name, &dataset.workspace_id)),
        DatasetUpdated::Gone => Err(not_found::dataset(&id)),
    }
}

/// The 409 of a dataset name its workspace already has.
fn name_taken(name: &str, workspace_id: &str) -> ApiError {
    ApiError::ConflictPlain(format!(
        "Dataset with name `{name}` already exists for workspace with id `{workspace_id}`"
    ))
}

/// `DELETE /api/v1/datasets/{dataset_id}`: 404 → 403; drafts and published datasets, with
/// everything in them; 200 with the dataset as it was.
pub async fn delete(
    State(state): State<AppState>,
    Caller(me): Caller,
    ids: Ids,
) -> ApiResult<Response> {
    let dataset = manageable(&state, &me, &ids).await?;
    if !state.db.delete_dataset(&dataset.id).await? {
        return Err(not_found::dataset(&dataset.id));
    }
    Ok(json(StatusCode::OK, &shapes::Dataset::from(&dataset)))
}

/// `PUT /api/v1/datasets/{dataset_id}/publish`: 404 → 403 → 422 published → 422 no field →
/// 422 no required question; 200, ready.
pub async fn publish(
    State(state): State<AppState>,
    Caller(me): Caller,
    ids: Ids,
) -> ApiResult<Response> {
    let dataset = manageable(&state, &me, &ids).await?;
    let refused = |why: &str| Err(ApiError::UnprocessablePlain(why.into()));
    match state
        .db
        .publish_dataset(&dataset.id, &now_timestamp())
        .await?
    {
        Published::Published(ready) => Ok(json(StatusCode::OK, &shapes::Dataset::from(&*ready))),
        Published::AlreadyPublished => refused("Dataset has already been published"),
        Published::NoFields => refused("Dataset cannot be published without fields"),
        Published::NoRequiredQuestion => {
            refused("Dataset cannot be published without required questions")
        }
        Published::Gone => Err(not_found::dataset(&dataset.id)),
    }
}

/// `GET /api/v1/datasets/{dataset_id}/progress`: 404 → 403 (owner, member); records in all,
/// completed and pending (a draft's are not counted), and every user who has responded, by
/// first response.
pub async fn progress(
    State(state): State<AppState>,
    Caller(me): Caller,
    ids: Ids,
) -> ApiResult<Response> {
    let dataset = readable(&state, &me, &ids).await?;
    let progress = state
        .db
        .dataset_progress(&dataset.id, dataset.is_ready())
        .await?;
    let users: Vec<_> = (progress.usernames.iter())
        .map(|username| json!({ "username": username }))
        .collect();
    let body = json!({
        "total": progress.total,
        "completed": progress.completed,
        "pending": progress.pending,
        "users": users,
    });
    Ok(json(StatusCode::OK, &body))
}

/// `GET /api/v1/datasets/{dataset_id}/users/progress`: each responding user's responses by
/// record status and response status, oldest user first.
pub async fn users_progress(
    State(state): State<AppState>,
    Caller(me): Caller,
    ids: Ids,
) -> ApiResult<Response> {
    let dataset = readable(&state, &me, &ids).await?;
    let users: Vec<_> = (state.db.users_progress(&dataset.id).await?.iter())
        .map(|user| {
            let counts = |record| {
                json!({
                    "submitted": user.count(record, ResponseStatus::Submitted),
                    "discarded": user.count(record, ResponseStatus::Discarded),
                    "draft": user.count(record, ResponseStatus::Draft),
                })
            };
            json!({
                "username": user.username,
                "completed": counts(RecordStatus::Completed),
                "pending": counts(RecordStatus::Pending),
            })
        })
        .collect();
    Ok(json(StatusCode::OK, &json!({ "users": users })))
}

/// `GET /api/v1/me/datasets/{dataset_id}/metrics`: the records, and of those the caller has
/// responded to, how many have a response of each status (anyone's, as the real server's
/// search engine counts them); `pending` is what is left.
pub async fn my_metrics(
    State(state): State<AppState>,
    Caller(me): Caller,
    ids: Ids,
) -> ApiResult<Response> {
    let dataset = readable(&state, &me, &ids).await?;
    let counted = dataset.is_ready();
    let total = state.db.dataset_progress(&dataset.id, counted).await?.total;
    let by_status = if counted {
        state
            .db
            .records_by_response_status(&dataset.id, &me.id)
            .await?
    } else {
        Vec::new()
    };
    let count = |status| {
        (by_status.iter())
            .find(|(s, _)| *s == status)
            .map_or(0, |(_, n)| *n)
    };
    let (submitted, discarded, draft) = (
        count(ResponseStatus::Submitted),
        count(ResponseStatus::Discarded),
        count(ResponseStatus::Draft),
    );
    let body = json!({ "responses": {
        "total": total,
        "submitted": submitted,
        "discarded": discarded,
        "draft": draft,
        "pending": total - submitted - discarded - draft,
    }});
    Ok(json(StatusCode::OK, &body))
}

/// The route's dataset, for a caller who may read it: 404 → 403.
pub(super) async fn readable(
    state: &AppState,
    me: &crate::models::UserRecord,
    ids: &Ids,
) -> ApiResult<Dataset> {
    let dataset = existing_dataset(state, &ids.id("dataset_id")?).await?;
    require_owner_or_member(state, me, &dataset.workspace_id).await?;
    Ok(dataset)
}

/// The route's dataset, for a caller who may change it: 404 → 403.
pub(super) async fn manageable(
    state: &AppState,
    me: &crate::models::UserRecord,
    ids: &Ids,
) -> ApiResult<Dataset> {
    let dataset = existing_dataset(state, &ids.id("dataset_id")?).await?;
    require_owner_or_admin_member(state, me, &dataset.workspace_id).await?;
    Ok(dataset)
}
