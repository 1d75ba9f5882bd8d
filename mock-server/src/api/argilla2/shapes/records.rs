//! Records, responses and suggestions (`argilla-2x-records-api.md` §1).

use serde::Serialize;
use serde_json::{Map, Value};

use super::as_pydantic;
use crate::db::LoadedRecord;
use crate::models::datasets::{DatasetSettings, FieldSettings};
use crate::models::records::{self as models, RecordStatus, ResponseStatus, SuggestionType};
use crate::python::repr::py_value_repr;

#[derive(Debug, Serialize)]
pub struct Record<'a> {
    pub id: &'a str,
    pub status: RecordStatus,
    pub fields: FieldsShown<'a>,
    pub metadata: Option<&'a Map<String, Value>>,
    pub external_id: Option<&'a str>,
    /// Left out (not `null`) when the read did not load them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub responses: Option<Vec<Response<'a>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suggestions: Option<Vec<Suggestion<'a>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vectors: Option<Map<String, Value>>,
    pub dataset_id: &'a str,
    pub inserted_at: String,
    pub updated_at: String,
}

/// A record's fields: as stored, or as a write answers them.
#[derive(Debug)]
pub enum FieldsShown<'a> {
    Stored(&'a Map<String, Value>),
    /// After a write the real server answers the object its search-engine mapper edited in
    /// place: every non-image field of the dataset the record lacks is added as `null` (after
    /// the sent ones, in field order) and a custom field's object becomes Python's `str()` of
    /// it. Only the answer shows this; what is stored is what was sent.
    AsIndexed(Map<String, Value>),
}

impl Serialize for FieldsShown<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            FieldsShown::Stored(fields) => fields.serialize(serializer),
            FieldsShown::AsIndexed(fields) => fields.serialize(serializer),
        }
    }
}

impl<'a> Record<'a> {
    /// A record as a read shows it.
    pub fn read(loaded: &'a LoadedRecord) -> Record<'a> {
        let record = &loaded.record;
        Record {
            id: &record.id,
            status: record.status,
            fields: FieldsShown::Stored(&record.fields.0),
            metadata: record.metadata.as_ref().map(|m| &m.0),
            external_id: record.external_id.as_deref(),
            responses: (loaded.responses.as_ref())
                .map(|all| all.iter().map(Response::from).collect()),
            suggestions: (loaded.suggestions.as_ref())
                .map(|all| all.iter().map(Suggestion::from).collect()),
            vectors: loaded.vectors.as_ref().map(|all| {
                (all.iter())
                    .map(|(name, value)| (name.clone(), Value::from(value.clone())))
                    .collect()
            }),
            dataset_id: &record.dataset_id,
            inserted_at: as_pydantic(&record.inserted_at),
            updated_at: as_pydantic(&record.updated_at),
        }
    }

    /// A record as the answer to a write shows it (see [`FieldsShown::AsIndexed`]).
    pub fn written(loaded: &'a LoadedRecord, settings: &DatasetSettings) -> Record<'a> {
        let mut fields = loaded.record.fields.0.clone();
        for field in &settings.fields {
            match &field.settings.0 {
                FieldSettings::Image => {}
                FieldSettings::Custom { .. } => {
                    let shown = match fields.get(&field.name) {
                        None | Some(Value::Null) => Value::Null,
                        Some(value) => Value::String(py_value_repr(value)),
                    };
                    fields.insert(field.name.clone(), shown);
                }
                _ => {
                    fields.entry(field.name.clone()).or_insert(Value::Null);
                }
            }
        }
        Record {
            fields: FieldsShown::AsIndexed(fields),
            ..Record::read(loaded)
        }
    }

    /// A record as a delete shows it: without its relations.
    pub fn bare(record: &'a models::Record) -> Record<'a> {
        Record {
            id: &record.id,
            status: record.status,
            fields: FieldsShown::Stored(&record.fields.0),
            metadata: record.metadata.as_ref().map(|m| &m.0),
            external_id: record.external_id.as_deref(),
            responses: None,
            suggestions: None,
            vectors: None,
            dataset_id: &record.dataset_id,
            inserted_at: as_pydantic(&record.inserted_at),
            updated_at: as_pydantic(&record.updated_at),
        }
    }
}

#[derive(Debug, Serialize)]
pub struct Response<'a> {
    pub id: &'a str,
    pub values: Option<&'a Map<String, Value>>,
    pub status: ResponseStatus,
    pub record_id: &'a str,
    pub user_id: &'a str,
    pub inserted_at: String,
    pub updated_at: String,
}

impl<'a> From<&'a models::Response> for Response<'a> {
    fn from(r: &'a models::Response) -> Response<'a> {
        Response {
            id: &r.id,
            values: r.values.as_ref().map(|v| &v.0),
            status: r.status,
            record_id: &r.record_id,
            user_id: &r.user_id,
            inserted_at: as_pydantic(&r.inserted_at),
            updated_at: as_pydantic(&r.updated_at),
        }
    }
}

#[derive(Debug, Serialize)]
pub struct Suggestion<'a> {
    pub question_id: &'a str,
    #[serde(rename = "type")]
    pub kind: Option<SuggestionType>,
    pub value: &'a Value,
    pub agent: Option<&'a str>,
    pub score: Option<&'a Value>,
    pub id: &'a str,
    pub inserted_at: String,
    pub updated_at: String,
}

impl<'a> From<&'a models::Suggestion> for Suggestion<'a> {
    fn from(s: &'a models::Suggestion) -> Suggestion<'a> {
        Suggestion {
            question_id: &s.question_id,
            kind: s.kind,
            value: &s.value.0,
            agent: s.agent.as_deref(),
            score: s.score.as_ref().map(|v| &v.0),
            id: &s.id,
            inserted_at: as_pydantic(&s.inserted_at),
            updated_at: as_pydantic(&s.updated_at),
        }
    }
}
