//! The users and workspaces request models.

use uuid::Uuid;

use super::model;
use crate::extract::JsonBody;
use crate::models::Role;
use crate::python::pydantic2::{ErrorItem2, Field, Presence, Str2};

const NAME: Str2 = Str2 {
    strip: true,
    min_length: Some(1),
    max_length: None,
    pattern: None,
};
const USERNAME: Str2 = Str2 {
    strip: false,
    min_length: Some(1),
    max_length: None,
    pattern: None,
};
const PASSWORD: Str2 = Str2::length(8, 100);

/// `UserCreate`: `id?, first_name, last_name?, username, role?, password`.
#[derive(Debug)]
pub struct UserCreate {
    pub id: Option<Uuid>,
    pub first_name: String,
    pub last_name: Option<String>,
    pub username: String,
    pub role: Role,
    pub password: String,
}

impl UserCreate {
    pub fn validate(body: &JsonBody) -> Result<UserCreate, Vec<ErrorItem2>> {
        let mut m = model(body)?;
        let id = m.uuid("id", Presence::Optional);
        let first_name = m.str("first_name", Presence::Required, NAME);
        let last_name = m.str("last_name", Presence::Optional, NAME);
        let username = m.str("username", Presence::Required, USERNAME);
        let role = m.one_of("role", Presence::Optional, &Role::VALUES);
        let password = m.str("password", Presence::Required, PASSWORD);
        m.finish()?;
        match (first_name, username, password) {
            (Field::Value(first_name), Field::Value(username), Field::Value(password)) => {
                Ok(UserCreate {
                    id: id.value(),
                    first_name,
                    last_name: last_name.value(),
                    username,
                    // The column's default when left out or null.
                    role: role
                        .value()
                        .and_then(Role::parse)
                        .unwrap_or(Role::Annotator),
                    password,
                })
            }
            _ => Err(Vec::new()),
        }
    }
}

/// `UserUpdate`: every field optional; only `last_name` may be set to `null`.
#[derive(Debug, Default)]
pub struct UserUpdate {
    pub first_name: Option<String>,
    pub last_name: Option<Option<String>>,
    pub username: Option<String>,
    pub role: Option<Role>,
    pub password: Option<String>,
}

impl UserUpdate {
    /// The fields that may not be `null`, in declaration order.
    const NON_NULLABLE: [&'static str; 4] = ["first_name", "username", "role", "password"];

    pub fn validate(body: &JsonBody) -> Result<UserUpdate, Vec<ErrorItem2>> {
        let mut m = model(body)?;
        m.non_null(&Self::NON_NULLABLE)?;
        let first_name = m.str("first_name", Presence::Optional, NAME);
        let last_name = m.str("last_name", Presence::Optional, NAME);
        let username = m.str("username", Presence::Optional, USERNAME);
        let role = m.one_of("role", Presence::Optional, &Role::VALUES);
        let password = m.str("password", Presence::Optional, PASSWORD);
        m.finish()?;
        Ok(UserUpdate {
            first_name: first_name.value(),
            last_name: last_name.patch(),
            username: username.value(),
            role: role.value().and_then(Role::parse),
            password: password.value(),
        })
    }
}

/// `WorkspaceCreate`: `id?, name` (no pattern on the server; the SDK checks one locally).
#[derive(Debug)]
pub struct WorkspaceCreate {
    pub id: Option<Uuid>,
    pub name: String,
}

impl WorkspaceCreate {
    pub fn validate(body: &JsonBody) -> Result<WorkspaceCreate, Vec<ErrorItem2>> {
        let mut m = model(body)?;
        let id = m.uuid("id", Presence::Optional);
        let name = m.str("name", Presence::Required, USERNAME);
        m.finish()?;
        match name {
            Field::Value(name) => Ok(WorkspaceCreate {
                id: id.value(),
                name,
            }),
            _ => Err(Vec::new()),
        }
    }
}

/// `WorkspaceUserCreate`: `user_id`.
pub fn workspace_user_create(body: &JsonBody) -> Result<Uuid, Vec<ErrorItem2>> {
    let mut m = model(body)?;
    let user_id = m.uuid("user_id", Presence::Required);
    m.finish()?;
    user_id.value().ok_or_else(Vec::new)
}
