//! Workspaces in the v1 API.

use axum::extract::State;
use axum::Json;

use crate::api::not_found;
use crate::error::ApiResult;
use crate::extract::{CurrentUser, PathIds};
use crate::models::{Items, UserRecord, Workspace};
use crate::policy::{require_owner, require_owner_or_member};
use crate::state::AppState;

/// What an owner sees as "its" workspaces: all of them; anyone else: its links.
async fn visible_to(state: &AppState, user: &UserRecord) -> ApiResult<Vec<Workspace>> {
    let workspaces = if user.is_owner() {
        state.db.list_workspaces().await?
    } else {
        state.db.workspaces_of(&user.id).await?
    };
    Ok(workspaces.iter().map(Workspace::v1x).collect())
}

/// `GET /api/v1/me/workspaces`.
pub async fn mine(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
) -> ApiResult<Json<Items<Workspace>>> {
    Ok(Json(Items {
        items: visible_to(&state, &me).await?,
    }))
}

/// `GET /api/v1/users/{user_id}/workspaces` (owner only; checked before the lookup).
pub async fn of_user(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    PathIds(ids): PathIds,
) -> ApiResult<Json<Items<Workspace>>> {
    let user_id = ids[0].hyphenated().to_string();
    require_owner(&me)?;
    let user = not_found::existing_user(&state, &user_id).await?;
    Ok(Json(Items {
        items: visible_to(&state, &user).await?,
    }))
}

/// `GET /api/v1/workspaces/{workspace_id}`: the owner or a member (checked before the lookup).
pub async fn get(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    PathIds(ids): PathIds,
) -> ApiResult<Json<Workspace>> {
    let id = ids[0].hyphenated().to_string();
    require_owner_or_member(&state, &me, &id).await?;
    let workspace = not_found::existing_workspace(&state, &id).await?;
    Ok(Json(workspace.v1x()))
}

/// `DELETE /api/v1/workspaces/{workspace_id}` (owner only): 200 with the deleted workspace;
/// its memberships go with it.
pub async fn delete(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    PathIds(ids): PathIds,
) -> ApiResult<Json<Workspace>> {
    let id = ids[0].hyphenated().to_string();
    require_owner(&me)?;
    let workspace = not_found::existing_workspace(&state, &id).await?;
    if !state.db.delete_workspace(&id).await? {
        return Err(not_found::workspace(&id));
    }
    Ok(Json(workspace.v1x()))
}
