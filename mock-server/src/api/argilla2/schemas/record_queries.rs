//! The query parameters of the record routes (`argilla-2x-records-api.md` §4.1, §3.8):
//! `include` (argilla-server's `parse_query_param` into `RecordIncludeParam`), `offset`/`limit`
//! and the comma-separated `ids` of the deletes.

use crate::db::{Include, VectorsIncluded};
use crate::python::json::PyValue;
use crate::python::pydantic2::{enum_value, int_value, Bounds, ErrorItem2};
use crate::python::repr::{py_list_repr, py_repr};

const RELATIONSHIPS: [&str; 3] = ["responses", "suggestions", "vectors"];

/// Why an `include` was refused: the real server answers each with a plain-string 422.
pub type IncludeRefusal = String;

/// Every `include` value of the query, parsed. `None` values: the parameter is absent.
pub fn include(query: &[(String, String)]) -> Result<Include, IncludeRefusal> {
    // `keys` (values without a colon) in order, then each `key:values` key in first-seen order.
    let mut keys: Vec<String> = Vec::new();
    let mut keyed: Vec<(String, Vec<String>)> = Vec::new();
    let mut any = false;
    for (_, value) in query.iter().filter(|(name, _)| name == "include") {
        any = true;
        match parse_include_value(value) {
            Some(IncludeValue::Keys(list)) => keys.extend(list),
            Some(IncludeValue::Keyed(key, values)) => {
                match keyed.iter_mut().find(|(k, _)| *k == key) {
                    Some((_, all)) => all.extend(values),
                    None => keyed.push((key, values)),
                }
            }
            None => {
                return Err(
                    "'include' query parameter must be of the form 'key1,key2,key3' or \
                            'key:value1,value2,value3'"
                        .into(),
                )
            }
        }
    }
    if !any {
        return Ok(Include::default());
    }
    let mut errors = Vec::new();
    for (i, key) in keys.iter().enumerate() {
        if let Err(problem) = enum_value(&PyValue::Str(key.clone()), &RELATIONSHIPS) {
            errors.push(format!(
                "keys.{i}\n  {} [type={}, input_value={}, input_type=str]\n    For further \
                 information visit https://errors.pydantic.dev/2.9/v/{}",
                problem.msg,
                problem.kind,
                py_repr(key),
                problem.kind
            ));
        }
    }
    if !errors.is_empty() {
        return Err(pydantic_text(&errors));
    }
    let named: Vec<String> = (keyed.iter())
        .find(|(k, _)| k == "vectors")
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    let has = |name: &str| keys.iter().any(|k| k == name);
    if has("vectors") && !named.is_empty() {
        let mut input = Vec::new();
        if !keys.is_empty() {
            input.push(format!("'keys': {}", py_list_repr(&keys)));
        }
        for (key, values) in &keyed {
            input.push(format!("{}: {}", py_repr(key), py_list_repr(values)));
        }
        return Err(pydantic_text(&[format!(
            "  Value error, 'include' query param cannot have both 'vectors' and \
             'vectors:vector_settings_name_1,vectors_settings_name_2,...' [type=value_error, \
             input_value={{{}}}, input_type=dict]\n    For further information visit \
             https://errors.pydantic.dev/2.9/v/value_error",
            input.join(", ")
        )]));
    }
    Ok(Include {
        responses: has("responses"),
        suggestions: has("suggestions"),
        vectors: if !named.is_empty() {
            VectorsIncluded::Named(named)
        } else if has("vectors") {
            VectorsIncluded::All
        } else {
            VectorsIncluded::None
        },
    })
}

enum IncludeValue {
    Keys(Vec<String>),
    Keyed(String, Vec<String>),
}

/// `k1,k2,k3` or `key:v1,v2`, every part non-empty and free of `,` and `:`.
fn parse_include_value(value: &str) -> Option<IncludeValue> {
    let parts = |list: &str| -> Option<Vec<String>> {
        let items: Vec<String> = list.split(',').map(str::to_owned).collect();
        (items.iter().all(|i| !i.is_empty())).then_some(items)
    };
    match value.split_once(':') {
        None => parts(value).map(IncludeValue::Keys),
        Some((key, values)) => {
            if key.is_empty() || key.contains(',') || values.contains(':') {
                return None;
            }
            Some(IncludeValue::Keyed(key.to_owned(), parts(values)?))
        }
    }
}

/// pydantic's `str(ValidationError)` for `RecordIncludeParam`.
fn pydantic_text(errors: &[String]) -> String {
    let count = match errors.len() {
        1 => "1 validation error".to_owned(),
        n => format!("{n} validation errors"),
    };
    format!("{count} for RecordIncludeParam\n{}", errors.join("\n"))
}

/// `offset` and `limit` of a record list or search.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    pub offset: i64,
    pub limit: i64,
}

/// The most records one page may have.
pub const PAGE_MAX: i64 = 1000;
const PAGE_DEFAULT: i64 = 50;

/// `offset` (no lower bound on the list, `ge=0` on the searches) and `limit` (1..1000), their
/// errors at `["query", name]`.
pub fn page(query: &[(String, String)], offset_at_least_0: bool) -> Result<Page, Vec<ErrorItem2>> {
    let mut errors = Vec::new();
    let mut read = |name: &str, default: i64, bounds: Bounds| -> i64 {
        match crate::python::last_value(query, name) {
            None => default,
            Some(raw) => match int_value(&PyValue::Str(raw.clone()), bounds) {
                Ok(n) => n,
                Err(problem) => {
                    errors.push(problem.at(vec!["query".into(), name.into()]));
                    default
                }
            },
        }
    };
    let offset_bounds = Bounds {
        ge: offset_at_least_0.then_some(0),
        ..Bounds::default()
    };
    let offset = read("offset", 0, offset_bounds);
    let limit_bounds = Bounds {
        ge: Some(1),
        le: Some(PAGE_MAX),
        ..Bounds::default()
    };
    let limit = read("limit", PAGE_DEFAULT, limit_bounds);
    if errors.is_empty() {
        Ok(Page { offset, limit })
    } else {
        Err(errors)
    }
}

/// A delete's `ids`: one comma-separated value of UUIDs as Python's `UUID()` reads them (braces,
/// `urn:uuid:`, hyphens anywhere, any case), hyphenated; any other element is `None`.
pub fn comma_separated_uuids(ids: &str) -> Option<Vec<String>> {
    ids.split(',').map(python_uuid).collect()
}

fn python_uuid(text: &str) -> Option<String> {
    let hex: String = text
        .replace("urn:", "")
        .replace("uuid:", "")
        .trim_matches(|c| c == '{' || c == '}')
        .replace('-', "");
    if hex.len() != 32 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    uuid::Uuid::parse_str(&hex)
        .ok()
        .map(|id| id.hyphenated().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(values: &[&str]) -> Vec<(String, String)> {
        (values.iter())
            .map(|v| ("include".to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn include_reads_keys_and_named_vectors() {
        let all = include(&q(&["suggestions", "responses,vectors"])).expect("parsed");
        assert!(all.responses && all.suggestions);
        assert_eq!(all.vectors, VectorsIncluded::All);
        let named = include(&q(&["vectors:a,b"])).expect("parsed");
        assert_eq!(
            named.vectors,
            VectorsIncluded::Named(vec!["a".into(), "b".into()])
        );
        assert!(!named.responses);
        assert_eq!(include(&[]).expect("parsed"), Include::default());
        assert_eq!(
            include(&q(&["other:x"])).expect("parsed"),
            Include::default()
        );
    }

    #[test]
    fn include_refusals_are_the_real_servers_texts() {
        for bad in ["", "a:b:c", "a,", "vectors:", ":x", "a,b:c"] {
            let refusal = include(&q(&[bad])).expect_err("refused");
            assert!(
                refusal.starts_with("'include' query parameter must be"),
                "{bad}"
            );
        }
        assert_eq!(
            include(&q(&["bogus"])).expect_err("refused"),
            "1 validation error for RecordIncludeParam\nkeys.0\n  Input should be 'responses', \
             'suggestions' or 'vectors' [type=enum, input_value='bogus', input_type=str]\n    \
             For further information visit https://errors.pydantic.dev/2.9/v/enum"
        );
        assert_eq!(
            include(&q(&["vectors", "vectors:emb"])).expect_err("refused"),
            "1 validation error for RecordIncludeParam\n  Value error, 'include' query param \
             cannot have both 'vectors' and 'vectors:vector_settings_name_1,vectors_settings_\
             name_2,...' [type=value_error, input_value={'keys': ['vectors'], 'vectors': \
             ['emb']}, input_type=dict]\n    For further information visit \
             https://errors.pydantic.dev/2.9/v/value_error"
        );
    }

    #[test]
    fn uuids_read_as_python_reads_them() {
        let id = "0d9d1a9e-4b5e-4a43-9d3c-1f2d3e4f5a6b";
        let forms = format!(
            "{id},{{{}}},urn:uuid:{},{}",
            id,
            id,
            id.replace('-', "").to_uppercase()
        );
        assert_eq!(comma_separated_uuids(&forms).expect("parsed"), vec![id; 4]);
        assert_eq!(comma_separated_uuids(""), None);
        assert_eq!(comma_separated_uuids(&format!("{id},")), None);
        assert_eq!(comma_separated_uuids("x"), None);
    }
}
