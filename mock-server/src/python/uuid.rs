//! Python's `uuid.UUID(str)`, the parser behind every `{user_id}`/`{workspace_id}` path parameter.
//!
//! It is more lenient than the RFC form: `urn:uuid:` prefixes, braces, hyphens anywhere, no
//! hyphens at all, upper case, and whatever `int(hex, 16)` accepts (surrounding whitespace, a
//! `+` sign, a `0x` prefix, single underscores between digits). A client sending any of these to
//! the real server gets a 200 or 404, not a 422, so the mock must accept the same strings.

use uuid::Uuid;

use super::is_py_whitespace;

/// Parses like `uuid.UUID(text)`; `None` where Python raises `ValueError`.
pub fn parse_uuid(text: &str) -> Option<Uuid> {
    let without_prefixes = text.replace("urn:", "").replace("uuid:", "");
    let hex: String = without_prefixes
        .trim_matches(|c| c == '{' || c == '}')
        .chars()
        .filter(|&c| c != '-')
        .collect();
    if hex.chars().count() != 32 {
        return None;
    }
    parse_int_base16(&hex).map(Uuid::from_u128)
}

/// `int(text, 16)` for the strings that can reach it (never negative: `-` was removed above).
fn parse_int_base16(text: &str) -> Option<u128> {
    let text = text.trim_matches(is_py_whitespace);
    let text = text.strip_prefix('+').unwrap_or(text);
    let digits = text
        .strip_prefix("0x")
        .or_else(|| text.strip_prefix("0X"))
        .map(|rest| rest.strip_prefix('_').unwrap_or(rest))
        .unwrap_or(text);
    if digits.is_empty()
        || digits.starts_with('_')
        || digits.ends_with('_')
        || digits.contains("__")
    {
        return None;
    }
    let mut value: u128 = 0;
    for c in digits.chars().filter(|&c| c != '_') {
        value = value
            .checked_mul(16)?
            .checked_add(u128::from(c.to_digit(16)?))?;
    }
    Some(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_what_python_accepts() {
        // Each pair is input → str(uuid.UUID(input)) from CPython 3.11.
        let cases = [
            (
                "00000000-0000-0000-0000-000000000000",
                "00000000-0000-0000-0000-000000000000",
            ),
            (
                "0A6CAD30622C48EE84791FF3EBC50E87",
                "0a6cad30-622c-48ee-8479-1ff3ebc50e87",
            ),
            (
                "urn:uuid:11111111111111111111111111111111",
                "11111111-1111-1111-1111-111111111111",
            ),
            (
                "{{11111111111111111111111111111111}",
                "11111111-1111-1111-1111-111111111111",
            ),
            (
                "0x111111111111111111111111111111",
                "00111111-1111-1111-1111-111111111111",
            ),
            (
                "+1111111111111111111111111111111",
                "01111111-1111-1111-1111-111111111111",
            ),
            (
                " 1111111111111111111111111111111",
                "01111111-1111-1111-1111-111111111111",
            ),
            (
                "1_111111111111111111111111111111",
                "01111111-1111-1111-1111-111111111111",
            ),
            (
                "1111111111111111111111111111111\n",
                "01111111-1111-1111-1111-111111111111",
            ),
        ];
        for (input, expected) in cases {
            let parsed = parse_uuid(input).unwrap_or_else(|| panic!("{input:?} should parse"));
            assert_eq!(parsed.hyphenated().to_string(), expected);
        }
    }

    #[test]
    fn rejects_what_python_rejects() {
        for input in [
            "not-a-uuid",
            "",
            "-0000000000000000000000000000000",
            "{0000000-0000-0000-0000-000000000000}",
            "1__11111111111111111111111111111",
            "g0000000000000000000000000000000",
        ] {
            assert_eq!(parse_uuid(input), None, "{input:?}");
        }
    }
}
