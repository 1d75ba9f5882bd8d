//! `/api/v1/me` and `/api/v1/users…` of Argilla 2.x.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;

use super::extract::{Caller, Ids, Valid, WithBody};
use super::schemas::{UserCreate, UserUpdate};
use super::shapes::{me_body, users_body, User, Workspace};
use super::workspaces_json;
use crate::api::bodies::{json_answer, Items};
use crate::api::not_found;
use crate::db::{IdOrigin, NewUser, UserChanges, UserCreated, UserUpdated};
use crate::error::{ApiError, ApiResult};
use crate::models::now_timestamp;
use crate::policy::require_owner;
use crate::python::repr::py_repr;
use crate::security::hash_password;
use crate::state::AppState;

/// `GET /api/v1/me`, serialised once per data change (see [`me_body`]).
pub async fn me(State(state): State<AppState>, Caller(me): Caller) -> ApiResult<Response> {
    Ok(json_answer(me_body(&*state.db.snapshot().await?, &me)))
}

/// `GET /api/v1/users` (owner only): every user, oldest first.
pub async fn list(State(state): State<AppState>, Caller(me): Caller) -> ApiResult<Response> {
    require_owner(&me)?;
    Ok(json_answer(users_body(&*state.db.snapshot().await?)))
}

/// `GET /api/v1/users/{user_id}` (owner only, not even the user itself): 403 → 404.
pub async fn get(
    State(state): State<AppState>,
    Caller(me): Caller,
    ids: Ids,
) -> ApiResult<Json<User>> {
    require_owner(&me)?;
    let id = ids.id("user_id")?;
    let user = not_found::existing_user(&state, &id).await?;
    Ok(Json(User::from(&*user)))
}

/// bcrypt off the async workers.
async fn hashed(password: String) -> ApiResult<String> {
    tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(anyhow::Error::from)?
        .map_err(|e| ApiError::Internal(e.into()))
}

/// `POST /api/v1/users`: 401 → 422 → 403 → 409 username → 409 id; 201 with the user.
pub async fn create(
    State(state): State<AppState>,
    request: WithBody,
) -> ApiResult<(StatusCode, Json<User>)> {
    let Valid { caller, body, .. } = request.validated(UserCreate::validate)?;
    require_owner(&caller)?;
    let now = now_timestamp();
    let origin = match body.id {
        Some(_) => IdOrigin::Given,
        None => IdOrigin::Drawn,
    };
    let new_user = NewUser {
        id: body
            .id
            .map(|id| id.hyphenated().to_string())
            .unwrap_or_else(|| state.ids.uuid()),
        first_name: body.first_name,
        last_name: body.last_name,
        username: body.username,
        role: body.role,
        api_key: state.ids.api_key(),
        password_hash: hashed(body.password).await?,
        inserted_at: now.clone(),
        updated_at: now,
    };
    match state
        .db
        .create_user(&new_user, &[], &state.ids, origin)
        .await?
    {
        UserCreated::Created(user) => Ok((StatusCode::CREATED, Json(User::from(&user)))),
        UserCreated::UsernameTaken => Err(ApiError::ConflictPlain(format!(
            "User username `{}` is not unique",
            new_user.username
        ))),
        UserCreated::IdTaken => Err(ApiError::ConflictPlain(format!(
            "User with id `{}` is not unique",
            new_user.id
        ))),
        UserCreated::UnknownWorkspace(_) | UserCreated::DuplicateLink { .. } => Err(
            ApiError::Internal(anyhow::anyhow!("a 2.x user is created without workspaces")),
        ),
    }
}

/// `PATCH /api/v1/users/{user_id}`: 401 → 422 → 404 → 403 → 422 taken username.
pub async fn update(State(state): State<AppState>, request: WithBody) -> ApiResult<Json<User>> {
    let Valid { caller, ids, body } = request.validated(UserUpdate::validate)?;
    let id = ids.id("user_id")?;
    not_found::existing_user(&state, &id).await?;
    require_owner(&caller)?;
    let username = body.username.clone();
    let changes = UserChanges {
        first_name: body.first_name,
        last_name: body.last_name,
        username: body.username,
        role: body.role,
        password_hash: match body.password {
            Some(password) => Some(hashed(password).await?),
            None => None,
        },
    };
    match state
        .db
        .update_user(&id, &changes, &now_timestamp())
        .await?
    {
        UserUpdated::Updated(user) => Ok(Json(User::from(&user))),
        UserUpdated::UsernameTaken => Err(ApiError::UnprocessablePlain(format!(
            "Username {} already exists",
            py_repr(username.as_deref().unwrap_or_default())
        ))),
        UserUpdated::Gone => Err(not_found::user(&id)),
    }
}

/// `DELETE /api/v1/users/{user_id}`: 404 → 403; 200 with the deleted user.
pub async fn delete(
    State(state): State<AppState>,
    Caller(me): Caller,
    ids: Ids,
) -> ApiResult<Json<User>> {
    let id = ids.id("user_id")?;
    let user = not_found::existing_user(&state, &id).await?;
    require_owner(&me)?;
    if !state.db.delete_user(&id).await? {
        return Err(not_found::user(&id));
    }
    Ok(Json(User::from(&*user)))
}

/// `GET /api/v1/users/{user_id}/workspaces` (owner only): 403 → 404; an owner's are all.
pub async fn workspaces(
    State(state): State<AppState>,
    Caller(me): Caller,
    ids: Ids,
) -> ApiResult<Json<Items<Workspace>>> {
    require_owner(&me)?;
    let id = ids.id("user_id")?;
    let user = not_found::existing_user(&state, &id).await?;
    workspaces_json(&state, &user).await
}
