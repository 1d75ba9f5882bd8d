//! pydantic v2 validation as argilla-server 2.8 applies it (pydantic 2.9, pydantic-core 2.23).
//!
//! Error items are `{"type", "loc", "msg"}` (Argilla drops `ctx` and `input`); a model reports
//! every field's errors in field order. Unlike v1, strings are strict (a number is not a
//! string), and UUIDs are parsed by the Rust `uuid` crate, whose messages pydantic-core passes on.

use serde::Serialize;
use uuid::Uuid;

use super::json::PyValue;
use super::pydantic::LocPart;

/// One pydantic v2 error item, in the key order Argilla renders.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ErrorItem2 {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub loc: Vec<LocPart>,
    pub msg: String,
}

impl ErrorItem2 {
    pub fn new(kind: &'static str, loc: Vec<LocPart>, msg: impl Into<String>) -> Self {
        ErrorItem2 {
            kind,
            loc,
            msg: msg.into(),
        }
    }

    pub fn missing(loc: Vec<LocPart>) -> Self {
        Self::new("missing", loc, "Field required")
    }

    /// FastAPI's answer to a body `json.loads` refuses: the position of the error.
    pub fn json_invalid(pos: usize) -> Self {
        Self::new(
            "json_invalid",
            vec!["body".into(), LocPart::Index(pos)],
            "JSON decode error",
        )
    }

    fn not_a_model(loc: Vec<LocPart>) -> Self {
        Self::new(
            "model_attributes_type",
            loc,
            "Input should be a valid dictionary or object to extract fields from",
        )
    }
}

/// A problem with one value, before it is given a location.
type Problem = (&'static str, String);

/// A UUID as pydantic-core reads one from a string (simple, hyphenated, braced or URN form);
/// the message names what is wrong.
pub fn parse_uuid2(text: &str) -> Result<Uuid, Problem> {
    Uuid::parse_str(text).map_err(|_| {
        (
            "uuid_parsing",
            format!("Input should be a valid UUID, {}", uuid_problem(text)),
        )
    })
}

/// What the `uuid` crate that pydantic-core 2.23 is built with (1.10) says of a string it
/// cannot parse. Later versions of the crate word it differently, so it is worked out here: the
/// first character that is neither hex nor `-` (1-based, counting a `{` or `urn:uuid:` prefix),
/// else a simple form of the wrong length, else the wrong number of groups, else the first
/// group of the wrong length.
fn uuid_problem(text: &str) -> String {
    let (inner, offset, simple) =
        if let Some(s) = text.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            (s, 1, false)
        } else if let Some(s) = text.strip_prefix("urn:uuid:") {
            (s, "urn:uuid:".len(), false)
        } else {
            (text, 0, true)
        };
    let mut hyphens = Vec::new();
    for (index, c) in inner.char_indices() {
        if c == '-' {
            hyphens.push(index);
        } else if !c.is_ascii_hexdigit() {
            return format!(
                "invalid character: expected an optional prefix of `urn:uuid:` followed by [0-9a-fA-F-], found `{c}` at {}",
                index + offset + 1
            );
        }
    }
    if hyphens.is_empty() && simple {
        return format!(
            "invalid length: expected length 32 for simple format, found {}",
            text.len()
        );
    }
    if hyphens.len() != 4 {
        return format!(
            "invalid group count: expected 5, found {}",
            hyphens.len() + 1
        );
    }
    const STARTS: [usize; 5] = [0, 9, 14, 19, 24];
    const LENGTHS: [usize; 5] = [8, 4, 4, 4, 12];
    for group in 0..4 {
        if hyphens[group] != STARTS[group + 1] - 1 {
            return format!(
                "invalid group length in group {group}: expected {}, found {}",
                LENGTHS[group],
                hyphens[group].saturating_sub(STARTS[group])
            );
        }
    }
    format!(
        "invalid group length in group 4: expected 12, found {}",
        text.len().saturating_sub(STARTS[4])
    )
}

fn uuid_value(value: &PyValue) -> Result<Uuid, Problem> {
    match value {
        PyValue::Str(s) => parse_uuid2(s),
        _ => Err((
            "uuid_type",
            "UUID input should be a string, bytes or UUID object".into(),
        )),
    }
}

/// The constraints of a `str` field.
#[derive(Debug, Clone, Copy, Default)]
pub struct Str2 {
    /// `strip_whitespace=True`: trimmed before the length checks.
    pub strip: bool,
    pub min_length: Option<usize>,
    pub max_length: Option<usize>,
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        "character"
    } else {
        "characters"
    }
}

impl Str2 {
    fn check(self, value: &PyValue) -> Result<String, Problem> {
        let PyValue::Str(s) = value else {
            return Err(("string_type", "Input should be a valid string".into()));
        };
        let s = if self.strip { s.trim() } else { s.as_str() };
        let length = s.chars().count();
        if let Some(min) = self.min_length.filter(|&min| length < min) {
            return Err((
                "string_too_short",
                format!("String should have at least {min} {}", plural(min)),
            ));
        }
        if let Some(max) = self.max_length.filter(|&max| length > max) {
            return Err((
                "string_too_long",
                format!("String should have at most {max} {}", plural(max)),
            ));
        }
        Ok(s.to_owned())
    }
}

/// How a field may be given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Presence {
    Required,
    /// May be left out or `null`.
    Optional,
}

/// A field: left out, given as `null`, or given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Field<T> {
    Absent,
    Null,
    Value(T),
}

impl<T> Field<T> {
    pub fn value(self) -> Option<T> {
        match self {
            Field::Value(v) => Some(v),
            _ => None,
        }
    }
}

/// Validates a JSON body against a model, field by field in declaration order.
#[derive(Debug)]
pub struct Model2<'a> {
    fields: &'a [(String, PyValue)],
    errors: Vec<ErrorItem2>,
}

impl<'a> Model2<'a> {
    /// The body's members, or the error a non-object body gets (at `["body"]`).
    pub fn body(body: Option<&'a PyValue>) -> Result<Model2<'a>, Vec<ErrorItem2>> {
        match body {
            None | Some(PyValue::Null) => Err(vec![ErrorItem2::missing(vec!["body".into()])]),
            Some(PyValue::Object(fields)) => Ok(Model2 {
                fields,
                errors: Vec::new(),
            }),
            Some(_) => Err(vec![ErrorItem2::not_a_model(vec!["body".into()])]),
        }
    }

    /// The names of the given fields whose value is `null`.
    pub fn nulls(&self, names: &[&'static str]) -> Vec<&'static str> {
        names
            .iter()
            .copied()
            .filter(|n| matches!(self.raw(n), Some(PyValue::Null)))
            .collect()
    }

    fn raw(&self, name: &str) -> Option<&'a PyValue> {
        // A repeated key keeps its last value, as `dict` does.
        self.fields
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v)
    }

    fn field<T>(
        &mut self,
        name: &str,
        presence: Presence,
        check: impl FnOnce(&PyValue) -> Result<T, Problem>,
    ) -> Field<T> {
        let loc = || vec![LocPart::from("body"), LocPart::from(name)];
        match (self.raw(name), presence) {
            (None, Presence::Required) => {
                self.errors.push(ErrorItem2::missing(loc()));
                Field::Absent
            }
            (None, Presence::Optional) => Field::Absent,
            (Some(PyValue::Null), Presence::Optional) => Field::Null,
            (Some(value), _) => match check(value) {
                Ok(v) => Field::Value(v),
                Err((kind, msg)) => {
                    self.errors.push(ErrorItem2::new(kind, loc(), msg));
                    Field::Absent
                }
            },
        }
    }

    pub fn str(&mut self, name: &str, presence: Presence, rules: Str2) -> Field<String> {
        self.field(name, presence, |v| rules.check(v))
    }

    pub fn uuid(&mut self, name: &str, presence: Presence) -> Field<Uuid> {
        self.field(name, presence, uuid_value)
    }

    /// A string enum; the message lists the members as pydantic does (`'a', 'b' or 'c'`).
    pub fn one_of(
        &mut self,
        name: &str,
        presence: Presence,
        members: &[&'static str],
    ) -> Field<&'static str> {
        self.field(name, presence, |v| match v {
            PyValue::Str(s) => members
                .iter()
                .find(|m| **m == s.as_str())
                .copied()
                .ok_or_else(|| enum_problem(members)),
            _ => Err(enum_problem(members)),
        })
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

fn enum_problem(members: &[&'static str]) -> Problem {
    let quoted: Vec<String> = members.iter().map(|m| format!("'{m}'")).collect();
    let listed = match quoted.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => String::new(),
    };
    ("enum", format!("Input should be {listed}"))
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
    fn uuids_fail_with_the_uuid_crates_message() {
        assert_eq!(
            parse_uuid2("nope").map_err(|e| e.1),
            Err("Input should be a valid UUID, invalid character: expected an optional prefix of `urn:uuid:` followed by [0-9a-fA-F-], found `n` at 1".to_owned())
        );
        assert_eq!(
            parse_uuid2("abc").map_err(|e| e.1),
            Err("Input should be a valid UUID, invalid length: expected length 32 for simple format, found 3".to_owned())
        );
        assert!(parse_uuid2("0000000000004000800000000000000A").is_ok());
        let problem = |t: &str| parse_uuid2(t).map_err(|e| e.1).expect_err("invalid");
        assert!(problem("None").ends_with("found `N` at 1"));
        assert!(problem("{0000-0000}").ends_with("invalid group count: expected 5, found 2"));
        assert!(problem("000000000-000-0000-0000-000000000000")
            .ends_with("invalid group length in group 0: expected 8, found 9"));
        assert!(problem("00000000-0000-0000-0000-0000000000000")
            .ends_with("invalid group length in group 4: expected 12, found 13"));
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
