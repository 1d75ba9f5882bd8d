//! Argilla 2.x: the API (`/api/v1/…`) of argilla-server 2.8 (`../shared/argilla-2x-users-api.md` §2).
//!
//! | method | path (under `/api/v1`)                            | handler                        |
//! |--------|-----------------------------------------------------|--------------------------------|
//! | GET    | `/version`, `/status`                               | [`info::version`], [`info::status`] |
//! | POST   | `/token` (form)                                     | [`security::token`]            |
//! | GET    | `/me/datasets`                                      | [`datasets::mine`]             |
//! | GET    | `/datasets/{dataset_id}/fields`                     | [`fields::list`]               |
//! | GET    | `/datasets/{dataset_id}/vectors-settings`           | [`vectors_settings::list`]     |
//! | GET    | `/me/datasets/{dataset_id}/metadata-properties`     | [`metadata_properties::list_mine`] |
//! | GET    | `/datasets/{dataset_id}`                            | [`datasets::get`]              |
//! | GET    | `/me/datasets/{dataset_id}/metrics`                 | [`datasets::my_metrics`]       |
//! | GET    | `/datasets/{dataset_id}/progress`                   | [`datasets::progress`]         |
//! | GET    | `/datasets/{dataset_id}/users/progress`             | [`datasets::users_progress`]   |
//! | POST   | `/datasets`                                         | [`datasets::create`]           |
//! | POST   | `/datasets/{dataset_id}/fields`                     | [`fields::create`]             |
//! | POST   | `/datasets/{dataset_id}/metadata-properties`        | [`metadata_properties::create`] |
//! | POST   | `/datasets/{dataset_id}/vectors-settings`           | [`vectors_settings::create`]   |
//! | PUT    | `/datasets/{dataset_id}/publish`                    | [`datasets::publish`]          |
//! | DELETE | `/datasets/{dataset_id}`                            | [`datasets::delete`]           |
//! | PATCH  | `/datasets/{dataset_id}`                            | [`datasets::update`]           |
//! | GET    | `/datasets/{dataset_id}/questions`                  | [`questions::list`]            |
//! | POST   | `/datasets/{dataset_id}/questions`                  | [`questions::create`]          |
//! | PATCH  | `/fields/{field_id}`                                | [`fields::update`]             |
//! | DELETE | `/fields/{field_id}`                                | [`fields::delete`]             |
//! | PATCH  | `/questions/{question_id}`                          | [`questions::update`]          |
//! | DELETE | `/questions/{question_id}`                          | [`questions::delete`]          |
//! | GET    | `/metadata-properties/{metadata_property_id}/metrics` | [`metadata_properties::metrics`] |
//! | PATCH  | `/metadata-properties/{metadata_property_id}`       | [`metadata_properties::update`] |
//! | DELETE | `/metadata-properties/{metadata_property_id}`       | [`metadata_properties::delete`] |
//! | GET    | `/me`                                               | [`users::me`]                  |
//! | GET    | `/users/{user_id}`                                  | [`users::get`]                 |
//! | GET    | `/users`                                            | [`users::list`]                |
//! | POST   | `/users`                                            | [`users::create`]              |
//! | DELETE | `/users/{user_id}`                                  | [`users::delete`]              |
//! | PATCH  | `/users/{user_id}`                                  | [`users::update`]              |
//! | GET    | `/users/{user_id}/workspaces`                       | [`users::workspaces`]          |
//! | PATCH  | `/vectors-settings/{vector_settings_id}`            | [`vectors_settings::update`]   |
//! | DELETE | `/vectors-settings/{vector_settings_id}`            | [`vectors_settings::delete`]   |
//! | GET    | `/workspaces/{workspace_id}`                        | [`workspaces::get`]            |
//! | POST   | `/workspaces`                                       | [`workspaces::create`]         |
//! | DELETE | `/workspaces/{workspace_id}`                        | [`workspaces::delete`]         |
//! | GET    | `/me/workspaces`                                    | [`workspaces::mine`]           |
//! | GET    | `/workspaces/{workspace_id}/users`                  | [`workspaces::members`]        |
//! | POST   | `/workspaces/{workspace_id}/users`                  | [`workspaces::add_member`]     |
//! | DELETE | `/workspaces/{workspace_id}/users/{user_id}`        | [`workspaces::remove_member`]  |
//! | GET    | `/oauth2/providers`, `/settings`                    | [`info`]                       |
//!
//! Creates answer 201; lists are `{"items": […]}`; domain errors are plain `{"detail": "…"}`;
//! validation errors pydantic 2's items in Argilla's envelope. The routes are listed in the
//! real server's order, which decides the `allow` header of a 405 (see [`fallback`]).

mod datasets;
mod extract;
pub mod fallback;
mod fields;
mod info;
mod metadata_properties;
mod questions;
mod records;
mod records_bulk;
mod responses;
pub(crate) mod schemas;
mod search;
mod security;
pub mod shapes;
mod suggestions;
mod users;
pub(crate) mod validators;
mod vectors_settings;
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
    const DATASET: &str = "/api/v1/datasets/{dataset_id}";
    const RECORDS: &str = "/api/v1/datasets/{dataset_id}/records";
    const RECORDS_BULK: &str = "/api/v1/datasets/{dataset_id}/records/bulk";
    const RECORD: &str = "/api/v1/records/{record_id}";
    const RECORD_SUGGESTIONS: &str = "/api/v1/records/{record_id}/suggestions";
    RouteTable::new()
        .get("/api/v1/version", info::version)
        .get("/api/v1/status", info::status)
        .post("/api/v1/token", security::token)
        // argilla-server's datasets router, in its order.
        .get("/api/v1/me/datasets", datasets::mine)
        .get("/api/v1/datasets/{dataset_id}/fields", fields::list)
        .get(
            "/api/v1/datasets/{dataset_id}/vectors-settings",
            vectors_settings::list,
        )
        .get(
            "/api/v1/me/datasets/{dataset_id}/metadata-properties",
            metadata_properties::list_mine,
        )
        .get(DATASET, datasets::get)
        .get(
            "/api/v1/me/datasets/{dataset_id}/metrics",
            datasets::my_metrics,
        )
        .get("/api/v1/datasets/{dataset_id}/progress", datasets::progress)
        .get(
            "/api/v1/datasets/{dataset_id}/users/progress",
            datasets::users_progress,
        )
        .post("/api/v1/datasets", datasets::create)
        .post("/api/v1/datasets/{dataset_id}/fields", fields::create)
        .post(
            "/api/v1/datasets/{dataset_id}/metadata-properties",
            metadata_properties::create,
        )
        .post(
            "/api/v1/datasets/{dataset_id}/vectors-settings",
            vectors_settings::create,
        )
        .put("/api/v1/datasets/{dataset_id}/publish", datasets::publish)
        .delete(DATASET, datasets::delete)
        .patch(DATASET, datasets::update)
        .get("/api/v1/datasets/{dataset_id}/questions", questions::list)
        .post("/api/v1/datasets/{dataset_id}/questions", questions::create)
        .get(RECORDS, records::list)
        .delete(RECORDS, records::delete_many)
        .post(
            "/api/v1/me/datasets/{dataset_id}/records/search",
            search::mine,
        )
        .post("/api/v1/datasets/{dataset_id}/records/search", search::all)
        .get(
            "/api/v1/datasets/{dataset_id}/records/search/suggestions/options",
            suggestions::search_options,
        )
        .post(RECORDS_BULK, records_bulk::create)
        .put(RECORDS_BULK, records_bulk::upsert)
        .patch("/api/v1/fields/{field_id}", fields::update)
        .delete("/api/v1/fields/{field_id}", fields::delete)
        .patch("/api/v1/questions/{question_id}", questions::update)
        .delete("/api/v1/questions/{question_id}", questions::delete)
        .get(
            "/api/v1/metadata-properties/{metadata_property_id}/metrics",
            metadata_properties::metrics,
        )
        .patch(
            "/api/v1/metadata-properties/{metadata_property_id}",
            metadata_properties::update,
        )
        .delete(
            "/api/v1/metadata-properties/{metadata_property_id}",
            metadata_properties::delete,
        )
        // argilla-server's records router, then its responses and suggestions routers.
        .get(RECORD, records::get)
        .patch(RECORD, records::update)
        .post("/api/v1/records/{record_id}/responses", responses::create)
        .get(RECORD_SUGGESTIONS, suggestions::list)
        .put(RECORD_SUGGESTIONS, suggestions::upsert)
        .delete(RECORD_SUGGESTIONS, suggestions::delete_many)
        .delete(RECORD, records::delete)
        .post("/api/v1/me/responses/bulk", responses::bulk)
        .put("/api/v1/responses/{response_id}", responses::update)
        .delete("/api/v1/responses/{response_id}", responses::delete)
        .delete("/api/v1/suggestions/{suggestion_id}", suggestions::delete)
        .get("/api/v1/me", users::me)
        .get("/api/v1/users/{user_id}", users::get)
        .get("/api/v1/users", users::list)
        .post("/api/v1/users", users::create)
        .delete("/api/v1/users/{user_id}", users::delete)
        .patch("/api/v1/users/{user_id}", users::update)
        .get("/api/v1/users/{user_id}/workspaces", users::workspaces)
        .patch(
            "/api/v1/vectors-settings/{vector_settings_id}",
            vectors_settings::update,
        )
        .delete(
            "/api/v1/vectors-settings/{vector_settings_id}",
            vectors_settings::delete,
        )
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
