//! The 2.x request extractors, in argilla-server 2.8's check order: the body is decoded first
//! (malformed JSON is 422 even without credentials), then the caller is authenticated (401),
//! then path, query and body are validated together (422 with every error: path first).

use std::sync::Arc;

use axum::extract::{FromRequest, FromRequestParts, MatchedPath, Request};
use axum::http::request::Parts;
use axum::http::HeaderMap;
use uuid::Uuid;

use crate::error::ApiError;
use crate::extract::{
    bearer_token, body_parse_error, path_params, BodyProblem, JsonBody, API_KEY_HEADER,
};
use crate::models::UserRecord;
use crate::python::pydantic2::{parse_uuid2, ErrorItem2};
use crate::state::AppState;

/// The authenticated caller, by 2.x's rules.
#[derive(Debug, Clone)]
pub struct Caller(pub Arc<UserRecord>);

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        authenticate(state, &parts.headers).await.map(Caller)
    }
}

/// The backends in 2.8's order: an `X-Argilla-Api-Key` that names a user; else a bearer JWT
/// (one that does not verify is `Invalid token`, even when it is an API key); else 401. Unlike
/// 1.x, an unknown key does not decide: a valid token after it still authenticates.
async fn authenticate(state: &AppState, headers: &HeaderMap) -> Result<Arc<UserRecord>, ApiError> {
    let key = headers
        .get(API_KEY_HEADER)
        .and_then(|v| std::str::from_utf8(v.as_bytes()).ok())
        .filter(|k| !k.is_empty());
    if let Some(key) = key {
        if let Some(user) = state.db.user_by_api_key(key).await? {
            return Ok(user);
        }
    }
    let Some(token) = bearer_token(headers) else {
        return Err(ApiError::Unauthorized);
    };
    let username = state.tokens.verify(token).ok_or(ApiError::InvalidToken)?;
    state
        .db
        .user_by_username(&username)
        .await?
        .ok_or(ApiError::Unauthorized)
}

/// The route's UUID path parameters, in order, or the errors of the malformed ones (pydantic
/// 2's `uuid_parsing`, at `["path", name]`).
fn path_ids(parts: &Parts) -> Result<Vec<Uuid>, Vec<ErrorItem2>> {
    let Some(template) = parts.extensions.get::<MatchedPath>() else {
        return Ok(Vec::new());
    };
    let params = path_params(template.as_str(), parts.uri.path());
    let mut ids = Vec::new();
    let mut errors = Vec::new();
    for (name, value) in params {
        match parse_uuid2(&value) {
            Ok(id) => ids.push(id),
            Err((kind, msg)) => {
                errors.push(ErrorItem2::new(kind, vec!["path".into(), name.into()], msg))
            }
        }
    }
    if errors.is_empty() {
        Ok(ids)
    } else {
        Err(errors)
    }
}

/// The path's UUIDs, for a route without a body: 422 when any is malformed. List it after
/// [`Caller`], so 401 comes first.
#[derive(Debug)]
pub struct Ids(pub Vec<Uuid>);

impl Ids {
    /// The `i`-th id, canonical (lower-case, hyphenated).
    pub fn text(&self, i: usize) -> String {
        self.0
            .get(i)
            .map(|u| u.hyphenated().to_string())
            .unwrap_or_default()
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Ids {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        path_ids(parts).map(Ids).map_err(ApiError::ValidationV2)
    }
}

/// For a route with a body: the body decoded, then the caller, then the path's ids (whose
/// errors the handler reports together with the body's).
#[derive(Debug)]
pub struct WithBody {
    pub caller: Arc<UserRecord>,
    pub ids: Result<Vec<Uuid>, Vec<ErrorItem2>>,
    pub body: JsonBody,
}

impl WithBody {
    /// The path ids, or 422 with the path's errors followed by `body_errors`.
    pub fn ids_or(&mut self, body_errors: Vec<ErrorItem2>) -> Result<Ids, ApiError> {
        let ids = std::mem::replace(&mut self.ids, Ok(Vec::new()));
        match (ids, body_errors.is_empty()) {
            (Ok(ids), true) => Ok(Ids(ids)),
            (Ok(_), false) => Err(ApiError::ValidationV2(body_errors)),
            (Err(mut errors), _) => {
                errors.extend(body_errors);
                Err(ApiError::ValidationV2(errors))
            }
        }
    }
}

impl FromRequest<AppState> for WithBody {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, ApiError> {
        let (parts, body) = req.into_parts();
        let ids = path_ids(&parts);
        let headers = parts.headers.clone();
        let req = Request::from_parts(parts, body);
        let body = JsonBody::read(req, state)
            .await
            .map_err(|problem| match problem {
                BodyProblem::Unreadable => body_parse_error(),
                BodyProblem::Syntax(e) => {
                    ApiError::ValidationV2(vec![ErrorItem2::json_invalid(e.pos)])
                }
            })?;
        let caller = authenticate(state, &headers).await?;
        Ok(WithBody { caller, ids, body })
    }
}
