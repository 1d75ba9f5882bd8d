//! Queries on users and their workspace links.

use std::sync::{Arc, LazyLock};

use futures_util::stream::BoxStream;
use sqlx::SqliteConnection;

use super::workspaces::insert_membership;
use super::{is_unique_violation, Attempt, Database, IdOrigin, MAX_ID_DRAWS, ROWS_PER_INSERT};
use crate::ids::IdSource;
use crate::models::{Role, RoleColumn, UserRecord};

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

/// What became of a request to create a user.
#[derive(Debug)]
pub enum UserCreated {
    Created(UserRecord),
    UsernameTaken,
    /// The first of the named workspaces that does not exist.
    UnknownWorkspace(String),
    /// The same workspace named twice: the real server fails on the second link's INSERT.
    DuplicateLink {
        workspace_id: String,
    },
    /// The id the client chose is taken (ids the mock draws are drawn again instead).
    IdTaken,
}

/// The columns a PATCH may change; `None` leaves one as it is.
#[derive(Debug, Clone, Default)]
pub struct UserChanges {
    pub first_name: Option<String>,
    /// `Some(None)` clears it.
    pub last_name: Option<Option<String>>,
    pub username: Option<String>,
    pub role: Option<Role>,
    pub password_hash: Option<String>,
}

/// What became of a request to update a user.
#[derive(Debug)]
pub enum UserUpdated {
    Updated(UserRecord),
    UsernameTaken,
    /// Deleted since it was looked up.
    Gone,
}

impl NewUser {
    /// The row as the API reads it back.
    pub fn record(&self) -> UserRecord {
        UserRecord {
            id: self.id.clone(),
            first_name: self.first_name.clone(),
            last_name: self.last_name.clone(),
            username: self.username.clone(),
            role: RoleColumn(self.role),
            api_key: self.api_key.clone(),
            inserted_at: self.inserted_at.clone(),
            updated_at: self.updated_at.clone(),
        }
    }
}

/// Inserts one user row (the API's create).
pub(super) async fn insert_user(conn: &mut SqliteConnection, user: &NewUser) -> sqlx::Result<()> {
    insert_users(conn, &[(&user.record(), &user.password_hash)]).await
}

/// Inserts users (each with its password hash) in order, [`ROWS_PER_INSERT`] per statement:
/// the one INSERT for users, used by the API and by fixtures.
pub(super) async fn insert_users(
    conn: &mut SqliteConnection,
    users: &[(&UserRecord, &str)],
) -> sqlx::Result<()> {
    for chunk in users.chunks(ROWS_PER_INSERT) {
        let mut insert = sqlx::QueryBuilder::new(
            "INSERT INTO users (id, first_name, last_name, username, role, api_key, \
             password_hash, inserted_at, updated_at) ",
        );
        insert.push_values(chunk, |mut row, (user, password_hash)| {
            row.push_bind(&user.id)
                .push_bind(&user.first_name)
                .push_bind(&user.last_name)
                .push_bind(&user.username)
                .push_bind(user.role().as_str())
                .push_bind(&user.api_key)
                .push_bind(*password_hash)
                .push_bind(&user.inserted_at)
                .push_bind(&user.updated_at);
        });
        insert.build().execute(&mut *conn).await?;
    }
    Ok(())
}

impl Database {
    pub async fn user_by_api_key(&self, api_key: &str) -> sqlx::Result<Option<Arc<UserRecord>>> {
        Ok(self.snapshot().await?.by_key(api_key).cloned())
    }

    pub async fn user_by_username(&self, username: &str) -> sqlx::Result<Option<Arc<UserRecord>>> {
        Ok(self.snapshot().await?.by_name(username).cloned())
    }

    pub async fn user_by_id(&self, id: &str) -> sqlx::Result<Option<Arc<UserRecord>>> {
        Ok(self.snapshot().await?.by_id(id).cloned())
    }

    /// The bcrypt hash of a user's password, for the login form.
    pub async fn password_hash(&self, username: &str) -> sqlx::Result<Option<String>> {
        sqlx::query_scalar("SELECT password_hash FROM users WHERE username = ?")
            .bind(username)
            .fetch_optional(self.pool())
            .await
    }

    /// Every user, oldest first, one row at a time.
    pub(super) fn users_oldest_first(&self) -> BoxStream<'_, sqlx::Result<UserRecord>> {
        // A stream borrows its SQL for as long as it runs: made once, kept for good.
        static SQL: LazyLock<String> = LazyLock::new(|| {
            format!("SELECT {USER_COLUMNS} FROM users ORDER BY inserted_at, rowid")
        });
        sqlx::query_as(&SQL).fetch(self.pool())
    }

    /// Every membership as (user id, workspace id), in link order, one row at a time.
    pub(super) fn links_in_order(&self) -> BoxStream<'_, sqlx::Result<(String, String)>> {
        sqlx::query_as(
            "SELECT user_id, workspace_id FROM workspaces_users ORDER BY inserted_at, rowid",
        )
        .fetch(self.pool())
    }

    /// Creates a user and links it to the named workspaces, all or nothing. A drawn id or an API
    /// key already in use is drawn again from `ids`; a given id in use is [`UserCreated::IdTaken`].
    ///
    /// Mirrors the real server: the username check comes first (409), then each workspace
    /// name is resolved in order (the first unknown one fails), then the links are written.
    pub async fn create_user(
        &self,
        user: &NewUser,
        workspace_names: &[String],
        ids: &IdSource,
        origin: IdOrigin,
    ) -> sqlx::Result<UserCreated> {
        let mut user = user.clone();
        for _ in 0..MAX_ID_DRAWS {
            match self.try_create_user(&user, workspace_names, origin).await? {
                Attempt::Done(outcome) => {
                    if matches!(outcome, UserCreated::Created(_)) {
                        self.changed();
                    }
                    return Ok(outcome);
                }
                Attempt::IdTaken => {
                    if origin == IdOrigin::Drawn {
                        user.id = ids.uuid();
                    }
                    user.api_key = ids.api_key();
                }
            }
        }
        Err(sqlx::Error::Protocol(format!(
            "no free user id and API key after {MAX_ID_DRAWS} draws"
        )))
    }

    async fn try_create_user(
        &self,
        user: &NewUser,
        workspace_names: &[String],
        origin: IdOrigin,
    ) -> sqlx::Result<Attempt<UserCreated>> {
        let mut tx = self.pool().begin().await?;
        let taken: Option<String> = sqlx::query_scalar("SELECT id FROM users WHERE username = ?")
            .bind(&user.username)
            .fetch_optional(&mut *tx)
            .await?;
        if taken.is_some() {
            return Ok(Attempt::Done(UserCreated::UsernameTaken));
        }
        // The real server checks a client's id after the username (`User with id … is not unique`).
        let (id_taken, key_taken): (bool, bool) = sqlx::query_as(
            "SELECT EXISTS (SELECT 1 FROM users WHERE id = ?), \
             EXISTS (SELECT 1 FROM users WHERE api_key = ?)",
        )
        .bind(&user.id)
        .bind(&user.api_key)
        .fetch_one(&mut *tx)
        .await?;
        if id_taken && origin == IdOrigin::Given {
            return Ok(Attempt::Done(UserCreated::IdTaken));
        }
        if id_taken || key_taken {
            return Ok(Attempt::IdTaken);
        }
        let mut workspace_ids = Vec::with_capacity(workspace_names.len());
        for name in workspace_names {
            let id: Option<String> = sqlx::query_scalar("SELECT id FROM workspaces WHERE name = ?")
                .bind(name)
                .fetch_optional(&mut *tx)
                .await?;
            match id {
                Some(id) => workspace_ids.push(id),
                None => return Ok(Attempt::Done(UserCreated::UnknownWorkspace(name.clone()))),
            }
        }
        match insert_user(&mut tx, user).await {
            Err(e) if is_unique_violation(&e) => {
                return Ok(Attempt::Done(UserCreated::UsernameTaken))
            }
            other => other?,
        }
        for workspace_id in workspace_ids {
            match insert_membership(&mut tx, &workspace_id, &user.id, &user.inserted_at).await {
                Err(e) if is_unique_violation(&e) => {
                    return Ok(Attempt::Done(UserCreated::DuplicateLink { workspace_id }))
                }
                other => other?,
            }
        }
        tx.commit().await?;
        Ok(Attempt::Done(UserCreated::Created(user.record())))
    }

    /// Changes a user's columns; `updated_at` moves only when one really changes (as on the real
    /// server, an empty or no-op PATCH keeps it). A username taken by another user is refused.
    pub async fn update_user(
        &self,
        id: &str,
        changes: &UserChanges,
        now: &str,
    ) -> sqlx::Result<UserUpdated> {
        let mut tx = self.pool().begin().await?;
        let current: Option<(String, Option<String>, String, String, String)> = sqlx::query_as(
            "SELECT first_name, last_name, username, role, password_hash FROM users WHERE id = ?",
        )
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some((first_name, last_name, username, role, password_hash)) = current else {
            return Ok(UserUpdated::Gone);
        };
        if let Some(wanted) = changes.username.as_ref().filter(|u| **u != username) {
            let taken: Option<i64> = sqlx::query_scalar("SELECT 1 FROM users WHERE username = ?")
                .bind(wanted)
                .fetch_optional(&mut *tx)
                .await?;
            if taken.is_some() {
                return Ok(UserUpdated::UsernameTaken);
            }
        }
        let new_first = changes.first_name.clone().unwrap_or(first_name.clone());
        let new_last = changes.last_name.clone().unwrap_or(last_name.clone());
        let new_username = changes.username.clone().unwrap_or(username.clone());
        let new_role = changes.role.map_or(role.clone(), |r| r.as_str().to_owned());
        let new_hash = changes
            .password_hash
            .clone()
            .unwrap_or(password_hash.clone());
        let changed = (&new_first, &new_last, &new_username, &new_role, &new_hash)
            != (&first_name, &last_name, &username, &role, &password_hash);
        if changed {
            let updated = sqlx::query(
                "UPDATE users SET first_name = ?, last_name = ?, username = ?, role = ?, \
                 password_hash = ?, updated_at = ? WHERE id = ?",
            )
            .bind(&new_first)
            .bind(&new_last)
            .bind(&new_username)
            .bind(&new_role)
            .bind(&new_hash)
            .bind(now)
            .bind(id)
            .execute(&mut *tx)
            .await;
            match updated {
                Err(e) if is_unique_violation(&e) => return Ok(UserUpdated::UsernameTaken),
                other => other?,
            };
        }
        let record: UserRecord =
            sqlx::query_as(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = ?"))
                .bind(id)
                .fetch_one(&mut *tx)
                .await?;
        tx.commit().await?;
        if changed {
            self.changed();
        }
        Ok(UserUpdated::Updated(record))
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
