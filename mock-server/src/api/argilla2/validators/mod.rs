//! The checks argilla-server makes after a request's schema and the caller's role: a record's
//! content, suggestions and responses against the dataset's settings.

mod answers;
mod records;

pub use records::{check_record, check_response, check_suggestion, RecordCheck};

use crate::error::ApiError;

/// Why a check refused: a 422 in the real server's words, or an exception the real server
/// does not catch (its 500, answered the same way).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refused {
    Because(String),
    Crashed {
        python_type: &'static str,
        message: String,
    },
}

impl Refused {
    /// Python's `urlparse` given a non-empty dict or list.
    fn no_decode(class: &str) -> Refused {
        Refused::Crashed {
            python_type: "builtins.AttributeError",
            message: format!("'{class}' object has no attribute 'decode'"),
        }
    }

    /// The refusal with its reason reworded (a 500 stays as it is).
    pub fn map(self, reword: impl FnOnce(String) -> String) -> Refused {
        match self {
            Refused::Because(why) => Refused::Because(reword(why)),
            crashed => crashed,
        }
    }

    /// The answer: a plain-text 422, or the 500.
    pub fn into_error(self) -> ApiError {
        match self {
            Refused::Because(why) => ApiError::UnprocessablePlain(why),
            Refused::Crashed {
                python_type,
                message,
            } => ApiError::RealServerFailure {
                python_type,
                message,
            },
        }
    }
}

impl From<String> for Refused {
    fn from(why: String) -> Refused {
        Refused::Because(why)
    }
}

impl From<&str> for Refused {
    fn from(why: &str) -> Refused {
        Refused::Because(why.to_owned())
    }
}
