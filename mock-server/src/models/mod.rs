//! The records storage keeps and hands out (their JSON shapes are each API generation's: see
//! `api::argilla1::shapes` and `api::argilla2::shapes`), and how timestamps are stored.

pub mod datasets;
pub mod records;

use chrono::{NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};

/// How timestamps are stored: naive UTC with microseconds (`"2026-11-28T15:06:31.123456"`),
/// always 26 characters, so text order is time order. Each API generation shows them its way.
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

/// A user's role. Its names are spelled once, in [`Role::as_str`]; JSON, the database and
/// validation messages all use them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Owner,
    Admin,
    Annotator,
}

impl Role {
    /// Every role, in the real server's enum order (it appears in validation errors).
    pub const ALL: [Role; 3] = [Role::Owner, Role::Admin, Role::Annotator];

    /// The names of [`Role::ALL`], in that order.
    pub const VALUES: [&'static str; 3] = [
        Role::Owner.as_str(),
        Role::Admin.as_str(),
        Role::Annotator.as_str(),
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Admin => "admin",
            Role::Annotator => "annotator",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|role| role.as_str() == s)
    }
}

impl Serialize for Role {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Role {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Role, D::Error> {
        let name = String::deserialize(deserializer)?;
        Role::parse(&name).ok_or_else(|| serde::de::Error::unknown_variant(&name, &Role::VALUES))
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
}

/// A row of `workspaces`.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Workspace {
    pub id: String,
    pub name: String,
    pub inserted_at: String,
    pub updated_at: String,
}
