//! `/api/workspaces` and its members; `/api/v1/workspaces/…` and `/api/v1/me/workspaces`.

use axum::extract::State;
use axum::Json;

use super::schemas::workspace_name;
use super::shapes::{User, Workspace};
use super::Ids;
use crate::api::bodies::Items;
use crate::api::not_found;
use crate::db::{IdOrigin, WorkspaceCreated, WorkspaceDeleted};
use crate::error::{ApiError, ApiResult, Entity};
use crate::extract::{CurrentUser, UserAndBody};
use crate::models::{self, now_timestamp, UserRecord};
use crate::policy::{
    require_owner, require_owner_or_admin_member, require_owner_or_member, sees_every_workspace,
};
use crate::state::AppState;

/// `GET /api/workspaces`: every role sees every workspace.
pub async fn list(
    State(state): State<AppState>,
    CurrentUser(_): CurrentUser,
) -> ApiResult<Json<Vec<Workspace>>> {
    let workspaces = state.db.list_workspaces().await?;
    Ok(Json(workspaces.iter().map(Workspace::from).collect()))
}

/// `POST /api/workspaces`: 401 → 422 → 403 → 409.
pub async fn create(
    State(state): State<AppState>,
    UserAndBody { user: me, body }: UserAndBody,
) -> ApiResult<Json<Workspace>> {
    let name = workspace_name(body.value())?;
    require_owner(&me)?;
    let now = now_timestamp();
    let workspace = models::Workspace {
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
        WorkspaceCreated::Created(created) => Ok(Json(Workspace::from(&created))),
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
    ids: Ids,
) -> ApiResult<Json<Vec<User>>> {
    let workspace_id = ids.id("workspace_id")?;
    require_owner_or_admin_member(&state, &me, &workspace_id).await?;
    state
        .db
        .workspace_by_id(&workspace_id)
        .await?
        .ok_or_else(|| ApiError::workspace_not_found(&workspace_id))?;
    let members = state.db.members_of(&workspace_id).await?;
    let snapshot = state.db.snapshot().await?;
    Ok(Json(
        members.iter().map(|u| User::linked(&snapshot, u)).collect(),
    ))
}

/// `POST /api/workspaces/{workspace_id}/users/{user_id}`: 403 → 404 workspace → 404 user → 409.
pub async fn add_member(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    ids: Ids,
) -> ApiResult<Json<User>> {
    let (workspace_id, user_id) = (ids.id("workspace_id")?, ids.id("user_id")?);
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
    Ok(Json(User::linked(&*state.db.snapshot().await?, &user)))
}

/// `DELETE /api/workspaces/{workspace_id}/users/{user_id}`: the membership is looked up first
/// (404 names the user), then the policy (owner, or an admin member).
pub async fn remove_member(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    ids: Ids,
) -> ApiResult<Json<User>> {
    let (workspace_id, user_id) = (ids.id("workspace_id")?, ids.id("user_id")?);
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
    Ok(Json(User::linked(&*state.db.snapshot().await?, &user)))
}

/// What an owner sees as "its" workspaces: all of them; anyone else: its links.
async fn visible_to(state: &AppState, user: &UserRecord) -> ApiResult<Vec<Workspace>> {
    let workspaces = if sees_every_workspace(user) {
        state.db.list_workspaces().await?
    } else {
        state.db.workspaces_of(&user.id).await?
    };
    Ok(workspaces.iter().map(Workspace::from).collect())
}

/// `GET /api/v1/me/workspaces`.
pub async fn mine(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
) -> ApiResult<Json<Items<Workspace>>> {
    Ok(Json(visible_to(&state, &me).await?.into_iter().collect()))
}

/// `GET /api/v1/users/{user_id}/workspaces` (owner only; checked before the lookup).
pub async fn of_user(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    ids: Ids,
) -> ApiResult<Json<Items<Workspace>>> {
    let user_id = ids.id("user_id")?;
    require_owner(&me)?;
    let user = not_found::existing_user(&state, &user_id).await?;
    Ok(Json(visible_to(&state, &user).await?.into_iter().collect()))
}

/// `GET /api/v1/workspaces/{workspace_id}`: the owner or a member (checked before the lookup).
pub async fn get(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    ids: Ids,
) -> ApiResult<Json<Workspace>> {
    let id = ids.id("workspace_id")?;
    require_owner_or_member(&state, &me, &id).await?;
    let workspace = not_found::existing_workspace(&state, &id).await?;
    Ok(Json(Workspace::from(&workspace)))
}

/// `DELETE /api/v1/workspaces/{workspace_id}` (owner only): 200 with the deleted workspace;
/// its memberships go with it.
pub async fn delete(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    ids: Ids,
) -> ApiResult<Json<Workspace>> {
    let id = ids.id("workspace_id")?;
    require_owner(&me)?;
    let workspace = not_found::existing_workspace(&state, &id).await?;
    // Only argilla-server 2.x has datasets, and it answers this path whenever it is served.
    if state.db.delete_workspace(&id).await? != WorkspaceDeleted::Deleted {
        return Err(not_found::workspace(&id));
    }
    Ok(Json(Workspace::from(&workspace)))
}
