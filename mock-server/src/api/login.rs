//! What both generations' login routes share: checking a username's password, and the token
//! answer.

use serde_json::{json, Value};

use crate::error::ApiResult;
use crate::security::verify_password;
use crate::state::AppState;

/// Whether `password` is the user's; `false` for an unknown user.
pub async fn password_matches(
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

/// `{"access_token", "token_type": "bearer"}` for `username`.
pub fn token_answer(state: &AppState, username: &str) -> ApiResult<Value> {
    let token = state.tokens.issue(username).map_err(anyhow::Error::from)?;
    Ok(json!({ "access_token": token, "token_type": "bearer" }))
}
