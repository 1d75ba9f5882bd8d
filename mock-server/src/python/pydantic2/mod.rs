//! pydantic v2 validation as argilla-server 2.8 applies it (pydantic 2.9, pydantic-core 2.23).
//!
//! Error items are `{"type", "loc", "msg"}` (Argilla drops `ctx` and `input`); a model reports
//! every field's errors in field order, nested models and list items included, each at its full
//! location. Unlike v1, strings are strict (a number is not a string), and UUIDs are parsed by
//! the Rust `uuid` crate, whose messages pydantic-core passes on.

mod uuid;
mod values;

pub use self::uuid::parse_uuid2;
pub use values::{
    bool_value, dict_value, enum_value, float_value, int_value, list_value, plural, uuid_value,
    Bounds, Pattern2, Str2,
};

use ::uuid::Uuid;
use serde::Serialize;

use super::json::PyValue;
use super::pydantic::LocPart;

/// Where a value is: `["body", "settings", "options", 0, "value"]`.
pub type Loc = Vec<LocPart>;

/// One pydantic v2 error item, in the key order Argilla renders.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ErrorItem2 {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub loc: Loc,
    pub msg: String,
}

impl ErrorItem2 {
    pub fn new(kind: &'static str, loc: Loc, msg: impl Into<String>) -> Self {
        ErrorItem2 {
            kind,
            loc,
            msg: msg.into(),
        }
    }

    pub fn missing(loc: Loc) -> Self {
        Problem::missing().at(loc)
    }

    /// FastAPI's answer to a body `json.loads` refuses: the position of the error.
    pub fn json_invalid(pos: usize) -> Self {
        Self::new(
            "json_invalid",
            vec!["body".into(), LocPart::Index(pos)],
            "JSON decode error",
        )
    }
}

/// A problem with one value, before it is given a location.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub kind: &'static str,
    pub msg: String,
}

impl Problem {
    pub fn new(kind: &'static str, msg: impl Into<String>) -> Problem {
        Problem {
            kind,
            msg: msg.into(),
        }
    }

    pub fn missing() -> Problem {
        Problem::new("missing", "Field required")
    }

    /// A validator's `ValueError`: `Value error, <message>`.
    pub fn value_error(message: impl std::fmt::Display) -> Problem {
        Problem::new("value_error", format!("Value error, {message}"))
    }

    /// A value that is not an object where a model is expected.
    pub fn not_a_model() -> Problem {
        Problem::new(
            "model_attributes_type",
            "Input should be a valid dictionary or object to extract fields from",
        )
    }

    pub fn at(self, loc: Loc) -> ErrorItem2 {
        ErrorItem2 {
            kind: self.kind,
            loc,
            msg: self.msg,
        }
    }
}

/// `loc` with `part` appended.
pub fn child(loc: &[LocPart], part: impl Into<LocPart>) -> Loc {
    let mut loc = loc.to_vec();
    loc.push(part.into());
    loc
}

/// How a field may be given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Presence {
    /// Must be given (a `null` is checked like any value, and fails unless the check takes it).
    Required,
    /// May be left out or `null` (`Optional[T] = None`).
    Optional,
    /// May be left out (it has a default), but not `null`.
    Defaulted,
}

/// A field: left out, given as `null`, given and valid, or given and refused (its errors are
/// the model's).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Field<T> {
    Absent,
    Null,
    Value(T),
    Invalid,
}

impl<T> Field<T> {
    pub fn value(self) -> Option<T> {
        match self {
            Field::Value(v) => Some(v),
            _ => None,
        }
    }

    /// The value, or `default` when left out or `null`.
    pub fn or(self, default: T) -> T {
        self.value().unwrap_or(default)
    }

    /// Whether the field was given and refused.
    pub fn is_invalid(&self) -> bool {
        matches!(self, Field::Invalid)
    }

    /// A field left out (or `null`) as `default`: what a model with a default holds. A refused
    /// one stays [`Field::Invalid`].
    pub fn or_default(self, default: T) -> Field<T> {
        match self {
            Field::Absent | Field::Null => Field::Value(default),
            other => other,
        }
    }

    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Field<U> {
        match self {
            Field::Absent => Field::Absent,
            Field::Null => Field::Null,
            Field::Value(v) => Field::Value(f(v)),
            Field::Invalid => Field::Invalid,
        }
    }

    /// `None` when left out, `Some(None)` for `null`: a PATCH's three cases (a refused field
    /// reads as left out; its model's errors are what the caller answers).
    pub fn patch(self) -> Option<Option<T>> {
        match self {
            Field::Absent | Field::Invalid => None,
            Field::Null => Some(None),
            Field::Value(v) => Some(Some(v)),
        }
    }
}

/// Validates a JSON object against a model, field by field in declaration order, collecting
/// every error (those of nested models and list items too) at its full location.
#[derive(Debug)]
pub struct Model2<'a> {
    fields: &'a [(String, PyValue)],
    loc: Loc,
    errors: Vec<ErrorItem2>,
}

impl<'a> Model2<'a> {
    /// The body's members, or the error a non-object body gets (at `["body"]`).
    pub fn body(body: Option<&'a PyValue>) -> Result<Model2<'a>, Vec<ErrorItem2>> {
        match body {
            None | Some(PyValue::Null) => Err(vec![ErrorItem2::missing(vec!["body".into()])]),
            Some(value) => Model2::at(value, vec!["body".into()]),
        }
    }

    /// The members of `value`, a model at `loc`.
    pub fn at(value: &'a PyValue, loc: Loc) -> Result<Model2<'a>, Vec<ErrorItem2>> {
        match value {
            PyValue::Object(fields) => Ok(Model2 {
                fields,
                loc,
                errors: Vec::new(),
            }),
            _ => Err(vec![Problem::not_a_model().at(loc)]),
        }
    }

    /// Where this model is.
    pub fn loc(&self) -> &[LocPart] {
        &self.loc
    }

    /// Argilla's `UpdateSchema` check, a `mode="before"` validator that runs first and alone:
    /// the given fields may be left out but not sent as `null`. The real server lists the
    /// offenders from a Python set, in an order that varies between processes; here they come
    /// in the order given.
    pub fn non_null(&self, names: &[&'static str]) -> Result<(), Vec<ErrorItem2>> {
        let nulls: Vec<&str> = names
            .iter()
            .copied()
            .filter(|n| matches!(self.raw(n), Some(PyValue::Null)))
            .collect();
        if nulls.is_empty() {
            return Ok(());
        }
        let message = format!(
            "The following keys must have non-null values: {}",
            nulls.join(", ")
        );
        Err(vec![Problem::value_error(message).at(self.loc.clone())])
    }

    /// The value given for `name`, unchecked.
    pub fn raw(&self, name: &str) -> Option<&'a PyValue> {
        super::last_value(self.fields, name)
    }

    /// A field whose check may report several errors (a nested model, a list): `check` gets
    /// the value and its location.
    pub fn nested<T>(
        &mut self,
        name: &str,
        presence: Presence,
        check: impl FnOnce(&'a PyValue, Loc) -> Result<T, Vec<ErrorItem2>>,
    ) -> Field<T> {
        let loc = child(&self.loc, name);
        match (self.raw(name), presence) {
            (None, Presence::Required) => {
                self.errors.push(ErrorItem2::missing(loc));
                Field::Absent
            }
            (None, _) => Field::Absent,
            (Some(PyValue::Null), Presence::Optional) => Field::Null,
            (Some(value), _) => match check(value, loc) {
                Ok(v) => Field::Value(v),
                Err(errors) => {
                    self.errors.extend(errors);
                    Field::Invalid
                }
            },
        }
    }

    /// A field with one check of its value.
    pub fn field<T>(
        &mut self,
        name: &str,
        presence: Presence,
        check: impl FnOnce(&'a PyValue) -> Result<T, Problem>,
    ) -> Field<T> {
        self.nested(name, presence, |value, loc| {
            check(value).map_err(|problem| vec![problem.at(loc)])
        })
    }

    pub fn str(&mut self, name: &str, presence: Presence, rules: Str2) -> Field<String> {
        self.field(name, presence, |v| rules.check(v))
    }

    pub fn uuid(&mut self, name: &str, presence: Presence) -> Field<Uuid> {
        self.field(name, presence, uuid_value)
    }

    pub fn bool(&mut self, name: &str, presence: Presence) -> Field<bool> {
        self.field(name, presence, bool_value)
    }

    pub fn int(&mut self, name: &str, presence: Presence, bounds: Bounds) -> Field<i64> {
        self.field(name, presence, |v| int_value(v, bounds))
    }

    pub fn float(&mut self, name: &str, presence: Presence, bounds: Bounds) -> Field<f64> {
        self.field(name, presence, |v| float_value(v, bounds))
    }

    /// A string enum; the message lists the members as pydantic does (`'a', 'b' or 'c'`).
    pub fn one_of<'m>(
        &mut self,
        name: &str,
        presence: Presence,
        members: &[&'m str],
    ) -> Field<&'m str> {
        self.field(name, presence, |v| enum_value(v, members))
    }

    /// A `dict` of any JSON values.
    pub fn dict(&mut self, name: &str, presence: Presence) -> Field<&'a [(String, PyValue)]> {
        self.field(name, presence, dict_value)
    }

    /// An error found by a check across fields, reported in its place among the others.
    pub fn push(&mut self, error: ErrorItem2) {
        self.errors.push(error);
    }

    /// Whether any error was found so far.
    pub fn failed(&self) -> bool {
        !self.errors.is_empty()
    }

    /// Every error found, in field order.
    pub fn finish(self) -> Result<(), Vec<ErrorItem2>> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(self.errors)
        }
    }
}

/// One member of a discriminated union (`Field(discriminator="type")`) at `loc`: its tag (one
/// of `tags`, whose names `name` gives, of the Python enum `enum_name`) and its model, which
/// pydantic locates at `loc + [tag]`.
pub fn tagged<'a, K: Copy>(
    value: &'a PyValue,
    loc: &[LocPart],
    tags: &[K],
    name: fn(K) -> &'static str,
    enum_name: &str,
) -> Result<(K, Model2<'a>), Vec<ErrorItem2>> {
    tagged_by(value, loc, "type", tags, name, enum_name)
}

/// [`tagged`], with the tag under `key`.
pub fn tagged_by<'a, K: Copy>(
    value: &'a PyValue,
    loc: &[LocPart],
    key: &str,
    tags: &[K],
    name: fn(K) -> &'static str,
    enum_name: &str,
) -> Result<(K, Model2<'a>), Vec<ErrorItem2>> {
    let PyValue::Object(_) = value else {
        return Err(vec![Problem::not_a_model().at(loc.to_vec())]);
    };
    let Some(tag) = value.get(key) else {
        return Err(vec![Problem::new(
            "union_tag_not_found",
            format!("Unable to extract tag using discriminator '{key}'"),
        )
        .at(loc.to_vec())]);
    };
    let found = match tag {
        PyValue::Str(s) => tags.iter().copied().find(|k| name(*k) == s),
        _ => None,
    };
    let Some(kind) = found else {
        // An enum's members show as `<Enum.a: 'a'>`; a `Literal`'s (no enum name) as `'a'`.
        let expected: Vec<String> = (tags.iter())
            .map(|k| match enum_name {
                "" => format!("'{}'", name(*k)),
                _ => format!("<{enum_name}.{0}: '{0}'>", name(*k)),
            })
            .collect();
        return Err(vec![Problem::new(
            "union_tag_invalid",
            format!(
                "Input tag '{}' found using '{key}' does not match any of the expected tags: {}",
                py_str(tag),
                expected.join(", ")
            ),
        )
        .at(loc.to_vec())]);
    };
    let model = Model2::at(value, child(loc, name(kind)))?;
    Ok((kind, model))
}

/// Python's `str()` of a JSON value, as pydantic shows a tag.
fn py_str(value: &PyValue) -> String {
    match value {
        PyValue::Null => "None".into(),
        PyValue::Bool(true) => "True".into(),
        PyValue::Bool(false) => "False".into(),
        PyValue::Int(digits) => digits.clone(),
        PyValue::Float(f) => super::py_float_repr(*f),
        PyValue::Str(s) => s.clone(),
        PyValue::List(_) | PyValue::Object(_) => "...".into(),
    }
}

/// The items of a list at `loc`, each checked by `item` at its index; every item's errors. As
/// pydantic-core does: a list over the maximum is refused at once, one under the minimum only
/// once its items are valid.
pub fn list_items<'a, T>(
    value: &'a PyValue,
    loc: &[LocPart],
    (min, max): (usize, Option<usize>),
    mut item: impl FnMut(&'a PyValue, Loc) -> Result<T, Vec<ErrorItem2>>,
) -> Result<Vec<T>, Vec<ErrorItem2>> {
    let items = list_value(value, 0, max).map_err(|p| vec![p.at(loc.to_vec())])?;
    let mut checked = Vec::with_capacity(items.len());
    let mut errors = Vec::new();
    for (i, value) in items.iter().enumerate() {
        match item(value, child(loc, i)) {
            Ok(v) => checked.push(v),
            Err(e) => errors.extend(e),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    list_value(value, min, max).map_err(|p| vec![p.at(loc.to_vec())])?;
    Ok(checked)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(pairs: &[(&str, PyValue)]) -> PyValue {
        PyValue::Object(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect(),
        )
    }

    fn s(text: &str) -> PyValue {
        PyValue::Str(text.into())
    }

    #[test]
    fn errors_come_in_field_order_with_pydantic_2_messages() {
        let value = body(&[
            ("first_name", s("  ")),
            ("role", s("Owner")),
            ("password", PyValue::Int("1".into())),
        ]);
        let mut m = Model2::body(Some(&value)).expect("object");
        let rules = Str2 {
            strip: true,
            min_length: Some(1),
            ..Str2::default()
        };
        m.str("first_name", Presence::Required, rules);
        m.str("username", Presence::Required, Str2::default());
        m.one_of("role", Presence::Optional, &["owner", "admin", "annotator"]);
        m.str(
            "password",
            Presence::Required,
            Str2 {
                min_length: Some(8),
                ..Str2::default()
            },
        );
        let errors = m.finish().expect_err("invalid");
        let shown: Vec<(&str, String)> = errors.iter().map(|e| (e.kind, e.msg.clone())).collect();
        assert_eq!(
            shown,
            [
                (
                    "string_too_short",
                    "String should have at least 1 character".to_owned()
                ),
                ("missing", "Field required".to_owned()),
                (
                    "enum",
                    "Input should be 'owner', 'admin' or 'annotator'".to_owned()
                ),
                ("string_type", "Input should be a valid string".to_owned()),
            ]
        );
    }

    #[test]
    fn a_body_that_is_not_an_object_is_one_error_at_body() {
        let list = PyValue::List(vec![]);
        assert_eq!(
            Model2::body(Some(&list)).map(|_| ()).map_err(|e| e[0].kind),
            Err("model_attributes_type")
        );
        assert_eq!(
            Model2::body(None).map(|_| ()).map_err(|e| e[0].kind),
            Err("missing")
        );
    }
}
