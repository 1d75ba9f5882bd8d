//! `POST /api/security/token`: the web UI's login form, answered with a bearer JWT.

use axum::extract::State;
use axum::Json;
use serde_json::{json, Value};

use super::schemas::login_form;
use crate::error::{ApiError, ApiResult};
use crate::extract::FormBody;
use crate::security::verify_password;
use crate::state::AppState;

pub async fn login(State(state): State<AppState>, form: FormBody) -> ApiResult<Json<Value>> {
    let (username, password) = login_form(&form)?;
    let hash = state.db.password_hash(&username).await?;
    match hash {
        Some(hash) if verify_password(&password, &hash) => {
            let token = state.tokens.issue(&username).map_err(anyhow::Error::from)?;
            Ok(Json(
                json!({ "access_token": token, "token_type": "bearer" }),
            ))
        }
        _ => Err(ApiError::Unauthorized),
    }
}
