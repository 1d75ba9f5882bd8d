//! `/api/me` and `/api/users`.

use axum::extract::State;
use axum::response::Response;
use axum::Json;
use uuid::Uuid;

use super::schemas::UserCreate;
use super::shapes::{me_body, users_body, User};
use super::Ids;
use crate::api::bodies::json_answer;
use crate::db::{IdOrigin, NewUser, UserCreated};
use crate::error::{ApiError, ApiResult, Entity};
use crate::extract::{CurrentUser, UserAndBody};
use crate::models::now_timestamp;
use crate::policy::require_owner;
use crate::security::hash_password;
use crate::state::AppState;

/// `GET /api/me`: the caller; an owner's `workspaces` lists every workspace. The body is
/// serialised once per data change (see [`me_body`]).
pub async fn me(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
) -> ApiResult<Response> {
    Ok(json_answer(me_body(&*state.db.snapshot().await?, &me)))
}

/// `GET /api/users`: every user, oldest first, each with its own workspace links (owner only).
pub async fn list(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
) -> ApiResult<Response> {
    require_owner(&me)?;
    Ok(json_answer(users_body(&*state.db.snapshot().await?)))
}

/// `POST /api/users`: 401 → 422 → 403 → 409, then the user and its links, answered with 200.
pub async fn create(
    State(state): State<AppState>,
    UserAndBody { user: me, body }: UserAndBody,
) -> ApiResult<Json<User>> {
    let request = UserCreate::validate(body.value())?;
    require_owner(&me)?;
    // bcrypt cannot hash a NUL byte: the real server fails while creating, after the
    // duplicate check, with the hashing library's message.
    if request.password.contains('\0') {
        if state
            .db
            .user_by_username(&request.username)
            .await?
            .is_some()
        {
            return Err(ApiError::AlreadyExists {
                entity: Entity::User,
                name: request.username,
            });
        }
        return Err(ApiError::UnprocessablePlain(
            "bcrypt does not allow NULL bytes in password".into(),
        ));
    }
    let now = now_timestamp();
    let password = request.password;
    let password_hash = tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(anyhow::Error::from)?
        .map_err(anyhow::Error::from)?;
    let new_user = NewUser {
        id: state.ids.uuid(),
        first_name: request.first_name,
        last_name: request.last_name,
        username: request.username,
        role: request.role,
        // A client-sent `api_key` is ignored: the server always generates one.
        api_key: state.ids.api_key(),
        password_hash,
        inserted_at: now.clone(),
        updated_at: now,
    };
    match state
        .db
        .create_user(&new_user, &request.workspaces, &state.ids, IdOrigin::Drawn)
        .await?
    {
        UserCreated::Created(user) => Ok(Json(User::linked(&*state.db.snapshot().await?, &user))),
        UserCreated::UsernameTaken => Err(ApiError::AlreadyExists {
            entity: Entity::User,
            name: new_user.username,
        }),
        UserCreated::UnknownWorkspace(name) => Err(ApiError::UnprocessablePlain(format!(
            "Workspace '{name}' does not exist"
        ))),
        UserCreated::DuplicateLink { workspace_id } => Err(ApiError::UnprocessablePlain(
            duplicate_link_message(&workspace_id, &new_user.id),
        )),
        // The v0 API takes no id from the client.
        UserCreated::IdTaken => Err(ApiError::Internal(anyhow::anyhow!(
            "a drawn id was refused"
        ))),
    }
}

/// The real server (SQLAlchemy on SQLite) answers a workspace named twice with the text of the
/// database error. Ids appear as 32 hex digits, as SQLAlchemy binds UUIDs.
fn duplicate_link_message(workspace_id: &str, user_id: &str) -> String {
    let hex = |id: &str| id.replace('-', "");
    format!(
        "(sqlite3.IntegrityError) UNIQUE constraint failed: workspaces_users.workspace_id, \
         workspaces_users.user_id\n[SQL: INSERT INTO workspaces_users (workspace_id, user_id, id, \
         inserted_at, updated_at) VALUES (?, ?, ?, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP) RETURNING \
         inserted_at, updated_at]\n[parameters: ('{}', '{}', '{}')]\n(Background on this error at: \
         https://sqlalche.me/e/20/gkpj)",
        hex(workspace_id),
        hex(user_id),
        Uuid::new_v4().simple()
    )
}

/// `DELETE /api/users/{user_id}`: 401 → 422 → 404 → 403; 200 with the deleted user, still
/// showing the workspaces it had.
pub async fn delete(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    ids: Ids,
) -> ApiResult<Json<User>> {
    let id = ids.id("user_id")?;
    let user = state
        .db
        .user_by_id(&id)
        .await?
        .ok_or_else(|| ApiError::user_not_found(&id))?;
    require_owner(&me)?;
    let shown = User::linked(&*state.db.snapshot().await?, &user);
    if !state.db.delete_user(&id).await? {
        return Err(ApiError::user_not_found(&id));
    }
    Ok(Json(shown))
}
