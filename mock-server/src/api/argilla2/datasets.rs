//! `GET /api/v1/me/datasets`: the datasets a caller can see. The mock has no datasets (it serves
//! users and workspaces), so the list is always empty; the query and the policy are checked as
//! the real server checks them.

use axum::extract::{Query, State};
use axum::Json;
use serde_json::{json, Value};

use super::extract::Caller;
use crate::error::{ApiError, ApiResult};
use crate::policy::require_owner_or_member;
use crate::python::last_value;
use crate::python::pydantic2::{parse_uuid2, ErrorItem2};
use crate::state::AppState;

/// `?workspace_id=&name=&status=` (each optional; the last one given counts).
pub async fn mine(
    State(state): State<AppState>,
    Caller(me): Caller,
    Query(query): Query<Vec<(String, String)>>,
) -> ApiResult<Json<Value>> {
    let last = |name: &str| last_value(&query, name).map(String::as_str);
    let mut errors = Vec::new();
    let workspace_id = match last("workspace_id").map(parse_uuid2) {
        None => None,
        Some(Ok(id)) => Some(id.hyphenated().to_string()),
        Some(Err(problem)) => {
            errors.push(problem.at(vec!["query".into(), "workspace_id".into()]));
            None
        }
    };
    if let Some(status) = last("status") {
        if !matches!(status, "draft" | "ready") {
            errors.push(ErrorItem2::new(
                "enum",
                vec!["query".into(), "status".into()],
                "Input should be 'draft' or 'ready'",
            ));
        }
    }
    if !errors.is_empty() {
        return Err(ApiError::ValidationV2(errors));
    }
    if let Some(workspace_id) = workspace_id {
        require_owner_or_member(&state, &me, &workspace_id).await?;
    }
    Ok(Json(json!({ "items": [] })))
}
