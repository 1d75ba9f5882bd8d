//! The 2.x request extractors, in argilla-server 2.8's check order: the body is decoded first
//! (malformed JSON is 422 even without credentials), then the caller is authenticated (401),
//! then path, query and body are validated together (422 with every error: path first).

use std::sync::Arc;

use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::HeaderMap;
use uuid::Uuid;

use super::schemas::{include, page, Page};
use crate::api::path_ids::{IdDialect, PathIds};
use crate::db::Include;
use crate::error::ApiError;
use crate::extract::{bearer_token, body_parse_error, BodyProblem, JsonBody, API_KEY_HEADER};
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

/// Argilla 2.x's path ids: pydantic 2's `uuid_parsing` at `["path", name]`.
#[derive(Debug)]
pub struct PydanticV2Ids;

impl IdDialect for PydanticV2Ids {
    type Problem = ErrorItem2;

    fn parse(name: &str, raw: &str) -> Result<Uuid, ErrorItem2> {
        parse_uuid2(raw).map_err(|problem| problem.at(vec!["path".into(), name.into()]))
    }

    fn reject(problems: Vec<ErrorItem2>) -> ApiError {
        ApiError::ValidationV2(problems)
    }
}

/// A 2.x route's path ids, for a route without a body: 422 when any is malformed. List it after
/// [`Caller`], so 401 comes first.
pub type Ids = PathIds<PydanticV2Ids>;

/// For a route with a body: the body decoded, then the caller, then the path's ids (whose
/// errors are reported together with the body's, see [`WithBody::validated`]).
#[derive(Debug)]
pub struct WithBody {
    pub caller: Arc<UserRecord>,
    ids: Result<Ids, Vec<ErrorItem2>>,
    body: JsonBody,
}

/// A request whose path ids and body are valid.
#[derive(Debug)]
pub struct Valid<T> {
    pub caller: Arc<UserRecord>,
    pub ids: Ids,
    pub body: T,
}

impl WithBody {
    /// The path ids and the body as `validate` reads it, or 422 with every error: the path's
    /// first, then the body's.
    pub fn validated<T>(
        self,
        validate: impl FnOnce(&JsonBody) -> Result<T, Vec<ErrorItem2>>,
    ) -> Result<Valid<T>, ApiError> {
        match (self.ids, validate(&self.body)) {
            (Ok(ids), Ok(body)) => Ok(Valid {
                caller: self.caller,
                ids,
                body,
            }),
            (Ok(_), Err(body_errors)) => Err(ApiError::ValidationV2(body_errors)),
            (Err(mut errors), body) => {
                errors.extend(body.err().unwrap_or_default());
                Err(ApiError::ValidationV2(errors))
            }
        }
    }
}

impl FromRequest<AppState> for WithBody {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, ApiError> {
        let (parts, body) = req.into_parts();
        let ids = Ids::parse(&parts);
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

/// For the record lists and searches, in argilla-server's order: the body decoded (searches),
/// then `include` (parsed by a dependency that refuses with a plain 422, before
/// authentication), then the caller, then path, query and body validated together.
#[derive(Debug)]
pub struct RecordsRequest {
    pub caller: Arc<UserRecord>,
    ids: Result<Ids, Vec<ErrorItem2>>,
    query: Vec<(String, String)>,
    pub include: Include,
    body: JsonBody,
}

/// A record list or search whose path, query and body are valid.
#[derive(Debug)]
pub struct RecordsQuery<T> {
    pub caller: Arc<UserRecord>,
    pub ids: Ids,
    pub include: Include,
    pub page: Page,
    pub body: T,
}

impl RecordsRequest {
    /// `offset_at_least_0`: the searches bound `offset`, the list does not.
    pub fn validated<T>(
        self,
        offset_at_least_0: bool,
        validate: impl FnOnce(&JsonBody) -> Result<T, Vec<ErrorItem2>>,
    ) -> Result<RecordsQuery<T>, ApiError> {
        let page = page(&self.query, offset_at_least_0);
        let body = validate(&self.body);
        match (self.ids, page, body) {
            (Ok(ids), Ok(page), Ok(body)) => Ok(RecordsQuery {
                caller: self.caller,
                ids,
                include: self.include,
                page,
                body,
            }),
            (ids, page, body) => {
                let mut errors = ids.err().unwrap_or_default();
                errors.extend(page.err().unwrap_or_default());
                errors.extend(body.err().unwrap_or_default());
                Err(ApiError::ValidationV2(errors))
            }
        }
    }
}

impl FromRequest<AppState> for RecordsRequest {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, ApiError> {
        let (parts, body) = req.into_parts();
        let ids = Ids::parse(&parts);
        let query = query_pairs(parts.uri.query());
        let headers = parts.headers.clone();
        let has_body = parts.method == axum::http::Method::POST;
        let body = if has_body {
            let req = Request::from_parts(parts, body);
            JsonBody::read(req, state)
                .await
                .map_err(|problem| match problem {
                    BodyProblem::Unreadable => body_parse_error(),
                    BodyProblem::Syntax(e) => {
                        ApiError::ValidationV2(vec![ErrorItem2::json_invalid(e.pos)])
                    }
                })?
        } else {
            JsonBody::Missing
        };
        let include = include(&query).map_err(ApiError::UnprocessablePlain)?;
        let caller = authenticate(state, &headers).await?;
        Ok(RecordsRequest {
            caller,
            ids,
            query,
            include,
            body,
        })
    }
}

/// The query string's pairs, decoded (a malformed one is no pair).
pub fn query_pairs(query: Option<&str>) -> Vec<(String, String)> {
    serde_urlencoded::from_str(query.unwrap_or("")).unwrap_or_default()
}
