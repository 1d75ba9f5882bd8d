//! `/api/v1/workspaces…` and `/api/v1/me/workspaces` of Argilla 2.x.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;

use super::extract::{Caller, Ids, Valid, WithBody};
use super::schemas::{workspace_user_create, WorkspaceCreate};
use super::shapes::{User, Workspace};
use super::workspaces_json;
use crate::api::bodies::Items;
use crate::api::not_found;
use crate::db::{IdOrigin, WorkspaceCreated, WorkspaceDeleted};
use crate::error::{ApiError, ApiResult};
use crate::models::{self, now_timestamp};
use crate::policy::{require_owner, require_owner_or_admin_member, require_owner_or_member};
use crate::state::AppState;

/// `GET /api/v1/me/workspaces`: an owner's are all of them; anyone else's, its memberships.
pub async fn mine(
    State(state): State<AppState>,
    Caller(me): Caller,
) -> ApiResult<Json<Items<Workspace>>> {
    workspaces_json(&state, &me).await
}

/// `GET /api/v1/workspaces/{workspace_id}`: the owner or a member (403 also for an unknown id).
pub async fn get(
    State(state): State<AppState>,
    Caller(me): Caller,
    ids: Ids,
) -> ApiResult<Json<Workspace>> {
    let id = ids.id("workspace_id")?;
    require_owner_or_member(&state, &me, &id).await?;
    let workspace = not_found::existing_workspace(&state, &id).await?;
    Ok(Json(Workspace::from(&workspace)))
}

/// `POST /api/v1/workspaces`: 401 → 422 → 403 → 409 name → 409 id; 201.
pub async fn create(
    State(state): State<AppState>,
    request: WithBody,
) -> ApiResult<(StatusCode, Json<Workspace>)> {
    let Valid { caller, body, .. } = request.validated(WorkspaceCreate::validate)?;
    require_owner(&caller)?;
    let now = now_timestamp();
    let (id, origin) = match body.id {
        Some(id) => (id.hyphenated().to_string(), IdOrigin::Given),
        None => (state.ids.uuid(), IdOrigin::Drawn),
    };
    let workspace = models::Workspace {
        id,
        name: body.name,
        inserted_at: now.clone(),
        updated_at: now,
    };
    match state
        .db
        .create_workspace(&workspace, &state.ids, origin)
        .await?
    {
        WorkspaceCreated::Created(created) => {
            Ok((StatusCode::CREATED, Json(Workspace::from(&created))))
        }
        WorkspaceCreated::NameTaken => Err(ApiError::ConflictPlain(format!(
            "Workspace name `{}` is not unique",
            workspace.name
        ))),
        WorkspaceCreated::IdTaken => Err(ApiError::ConflictPlain(format!(
            "Workspace with id `{}` is not unique",
            workspace.id
        ))),
    }
}

/// `DELETE /api/v1/workspaces/{workspace_id}` (owner only): 403 → 404 → 409 with datasets
/// (drafts too); 200 with the deleted workspace, its members unlinked.
pub async fn delete(
    State(state): State<AppState>,
    Caller(me): Caller,
    ids: Ids,
) -> ApiResult<Json<Workspace>> {
    require_owner(&me)?;
    let id = ids.id("workspace_id")?;
    let workspace = not_found::existing_workspace(&state, &id).await?;
    let has_datasets = || {
        ApiError::ConflictPlain(format!(
            "Cannot delete the workspace {id}. This workspace has some datasets linked"
        ))
    };
    if state.db.workspace_has_datasets(&id).await? {
        return Err(has_datasets());
    }
    match state.db.delete_workspace(&id).await? {
        WorkspaceDeleted::Deleted => Ok(Json(Workspace::from(&workspace))),
        WorkspaceDeleted::Gone => Err(not_found::workspace(&id)),
        WorkspaceDeleted::HasDatasets => Err(has_datasets()),
    }
}

/// `GET /api/v1/workspaces/{workspace_id}/users`: the owner or an admin member (403 first).
pub async fn members(
    State(state): State<AppState>,
    Caller(me): Caller,
    ids: Ids,
) -> ApiResult<Json<Items<User>>> {
    let id = ids.id("workspace_id")?;
    require_owner_or_admin_member(&state, &me, &id).await?;
    not_found::existing_workspace(&state, &id).await?;
    let members = state.db.members_of(&id).await?;
    Ok(Json(members.iter().map(|u| User::from(&**u)).collect()))
}

/// `POST /api/v1/workspaces/{workspace_id}/users` `{"user_id"}` (owner only): 403 → 404
/// workspace → 422 unknown user → 409 already a member; 201 with the user.
pub async fn add_member(
    State(state): State<AppState>,
    request: WithBody,
) -> ApiResult<(StatusCode, Json<User>)> {
    let Valid { caller, ids, body } = request.validated(workspace_user_create)?;
    let user_id = body.hyphenated().to_string();
    require_owner(&caller)?;
    let workspace_id = ids.id("workspace_id")?;
    not_found::existing_workspace(&state, &workspace_id).await?;
    let user = state
        .db
        .user_by_id(&user_id)
        .await?
        .ok_or_else(|| ApiError::UnprocessablePlain(not_found::user_message(&user_id)))?;
    let already = || {
        ApiError::ConflictPlain(format!(
            "Workspace user with workspace_id `{workspace_id}` and user_id `{user_id}` is not unique"
        ))
    };
    match state
        .db
        .add_member(&workspace_id, &user_id, &now_timestamp())
        .await?
    {
        Some(true) => Ok((StatusCode::CREATED, Json(User::from(&*user)))),
        Some(false) => Err(already()),
        // Deleted in between: as the lookups would now answer.
        None => Err(ApiError::UnprocessablePlain(not_found::user_message(
            &user_id,
        ))),
    }
}

/// `DELETE /api/v1/workspaces/{workspace_id}/users/{user_id}`: the membership first (404 for
/// any caller), then the owner or an admin member of the workspace; 200 with the user.
pub async fn remove_member(
    State(state): State<AppState>,
    Caller(me): Caller,
    ids: Ids,
) -> ApiResult<Json<User>> {
    let (workspace_id, user_id) = (ids.id("workspace_id")?, ids.id("user_id")?);
    let no_membership = || {
        ApiError::NotFoundPlain(format!(
            "WorkspaceUser not found filtering by workspace_id={workspace_id}, user_id={user_id}"
        ))
    };
    if !state.db.is_member(&workspace_id, &user_id).await? {
        return Err(no_membership());
    }
    require_owner_or_admin_member(&state, &me, &workspace_id).await?;
    let user = state
        .db
        .user_by_id(&user_id)
        .await?
        .ok_or_else(no_membership)?;
    if !state.db.remove_member(&workspace_id, &user_id).await? {
        return Err(no_membership());
    }
    Ok(Json(User::from(&*user)))
}
