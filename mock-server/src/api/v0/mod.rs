//! The v0 API (`/api/…`) of Argilla 1.14.
//!
//! | method | path                                      | handler                    |
//! |--------|-------------------------------------------|----------------------------|
//! | GET    | `/api/me`                                 | [`users::me`]              |
//! | GET    | `/api/users`                              | [`users::list`]            |
//! | POST   | `/api/users`                              | [`users::create`]          |
//! | DELETE | `/api/users/{user_id}`                    | [`users::delete`]          |
//! | GET    | `/api/_info`, `/api/_status`              | [`info`]                   |
//! | POST   | `/api/security/token`                     | [`security::login`]        |
//! | GET    | `/api/workspaces`                         | [`workspaces::list`]       |
//! | POST   | `/api/workspaces`                         | [`workspaces::create`]     |
//! | GET    | `/api/workspaces/{workspace_id}/users`    | [`workspaces::members`]    |
//! | POST   | `/api/workspaces/{workspace_id}/users/{user_id}` | [`workspaces::add_member`] |
//! | DELETE | `/api/workspaces/{workspace_id}/users/{user_id}` | [`workspaces::remove_member`] |

mod info;
mod schemas;
mod security;
mod users;
mod workspaces;

use axum::routing::{delete, get, post};
use axum::Router;

use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/me", get(users::me))
        .route("/users", get(users::list).post(users::create))
        .route("/users/{user_id}", delete(users::delete))
        .route("/_info", get(info::info))
        .route("/_status", get(info::status))
        .route("/security/token", post(security::login))
        .route(
            "/workspaces",
            get(workspaces::list).post(workspaces::create),
        )
        .route("/workspaces/{workspace_id}/users", get(workspaces::members))
        .route(
            "/workspaces/{workspace_id}/users/{user_id}",
            post(workspaces::add_member).delete(workspaces::remove_member),
        )
}
