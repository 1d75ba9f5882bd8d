//! A record's content against its dataset's settings (argilla-server's `validators/records.py`,
//! `responses.py`, `suggestions.py`, `models/metadata_properties.py`): the checks run after the
//! request's schema and the caller's role, in the real server's order, the first refusal
//! answered in its words.

use serde_json::{Map, Value};

use super::answers::check_answer;
use super::Refused;
use crate::api::argilla2::schemas::{RecordInput, ResponseInput, SuggestionInput};
use crate::models::datasets::{DatasetSettings, FieldSettings, MetadataSettings};
use crate::models::records::ResponseStatus;
use crate::python::py_float_repr;
use crate::python::repr::{py_list_repr, py_repr, py_value_repr};

const WEB_URL_MAX: usize = 2038;
const DATA_URL_MAX: usize = 5_000_000;
const IMAGE_TYPES: [&str; 8] = [
    "image/avif",
    "image/gif",
    "image/ico",
    "image/jpeg",
    "image/jpg",
    "image/png",
    "image/svg",
    "image/webp",
];

/// A record's `fields`: not empty, every required field given, no unknown field, each value
/// of its field's type. `None`: sent as `null`.
fn check_fields(
    fields: Option<&Map<String, Value>>,
    settings: &DatasetSettings,
) -> Result<(), Refused> {
    let fields = match fields {
        Some(fields) if !fields.is_empty() => fields,
        _ => return Err(Refused::from("fields cannot be empty")),
    };
    for field in &settings.fields {
        let given = fields.get(&field.name).is_some_and(|v| !v.is_null());
        if field.required && !given {
            return Err(Refused(format!(
                "missing required value for field: {}",
                py_repr(&field.name)
            )));
        }
    }
    let unknown: Vec<&String> = (fields.keys())
        .filter(|name| settings.field(name).is_none())
        .collect();
    if !unknown.is_empty() {
        return Err(Refused(format!(
            "found fields values for non configured fields: {}",
            py_list_repr(&unknown)
        )));
    }
    // One pass per field type, as the real server checks them.
    for check in [check_text, check_image, check_chat, check_custom] {
        for field in &settings.fields {
            if let Some(value) = fields.get(&field.name).filter(|v| !v.is_null()) {
                check(&field.name, &field.settings.0, value)?;
            }
        }
    }
    Ok(())
}

fn check_text(name: &str, settings: &FieldSettings, value: &Value) -> Result<(), Refused> {
    match (settings, value) {
        (FieldSettings::Text { .. }, value) if !value.is_string() => Err(Refused(format!(
            "text field {} value must be a string",
            py_repr(name)
        ))),
        _ => Ok(()),
    }
}

fn check_chat(name: &str, settings: &FieldSettings, value: &Value) -> Result<(), Refused> {
    match (settings, value) {
        (FieldSettings::Chat { .. }, value) if !value.is_array() => Err(Refused(format!(
            "chat field {} value must be a list of messages",
            py_repr(name)
        ))),
        _ => Ok(()),
    }
}

fn check_custom(name: &str, settings: &FieldSettings, value: &Value) -> Result<(), Refused> {
    match (settings, value) {
        (FieldSettings::Custom { .. }, value) if !value.is_object() => Err(Refused(format!(
            "custom field {} value must be a dictionary",
            py_repr(name)
        ))),
        _ => Ok(()),
    }
}

/// An image field: an `http(s)` URL with a host and a path, or a `data:` URL of an image type.
/// A value that is no string is no URL (the real server fails with a 500 on a non-empty object
/// or list, `docs/differences.md`).
fn check_image(name: &str, settings: &FieldSettings, value: &Value) -> Result<(), Refused> {
    if *settings != FieldSettings::Image {
        return Ok(());
    }
    let invalid = || {
        Refused(format!(
            "image field {} has an invalid URL value",
            py_repr(name)
        ))
    };
    let Value::String(url) = value else {
        return Err(invalid());
    };
    let (scheme, rest) = match url.split_once(':') {
        Some((scheme, rest))
            if scheme.starts_with(|c: char| c.is_ascii_alphabetic())
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c)) =>
        {
            (scheme.to_ascii_lowercase(), rest)
        }
        _ => return Err(invalid()),
    };
    let rest = rest.split(['?', '#']).next().unwrap_or("");
    match scheme.as_str() {
        "http" | "https" => {
            let Some(after) = rest.strip_prefix("//") else {
                return Err(invalid());
            };
            let (host, path) = after.split_at(after.find('/').unwrap_or(after.len()));
            if host.is_empty() || path.is_empty() {
                return Err(invalid());
            }
            if url.chars().count() > WEB_URL_MAX {
                return Err(Refused(format!("image field {} value is exceeding the maximum length of {WEB_URL_MAX} characters for Web URLs", py_repr(name))));
            }
            Ok(())
        }
        "data" => {
            if rest.is_empty() {
                return Err(invalid());
            }
            if url.chars().count() > DATA_URL_MAX {
                return Err(Refused(format!("image field {} value is exceeding the maximum length of {DATA_URL_MAX} characters for Data URLs", py_repr(name))));
            }
            match data_url_type(&url[5..]) {
                Some(kind) if IMAGE_TYPES.contains(&kind.as_str()) => Ok(()),
                _ => Err(Refused(format!(
                    "image field {} value is using an unsupported MIME type, supported MIME types are: {}",
                    py_repr(name),
                    py_list_repr(&IMAGE_TYPES)
                ))),
            }
        }
        _ => Err(invalid()),
    }
}

/// Python's `mimetypes.guess_type` of a `data:` URL (after the scheme).
fn data_url_type(url: &str) -> Option<String> {
    let comma = url.find(',')?;
    let media = &url[..comma];
    let kind = media.split(';').next().unwrap_or("");
    if kind.contains('=') || !kind.contains('/') {
        return Some("text/plain".into());
    }
    Some(kind.to_owned())
}

/// A record's `metadata`, key by key in the order sent: a property's value (not null) must
/// fit the property; a key that is no property is refused unless the dataset allows extra
/// metadata.
fn check_metadata(
    metadata: Option<&Map<String, Value>>,
    settings: &DatasetSettings,
) -> Result<(), String> {
    for (name, value) in metadata.into_iter().flatten() {
        match settings.metadata_property(name) {
            Some(property) if !value.is_null() => {
                if let Err(reason) = check_metadata_value(&property.settings.0, value) {
                    return Err(format!("metadata is not valid: '{name}' metadata property validation failed because {reason}"));
                }
            }
            Some(_) => {}
            None if !settings.dataset.allow_extra_metadata => {
                return Err(format!("metadata is not valid: '{name}' metadata property does not exists for dataset '{}' and extra metadata is not allowed for this dataset", settings.dataset.id));
            }
            None => {}
        }
    }
    Ok(())
}

fn check_metadata_value(settings: &MetadataSettings, value: &Value) -> Result<(), String> {
    match settings {
        MetadataSettings::Terms { values: None } => Ok(()),
        MetadataSettings::Terms {
            values: Some(allowed),
        } => {
            let given = match value {
                Value::Array(items) => items.clone(),
                other => vec![other.clone()],
            };
            match given.iter().find(|v| !allowed.iter().any(|a| py_eq(a, v))) {
                Some(v) => Err(format!("'{}' is not an allowed term.", py_str(v))),
                None => Ok(()),
            }
        }
        MetadataSettings::Integer { min, max } => {
            let number = match value {
                Value::Number(n) if n.is_i64() || n.is_u64() => n.as_f64().unwrap_or_default(),
                // A bool is an int to Python.
                Value::Bool(b) => f64::from(u8::from(*b)),
                other => return Err(format!("'{}' is not an integer.", py_str(other))),
            };
            bounds(
                value,
                number,
                min.map(|m| (m as f64, m.to_string())),
                max.map(|m| (m as f64, m.to_string())),
            )
        }
        MetadataSettings::Float { min, max } => {
            let number = match value {
                Value::Number(n) if n.is_f64() => n.as_f64().unwrap_or_default(),
                other => return Err(format!("'{}' is not a float.", py_str(other))),
            };
            bounds(
                value,
                number,
                min.map(|m| (m, py_float_repr(m))),
                max.map(|m| (m, py_float_repr(m))),
            )
        }
    }
}

fn bounds(
    value: &Value,
    number: f64,
    min: Option<(f64, String)>,
    max: Option<(f64, String)>,
) -> Result<(), String> {
    if let Some((_, shown)) = min.filter(|(m, _)| number < *m) {
        return Err(format!(
            "'{}' is less than the minimum value of '{shown}'.",
            py_str(value)
        ));
    }
    if let Some((_, shown)) = max.filter(|(m, _)| number > *m) {
        return Err(format!(
            "'{}' is greater than the maximum value of '{shown}'.",
            py_str(value)
        ));
    }
    Ok(())
}

/// Python's `str()` of a JSON value (a string shows as itself).
fn py_str(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => py_value_repr(other),
    }
}

/// Python's `==` between JSON values: numbers by value (`1 == 1.0 == True`).
fn py_eq(a: &Value, b: &Value) -> bool {
    let number = |v: &Value| match v {
        Value::Number(n) => n.as_f64(),
        Value::Bool(b) => Some(f64::from(u8::from(*b))),
        _ => None,
    };
    match (number(a), number(b)) {
        (Some(x), Some(y)) => x == y,
        _ => a == b,
    }
}

/// A record's `vectors`: each of a vector settings of the dataset, of its dimensions.
fn check_vectors(
    vectors: Option<&[(String, Vec<f64>)]>,
    settings: &DatasetSettings,
) -> Result<(), String> {
    for (name, value) in vectors.into_iter().flatten() {
        let refused = |why: String| Err(format!("record does not have valid vectors: {why}"));
        let Some(vector_settings) = settings.vector_settings(name) else {
            return refused(format!(
                "vector with name={name} does not exist for dataset_id={}",
                settings.dataset.id
            ));
        };
        if value.len() as i64 != vector_settings.dimensions {
            return refused(format!(
                "vector value for vector name={name} must have {} elements, got {} elements",
                vector_settings.dimensions,
                value.len()
            ));
        }
    }
    Ok(())
}

/// A record's `suggestions`: one per question of the dataset, each value fit for its question
/// (with no response status), each score fit for its value.
fn check_suggestions(
    suggestions: Option<&[SuggestionInput]>,
    settings: &DatasetSettings,
    fields: &Map<String, Value>,
) -> Result<(), String> {
    let Some(suggestions) = suggestions.filter(|s| !s.is_empty()) else {
        return Ok(());
    };
    let refused = |why: String| Err(format!("record does not have valid suggestions: {why}"));
    let question_ids: Vec<&String> = suggestions.iter().map(|s| &s.question_id).collect();
    let repeated = |(i, id): (usize, &&String)| question_ids[..i].contains(id);
    if question_ids.iter().enumerate().any(repeated) {
        return refused("found duplicate suggestions question IDs".into());
    }
    for suggestion in suggestions {
        let Some(question) = settings.question_by_id(&suggestion.question_id) else {
            return refused(format!(
                "question id={} does not exists",
                suggestion.question_id
            ));
        };
        if let Err(why) = check_suggestion(suggestion, &question.settings.0, fields) {
            return refused(why);
        }
    }
    Ok(())
}

/// One suggestion's value and score (also `PUT /records/{id}/suggestions`).
pub fn check_suggestion(
    suggestion: &SuggestionInput,
    question: &crate::models::datasets::QuestionSettings,
    fields: &Map<String, Value>,
) -> Result<(), String> {
    check_answer(&suggestion.value, question, fields, None)?;
    let score_is_list = suggestion.score.as_ref().is_some_and(Value::is_array);
    if !suggestion.value.is_list() && score_is_list {
        return Err(
            "a list of score values is not allowed for a suggestion with a single value".into(),
        );
    }
    if suggestion.value.is_list() && suggestion.score.is_some() && !score_is_list {
        return Err(
            "a single score value is not allowed for a suggestion with a multiple items value"
                .into(),
        );
    }
    if let Some(Value::Array(scores)) = &suggestion.score {
        if suggestion.value.is_list() && scores.len() != suggestion.value.item_count() {
            return Err("number of items on value and score attributes doesn't match".into());
        }
    }
    Ok(())
}

/// A response's values (`ResponseValidator`): a submitted one has values for every required
/// question; no value for an unknown question; each value fit for its question.
pub fn check_response(
    response: &ResponseInput,
    settings: &DatasetSettings,
    fields: &Map<String, Value>,
) -> Result<(), String> {
    let submitted = response.status == ResponseStatus::Submitted;
    let values = response.values.as_deref().unwrap_or_default();
    if submitted && values.is_empty() {
        return Err("missing response values for submitted response".into());
    }
    if submitted {
        if let Some(question) = (settings.questions.iter())
            .find(|q| q.required && !values.iter().any(|(name, _)| *name == q.name))
        {
            return Err(format!(
                "missing response value for required question with name={}",
                py_repr(&question.name)
            ));
        }
    }
    if let Some((name, _)) = values
        .iter()
        .find(|(name, _)| settings.question(name).is_none())
    {
        return Err(format!(
            "found response value for non configured question with name={}",
            py_repr(name)
        ));
    }
    for question in &settings.questions {
        if let Some((_, value)) = values.iter().find(|(name, _)| *name == question.name) {
            check_answer(value, &question.settings.0, fields, Some(response.status))?;
        }
    }
    Ok(())
}

/// A record's `responses` (of a bulk): each by an existing user, each valid.
fn check_responses(
    responses: Option<&[ResponseInput]>,
    settings: &DatasetSettings,
    fields: &Map<String, Value>,
    user_exists: impl Fn(&str) -> bool,
) -> Result<(), String> {
    for response in responses.into_iter().flatten() {
        let refused = |why: String| Err(format!("record does not have valid responses: {why}"));
        let user = response.user_id.as_deref().unwrap_or_default();
        if !user_exists(user) {
            return refused(format!("user with id {user} not found"));
        }
        if let Err(why) = check_response(response, settings, fields) {
            return refused(why);
        }
    }
    Ok(())
}

/// Which model a record's content is checked as: the checks and their order differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordCheck {
    /// A new record (`RecordCreateValidator`): fields, metadata, suggestions, vectors, responses.
    Create,
    /// An existing record of a PUT bulk (`RecordUpsertValidator`): fields if sent, metadata,
    /// vectors, suggestions, responses.
    Upsert,
    /// `PATCH /records/{id}` (`RecordUpdateValidator`): fields if sent, metadata, vectors,
    /// suggestions.
    Update,
}

/// A record's content against the dataset. `stored_fields`: an existing record's fields, which
/// its suggestions and responses are checked against (the real server checks them before it
/// applies the new fields).
pub fn check_record(
    input: &RecordInput,
    check: RecordCheck,
    stored_fields: Option<&Map<String, Value>>,
    settings: &DatasetSettings,
    user_exists: impl Fn(&str) -> bool,
) -> Result<(), Refused> {
    let sent_fields = input.fields.as_ref().map(|f| f.as_ref());
    match (check, sent_fields) {
        (RecordCheck::Create, sent) => check_fields(sent.flatten(), settings)?,
        (_, Some(sent)) => check_fields(sent, settings)?,
        (_, None) => {}
    }
    let empty = Map::new();
    let fields = match check {
        RecordCheck::Create => sent_fields.flatten(),
        _ => stored_fields,
    }
    .unwrap_or(&empty);
    check_metadata(input.metadata.as_ref().and_then(|m| m.as_ref()), settings)?;
    let suggestions = input.suggestions.as_deref();
    let vectors = input.vectors.as_deref();
    if check == RecordCheck::Create {
        check_suggestions(suggestions, settings, fields)?;
        check_vectors(vectors, settings)?;
    } else {
        check_vectors(vectors, settings)?;
        check_suggestions(suggestions, settings, fields)?;
    }
    if check != RecordCheck::Update {
        check_responses(input.responses.as_deref(), settings, fields, user_exists)?;
    }
    Ok(())
}
