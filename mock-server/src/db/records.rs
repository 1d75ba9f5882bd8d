//! Reading and deleting records, and what is attached to them. Records are read from SQLite by
//! query, a page at a time: they grow with the user's data and never enter the snapshot.

use std::collections::HashMap;

use sqlx::{QueryBuilder, Sqlite};

use super::Database;
use crate::models::datasets::{Dataset, DatasetSettings};
use crate::models::records::{vector_from_bytes, Record, Response, Suggestion};

pub(super) const RECORD_COLUMNS: &str =
    "row, id, dataset_id, external_id, status, fields, metadata, inserted_at, updated_at";
pub(super) const RESPONSE_COLUMNS: &str =
    "id, record_id, user_id, \"values\", status, inserted_at, updated_at";
pub(super) const SUGGESTION_COLUMNS: &str =
    "id, record_id, question_id, value, score, agent, type, inserted_at, updated_at";

/// Which of a record's relations a read loads (the others are left out of the answer).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Include {
    pub responses: bool,
    pub suggestions: bool,
    pub vectors: VectorsIncluded,
}

/// Which vectors a read loads.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum VectorsIncluded {
    #[default]
    None,
    All,
    /// Those of the vector settings with these names.
    Named(Vec<String>),
}

impl Include {
    pub fn all() -> Include {
        Include {
            responses: true,
            suggestions: true,
            vectors: VectorsIncluded::All,
        }
    }
}

/// A record with the relations a read loaded (`None`: not loaded, left out of the answer).
#[derive(Debug, Clone)]
pub struct LoadedRecord {
    pub record: Record,
    pub responses: Option<Vec<Response>>,
    pub suggestions: Option<Vec<Suggestion>>,
    /// `(vector settings name, value)`, in the order they were given.
    pub vectors: Option<Vec<(String, Vec<f64>)>>,
}

impl Database {
    /// A dataset with all its settings.
    pub async fn dataset_settings(&self, dataset: Dataset) -> sqlx::Result<DatasetSettings> {
        Ok(DatasetSettings {
            fields: self.settings_of(&dataset.id).await?,
            questions: self.settings_of(&dataset.id).await?,
            metadata_properties: self.settings_of(&dataset.id).await?,
            vectors_settings: self.settings_of(&dataset.id).await?,
            dataset,
        })
    }

    pub async fn record_by_id(&self, id: &str) -> sqlx::Result<Option<Record>> {
        sqlx::query_as(&format!(
            "SELECT {RECORD_COLUMNS} FROM records WHERE id = ?"
        ))
        .bind(id)
        .fetch_optional(self.pool())
        .await
    }

    /// A page of a dataset's records, oldest first, and how many it has in all.
    pub async fn records_page(
        &self,
        dataset_id: &str,
        offset: i64,
        limit: i64,
        include: &Include,
    ) -> sqlx::Result<(Vec<LoadedRecord>, i64)> {
        let records: Vec<Record> = sqlx::query_as(&format!(
            "SELECT {RECORD_COLUMNS} FROM records WHERE dataset_id = ? \
             ORDER BY inserted_at, row LIMIT ? OFFSET ?"
        ))
        .bind(dataset_id)
        .bind(limit)
        .bind(offset.max(0))
        .fetch_all(self.pool())
        .await?;
        let (total,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM records WHERE dataset_id = ?")
            .bind(dataset_id)
            .fetch_one(self.pool())
            .await?;
        Ok((self.with_relations(records, include).await?, total))
    }

    /// Records by their rows, in the order given (a search's hits).
    pub async fn records_by_rows(
        &self,
        rows: &[i64],
        include: &Include,
    ) -> sqlx::Result<Vec<LoadedRecord>> {
        if rows.is_empty() {
            return Ok(Vec::new());
        }
        let mut query = QueryBuilder::<Sqlite>::new(format!(
            "SELECT {RECORD_COLUMNS} FROM records WHERE row IN "
        ));
        query.push_tuples(rows, |mut t, row| {
            t.push_bind(*row);
        });
        let found: Vec<Record> = query.build_query_as().fetch_all(self.pool()).await?;
        let mut by_row: HashMap<i64, Record> = found.into_iter().map(|r| (r.row, r)).collect();
        let ordered: Vec<Record> = rows.iter().filter_map(|row| by_row.remove(row)).collect();
        self.with_relations(ordered, include).await
    }

    /// The records with the relations `include` asks for, each in its order: responses and
    /// suggestions by creation, vectors in the order given.
    pub async fn with_relations(
        &self,
        records: Vec<Record>,
        include: &Include,
    ) -> sqlx::Result<Vec<LoadedRecord>> {
        let ids: Vec<&str> = records.iter().map(|r| r.id.as_str()).collect();
        let mut responses = HashMap::<String, Vec<Response>>::new();
        if include.responses && !ids.is_empty() {
            for response in self
                .by_record_ids::<Response>(RESPONSE_COLUMNS, "responses", &ids)
                .await?
            {
                responses
                    .entry(response.record_id.clone())
                    .or_default()
                    .push(response);
            }
        }
        let mut suggestions = HashMap::<String, Vec<Suggestion>>::new();
        if include.suggestions && !ids.is_empty() {
            for suggestion in
                (self.by_record_ids::<Suggestion>(SUGGESTION_COLUMNS, "suggestions", &ids)).await?
            {
                (suggestions.entry(suggestion.record_id.clone()).or_default()).push(suggestion);
            }
        }
        let vectors = match &include.vectors {
            VectorsIncluded::None => HashMap::new(),
            which => self.vectors_of(&records, which).await?,
        };
        // A record may be listed twice (a bulk that writes it twice shows it twice).
        Ok(records
            .into_iter()
            .map(|record| LoadedRecord {
                responses: (include.responses)
                    .then(|| responses.get(&record.id).cloned().unwrap_or_default()),
                suggestions: (include.suggestions)
                    .then(|| suggestions.get(&record.id).cloned().unwrap_or_default()),
                vectors: (include.vectors != VectorsIncluded::None)
                    .then(|| vectors.get(&record.row).cloned().unwrap_or_default()),
                record,
            })
            .collect())
    }

    async fn by_record_ids<T>(
        &self,
        columns: &str,
        table: &str,
        ids: &[&str],
    ) -> sqlx::Result<Vec<T>>
    where
        T: for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow> + Send + Unpin,
    {
        let mut all = Vec::new();
        // Bound parameters are limited: a few hundred ids per statement.
        for chunk in ids.chunks(500) {
            let mut query = QueryBuilder::<Sqlite>::new(format!(
                "SELECT {columns} FROM {table} WHERE record_id IN "
            ));
            query.push_tuples(chunk, |mut t, id| {
                t.push_bind(*id);
            });
            query.push(" ORDER BY inserted_at, rowid");
            all.extend(query.build_query_as::<T>().fetch_all(self.pool()).await?);
        }
        Ok(all)
    }

    async fn vectors_of(
        &self,
        records: &[Record],
        which: &VectorsIncluded,
    ) -> sqlx::Result<HashMap<i64, Vec<(String, Vec<f64>)>>> {
        let mut by_record: HashMap<i64, Vec<(String, Vec<f64>)>> = HashMap::new();
        let rows: Vec<i64> = records.iter().map(|r| r.row).collect();
        for chunk in rows.chunks(500) {
            if chunk.is_empty() {
                continue;
            }
            let mut query = QueryBuilder::<Sqlite>::new(
                "SELECT v.record_row, s.name, v.value FROM vectors v \
                 JOIN vectors_settings s ON s.id = v.vector_settings_id WHERE v.record_row IN ",
            );
            query.push_tuples(chunk, |mut t, row| {
                t.push_bind(*row);
            });
            query.push(" ORDER BY v.inserted_at, s.inserted_at, s.rowid");
            let found: Vec<(i64, String, Vec<u8>)> =
                query.build_query_as().fetch_all(self.pool()).await?;
            for (row, name, value) in found {
                let wanted = match which {
                    VectorsIncluded::Named(names) => names.contains(&name),
                    _ => true,
                };
                if wanted {
                    (by_record.entry(row).or_default()).push((name, vector_from_bytes(&value)));
                }
            }
        }
        Ok(by_record)
    }

    /// A record's vector in one vector space.
    pub async fn record_vector(
        &self,
        row: i64,
        vector_settings_id: &str,
    ) -> sqlx::Result<Option<Vec<f64>>> {
        let value: Option<Vec<u8>> = sqlx::query_scalar(
            "SELECT value FROM vectors WHERE record_row = ? AND vector_settings_id = ?",
        )
        .bind(row)
        .bind(vector_settings_id)
        .fetch_optional(self.pool())
        .await?;
        Ok(value.map(|bytes| vector_from_bytes(&bytes)))
    }

    /// Deletes a record and all attached to it; `false` when it was gone already.
    pub async fn delete_record(&self, id: &str) -> sqlx::Result<bool> {
        let done = sqlx::query("DELETE FROM records WHERE id = ?")
            .bind(id)
            .execute(self.pool())
            .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Deletes those of `ids` that are records of the dataset (others are ignored).
    pub async fn delete_records(&self, dataset_id: &str, ids: &[String]) -> sqlx::Result<u64> {
        if ids.is_empty() {
            return Ok(0);
        }
        let mut query = QueryBuilder::<Sqlite>::new("DELETE FROM records WHERE dataset_id = ");
        query.push_bind(dataset_id).push(" AND id IN ");
        query.push_tuples(ids, |mut t, id| {
            t.push_bind(id);
        });
        Ok(query.build().execute(self.pool()).await?.rows_affected())
    }

    /// How many records a dataset has.
    pub async fn record_count(&self, dataset_id: &str) -> sqlx::Result<i64> {
        let (count,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM records WHERE dataset_id = ?")
            .bind(dataset_id)
            .fetch_one(self.pool())
            .await?;
        Ok(count)
    }
}
