//! Record bodies: the items of `POST|PUT /datasets/{id}/records/bulk` and `PATCH /records/{id}`
//! (argilla-server's `RecordCreate`, `RecordUpsert`, `RecordUpdate`; `argilla-2x-records-api.md`
//! §3.1, §3.2, §3.7), and the `include` and paging query parameters of the record lists.

use serde_json::{Map, Value};

use super::answers::{suggestion, tagged_response, ResponseInput, ResponseModel, SuggestionInput};
use super::model;
use crate::db::{RecordWrite, ResponseWrite, SuggestionWrite, SuggestionsWrite, WriteTarget};
use crate::extract::JsonBody;
use crate::models::datasets::DatasetSettings;
use crate::python::json::{object_json, PyValue};
use crate::python::pydantic2::{
    child, dict_value, float_value, list_items, Bounds, ErrorItem2, Field, Loc, Model2, Presence,
    Problem, Str2,
};
use crate::python::repr::{py_type_name, py_value_repr};

/// The most items one bulk may have.
pub const BULK_MAX_ITEMS: usize = 500;
/// The most messages a chat field value may have.
const CHAT_MAX_MESSAGES: usize = 500;

/// A record as a write gives it. What is left out is `None` (an upsert or a PATCH keeps it).
#[derive(Debug, Clone, Default)]
pub struct RecordInput {
    /// Upserts: the record to update, if it is in the dataset.
    pub id: Option<String>,
    pub fields: Option<Option<Map<String, Value>>>,
    /// `Some(None)`: sent as `null`.
    pub metadata: Option<Option<Map<String, Value>>>,
    pub external_id: Option<String>,
    pub responses: Option<Vec<ResponseInput>>,
    pub suggestions: Option<Vec<SuggestionInput>>,
    pub vectors: Option<Vec<(String, Vec<f64>)>>,
}

impl RecordInput {
    /// What writing this item does to its record (`target`); suggestions are upserted per
    /// question, vectors per space (named by their settings' ids), responses per user.
    pub fn into_write(self, target: WriteTarget, settings: &DatasetSettings) -> RecordWrite {
        let fields = match target {
            WriteTarget::New { .. } => Some(self.fields.flatten().unwrap_or_default()),
            WriteTarget::Existing(_) => self.fields.flatten(),
        };
        RecordWrite {
            target,
            fields,
            metadata: self.metadata,
            suggestions: SuggestionsWrite::Upsert(suggestion_writes(self.suggestions)),
            vectors: vector_writes(self.vectors, settings),
            responses: response_writes(self.responses),
            touch: false,
        }
    }
}

pub fn suggestion_writes(suggestions: Option<Vec<SuggestionInput>>) -> Vec<SuggestionWrite> {
    (suggestions.into_iter().flatten())
        .map(|s| SuggestionWrite {
            question_id: s.question_id,
            value: s.value.to_json(),
            score: s.score,
            agent: s.agent,
            kind: s.kind,
        })
        .collect()
}

/// Vectors by their settings' ids (names that are none are left out: they were checked).
pub fn vector_writes(
    vectors: Option<Vec<(String, Vec<f64>)>>,
    settings: &DatasetSettings,
) -> Vec<(String, Vec<f64>)> {
    (vectors.into_iter().flatten())
        .filter_map(|(name, value)| Some((settings.vector_settings(&name)?.id.clone(), value)))
        .collect()
}

fn response_writes(responses: Option<Vec<ResponseInput>>) -> Vec<ResponseWrite> {
    (responses.into_iter().flatten())
        .filter_map(|r| {
            Some(ResponseWrite {
                user_id: r.user_id?,
                values: r.values.as_deref().map(super::answers::stored_values),
                status: r.status,
            })
        })
        .collect()
}

/// One `RecordCreate` (a record of a fixture file).
pub fn record_create(value: &PyValue) -> Result<RecordInput, Vec<ErrorItem2>> {
    record(value, vec!["body".into()], RecordModel::Create)
}

/// Which model a record body is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordModel {
    /// `RecordCreate`: `fields` required.
    Create,
    /// `RecordUpsert`: `fields` optional, an `id`.
    Upsert,
    /// `RecordUpdate`: `fields`, `metadata`, `suggestions`, `vectors`, each optional.
    Update,
}

/// `{"items": [RecordCreate | RecordUpsert]}`: 1 to 500 items, external ids unique.
pub fn records_bulk(
    body: &JsonBody,
    model_of: RecordModel,
) -> Result<Vec<RecordInput>, Vec<ErrorItem2>> {
    let mut m = model(body)?;
    let items = m.nested("items", Presence::Required, |value, loc| {
        list_items(value, &loc, (1, Some(BULK_MAX_ITEMS)), |item, loc| {
            record(item, loc, model_of)
        })
    });
    m.finish()?;
    let items = items.value().ok_or_else(Vec::new)?;
    let external_ids: Vec<&String> = items
        .iter()
        .filter_map(|i| i.external_id.as_ref())
        .collect();
    let unique: std::collections::HashSet<&&String> = external_ids.iter().collect();
    if unique.len() != external_ids.len() {
        let at = vec!["body".into(), "items".into()];
        return Err(vec![
            Problem::value_error("External IDs must be unique").at(at)
        ]);
    }
    Ok(items)
}

/// `RecordUpdate` (`PATCH /records/{id}`).
pub fn record_update(body: &JsonBody) -> Result<RecordInput, Vec<ErrorItem2>> {
    let value = body.value();
    match value {
        None | Some(PyValue::Null) => Err(vec![ErrorItem2::missing(vec!["body".into()])]),
        Some(value) => record(value, vec!["body".into()], RecordModel::Update),
    }
}

fn record(
    value: &PyValue,
    loc: Loc,
    model_of: RecordModel,
) -> Result<RecordInput, Vec<ErrorItem2>> {
    let mut m = Model2::at(value, loc)?;
    let fields_presence = match model_of {
        RecordModel::Create => Presence::Required,
        _ => Presence::Optional,
    };
    let fields = m.nested("fields", fields_presence, |v, loc| match model_of {
        RecordModel::Update => update_fields(v, loc),
        _ => fields(v, loc),
    });
    let metadata = m.nested("metadata", Presence::Optional, metadata);
    let external_id = match model_of {
        RecordModel::Update => Field::Absent,
        _ => m.field("external_id", Presence::Optional, external_id),
    };
    let responses = match model_of {
        RecordModel::Update => Field::Absent,
        _ => m.nested("responses", Presence::Optional, responses),
    };
    let suggestions = m.nested("suggestions", Presence::Optional, |v, loc| {
        list_items(v, &loc, (0, None), suggestion)
    });
    let vectors = m.nested("vectors", Presence::Optional, vectors);
    let id = match model_of {
        RecordModel::Upsert => m.uuid("id", Presence::Optional),
        _ => Field::Absent,
    };
    m.finish()?;
    Ok(RecordInput {
        id: id.value().map(|id| id.hyphenated().to_string()),
        fields: fields.patch(),
        metadata: metadata.patch(),
        external_id: external_id.value(),
        responses: responses.value(),
        suggestions: suggestions.value(),
        vectors: vectors.value(),
    })
}

/// `Dict[str, StrictStr | List[ChatFieldValue] | Dict[StrictStr, Any] | None]`, after the
/// model's `mode="before"` validator, which reads every list as chat messages first.
fn fields(value: &PyValue, loc: Loc) -> Result<Map<String, Value>, Vec<ErrorItem2>> {
    let PyValue::Object(pairs) = value else {
        return Err(vec![Problem::new(
            "dict_type",
            "Input should be a valid dictionary",
        )
        .at(loc)]);
    };
    let mut fields = Map::new();
    for (name, value) in pairs {
        if let PyValue::List(messages) = value {
            let chat = chat_messages(name, messages)
                .map_err(|message| vec![Problem::value_error(message).at(loc.clone())])?;
            fields.insert(name.clone(), chat);
            continue;
        }
        fields.insert(name.clone(), value.to_json());
    }
    let mut errors = Vec::new();
    for (name, value) in pairs {
        if let PyValue::Bool(_) | PyValue::Int(_) | PyValue::Float(_) = value {
            let at = child(&loc, name.as_str());
            errors.push(
                Problem::new("string_type", "Input should be a valid string")
                    .at(child(&at, "constrained-str")),
            );
            errors.push(
                Problem::new("list_type", "Input should be a valid list")
                    .at(child(&at, "list[ChatFieldValue]")),
            );
            errors.push(
                Problem::new("dict_type", "Input should be a valid dictionary")
                    .at(child(&at, "dict[constrained-str,any]")),
            );
        }
    }
    if errors.is_empty() {
        Ok(fields)
    } else {
        Err(errors)
    }
}

/// `Dict[str, StrictStr | List[ChatFieldValue] | Dict[StrictStr, Any] | None]` of
/// `RecordUpdate`, which has no chat validator of its own: pydantic's union reports every
/// member's errors.
fn update_fields(value: &PyValue, loc: Loc) -> Result<Map<String, Value>, Vec<ErrorItem2>> {
    let PyValue::Object(pairs) = value else {
        return Err(vec![Problem::new(
            "dict_type",
            "Input should be a valid dictionary",
        )
        .at(loc)]);
    };
    let mut fields = Map::new();
    let mut errors = Vec::new();
    for (name, value) in pairs {
        let at = child(&loc, name.as_str());
        let list_errors = match value {
            PyValue::Null | PyValue::Str(_) | PyValue::Object(_) => {
                fields.insert(name.clone(), value.to_json());
                continue;
            }
            PyValue::List(_) => {
                match list_items(
                    value,
                    &child(&at, "list[ChatFieldValue]"),
                    (0, None),
                    chat_message,
                ) {
                    Ok(messages) => {
                        fields.insert(name.clone(), Value::Array(messages));
                        continue;
                    }
                    Err(e) => e,
                }
            }
            _ => vec![Problem::new("list_type", "Input should be a valid list")
                .at(child(&at, "list[ChatFieldValue]"))],
        };
        errors.push(
            Problem::new("string_type", "Input should be a valid string").at(child(&at, "str")),
        );
        errors.extend(list_errors);
        errors.push(
            Problem::new("dict_type", "Input should be a valid dictionary")
                .at(child(&at, "dict[str,any]")),
        );
    }
    if errors.is_empty() {
        Ok(fields)
    } else {
        Err(errors)
    }
}

/// `ChatFieldValue`: `role` of 1..20 characters, `content` of 1..20000; other keys dropped.
fn chat_message(value: &PyValue, loc: Loc) -> Result<Value, Vec<ErrorItem2>> {
    let mut m = Model2::at(value, loc)?;
    let role = m.str("role", Presence::Required, Str2::length(1, 20));
    let content = m.str("content", Presence::Required, Str2::length(1, 20_000));
    m.finish()?;
    match (role, content) {
        (Field::Value(role), Field::Value(content)) => {
            Ok(serde_json::json!({ "role": role, "content": content }))
        }
        _ => Err(Vec::new()),
    }
}

/// A list field value as chat messages `{"role", "content"}` (other keys dropped), or the
/// `ValueError` the real server raises, in its words.
fn chat_messages(name: &str, messages: &[PyValue]) -> Result<Value, String> {
    let mut parsed = Vec::with_capacity(messages.len());
    for message in messages {
        let PyValue::Object(pairs) = message else {
            return Err(format!(
                "Error parsing chat field '{name}': argilla_server.api.schemas.v1.chat.ChatFieldValue() argument after ** must be a mapping, not {}",
                py_type_name(message)
            ));
        };
        let mut problems = Vec::new();
        let mut checked = |key: &str, rules: Str2| -> Option<String> {
            let value = crate::python::last_value(pairs, key);
            let result = match value {
                None => Err(Problem::missing()),
                Some(v) => rules.check(v),
            };
            match result {
                Ok(text) => Some(text),
                Err(problem) => {
                    problems.push(pydantic_error_repr(
                        &problem,
                        key,
                        value.unwrap_or(message),
                        &rules,
                    ));
                    None
                }
            }
        };
        let role = checked("role", Str2::length(1, 20));
        let content = checked("content", Str2::length(1, 20_000));
        if !problems.is_empty() {
            return Err(format!(
                "Error parsing chat field '{name}': [{}]",
                problems.join(", ")
            ));
        }
        parsed.push(serde_json::json!({ "role": role, "content": content }));
    }
    if messages.len() > CHAT_MAX_MESSAGES {
        return Err(format!(
            "Number of chat messages in field '{name}' exceeds the maximum allowed value of {CHAT_MAX_MESSAGES}"
        ));
    }
    Ok(Value::Array(parsed))
}

/// One item of pydantic's `ValidationError.errors()`, as Python prints it.
fn pydantic_error_repr(problem: &Problem, key: &str, input: &PyValue, rules: &Str2) -> String {
    let ctx = match problem.kind {
        "string_too_short" => format!(
            ", 'ctx': {{'min_length': {}}}",
            rules.min_length.unwrap_or(0)
        ),
        "string_too_long" => format!(
            ", 'ctx': {{'max_length': {}}}",
            rules.max_length.unwrap_or(0)
        ),
        _ => String::new(),
    };
    format!(
        "{{'type': '{}', 'loc': ('{key}',), 'msg': '{}', 'input': {}{ctx}, 'url': 'https://errors.pydantic.dev/2.9/v/{}'}}",
        problem.kind,
        problem.msg,
        py_value_repr(&input.to_json()),
        problem.kind
    )
}

/// `Optional[Dict[str, Any]]`, with no NaN value.
fn metadata(value: &PyValue, loc: Loc) -> Result<Map<String, Value>, Vec<ErrorItem2>> {
    let pairs = dict_value(value).map_err(|p| vec![p.at(loc.clone())])?;
    for (key, value) in pairs {
        if matches!(value, PyValue::Float(f) if f.is_nan()) {
            let message = format!(
                "NaN is not allowed as metadata value, found NaN for key {}",
                crate::python::repr::py_repr(key)
            );
            return Err(vec![Problem::value_error(message).at(loc)]);
        }
    }
    Ok(object_json(pairs))
}

/// `Optional[str]`, numbers written as strings (`coerce_numbers_to_str`).
fn external_id(value: &PyValue) -> Result<String, Problem> {
    match value {
        PyValue::Int(digits) => Ok(digits.clone()),
        PyValue::Float(f) => Ok(crate::python::py_float_repr(*f)),
        other => Str2::default().check(other),
    }
}

/// `Optional[List[UserResponseCreate]]`, one per user.
fn responses(value: &PyValue, loc: Loc) -> Result<Vec<ResponseInput>, Vec<ErrorItem2>> {
    let responses = list_items(value, &loc, (0, None), |item, loc| {
        tagged_response(item, loc, ResponseModel::OfRecord)
    })?;
    let mut seen: Vec<&str> = Vec::new();
    for response in &responses {
        let user = response.user_id.as_deref().unwrap_or("");
        if seen.contains(&user) {
            let message =
                format!("'responses' contains several responses for the same user_id='{user}'");
            return Err(vec![Problem::value_error(message).at(loc)]);
        }
        seen.push(user);
    }
    Ok(responses)
}

/// `Optional[Dict[str, List[float]]]`.
fn vectors(value: &PyValue, loc: Loc) -> Result<Vec<(String, Vec<f64>)>, Vec<ErrorItem2>> {
    let pairs = dict_value(value).map_err(|p| vec![p.at(loc.clone())])?;
    let mut vectors: Vec<(String, Vec<f64>)> = Vec::with_capacity(pairs.len());
    let mut errors = Vec::new();
    for (name, value) in pairs {
        let parsed = match plain_numbers(value) {
            Some(numbers) => Ok(numbers),
            None => list_items(
                value,
                &child(&loc, name.as_str()),
                (0, None),
                |item, loc| float_value(item, Bounds::default()).map_err(|p| vec![p.at(loc)]),
            ),
        };
        match parsed {
            Ok(values) => match vectors.iter_mut().find(|(n, _)| n == name) {
                Some(slot) => slot.1 = values,
                None => vectors.push((name.clone(), values)),
            },
            Err(e) => errors.extend(e),
        }
    }
    if errors.is_empty() {
        Ok(vectors)
    } else {
        Err(errors)
    }
}

/// A list of JSON numbers, read at once (embeddings have hundreds of components; the checks
/// item by item, with a location each, are for anything else).
fn plain_numbers(value: &PyValue) -> Option<Vec<f64>> {
    let PyValue::List(items) = value else {
        return None;
    };
    (items.iter())
        .map(|item| match item {
            PyValue::Float(f) => Some(*f),
            PyValue::Int(digits) => digits.parse::<f64>().ok(),
            _ => None,
        })
        .collect()
}
