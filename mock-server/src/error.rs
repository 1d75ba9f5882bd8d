//! The one error type of the API, rendered in the real Argilla server's error bodies.
//!
//! Most v0 errors use Argilla's envelope `{"detail":{"code":"argilla.api.errors::<Name>",
//! "params":{…}}}`; a few answers of the real server are FastAPI's plain `{"detail":"…"}`
//! (v1 not-found errors, 405, the unknown workspace on user creation). Each variant below is
//! one of those answers, and `status()` is the single place that maps them to status codes.
//! The mock's own answers on the API paths (a fault rule's, the namespace limit's) are
//! variants here too, so every API error body is made in this file.

use axum::http::header::{ALLOW, CONTENT_TYPE, RETRY_AFTER};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use crate::python::pydantic::ErrorItem;
use crate::python::pydantic2::ErrorItem2;

/// The kind of entity named in a not-found or already-exists error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entity {
    User,
    Workspace,
}

impl Entity {
    fn as_str(self) -> &'static str {
        match self {
            Entity::User => "User",
            Entity::Workspace => "Workspace",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// No credential, or one that matches no user (401 `UnauthorizedError`).
    #[error("could not validate credentials")]
    Unauthorized,
    /// The role policy refuses the action (403 `ForbiddenOperationError`).
    #[error("operation not allowed")]
    Forbidden,
    /// 404 `EntityNotFoundError`, as the v0 routes answer.
    #[error("{entity:?} {name} not found")]
    NotFound { entity: Entity, name: String },
    /// 404 with a plain-string detail, as the v1 routes answer.
    #[error("{0}")]
    NotFoundPlain(String),
    /// 409 `EntityAlreadyExistsError`.
    #[error("{entity:?} {name} already exists")]
    AlreadyExists { entity: Entity, name: String },
    /// 422 `ValidationError` with pydantic's error list.
    #[error("request validation failed")]
    Validation(Vec<ErrorItem>),
    /// 422 `ValidationError` with pydantic 2's items (Argilla 2.x).
    #[error("request validation failed")]
    ValidationV2(Vec<ErrorItem2>),
    /// 401 for a bearer token that does not verify (Argilla 2.x).
    #[error("invalid token")]
    InvalidToken,
    /// 409 with a plain-string detail (Argilla 2.x conflicts).
    #[error("{0}")]
    ConflictPlain(String),
    /// 405 naming the method the path does serve (Argilla 2.x sends `allow`).
    #[error("method not allowed; allowed: {0}")]
    MethodNotAllowedAllow(String),
    /// 422 with a plain-string detail (an error raised while creating a user).
    #[error("{0}")]
    UnprocessablePlain(String),
    /// 422 for a similarity search by a record without a vector in that space: the real
    /// server's own body, `{"code": "missing_vector", "message": …}`, without `detail`.
    #[error("{0}")]
    MissingVector(String),
    /// 400 with a plain-string detail (a body that is not text).
    #[error("{0}")]
    BadRequestPlain(String),
    /// 404 for a path no route serves.
    #[error("not found")]
    RouteNotFound,
    /// 405 for a method the path does not serve.
    #[error("method not allowed")]
    MethodNotAllowed,
    /// 413 for a body over the configured limit.
    #[error("request body too large")]
    PayloadTooLarge,
    /// The answer a fault rule gives instead of the normal one: its status and body as given.
    #[error("fault rule answer {status}")]
    Injected {
        status: StatusCode,
        body: Value,
        /// Seconds for `Retry-After`.
        retry_after: Option<u64>,
    },
    /// 503: a new namespace was asked for while the limit is open.
    #[error("the limit of {0} namespaces is reached")]
    TooManyNamespaces(usize),
    /// 400 `text/plain` for a method the real server's HTTP parser does not know.
    #[error("invalid HTTP request")]
    InvalidHttpRequest,
    /// A failure the real server has on purpose-free paths (a database constraint it does not
    /// check for, say), answered as it answers it: 500 `GenericServerError` naming the Python
    /// exception. Not logged: it is the expected answer.
    #[error("{python_type}: {message}")]
    RealServerFailure {
        python_type: &'static str,
        message: String,
    },
    /// Anything unexpected: logged, and answered as Argilla's `GenericServerError`.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<sqlx::Error> for ApiError {
    fn from(e: sqlx::Error) -> Self {
        ApiError::Internal(e.into())
    }
}

impl ApiError {
    pub fn user_not_found(id: impl ToString) -> Self {
        ApiError::NotFound {
            entity: Entity::User,
            name: id.to_string(),
        }
    }

    pub fn workspace_not_found(id: impl ToString) -> Self {
        ApiError::NotFound {
            entity: Entity::Workspace,
            name: id.to_string(),
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::Unauthorized | ApiError::InvalidToken => StatusCode::UNAUTHORIZED,
            ApiError::ConflictPlain(_) => StatusCode::CONFLICT,
            ApiError::Forbidden => StatusCode::FORBIDDEN,
            ApiError::NotFound { .. } | ApiError::NotFoundPlain(_) | ApiError::RouteNotFound => {
                StatusCode::NOT_FOUND
            }
            ApiError::AlreadyExists { .. } => StatusCode::CONFLICT,
            ApiError::Validation(_)
            | ApiError::ValidationV2(_)
            | ApiError::UnprocessablePlain(_)
            | ApiError::MissingVector(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::BadRequestPlain(_) | ApiError::InvalidHttpRequest => StatusCode::BAD_REQUEST,
            ApiError::Injected { status, .. } => *status,
            ApiError::TooManyNamespaces(_) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::MethodNotAllowed | ApiError::MethodNotAllowedAllow(_) => {
                StatusCode::METHOD_NOT_ALLOWED
            }
            ApiError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::Internal(_) | ApiError::RealServerFailure { .. } => {
                StatusCode::INTERNAL_SERVER_ERROR
            }
        }
    }

    /// The `detail` member of the body.
    fn detail(&self) -> Value {
        let argilla = |name: &str, params: Value| json!({ "code": format!("argilla.api.errors::{name}"), "params": params });
        match self {
            ApiError::Unauthorized => argilla(
                "UnauthorizedError",
                json!({ "detail": "Could not validate credentials" }),
            ),
            ApiError::InvalidToken => {
                argilla("UnauthorizedError", json!({ "detail": "Invalid token" }))
            }
            ApiError::ValidationV2(errors) => {
                argilla("ValidationError", json!({ "errors": errors }))
            }
            ApiError::Forbidden => argilla(
                "ForbiddenOperationError",
                json!({ "detail": "Operation not allowed" }),
            ),
            ApiError::NotFound { entity, name } => argilla(
                "EntityNotFoundError",
                json!({ "name": name, "type": entity.as_str() }),
            ),
            ApiError::AlreadyExists { entity, name } => argilla(
                "EntityAlreadyExistsError",
                json!({ "name": name, "type": entity.as_str() }),
            ),
            ApiError::Validation(errors) => argilla(
                "ValidationError",
                json!({ "model": "Request", "errors": errors }),
            ),
            ApiError::NotFoundPlain(s)
            | ApiError::ConflictPlain(s)
            | ApiError::UnprocessablePlain(s)
            | ApiError::BadRequestPlain(s) => Value::String(s.clone()),
            ApiError::RouteNotFound => "Not Found".into(),
            ApiError::MethodNotAllowed | ApiError::MethodNotAllowedAllow(_) => {
                "Method Not Allowed".into()
            }
            ApiError::PayloadTooLarge => "Request body is too large".into(),
            ApiError::TooManyNamespaces(max) => format!(
                "no more namespaces: {max} are open (DELETE /__mock/namespaces/{{name}} closes one; --max-namespaces raises the limit)"
            )
            .into(),
            // Rendered whole in `into_response`.
            ApiError::Injected { .. }
            | ApiError::InvalidHttpRequest
            | ApiError::MissingVector(_) => Value::Null,
            ApiError::Internal(e) => argilla(
                "GenericServerError",
                json!({ "type": "builtins.RuntimeError", "message": e.to_string() }),
            ),
            ApiError::RealServerFailure {
                python_type,
                message,
            } => argilla(
                "GenericServerError",
                json!({ "type": python_type, "message": message }),
            ),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        match self {
            ApiError::Internal(ref e) => tracing::error!(error = ?e, "internal error"),
            ApiError::Injected {
                status,
                body,
                retry_after,
            } => {
                let mut response = (status, Json(body)).into_response();
                if let Some(secs) = retry_after {
                    response
                        .headers_mut()
                        .insert(RETRY_AFTER, HeaderValue::from(secs));
                }
                return response;
            }
            // llhttp's own answer, before any application code.
            ApiError::InvalidHttpRequest => {
                return (
                    StatusCode::BAD_REQUEST,
                    [(CONTENT_TYPE, "text/plain; charset=utf-8")],
                    "Invalid HTTP request received.",
                )
                    .into_response()
            }
            ApiError::MissingVector(ref message) => {
                let body = json!({ "code": "missing_vector", "message": message });
                return (StatusCode::UNPROCESSABLE_ENTITY, Json(body)).into_response();
            }
            ApiError::MethodNotAllowedAllow(ref allow) => {
                let mut response =
                    (self.status(), Json(json!({ "detail": self.detail() }))).into_response();
                if let Ok(value) = HeaderValue::from_str(allow) {
                    response.headers_mut().insert(ALLOW, value);
                }
                return response;
            }
            _ => {}
        }
        (self.status(), Json(json!({ "detail": self.detail() }))).into_response()
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
