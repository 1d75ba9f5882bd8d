//! Argilla 1.x, as the real 1.14 server serves it (`../shared/argilla-users-api.md`): the
//! `/api/…` routes and the few `/api/v1/…` ones 1.13+ clients call for users.
//!
//! | method | path                                             | handler                       |
//! |--------|--------------------------------------------------|-------------------------------|
//! | GET    | `/api/me`                                        | [`users::me`]                 |
//! | GET    | `/api/users`                                     | [`users::list`]               |
//! | POST   | `/api/users`                                     | [`users::create`]             |
//! | DELETE | `/api/users/{user_id}`                           | [`users::delete`]             |
//! | GET    | `/api/_info`, `/api/_status`                     | [`info`]                      |
//! | POST   | `/api/security/token`                            | [`security::login`]           |
//! | GET    | `/api/workspaces`                                | [`workspaces::list`]          |
//! | POST   | `/api/workspaces`                                | [`workspaces::create`]        |
//! | GET    | `/api/workspaces/{workspace_id}/users`           | [`workspaces::members`]       |
//! | POST   | `/api/workspaces/{workspace_id}/users/{user_id}` | [`workspaces::add_member`]    |
//! | DELETE | `/api/workspaces/{workspace_id}/users/{user_id}` | [`workspaces::remove_member`] |
//! | GET    | `/api/v1/me/workspaces`                          | [`workspaces::mine`]          |
//! | GET    | `/api/v1/users/{user_id}/workspaces`             | [`workspaces::of_user`]       |
//! | GET    | `/api/v1/workspaces/{workspace_id}`              | [`workspaces::get`]           |
//! | DELETE | `/api/v1/workspaces/{workspace_id}`              | [`workspaces::delete`]        |
//!
//! `/api/…` errors are Argilla's envelope; `/api/v1/…` not-found errors are plain strings
//! (`{"detail":"User with id `…` not found"}`, see `api::not_found`).

mod info;
mod schemas;
mod security;
pub mod shapes;
mod users;
mod workspaces;

use uuid::Uuid;

use super::path_ids::{IdDialect, PathIds};
use super::routes::RouteTable;
use crate::error::ApiError;
use crate::python::pydantic::ErrorItem;
use crate::python::uuid::parse_uuid;

/// The OpenAPI document of these routes, served where the real 1.14 server serves its own,
/// `/api/docs/spec.json`, and at `/openapi.json`.
pub const OPENAPI_JSON: &str = include_str!("openapi.json");

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

/// The `/api/v1/…` routes of 1.14 (under the default profile, 2.8 answers these paths instead).
pub fn v1_routes() -> RouteTable {
    RouteTable::new()
        .get("/api/v1/me/workspaces", workspaces::mine)
        .get("/api/v1/users/{user_id}/workspaces", workspaces::of_user)
        .get("/api/v1/workspaces/{workspace_id}", workspaces::get)
        .delete("/api/v1/workspaces/{workspace_id}", workspaces::delete)
}

/// Argilla 1.x's path ids: Python's lenient `uuid.UUID()`, refused with pydantic 1's item.
#[derive(Debug)]
pub struct PydanticV1Ids;

impl IdDialect for PydanticV1Ids {
    type Problem = ErrorItem;

    fn parse(name: &str, raw: &str) -> Result<Uuid, ErrorItem> {
        parse_uuid(raw).ok_or_else(|| {
            ErrorItem::new(
                vec!["path".into(), name.into()],
                "value is not a valid uuid",
                "type_error.uuid",
                None,
            )
        })
    }

    fn reject(problems: Vec<ErrorItem>) -> ApiError {
        ApiError::Validation(problems)
    }
}

/// A 1.x route's path ids.
pub type Ids = PathIds<PydanticV1Ids>;
