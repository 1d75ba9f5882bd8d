//! Suggestions one at a time (the record routes write them in bulk, `record_writes`).

use sqlx::{QueryBuilder, Sqlite};

use super::record_writes::{upsert_suggestion, SuggestionWrite};
use super::records::SUGGESTION_COLUMNS;
use super::Database;
use crate::models::records::Suggestion;

impl Database {
    /// A record's suggestions, oldest first.
    pub async fn suggestions_of(&self, record_id: &str) -> sqlx::Result<Vec<Suggestion>> {
        sqlx::query_as(&format!(
            "SELECT {SUGGESTION_COLUMNS} FROM suggestions WHERE record_id = ? \
             ORDER BY inserted_at, rowid"
        ))
        .bind(record_id)
        .fetch_all(self.pool())
        .await
    }

    pub async fn suggestion_by_id(&self, id: &str) -> sqlx::Result<Option<Suggestion>> {
        sqlx::query_as(&format!(
            "SELECT {SUGGESTION_COLUMNS} FROM suggestions WHERE id = ?"
        ))
        .bind(id)
        .fetch_optional(self.pool())
        .await
    }

    /// Creates or replaces the record's suggestion for the question; `true` when created.
    /// `None` when the record is gone.
    pub async fn upsert_record_suggestion(
        &self,
        record_id: &str,
        suggestion: &SuggestionWrite,
        now: &str,
    ) -> sqlx::Result<Option<(Suggestion, bool)>> {
        let mut tx = self.pool().begin().await?;
        let exists: Option<i64> = sqlx::query_scalar("SELECT 1 FROM records WHERE id = ?")
            .bind(record_id)
            .fetch_optional(&mut *tx)
            .await?;
        if exists.is_none() {
            return Ok(None);
        }
        let created = upsert_suggestion(&mut tx, record_id, suggestion, now).await?;
        let written: Suggestion = sqlx::query_as(&format!(
            "SELECT {SUGGESTION_COLUMNS} FROM suggestions WHERE record_id = ? AND question_id = ?"
        ))
        .bind(record_id)
        .bind(&suggestion.question_id)
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(Some((written, created)))
    }

    /// Deletes those of `ids` that are suggestions of the record (others are ignored).
    pub async fn delete_suggestions(&self, record_id: &str, ids: &[String]) -> sqlx::Result<u64> {
        if ids.is_empty() {
            return Ok(0);
        }
        let mut query = QueryBuilder::<Sqlite>::new("DELETE FROM suggestions WHERE record_id = ");
        query.push_bind(record_id).push(" AND id IN ");
        query.push_tuples(ids, |mut t, id| {
            t.push_bind(id);
        });
        Ok(query.build().execute(self.pool()).await?.rows_affected())
    }

    /// Deletes a suggestion; `false` when it was gone already.
    pub async fn delete_suggestion(&self, id: &str) -> sqlx::Result<bool> {
        let done = sqlx::query("DELETE FROM suggestions WHERE id = ?")
            .bind(id)
            .execute(self.pool())
            .await?;
        Ok(done.rows_affected() == 1)
    }

    /// For each question of the dataset (by creation), the distinct agents of its suggestions.
    pub async fn suggestion_agents(
        &self,
        dataset_id: &str,
    ) -> sqlx::Result<Vec<(String, String, Vec<String>)>> {
        let rows: Vec<(String, String, Option<String>)> = sqlx::query_as(
            "SELECT q.id, q.name, (SELECT json_group_array(agent) FROM (SELECT DISTINCT s.agent \
             FROM suggestions s WHERE s.question_id = q.id AND s.agent IS NOT NULL)) \
             FROM questions q WHERE q.dataset_id = ? ORDER BY q.inserted_at, q.rowid",
        )
        .bind(dataset_id)
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .into_iter()
            .map(|(id, name, agents)| {
                let agents = (agents.as_deref())
                    .and_then(|a| serde_json::from_str(a).ok())
                    .unwrap_or_default();
                (id, name, agents)
            })
            .collect())
    }
}
