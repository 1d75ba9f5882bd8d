//! A value against its question (argilla-server's `validators/response_values.py`), shared by
//! suggestions and responses: each check in the real server's order, each refusal in its words.

use serde_json::{Map, Value};

use crate::api::argilla2::schemas::AnswerValue;
use crate::models::datasets::{LabelOption, QuestionSettings};
use crate::models::records::ResponseStatus;
use crate::python::repr::{py_list_repr, py_repr, py_value_repr};

/// Checks `value` for a question with `settings`, in a record with `fields`; `status` is the
/// response's (a suggestion has none: a partial ranking passes then).
pub fn check_answer(
    value: &AnswerValue,
    settings: &QuestionSettings,
    fields: &Map<String, Value>,
    status: Option<ResponseStatus>,
) -> Result<(), String> {
    match settings {
        QuestionSettings::Text { .. } => match value {
            AnswerValue::Text(_) => Ok(()),
            other => Err(format!(
                "text question expects a text value, found {}",
                class_of(other)
            )),
        },
        QuestionSettings::LabelSelection { options, .. } => {
            let labels = values_of(options);
            match value {
                AnswerValue::Text(label) if labels.contains(label) => Ok(()),
                other => Err(format!(
                    "{} is not a valid label for label selection question.\nValid labels are: {}",
                    repr_of(other),
                    py_list_repr(&labels)
                )),
            }
        }
        QuestionSettings::MultiLabelSelection { options, .. } => {
            let labels = values_of(options);
            let chosen: Vec<String> = match value {
                AnswerValue::Labels(chosen) => chosen.clone(),
                AnswerValue::Spans(_) | AnswerValue::Ranking(_) => elements_repr(value),
                other => {
                    return Err(format!(
                        "multi label selection questions expects a list of values, found {}",
                        class_of(other)
                    ))
                }
            };
            if chosen.is_empty() {
                return Err(
                    "multi label selection questions expects a list of values, found empty list"
                        .into(),
                );
            }
            if has_duplicates(&chosen) {
                return Err("multi label selection questions expect a list of unique values, but duplicates were found".into());
            }
            let mut invalid: Vec<&String> = chosen.iter().filter(|c| !labels.contains(c)).collect();
            invalid.sort();
            invalid.dedup();
            if invalid.is_empty() {
                Ok(())
            } else {
                Err(format!(
                    "{} are not valid labels for multi label selection question.\nValid labels are: {}",
                    py_list_repr(&invalid),
                    py_list_repr(&labels)
                ))
            }
        }
        QuestionSettings::Rating { options } => {
            let ratings: Vec<i64> = options.iter().map(|o| o.value).collect();
            match value {
                AnswerValue::Int(rating) if ratings.contains(rating) => Ok(()),
                other => Err(format!(
                    "{} is not a valid rating for rating question.\nValid ratings are: [{}]",
                    repr_of(other),
                    ratings
                        .iter()
                        .map(i64::to_string)
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            }
        }
        QuestionSettings::Ranking { options } => check_ranking(value, options, status),
        QuestionSettings::Span {
            field,
            options,
            allow_overlapping,
            ..
        } => check_spans(value, field, options, *allow_overlapping, fields),
    }
}

fn check_ranking(
    value: &AnswerValue,
    options: &[LabelOption],
    status: Option<ResponseStatus>,
) -> Result<(), String> {
    let ranks = match value {
        AnswerValue::Ranking(ranks) => ranks.clone(),
        AnswerValue::Spans(spans) if spans.is_empty() => Vec::new(),
        other => {
            return Err(format!(
                "ranking question expects a list of values, found {}",
                class_of(other)
            ))
        }
    };
    let available = values_of(options);
    if status == Some(ResponseStatus::Submitted) {
        if ranks.len() != available.len() {
            return Err(format!(
                "ranking question expects a list containing {} values, found a list of {} values",
                available.len(),
                ranks.len()
            ));
        }
        let valid = 1..=available.len() as i64;
        let mut invalid: Vec<Option<i64>> = (ranks.iter())
            .map(|r| r.rank)
            .filter(|r| !r.is_some_and(|r| valid.contains(&r)))
            .collect();
        invalid.sort();
        invalid.dedup();
        if !invalid.is_empty() {
            let shown: Vec<String> = (invalid.iter())
                .map(|r| r.map_or("None".to_owned(), |r| r.to_string()))
                .collect();
            let valid: Vec<String> = valid.map(|r| r.to_string()).collect();
            return Err(format!(
                "[{}] are not valid ranks for ranking question.\nValid ranks are: [{}]",
                shown.join(", "),
                valid.join(", ")
            ));
        }
    }
    let given: Vec<String> = ranks.iter().map(|r| r.value.clone()).collect();
    let mut invalid: Vec<&String> = given.iter().filter(|v| !available.contains(v)).collect();
    invalid.sort();
    invalid.dedup();
    if !invalid.is_empty() {
        return Err(format!(
            "{} are not valid values for ranking question.\nValid values are: {}",
            py_list_repr(&invalid),
            py_list_repr(&available)
        ));
    }
    if has_duplicates(&given) {
        return Err(
            "ranking question expects a list of unique values, but duplicates were found".into(),
        );
    }
    Ok(())
}

fn check_spans(
    value: &AnswerValue,
    field: &str,
    options: &[LabelOption],
    allow_overlapping: bool,
    fields: &Map<String, Value>,
) -> Result<(), String> {
    let AnswerValue::Spans(spans) = value else {
        return Err(format!(
            "span question expects a list of values, found {}",
            class_of(value)
        ));
    };
    let Some(text) = fields.get(field) else {
        return Err(format!(
            "span question requires record to have field `{field}`"
        ));
    };
    // Python's `len()` of the field's value: characters of a text, messages of a chat.
    let length = match text {
        Value::String(s) => s.chars().count() as i64,
        Value::Array(items) => items.len() as i64,
        Value::Object(map) => map.len() as i64,
        _ => 0,
    };
    for span in spans {
        if span.start > length - 1 {
            return Err(format!("span question response value `start` must have a value lower than record field `{field}` length that is `{length}`"));
        }
        if span.end > length {
            return Err(format!("span question response value `end` must have a value lower or equal than record field `{field}` length that is `{length}`"));
        }
    }
    let labels = values_of(options);
    if let Some(span) = spans.iter().find(|s| !labels.contains(&s.label)) {
        return Err(format!(
            "undefined label '{}' for span question.\nValid labels are: {}",
            span.label,
            py_list_repr(&labels)
        ));
    }
    if !allow_overlapping {
        for (i, a) in spans.iter().enumerate() {
            for (j, b) in spans.iter().enumerate() {
                if i != j && a.start < b.end && a.end > b.start {
                    return Err(format!(
                        "overlapping values found between spans at index idx={i} and idx={j}"
                    ));
                }
            }
        }
    }
    Ok(())
}

fn values_of(options: &[LabelOption]) -> Vec<String> {
    options.iter().map(|o| o.value.clone()).collect()
}

fn has_duplicates(values: &[String]) -> bool {
    values
        .iter()
        .enumerate()
        .any(|(i, v)| values[..i].contains(v))
}

/// `type(value)` as Python prints it: `<class 'int'>`.
fn class_of(value: &AnswerValue) -> &'static str {
    match value {
        AnswerValue::Text(_) => "<class 'str'>",
        AnswerValue::Int(_) => "<class 'int'>",
        AnswerValue::Spans(_) | AnswerValue::Ranking(_) | AnswerValue::Labels(_) => {
            "<class 'list'>"
        }
    }
}

/// `repr(value)` of a parsed value.
fn repr_of(value: &AnswerValue) -> String {
    match value {
        AnswerValue::Text(s) => py_repr(s),
        AnswerValue::Int(i) => i.to_string(),
        other => py_value_repr(&other.to_json()),
    }
}

/// The reprs of a list value's elements, compared as labels are.
fn elements_repr(value: &AnswerValue) -> Vec<String> {
    match value.to_json() {
        Value::Array(items) => items.iter().map(py_value_repr).collect(),
        _ => Vec::new(),
    }
}
