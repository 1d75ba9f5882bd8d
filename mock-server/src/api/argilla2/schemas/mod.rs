//! The 2.x request models (argilla-server 2.8, `api/schemas/v1/`), one file per resource,
//! validated as pydantic 2 does: fields in declaration order, every error at once, unknown
//! fields ignored.

mod answers;
mod datasets;
mod fields;
mod metadata_properties;
mod questions;
mod record_queries;
mod records;
mod search;
mod users;
mod vectors_settings;

pub use answers::{
    response_create, stored_values, suggestion, tagged_response, AnswerValue, ResponseInput,
    ResponseModel, SuggestionInput,
};
pub use datasets::{DatasetCreate, DatasetUpdate, DatasetsQuery};
pub use fields::{FieldCreate, FieldUpdate};
pub use metadata_properties::{MetadataPropertyCreate, MetadataPropertyUpdate};
pub use questions::{QuestionCreate, QuestionUpdate};
pub use record_queries::{comma_separated_uuids, include, page, Page};
pub use records::{
    record_create, record_update, records_bulk, suggestion_writes, vector_writes, RecordInput,
    RecordModel,
};
pub use search::{
    search_body, FilterInput, OrderInput, RangeBound, ScopeInput, SearchBody, VectorQueryInput,
};
pub use users::{workspace_user_create, UserCreate, UserUpdate, WorkspaceCreate};
pub use vectors_settings::{VectorSettingsCreate, VectorSettingsUpdate};

use crate::extract::JsonBody;
use crate::python::pydantic2::{ErrorItem2, Model2, Str2};

/// A setting's `name` (datasets', fields', questions', properties', vectors'): no pattern on the
/// server, not stripped.
const NAME: Str2 = Str2::length(1, 200);
/// A setting's `title`.
const TITLE: Str2 = Str2::length(1, 500);
/// A question's (or an option's) `description`.
const DESCRIPTION: Str2 = Str2::length(1, 1000);

/// A body as pydantic sees it: a raw (non-JSON) body is bytes, which no model accepts.
fn model(body: &JsonBody) -> Result<Model2<'_>, Vec<ErrorItem2>> {
    Model2::body(body.value())
}
