//! Who may do what: the real server's role policies (`argilla-users-api.md` §4.2, Part B "Roles").
//!
//! | action                                                        | owner | admin        | annotator |
//! |---------------------------------------------------------------|-------|--------------|-----------|
//! | `GET /api/me`, `GET /api/workspaces`, `GET /api/v1/me/workspaces` | yes | yes          | yes       |
//! | users: list, create, delete; `GET /api/v1/users/{id}/workspaces` | yes | no           | no        |
//! | `POST /api/workspaces`, add a member, `DELETE /api/v1/workspaces/{id}` | yes | no     | no        |
//! | list members, remove a member                                 | yes   | if a member  | no        |
//! | `GET /api/v1/workspaces/{id}`                                 | yes   | if a member  | if a member |

use crate::error::{ApiError, ApiResult};
use crate::models::{Role, UserRecord};
use crate::state::AppState;

/// Whether `user` sees every workspace as its own (`/api/me`, the "my workspaces" lists): an
/// owner does; anyone else sees those it is a member of.
pub fn sees_every_workspace(user: &UserRecord) -> bool {
    user.is_owner()
}

/// Owner-only actions.
pub fn require_owner(actor: &UserRecord) -> ApiResult<()> {
    if actor.is_owner() {
        Ok(())
    } else {
        Err(ApiError::Forbidden)
    }
}

/// Managing a workspace's members: the owner, or an admin who belongs to the workspace.
pub async fn require_owner_or_admin_member(
    state: &AppState,
    actor: &UserRecord,
    workspace_id: &str,
) -> ApiResult<()> {
    match actor.role() {
        Role::Owner => Ok(()),
        Role::Admin if state.db.is_member(workspace_id, &actor.id).await? => Ok(()),
        _ => Err(ApiError::Forbidden),
    }
}

/// Reading a workspace: the owner, or any member.
pub async fn require_owner_or_member(
    state: &AppState,
    actor: &UserRecord,
    workspace_id: &str,
) -> ApiResult<()> {
    if actor.is_owner() || state.db.is_member(workspace_id, &actor.id).await? {
        Ok(())
    } else {
        Err(ApiError::Forbidden)
    }
}
