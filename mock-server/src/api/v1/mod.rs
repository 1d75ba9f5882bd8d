//! The v1 API (`/api/v1/…`) endpoints that Argilla 1.13+ clients call for users.
//!
//! | method | path                                    | handler                      |
//! |--------|-----------------------------------------|------------------------------|
//! | GET    | `/api/v1/me/workspaces`                 | [`workspaces::mine`]         |
//! | GET    | `/api/v1/users/{user_id}/workspaces`    | [`workspaces::of_user`]      |
//! | GET    | `/api/v1/workspaces/{workspace_id}`     | [`workspaces::get`]          |
//! | DELETE | `/api/v1/workspaces/{workspace_id}`     | [`workspaces::delete`]       |
//!
//! Unlike v0, v1 not-found errors are plain strings: `{"detail":"User with id `…` not found"}`.

mod workspaces;

use super::routes::RouteTable;

pub fn routes() -> RouteTable {
    RouteTable::new()
        .get("/api/v1/me/workspaces", workspaces::mine)
        .get("/api/v1/users/{user_id}/workspaces", workspaces::of_user)
        .get("/api/v1/workspaces/{workspace_id}", workspaces::get)
        .delete("/api/v1/workspaces/{workspace_id}", workspaces::delete)
}
