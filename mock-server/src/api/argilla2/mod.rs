//! Argilla 2.x: the API (`/api/v1/…`) of argilla-server 2.8 (`../shared/argilla-2x-users-api.md` §2).
//!
//! | method | path                                              | handler                       |
//! |--------|---------------------------------------------------|-------------------------------|
//! | GET    | `/api/v1/version`, `/status`                      | [`info::version`], [`info::status`] |
//! | POST   | `/api/v1/token` (form)                            | [`security::token`]           |
//! | GET    | `/api/v1/me/datasets`                             | [`datasets::mine`] (always empty) |
//! | GET    | `/api/v1/me`                                      | [`users::me`]                 |
//! | GET    | `/api/v1/users/{user_id}`                         | [`users::get`]                |
//! | GET    | `/api/v1/users`                                   | [`users::list`]               |
//! | POST   | `/api/v1/users`                                   | [`users::create`]             |
//! | DELETE | `/api/v1/users/{user_id}`                         | [`users::delete`]             |
//! | PATCH  | `/api/v1/users/{user_id}`                         | [`users::update`]             |
//! | GET    | `/api/v1/users/{user_id}/workspaces`              | [`users::workspaces`]         |
//! | GET    | `/api/v1/workspaces/{workspace_id}`               | [`workspaces::get`]           |
//! | POST   | `/api/v1/workspaces`                              | [`workspaces::create`]        |
//! | DELETE | `/api/v1/workspaces/{workspace_id}`               | [`workspaces::delete`]        |
//! | GET    | `/api/v1/me/workspaces`                           | [`workspaces::mine`]          |
//! | GET    | `/api/v1/workspaces/{workspace_id}/users`         | [`workspaces::members`]       |
//! | POST   | `/api/v1/workspaces/{workspace_id}/users`         | [`workspaces::add_member`]    |
//! | DELETE | `/api/v1/workspaces/{workspace_id}/users/{user_id}` | [`workspaces::remove_member`] |
//! | GET    | `/api/v1/oauth2/providers`, `/api/v1/settings`    | [`info`]                      |
//!
//! Creates answer 201; lists are `{"items": […]}`; domain errors are plain `{"detail": "…"}`;
//! validation errors pydantic 2's items in Argilla's envelope. The routes are listed in the
//! real server's order, which decides the `allow` header of a 405 (see [`fallback`]).

mod datasets;
mod extract;
pub mod fallback;
mod info;
mod schemas;
mod security;
pub mod shapes;
mod users;
mod workspaces;

use axum::Json;

use super::bodies::Items;
use super::routes::RouteTable;
use crate::error::ApiResult;
use crate::models::UserRecord;
use crate::policy::sees_every_workspace;
use crate::state::AppState;
use shapes::Workspace;

/// The OpenAPI document of these routes, served where argilla-server 2.8 serves its own,
/// `/api/v1/openapi.json`.
pub const OPENAPI_JSON: &str = include_str!("openapi.json");

pub fn routes() -> RouteTable {
    RouteTable::new()
        .get("/api/v1/version", info::version)
        .get("/api/v1/status", info::status)
        .post("/api/v1/token", security::token)
        .get("/api/v1/me/datasets", datasets::mine)
        .get("/api/v1/me", users::me)
        .get("/api/v1/users/{user_id}", users::get)
        .get("/api/v1/users", users::list)
        .post("/api/v1/users", users::create)
        .delete("/api/v1/users/{user_id}", users::delete)
        .patch("/api/v1/users/{user_id}", users::update)
        .get("/api/v1/users/{user_id}/workspaces", users::workspaces)
        .get("/api/v1/workspaces/{workspace_id}", workspaces::get)
        .post("/api/v1/workspaces", workspaces::create)
        .delete("/api/v1/workspaces/{workspace_id}", workspaces::delete)
        .get("/api/v1/me/workspaces", workspaces::mine)
        .get(
            "/api/v1/workspaces/{workspace_id}/users",
            workspaces::members,
        )
        .post(
            "/api/v1/workspaces/{workspace_id}/users",
            workspaces::add_member,
        )
        .delete(
            "/api/v1/workspaces/{workspace_id}/users/{user_id}",
            workspaces::remove_member,
        )
        .get("/api/v1/oauth2/providers", info::oauth2_providers)
        .get("/api/v1/settings", info::settings)
}

/// A user's workspaces as 2.x lists them: an owner's are all of them, oldest first; anyone
/// else's, those it belongs to, oldest workspace first.
async fn workspaces_json(state: &AppState, user: &UserRecord) -> ApiResult<Json<Items<Workspace>>> {
    let workspaces = if sees_every_workspace(user) {
        state.db.list_workspaces().await?
    } else {
        state.db.workspaces_of(&user.id).await?
    };
    Ok(Json(workspaces.iter().map(Workspace::from).collect()))
}
