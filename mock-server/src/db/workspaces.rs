//! Queries on workspaces and memberships.

use super::{is_unique_violation, Database};
use crate::models::{UserRecord, Workspace};

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

    pub async fn workspace_name_taken(&self, name: &str) -> sqlx::Result<bool> {
        let found: Option<i64> = sqlx::query_scalar("SELECT 1 FROM workspaces WHERE name = ?")
            .bind(name)
            .fetch_optional(self.pool())
            .await?;
        Ok(found.is_some())
    }

    /// Inserts a workspace; `None` when its name or id is taken.
    pub async fn create_workspace(&self, workspace: &Workspace) -> sqlx::Result<Option<Workspace>> {
        let inserted = sqlx::query(
            "INSERT INTO workspaces (id, name, inserted_at, updated_at) VALUES (?, ?, ?, ?)",
        )
        .bind(&workspace.id)
        .bind(&workspace.name)
        .bind(&workspace.inserted_at)
        .bind(&workspace.updated_at)
        .execute(self.pool())
        .await;
        match inserted {
            Ok(_) => {
                self.changed();
                Ok(Some(workspace.clone()))
            }
            Err(e) if is_unique_violation(&e) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Deletes a workspace and its memberships; `false` when it did not exist.
    pub async fn delete_workspace(&self, id: &str) -> sqlx::Result<bool> {
        let result = sqlx::query("DELETE FROM workspaces WHERE id = ?")
            .bind(id)
            .execute(self.pool())
            .await?;
        self.changed();
        Ok(result.rows_affected() == 1)
    }

    /// The members of a workspace, in link order.
    pub async fn members_of(&self, workspace_id: &str) -> sqlx::Result<Vec<UserRecord>> {
        sqlx::query_as(
            "SELECT u.id, u.first_name, u.last_name, u.username, u.role, u.api_key, \
             u.inserted_at, u.updated_at FROM workspaces_users wu JOIN users u ON u.id = wu.user_id \
             WHERE wu.workspace_id = ? ORDER BY wu.inserted_at, wu.rowid",
        )
        .bind(workspace_id)
        .fetch_all(self.pool())
        .await
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
        let inserted = sqlx::query(
            "INSERT INTO workspaces_users (workspace_id, user_id, inserted_at) VALUES (?, ?, ?)",
        )
        .bind(workspace_id)
        .bind(user_id)
        .bind(linked_at)
        .execute(self.pool())
        .await;
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
