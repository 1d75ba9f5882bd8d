//! Writing records with what is attached to them, in one transaction: the records, their
//! suggestions, vectors and responses, the statuses their responses give them, and what a search
//! reads of them (metadata values, text). The caller decides what to write (`RecordWrite`);
//! the decision is made inside the transaction, from the records as they are then, so two
//! writes to one record never interleave.

use std::collections::{HashMap, HashSet};

use serde_json::{Map, Value};
use sqlx::types::Json;
use sqlx::{QueryBuilder, Sqlite, SqliteConnection};

use super::records::{Include, LoadedRecord, RECORD_COLUMNS};
use super::Database;
use crate::models::datasets::{DatasetSettings, FieldSettings, MetadataSettings};
use crate::models::records::{vector_bytes, Record, RecordStatus, ResponseStatus, SuggestionType};
use crate::python::repr::py_value_repr;

/// One record to write.
#[derive(Debug, Clone)]
pub struct RecordWrite {
    pub target: WriteTarget,
    /// Replaces the fields (a new record must have them).
    pub fields: Option<Map<String, Value>>,
    /// Replaces the metadata (`Some(None)` clears it).
    pub metadata: Option<Option<Map<String, Value>>>,
    pub suggestions: SuggestionsWrite,
    /// Upserted per vector settings: `(vector settings id, value)`.
    pub vectors: Vec<(String, Vec<f64>)>,
    /// Upserted per user.
    pub responses: Vec<ResponseWrite>,
    /// Sets an existing record's `updated_at` even when its fields and metadata stay (a PATCH
    /// does; a bulk upsert only when they change).
    pub touch: bool,
}

#[derive(Debug, Clone)]
pub enum WriteTarget {
    New {
        id: String,
        external_id: Option<String>,
    },
    /// A record of the dataset, by its row.
    Existing(i64),
}

/// What a write does to a record's suggestions.
#[derive(Debug, Clone)]
pub enum SuggestionsWrite {
    /// Upserts these, per question; the others stay.
    Upsert(Vec<SuggestionWrite>),
    /// Replaces all of them with these.
    Replace(Vec<SuggestionWrite>),
}

#[derive(Debug, Clone)]
pub struct SuggestionWrite {
    pub question_id: String,
    pub value: Value,
    pub score: Option<Value>,
    pub agent: Option<String>,
    pub kind: Option<SuggestionType>,
}

#[derive(Debug, Clone)]
pub struct ResponseWrite {
    pub user_id: String,
    pub values: Option<Map<String, Value>>,
    pub status: ResponseStatus,
}

/// Which records a write looks up before deciding: by id and by external id, in the dataset.
#[derive(Debug, Clone, Default)]
pub struct RecordLookup {
    pub ids: Vec<String>,
    pub external_ids: Vec<String>,
}

/// The text a search reads, in `records_text`: a record's row × FIELD_SLOTS is all its fields
/// together (what a search without a field reads), + 1 + a field's position that field alone.
pub const FIELD_SLOTS: i64 = 1024;

/// Between two fields in the text of all of them: a word (to the index) no query can contain
/// (queries are split into letters and digits; this is a private-use character), so a phrase
/// cannot run from one field into the next.
const FIELD_BREAK: &str = " \u{E000} ";

/// Rows per multi-row INSERT (well under SQLite's bound-parameter limit).
const ROWS_PER_INSERT: usize = 400;

impl Database {
    /// Looks up the records `lookup` names, lets `plan` decide the writes from them (or refuse),
    /// applies them and answers the written records with all their relations, in write order.
    pub async fn write_records<E>(
        &self,
        settings: &DatasetSettings,
        lookup: &RecordLookup,
        now: &str,
        plan: impl FnOnce(&[Record]) -> Result<Vec<RecordWrite>, E>,
    ) -> sqlx::Result<Result<Vec<LoadedRecord>, E>> {
        let mut tx = self.pool().begin().await?;
        let existing = find_records(&mut tx, &settings.dataset.id, lookup).await?;
        let writes = match plan(&existing) {
            Ok(writes) => writes,
            Err(refused) => return Ok(Err(refused)),
        };
        let rows = apply(&mut tx, settings, &writes, &existing, now).await?;
        let records = records_by_rows(&mut tx, &rows).await?;
        tx.commit().await?;
        Ok(Ok(self.with_relations(records, &Include::all()).await?))
    }
}

/// Writes new records (a fixture's) in the caller's transaction.
pub(super) async fn write_new_records(
    conn: &mut SqliteConnection,
    settings: &DatasetSettings,
    writes: &[RecordWrite],
    now: &str,
) -> sqlx::Result<()> {
    apply(conn, settings, writes, &[], now).await.map(|_| ())
}

async fn find_records(
    conn: &mut SqliteConnection,
    dataset_id: &str,
    lookup: &RecordLookup,
) -> sqlx::Result<Vec<Record>> {
    let mut found = Vec::new();
    for (column, values) in [("id", &lookup.ids), ("external_id", &lookup.external_ids)] {
        for chunk in values.chunks(ROWS_PER_INSERT) {
            if chunk.is_empty() {
                continue;
            }
            let mut query = QueryBuilder::<Sqlite>::new(format!(
                "SELECT {RECORD_COLUMNS} FROM records WHERE dataset_id = "
            ));
            query
                .push_bind(dataset_id)
                .push(format!(" AND {column} IN "));
            query.push_tuples(chunk, |mut t, v| {
                t.push_bind(v);
            });
            found.extend(
                query
                    .build_query_as::<Record>()
                    .fetch_all(&mut *conn)
                    .await?,
            );
        }
    }
    Ok(found)
}

async fn records_by_rows(conn: &mut SqliteConnection, rows: &[i64]) -> sqlx::Result<Vec<Record>> {
    let mut by_row = HashMap::new();
    for chunk in rows.chunks(ROWS_PER_INSERT) {
        let mut query = QueryBuilder::<Sqlite>::new(format!(
            "SELECT {RECORD_COLUMNS} FROM records WHERE row IN "
        ));
        query.push_tuples(chunk, |mut t, row| {
            t.push_bind(*row);
        });
        for record in query
            .build_query_as::<Record>()
            .fetch_all(&mut *conn)
            .await?
        {
            by_row.insert(record.row, record);
        }
    }
    Ok(rows
        .iter()
        .filter_map(|row| by_row.get(row).cloned())
        .collect())
}

/// Applies the writes; answers each write's record row, in order.
async fn apply(
    conn: &mut SqliteConnection,
    settings: &DatasetSettings,
    writes: &[RecordWrite],
    existing: &[Record],
    now: &str,
) -> sqlx::Result<Vec<i64>> {
    let dataset_id = &settings.dataset.id;
    let (next,): (i64,) = sqlx::query_as("SELECT COALESCE(MAX(row), 0) + 1 FROM records")
        .fetch_one(&mut *conn)
        .await?;
    let mut current: HashMap<i64, Record> = existing.iter().map(|r| (r.row, r.clone())).collect();
    let mut rows = Vec::with_capacity(writes.len());
    let mut new_records: Vec<Record> = Vec::new();
    let mut changed: Vec<i64> = Vec::new();
    for (i, write) in writes.iter().enumerate() {
        let row = match &write.target {
            WriteTarget::New { id, external_id } => {
                let row = next + new_records.len() as i64;
                let stamp = nth_instant(now, i);
                new_records.push(Record {
                    row,
                    id: id.clone(),
                    dataset_id: dataset_id.clone(),
                    external_id: external_id.clone(),
                    status: RecordStatus::Pending,
                    fields: Json(write.fields.clone().unwrap_or_default()),
                    metadata: write.metadata.clone().flatten().map(Json),
                    inserted_at: stamp.clone(),
                    updated_at: stamp,
                });
                row
            }
            WriteTarget::Existing(row) => {
                if let Some(record) = current.get_mut(row) {
                    let mut modified = false;
                    if let Some(fields) = &write.fields {
                        modified |= record.fields.0 != *fields;
                        record.fields = Json(fields.clone());
                    }
                    if let Some(metadata) = &write.metadata {
                        let metadata = metadata.clone().map(Json);
                        modified |= record.metadata != metadata;
                        record.metadata = metadata;
                    }
                    if modified || write.touch {
                        record.updated_at = now.to_owned();
                        if !changed.contains(row) {
                            changed.push(*row);
                        }
                    }
                }
                *row
            }
        };
        rows.push(row);
    }
    insert_records(&mut *conn, &new_records).await?;
    for row in &changed {
        if let Some(record) = current.get(row) {
            sqlx::query(
                "UPDATE records SET fields = ?, metadata = ?, updated_at = ? WHERE row = ?",
            )
            .bind(&record.fields)
            .bind(&record.metadata)
            .bind(&record.updated_at)
            .bind(row)
            .execute(&mut *conn)
            .await?;
        }
    }
    // What a search reads: for every record whose fields or metadata were written.
    let indexed: Vec<&Record> = new_records
        .iter()
        .chain(changed.iter().filter_map(|row| current.get(row)))
        .collect();
    index_records(&mut *conn, settings, &indexed, &changed).await?;

    let ids: HashMap<i64, String> = new_records
        .iter()
        .chain(current.values())
        .map(|r| (r.row, r.id.clone()))
        .collect();
    for (write, row) in writes.iter().zip(&rows) {
        let record_id = &ids[row];
        write_suggestions(&mut *conn, record_id, &write.suggestions, now).await?;
        write_responses(&mut *conn, dataset_id, record_id, &write.responses, now).await?;
    }
    write_vectors(&mut *conn, writes, &rows, now).await?;
    let unique: Vec<i64> = {
        let mut seen = HashSet::new();
        rows.iter().copied().filter(|r| seen.insert(*r)).collect()
    };
    update_statuses(
        &mut *conn,
        &unique,
        settings.dataset.distribution.0.min_submitted,
        now,
    )
    .await?;
    Ok(rows)
}

/// `now` moved on by `i` microseconds: the rows of one write get increasing timestamps, as the
/// real server's do (each row takes the time as it is inserted).
fn nth_instant(now: &str, i: usize) -> String {
    use chrono::NaiveDateTime;
    match NaiveDateTime::parse_from_str(now, crate::models::TIMESTAMP_FORMAT) {
        Ok(t) => (t + chrono::Duration::microseconds(i as i64))
            .format(crate::models::TIMESTAMP_FORMAT)
            .to_string(),
        Err(_) => now.to_owned(),
    }
}

async fn insert_records(conn: &mut SqliteConnection, records: &[Record]) -> sqlx::Result<()> {
    for chunk in records.chunks(ROWS_PER_INSERT / 4) {
        let mut insert =
            QueryBuilder::<Sqlite>::new(format!("INSERT INTO records ({RECORD_COLUMNS}) "));
        insert.push_values(chunk, |mut r, record| {
            r.push_bind(record.row)
                .push_bind(&record.id)
                .push_bind(&record.dataset_id)
                .push_bind(&record.external_id)
                .push_bind(record.status)
                .push_bind(&record.fields)
                .push_bind(&record.metadata)
                .push_bind(&record.inserted_at)
                .push_bind(&record.updated_at);
        });
        insert.build().execute(&mut *conn).await?;
    }
    Ok(())
}

/// Replaces what a search reads of these records: their metadata values (of the dataset's
/// properties, not null; a list gives one row per element) and their text.
/// `replaced`: the rows (of `records`) indexed before, whose entries go first.
pub(super) async fn index_records(
    conn: &mut SqliteConnection,
    settings: &DatasetSettings,
    records: &[&Record],
    replaced: &[i64],
) -> sqlx::Result<()> {
    if records.is_empty() {
        return Ok(());
    }
    for chunk in replaced.chunks(ROWS_PER_INSERT) {
        let mut delete =
            QueryBuilder::<Sqlite>::new("DELETE FROM records_metadata WHERE record_row IN ");
        delete.push_tuples(chunk, |mut t, row| {
            t.push_bind(*row);
        });
        delete.build().execute(&mut *conn).await?;
    }
    let mut metadata_rows: Vec<(i64, &str, Option<String>, Option<f64>)> = Vec::new();
    for record in records {
        for (name, value) in record.metadata.iter().flat_map(|m| m.0.iter()) {
            let Some(property) = settings.metadata_property(name) else {
                continue;
            };
            for (term, number) in metadata_values(&property.settings.0, value) {
                metadata_rows.push((record.row, &property.id, term, number));
            }
        }
    }
    for chunk in metadata_rows.chunks(ROWS_PER_INSERT / 4) {
        let mut insert = QueryBuilder::<Sqlite>::new(
            "INSERT INTO records_metadata (record_row, property_id, term, number) ",
        );
        insert.push_values(chunk, |mut r, (row, property, term, number)| {
            r.push_bind(row)
                .push_bind(*property)
                .push_bind(term)
                .push_bind(number);
        });
        insert.build().execute(&mut *conn).await?;
    }
    for row in replaced {
        sqlx::query("DELETE FROM records_text WHERE rowid BETWEEN ? AND ?")
            .bind(row * FIELD_SLOTS)
            .bind(row * FIELD_SLOTS + FIELD_SLOTS - 1)
            .execute(&mut *conn)
            .await?;
    }
    let mut texts: Vec<(i64, String)> = Vec::new();
    for record in records {
        let mut all = Vec::new();
        for (field, slot) in settings.fields.iter().zip(1..FIELD_SLOTS) {
            let Some(value) = record.fields.0.get(&field.name) else {
                continue;
            };
            if let Some(text) = searchable_text(&field.settings.0, value) {
                texts.push((record.row * FIELD_SLOTS + slot, text.clone()));
                all.push(text);
            }
        }
        if !all.is_empty() {
            texts.push((record.row * FIELD_SLOTS, all.join(FIELD_BREAK)));
        }
    }
    for chunk in texts.chunks(ROWS_PER_INSERT) {
        let mut insert = QueryBuilder::<Sqlite>::new("INSERT INTO records_text (rowid, text) ");
        insert.push_values(chunk, |mut r, (rowid, text)| {
            r.push_bind(rowid).push_bind(text);
        });
        insert.build().execute(&mut *conn).await?;
    }
    Ok(())
}

/// A metadata value as a search filters on it: terms (`keyword`: the value as text), numbers.
fn metadata_values(
    settings: &MetadataSettings,
    value: &Value,
) -> Vec<(Option<String>, Option<f64>)> {
    let values: Vec<&Value> = match value {
        Value::Null => return Vec::new(),
        Value::Array(items) => items.iter().filter(|v| !v.is_null()).collect(),
        other => vec![other],
    };
    values
        .into_iter()
        .map(|v| {
            let term = match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            let number = match settings {
                MetadataSettings::Terms { .. } => None,
                _ => match v {
                    Value::Number(n) => n.as_f64(),
                    Value::Bool(b) => Some(f64::from(u8::from(*b))),
                    _ => None,
                },
            };
            (Some(term), number)
        })
        .collect()
}

/// What a full-text search reads of a field value: a text field's text, a chat's messages
/// (roles and contents), a custom field's Python `str()`. Images are not searched.
fn searchable_text(settings: &FieldSettings, value: &Value) -> Option<String> {
    match (settings, value) {
        (FieldSettings::Image, _) | (_, Value::Null) => None,
        (_, Value::String(text)) => Some(text.clone()),
        (FieldSettings::Chat { .. }, Value::Array(messages)) => Some(
            messages
                .iter()
                .flat_map(|m| [m.get("role"), m.get("content")])
                .flatten()
                .filter_map(Value::as_str)
                .collect::<Vec<_>>()
                .join("\n"),
        ),
        (_, other) => Some(py_value_repr(other)),
    }
}

async fn write_suggestions(
    conn: &mut SqliteConnection,
    record_id: &str,
    suggestions: &SuggestionsWrite,
    now: &str,
) -> sqlx::Result<()> {
    let list = match suggestions {
        SuggestionsWrite::Upsert(list) => list,
        SuggestionsWrite::Replace(list) => {
            sqlx::query("DELETE FROM suggestions WHERE record_id = ?")
                .bind(record_id)
                .execute(&mut *conn)
                .await?;
            list
        }
    };
    for suggestion in list {
        upsert_suggestion(&mut *conn, record_id, suggestion, now).await?;
    }
    Ok(())
}

/// Creates or replaces the suggestion of a record for a question (its id is kept); `true` when
/// it was created.
pub(super) async fn upsert_suggestion(
    conn: &mut SqliteConnection,
    record_id: &str,
    suggestion: &SuggestionWrite,
    now: &str,
) -> sqlx::Result<bool> {
    let existed: Option<i64> =
        sqlx::query_scalar("SELECT 1 FROM suggestions WHERE record_id = ? AND question_id = ?")
            .bind(record_id)
            .bind(&suggestion.question_id)
            .fetch_optional(&mut *conn)
            .await?;
    sqlx::query(
        "INSERT INTO suggestions (id, record_id, question_id, value, score, agent, type, \
         inserted_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) \
         ON CONFLICT (record_id, question_id) DO UPDATE SET value = excluded.value, \
         score = excluded.score, agent = excluded.agent, type = excluded.type, \
         updated_at = excluded.updated_at",
    )
    .bind(uuid::Uuid::new_v4().hyphenated().to_string())
    .bind(record_id)
    .bind(&suggestion.question_id)
    .bind(Json(&suggestion.value))
    .bind(suggestion.score.as_ref().map(Json))
    .bind(&suggestion.agent)
    .bind(suggestion.kind)
    .bind(now)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(existed.is_none())
}

/// Every write's vectors, upserted per (record, vector settings), many rows per statement.
async fn write_vectors(
    conn: &mut SqliteConnection,
    writes: &[RecordWrite],
    rows: &[i64],
    now: &str,
) -> sqlx::Result<()> {
    let mut vectors: Vec<(i64, &str, Vec<u8>, String)> = Vec::new();
    for (write, row) in writes.iter().zip(rows) {
        for (i, (settings_id, value)) in write.vectors.iter().enumerate() {
            vectors.push((*row, settings_id, vector_bytes(value), nth_instant(now, i)));
        }
    }
    for chunk in vectors.chunks(ROWS_PER_INSERT / 4) {
        let mut insert = QueryBuilder::<Sqlite>::new(
            "INSERT INTO vectors (record_row, vector_settings_id, value, inserted_at) ",
        );
        insert.push_values(chunk, |mut r, (row, settings_id, bytes, inserted_at)| {
            r.push_bind(*row)
                .push_bind(*settings_id)
                .push_bind(bytes.as_slice())
                .push_bind(inserted_at.as_str());
        });
        insert.push(
            " ON CONFLICT (vector_settings_id, record_row) DO UPDATE SET value = excluded.value",
        );
        insert.build().execute(&mut *conn).await?;
    }
    Ok(())
}

async fn write_responses(
    conn: &mut SqliteConnection,
    dataset_id: &str,
    record_id: &str,
    responses: &[ResponseWrite],
    now: &str,
) -> sqlx::Result<()> {
    for response in responses {
        upsert_response(&mut *conn, dataset_id, record_id, response, now).await?;
    }
    Ok(())
}

/// Creates or replaces a user's response to a record (its id is kept), and counts the user
/// among the dataset's responders.
pub(super) async fn upsert_response(
    conn: &mut SqliteConnection,
    dataset_id: &str,
    record_id: &str,
    response: &ResponseWrite,
    now: &str,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO responses (id, record_id, user_id, \"values\", status, inserted_at, updated_at) \
         VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (record_id, user_id) DO UPDATE SET \
         \"values\" = excluded.\"values\", status = excluded.status, updated_at = excluded.updated_at",
    )
    .bind(uuid::Uuid::new_v4().hyphenated().to_string())
    .bind(record_id)
    .bind(&response.user_id)
    .bind(response.values.as_ref().map(Json))
    .bind(response.status)
    .bind(now)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "INSERT OR IGNORE INTO datasets_users (dataset_id, user_id, inserted_at) VALUES (?, ?, ?)",
    )
    .bind(dataset_id)
    .bind(&response.user_id)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Sets each record's status from its submitted responses; a record whose status changes gets
/// `now` as its `updated_at`.
pub(super) async fn update_statuses(
    conn: &mut SqliteConnection,
    rows: &[i64],
    min_submitted: i64,
    now: &str,
) -> sqlx::Result<()> {
    for chunk in rows.chunks(ROWS_PER_INSERT) {
        let mut query = QueryBuilder::<Sqlite>::new(
            "SELECT r.row, r.status, (SELECT COUNT(*) FROM responses s WHERE s.record_id = r.id \
             AND s.status = 'submitted') FROM records r WHERE r.row IN ",
        );
        query.push_tuples(chunk, |mut t, row| {
            t.push_bind(*row);
        });
        let counts: Vec<(i64, RecordStatus, i64)> =
            query.build_query_as().fetch_all(&mut *conn).await?;
        for (row, status, submitted) in counts {
            let wanted = RecordStatus::for_submitted(submitted, min_submitted);
            if wanted != status {
                sqlx::query("UPDATE records SET status = ?, updated_at = ? WHERE row = ?")
                    .bind(wanted)
                    .bind(now)
                    .bind(row)
                    .execute(&mut *conn)
                    .await?;
            }
        }
    }
    Ok(())
}
