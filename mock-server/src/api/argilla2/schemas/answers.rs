//! What annotators and models give a record's questions: response values and suggestions
//! (argilla-server's `api/schemas/v1/responses.py`, `suggestions.py`; `argilla-2x-records-api.md`
//! §3.3, §3.5). A value is pydantic's union of a span list, a ranking list, a list of labels, an
//! integer or a string: the first member it fits is what it is.

use crate::models::records::{ResponseStatus, SuggestionType};
use crate::python::json::PyValue;
use crate::python::pydantic2::{
    child, float_value, int_value, list_items, tagged_by, Bounds, ErrorItem2, Field, Loc, Model2,
    Pattern2, Presence, Problem, Str2,
};
use serde_json::{Map, Value};

/// An answer to one question, as pydantic's union parsed it.
#[derive(Debug, Clone, PartialEq)]
pub enum AnswerValue {
    Spans(Vec<Span>),
    Ranking(Vec<Rank>),
    Labels(Vec<String>),
    Int(i64),
    Text(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Span {
    pub label: String,
    pub start: i64,
    pub end: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Rank {
    pub value: String,
    pub rank: Option<i64>,
}

const SPAN_MEMBER: &str =
    "list[function-after[check_start_and_end(), SpanQuestionResponseValueItem]]";
const RANKING_MEMBER: &str = "list[RankingQuestionResponseValueItem]";
/// The most spans one answer may hold.
const MAX_SPANS: usize = 10_000;

impl AnswerValue {
    /// The value as stored and shown: pydantic's `model_dump` of what it parsed.
    pub fn to_json(&self) -> Value {
        match self {
            AnswerValue::Spans(spans) => Value::Array(
                (spans.iter())
                    .map(|s| serde_json::json!({"label": s.label, "start": s.start, "end": s.end}))
                    .collect(),
            ),
            AnswerValue::Ranking(ranks) => Value::Array(
                (ranks.iter())
                    .map(|r| serde_json::json!({"value": r.value, "rank": r.rank}))
                    .collect(),
            ),
            AnswerValue::Labels(labels) => Value::from(labels.clone()),
            AnswerValue::Int(i) => Value::from(*i),
            AnswerValue::Text(s) => Value::from(s.clone()),
        }
    }

    /// Whether it is one of the list members (a suggestion's score must then be a list too).
    pub fn is_list(&self) -> bool {
        matches!(
            self,
            AnswerValue::Spans(_) | AnswerValue::Ranking(_) | AnswerValue::Labels(_)
        )
    }

    pub fn item_count(&self) -> usize {
        match self {
            AnswerValue::Spans(v) => v.len(),
            AnswerValue::Ranking(v) => v.len(),
            AnswerValue::Labels(v) => v.len(),
            AnswerValue::Int(_) | AnswerValue::Text(_) => 1,
        }
    }
}

/// The union `Span list | Ranking list | list[str] | StrictInt | StrictStr` at `loc`.
pub fn answer(value: &PyValue, loc: Loc) -> Result<AnswerValue, Vec<ErrorItem2>> {
    let mut errors = Vec::new();
    match value {
        PyValue::Int(_) => {
            if let Ok(i) = int_value(value, Bounds::default()) {
                return Ok(AnswerValue::Int(i));
            }
        }
        PyValue::Str(s) => return Ok(AnswerValue::Text(s.clone())),
        _ => {}
    }
    let list = |member: &str| child(&loc, member);
    match list_items(value, &list(SPAN_MEMBER), (0, Some(MAX_SPANS)), span) {
        Ok(spans) => return Ok(AnswerValue::Spans(spans)),
        Err(e) => errors.extend(e),
    }
    match list_items(value, &list(RANKING_MEMBER), (0, None), rank) {
        Ok(ranks) => return Ok(AnswerValue::Ranking(ranks)),
        Err(e) => errors.extend(e),
    }
    let labels = list_items(value, &list("list[str]"), (0, None), |item, loc| {
        Str2::default().check(item).map_err(|p| vec![p.at(loc)])
    });
    match labels {
        Ok(labels) => return Ok(AnswerValue::Labels(labels)),
        Err(e) => errors.extend(e),
    }
    errors.push(Problem::new("int_type", "Input should be a valid integer").at(list("int")));
    errors.push(Problem::new("string_type", "Input should be a valid string").at(list("str")));
    Err(errors)
}

fn span(value: &PyValue, loc: Loc) -> Result<Span, Vec<ErrorItem2>> {
    let mut m = Model2::at(value, loc.clone())?;
    let label = m.str("label", Presence::Required, Str2::default());
    let ge = |n| Bounds {
        ge: Some(n),
        ..Bounds::default()
    };
    let start = m.int("start", Presence::Required, ge(0));
    let end = m.int("end", Presence::Required, ge(1));
    m.finish()?;
    match (label, start, end) {
        (Field::Value(label), Field::Value(start), Field::Value(end)) if end > start => {
            Ok(Span { label, start, end })
        }
        (Field::Value(_), Field::Value(_), Field::Value(_)) => {
            let message =
                "span question response value 'end' must have a value greater than 'start'";
            Err(vec![Problem::value_error(message).at(loc)])
        }
        _ => Err(Vec::new()),
    }
}

fn rank(value: &PyValue, loc: Loc) -> Result<Rank, Vec<ErrorItem2>> {
    let mut m = Model2::at(value, loc)?;
    let text = m.str("value", Presence::Required, Str2::default());
    let rank = m.int("rank", Presence::Optional, Bounds::default());
    m.finish()?;
    text.value()
        .map(|value| Rank {
            value,
            rank: rank.value(),
        })
        .ok_or_else(Vec::new)
}

/// `{"<question>": {"value": …}}`, each value parsed; question names 1..200 characters.
pub fn answer_values(
    value: &PyValue,
    loc: Loc,
) -> Result<Vec<(String, AnswerValue)>, Vec<ErrorItem2>> {
    let PyValue::Object(pairs) = value else {
        return Err(vec![Problem::new(
            "dict_type",
            "Input should be a valid dictionary",
        )
        .at(loc)]);
    };
    let mut values: Vec<(String, AnswerValue)> = Vec::new();
    let mut errors = Vec::new();
    for (name, item) in pairs {
        let at = child(&loc, name.as_str());
        if let Err(problem) = Str2::length(1, 200).check(&PyValue::Str(name.clone())) {
            errors.push(problem.at(child(&at, "[key]")));
            continue;
        }
        let parsed = Model2::at(item, at.clone()).and_then(|mut m| {
            let value = m.nested("value", Presence::Required, answer);
            m.finish()?;
            value.value().ok_or_else(Vec::new)
        });
        match parsed {
            // A repeated key keeps its first place and its last value, as a dict does.
            Ok(parsed) => match values.iter_mut().find(|(n, _)| n == name) {
                Some(slot) => slot.1 = parsed,
                None => values.push((name.clone(), parsed)),
            },
            Err(e) => errors.extend(e),
        }
    }
    if errors.is_empty() {
        Ok(values)
    } else {
        Err(errors)
    }
}

/// Answers as stored: `{"<question>": {"value": …}}`.
pub fn stored_values(values: &[(String, AnswerValue)]) -> Map<String, Value> {
    (values.iter())
        .map(|(name, value)| {
            (
                name.clone(),
                serde_json::json!({ "value": value.to_json() }),
            )
        })
        .collect()
}

/// A response as one of the `status`-tagged models gives it.
#[derive(Debug, Clone)]
pub struct ResponseInput {
    pub user_id: Option<String>,
    pub record_id: Option<String>,
    pub status: ResponseStatus,
    /// `None`: no values (a discarded or draft response may have none).
    pub values: Option<Vec<(String, AnswerValue)>>,
}

/// Which model a response body is: they differ in the ids they carry and in which statuses need
/// values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResponseModel {
    /// A response in a record of `POST/PUT …/records/bulk`: `user_id`; drafts need values.
    OfRecord,
    /// `PUT /responses/{id}`: no ids.
    Update,
    /// An item of `POST /me/responses/bulk`: `record_id`.
    Upsert,
}

impl ResponseModel {
    /// The union's members in their declared order, which the tag error lists.
    fn tags(self) -> [ResponseStatus; 3] {
        use ResponseStatus::{Discarded, Draft, Submitted};
        match self {
            ResponseModel::OfRecord => [Submitted, Draft, Discarded],
            ResponseModel::Update | ResponseModel::Upsert => [Submitted, Discarded, Draft],
        }
    }
}

/// A response of one of the status-tagged models at `loc`.
pub fn tagged_response(
    value: &PyValue,
    loc: Loc,
    model: ResponseModel,
) -> Result<ResponseInput, Vec<ErrorItem2>> {
    let (status, mut m) = tagged_by(
        value,
        &loc,
        "status",
        &model.tags(),
        ResponseStatus::as_str,
        "ResponseStatus",
    )?;
    let user_id = match model {
        ResponseModel::OfRecord => m.uuid("user_id", Presence::Required),
        _ => Field::Absent,
    };
    let needs_values = status == ResponseStatus::Submitted
        || (status == ResponseStatus::Draft && model == ResponseModel::OfRecord);
    let presence = if needs_values {
        Presence::Required
    } else {
        Presence::Optional
    };
    let values = m.nested("values", presence, answer_values);
    let record_id = match model {
        ResponseModel::Upsert => m.uuid("record_id", Presence::Required),
        _ => Field::Absent,
    };
    m.finish()?;
    Ok(ResponseInput {
        user_id: user_id.value().map(|id| id.hyphenated().to_string()),
        record_id: record_id.value().map(|id| id.hyphenated().to_string()),
        status,
        values: values.value(),
    })
}

/// `ResponseCreate` (`POST /records/{id}/responses`): `values` optional, `status` an enum.
pub fn response_create(value: &PyValue, loc: Loc) -> Result<ResponseInput, Vec<ErrorItem2>> {
    let mut m = Model2::at(value, loc)?;
    let values = m.nested("values", Presence::Optional, answer_values);
    let status = m.one_of(
        "status",
        Presence::Required,
        &["draft", "submitted", "discarded"],
    );
    m.finish()?;
    let status = status
        .value()
        .and_then(ResponseStatus::parse)
        .ok_or_else(Vec::new)?;
    Ok(ResponseInput {
        user_id: None,
        record_id: None,
        status,
        values: values.value(),
    })
}

/// A suggestion as `SuggestionCreate` gives it.
#[derive(Debug, Clone)]
pub struct SuggestionInput {
    pub question_id: String,
    pub kind: Option<SuggestionType>,
    pub value: AnswerValue,
    pub agent: Option<String>,
    /// A number or a list of numbers.
    pub score: Option<Value>,
}

/// `^[a-zA-Z0-9-_:\.\/\s]*[a-zA-Z0-9][a-zA-Z0-9-_:\.\/\s]*$`: an agent names itself with
/// letters, digits, `-_:./` and spaces, at least one letter or digit.
const AGENT: Pattern2 = Pattern2 {
    source: r"^[a-zA-Z0-9-_:\.\/\s]*[a-zA-Z0-9][a-zA-Z0-9-_:\.\/\s]*$",
    is_match: |s| {
        let allowed =
            |c: char| c.is_ascii_alphanumeric() || "-_:./".contains(c) || c.is_whitespace();
        s.chars().all(allowed) && s.chars().any(|c| c.is_ascii_alphanumeric())
    },
};

pub fn suggestion(value: &PyValue, loc: Loc) -> Result<SuggestionInput, Vec<ErrorItem2>> {
    let mut m = Model2::at(value, loc)?;
    let question_id = m.uuid("question_id", Presence::Required);
    let kind = m.one_of("type", Presence::Optional, &["model", "human"]);
    let answer = m.nested("value", Presence::Required, answer);
    let agent_rules = Str2 {
        pattern: Some(AGENT),
        ..Str2::length(1, 200)
    };
    let agent = m.str("agent", Presence::Optional, agent_rules);
    let score = m.nested("score", Presence::Optional, score);
    m.finish()?;
    match (question_id, answer) {
        (Field::Value(question_id), Field::Value(value)) => Ok(SuggestionInput {
            question_id: question_id.hyphenated().to_string(),
            kind: kind.value().map(|k| match k {
                "model" => SuggestionType::Model,
                _ => SuggestionType::Human,
            }),
            value,
            agent: agent.value(),
            score: score.value(),
        }),
        _ => Err(Vec::new()),
    }
}

/// `Optional[Union[float, List[float]]]`, then `validate_score`: at least one item, each
/// between 0 and 1.
fn score(value: &PyValue, loc: Loc) -> Result<Value, Vec<ErrorItem2>> {
    let scores: Vec<f64> = match value {
        PyValue::List(_) => list_items(value, &child(&loc, "list[float]"), (0, None), |v, loc| {
            float_value(v, Bounds::default()).map_err(|p| vec![p.at(loc)])
        })?,
        _ => match float_value(value, Bounds::default()) {
            Ok(f) => vec![f],
            Err(problem) => {
                let list = Problem::new("list_type", "Input should be a valid list");
                return Err(vec![
                    problem.at(child(&loc, "float")),
                    list.at(child(&loc, "list[float]")),
                ]);
            }
        },
    };
    if matches!(value, PyValue::List(_)) && scores.is_empty() {
        return Err(vec![Problem::value_error(
            "score must have at least one item",
        )
        .at(loc)]);
    }
    if scores.iter().any(|s| !(0.0..=1.0).contains(s)) {
        return Err(vec![
            Problem::value_error("score must be between 0 and 1").at(loc)
        ]);
    }
    Ok(match value {
        PyValue::List(_) => Value::from(scores),
        _ => Value::from(scores[0]),
    })
}
