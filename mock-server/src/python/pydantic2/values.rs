//! pydantic 2's checks of one value (lax mode, as FastAPI validates JSON bodies and queries),
//! each failing with pydantic-core 2.23's error type and message.

use uuid::Uuid;

use super::uuid::parse_uuid2;
use super::Problem;
use crate::python::json::PyValue;

/// The constraints of a `str` field.
#[derive(Debug, Clone, Copy, Default)]
pub struct Str2 {
    /// `strip_whitespace=True`: trimmed before the length checks.
    pub strip: bool,
    pub min_length: Option<usize>,
    pub max_length: Option<usize>,
    /// A `pattern` (checked after the lengths), written out by hand.
    pub pattern: Option<Pattern2>,
}

/// A regular expression pydantic checks, as its source (for the message) and a matcher.
#[derive(Debug, Clone, Copy)]
pub struct Pattern2 {
    pub source: &'static str,
    pub is_match: fn(&str) -> bool,
}

impl Str2 {
    /// A string of `min..=max` characters, kept as sent.
    pub const fn length(min: usize, max: usize) -> Str2 {
        Str2 {
            strip: false,
            min_length: Some(min),
            max_length: Some(max),
            pattern: None,
        }
    }

    pub fn check(self, value: &PyValue) -> Result<String, Problem> {
        let PyValue::Str(s) = value else {
            return Err(Problem::new(
                "string_type",
                "Input should be a valid string",
            ));
        };
        let s = if self.strip { s.trim() } else { s.as_str() };
        let length = s.chars().count();
        if let Some(min) = self.min_length.filter(|&min| length < min) {
            return Err(Problem::new(
                "string_too_short",
                format!(
                    "String should have at least {min} {}",
                    plural(min, "character")
                ),
            ));
        }
        if let Some(max) = self.max_length.filter(|&max| length > max) {
            return Err(Problem::new(
                "string_too_long",
                format!(
                    "String should have at most {max} {}",
                    plural(max, "character")
                ),
            ));
        }
        if let Some(pattern) = self.pattern.filter(|p| !(p.is_match)(s)) {
            return Err(Problem::new(
                "string_pattern_mismatch",
                format!("String should match pattern '{}'", pattern.source),
            ));
        }
        Ok(s.to_owned())
    }
}

/// `thing` or `things`, as pydantic's messages count.
pub fn plural(n: usize, thing: &str) -> String {
    if n == 1 {
        thing.to_owned()
    } else {
        format!("{thing}s")
    }
}

/// A `bool` in lax mode: JSON booleans, the integers 0 and 1, and the strings Python's
/// pydantic reads as booleans (`"true"`, `"no"`, `"1"`, … in any case).
pub fn bool_value(value: &PyValue) -> Result<bool, Problem> {
    let unreadable = || {
        Problem::new(
            "bool_parsing",
            "Input should be a valid boolean, unable to interpret input",
        )
    };
    match value {
        PyValue::Bool(b) => Ok(*b),
        PyValue::Int(digits) => match digits.as_str() {
            "0" => Ok(false),
            "1" => Ok(true),
            _ => Err(unreadable()),
        },
        PyValue::Float(f) if *f == 0.0 => Ok(false),
        PyValue::Float(f) if *f == 1.0 => Ok(true),
        PyValue::Float(_) => Err(unreadable()),
        PyValue::Str(s) => match s.to_ascii_lowercase().as_str() {
            "0" | "off" | "f" | "false" | "n" | "no" => Ok(false),
            "1" | "on" | "t" | "true" | "y" | "yes" => Ok(true),
            _ => Err(unreadable()),
        },
        _ => Err(Problem::new("bool_type", "Input should be a valid boolean")),
    }
}

/// Bounds of an `int` or `float` field (`ge`, `le`, `gt`).
#[derive(Debug, Clone, Copy, Default)]
pub struct Bounds {
    pub ge: Option<i64>,
    pub le: Option<i64>,
    pub gt: Option<i64>,
}

impl Bounds {
    fn check(self, n: f64) -> Result<(), Problem> {
        if let Some(gt) = self.gt.filter(|&gt| n <= gt as f64) {
            return Err(Problem::new(
                "greater_than",
                format!("Input should be greater than {gt}"),
            ));
        }
        if let Some(ge) = self.ge.filter(|&ge| n < ge as f64) {
            return Err(Problem::new(
                "greater_than_equal",
                format!("Input should be greater than or equal to {ge}"),
            ));
        }
        if let Some(le) = self.le.filter(|&le| n > le as f64) {
            return Err(Problem::new(
                "less_than_equal",
                format!("Input should be less than or equal to {le}"),
            ));
        }
        Ok(())
    }
}

/// An `int` in lax mode: integers, floats without a fraction, booleans, and strings holding an
/// integer.
pub fn int_value(value: &PyValue, bounds: Bounds) -> Result<i64, Problem> {
    let n = match value {
        PyValue::Int(digits) => digits.parse::<i64>().map_err(|_| too_large())?,
        PyValue::Bool(b) => i64::from(*b),
        PyValue::Float(f) if !f.is_finite() => {
            return Err(Problem::new(
                "finite_number",
                "Input should be a finite number",
            ))
        }
        PyValue::Float(f) if f.fract() != 0.0 => {
            return Err(Problem::new(
                "int_from_float",
                "Input should be a valid integer, got a number with a fractional part",
            ))
        }
        PyValue::Float(f) => *f as i64,
        PyValue::Str(s) => s.trim().parse::<i64>().map_err(|_| {
            Problem::new(
                "int_parsing",
                "Input should be a valid integer, unable to parse string as an integer",
            )
        })?,
        _ => return Err(Problem::new("int_type", "Input should be a valid integer")),
    };
    bounds.check(n as f64)?;
    Ok(n)
}

fn too_large() -> Problem {
    Problem::new(
        "int_parsing_size",
        "Unable to parse input string as an integer, exceeded maximum size",
    )
}

/// A `float` in lax mode: numbers, booleans, and strings holding a number.
pub fn float_value(value: &PyValue, bounds: Bounds) -> Result<f64, Problem> {
    let n = match value {
        PyValue::Int(digits) => digits.parse::<f64>().map_err(|_| too_large())?,
        PyValue::Float(f) => *f,
        PyValue::Bool(b) => f64::from(u8::from(*b)),
        PyValue::Str(s) => s.trim().parse::<f64>().map_err(|_| {
            Problem::new(
                "float_parsing",
                "Input should be a valid number, unable to parse string as a number",
            )
        })?,
        _ => return Err(Problem::new("float_type", "Input should be a valid number")),
    };
    bounds.check(n)?;
    Ok(n)
}

/// A string `Enum`; the message lists the members as pydantic does (`'a', 'b' or 'c'`).
pub fn enum_value<'m>(value: &PyValue, members: &[&'m str]) -> Result<&'m str, Problem> {
    let found = match value {
        PyValue::Str(s) => members.iter().find(|m| **m == s.as_str()).copied(),
        _ => None,
    };
    found.ok_or_else(|| {
        let quoted: Vec<String> = members.iter().map(|m| format!("'{m}'")).collect();
        let listed = match quoted.split_last() {
            Some((last, [])) => last.clone(),
            Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
            None => String::new(),
        };
        Problem::new("enum", format!("Input should be {listed}"))
    })
}

/// A `UUID` from a JSON value (only strings hold one).
pub fn uuid_value(value: &PyValue) -> Result<Uuid, Problem> {
    match value {
        PyValue::Str(s) => parse_uuid2(s),
        _ => Err(Problem::new(
            "uuid_type",
            "UUID input should be a string, bytes or UUID object",
        )),
    }
}

/// A `dict` (JSON object): its members.
pub fn dict_value(value: &PyValue) -> Result<&[(String, PyValue)], Problem> {
    match value {
        PyValue::Object(pairs) => Ok(pairs),
        _ => Err(Problem::new(
            "dict_type",
            "Input should be a valid dictionary",
        )),
    }
}

/// A `list` of `min..=max` items.
pub fn list_value(value: &PyValue, min: usize, max: Option<usize>) -> Result<&[PyValue], Problem> {
    let PyValue::List(items) = value else {
        return Err(Problem::new("list_type", "Input should be a valid list"));
    };
    if items.len() < min {
        return Err(Problem::new(
            "too_short",
            format!(
                "List should have at least {min} {} after validation, not {}",
                plural(min, "item"),
                items.len()
            ),
        ));
    }
    if let Some(max) = max.filter(|&max| items.len() > max) {
        return Err(Problem::new(
            "too_long",
            format!(
                "List should have at most {max} {} after validation, not {}",
                plural(max, "item"),
                items.len()
            ),
        ));
    }
    Ok(items)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn int(n: i64) -> PyValue {
        PyValue::Int(n.to_string())
    }

    #[test]
    fn lax_scalars_take_what_pydantic_takes() {
        assert_eq!(bool_value(&PyValue::Str("False".into())), Ok(false));
        assert_eq!(bool_value(&int(1)), Ok(true));
        assert_eq!(bool_value(&int(2)).map_err(|p| p.kind), Err("bool_parsing"));
        assert_eq!(
            bool_value(&PyValue::Null).map_err(|p| p.kind),
            Err("bool_type")
        );
        assert_eq!(
            int_value(&PyValue::Str("4".into()), Bounds::default()),
            Ok(4)
        );
        assert_eq!(int_value(&PyValue::Float(5.0), Bounds::default()), Ok(5));
        assert_eq!(
            int_value(&PyValue::Float(2.5), Bounds::default()).map_err(|p| p.kind),
            Err("int_from_float")
        );
        let positive = Bounds {
            gt: Some(0),
            ..Bounds::default()
        };
        assert_eq!(
            int_value(&int(0), positive).map_err(|p| p.msg),
            Err("Input should be greater than 0".to_owned())
        );
        assert_eq!(
            float_value(&PyValue::Str("abc".into()), Bounds::default()).map_err(|p| p.kind),
            Err("float_parsing")
        );
    }

    #[test]
    fn list_sizes_count_items_as_pydantic_words_them() {
        let one = PyValue::List(vec![int(1)]);
        assert_eq!(
            list_value(&one, 2, None).map_err(|p| p.msg),
            Err("List should have at least 2 items after validation, not 1".to_owned())
        );
        let two = PyValue::List(vec![int(1), int(2)]);
        assert_eq!(
            list_value(&two, 0, Some(1)).map_err(|p| p.msg),
            Err("List should have at most 1 item after validation, not 2".to_owned())
        );
    }
}
