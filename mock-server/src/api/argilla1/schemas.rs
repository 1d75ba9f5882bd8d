//! The v0 request models, validated as the real server's pydantic models are.

use crate::error::{ApiError, ApiResult};
use crate::extract::FormBody;
use crate::models::Role;
use crate::python::json::PyValue;
use crate::python::pydantic::{
    body_as_fields, ModelValidator, StrRules, GRANT_TYPE_PATTERN, NAME_PATTERN,
};

/// `UserCreate` (1.14): fields in declaration order, which is the order of the errors.
#[derive(Debug)]
pub struct UserCreate {
    pub first_name: String,
    pub last_name: Option<String>,
    pub username: String,
    pub role: Role,
    pub password: String,
    pub workspaces: Vec<String>,
}

impl UserCreate {
    pub fn validate(body: Option<&PyValue>) -> ApiResult<UserCreate> {
        let fields = body_as_fields(body).map_err(ApiError::Validation)?;
        let mut v = ModelValidator::new(&fields, "body");
        let name_rules = StrRules {
            strip: true,
            min_length: Some(1),
            ..StrRules::default()
        };
        let first_name = v.required_str("first_name", name_rules);
        let last_name = v.optional_str("last_name", name_rules);
        let username = v.required_str(
            "username",
            StrRules {
                min_length: Some(1),
                pattern: Some(NAME_PATTERN),
                ..StrRules::default()
            },
        );
        let role = v.optional_enum("role", &Role::VALUES);
        let password = v.required_str(
            "password",
            StrRules {
                min_length: Some(8),
                max_length: Some(100),
                ..StrRules::default()
            },
        );
        let workspaces = v.optional_str_list("workspaces");
        v.finish().map_err(ApiError::Validation)?;
        match (first_name, username, password) {
            (Some(first_name), Some(username), Some(password)) => Ok(UserCreate {
                first_name,
                last_name,
                username,
                // The column's default when the field is missing or null.
                role: role.and_then(Role::parse).unwrap_or(Role::Annotator),
                password,
                workspaces: workspaces.unwrap_or_default(),
            }),
            _ => Err(ApiError::Internal(anyhow::anyhow!(
                "validated fields missing"
            ))),
        }
    }
}

/// `WorkspaceCreate`: `{"name": constr(regex=…, min_length=1)}`.
pub fn workspace_name(body: Option<&PyValue>) -> ApiResult<String> {
    let fields = body_as_fields(body).map_err(ApiError::Validation)?;
    let mut v = ModelValidator::new(&fields, "body");
    let name = v.required_str(
        "name",
        StrRules {
            min_length: Some(1),
            pattern: Some(NAME_PATTERN),
            ..StrRules::default()
        },
    );
    v.finish().map_err(ApiError::Validation)?;
    name.ok_or_else(|| ApiError::Internal(anyhow::anyhow!("validated name missing")))
}

/// FastAPI's `OAuth2PasswordRequestForm`: `grant_type` (optional, pattern `password`),
/// `username`, `password` (required; an empty form value counts as missing).
pub fn login_form(form: &FormBody) -> ApiResult<(String, String)> {
    let fields: Vec<(String, PyValue)> = ["grant_type", "username", "password"]
        .into_iter()
        .filter_map(|name| {
            form.get(name)
                .filter(|v| !v.is_empty())
                .map(|v| (name.to_owned(), PyValue::Str(v.to_owned())))
        })
        .collect();
    let mut v = ModelValidator::new(&fields, "body");
    v.optional_str(
        "grant_type",
        StrRules {
            pattern: Some(GRANT_TYPE_PATTERN),
            ..StrRules::default()
        },
    );
    let username = v.required_str("username", StrRules::default());
    let password = v.required_str("password", StrRules::default());
    v.finish().map_err(ApiError::Validation)?;
    match (username, password) {
        (Some(u), Some(p)) => Ok((u, p)),
        _ => Err(ApiError::Internal(anyhow::anyhow!(
            "validated form fields missing"
        ))),
    }
}
