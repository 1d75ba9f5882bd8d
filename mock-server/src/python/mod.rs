//! Emulation of the real servers' Python-side parsing, so bad input gets the real server's answer.
//!
//! Both real servers are FastAPI on CPython 3.11: Argilla 1.14 on pydantic v1 ([`pydantic`]),
//! argilla-server 2.8 on pydantic 2.9 ([`pydantic2`]). Their 422 bodies are pydantic's own error
//! lists, their malformed-JSON errors `json.JSONDecodeError`s ([`json`]), and 1.x's UUID path
//! parameters go through Python's `uuid.UUID(str)` ([`uuid`]). Each submodule reproduces one of
//! these, from observed behaviour (the contracts under `../shared/`) and the documented semantics
//! of the Python functions, so that clients see identical status codes and bodies.

pub mod json;
pub mod pydantic;
pub mod pydantic2;
pub mod repr;
pub mod uuid;

/// The value of `key` among `pairs` as a Python `dict` built from them holds it: the last one
/// given wins (JSON objects, query strings and forms alike).
pub fn last_value<'a, V>(pairs: &'a [(String, V)], key: &str) -> Option<&'a V> {
    pairs.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v)
}

/// Python's `str.isspace()`: the characters `str.strip()` removes.
pub fn is_py_whitespace(c: char) -> bool {
    matches!(c, '\u{1c}'..='\u{1f}') || c.is_whitespace()
}

/// Python's `str.strip()` with no argument.
pub fn py_strip(s: &str) -> &str {
    s.trim_matches(is_py_whitespace)
}

/// Python's `repr(float)`: shortest round-trip digits, exponent from 1e16 and below 1e-4,
/// written `1e+16` / `1e-05`.
pub fn py_float_repr(f: f64) -> String {
    if f.is_nan() {
        return "nan".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "inf".into() } else { "-inf".into() };
    }
    // Rust's Debug output has the same digits and the same switch points; only the exponent is
    // spelled differently (`1e16`, `1e-5`).
    let rust = format!("{f:?}");
    match rust.split_once('e') {
        None => rust,
        Some((mantissa, exp)) => {
            let (sign, digits) = match exp.strip_prefix('-') {
                Some(d) => ('-', d),
                None => ('+', exp),
            };
            format!("{mantissa}e{sign}{digits:0>2}")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn float_repr_matches_python() {
        // Expectations from CPython 3.11 `repr(x)`.
        let cases = [
            (1.5, "1.5"),
            (1000.0, "1000.0"),
            (1e15, "1000000000000000.0"),
            (1e16, "1e+16"),
            (1.5e300, "1.5e+300"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (-2.5e-7, "-2.5e-07"),
            (0.1, "0.1"),
        ];
        for (value, expected) in cases {
            assert_eq!(py_float_repr(value), expected, "{value}");
        }
    }

    #[test]
    fn strip_removes_what_python_strips() {
        assert_eq!(py_strip("\u{a0}\u{2003} x \u{3000}\u{1f}"), "x");
        assert_eq!(py_strip("  Pad  "), "Pad");
    }
}
