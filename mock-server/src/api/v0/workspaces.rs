//! `/api/workspaces` and its members.

use axum::extract::State;
use axum::Json;

use super::schemas::workspace_name;
use crate::db::{IdOrigin, WorkspaceCreated};
use crate::error::{ApiError, ApiResult, Entity};
use crate::extract::{CurrentUser, PathIds, UserAndBody};
use crate::models::{now_timestamp, UserV0, Workspace};
use crate::policy::{require_owner, require_owner_or_admin_member};
use crate::state::AppState;

/// `GET /api/workspaces`: every role sees every workspace.
pub async fn list(
    State(state): State<AppState>,
    CurrentUser(_): CurrentUser,
) -> ApiResult<Json<Vec<Workspace>>> {
    let workspaces = state.db.list_workspaces().await?;
    Ok(Json(workspaces.iter().map(Workspace::v1x).collect()))
}

/// `POST /api/workspaces`: 401 → 422 → 403 → 409.
pub async fn create(
    State(state): State<AppState>,
    UserAndBody { user: me, body }: UserAndBody,
) -> ApiResult<Json<Workspace>> {
    let name = workspace_name(body.value())?;
    require_owner(&me)?;
    let now = now_timestamp();
    let workspace = Workspace {
        id: state.ids.uuid(),
        name,
        inserted_at: now.clone(),
        updated_at: now,
    };
    match state
        .db
        .create_workspace(&workspace, &state.ids, IdOrigin::Drawn)
        .await?
    {
        WorkspaceCreated::Created(created) => Ok(Json(created.v1x())),
        WorkspaceCreated::NameTaken => Err(ApiError::AlreadyExists {
            entity: Entity::Workspace,
            name: workspace.name,
        }),
        // The v0 API takes no id from the client.
        WorkspaceCreated::IdTaken => Err(ApiError::Internal(anyhow::anyhow!(
            "a drawn id was refused"
        ))),
    }
}

/// `GET /api/workspaces/{workspace_id}/users`: the policy is checked before the lookup, so a
/// non-member asking about an unknown workspace gets 403, not 404.
pub async fn members(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    PathIds(ids): PathIds,
) -> ApiResult<Json<Vec<UserV0>>> {
    let workspace_id = ids[0].hyphenated().to_string();
    require_owner_or_admin_member(&state, &me, &workspace_id).await?;
    state
        .db
        .workspace_by_id(&workspace_id)
        .await?
        .ok_or_else(|| ApiError::workspace_not_found(&workspace_id))?;
    Ok(Json(state.db.members_v0(&workspace_id).await?))
}

/// `POST /api/workspaces/{workspace_id}/users/{user_id}`: 403 → 404 workspace → 404 user → 409.
pub async fn add_member(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    PathIds(ids): PathIds,
) -> ApiResult<Json<UserV0>> {
    let (workspace_id, user_id) = (
        ids[0].hyphenated().to_string(),
        ids[1].hyphenated().to_string(),
    );
    require_owner(&me)?;
    state
        .db
        .workspace_by_id(&workspace_id)
        .await?
        .ok_or_else(|| ApiError::workspace_not_found(&workspace_id))?;
    let user = state
        .db
        .user_by_id(&user_id)
        .await?
        .ok_or_else(|| ApiError::user_not_found(&user_id))?;
    match state
        .db
        .add_member(&workspace_id, &user_id, &now_timestamp())
        .await?
    {
        Some(true) => {}
        Some(false) => {
            return Err(ApiError::AlreadyExists {
                entity: Entity::User,
                name: user_id,
            })
        }
        None => return Err(ApiError::user_not_found(&user_id)),
    }
    Ok(Json(state.db.user_v0(&user).await?))
}

/// `DELETE /api/workspaces/{workspace_id}/users/{user_id}`: the membership is looked up first
/// (404 names the user), then the policy (owner, or an admin member).
pub async fn remove_member(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    PathIds(ids): PathIds,
) -> ApiResult<Json<UserV0>> {
    let (workspace_id, user_id) = (
        ids[0].hyphenated().to_string(),
        ids[1].hyphenated().to_string(),
    );
    if !state.db.is_member(&workspace_id, &user_id).await? {
        return Err(ApiError::user_not_found(&user_id));
    }
    require_owner_or_admin_member(&state, &me, &workspace_id).await?;
    let user = state
        .db
        .user_by_id(&user_id)
        .await?
        .ok_or_else(|| ApiError::user_not_found(&user_id))?;
    if !state.db.remove_member(&workspace_id, &user_id).await? {
        return Err(ApiError::user_not_found(&user_id));
    }
    Ok(Json(state.db.user_v0(&user).await?))
}
