//! Python's `repr()` of the values the real server puts in its messages (`f"{x!r}"`): strings,
//! lists of them, sets.

/// Python's `repr()` of a string, as an f-string's `!r` shows it: single quotes unless the text
/// has a single quote and no double quote.
pub fn py_repr(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

/// `repr()` of a list of strings: `['a', 'b']`.
pub fn py_list_repr<S: AsRef<str>>(items: &[S]) -> String {
    let items: Vec<String> = items.iter().map(|s| py_repr(s.as_ref())).collect();
    format!("[{}]", items.join(", "))
}

/// `repr()` of a set of already-`repr`ed items (`{'a'}`, `{1}`), in the order given (a
/// Python set's own order varies between processes).
pub fn py_set_repr(reprs: &[String]) -> String {
    format!("{{{}}}", reprs.join(", "))
}

/// `repr()` (and `str()`) of a JSON value as Python decoded it: `{'a': 1, 'b': [True, None]}`.
pub fn py_value_repr(value: &serde_json::Value) -> String {
    use serde_json::Value;
    match value {
        Value::Null => "None".into(),
        Value::Bool(true) => "True".into(),
        Value::Bool(false) => "False".into(),
        Value::Number(n) => match (n.as_i64(), n.as_u64(), n.as_f64()) {
            (Some(i), _, _) => i.to_string(),
            (_, Some(u), _) => u.to_string(),
            (_, _, Some(f)) => super::py_float_repr(f),
            _ => n.to_string(),
        },
        Value::String(s) => py_repr(s),
        Value::Array(items) => {
            let items: Vec<String> = items.iter().map(py_value_repr).collect();
            format!("[{}]", items.join(", "))
        }
        Value::Object(map) => {
            let members: Vec<String> = (map.iter())
                .map(|(k, v)| format!("{}: {}", py_repr(k), py_value_repr(v)))
                .collect();
            format!("{{{}}}", members.join(", "))
        }
    }
}

/// The name of the Python type a JSON value decodes to (`type(x).__name__`).
pub fn py_type_name(value: &super::json::PyValue) -> &'static str {
    use super::json::PyValue;
    match value {
        PyValue::Null => "NoneType",
        PyValue::Bool(_) => "bool",
        PyValue::Int(_) => "int",
        PyValue::Float(_) => "float",
        PyValue::Str(_) => "str",
        PyValue::List(_) => "list",
        PyValue::Object(_) => "dict",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_shown_as_python_repr_shows_them() {
        assert_eq!(py_repr("ada"), "'ada'");
        assert_eq!(py_repr("o'neil"), "\"o'neil\"");
        assert_eq!(py_repr("a'b\"c"), "'a\\'b\"c'");
        assert_eq!(py_repr("tab\there"), "'tab\\there'");
    }

    #[test]
    fn lists_and_sets_are_shown_as_python_shows_them() {
        assert_eq!(py_list_repr(&["pos", "zzz"]), "['pos', 'zzz']");
        assert_eq!(py_list_repr::<&str>(&[]), "[]");
        assert_eq!(py_set_repr(&["1".into()]), "{1}");
    }
}
