//! Argilla 1.x's JSON shapes (`argilla-users-api.md`, Part B "Shapes"). Field order in each
//! struct is the real server's key order; do not reorder fields.

use std::sync::{Arc, OnceLock};

use axum::body::Bytes;
use serde::Serialize;

use crate::api::bodies::{serialised, PerUser};
use crate::db::Snapshot;
use crate::models::{self, Role, UserRecord};
use crate::policy::sees_every_workspace;

/// A stored timestamp as Argilla 1.x shows it: whole seconds (`"2026-11-28T15:06:31"`), as the
/// real 1.14 server gives on SQLite.
pub fn in_seconds(stored: &str) -> String {
    stored.get(..19).unwrap_or(stored).to_owned()
}

/// "User(v0)": the user as every `/api/me`, `/api/users*` and `/api/workspaces/*/users*` answer
/// shows it. `last_name` is left out when null (`response_model_exclude_none`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct User {
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

impl User {
    /// `user` showing these workspace names.
    pub fn with_workspaces(user: &UserRecord, workspaces: Vec<String>) -> User {
        let full_name = match &user.last_name {
            Some(last) => format!("{} {}", user.first_name, last),
            None => user.first_name.clone(),
        };
        User {
            id: user.id.clone(),
            first_name: user.first_name.clone(),
            last_name: user.last_name.clone(),
            full_name,
            username: user.username.clone(),
            role: user.role(),
            workspaces,
            api_key: user.api_key.clone(),
            inserted_at: in_seconds(&user.inserted_at),
            updated_at: in_seconds(&user.updated_at),
        }
    }

    /// `user` showing the workspaces it is linked to: the shape of every answer but `/api/me`
    /// (which shows an owner every workspace).
    pub fn linked(snapshot: &Snapshot, user: &UserRecord) -> User {
        User::with_workspaces(user, snapshot.workspace_names_of(&user.id))
    }
}

/// A workspace, on the `/api/…` and the 1.x `/api/v1/…` routes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Workspace {
    pub id: String,
    pub name: String,
    pub inserted_at: String,
    pub updated_at: String,
}

impl From<&models::Workspace> for Workspace {
    fn from(w: &models::Workspace) -> Workspace {
        Workspace {
            id: w.id.clone(),
            name: w.name.clone(),
            inserted_at: in_seconds(&w.inserted_at),
            updated_at: in_seconds(&w.updated_at),
        }
    }
}

/// The 1.x bodies made once per change of the data (`db::Snapshot::memo`): every request
/// authenticates against the snapshot anyway, so `/api/me` and `/api/users` cost no query and
/// no serialisation while nothing changes.
#[derive(Debug, Default)]
struct Bodies {
    users: OnceLock<Bytes>,
    me: PerUser,
}

/// The body of `GET /api/users`: every user with its own workspace links.
pub fn users_body(snapshot: &Snapshot) -> Bytes {
    let bodies = snapshot.memo::<Bodies>();
    let users = bodies.users.get_or_init(|| {
        let users: Vec<User> = (snapshot.users.iter())
            .map(|u| User::linked(snapshot, u))
            .collect();
        serialised(&users)
    });
    users.clone()
}

/// The body of `GET /api/me` for `user`: an owner's `workspaces` lists every workspace.
pub fn me_body(snapshot: &Snapshot, user: &Arc<UserRecord>) -> Bytes {
    snapshot.memo::<Bodies>().me.get(snapshot, user, |user| {
        let workspaces = if sees_every_workspace(user) {
            snapshot.workspaces.iter().map(|w| w.name.clone()).collect()
        } else {
            snapshot.workspace_names_of(&user.id)
        };
        serialised(&User::with_workspaces(user, workspaces))
    })
}
