//! Users and workspaces (`argilla-2x-users-api.md` §3), and the bodies made once per change of
//! the users' data.

use std::sync::{Arc, OnceLock};

use axum::body::Bytes;
use serde::Serialize;

use super::as_pydantic;
use crate::api::bodies::{serialised, Items, PerUser};
use crate::db::Snapshot;
use crate::models::{self, Role, UserRecord};

/// "User" of Argilla 2.x: every `/api/v1/…` answer that shows a user. `last_name` is `null`
/// when unset (not left out); no `full_name`, no `workspaces`; pydantic 2's timestamps.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct User {
    pub id: String,
    pub first_name: String,
    pub last_name: Option<String>,
    pub username: String,
    pub role: Role,
    pub api_key: String,
    pub inserted_at: String,
    pub updated_at: String,
}

impl From<&UserRecord> for User {
    fn from(user: &UserRecord) -> User {
        User {
            id: user.id.clone(),
            first_name: user.first_name.clone(),
            last_name: user.last_name.clone(),
            username: user.username.clone(),
            role: user.role(),
            api_key: user.api_key.clone(),
            inserted_at: as_pydantic(&user.inserted_at),
            updated_at: as_pydantic(&user.updated_at),
        }
    }
}

/// A workspace as 2.x shows it.
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
            inserted_at: as_pydantic(&w.inserted_at),
            updated_at: as_pydantic(&w.updated_at),
        }
    }
}

/// The 2.x bodies made once per change of the data (`db::Snapshot::memo`).
#[derive(Debug, Default)]
struct Bodies {
    users: OnceLock<Bytes>,
    me: PerUser,
}

/// The body of `GET /api/v1/users`: `{"items": [...]}`, oldest first.
pub fn users_body(snapshot: &Snapshot) -> Bytes {
    let bodies = snapshot.memo::<Bodies>();
    let users = bodies.users.get_or_init(|| {
        let items: Items<User> = snapshot.users.iter().map(|u| User::from(&**u)).collect();
        serialised(&items)
    });
    users.clone()
}

/// The body of `GET /api/v1/me` for `user`.
pub fn me_body(snapshot: &Snapshot, user: &Arc<UserRecord>) -> Bytes {
    (snapshot.memo::<Bodies>().me).get(snapshot, user, |user| serialised(&User::from(user)))
}
