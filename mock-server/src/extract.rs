//! Request extractors: the caller's identity and bodies, each failing with the real server's
//! status and body (path ids: `api::path_ids`).
//!
//! Handlers list them in the order the real server checks: credentials first (401), then path
//! and body (422); role checks (403) happen inside the handlers, after validation.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE};
use axum::http::request::Parts;
use axum::http::HeaderMap;
use percent_encoding::percent_decode_str;
use serde_json::json;

use crate::error::ApiError;
use crate::models::UserRecord;
use crate::python::json::{loads, JsonDecodeError, LoadError, PyValue};
use crate::python::pydantic::{ErrorItem, LocPart};
use crate::state::AppState;

/// The header carrying an API key (header names are case-insensitive).
pub const API_KEY_HEADER: &str = "x-argilla-api-key";

/// The authenticated caller.
///
/// Argilla 1.x's rule: a non-empty `X-Argilla-Api-Key` decides alone (a wrong key is 401 even with a valid bearer
/// token). Without one, `Authorization: Bearer <JWT from /api/security/token>` is tried.
#[derive(Debug, Clone)]
pub struct CurrentUser(pub Arc<UserRecord>);

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        authenticate(state, &parts.headers).await.map(CurrentUser)
    }
}

/// The user the request's credentials name, or 401.
pub async fn authenticate(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<Arc<UserRecord>, ApiError> {
    let api_key = headers
        .get(API_KEY_HEADER)
        .map(|v| v.as_bytes())
        .filter(|v| !v.is_empty());
    let user = match api_key {
        Some(key) => match std::str::from_utf8(key) {
            Ok(key) => state.db.user_by_api_key(key).await?,
            Err(_) => None,
        },
        None => match bearer_token(headers).and_then(|t| state.tokens.verify(t)) {
            Some(username) => state.db.user_by_username(&username).await?,
            None => None,
        },
    };
    user.ok_or(ApiError::Unauthorized)
}

/// A JSON body and the caller, in the real server's order: FastAPI reads and decodes the body
/// before anything else (so malformed JSON is a 422, and an unreadable body a 400, even without
/// credentials), then authenticates (401); the handler validates the body's fields after that
/// (so `401` beats a body that is valid JSON but an invalid model).
#[derive(Debug)]
pub struct UserAndBody {
    pub user: Arc<UserRecord>,
    pub body: JsonBody,
}

impl FromRequest<AppState> for UserAndBody {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, ApiError> {
        let headers = req.headers().clone();
        let body = JsonBody::from_request(req, state).await?;
        let user = authenticate(state, &headers).await?;
        Ok(UserAndBody { user, body })
    }
}

/// The token of an `Authorization: Bearer …` header (scheme case-insensitive, as Starlette).
pub(crate) fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// A route's `{name}` parameters and their values in the request's path, in the route's order.
/// Segments are matched to the template by position from the end (so a prefix the URI has and
/// the template lacks does not shift them), and percent-decoded lossily as uvicorn does (so
/// `%FF` is a malformed id, 422, not an unroutable path).
pub(crate) fn path_params<'t>(template: &'t str, path: &str) -> Vec<(&'t str, String)> {
    let mut params: Vec<(&str, String)> = template
        .rsplit('/')
        .zip(path.rsplit('/'))
        .filter_map(|(pattern, raw)| {
            let name = pattern.strip_prefix('{')?.strip_suffix('}')?;
            Some((
                name,
                percent_decode_str(raw).decode_utf8_lossy().into_owned(),
            ))
        })
        .collect();
    params.reverse();
    params
}

/// A request body as FastAPI hands it to a JSON model.
#[derive(Debug)]
pub enum JsonBody {
    /// No body at all.
    Missing,
    /// A body sent as JSON (no content type, `application/json` or `application/*+json`).
    Json(PyValue),
    /// A body of another content type: FastAPI passes the raw bytes, which no model accepts.
    Raw,
}

impl JsonBody {
    /// The decoded value, for model validation (`None` when there is none).
    pub fn value(&self) -> Option<&PyValue> {
        match self {
            JsonBody::Json(v) => Some(v),
            JsonBody::Missing => None,
            // Raw bytes fail `dict()`, as any non-iterable does.
            JsonBody::Raw => Some(&RAW_BYTES),
        }
    }
}

static RAW_BYTES: PyValue = PyValue::Bool(false);

/// Why a body could not be decoded: each API generation words it its own way.
#[derive(Debug)]
pub enum BodyProblem {
    /// `json.loads` raised `JSONDecodeError`: a 422 with the position.
    Syntax(JsonDecodeError),
    /// Not UTF-8, too deep, too long a number: FastAPI's 400.
    Unreadable,
}

impl JsonBody {
    /// Reads and decodes a body as FastAPI does for a JSON model.
    pub async fn read<S: Send + Sync>(req: Request, state: &S) -> Result<JsonBody, BodyProblem> {
        // No content type (or an empty one) means JSON to FastAPI.
        let is_json = match req.headers().get(CONTENT_TYPE) {
            None => true,
            Some(value) if value.is_empty() => true,
            Some(value) => is_json_content_type(value.to_str().unwrap_or("")),
        };
        let bytes = read_body(req, state)
            .await
            .map_err(|_| BodyProblem::Unreadable)?;
        if bytes.is_empty() {
            return Ok(JsonBody::Missing);
        }
        if !is_json {
            return Ok(JsonBody::Raw);
        }
        // `json.loads(bytes)` drops a UTF-8 BOM; undecodable bytes are not a JSON error but
        // a 400 in FastAPI.
        let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&bytes);
        let text = std::str::from_utf8(bytes).map_err(|_| BodyProblem::Unreadable)?;
        match decode(text.to_owned()).await {
            Ok(value) => Ok(JsonBody::Json(value)),
            Err(LoadError::TooDeep | LoadError::TooManyDigits) => Err(BodyProblem::Unreadable),
            Err(LoadError::Syntax(e)) => Err(BodyProblem::Syntax(e)),
        }
    }
}

impl<S: Send + Sync> FromRequest<S> for JsonBody {
    type Rejection = ApiError;

    /// The 1.x answers: pydantic v1's `value_error.jsondecode` item, or the 400.
    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        JsonBody::read(req, state)
            .await
            .map_err(|problem| match problem {
                BodyProblem::Unreadable => body_parse_error(),
                BodyProblem::Syntax(e) => ApiError::Validation(vec![ErrorItem::new(
                    vec!["body".into(), LocPart::Index(e.pos)],
                    e.to_string(),
                    "value_error.jsondecode",
                    Some(json!({
                        "msg": e.msg,
                        "doc": e.doc,
                        "pos": e.pos,
                        "lineno": e.lineno(),
                        "colno": e.colno(),
                    })),
                )]),
            })
    }
}

/// `application/json` or `application/<anything>+json`, parameters ignored, any case.
pub fn is_json_content_type(value: &str) -> bool {
    let essence = value
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    match essence.split_once('/') {
        Some(("application", subtype)) => subtype == "json" || subtype.ends_with("+json"),
        _ => false,
    }
}

/// `application/x-www-form-urlencoded`, parameters ignored, any case.
pub fn is_form_content_type(value: &str) -> bool {
    value
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .eq_ignore_ascii_case("application/x-www-form-urlencoded")
}

/// A url-encoded form body as a list of fields (empty for any other content type, as
/// Starlette's `request.form()` gives for a JSON body).
#[derive(Debug)]
pub struct FormBody(pub Vec<(String, String)>);

impl FormBody {
    /// The last value given for `name`, as Starlette's form mapping returns.
    pub fn get(&self, name: &str) -> Option<&str> {
        crate::python::last_value(&self.0, name).map(String::as_str)
    }
}

impl<S: Send + Sync> FromRequest<S> for FormBody {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let is_form = req
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(is_form_content_type);
        let bytes = read_body(req, state).await?;
        if !is_form {
            return Ok(FormBody(Vec::new()));
        }
        let fields = serde_urlencoded::from_bytes::<Vec<(String, String)>>(&bytes)
            .map_err(|_| body_parse_error())?;
        Ok(FormBody(fields))
    }
}

/// The body, already read and bounded by the control layer (so this cannot be too large).
async fn read_body<S: Send + Sync>(req: Request, state: &S) -> Result<Bytes, ApiError> {
    Bytes::from_request(req, state)
        .await
        .map_err(|_: BytesRejection| body_parse_error())
}

/// Decodes a body; one that may nest deeply is decoded on a thread with a large stack, since the
/// decoder recurses once per level (up to `MAX_DEPTH`) and async worker stacks are small.
async fn decode(text: String) -> Result<PyValue, LoadError> {
    let openings = text.bytes().filter(|b| matches!(b, b'[' | b'{')).count();
    if openings <= 64 {
        return loads(&text);
    }
    let (tx, rx) = tokio::sync::oneshot::channel();
    let spawned = std::thread::Builder::new()
        .name("json-decode".into())
        .stack_size(64 * 1024 * 1024)
        .spawn(move || {
            let _ = tx.send(loads(&text));
        });
    match spawned {
        Ok(_) => rx.await.unwrap_or(Err(LoadError::TooDeep)),
        Err(_) => Err(LoadError::TooDeep),
    }
}

/// FastAPI's answer to a body it could not read or decode (other than a JSON syntax error).
pub(crate) fn body_parse_error() -> ApiError {
    ApiError::BadRequestPlain("There was an error parsing the body".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_content_types_follow_fastapi() {
        for ok in [
            "application/json",
            "APPLICATION/JSON",
            "application/json; charset=utf-8",
            "application/vnd.api+json",
        ] {
            assert!(is_json_content_type(ok), "{ok}");
        }
        for not in [
            "text/json",
            "text/plain",
            "application/x-www-form-urlencoded",
            "",
        ] {
            assert!(!is_json_content_type(not), "{not}");
        }
    }
}
