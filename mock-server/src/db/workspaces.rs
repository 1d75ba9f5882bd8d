//! Queries on workspaces and memberships.

use std::sync::Arc;

use sqlx::SqliteConnection;

use super::{is_unique_violation, Attempt, Database, IdOrigin, MAX_ID_DRAWS, ROWS_PER_INSERT};
use crate::ids::IdSource;
use crate::models::{UserRecord, Workspace};

/// What became of a request to create a workspace.
#[derive(Debug)]
pub enum WorkspaceCreated {
    Created(Workspace),
    NameTaken,
    /// The id the client chose is taken.
    IdTaken,
}

/// What became of a request to delete a workspace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkspaceDeleted {
    Deleted,
    Gone,
    /// It has datasets (drafts too): the real server refuses (409).
    HasDatasets,
}

/// Inserts one workspace row (the one INSERT for workspaces: API and fixtures).
pub(super) async fn insert_workspace(
    conn: &mut SqliteConnection,
    workspace: &Workspace,
) -> sqlx::Result<()> {
    sqlx::query("INSERT INTO workspaces (id, name, inserted_at, updated_at) VALUES (?, ?, ?, ?)")
        .bind(&workspace.id)
        .bind(&workspace.name)
        .bind(&workspace.inserted_at)
        .bind(&workspace.updated_at)
        .execute(conn)
        .await
        .map(drop)
}

/// Inserts one membership row (the API's add).
pub(super) async fn insert_membership(
    conn: &mut SqliteConnection,
    workspace_id: &str,
    user_id: &str,
    linked_at: &str,
) -> sqlx::Result<()> {
    insert_memberships(conn, &[(workspace_id, user_id, linked_at)]).await
}

/// Inserts membership rows (workspace id, user id, link time) in order, in statements of
/// [`ROWS_PER_INSERT`]: the one INSERT for memberships, used
/// by the API and by fixtures.
pub(super) async fn insert_memberships(
    conn: &mut SqliteConnection,
    links: &[(&str, &str, &str)],
) -> sqlx::Result<()> {
    for chunk in links.chunks(ROWS_PER_INSERT) {
        let mut insert = sqlx::QueryBuilder::new(
            "INSERT INTO workspaces_users (workspace_id, user_id, inserted_at) ",
        );
        insert.push_values(chunk, |mut row, (workspace_id, user_id, linked_at)| {
            row.push_bind(*workspace_id)
                .push_bind(*user_id)
                .push_bind(*linked_at);
        });
        insert.build().execute(&mut *conn).await?;
    }
    Ok(())
}

impl Database {
    /// All workspaces, oldest first.
    pub async fn list_workspaces(&self) -> sqlx::Result<Vec<Workspace>> {
        Ok(self.snapshot().await?.workspaces.clone())
    }

    pub(super) async fn query_workspaces(&self) -> sqlx::Result<Vec<Workspace>> {
        sqlx::query_as(
            "SELECT id, name, inserted_at, updated_at FROM workspaces ORDER BY inserted_at, rowid",
        )
        .fetch_all(self.pool())
        .await
    }

    /// The workspaces a user belongs to, oldest workspace first (the v1 lists' order; the
    /// real server sorts them by the workspace's creation, not by when the user joined).
    pub async fn workspaces_of(&self, user_id: &str) -> sqlx::Result<Vec<Workspace>> {
        sqlx::query_as(
            "SELECT w.id, w.name, w.inserted_at, w.updated_at FROM workspaces_users wu \
             JOIN workspaces w ON w.id = wu.workspace_id \
                          WHERE wu.user_id = ? ORDER BY w.inserted_at, w.rowid",
        )
        .bind(user_id)
        .fetch_all(self.pool())
        .await
    }

    pub async fn workspace_by_id(&self, id: &str) -> sqlx::Result<Option<Workspace>> {
        sqlx::query_as("SELECT id, name, inserted_at, updated_at FROM workspaces WHERE id = ?")
            .bind(id)
            .fetch_optional(self.pool())
            .await
    }

    /// Creates a workspace; a drawn id already in use is drawn again from `ids`, a given one is
    /// [`WorkspaceCreated::IdTaken`]. The name is checked first, as on the real server.
    pub async fn create_workspace(
        &self,
        workspace: &Workspace,
        ids: &IdSource,
        origin: IdOrigin,
    ) -> sqlx::Result<WorkspaceCreated> {
        let mut workspace = workspace.clone();
        for _ in 0..MAX_ID_DRAWS {
            match self.try_create_workspace(&workspace).await? {
                Attempt::Done(outcome) => {
                    if matches!(outcome, WorkspaceCreated::Created(_)) {
                        self.changed();
                    }
                    return Ok(outcome);
                }
                Attempt::IdTaken if origin == IdOrigin::Given => {
                    return Ok(WorkspaceCreated::IdTaken)
                }
                Attempt::IdTaken => workspace.id = ids.uuid(),
            }
        }
        Err(sqlx::Error::Protocol(format!(
            "no free workspace id after {MAX_ID_DRAWS} draws"
        )))
    }

    async fn try_create_workspace(
        &self,
        workspace: &Workspace,
    ) -> sqlx::Result<Attempt<WorkspaceCreated>> {
        let mut conn = self.pool().acquire().await?;
        match insert_workspace(&mut conn, workspace).await {
            Ok(()) => Ok(Attempt::Done(WorkspaceCreated::Created(workspace.clone()))),
            Err(e) if is_unique_violation(&e) => {
                let name_taken: Option<i64> =
                    sqlx::query_scalar("SELECT 1 FROM workspaces WHERE name = ?")
                        .bind(&workspace.name)
                        .fetch_optional(&mut *conn)
                        .await?;
                Ok(match name_taken {
                    Some(_) => Attempt::Done(WorkspaceCreated::NameTaken),
                    None => Attempt::IdTaken,
                })
            }
            Err(e) => Err(e),
        }
    }

    /// Deletes a workspace and its memberships, unless it has datasets.
    pub async fn delete_workspace(&self, id: &str) -> sqlx::Result<WorkspaceDeleted> {
        let result = sqlx::query("DELETE FROM workspaces WHERE id = ?")
            .bind(id)
            .execute(self.pool())
            .await;
        let deleted = match result {
            Ok(done) if done.rows_affected() == 1 => WorkspaceDeleted::Deleted,
            Ok(_) => WorkspaceDeleted::Gone,
            // A dataset's foreign key: one was created since the handler looked.
            Err(sqlx::Error::Database(db)) if db.is_foreign_key_violation() => {
                return Ok(WorkspaceDeleted::HasDatasets)
            }
            Err(e) => return Err(e),
        };
        self.changed();
        Ok(deleted)
    }

    /// The members of a workspace, in link order.
    pub async fn members_of(&self, workspace_id: &str) -> sqlx::Result<Vec<Arc<UserRecord>>> {
        let ids: Vec<String> = sqlx::query_scalar(
            "SELECT user_id FROM workspaces_users WHERE workspace_id = ? \
             ORDER BY inserted_at, rowid",
        )
        .bind(workspace_id)
        .fetch_all(self.pool())
        .await?;
        let snapshot = self.snapshot().await?;
        Ok(ids
            .iter()
            .filter_map(|id| snapshot.by_id(id))
            .cloned()
            .collect())
    }

    pub async fn is_member(&self, workspace_id: &str, user_id: &str) -> sqlx::Result<bool> {
        let found: Option<i64> = sqlx::query_scalar(
            "SELECT 1 FROM workspaces_users WHERE workspace_id = ? AND user_id = ?",
        )
        .bind(workspace_id)
        .bind(user_id)
        .fetch_optional(self.pool())
        .await?;
        Ok(found.is_some())
    }

    /// Links a user to a workspace; `Some(false)` when the link already exists, `None` when the
    /// user or workspace disappeared since it was looked up (a concurrent delete).
    pub async fn add_member(
        &self,
        workspace_id: &str,
        user_id: &str,
        linked_at: &str,
    ) -> sqlx::Result<Option<bool>> {
        let mut conn = self.pool().acquire().await?;
        let inserted = insert_membership(&mut conn, workspace_id, user_id, linked_at).await;
        match inserted {
            Ok(_) => {
                self.changed();
                Ok(Some(true))
            }
            Err(e) if is_unique_violation(&e) => Ok(Some(false)),
            Err(sqlx::Error::Database(db)) if db.is_foreign_key_violation() => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Removes a link; `false` when there was none.
    pub async fn remove_member(&self, workspace_id: &str, user_id: &str) -> sqlx::Result<bool> {
        let result =
            sqlx::query("DELETE FROM workspaces_users WHERE workspace_id = ? AND user_id = ?")
                .bind(workspace_id)
                .bind(user_id)
                .execute(self.pool())
                .await?;
        self.changed();
        Ok(result.rows_affected() == 1)
    }

    /// Every membership as (workspace id, user id, link time), in link order.
    pub async fn list_memberships(&self) -> sqlx::Result<Vec<(String, String, String)>> {
        sqlx::query_as(
            "SELECT workspace_id, user_id, inserted_at FROM workspaces_users ORDER BY inserted_at, rowid",
        )
        .fetch_all(self.pool())
        .await
    }
}
