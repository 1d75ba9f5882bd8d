//! Queries on datasets. Datasets are read from SQLite on each request (not kept in the users'
//! snapshot): they grow with the user's data.

use serde_json::{Map, Value};
use sqlx::types::Json;
use sqlx::SqliteConnection;

use super::{is_unique_violation, Database};
use crate::models::datasets::{Dataset, DatasetStatus, Distribution};
use crate::models::UserRecord;
use crate::policy::sees_every_workspace;

const DATASET_COLUMNS: &str = "id, name, guidelines, allow_extra_metadata, status, distribution, \
     metadata, workspace_id, last_activity_at, inserted_at, updated_at";

/// The filters of `GET /api/v1/me/datasets`: each, when given, must match exactly.
#[derive(Debug, Clone, Default)]
pub struct DatasetFilter {
    pub workspace_id: Option<String>,
    pub name: Option<String>,
    pub status: Option<DatasetStatus>,
}

/// What became of a request to create a dataset.
#[derive(Debug)]
pub enum DatasetCreated {
    Created(Box<Dataset>),
    UnknownWorkspace,
    NameTaken,
}

/// The columns a dataset PATCH may change; `None` leaves one as it is.
#[derive(Debug, Clone, Default)]
pub struct DatasetChanges {
    pub name: Option<String>,
    /// `Some(None)` clears them.
    pub guidelines: Option<Option<String>>,
    pub allow_extra_metadata: Option<bool>,
    pub distribution: Option<Distribution>,
    /// `Some(None)` clears it; an object is merged into the stored one (see [`Self::apply`]).
    pub metadata: Option<Option<Map<String, Value>>>,
}

/// A PATCH applied to a dataset: what is stored, what the answer shows, and whether any
/// column was written.
#[derive(Debug, Clone)]
pub struct AppliedChanges {
    pub stored: Dataset,
    pub shown: Dataset,
    /// False when nothing changed: the row (and its timestamps) stay as they were.
    pub written: bool,
}

impl DatasetChanges {
    /// These changes applied to `current` as argilla-server 2.8 applies them: a value equal to
    /// the stored one changes nothing; a distribution always counts as written (it is a
    /// mutable JSON column there); a metadata object is merged into a stored one in place,
    /// which its ORM does not notice, so the merge is shown in the answer but not stored —
    /// only metadata set from null, or cleared, is written (`argilla-2x-datasets-api.md` §3.4).
    pub fn apply(&self, current: &Dataset) -> AppliedChanges {
        let mut stored = current.clone();
        let mut shown_metadata = None;
        let mut written = false;
        if let Some(name) = self.name.as_ref().filter(|n| **n != current.name) {
            stored.name = name.clone();
            written = true;
        }
        if let Some(guidelines) = self
            .guidelines
            .as_ref()
            .filter(|g| **g != current.guidelines)
        {
            stored.guidelines = guidelines.clone();
            written = true;
        }
        if let Some(allow) = self
            .allow_extra_metadata
            .filter(|a| *a != current.allow_extra_metadata)
        {
            stored.allow_extra_metadata = allow;
            written = true;
        }
        if let Some(distribution) = self.distribution {
            stored.distribution = Json(distribution);
            written = true;
        }
        match (&self.metadata, &current.metadata) {
            (None, _) => {}
            (Some(Some(sent)), Some(Json(kept))) => {
                let mut merged = kept.clone();
                merged.extend(sent.clone());
                shown_metadata = Some(Some(Json(merged)));
            }
            (Some(sent), kept) => {
                let sent = sent.clone().map(Json);
                if sent != *kept {
                    stored.metadata = sent;
                    written = true;
                }
            }
        }
        let mut shown = stored.clone();
        if let Some(metadata) = shown_metadata {
            shown.metadata = metadata;
        }
        AppliedChanges {
            stored,
            shown,
            written,
        }
    }
}

/// What became of a dataset PATCH.
#[derive(Debug)]
pub enum DatasetUpdated {
    /// The dataset as the answer shows it (see [`DatasetChanges::apply`]).
    Updated(Box<Dataset>),
    /// Another dataset of the workspace has this name, the one the PATCH gave.
    NameTaken(String),
    Gone,
}

/// What became of a request to publish a dataset, checked in the real server's order.
#[derive(Debug)]
pub enum Published {
    Published(Box<Dataset>),
    AlreadyPublished,
    NoFields,
    NoRequiredQuestion,
    Gone,
}

/// Inserts one dataset row (the one INSERT for datasets: API and fixtures).
pub(super) async fn insert_dataset(
    conn: &mut SqliteConnection,
    dataset: &Dataset,
) -> sqlx::Result<()> {
    sqlx::query(&format!(
        "INSERT INTO datasets ({DATASET_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    ))
    .bind(&dataset.id)
    .bind(&dataset.name)
    .bind(&dataset.guidelines)
    .bind(dataset.allow_extra_metadata)
    .bind(dataset.status.as_str())
    .bind(dataset.distribution)
    .bind(&dataset.metadata)
    .bind(&dataset.workspace_id)
    .bind(&dataset.last_activity_at)
    .bind(&dataset.inserted_at)
    .bind(&dataset.updated_at)
    .execute(conn)
    .await
    .map(drop)
}

impl Database {
    /// The datasets `user` may list (an owner: every one; anyone else: those of its
    /// workspaces), matching `filter`, oldest first.
    pub async fn datasets_of(
        &self,
        user: &UserRecord,
        filter: &DatasetFilter,
    ) -> sqlx::Result<Vec<Dataset>> {
        let mut query = sqlx::QueryBuilder::new(format!(
            "SELECT {} FROM datasets d WHERE 1 = 1",
            DATASET_COLUMNS
                .split(", ")
                .map(|c| format!("d.{c}"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
        if !sees_every_workspace(user) {
            query
                .push(" AND d.workspace_id IN (SELECT workspace_id FROM workspaces_users WHERE user_id = ")
                .push_bind(&user.id)
                .push(")");
        }
        if let Some(workspace_id) = &filter.workspace_id {
            query.push(" AND d.workspace_id = ").push_bind(workspace_id);
        }
        if let Some(name) = &filter.name {
            query.push(" AND d.name = ").push_bind(name);
        }
        if let Some(status) = filter.status {
            query.push(" AND d.status = ").push_bind(status.as_str());
        }
        query.push(" ORDER BY d.inserted_at, d.rowid");
        query.build_query_as().fetch_all(self.pool()).await
    }

    /// Every dataset, oldest first.
    pub async fn all_datasets(&self) -> sqlx::Result<Vec<Dataset>> {
        sqlx::query_as(&format!(
            "SELECT {DATASET_COLUMNS} FROM datasets ORDER BY inserted_at, rowid"
        ))
        .fetch_all(self.pool())
        .await
    }

    pub async fn dataset_by_id(&self, id: &str) -> sqlx::Result<Option<Dataset>> {
        sqlx::query_as(&format!(
            "SELECT {DATASET_COLUMNS} FROM datasets WHERE id = ?"
        ))
        .bind(id)
        .fetch_optional(self.pool())
        .await
    }

    /// Creates a dataset: its workspace must exist (checked first, as the real server does),
    /// then its name must be free in that workspace.
    pub async fn create_dataset(&self, dataset: &Dataset) -> sqlx::Result<DatasetCreated> {
        let mut tx = self.pool().begin().await?;
        let workspace: Option<i64> = sqlx::query_scalar("SELECT 1 FROM workspaces WHERE id = ?")
            .bind(&dataset.workspace_id)
            .fetch_optional(&mut *tx)
            .await?;
        if workspace.is_none() {
            return Ok(DatasetCreated::UnknownWorkspace);
        }
        match insert_dataset(&mut tx, dataset).await {
            Err(e) if is_unique_violation(&e) => return Ok(DatasetCreated::NameTaken),
            other => other?,
        };
        tx.commit().await?;
        Ok(DatasetCreated::Created(Box::new(dataset.clone())))
    }

    /// Applies a PATCH (see [`DatasetChanges::apply`]); a dataset it writes gets `now` as its
    /// `updated_at` and `last_activity_at`.
    pub async fn update_dataset(
        &self,
        id: &str,
        changes: &DatasetChanges,
        now: &str,
    ) -> sqlx::Result<DatasetUpdated> {
        let mut tx = self.pool().begin().await?;
        let current: Option<Dataset> = sqlx::query_as(&format!(
            "SELECT {DATASET_COLUMNS} FROM datasets WHERE id = ?"
        ))
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(current) = current else {
            return Ok(DatasetUpdated::Gone);
        };
        let mut applied = changes.apply(&current);
        if !applied.written {
            return Ok(DatasetUpdated::Updated(Box::new(applied.shown)));
        }
        for row in [&mut applied.stored, &mut applied.shown] {
            row.updated_at = now.to_owned();
            row.last_activity_at = now.to_owned();
        }
        let stored = &applied.stored;
        let updated = sqlx::query(
            "UPDATE datasets SET name = ?, guidelines = ?, allow_extra_metadata = ?, \
             distribution = ?, metadata = ?, updated_at = ?, last_activity_at = ? WHERE id = ?",
        )
        .bind(&stored.name)
        .bind(&stored.guidelines)
        .bind(stored.allow_extra_metadata)
        .bind(stored.distribution)
        .bind(&stored.metadata)
        .bind(now)
        .bind(now)
        .bind(id)
        .execute(&mut *tx)
        .await;
        match updated {
            Err(e) if is_unique_violation(&e) => {
                return Ok(DatasetUpdated::NameTaken(applied.stored.name))
            }
            other => other?,
        };
        tx.commit().await?;
        Ok(DatasetUpdated::Updated(Box::new(applied.shown)))
    }

    /// Publishes a draft with at least one field and one required question.
    pub async fn publish_dataset(&self, id: &str, now: &str) -> sqlx::Result<Published> {
        let mut tx = self.pool().begin().await?;
        let status: Option<String> = sqlx::query_scalar("SELECT status FROM datasets WHERE id = ?")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
        match status.as_deref().and_then(DatasetStatus::parse) {
            None => return Ok(Published::Gone),
            Some(DatasetStatus::Ready) => return Ok(Published::AlreadyPublished),
            Some(DatasetStatus::Draft) => {}
        }
        let (fields, required_questions): (i64, i64) = sqlx::query_as(
            "SELECT (SELECT COUNT(*) FROM fields WHERE dataset_id = ?1), \
             (SELECT COUNT(*) FROM questions WHERE dataset_id = ?1 AND required)",
        )
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
        if fields == 0 {
            return Ok(Published::NoFields);
        }
        if required_questions == 0 {
            return Ok(Published::NoRequiredQuestion);
        }
        sqlx::query(
            "UPDATE datasets SET status = 'ready', updated_at = ?, last_activity_at = ? WHERE id = ?",
        )
        .bind(now)
        .bind(now)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        let dataset: Dataset = sqlx::query_as(&format!(
            "SELECT {DATASET_COLUMNS} FROM datasets WHERE id = ?"
        ))
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(Published::Published(Box::new(dataset)))
    }

    /// Deletes a dataset with its settings (and everything recorded in it); `false` when it
    /// was gone already.
    pub async fn delete_dataset(&self, id: &str) -> sqlx::Result<bool> {
        let result = sqlx::query("DELETE FROM datasets WHERE id = ?")
            .bind(id)
            .execute(self.pool())
            .await?;
        Ok(result.rows_affected() == 1)
    }

    /// Whether a workspace has any dataset (drafts too): such a workspace cannot be deleted.
    pub async fn workspace_has_datasets(&self, workspace_id: &str) -> sqlx::Result<bool> {
        let found: Option<i64> =
            sqlx::query_scalar("SELECT 1 FROM datasets WHERE workspace_id = ? LIMIT 1")
                .bind(workspace_id)
                .fetch_optional(self.pool())
                .await?;
        Ok(found.is_some())
    }
}
