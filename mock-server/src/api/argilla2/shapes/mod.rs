//! Argilla 2.x's JSON shapes, one file per resource. Field order in each struct is the real
//! server's key order; do not reorder fields.

mod datasets;
mod records;
mod users;

pub use datasets::{Dataset, Field, MetadataProperty, Question, VectorSettings};
pub use records::{Record, Response, Suggestion};
pub use users::{me_body, users_body, User, Workspace};

/// A stored timestamp as Argilla 2.x (pydantic 2) shows it: with microseconds, or whole seconds
/// when the fraction is exactly 0.
pub fn as_pydantic(stored: &str) -> String {
    match stored.strip_suffix(".000000") {
        Some(whole) => whole.to_owned(),
        None => stored.to_owned(),
    }
}
