//! `POST /api/security/token`: the web UI's login form, answered with a bearer JWT.

use axum::extract::State;
use axum::Json;
use serde_json::Value;

use super::schemas::login_form;
use crate::api::login::{password_matches, token_answer};
use crate::error::{ApiError, ApiResult};
use crate::extract::FormBody;
use crate::state::AppState;

pub async fn login(State(state): State<AppState>, form: FormBody) -> ApiResult<Json<Value>> {
    let (username, password) = login_form(&form)?;
    if !password_matches(&state, &username, password).await? {
        return Err(ApiError::Unauthorized);
    }
    Ok(Json(token_answer(&state, &username)?))
}
