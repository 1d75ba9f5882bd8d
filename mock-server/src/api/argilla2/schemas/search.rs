//! The body of the record searches, `SearchRecordsQuery` (`argilla-2x-records-api.md` §4.2):
//! a text query, a vector query, filters (`{"and": [terms | range]}`) and sort orders, each
//! scoped to a record property, a metadata property, a suggestion or the responses.

use crate::extract::JsonBody;
use crate::python::json::PyValue;
use crate::python::pydantic2::{
    child, float_value, list_items, tagged_by, Bounds, ErrorItem2, Field, Loc, Model2, Presence,
    Problem, Str2,
};

#[derive(Debug, Clone, Default)]
pub struct SearchBody {
    pub text: Option<TextQueryInput>,
    pub vector: Option<VectorQueryInput>,
    /// `Some(None)`: `filters` without `and` (the real server fails on it).
    pub filters: Option<Option<Vec<FilterInput>>>,
    pub sort: Option<Vec<OrderInput>>,
}

#[derive(Debug, Clone)]
pub struct TextQueryInput {
    pub q: String,
    pub field: Option<String>,
}

#[derive(Debug, Clone)]
pub struct VectorQueryInput {
    pub name: String,
    pub record_id: Option<String>,
    pub value: Option<Vec<f64>>,
    pub least_similar: bool,
}

/// What a filter or an order is about.
#[derive(Debug, Clone, PartialEq)]
pub enum ScopeInput {
    /// `id`, `external_id`, `inserted_at`, `updated_at` or `status`.
    Record(&'static str),
    Metadata(String),
    /// A question and `value`, `score`, `agent` or `type`.
    Suggestion {
        question: String,
        property: &'static str,
    },
    Response {
        question: Option<String>,
        status: bool,
    },
}

#[derive(Debug, Clone)]
pub enum RangeBound {
    Number(f64),
    Text(String),
}

#[derive(Debug, Clone)]
pub enum FilterInput {
    Terms {
        scope: ScopeInput,
        values: Vec<String>,
    },
    Range {
        scope: ScopeInput,
        ge: Option<RangeBound>,
        le: Option<RangeBound>,
    },
}

impl FilterInput {
    pub fn scope(&self) -> &ScopeInput {
        match self {
            FilterInput::Terms { scope, .. } | FilterInput::Range { scope, .. } => scope,
        }
    }
}

#[derive(Debug, Clone)]
pub struct OrderInput {
    pub scope: ScopeInput,
    pub descending: bool,
}

const RECORD_PROPERTIES: [&str; 5] = ["id", "external_id", "inserted_at", "updated_at", "status"];
const SUGGESTION_PROPERTIES: [&str; 4] = ["value", "score", "agent", "type"];
const ENTITIES: [&str; 4] = ["record", "response", "suggestion", "metadata"];
const FILTER_TYPES: [&str; 2] = ["terms", "range"];

/// `SearchRecordsQuery`; the body is required (`{}` searches everything).
pub fn search_body(body: &JsonBody) -> Result<SearchBody, Vec<ErrorItem2>> {
    let mut m = Model2::body(body.value())?;
    let query = m.nested("query", Presence::Optional, |value, loc| {
        let mut q = Model2::at(value, loc)?;
        let text = q.nested("text", Presence::Optional, text_query);
        let vector = q.nested("vector", Presence::Optional, vector_query);
        q.finish()?;
        Ok((text.value(), vector.value()))
    });
    let filters = m.nested("filters", Presence::Optional, |value, loc| {
        let mut f = Model2::at(value, loc)?;
        let and = f.nested("and", Presence::Optional, |value, loc| {
            list_items(value, &loc, (1, Some(50)), filter)
        });
        f.finish()?;
        Ok(and.value())
    });
    let sort = m.nested("sort", Presence::Optional, |value, loc| {
        list_items(value, &loc, (1, Some(10)), order)
    });
    m.finish()?;
    let (text, vector) = query.value().unwrap_or_default();
    Ok(SearchBody {
        text,
        vector,
        filters: filters.value(),
        sort: sort.value(),
    })
}

/// `TextQuery`: `q` (numbers written as strings), `field`.
fn text_query(value: &PyValue, loc: Loc) -> Result<TextQueryInput, Vec<ErrorItem2>> {
    let mut m = Model2::at(value, loc)?;
    let q = m.field("q", Presence::Required, number_as_str);
    let field = m.field("field", Presence::Optional, number_as_str);
    m.finish()?;
    Ok(TextQueryInput {
        q: q.value().unwrap_or_default(),
        field: field.value(),
    })
}

fn number_as_str(value: &PyValue) -> Result<String, Problem> {
    match value {
        PyValue::Int(digits) => Ok(digits.clone()),
        PyValue::Float(f) => Ok(crate::python::py_float_repr(*f)),
        other => Str2::default().check(other),
    }
}

/// `VectorQuery`: a vector settings name, and exactly one of a record id and a value.
fn vector_query(value: &PyValue, loc: Loc) -> Result<VectorQueryInput, Vec<ErrorItem2>> {
    let mut m = Model2::at(value, loc.clone())?;
    let name = m.str("name", Presence::Required, Str2::default());
    let record_id = m.uuid("record_id", Presence::Optional);
    let value = m.nested("value", Presence::Optional, |v, loc| {
        list_items(v, &loc, (0, None), |item, loc| {
            float_value(item, Bounds::default()).map_err(|p| vec![p.at(loc)])
        })
    });
    let order = m.one_of(
        "order",
        Presence::Defaulted,
        &["most_similar", "least_similar"],
    );
    m.finish()?;
    let record_id = record_id.value().map(|id| id.hyphenated().to_string());
    let value = value.value();
    // Python's truthiness: an empty list is no value.
    let has_value = value.as_ref().is_some_and(|v| !v.is_empty());
    if record_id.is_some() == has_value {
        let message = "Either 'record_id' or 'value' must be provided";
        return Err(vec![Problem::value_error(message).at(loc)]);
    }
    Ok(VectorQueryInput {
        name: name.value().unwrap_or_default(),
        record_id,
        value,
        least_similar: order.value() == Some("least_similar"),
    })
}

/// A filter, discriminated by `type`.
fn filter(value: &PyValue, loc: Loc) -> Result<FilterInput, Vec<ErrorItem2>> {
    let (kind, mut m) = tagged_by(value, &loc, "type", &FILTER_TYPES, |k| k, "")?;
    let model_loc = child(&loc, kind);
    let scope = m.nested("scope", Presence::Required, scope);
    if kind == "terms" {
        let values = m.nested("values", Presence::Required, |value, loc| {
            list_items(value, &loc, (1, Some(250)), |item, loc| {
                number_as_str(item).map_err(|p| vec![p.at(loc)])
            })
        });
        m.finish()?;
        return match (scope, values) {
            (Field::Value(scope), Field::Value(values)) => Ok(FilterInput::Terms { scope, values }),
            _ => Err(Vec::new()),
        };
    }
    let ge = m.field("ge", Presence::Optional, range_bound);
    let le = m.field("le", Presence::Optional, range_bound);
    m.finish()?;
    let (ge, le) = (ge.value(), le.value());
    if ge.is_none() && le.is_none() {
        let message = "At least one of 'ge' or 'le' must be provided";
        return Err(vec![Problem::value_error(message).at(model_loc)]);
    }
    let inverted = match (&ge, &le) {
        (Some(RangeBound::Number(a)), Some(RangeBound::Number(b))) => a > b,
        (Some(RangeBound::Text(a)), Some(RangeBound::Text(b))) => a > b,
        _ => false,
    };
    if inverted {
        let message = "'ge' must have a value less than or equal to 'le'";
        return Err(vec![Problem::value_error(message).at(model_loc)]);
    }
    match scope {
        Field::Value(scope) => Ok(FilterInput::Range { scope, ge, le }),
        _ => Err(Vec::new()),
    }
}

/// `Union[float, str]`: a string stays a string, anything else must be a number.
fn range_bound(value: &PyValue) -> Result<RangeBound, Problem> {
    match value {
        PyValue::Str(s) => Ok(RangeBound::Text(s.clone())),
        other => float_value(other, Bounds::default())
            .map(RangeBound::Number)
            .map_err(|_| Problem::new("float_type", "Input should be a valid number")),
    }
}

/// `Order`: a scope and `asc` or `desc`.
fn order(value: &PyValue, loc: Loc) -> Result<OrderInput, Vec<ErrorItem2>> {
    let mut m = Model2::at(value, loc)?;
    let scope = m.nested("scope", Presence::Required, scope);
    let order = m.one_of("order", Presence::Required, &["asc", "desc"]);
    m.finish()?;
    match (scope, order) {
        (Field::Value(scope), Field::Value(order)) => Ok(OrderInput {
            scope,
            descending: order == "desc",
        }),
        _ => Err(Vec::new()),
    }
}

/// A filter scope, discriminated by `entity`.
fn scope(value: &PyValue, loc: Loc) -> Result<ScopeInput, Vec<ErrorItem2>> {
    let (entity, mut m) = tagged_by(value, &loc, "entity", &ENTITIES, |k| k, "")?;
    let name = Str2::length(1, 200);
    let scope = match entity {
        "record" => {
            let property = m.field("property", Presence::Required, |v| {
                literal(v, &RECORD_PROPERTIES, |p| {
                    format!("<RecordSortField.{p}: '{p}'>")
                })
            });
            property.value().map(ScopeInput::Record)
        }
        "metadata" => {
            let property = m.str("metadata_property", Presence::Required, name);
            property.value().map(ScopeInput::Metadata)
        }
        "suggestion" => {
            let question = m.str("question", Presence::Required, name);
            let property = m.field("property", Presence::Optional, |v| {
                literal(v, &SUGGESTION_PROPERTIES, |p| format!("'{p}'"))
            });
            let property = match property {
                Field::Value(p) => Some(p),
                Field::Absent | Field::Null => Some("value"),
                Field::Invalid => None,
            };
            match (question.value(), property) {
                (Some(question), Some(property)) => {
                    Some(ScopeInput::Suggestion { question, property })
                }
                _ => None,
            }
        }
        _ => {
            let question = m.str("question", Presence::Optional, name);
            let property = m.field("property", Presence::Optional, |v| {
                literal(v, &["status"], |p| format!("'{p}'"))
            });
            let invalid = question.is_invalid() || property.is_invalid();
            (!invalid).then(|| ScopeInput::Response {
                question: question.value(),
                status: property.value().is_some(),
            })
        }
    };
    m.finish()?;
    scope.ok_or_else(Vec::new)
}

/// A `Literal[...]`: one of `members`, or pydantic's `literal_error` listing them.
fn literal(
    value: &PyValue,
    members: &[&'static str],
    shown: fn(&str) -> String,
) -> Result<&'static str, Problem> {
    if let PyValue::Str(s) = value {
        if let Some(member) = members.iter().find(|m| **m == s.as_str()) {
            return Ok(member);
        }
    }
    let listed: Vec<String> = members.iter().map(|m| shown(m)).collect();
    let message = match listed.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => String::new(),
    };
    Err(Problem::new(
        "literal_error",
        format!("Input should be {message}"),
    ))
}
