//! Responses one at a time: created, replaced, deleted. Each write also sets its record's
//! status from the submitted responses and the dataset's last activity, in one transaction.

use serde_json::{Map, Value};
use sqlx::types::Json;
use sqlx::SqliteConnection;

use super::record_writes::{update_statuses, upsert_response, ResponseWrite};
use super::records::RESPONSE_COLUMNS;
use super::Database;
use crate::models::records::{Response, ResponseStatus};

/// What creating a response did.
#[derive(Debug)]
pub enum ResponseCreated {
    Created(Response),
    /// The user has a response to the record already.
    Exists,
    /// The record was deleted meanwhile.
    RecordGone,
}

/// Where a response goes: its record (by row and id) and the record's dataset.
#[derive(Debug, Clone, Copy)]
pub struct ResponseTarget<'a> {
    pub record_row: i64,
    pub record_id: &'a str,
    pub dataset_id: &'a str,
    /// The dataset's `distribution.min_submitted`.
    pub min_submitted: i64,
}

impl Database {
    pub async fn response_by_id(&self, id: &str) -> sqlx::Result<Option<Response>> {
        sqlx::query_as(&format!(
            "SELECT {RESPONSE_COLUMNS} FROM responses WHERE id = ?"
        ))
        .bind(id)
        .fetch_optional(self.pool())
        .await
    }

    /// Whether `user_id` has responded to the record.
    pub async fn user_has_response(&self, record_id: &str, user_id: &str) -> sqlx::Result<bool> {
        let found: Option<i64> =
            sqlx::query_scalar("SELECT 1 FROM responses WHERE record_id = ? AND user_id = ?")
                .bind(record_id)
                .bind(user_id)
                .fetch_optional(self.pool())
                .await?;
        Ok(found.is_some())
    }

    /// `user_id`'s response to the record, unless it has one.
    pub async fn create_response(
        &self,
        target: ResponseTarget<'_>,
        response: &ResponseWrite,
        now: &str,
    ) -> sqlx::Result<ResponseCreated> {
        let mut tx = self.pool().begin().await?;
        if !record_exists(&mut tx, target.record_id).await? {
            return Ok(ResponseCreated::RecordGone);
        }
        if user_response(&mut tx, target.record_id, &response.user_id)
            .await?
            .is_some()
        {
            return Ok(ResponseCreated::Exists);
        }
        upsert_response(&mut tx, target.dataset_id, target.record_id, response, now).await?;
        after_response_write(&mut tx, target, now).await?;
        let created = user_response(&mut tx, target.record_id, &response.user_id).await?;
        tx.commit().await?;
        Ok(created.map_or(ResponseCreated::RecordGone, ResponseCreated::Created))
    }

    /// Creates or replaces `user_id`'s response to the record; `None` when the record is gone.
    pub async fn upsert_response(
        &self,
        target: ResponseTarget<'_>,
        response: &ResponseWrite,
        now: &str,
    ) -> sqlx::Result<Option<Response>> {
        let mut tx = self.pool().begin().await?;
        if !record_exists(&mut tx, target.record_id).await? {
            return Ok(None);
        }
        upsert_response(&mut tx, target.dataset_id, target.record_id, response, now).await?;
        after_response_write(&mut tx, target, now).await?;
        let written = user_response(&mut tx, target.record_id, &response.user_id).await?;
        tx.commit().await?;
        Ok(written)
    }

    /// Replaces a response's values and status; `None` when it is gone.
    pub async fn update_response(
        &self,
        id: &str,
        target: ResponseTarget<'_>,
        values: Option<&Map<String, Value>>,
        status: ResponseStatus,
        now: &str,
    ) -> sqlx::Result<Option<Response>> {
        let mut tx = self.pool().begin().await?;
        let updated: Option<Response> = sqlx::query_as(&format!(
            "UPDATE responses SET \"values\" = ?, status = ?, updated_at = ? WHERE id = ? \
             RETURNING {RESPONSE_COLUMNS}"
        ))
        .bind(values.map(Json))
        .bind(status)
        .bind(now)
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
        if updated.is_some() {
            after_response_write(&mut tx, target, now).await?;
        }
        tx.commit().await?;
        Ok(updated)
    }

    /// Deletes a response; `None` when it was gone already.
    pub async fn delete_response(
        &self,
        id: &str,
        target: ResponseTarget<'_>,
        now: &str,
    ) -> sqlx::Result<Option<Response>> {
        let mut tx = self.pool().begin().await?;
        let deleted: Option<Response> = sqlx::query_as(&format!(
            "DELETE FROM responses WHERE id = ? RETURNING {RESPONSE_COLUMNS}"
        ))
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
        if deleted.is_some() {
            after_response_write(&mut tx, target, now).await?;
        }
        tx.commit().await?;
        Ok(deleted)
    }
}

/// The record's status from its submitted responses, and the dataset's last activity.
async fn after_response_write(
    conn: &mut SqliteConnection,
    target: ResponseTarget<'_>,
    now: &str,
) -> sqlx::Result<()> {
    update_statuses(&mut *conn, &[target.record_row], target.min_submitted, now).await?;
    sqlx::query("UPDATE datasets SET last_activity_at = ? WHERE id = ?")
        .bind(now)
        .bind(target.dataset_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

async fn user_response(
    conn: &mut SqliteConnection,
    record_id: &str,
    user_id: &str,
) -> sqlx::Result<Option<Response>> {
    sqlx::query_as(&format!(
        "SELECT {RESPONSE_COLUMNS} FROM responses WHERE record_id = ? AND user_id = ?"
    ))
    .bind(record_id)
    .bind(user_id)
    .fetch_optional(&mut *conn)
    .await
}

async fn record_exists(conn: &mut SqliteConnection, record_id: &str) -> sqlx::Result<bool> {
    let found: Option<i64> = sqlx::query_scalar("SELECT 1 FROM records WHERE id = ?")
        .bind(record_id)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(found.is_some())
}
