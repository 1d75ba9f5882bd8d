//! Queries on users and their workspace links.

use std::collections::HashMap;

use sqlx::SqliteConnection;

use super::{is_unique_violation, Database};
use crate::models::{Role, UserRecord};

const USER_COLUMNS: &str =
    "id, first_name, last_name, username, role, api_key, inserted_at, updated_at";

/// Everything needed to insert a user.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub id: String,
    pub first_name: String,
    pub last_name: Option<String>,
    pub username: String,
    pub role: Role,
    pub api_key: String,
    pub password_hash: String,
    pub inserted_at: String,
    pub updated_at: String,
}

/// Why a user could not be created.
#[derive(Debug, thiserror::Error)]
pub enum UserCreateError {
    #[error("username already exists")]
    UsernameTaken,
    /// The generated id or API key is in use already (a seeded sequence repeating, e.g. over a
    /// file database kept from an earlier run): the caller draws new ones.
    #[error("generated id or key already in use")]
    IdTaken,
    #[error("Workspace '{0}' does not exist")]
    UnknownWorkspace(String),
    /// The same workspace named twice: the real server fails on the second link's INSERT.
    #[error("workspace {workspace_id} linked twice")]
    DuplicateLink { workspace_id: String },
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

/// Inserts one user row (the one INSERT for users, used by the API and by fixtures).
pub(crate) async fn insert_user(conn: &mut SqliteConnection, user: &NewUser) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO users (id, first_name, last_name, username, role, api_key, password_hash, \
         inserted_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(&user.id)
    .bind(&user.first_name)
    .bind(&user.last_name)
    .bind(&user.username)
    .bind(user.role.as_str())
    .bind(&user.api_key)
    .bind(&user.password_hash)
    .bind(&user.inserted_at)
    .bind(&user.updated_at)
    .execute(conn)
    .await
    .map(drop)
}

impl Database {
    pub async fn user_by_api_key(&self, api_key: &str) -> sqlx::Result<Option<UserRecord>> {
        Ok(self.snapshot().await?.by_key(api_key).cloned())
    }

    pub async fn user_by_username(&self, username: &str) -> sqlx::Result<Option<UserRecord>> {
        Ok(self.snapshot().await?.by_name(username).cloned())
    }

    pub async fn user_by_id(&self, id: &str) -> sqlx::Result<Option<UserRecord>> {
        Ok(self.snapshot().await?.by_id(id).cloned())
    }

    /// The bcrypt hash of a user's password, for the login form.
    pub async fn password_hash(&self, username: &str) -> sqlx::Result<Option<String>> {
        sqlx::query_scalar("SELECT password_hash FROM users WHERE username = ?")
            .bind(username)
            .fetch_optional(self.pool())
            .await
    }

    /// All users, oldest first (the order of `GET /api/users`).
    pub async fn list_users(&self) -> sqlx::Result<Vec<UserRecord>> {
        Ok(self.snapshot().await?.users.clone())
    }

    pub(super) async fn query_users(&self) -> sqlx::Result<Vec<UserRecord>> {
        sqlx::query_as(&format!(
            "SELECT {USER_COLUMNS} FROM users ORDER BY inserted_at, rowid"
        ))
        .fetch_all(self.pool())
        .await
    }

    /// The names of the workspaces a user is linked to, in link order.
    pub async fn workspace_names_of(&self, user_id: &str) -> sqlx::Result<Vec<String>> {
        Ok(self
            .snapshot()
            .await?
            .names_by_user
            .get(user_id)
            .cloned()
            .unwrap_or_default())
    }

    /// Every user's workspace names, in link order, keyed by user id (one query for a list).
    pub async fn workspace_names_by_user(&self) -> sqlx::Result<HashMap<String, Vec<String>>> {
        Ok(self.snapshot().await?.names_by_user.clone())
    }

    pub(super) async fn query_names_by_user(&self) -> sqlx::Result<HashMap<String, Vec<String>>> {
        let rows: Vec<(String, String)> = sqlx::query_as(
            "SELECT wu.user_id, w.name FROM workspaces_users wu \
             JOIN workspaces w ON w.id = wu.workspace_id ORDER BY wu.inserted_at, wu.rowid",
        )
        .fetch_all(self.pool())
        .await?;
        let mut by_user: HashMap<String, Vec<String>> = HashMap::new();
        for (user_id, name) in rows {
            by_user.entry(user_id).or_default().push(name);
        }
        Ok(by_user)
    }

    /// Creates a user and links it to the named workspaces, all or nothing.
    ///
    /// Mirrors the real server: the username check comes first (409), then each workspace
    /// name is resolved in order (the first unknown one fails), then the links are written.
    pub async fn create_user(
        &self,
        user: &NewUser,
        workspace_names: &[String],
    ) -> Result<UserRecord, UserCreateError> {
        let mut tx = self.pool().begin().await?;
        let taken: Option<String> = sqlx::query_scalar("SELECT id FROM users WHERE username = ?")
            .bind(&user.username)
            .fetch_optional(&mut *tx)
            .await?;
        if taken.is_some() {
            return Err(UserCreateError::UsernameTaken);
        }
        let id_taken: Option<i64> =
            sqlx::query_scalar("SELECT 1 FROM users WHERE id = ? OR api_key = ?")
                .bind(&user.id)
                .bind(&user.api_key)
                .fetch_optional(&mut *tx)
                .await?;
        if id_taken.is_some() {
            return Err(UserCreateError::IdTaken);
        }
        let mut workspace_ids = Vec::with_capacity(workspace_names.len());
        for name in workspace_names {
            let id: Option<String> = sqlx::query_scalar("SELECT id FROM workspaces WHERE name = ?")
                .bind(name)
                .fetch_optional(&mut *tx)
                .await?;
            workspace_ids.push(id.ok_or_else(|| UserCreateError::UnknownWorkspace(name.clone()))?);
        }
        insert_user(&mut tx, user).await.map_err(|e| {
            if is_unique_violation(&e) {
                UserCreateError::UsernameTaken
            } else {
                e.into()
            }
        })?;
        for workspace_id in workspace_ids {
            sqlx::query("INSERT INTO workspaces_users (workspace_id, user_id, inserted_at) VALUES (?, ?, ?)")
                .bind(&workspace_id)
                .bind(&user.id)
                .bind(&user.inserted_at)
                .execute(&mut *tx)
                .await
                .map_err(|e| {
                    if is_unique_violation(&e) {
                        UserCreateError::DuplicateLink { workspace_id: workspace_id.clone() }
                    } else {
                        e.into()
                    }
                })?;
        }
        tx.commit().await?;
        self.changed();
        Ok(UserRecord {
            id: user.id.clone(),
            first_name: user.first_name.clone(),
            last_name: user.last_name.clone(),
            username: user.username.clone(),
            role: crate::models::RoleColumn(user.role),
            api_key: user.api_key.clone(),
            inserted_at: user.inserted_at.clone(),
            updated_at: user.updated_at.clone(),
        })
    }

    /// Deletes a user (and its links); `false` when no such user exists any more.
    pub async fn delete_user(&self, id: &str) -> sqlx::Result<bool> {
        let result = sqlx::query("DELETE FROM users WHERE id = ?")
            .bind(id)
            .execute(self.pool())
            .await?;
        self.changed();
        Ok(result.rows_affected() == 1)
    }
}
