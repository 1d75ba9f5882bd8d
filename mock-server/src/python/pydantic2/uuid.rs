//! UUIDs as pydantic-core 2.23 parses them, and its messages for those it cannot parse.

use uuid::Uuid;

use super::Problem;

/// A UUID as pydantic-core reads one from a string (simple, hyphenated, braced or URN form);
/// the message names what is wrong.
pub fn parse_uuid2(text: &str) -> Result<Uuid, Problem> {
    Uuid::parse_str(text).map_err(|_| {
        Problem::new(
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuids_fail_with_the_uuid_crates_message() {
        assert_eq!(
            parse_uuid2("nope").map_err(|e| e.msg),
            Err("Input should be a valid UUID, invalid character: expected an optional prefix of `urn:uuid:` followed by [0-9a-fA-F-], found `n` at 1".to_owned())
        );
        assert_eq!(
            parse_uuid2("abc").map_err(|e| e.msg),
            Err("Input should be a valid UUID, invalid length: expected length 32 for simple format, found 3".to_owned())
        );
        assert!(parse_uuid2("0000000000004000800000000000000A").is_ok());
        let problem = |t: &str| parse_uuid2(t).map_err(|e| e.msg).expect_err("invalid");
        assert!(problem("None").ends_with("found `N` at 1"));
        assert!(problem("{0000-0000}").ends_with("invalid group count: expected 5, found 2"));
        assert!(problem("000000000-000-0000-0000-000000000000")
            .ends_with("invalid group length in group 0: expected 8, found 9"));
        assert!(problem("00000000-0000-0000-0000-0000000000000")
            .ends_with("invalid group length in group 4: expected 12, found 13"));
    }
}
