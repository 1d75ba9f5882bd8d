//! The admin API under `/__mock/` (and `/ns/{name}/__mock/` for one namespace).
//!
//! | method | path                        | what                                                   |
//! |--------|-----------------------------|--------------------------------------------------------|
//! | POST   | `/__mock/reset`             | back to the fixtures                                   |
//! | PUT    | `/__mock/fixtures`          | replace the fixtures (fixture-file JSON) and reset     |
//! | GET    | `/__mock/state`             | users, workspaces, memberships, datasets with settings and record counts |
//! | POST   | `/__mock/faults`            | add a fault rule → `{"id": N}`                         |
//! | GET    | `/__mock/faults`            | the rules                                              |
//! | DELETE | `/__mock/faults`            | remove every rule                                      |
//! | DELETE | `/__mock/faults/{id}`       | remove one rule                                        |
//! | GET    | `/__mock/requests`          | the journal (`?method=&path=&since=`)                  |
//! | DELETE | `/__mock/requests`          | empty the journal                                      |
//! | GET    | `/__mock/namespaces`        | the namespaces opened so far                           |
//! | DELETE | `/__mock/namespaces/{name}` | close a namespace and free its database                |
//! | GET    | `/__mock/openapi.json`      | this API as an OpenAPI document                        |
//!
//! It needs no Argilla credentials and answers on the server's own address only; `--no-admin`
//! removes it. Bad requests get 422 `{"detail": "<what is wrong>"}`.

use std::sync::Arc;
use std::time::Instant;

use axum::body::Bytes;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post, put};
use axum::{Extension, Json, Router};
use serde_json::{json, Value};

use super::faults::FaultSpec;
use super::journal::{Instances, JournalQuery};
use super::{Instance, MockCore};
use crate::api::argilla1::shapes::User;
use crate::api::argilla2::shapes::{self, as_pydantic, Workspace};
use crate::db::Database;
use crate::fixtures::Fixtures;
use crate::models::datasets as models;

/// What an admin request addresses: the server and the instance (default or a namespace) its
/// path names. The dispatcher puts it in the request's extensions, so the router is built once.
#[derive(Debug, Clone)]
pub struct AdminTarget {
    pub core: Arc<MockCore>,
    pub instance: Arc<Instance>,
}

type Target = Extension<AdminTarget>;

/// An admin error, answered `{"detail": "<message>"}`.
#[derive(Debug, thiserror::Error)]
pub enum AdminError {
    #[error("Not Found")]
    UnknownPath,
    #[error("Method Not Allowed")]
    MethodNotAllowed,
    /// A request the admin API cannot act on (422).
    #[error("{0}")]
    Invalid(String),
    #[error("no fault rule with id {0}")]
    NoSuchFault(u64),
    #[error("no open namespace {0:?}")]
    NoSuchNamespace(String),
    /// An unexpected failure (500), logged with its cause.
    #[error("{0}")]
    Internal(String),
}

impl AdminError {
    fn status(&self) -> StatusCode {
        match self {
            AdminError::UnknownPath
            | AdminError::NoSuchFault(_)
            | AdminError::NoSuchNamespace(_) => StatusCode::NOT_FOUND,
            AdminError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            AdminError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AdminError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl IntoResponse for AdminError {
    fn into_response(self) -> Response {
        (self.status(), Json(json!({ "detail": self.to_string() }))).into_response()
    }
}

fn unprocessable(message: impl Into<String>) -> AdminError {
    AdminError::Invalid(message.into())
}

/// An unexpected failure: logged with its cause, answered 500 with the message.
fn internal(e: impl std::fmt::Display + std::fmt::Debug) -> AdminError {
    tracing::error!(error = ?e, "admin request failed");
    AdminError::Internal(e.to_string())
}

type AdminResult<T> = Result<T, AdminError>;

pub fn router() -> Router {
    Router::new()
        .route("/__mock/reset", post(reset))
        .route("/__mock/fixtures", put(replace_fixtures))
        .route("/__mock/state", get(dump_state))
        .route(
            "/__mock/faults",
            get(list_faults).post(add_fault).delete(clear_faults),
        )
        .route("/__mock/faults/{id}", delete(remove_fault))
        .route(
            "/__mock/requests",
            get(list_requests).delete(clear_requests),
        )
        .route("/__mock/namespaces", get(list_namespaces))
        .route("/__mock/namespaces/{name}", delete(close_namespace))
        .route("/__mock/openapi.json", get(openapi))
        .fallback(|| async { AdminError::UnknownPath })
        .method_not_allowed_fallback(|| async { AdminError::MethodNotAllowed })
}

/// `POST /__mock/reset` → `{"reset": true, "elapsed_us": …}`.
async fn reset(Extension(s): Target) -> AdminResult<Json<Value>> {
    let started = Instant::now();
    s.instance.reset().await.map_err(internal)?;
    Ok(Json(
        json!({ "reset": true, "elapsed_us": started.elapsed().as_micros() as u64 }),
    ))
}

/// `PUT /__mock/fixtures`: the body is a fixture file; it becomes what resets return to.
async fn replace_fixtures(Extension(s): Target, body: Bytes) -> AdminResult<Json<Value>> {
    let text = std::str::from_utf8(&body).map_err(|_| unprocessable("the body is not UTF-8"))?;
    // Ids the fixtures leave out come from a sequence of their own: drawing them from the API's
    // sequence, which a reset restarts, would hand the same ids out again to new users.
    let fixture_ids = s.instance.state.ids.for_namespace("\u{0}fixtures");
    let fixtures = Fixtures::from_json("request body", text, &fixture_ids)
        .map_err(|e| unprocessable(e.to_string()))?;
    let counts = json!({
        "users": fixtures.users.len(),
        "workspaces": fixtures.workspaces.len(),
        "datasets": fixtures.datasets.len(),
        "records": fixtures.datasets.iter().map(|d| d.records.len()).sum::<usize>(),
    });
    // The key the binary would announce for these fixtures: clients point the SDK at it.
    let api_key = fixtures.default_api_key().map(str::to_owned);
    s.instance
        .replace_fixtures(fixtures)
        .await
        .map_err(internal)?;
    Ok(Json(json!({ "loaded": counts, "api_key": api_key })))
}

/// `GET /__mock/state`: the data behind the API (without password hashes).
async fn dump_state(Extension(s): Target) -> AdminResult<Json<Value>> {
    let db = &s.instance.state.db;
    let snapshot = db.snapshot().await.map_err(internal)?;
    let users: Vec<User> = (snapshot.users.iter())
        .map(|u| User::linked(&snapshot, u))
        .collect();
    let workspaces = db.list_workspaces().await.map_err(internal)?;
    let memberships = db.list_memberships().await.map_err(internal)?;
    let mut datasets = Vec::new();
    for dataset in db.all_datasets().await.map_err(internal)? {
        datasets.push(dataset_state(db, &dataset).await.map_err(internal)?);
    }
    Ok(Json(json!({
        "namespace": s.instance.namespace,
        "users": users,
        "workspaces": workspaces.iter().map(Workspace::from).collect::<Vec<_>>(),
        "memberships": memberships.iter().map(|(workspace_id, user_id, inserted_at)| json!({
            "workspace_id": workspace_id, "user_id": user_id, "inserted_at": as_pydantic(inserted_at),
        })).collect::<Vec<_>>(),
        "datasets": datasets,
    })))
}

/// A dataset as `GET /api/v1/datasets/{id}` shows it, with its settings as their lists do.
async fn dataset_state(db: &Database, dataset: &models::Dataset) -> sqlx::Result<Value> {
    let fields: Vec<models::Field> = db.settings_of(&dataset.id).await?;
    let questions: Vec<models::Question> = db.settings_of(&dataset.id).await?;
    let properties: Vec<models::MetadataProperty> = db.settings_of(&dataset.id).await?;
    let vectors: Vec<models::VectorSettings> = db.settings_of(&dataset.id).await?;
    let mut state = json!(shapes::Dataset::from(dataset));
    state["fields"] = json!(fields.iter().map(shapes::Field::from).collect::<Vec<_>>());
    state["questions"] = json!(questions
        .iter()
        .map(shapes::Question::from)
        .collect::<Vec<_>>());
    state["metadata_properties"] = json!(properties
        .iter()
        .map(shapes::MetadataProperty::from)
        .collect::<Vec<_>>());
    state["vectors_settings"] = json!(vectors
        .iter()
        .map(shapes::VectorSettings::from)
        .collect::<Vec<_>>());
    // Records grow with the data: their number only.
    state["records"] = json!(db.record_count(&dataset.id).await?);
    Ok(state)
}

async fn add_fault(Extension(s): Target, body: Bytes) -> AdminResult<Json<Value>> {
    let spec: FaultSpec = serde_json::from_slice(&body)
        .map_err(|e| unprocessable(format!("invalid fault rule: {e}")))?;
    let id = (s.instance.faults.add(spec)).map_err(|e| unprocessable(e.to_string()))?;
    Ok(Json(json!({ "id": id })))
}

async fn list_faults(Extension(s): Target) -> Json<Value> {
    Json(json!({ "faults": s.instance.faults.list() }))
}

async fn clear_faults(Extension(s): Target) -> Json<Value> {
    s.instance.faults.clear();
    Json(json!({ "faults": [] }))
}

async fn remove_fault(Extension(s): Target, Path(id): Path<String>) -> AdminResult<Json<Value>> {
    let id: u64 = id
        .parse()
        .map_err(|_| unprocessable(format!("fault id {id:?} is not a number")))?;
    if s.instance.faults.remove(id) {
        Ok(Json(json!({ "removed": id })))
    } else {
        Err(AdminError::NoSuchFault(id))
    }
}

/// The journal entries of this instance's namespace.
async fn list_requests(
    Extension(s): Target,
    query: Result<Query<JournalQuery>, axum::extract::rejection::QueryRejection>,
) -> AdminResult<Json<Value>> {
    let Query(query) = query.map_err(|e| unprocessable(e.body_text()))?;
    let entries = s
        .core
        .journal
        .find(&query, Instances::one(s.instance.namespace.as_deref()));
    Ok(Json(json!({ "requests": entries })))
}

async fn clear_requests(Extension(s): Target) -> Json<Value> {
    (s.core.journal).clear(Instances::one(s.instance.namespace.as_deref()));
    Json(json!({ "requests": [] }))
}

async fn list_namespaces(Extension(s): Target) -> Json<Value> {
    Json(json!({ "namespaces": s.core.namespace_names() }))
}

/// `DELETE /__mock/namespaces/{name}`: closes a namespace; its next request opens a fresh one.
async fn close_namespace(
    Extension(s): Target,
    Path(name): Path<String>,
) -> AdminResult<Json<Value>> {
    if s.core.close_namespace(&name).await {
        Ok(Json(json!({ "closed": name })))
    } else {
        Err(AdminError::NoSuchNamespace(name))
    }
}

async fn openapi() -> Response {
    (
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        include_str!("openapi.json"),
    )
        .into_response()
}
