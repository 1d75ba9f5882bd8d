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

pub(crate) use security::password_matches;
mod users;
mod workspaces;

use super::routes::RouteTable;

pub fn routes() -> RouteTable {
    RouteTable::new()
        .get("/api/me", users::me)
        .get("/api/users", users::list)
        .post("/api/users", users::create)
        .delete("/api/users/{user_id}", users::delete)
        .get("/api/_info", info::info)
        .get("/api/_status", info::status)
        .post("/api/security/token", security::login)
        .get("/api/workspaces", workspaces::list)
        .post("/api/workspaces", workspaces::create)
        .get("/api/workspaces/{workspace_id}/users", workspaces::members)
        .post(
            "/api/workspaces/{workspace_id}/users/{user_id}",
            workspaces::add_member,
        )
        .delete(
            "/api/workspaces/{workspace_id}/users/{user_id}",
            workspaces::remove_member,
        )
}
