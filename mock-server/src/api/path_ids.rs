//! A route's UUID path parameters, by name, parsed as the generation that serves the route
//! parses them: every malformed one is reported at once, as FastAPI does, in that generation's
//! words (pydantic 1 for Argilla 1.x, pydantic 2 for 2.x).

use std::marker::PhantomData;

use axum::extract::{FromRequestParts, MatchedPath};
use axum::http::request::Parts;
use uuid::Uuid;

use crate::error::{ApiError, ApiResult};
use crate::extract::path_params;

/// How one API generation parses a path id and words its refusal.
pub trait IdDialect: Send + Sync + 'static {
    /// One malformed id, located.
    type Problem: Send;
    fn parse(name: &str, raw: &str) -> Result<Uuid, Self::Problem>;
    /// The 422 for every malformed id of a request.
    fn reject(problems: Vec<Self::Problem>) -> ApiError;
}

/// The route's ids, each under its `{name}`.
#[derive(Debug)]
pub struct PathIds<D> {
    ids: Vec<(Box<str>, Uuid)>,
    dialect: PhantomData<D>,
}

impl<D: IdDialect> PathIds<D> {
    /// The ids of the route `parts` matched, or the problems of the malformed ones.
    pub fn parse(parts: &Parts) -> Result<PathIds<D>, Vec<D::Problem>> {
        let Some(template) = parts.extensions.get::<MatchedPath>() else {
            return Ok(PathIds::none());
        };
        let mut ids = Vec::new();
        let mut problems = Vec::new();
        for (name, value) in path_params(template.as_str(), parts.uri.path()) {
            match D::parse(name, &value) {
                Ok(id) => ids.push((name.into(), id)),
                Err(problem) => problems.push(problem),
            }
        }
        if problems.is_empty() {
            Ok(PathIds {
                ids,
                dialect: PhantomData,
            })
        } else {
            Err(problems)
        }
    }

    /// No ids (a route without any).
    pub fn none() -> PathIds<D> {
        PathIds {
            ids: Vec::new(),
            dialect: PhantomData,
        }
    }

    /// The id named `name`, canonical (lower-case, hyphenated). A route without that parameter
    /// is a bug of the handler, answered as one (500), never an empty id.
    pub fn id(&self, name: &str) -> ApiResult<String> {
        self.ids
            .iter()
            .find(|(n, _)| &**n == name)
            .map(|(_, id)| id.hyphenated().to_string())
            .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("the route has no path id `{name}`")))
    }
}

impl<D: IdDialect, S: Send + Sync> FromRequestParts<S> for PathIds<D> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        PathIds::parse(parts).map_err(D::reject)
    }
}
