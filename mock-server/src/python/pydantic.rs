//! pydantic v1 validation as the real server applies it to request bodies and parameters.
//!
//! Each check produces pydantic's own error item (`loc`, `msg`, `type`, `ctx`), and a model
//! collects every field's first error in field order, as pydantic v1 does. The messages are
//! pydantic 1.10's templates; the ones that matter were seen on the real server.

use serde::Serialize;
use serde_json::{json, Value};

use super::json::PyValue;
use super::{py_float_repr, py_strip};

/// One part of an error location: a name (`"body"`, `"username"`) or a position.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum LocPart {
    Name(String),
    Index(usize),
}

impl From<&str> for LocPart {
    fn from(s: &str) -> Self {
        LocPart::Name(s.to_owned())
    }
}

impl From<usize> for LocPart {
    fn from(i: usize) -> Self {
        LocPart::Index(i)
    }
}

/// One pydantic error item, serialised in pydantic's key order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ErrorItem {
    pub loc: Vec<LocPart>,
    pub msg: String,
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ctx: Option<Value>,
}

impl ErrorItem {
    pub fn new(loc: Vec<LocPart>, msg: impl Into<String>, kind: &str, ctx: Option<Value>) -> Self {
        ErrorItem {
            loc,
            msg: msg.into(),
            kind: kind.to_owned(),
            ctx,
        }
    }

    pub fn missing(loc: Vec<LocPart>) -> Self {
        Self::new(loc, "field required", "value_error.missing", None)
    }

    fn none_not_allowed(loc: Vec<LocPart>) -> Self {
        Self::new(
            loc,
            "none is not an allowed value",
            "type_error.none.not_allowed",
            None,
        )
    }
}

/// A problem with one value, before it is given a location (the fields of [`ErrorItem`]
/// but `loc`).
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub kind: &'static str,
    pub msg: String,
    pub ctx: Option<Value>,
}

impl Problem {
    fn new(kind: &'static str, msg: impl Into<String>, ctx: Option<Value>) -> Problem {
        Problem {
            kind,
            msg: msg.into(),
            ctx,
        }
    }
}

fn str_type_expected() -> Problem {
    Problem::new("type_error.str", "str type expected", None)
}

/// pydantic v1's `str_validator`: strings pass, numbers (and booleans, which are ints in Python)
/// become their Python `str()`, everything else is refused.
pub fn coerce_str(value: &PyValue) -> Result<String, Problem> {
    match value {
        PyValue::Str(s) => Ok(s.clone()),
        PyValue::Int(digits) => Ok(digits.clone()),
        PyValue::Float(f) => Ok(py_float_repr(*f)),
        PyValue::Bool(true) => Ok("True".into()),
        PyValue::Bool(false) => Ok("False".into()),
        PyValue::Null | PyValue::List(_) | PyValue::Object(_) => Err(str_type_expected()),
    }
}

/// A regular expression pydantic checks with `re.match`, written out by hand because the only
/// ones the API uses are simple and Python's `$` has a quirk (it also matches before a final
/// newline, so `"ada\n"` is a valid username on the real server).
#[derive(Debug, Clone, Copy)]
pub struct Pattern {
    /// The pattern's source, as the real server reports it in errors.
    pub source: &'static str,
    pub is_match: fn(&str) -> bool,
}

/// `^(?!-|_)[a-z0-9-_]+$`: Argilla 1.x usernames and workspace names.
pub const NAME_PATTERN: Pattern = Pattern {
    source: "^(?!-|_)[a-z0-9-_]+$",
    is_match: |s| {
        let body = s.strip_suffix('\n').unwrap_or(s);
        !body.is_empty()
            && !body.starts_with(['-', '_'])
            && body
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
    },
};

/// `password`: the `grant_type` pattern of the OAuth2 login form (`re.match` is a prefix match).
pub const GRANT_TYPE_PATTERN: Pattern = Pattern {
    source: "password",
    is_match: |s| s.starts_with("password"),
};

/// The constraints of a pydantic `constr(...)`, checked in pydantic's order:
/// strip, then length, then pattern; the first failure is the field's error.
#[derive(Debug, Clone, Copy, Default)]
pub struct StrRules {
    pub strip: bool,
    pub min_length: Option<usize>,
    pub max_length: Option<usize>,
    pub pattern: Option<Pattern>,
}

impl StrRules {
    pub fn check(&self, value: &PyValue) -> Result<String, Problem> {
        let mut s = coerce_str(value)?;
        if self.strip {
            s = py_strip(&s).to_owned();
        }
        let len = s.chars().count();
        if let Some(min) = self.min_length.filter(|&min| len < min) {
            return Err(Problem::new(
                "value_error.any_str.min_length",
                format!("ensure this value has at least {min} characters"),
                Some(json!({ "limit_value": min })),
            ));
        }
        if let Some(max) = self.max_length.filter(|&max| len > max) {
            return Err(Problem::new(
                "value_error.any_str.max_length",
                format!("ensure this value has at most {max} characters"),
                Some(json!({ "limit_value": max })),
            ));
        }
        if let Some(pattern) = self.pattern.filter(|p| !(p.is_match)(&s)) {
            return Err(Problem::new(
                "value_error.str.regex",
                format!("string does not match regex \"{}\"", pattern.source),
                Some(json!({ "pattern": pattern.source })),
            ));
        }
        Ok(s)
    }
}

/// Validates the fields of one model (one request body or one form) and collects the errors.
///
/// Field methods must be called in the model's declaration order: that is the order of the
/// errors in the real server's answer.
#[derive(Debug)]
pub struct ModelValidator<'a> {
    /// The body as an object: pairs, later duplicates winning.
    fields: &'a [(String, PyValue)],
    prefix: &'static str,
    errors: Vec<ErrorItem>,
}

impl<'a> ModelValidator<'a> {
    pub fn new(fields: &'a [(String, PyValue)], prefix: &'static str) -> Self {
        ModelValidator {
            fields,
            prefix,
            errors: Vec::new(),
        }
    }

    fn raw(&self, name: &str) -> Option<&'a PyValue> {
        super::last_value(self.fields, name)
    }

    fn loc(&self, name: &str) -> Vec<LocPart> {
        vec![self.prefix.into(), name.into()]
    }

    fn fail(&mut self, loc: Vec<LocPart>, problem: Problem) {
        (self.errors).push(ErrorItem::new(loc, problem.msg, problem.kind, problem.ctx));
    }

    /// A required `constr` field. Returns `None` (and records the error) when invalid.
    pub fn required_str(&mut self, name: &str, rules: StrRules) -> Option<String> {
        match self.raw(name) {
            None => {
                self.errors.push(ErrorItem::missing(self.loc(name)));
                None
            }
            Some(PyValue::Null) => {
                self.errors
                    .push(ErrorItem::none_not_allowed(self.loc(name)));
                None
            }
            Some(value) => self.checked(name, value, rules),
        }
    }

    /// An `Optional[constr]` field: missing and `null` both mean `None`.
    pub fn optional_str(&mut self, name: &str, rules: StrRules) -> Option<String> {
        match self.raw(name) {
            None | Some(PyValue::Null) => None,
            Some(value) => self.checked(name, value, rules),
        }
    }

    fn checked(&mut self, name: &str, value: &PyValue, rules: StrRules) -> Option<String> {
        match rules.check(value) {
            Ok(s) => Some(s),
            Err(problem) => {
                self.fail(self.loc(name), problem);
                None
            }
        }
    }

    /// An `Optional[SomeStrEnum]` field with the given member values, in declaration order.
    pub fn optional_enum(&mut self, name: &str, members: &[&'static str]) -> Option<&'static str> {
        let value = match self.raw(name) {
            None | Some(PyValue::Null) => return None,
            Some(value) => value,
        };
        if let PyValue::Str(s) = value {
            if let Some(member) = members.iter().find(|m| **m == s) {
                return Some(member);
            }
        }
        let permitted = members
            .iter()
            .map(|m| format!("'{m}'"))
            .collect::<Vec<_>>()
            .join(", ");
        self.fail(
            self.loc(name),
            Problem::new(
                "type_error.enum",
                format!("value is not a valid enumeration member; permitted: {permitted}"),
                Some(json!({ "enum_values": members })),
            ),
        );
        None
    }

    /// An `Optional[List[str]]` field; item errors are located by index.
    pub fn optional_str_list(&mut self, name: &str) -> Option<Vec<String>> {
        let items = match self.raw(name) {
            None | Some(PyValue::Null) => return None,
            Some(PyValue::List(items)) => items,
            Some(_) => {
                self.fail(
                    self.loc(name),
                    Problem::new("type_error.list", "value is not a valid list", None),
                );
                return None;
            }
        };
        let mut out = Vec::with_capacity(items.len());
        let mut ok = true;
        for (i, item) in items.iter().enumerate() {
            let mut loc = self.loc(name);
            loc.push(i.into());
            match item {
                PyValue::Null => {
                    self.errors.push(ErrorItem::none_not_allowed(loc));
                    ok = false;
                }
                other => match coerce_str(other) {
                    Ok(s) => out.push(s),
                    Err(problem) => {
                        self.fail(loc, problem);
                        ok = false;
                    }
                },
            }
        }
        ok.then_some(out)
    }

    /// The collected errors; `Ok(())` when every field was valid.
    pub fn finish(self) -> Result<(), Vec<ErrorItem>> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(self.errors)
        }
    }
}

/// A body turned into a model's field mapping as pydantic v1 does it: `dict(value)`.
///
/// Besides objects, `dict()` accepts any sequence of two-item sequences, so `[["username","x"]]`
/// and even `["ab"]` (key `a`, value `b`) are valid bodies on the real server.
pub fn body_as_fields(body: Option<&PyValue>) -> Result<Vec<(String, PyValue)>, Vec<ErrorItem>> {
    let not_a_dict = || {
        vec![ErrorItem::new(
            vec!["body".into()],
            "value is not a valid dict",
            "type_error.dict",
            None,
        )]
    };
    match body {
        None | Some(PyValue::Null) => Err(vec![ErrorItem::missing(vec!["body".into()])]),
        Some(PyValue::Object(pairs)) => Ok(pairs.clone()),
        // dict("") is an empty dict: every required field is then missing.
        Some(PyValue::Str(s)) if s.is_empty() => Ok(Vec::new()),
        Some(PyValue::List(items)) => {
            let mut pairs = Vec::with_capacity(items.len());
            for item in items {
                let (key, value) = match item {
                    PyValue::List(kv) if kv.len() == 2 => (kv[0].clone(), kv[1].clone()),
                    PyValue::Str(s) if s.chars().count() == 2 => {
                        let mut chars = s.chars().map(|c| PyValue::Str(c.to_string()));
                        match (chars.next(), chars.next()) {
                            (Some(k), Some(v)) => (k, v),
                            _ => return Err(not_a_dict()),
                        }
                    }
                    PyValue::Object(kv) if kv.len() == 2 => {
                        (PyValue::Str(kv[0].0.clone()), PyValue::Str(kv[1].0.clone()))
                    }
                    _ => return Err(not_a_dict()),
                };
                match key {
                    // Unhashable keys make dict() raise.
                    PyValue::List(_) | PyValue::Object(_) => return Err(not_a_dict()),
                    PyValue::Str(k) => pairs.push((k, value)),
                    // dict() takes them, but pydantic's Model(**data) does not.
                    _ => {
                        return Err(vec![ErrorItem::new(
                            vec!["body".into()],
                            "keywords must be strings",
                            "type_error",
                            None,
                        )])
                    }
                }
            }
            Ok(pairs)
        }
        Some(_) => Err(not_a_dict()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::python::json::loads;

    #[test]
    fn username_pattern_follows_python_dollar() {
        let m = NAME_PATTERN.is_match;
        assert!(m("ada"));
        assert!(m("ada-2_x"));
        assert!(m("ada\n"));
        assert!(!m("Ada"));
        assert!(!m("-ada"));
        assert!(!m("_ada"));
        assert!(!m("a da"));
        assert!(!m("ada\n\n"));
        assert!(!m(""));
    }

    #[test]
    fn strings_are_coerced_like_pydantic_v1() {
        let v = loads("[5, 1.5, true, null, [1]]").expect("valid");
        let PyValue::List(items) = v else {
            panic!("list")
        };
        assert_eq!(coerce_str(&items[0]), Ok("5".into()));
        assert_eq!(coerce_str(&items[1]), Ok("1.5".into()));
        assert_eq!(coerce_str(&items[2]), Ok("True".into()));
        assert!(coerce_str(&items[3]).is_err());
        assert!(coerce_str(&items[4]).is_err());
    }

    #[test]
    fn pair_lists_become_dicts() {
        let body = loads(r#"[["username", "x"], "ab"]"#).expect("valid");
        let fields = body_as_fields(Some(&body)).expect("dict() accepts pairs");
        assert_eq!(fields[0], ("username".into(), PyValue::Str("x".into())));
        assert_eq!(fields[1], ("a".into(), PyValue::Str("b".into())));
        assert!(body_as_fields(Some(&loads("[1, 2]").expect("valid"))).is_err());
        assert!(body_as_fields(Some(&loads("\"str\"").expect("valid"))).is_err());
    }
}
