//! Queries on a dataset's settings: fields, questions, metadata properties and vector settings.
//! The four kinds are rows of one shape (a name unique in the dataset, a title, timestamps), so
//! lookups, lists and deletes are written once; each kind's create checks what the real server
//! checks for it, in its order, inside the transaction that inserts.

use sqlx::sqlite::{SqliteQueryResult, SqliteRow};
use sqlx::{FromRow, SqliteConnection};

use super::{is_unique_violation, Database};
use crate::models::datasets::{
    DatasetStatus, Field, MetadataProperty, Question, QuestionSettings, VectorSettings,
};

/// One kind of dataset setting, as a table.
pub trait SettingRow: for<'r> FromRow<'r, SqliteRow> + Send + Unpin {
    const TABLE: &'static str;
    const COLUMNS: &'static str;
    /// The dataset it belongs to.
    fn dataset_id(&self) -> &str;
    /// The setting's values in [`Self::COLUMNS`] order, bound to `query`.
    fn bind<'q>(&'q self, query: Query<'q>) -> Query<'q>;

    /// Inserts the row (the one INSERT of its kind: API and fixtures).
    fn insert(
        &self,
        conn: &mut SqliteConnection,
    ) -> impl std::future::Future<Output = sqlx::Result<SqliteQueryResult>> + Send
    where
        Self: Sync,
    {
        let marks = vec!["?"; Self::COLUMNS.split(", ").count()].join(", ");
        let sql = format!(
            "INSERT INTO {} ({}) VALUES ({marks})",
            Self::TABLE,
            Self::COLUMNS
        );
        async move { self.bind(sqlx::query(&sql)).execute(conn).await }
    }
}

type Query<'q> = sqlx::query::Query<'q, sqlx::Sqlite, sqlx::sqlite::SqliteArguments<'q>>;

impl SettingRow for Field {
    const TABLE: &'static str = "fields";
    const COLUMNS: &'static str =
        "id, name, title, required, settings, dataset_id, inserted_at, updated_at";
    fn dataset_id(&self) -> &str {
        &self.dataset_id
    }
    fn bind<'q>(&'q self, query: Query<'q>) -> Query<'q> {
        query
            .bind(&self.id)
            .bind(&self.name)
            .bind(&self.title)
            .bind(self.required)
            .bind(&self.settings)
            .bind(&self.dataset_id)
            .bind(&self.inserted_at)
            .bind(&self.updated_at)
    }
}

impl SettingRow for Question {
    const TABLE: &'static str = "questions";
    const COLUMNS: &'static str =
        "id, name, title, description, required, settings, dataset_id, inserted_at, updated_at";
    fn dataset_id(&self) -> &str {
        &self.dataset_id
    }
    fn bind<'q>(&'q self, query: Query<'q>) -> Query<'q> {
        query
            .bind(&self.id)
            .bind(&self.name)
            .bind(&self.title)
            .bind(&self.description)
            .bind(self.required)
            .bind(&self.settings)
            .bind(&self.dataset_id)
            .bind(&self.inserted_at)
            .bind(&self.updated_at)
    }
}

impl SettingRow for MetadataProperty {
    const TABLE: &'static str = "metadata_properties";
    const COLUMNS: &'static str = "id, name, title, settings, visible_for_annotators, dataset_id, \
         inserted_at, updated_at";
    fn dataset_id(&self) -> &str {
        &self.dataset_id
    }
    fn bind<'q>(&'q self, query: Query<'q>) -> Query<'q> {
        query
            .bind(&self.id)
            .bind(&self.name)
            .bind(&self.title)
            .bind(&self.settings)
            .bind(self.visible_for_annotators)
            .bind(&self.dataset_id)
            .bind(&self.inserted_at)
            .bind(&self.updated_at)
    }
}

impl SettingRow for VectorSettings {
    const TABLE: &'static str = "vectors_settings";
    const COLUMNS: &'static str =
        "id, name, title, dimensions, dataset_id, inserted_at, updated_at";
    fn dataset_id(&self) -> &str {
        &self.dataset_id
    }
    fn bind<'q>(&'q self, query: Query<'q>) -> Query<'q> {
        query
            .bind(&self.id)
            .bind(&self.name)
            .bind(&self.title)
            .bind(self.dimensions)
            .bind(&self.dataset_id)
            .bind(&self.inserted_at)
            .bind(&self.updated_at)
    }
}

/// What became of a request to create a setting. Each kind meets only the refusals its create
/// checks for.
#[derive(Debug)]
pub enum SettingCreated<T> {
    Created(T),
    /// Another setting of this kind in the dataset has the name.
    NameTaken,
    /// The dataset is published (fields and questions are fixed then).
    DatasetPublished,
    /// The dataset has as many vector settings as it may.
    TooMany,
    /// A span question names a field the dataset lacks: the dataset's field names.
    SpanFieldUnknown(Vec<String>),
    /// A span question names a field another span question uses: that question's id.
    SpanFieldTaken(String),
    /// The dataset was deleted meanwhile.
    DatasetGone,
}

/// How many vector settings a dataset may have.
pub const MAX_VECTORS_SETTINGS: i64 = 5;

impl Database {
    /// A dataset's settings of one kind, oldest first.
    pub async fn settings_of<T: SettingRow>(&self, dataset_id: &str) -> sqlx::Result<Vec<T>> {
        sqlx::query_as(&format!(
            "SELECT {} FROM {} WHERE dataset_id = ? ORDER BY inserted_at, rowid",
            T::COLUMNS,
            T::TABLE
        ))
        .bind(dataset_id)
        .fetch_all(self.pool())
        .await
    }

    pub async fn setting_by_id<T: SettingRow>(&self, id: &str) -> sqlx::Result<Option<T>> {
        sqlx::query_as(&format!(
            "SELECT {} FROM {} WHERE id = ?",
            T::COLUMNS,
            T::TABLE
        ))
        .bind(id)
        .fetch_optional(self.pool())
        .await
    }

    /// Deletes one setting; `false` when it was gone already.
    pub async fn delete_setting<T: SettingRow>(&self, id: &str) -> sqlx::Result<bool> {
        let result = sqlx::query(&format!("DELETE FROM {} WHERE id = ?", T::TABLE))
            .bind(id)
            .execute(self.pool())
            .await?;
        Ok(result.rows_affected() == 1)
    }

    /// Creates a field: refused on a published dataset, then for a taken name.
    pub async fn create_field(&self, field: &Field) -> sqlx::Result<SettingCreated<Field>> {
        let mut tx = self.pool().begin().await?;
        match dataset_status(&mut tx, &field.dataset_id).await? {
            None => return Ok(SettingCreated::DatasetGone),
            Some(DatasetStatus::Ready) => return Ok(SettingCreated::DatasetPublished),
            Some(DatasetStatus::Draft) => {}
        }
        let inserted = field.insert(&mut tx).await;
        finish_create(tx, inserted, field).await
    }

    /// Creates a question: refused for a taken name, then on a published dataset, then (a span
    /// question) for a field the dataset lacks or another span question uses.
    pub async fn create_question(
        &self,
        question: &Question,
    ) -> sqlx::Result<SettingCreated<Question>> {
        let mut tx = self.pool().begin().await?;
        let status = dataset_status(&mut tx, &question.dataset_id).await?;
        let Some(status) = status else {
            return Ok(SettingCreated::DatasetGone);
        };
        if name_taken::<Question>(&mut tx, &question.dataset_id, &question.name).await? {
            return Ok(SettingCreated::NameTaken);
        }
        if status == DatasetStatus::Ready {
            return Ok(SettingCreated::DatasetPublished);
        }
        if let QuestionSettings::Span { field, .. } = &question.settings.0 {
            let field_names: Vec<String> = sqlx::query_scalar(
                "SELECT name FROM fields WHERE dataset_id = ? ORDER BY inserted_at, rowid",
            )
            .bind(&question.dataset_id)
            .fetch_all(&mut *tx)
            .await?;
            if !field_names.contains(field) {
                return Ok(SettingCreated::SpanFieldUnknown(field_names));
            }
            let questions: Vec<Question> = sqlx::query_as(&format!(
                "SELECT {} FROM questions WHERE dataset_id = ? ORDER BY inserted_at, rowid",
                Question::COLUMNS
            ))
            .bind(&question.dataset_id)
            .fetch_all(&mut *tx)
            .await?;
            let user = questions.iter().find(|q| {
                matches!(&q.settings.0, QuestionSettings::Span { field: used, .. } if used == field)
            });
            if let Some(user) = user {
                return Ok(SettingCreated::SpanFieldTaken(user.id.clone()));
            }
        }
        let inserted = question.insert(&mut tx).await;
        finish_create(tx, inserted, question).await
    }

    /// Creates a metadata property: refused for a taken name (published datasets take new ones).
    pub async fn create_metadata_property(
        &self,
        property: &MetadataProperty,
    ) -> sqlx::Result<SettingCreated<MetadataProperty>> {
        let mut tx = self.pool().begin().await?;
        if dataset_status(&mut tx, &property.dataset_id)
            .await?
            .is_none()
        {
            return Ok(SettingCreated::DatasetGone);
        }
        let inserted = property.insert(&mut tx).await;
        finish_create(tx, inserted, property).await
    }

    /// Creates vector settings: refused when the dataset has [`MAX_VECTORS_SETTINGS`] already,
    /// then for a taken name.
    pub async fn create_vector_settings(
        &self,
        vectors: &VectorSettings,
    ) -> sqlx::Result<SettingCreated<VectorSettings>> {
        let mut tx = self.pool().begin().await?;
        if dataset_status(&mut tx, &vectors.dataset_id)
            .await?
            .is_none()
        {
            return Ok(SettingCreated::DatasetGone);
        }
        let (count,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM vectors_settings WHERE dataset_id = ?")
                .bind(&vectors.dataset_id)
                .fetch_one(&mut *tx)
                .await?;
        if count >= MAX_VECTORS_SETTINGS {
            return Ok(SettingCreated::TooMany);
        }
        let inserted = vectors.insert(&mut tx).await;
        finish_create(tx, inserted, vectors).await
    }

    /// Writes a field's new title and settings (as the caller worked them out).
    pub async fn update_field(&self, field: &Field) -> sqlx::Result<bool> {
        let result =
            sqlx::query("UPDATE fields SET title = ?, settings = ?, updated_at = ? WHERE id = ?")
                .bind(&field.title)
                .bind(&field.settings)
                .bind(&field.updated_at)
                .bind(&field.id)
                .execute(self.pool())
                .await?;
        Ok(result.rows_affected() == 1)
    }

    pub async fn update_question(&self, question: &Question) -> sqlx::Result<bool> {
        let result = sqlx::query(
            "UPDATE questions SET title = ?, description = ?, settings = ?, updated_at = ? \
             WHERE id = ?",
        )
        .bind(&question.title)
        .bind(&question.description)
        .bind(&question.settings)
        .bind(&question.updated_at)
        .bind(&question.id)
        .execute(self.pool())
        .await?;
        Ok(result.rows_affected() == 1)
    }

    pub async fn update_metadata_property(
        &self,
        property: &MetadataProperty,
    ) -> sqlx::Result<bool> {
        let result = sqlx::query(
            "UPDATE metadata_properties SET title = ?, visible_for_annotators = ?, updated_at = ? \
             WHERE id = ?",
        )
        .bind(&property.title)
        .bind(property.visible_for_annotators)
        .bind(&property.updated_at)
        .bind(&property.id)
        .execute(self.pool())
        .await?;
        Ok(result.rows_affected() == 1)
    }

    pub async fn update_vector_settings(&self, vectors: &VectorSettings) -> sqlx::Result<bool> {
        let result =
            sqlx::query("UPDATE vectors_settings SET title = ?, updated_at = ? WHERE id = ?")
                .bind(&vectors.title)
                .bind(&vectors.updated_at)
                .bind(&vectors.id)
                .execute(self.pool())
                .await?;
        Ok(result.rows_affected() == 1)
    }
}

async fn dataset_status(
    conn: &mut SqliteConnection,
    dataset_id: &str,
) -> sqlx::Result<Option<DatasetStatus>> {
    let status: Option<String> = sqlx::query_scalar("SELECT status FROM datasets WHERE id = ?")
        .bind(dataset_id)
        .fetch_optional(conn)
        .await?;
    Ok(status.as_deref().and_then(DatasetStatus::parse))
}

async fn name_taken<T: SettingRow>(
    conn: &mut SqliteConnection,
    dataset_id: &str,
    name: &str,
) -> sqlx::Result<bool> {
    let found: Option<i64> = sqlx::query_scalar(&format!(
        "SELECT 1 FROM {} WHERE dataset_id = ? AND name = ?",
        T::TABLE
    ))
    .bind(dataset_id)
    .bind(name)
    .fetch_optional(conn)
    .await?;
    Ok(found.is_some())
}

/// Commits an insert, or names what refused it: the name's UNIQUE constraint, or the dataset's
/// foreign key (deleted meanwhile).
async fn finish_create<T: Clone>(
    tx: sqlx::Transaction<'_, sqlx::Sqlite>,
    inserted: sqlx::Result<SqliteQueryResult>,
    row: &T,
) -> sqlx::Result<SettingCreated<T>> {
    match inserted {
        Err(e) if is_unique_violation(&e) => Ok(SettingCreated::NameTaken),
        Err(sqlx::Error::Database(db)) if db.is_foreign_key_violation() => {
            Ok(SettingCreated::DatasetGone)
        }
        Err(e) => Err(e),
        Ok(_) => {
            tx.commit().await?;
            Ok(SettingCreated::Created(row.clone()))
        }
    }
}
