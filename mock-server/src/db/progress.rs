//! What a dataset's progress and metrics count (`argilla-2x-records-api.md` §6): its records by
//! status, who has responded, each user's responses, and the values of a metadata property.

use super::Database;
use crate::models::records::{RecordStatus, ResponseStatus};

/// A dataset's records by status, and who has responded (by first response).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Progress {
    pub total: i64,
    pub completed: i64,
    pub pending: i64,
    pub usernames: Vec<String>,
}

/// One user's responses in a dataset, by the status of their record and their own.
#[derive(Debug, Clone, PartialEq)]
pub struct UserProgress {
    pub username: String,
    /// `(record status, response status, count)`.
    pub counts: Vec<(RecordStatus, ResponseStatus, i64)>,
}

impl UserProgress {
    pub fn count(&self, record: RecordStatus, response: ResponseStatus) -> i64 {
        (self.counts.iter())
            .find(|(r, s, _)| *r == record && *s == response)
            .map_or(0, |(_, _, n)| *n)
    }
}

/// A metadata property's values: terms with how many records hold each, or the bounds.
#[derive(Debug, Clone, PartialEq)]
pub enum MetadataValues {
    /// `(term, records)`, most held first; `total`: how many values in all.
    Terms {
        total: i64,
        counts: Vec<(String, i64)>,
    },
    Numbers {
        min: Option<f64>,
        max: Option<f64>,
    },
}

impl Database {
    /// `counted`: whether the records count (a draft's are not in the search engine).
    pub async fn dataset_progress(
        &self,
        dataset_id: &str,
        counted: bool,
    ) -> sqlx::Result<Progress> {
        let mut progress = Progress::default();
        if counted {
            let by_status: Vec<(RecordStatus, i64)> = sqlx::query_as(
                "SELECT status, COUNT(*) FROM records WHERE dataset_id = ? GROUP BY status",
            )
            .bind(dataset_id)
            .fetch_all(self.pool())
            .await?;
            for (status, count) in by_status {
                progress.total += count;
                match status {
                    RecordStatus::Completed => progress.completed = count,
                    RecordStatus::Pending => progress.pending = count,
                }
            }
        }
        progress.usernames = sqlx::query_scalar(
            "SELECT u.username FROM datasets_users d JOIN users u ON u.id = d.user_id \
             WHERE d.dataset_id = ? ORDER BY d.inserted_at, d.rowid",
        )
        .bind(dataset_id)
        .fetch_all(self.pool())
        .await?;
        Ok(progress)
    }

    /// Every user with responses in the dataset, oldest user first.
    pub async fn users_progress(&self, dataset_id: &str) -> sqlx::Result<Vec<UserProgress>> {
        let rows: Vec<(String, RecordStatus, ResponseStatus, i64)> = sqlx::query_as(
            "SELECT u.username, r.status, s.status, COUNT(*) FROM responses s \
             JOIN records r ON r.id = s.record_id JOIN users u ON u.id = s.user_id \
             WHERE r.dataset_id = ? GROUP BY u.id, r.status, s.status \
             ORDER BY u.inserted_at, u.rowid",
        )
        .bind(dataset_id)
        .fetch_all(self.pool())
        .await?;
        let mut users: Vec<UserProgress> = Vec::new();
        for (username, record, response, count) in rows {
            match users.iter_mut().find(|u| u.username == username) {
                Some(user) => user.counts.push((record, response, count)),
                None => users.push(UserProgress {
                    username,
                    counts: vec![(record, response, count)],
                }),
            }
        }
        Ok(users)
    }

    /// Of the records `user_id` has responded to, how many have a response (anyone's) of each
    /// status: what the real server's search engine counts for "my" metrics.
    pub async fn records_by_response_status(
        &self,
        dataset_id: &str,
        user_id: &str,
    ) -> sqlx::Result<Vec<(ResponseStatus, i64)>> {
        sqlx::query_as(
            "SELECT s.status, COUNT(DISTINCT s.record_id) FROM responses s \
             JOIN records r ON r.id = s.record_id WHERE r.dataset_id = ? AND s.record_id IN \
             (SELECT record_id FROM responses WHERE user_id = ?) GROUP BY s.status",
        )
        .bind(dataset_id)
        .bind(user_id)
        .fetch_all(self.pool())
        .await
    }

    /// The values records hold for a metadata property.
    pub async fn metadata_values(
        &self,
        property_id: &str,
        terms: bool,
    ) -> sqlx::Result<MetadataValues> {
        if terms {
            let counts: Vec<(String, i64)> = sqlx::query_as(
                "SELECT term, COUNT(DISTINCT record_row) AS n FROM records_metadata \
                 WHERE property_id = ? AND term IS NOT NULL GROUP BY term ORDER BY n DESC, term",
            )
            .bind(property_id)
            .fetch_all(self.pool())
            .await?;
            let (total,): (i64,) = sqlx::query_as(
                "SELECT COUNT(*) FROM records_metadata WHERE property_id = ? AND term IS NOT NULL",
            )
            .bind(property_id)
            .fetch_one(self.pool())
            .await?;
            return Ok(MetadataValues::Terms { total, counts });
        }
        let (min, max): (Option<f64>, Option<f64>) = sqlx::query_as(
            "SELECT MIN(number), MAX(number) FROM records_metadata WHERE property_id = ?",
        )
        .bind(property_id)
        .fetch_one(self.pool())
        .await?;
        Ok(MetadataValues::Numbers { min, max })
    }
}
