//! Searching a dataset's records as the real server's search engine does
//! (`argilla-2x-records-api.md` §5): filters ANDed, a full-text query scored by relevance
//! (FTS5's BM25), sorts, and similarity to a vector (cosine, best first). One SQL statement per
//! search; the caller resolves names to ids and checks them first.

use sqlx::{QueryBuilder, Sqlite};

use super::record_writes::FIELD_SLOTS;
use super::text_query::TextMatch;
use super::Database;

/// A record property a search can filter and sort on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordColumn {
    Id,
    ExternalId,
    Status,
    InsertedAt,
    UpdatedAt,
}

impl RecordColumn {
    fn column(self) -> &'static str {
        match self {
            RecordColumn::Id => "r.id",
            RecordColumn::ExternalId => "r.external_id",
            RecordColumn::Status => "r.status",
            RecordColumn::InsertedAt => "r.inserted_at",
            RecordColumn::UpdatedAt => "r.updated_at",
        }
    }
}

/// How an answer (a suggestion's value, a response's) is indexed for its question's type: the
/// real server maps ratings as integers, label and multi-label answers as keywords, and does
/// not index the others (a filter on them matches nothing).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnswerIndex {
    Number,
    Keyword,
    NotIndexed,
}

/// A suggestion attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SuggestionAttribute {
    Value(AnswerIndex),
    Score,
    Agent,
    Type,
}

/// What a filter or a sort reads.
#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    Record(RecordColumn),
    /// A metadata property's values, as numbers (integer and float properties) or terms.
    Metadata {
        property_id: String,
        numeric: bool,
    },
    Suggestion {
        question_id: String,
        attribute: SuggestionAttribute,
    },
    /// The answers to a question in the record's responses (only `user_id`'s, when given).
    Answer {
        question: String,
        index: AnswerIndex,
        user_id: Option<String>,
    },
    /// The statuses of the record's responses (only `user_id`'s, when given).
    ResponseStatus {
        user_id: Option<String>,
    },
}

/// A bound of a range: numbers, or text (timestamps, keywords).
#[derive(Debug, Clone, PartialEq)]
pub enum Bound {
    Number(f64),
    Text(String),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Condition {
    /// Any of the values (as text; a numeric target compares them as numbers).
    Terms(Target, Vec<String>),
    Range {
        target: Target,
        ge: Option<Bound>,
        le: Option<Bound>,
    },
    /// `pending` among response statuses: the record has no response (by `user_id`, when
    /// given), or one of `others`.
    NoResponseOr {
        user_id: Option<String>,
        others: Vec<String>,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct SortKey {
    pub target: Target,
    pub descending: bool,
}

/// A text query on the record's fields (`slot`: 0 for all of them, else 1 + a field's
/// position).
#[derive(Debug, Clone, PartialEq)]
pub struct TextSearch {
    pub matching: TextMatch,
    pub slot: i64,
}

/// Records whose vector (of `vector_settings_id`) is most (or least) like `value`.
#[derive(Debug, Clone, PartialEq)]
pub struct SimilarTo {
    pub vector_settings_id: String,
    pub value: Vec<f64>,
    pub least: bool,
    /// The record the value is the vector of (it is no answer to itself).
    pub excluded_row: Option<i64>,
    /// How many hits in all (`k`).
    pub k: i64,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct RecordSearch {
    pub text: Option<TextSearch>,
    pub conditions: Vec<Condition>,
    pub sort: Vec<SortKey>,
    pub similar: Option<SimilarTo>,
    /// A caller's seed for a stable pseudo-random order (the `/me` search without sort).
    pub shuffle: Option<i64>,
    pub offset: i64,
    pub limit: i64,
}

/// A search's hits, in order, with their scores, and how many there are in all.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Hits {
    pub rows: Vec<(i64, Option<f64>)>,
    pub total: i64,
}

impl Database {
    pub async fn search_records(
        &self,
        dataset_id: &str,
        search: &RecordSearch,
    ) -> sqlx::Result<Hits> {
        if matches!(
            search.text,
            Some(TextSearch {
                matching: TextMatch::Nothing,
                ..
            })
        ) {
            return Ok(Hits::default());
        }
        if let Some(similar) = &search.similar {
            return self.similar_records(dataset_id, search, similar).await;
        }
        let mut query = QueryBuilder::<Sqlite>::new("SELECT r.row, ");
        push_score(&mut query, search);
        query.push(" AS score, COUNT(*) OVER () FROM records r ");
        push_text_join(&mut query, search.text.as_ref());
        query
            .push(" WHERE r.dataset_id = ")
            .push_bind(dataset_id.to_owned());
        push_conditions(&mut query, search);
        query.push(" ORDER BY ");
        let constant_score = search.text.is_none() && search.shuffle.is_none();
        if search.sort.is_empty() && constant_score {
            query.push("r.row");
        } else if search.sort.is_empty() {
            query.push("score DESC, r.row");
        } else {
            for key in &search.sort {
                push_sort_key(&mut query, key);
                query.push(", ");
            }
            query.push("r.row");
        }
        query
            .push(" LIMIT ")
            .push_bind(search.limit)
            .push(" OFFSET ")
            .push_bind(search.offset);
        let rows: Vec<(i64, Option<f64>, i64)> =
            query.build_query_as().fetch_all(self.pool()).await?;
        let total = match rows.first() {
            Some((_, _, total)) => *total,
            None => self.count_matches(dataset_id, search).await?,
        };
        let scored = search.sort.is_empty();
        Ok(Hits {
            rows: (rows.into_iter())
                .map(|(row, score, _)| (row, if scored { score } else { None }))
                .collect(),
            total,
        })
    }

    /// How many records match (for a page past the last hit).
    async fn count_matches(&self, dataset_id: &str, search: &RecordSearch) -> sqlx::Result<i64> {
        let mut query = QueryBuilder::<Sqlite>::new("SELECT COUNT(*) FROM records r ");
        push_text_join(&mut query, search.text.as_ref());
        query
            .push(" WHERE r.dataset_id = ")
            .push_bind(dataset_id.to_owned());
        push_conditions(&mut query, search);
        let (count,): (i64,) = query.build_query_as().fetch_one(self.pool()).await?;
        Ok(count)
    }

    /// The `k` nearest (or farthest) records, then the page of them; each hit scored as
    /// Elasticsearch scores cosine similarity, `(1 + cos) / 2`.
    async fn similar_records(
        &self,
        dataset_id: &str,
        search: &RecordSearch,
        similar: &SimilarTo,
    ) -> sqlx::Result<Hits> {
        let sign = if similar.least { -1.0 } else { 1.0 };
        // Each similarity computed once (materialized), then the best k of them. From the
        // vector space's vectors (in the order stored) to their records, and only when a
        // condition needs the records: a vector space is of one dataset.
        let needs_records = search.text.is_some() || !search.conditions.is_empty();
        let mut query = QueryBuilder::<Sqlite>::new(
            "WITH scored AS MATERIALIZED (SELECT v.record_row AS row, (1.0 + ",
        );
        query.push_bind(sign);
        query.push(" * vector_cosine(v.value, ");
        query.push_bind(crate::models::records::vector_bytes(&similar.value));
        query.push(")) / 2.0 AS score FROM vectors v ");
        if needs_records {
            query.push("CROSS JOIN records r ON r.row = v.record_row ");
            push_text_join(&mut query, search.text.as_ref());
        }
        query.push(" WHERE v.vector_settings_id = ");
        query.push_bind(similar.vector_settings_id.clone());
        if let Some(row) = similar.excluded_row {
            query.push(" AND v.record_row <> ").push_bind(row);
        }
        if needs_records {
            query
                .push(" AND r.dataset_id = ")
                .push_bind(dataset_id.to_owned());
            push_conditions(&mut query, search);
        }
        query.push(") SELECT row, score FROM scored WHERE score IS NOT NULL ");
        query
            .push("ORDER BY score DESC, row LIMIT ")
            .push_bind(similar.k);
        let nearest: Vec<(i64, Option<f64>)> =
            query.build_query_as().fetch_all(self.pool()).await?;
        let total = nearest.len() as i64;
        let offset = usize::try_from(search.offset).unwrap_or(0);
        Ok(Hits {
            rows: nearest.into_iter().skip(offset).collect(),
            total,
        })
    }
}

/// The relevance of a hit: the text query's BM25 (1.0 without one), times the caller's
/// pseudo-random draw on the `/me` search.
fn push_score(query: &mut QueryBuilder<Sqlite>, search: &RecordSearch) {
    match &search.text {
        Some(TextSearch {
            matching: TextMatch::Matching(_),
            ..
        }) => query.push("-t.rank"),
        _ => query.push("1.0"),
    };
    if let Some(seed) = search.shuffle {
        // A multiplicative hash of the row with the caller's seed, in [0, 1).
        query.push(" * (((r.row * 2654435761 + ");
        query.push_bind(seed);
        query.push(") % 4294967291) / 4294967291.0)");
    }
}

fn push_text_join(query: &mut QueryBuilder<Sqlite>, text: Option<&TextSearch>) {
    if let Some(TextSearch {
        matching: TextMatch::Matching(expression),
        slot,
    }) = text
    {
        query.push(
            "JOIN (SELECT rowid / 1024 AS row, rank FROM records_text WHERE records_text MATCH ",
        );
        query.push_bind(expression.clone());
        query.push(" AND rowid % 1024 = ").push_bind(*slot);
        query.push(") t ON t.row = r.row ");
        debug_assert_eq!(FIELD_SLOTS, 1024);
    }
}

fn push_conditions(query: &mut QueryBuilder<Sqlite>, search: &RecordSearch) {
    if let Some(TextSearch {
        matching: TextMatch::NotMatching(expression),
        slot,
    }) = &search.text
    {
        query.push(
            " AND r.row NOT IN (SELECT rowid / 1024 FROM records_text WHERE records_text MATCH ",
        );
        query.push_bind(expression.clone());
        query
            .push(" AND rowid % 1024 = ")
            .push_bind(*slot)
            .push(")");
    }
    for condition in &search.conditions {
        query.push(" AND ");
        push_condition(query, condition);
    }
}

fn push_condition(query: &mut QueryBuilder<Sqlite>, condition: &Condition) {
    match condition {
        Condition::Terms(target, values) => {
            push_values_of(query, target, |query, value| {
                push_in(query, value, values, numeric(target));
            });
        }
        Condition::Range { target, ge, le } => {
            push_values_of(query, target, |query, value| {
                query.push("(1");
                for (bound, op) in [(ge, " >= "), (le, " <= ")] {
                    if let Some(bound) = bound {
                        query.push(" AND ").push(value).push(op);
                        match bound {
                            Bound::Number(n) => query.push_bind(*n),
                            Bound::Text(t) => query.push_bind(t.clone()),
                        };
                    }
                }
                query.push(")");
            });
        }
        Condition::NoResponseOr { user_id, others } => {
            query.push("(NOT EXISTS (SELECT 1 FROM responses p WHERE p.record_id = r.id");
            if let Some(user) = user_id {
                query.push(" AND p.user_id = ").push_bind(user.clone());
            }
            query.push(")");
            if !others.is_empty() {
                query.push(" OR ");
                let target = Target::ResponseStatus {
                    user_id: user_id.clone(),
                };
                push_condition(query, &Condition::Terms(target, others.clone()));
            }
            query.push(")");
        }
    }
}

/// Whether a target's values compare as numbers.
fn numeric(target: &Target) -> bool {
    match target {
        Target::Metadata { numeric, .. } => *numeric,
        Target::Suggestion { attribute, .. } => matches!(
            attribute,
            SuggestionAttribute::Score | SuggestionAttribute::Value(AnswerIndex::Number)
        ),
        Target::Answer { index, .. } => *index == AnswerIndex::Number,
        Target::Record(_) | Target::ResponseStatus { .. } => false,
    }
}

/// Whether the record has a value of the target that `test` accepts; `test` is given the
/// SQL expression of one value.
fn push_values_of(
    query: &mut QueryBuilder<Sqlite>,
    target: &Target,
    test: impl Fn(&mut QueryBuilder<Sqlite>, &str),
) {
    match target {
        Target::Record(column) => test(query, column.column()),
        Target::Metadata {
            property_id,
            numeric,
        } => {
            // As a set of rows, which SQLite reads from the index and looks records up by.
            query.push(
                "r.row IN (SELECT m.record_row FROM records_metadata m WHERE m.property_id = ",
            );
            query.push_bind(property_id.clone());
            query.push(" AND ");
            test(query, if *numeric { "m.number" } else { "m.term" });
            query.push(")");
        }
        Target::Suggestion {
            question_id,
            attribute,
        } => {
            let (source, value) = match attribute {
                SuggestionAttribute::Value(AnswerIndex::NotIndexed) => {
                    query.push("0");
                    return;
                }
                SuggestionAttribute::Value(_) => (
                    "FROM suggestions s, json_each(CASE json_type(s.value) WHEN 'array' THEN s.value ELSE json_array(json(s.value)) END) e",
                    "e.value",
                ),
                SuggestionAttribute::Score => (
                    "FROM suggestions s, json_each(CASE json_type(s.score) WHEN 'array' THEN s.score ELSE json_array(json(s.score)) END) e",
                    "e.value",
                ),
                SuggestionAttribute::Agent => ("FROM suggestions s", "s.agent"),
                SuggestionAttribute::Type => ("FROM suggestions s", "s.type"),
            };
            query.push("EXISTS (SELECT 1 ").push(source);
            query.push(" WHERE s.record_id = r.id AND s.question_id = ");
            query.push_bind(question_id.clone()).push(" AND ");
            test(query, value);
            query.push(")");
        }
        Target::Answer {
            question,
            index,
            user_id,
        } => {
            if *index == AnswerIndex::NotIndexed {
                query.push("0");
                return;
            }
            query
                .push("EXISTS (SELECT 1 FROM responses p, json_each(CASE json_type(p.\"values\", ");
            let path = answer_path(question);
            query.push_bind(path.clone());
            query.push(") WHEN 'array' THEN json_extract(p.\"values\", ");
            query.push_bind(path.clone());
            query.push(") ELSE json_array(json_extract(p.\"values\", ");
            query.push_bind(path);
            query.push(")) END) e WHERE p.record_id = r.id");
            if let Some(user) = user_id {
                query.push(" AND p.user_id = ").push_bind(user.clone());
            }
            query.push(" AND e.value IS NOT NULL AND ");
            test(query, "e.value");
            query.push(")");
        }
        Target::ResponseStatus { user_id } => {
            query.push("EXISTS (SELECT 1 FROM responses p WHERE p.record_id = r.id");
            if let Some(user) = user_id {
                query.push(" AND p.user_id = ").push_bind(user.clone());
            }
            query.push(" AND ");
            test(query, "p.status");
            query.push(")");
        }
    }
}

/// The JSON path of a question's answer in a response's values.
fn answer_path(question: &str) -> String {
    format!("$.\"{}\".value", question.replace('"', "\\\""))
}

/// `value IN (…)`: as numbers (values that are none are left out) or as text.
fn push_in(query: &mut QueryBuilder<Sqlite>, value: &str, values: &[String], numeric: bool) {
    query.push(value).push(" IN (");
    let mut separated = query.separated(", ");
    let mut any = false;
    for v in values {
        if numeric {
            if let Ok(n) = v.trim().parse::<f64>() {
                separated.push_bind(n);
                any = true;
            }
        } else {
            separated.push_bind(v.clone());
            any = true;
        }
    }
    if !any {
        separated.push("NULL");
    }
    query.push(")");
}

/// A sort key: the target's value (a record's least for ascending, greatest for descending,
/// an average of numeric answers), missing values last.
fn push_sort_key(query: &mut QueryBuilder<Sqlite>, key: &SortKey) {
    let direction = if key.descending { " DESC" } else { " ASC" };
    let pick = if key.descending { "MAX" } else { "MIN" };
    query.push("(");
    push_sort_value(query, &key.target, pick);
    query.push(") IS NULL, (");
    push_sort_value(query, &key.target, pick);
    query.push(")").push(direction);
}

fn push_sort_value(query: &mut QueryBuilder<Sqlite>, target: &Target, pick: &str) {
    match target {
        Target::Record(column) => {
            query.push(column.column());
        }
        Target::Metadata {
            property_id,
            numeric,
        } => {
            let column = if *numeric { "number" } else { "term" };
            query.push(format!(
                "SELECT {pick}(m.{column}) FROM records_metadata m "
            ));
            query.push("WHERE m.record_row = r.row AND m.property_id = ");
            query.push_bind(property_id.clone());
        }
        Target::Suggestion {
            question_id,
            attribute,
        } => {
            let value = match attribute {
                SuggestionAttribute::Value(AnswerIndex::NotIndexed) => "NULL",
                SuggestionAttribute::Value(_) | SuggestionAttribute::Score => "e.value",
                SuggestionAttribute::Agent => "s.agent",
                SuggestionAttribute::Type => "s.type",
            };
            let json = match attribute {
                SuggestionAttribute::Score => "s.score",
                _ => "s.value",
            };
            query.push(format!(
                "SELECT {pick}({value}) FROM suggestions s, json_each(CASE json_type({json}) \
                 WHEN 'array' THEN {json} ELSE json_array(json({json})) END) e \
                 WHERE s.record_id = r.id AND s.question_id = "
            ));
            query.push_bind(question_id.clone());
        }
        Target::Answer {
            question,
            index,
            user_id,
        } => {
            let aggregate = if *index == AnswerIndex::Number {
                "AVG"
            } else {
                pick
            };
            query.push(format!("SELECT {aggregate}(json_extract(p.\"values\", "));
            query.push_bind(answer_path(question));
            query.push(")) FROM responses p WHERE p.record_id = r.id");
            if let Some(user) = user_id {
                query.push(" AND p.user_id = ").push_bind(user.clone());
            }
        }
        Target::ResponseStatus { user_id } => {
            query.push(format!(
                "SELECT {pick}(p.status) FROM responses p WHERE p.record_id = r.id"
            ));
            if let Some(user) = user_id {
                query.push(" AND p.user_id = ").push_bind(user.clone());
            }
        }
    }
}
