//! Replacing all the data at once: start-up seeding, resets and `PUT /__mock/fixtures`.

use std::collections::HashMap;

use super::users::insert_user;
use super::workspaces::{insert_membership, insert_workspace};
use super::Database;
use crate::fixtures::Fixtures;

impl Database {
    /// Writes `fixtures` in one transaction, through the same inserts the API uses. `wipe`
    /// first removes every user, workspace and membership (a reset); without it the database
    /// must be empty.
    pub async fn replace_all(&self, fixtures: &Fixtures, wipe: bool) -> sqlx::Result<()> {
        let mut tx = self.pool().begin().await?;
        if wipe {
            for table in ["workspaces_users", "users", "workspaces"] {
                sqlx::query(&format!("DELETE FROM {table}"))
                    .execute(&mut *tx)
                    .await?;
            }
        }
        let mut workspace_ids = HashMap::with_capacity(fixtures.workspaces.len());
        for workspace in &fixtures.workspaces {
            insert_workspace(&mut tx, workspace).await?;
            workspace_ids.insert(workspace.name.as_str(), workspace.id.as_str());
        }
        for (user, names) in &fixtures.users {
            insert_user(&mut tx, user).await?;
            // The loader has checked that every name is a fixture workspace.
            for workspace_id in names.iter().filter_map(|n| workspace_ids.get(n.as_str())) {
                insert_membership(&mut tx, workspace_id, &user.id, &user.inserted_at).await?;
            }
        }
        tx.commit().await?;
        self.changed();
        Ok(())
    }
}
