//! The checks argilla-server makes after a request's schema and the caller's role: a record's
//! content, suggestions and responses against the dataset's settings.

mod answers;
mod records;

pub use records::{check_record, check_response, check_suggestion, RecordCheck};

use crate::error::ApiError;

/// Why a check refused, in the real server's words (a plain-text 422).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused(pub String);

impl Refused {
    /// The refusal with its reason reworded.
    pub fn map(self, reword: impl FnOnce(String) -> String) -> Refused {
        Refused(reword(self.0))
    }

    pub fn into_error(self) -> ApiError {
        ApiError::UnprocessablePlain(self.0)
    }
}

impl From<String> for Refused {
    fn from(why: String) -> Refused {
        Refused(why)
    }
}

impl From<&str> for Refused {
    fn from(why: &str) -> Refused {
        Refused(why.to_owned())
    }
}
