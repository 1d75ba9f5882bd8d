//! Argilla 2.x records and what annotators and models add to them, as storage keeps and returns
//! them: responses (one per user and record), suggestions (one per question and record) and
//! vectors (one per vector settings and record).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use sqlx::types::Json;

/// `completed` once a record has as many submitted responses as its dataset's distribution asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, sqlx::Type)]
#[serde(rename_all = "lowercase")]
#[sqlx(rename_all = "lowercase")]
pub enum RecordStatus {
    Pending,
    Completed,
}

impl RecordStatus {
    pub const fn as_str(self) -> &'static str {
        match self {
            RecordStatus::Pending => "pending",
            RecordStatus::Completed => "completed",
        }
    }

    /// The status of a record with `submitted` submitted responses, when `min_submitted` complete one.
    pub fn for_submitted(submitted: i64, min_submitted: i64) -> RecordStatus {
        if submitted >= min_submitted {
            RecordStatus::Completed
        } else {
            RecordStatus::Pending
        }
    }
}

/// A row of `records`. `row` is its place in the table, which the search tables refer to.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Record {
    pub row: i64,
    pub id: String,
    pub dataset_id: String,
    pub external_id: Option<String>,
    pub status: RecordStatus,
    /// As sent: strings, lists of chat messages, objects (custom fields), nulls.
    pub fields: Json<Map<String, Value>>,
    pub metadata: Option<Json<Map<String, Value>>>,
    pub inserted_at: String,
    pub updated_at: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, sqlx::Type)]
#[serde(rename_all = "lowercase")]
#[sqlx(rename_all = "lowercase")]
pub enum ResponseStatus {
    Draft,
    Submitted,
    Discarded,
}

impl ResponseStatus {
    /// In the real server's enum order.
    pub const ALL: [ResponseStatus; 3] = [
        ResponseStatus::Draft,
        ResponseStatus::Submitted,
        ResponseStatus::Discarded,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            ResponseStatus::Draft => "draft",
            ResponseStatus::Submitted => "submitted",
            ResponseStatus::Discarded => "discarded",
        }
    }

    pub fn parse(s: &str) -> Option<ResponseStatus> {
        ResponseStatus::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

/// A row of `responses`: one user's answers to a record's questions.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Response {
    pub id: String,
    pub record_id: String,
    pub user_id: String,
    /// `{"<question>": {"value": …}}`, or none (a discarded response may have none).
    pub values: Option<Json<Map<String, Value>>>,
    pub status: ResponseStatus,
    pub inserted_at: String,
    pub updated_at: String,
}

/// Who made a suggestion.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, sqlx::Type)]
#[serde(rename_all = "lowercase")]
#[sqlx(rename_all = "lowercase")]
pub enum SuggestionType {
    Model,
    Human,
}

impl SuggestionType {
    pub const fn as_str(self) -> &'static str {
        match self {
            SuggestionType::Model => "model",
            SuggestionType::Human => "human",
        }
    }
}

/// A row of `suggestions`: a proposed answer to one question of a record.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Suggestion {
    pub id: String,
    pub record_id: String,
    pub question_id: String,
    pub value: Json<Value>,
    /// A number, a list of numbers, or none.
    pub score: Option<Json<Value>>,
    pub agent: Option<String>,
    #[sqlx(rename = "type")]
    pub kind: Option<SuggestionType>,
    pub inserted_at: String,
    pub updated_at: String,
}

/// A record's vector in one vector space, exactly as sent.
#[derive(Debug, Clone, PartialEq)]
pub struct Vector {
    pub record_row: i64,
    pub vector_settings_id: String,
    pub value: Vec<f64>,
}

/// A vector's components as stored: a width byte (4 or 8), then the components as
/// little-endian floats of that width. Embeddings are mostly float32 values sent as JSON
/// numbers; those are kept in 4 bytes each, any other in 8, so each reads back exactly as sent.
pub fn vector_bytes(value: &[f64]) -> Vec<u8> {
    let fits_f32 = value.iter().all(|v| f64::from(*v as f32) == *v);
    let width: u8 = if fits_f32 { 4 } else { 8 };
    let mut bytes = Vec::with_capacity(1 + value.len() * usize::from(width));
    bytes.push(width);
    for v in value {
        if fits_f32 {
            bytes.extend_from_slice(&(*v as f32).to_le_bytes());
        } else {
            bytes.extend_from_slice(&v.to_le_bytes());
        }
    }
    bytes
}

/// The components of a stored vector.
pub fn vector_from_bytes(bytes: &[u8]) -> Vec<f64> {
    match bytes.split_first() {
        Some((4, rest)) => (rest.chunks_exact(4))
            .map(|c| f64::from(f32::from_le_bytes([c[0], c[1], c[2], c[3]])))
            .collect(),
        Some((_, rest)) => (rest.chunks_exact(8))
            .map(|c| f64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]))
            .collect(),
        None => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vectors_read_back_exactly_as_sent() {
        for value in [
            vec![0.1, 0.2, 0.3],
            vec![0.5, -1.0, 2.0],
            vec![],
            vec![f64::from(0.1f32), 1e300],
        ] {
            assert_eq!(vector_from_bytes(&vector_bytes(&value)), value);
        }
        let float32 = vec![f64::from(0.1f32), f64::from(-0.25f32)];
        assert_eq!(
            vector_bytes(&float32).len(),
            1 + 2 * 4,
            "float32 values take 4 bytes"
        );
        assert_eq!(vector_bytes(&[0.1]).len(), 1 + 8, "0.1 is no float32");
    }
}
