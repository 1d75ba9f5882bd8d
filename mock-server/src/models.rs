//! The API's records and their JSON shapes.
//!
//! Field order in each serialised struct is the real server's key order (`argilla-users-api.md`,
//! Part B "Shapes"); do not reorder fields.

use chrono::{NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};

/// How timestamps are stored: naive UTC with microseconds (`"2026-11-28T15:06:31.123456"`),
/// always 26 characters, so text order is time order. Each API generation shows them its way:
/// [`in_seconds`] for Argilla 1.x, [`as_pydantic`] for 2.x.
pub const TIMESTAMP_FORMAT: &str = "%Y-%m-%dT%H:%M:%S%.6f";

/// The current time, as stored.
pub fn now_timestamp() -> String {
    Utc::now().naive_utc().format(TIMESTAMP_FORMAT).to_string()
}

/// A timestamp given with whole seconds or a fraction, as stored; `None` when it is not one.
pub fn normalized_timestamp(s: &str) -> Option<String> {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f")
        .ok()
        .map(|t| t.format(TIMESTAMP_FORMAT).to_string())
}

/// A stored timestamp as Argilla 1.x shows it: whole seconds (`"2026-11-28T15:06:31"`), as the
/// real 1.14 server gives on SQLite.
pub fn in_seconds(stored: &str) -> String {
    stored.get(..19).unwrap_or(stored).to_owned()
}

/// A stored timestamp as Argilla 2.x (pydantic 2) shows it: with microseconds, or whole seconds
/// when the fraction is exactly 0.
pub fn as_pydantic(stored: &str) -> String {
    match stored.strip_suffix(".000000") {
        Some(whole) => whole.to_owned(),
        None => stored.to_owned(),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Owner,
    Admin,
    Annotator,
}

impl Role {
    /// The values in the real server's enum order (it appears in validation errors).
    pub const VALUES: [&'static str; 3] = ["owner", "admin", "annotator"];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Admin => "admin",
            Role::Annotator => "annotator",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "owner" => Some(Role::Owner),
            "admin" => Some(Role::Admin),
            "annotator" => Some(Role::Annotator),
            _ => None,
        }
    }
}

/// A row of `users`, without the password hash.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct UserRecord {
    pub id: String,
    pub first_name: String,
    pub last_name: Option<String>,
    pub username: String,
    #[sqlx(try_from = "String")]
    pub role: RoleColumn,
    pub api_key: String,
    pub inserted_at: String,
    pub updated_at: String,
}

/// `role` as stored; the table's CHECK constraint keeps it to the three values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RoleColumn(pub Role);

impl TryFrom<String> for RoleColumn {
    type Error = String;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Role::parse(&s)
            .map(RoleColumn)
            .ok_or_else(|| format!("unknown role {s:?}"))
    }
}

impl UserRecord {
    pub fn role(&self) -> Role {
        self.role.0
    }

    pub fn is_owner(&self) -> bool {
        self.role() == Role::Owner
    }

    /// The v0 JSON of this user, with the given workspace names.
    pub fn to_v0(&self, workspaces: Vec<String>) -> UserV0 {
        let full_name = match &self.last_name {
            Some(last) => format!("{} {}", self.first_name, last),
            None => self.first_name.clone(),
        };
        UserV0 {
            id: self.id.clone(),
            first_name: self.first_name.clone(),
            last_name: self.last_name.clone(),
            full_name,
            username: self.username.clone(),
            role: self.role(),
            workspaces,
            api_key: self.api_key.clone(),
            inserted_at: in_seconds(&self.inserted_at),
            updated_at: in_seconds(&self.updated_at),
        }
    }
}

/// "User" of Argilla 2.x: every `/api/v1/…` answer that shows a user. `last_name` is `null`
/// when unset (not left out); no `full_name`, no `workspaces`; pydantic 2's timestamps.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UserV2 {
    pub id: String,
    pub first_name: String,
    pub last_name: Option<String>,
    pub username: String,
    pub role: Role,
    pub api_key: String,
    pub inserted_at: String,
    pub updated_at: String,
}

impl UserRecord {
    /// The 2.x JSON of this user: the one place it is built.
    pub fn to_v2(&self) -> UserV2 {
        UserV2 {
            id: self.id.clone(),
            first_name: self.first_name.clone(),
            last_name: self.last_name.clone(),
            username: self.username.clone(),
            role: self.role(),
            api_key: self.api_key.clone(),
            inserted_at: as_pydantic(&self.inserted_at),
            updated_at: as_pydantic(&self.updated_at),
        }
    }
}

/// "User(v0)": the user as every `/api/me`, `/api/users*` and `/api/workspaces/*/users*` answer
/// shows it. `last_name` is left out when null (`response_model_exclude_none`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UserV0 {
    pub id: String,
    pub first_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    pub full_name: String,
    pub username: String,
    pub role: Role,
    pub workspaces: Vec<String>,
    pub api_key: String,
    pub inserted_at: String,
    pub updated_at: String,
}

/// A workspace as stored; the same shape in every API generation, but for how timestamps show.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct Workspace {
    pub id: String,
    pub name: String,
    pub inserted_at: String,
    pub updated_at: String,
}

impl Workspace {
    /// As Argilla 1.x shows it (v0 and 1.x's v1 routes).
    pub fn v1x(&self) -> Workspace {
        Workspace {
            inserted_at: in_seconds(&self.inserted_at),
            updated_at: in_seconds(&self.updated_at),
            ..self.clone()
        }
    }

    /// As Argilla 2.x shows it.
    pub fn v2x(&self) -> Workspace {
        Workspace {
            inserted_at: as_pydantic(&self.inserted_at),
            updated_at: as_pydantic(&self.updated_at),
            ..self.clone()
        }
    }
}

/// The v1 list envelope `{"items": […]}`.
#[derive(Debug, Serialize)]
pub struct Items<T> {
    pub items: Vec<T>,
}
