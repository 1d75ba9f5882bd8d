//! `POST /api/v1/token`: a bearer JWT for a username and password (form fields), 201.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde_json::Value;

use crate::api::login::{password_matches, token_answer};
use crate::error::{ApiError, ApiResult};
use crate::extract::FormBody;
use crate::python::pydantic2::ErrorItem2;
use crate::state::AppState;

pub async fn token(
    State(state): State<AppState>,
    form: FormBody,
) -> ApiResult<(StatusCode, Json<Value>)> {
    // Unlike 1.x's FastAPI, 2.8's keeps an empty form value: `password=` is a wrong password
    // (401), only a field left out is 422.
    let field = |name: &str| form.get(name).map(str::to_owned);
    let (username, password) = (field("username"), field("password"));
    let missing: Vec<ErrorItem2> = [("username", &username), ("password", &password)]
        .iter()
        .filter(|(_, value)| value.is_none())
        .map(|(name, _)| ErrorItem2::missing(vec!["body".into(), (*name).into()]))
        .collect();
    let (Some(username), Some(password)) = (username, password) else {
        return Err(ApiError::ValidationV2(missing));
    };
    if !password_matches(&state, &username, password).await? {
        return Err(ApiError::Unauthorized);
    }
    Ok((StatusCode::CREATED, Json(token_answer(&state, &username)?)))
}
