//! `POST /api/security/token`: the web UI's login form, answered with a bearer JWT.

use axum::extract::State;
use axum::Json;
use serde_json::{json, Value};

use super::schemas::login_form;
use crate::error::{ApiError, ApiResult};
use crate::extract::FormBody;
use crate::security::verify_password;
use crate::state::AppState;

/// Whether `password` is the user's; `false` for an unknown user. Shared by both generations'
/// login routes.
pub(crate) async fn password_matches(
    state: &AppState,
    username: &str,
    password: String,
) -> ApiResult<bool> {
    let hash = state.db.password_hash(username).await?;
    // bcrypt is slow by design (a cost-12 hash from a real Argilla takes ~250 ms): keep it off
    // the async workers.
    Ok(match hash {
        Some(hash) => tokio::task::spawn_blocking(move || verify_password(&password, &hash))
            .await
            .unwrap_or(false),
        None => false,
    })
}

pub async fn login(State(state): State<AppState>, form: FormBody) -> ApiResult<Json<Value>> {
    let (username, password) = login_form(&form)?;
    match password_matches(&state, &username, password).await? {
        true => {
            let token = state.tokens.issue(&username).map_err(anyhow::Error::from)?;
            Ok(Json(
                json!({ "access_token": token, "token_type": "bearer" }),
            ))
        }
        false => Err(ApiError::Unauthorized),
    }
}
