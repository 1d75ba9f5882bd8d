//! Replacing all the data at once: start-up seeding, resets and `PUT /__mock/fixtures`.

use super::datasets::insert_dataset;
use super::record_writes::write_new_records;
use super::settings::SettingRow;
use super::users::insert_users;
use super::workspaces::{insert_memberships, insert_workspace};
use super::{Database, Replace};
use crate::fixtures::Fixtures;

impl Database {
    /// Writes `fixtures` in one transaction, through the same inserts the API uses, into an
    /// empty database or, with [`Replace::Wipe`], instead of every row there (datasets too).
    pub async fn replace_all(&self, fixtures: &Fixtures, how: Replace) -> sqlx::Result<()> {
        let mut tx = self.pool().begin().await?;
        if how == Replace::Wipe {
            // Datasets first: their workspaces may not go while they exist; their settings
            // (and all recorded in them) go with them.
            for table in ["datasets", "workspaces_users", "users", "workspaces"] {
                sqlx::query(&format!("DELETE FROM {table}"))
                    .execute(&mut *tx)
                    .await?;
            }
        }
        for workspace in &fixtures.workspaces {
            insert_workspace(&mut tx, workspace).await?;
        }
        let users: Vec<_> = fixtures
            .users
            .iter()
            .map(|u| (&*u.record, u.password_hash.as_str()))
            .collect();
        insert_users(&mut tx, &users).await?;
        // In the fixtures' order, so lists ordered by (inserted_at, rowid) show it.
        let links: Vec<_> = fixtures
            .users
            .iter()
            .flat_map(|u| {
                u.workspaces.iter().map(|&row| {
                    let workspace = &fixtures.workspaces[row as usize];
                    (
                        workspace.id.as_str(),
                        u.record.id.as_str(),
                        u.record.inserted_at.as_str(),
                    )
                })
            })
            .collect();
        insert_memberships(&mut tx, &links).await?;
        for fixture in &fixtures.datasets {
            insert_dataset(&mut tx, &fixture.dataset).await?;
            for field in &fixture.fields {
                field.insert(&mut tx).await?;
            }
            for question in &fixture.questions {
                question.insert(&mut tx).await?;
            }
            for property in &fixture.metadata_properties {
                property.insert(&mut tx).await?;
            }
            for vectors in &fixture.vectors_settings {
                vectors.insert(&mut tx).await?;
            }
            if !fixture.records.is_empty() {
                let settings = fixture.settings();
                let now = &fixture.dataset.inserted_at;
                write_new_records(&mut tx, &settings, &fixture.records, now).await?;
            }
        }
        tx.commit().await?;
        self.seeded_with(fixtures);
        Ok(())
    }
}
