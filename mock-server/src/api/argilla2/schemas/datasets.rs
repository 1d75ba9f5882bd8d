//! `DatasetCreate`, `DatasetUpdate` and the query of `GET /me/datasets`
//! (`argilla-2x-datasets-api.md` §3.1–§3.4).

use serde_json::{Map, Value};
use uuid::Uuid;

use super::{model, NAME};
use crate::db::{DatasetChanges, DatasetFilter};
use crate::extract::JsonBody;
use crate::models::datasets::{DatasetStatus, Distribution, DistributionStrategy};
use crate::python::json::{object_json, PyValue};
use crate::python::last_value;
use crate::python::pydantic2::{
    enum_value, parse_uuid2, Bounds, ErrorItem2, Field, Loc, Model2, Presence, Problem, Str2,
};

const GUIDELINES: Str2 = Str2::length(1, 10_000);

/// A new dataset, as the body gives it (defaults filled in).
#[derive(Debug)]
pub struct DatasetCreate {
    pub name: String,
    pub guidelines: Option<String>,
    pub allow_extra_metadata: bool,
    pub distribution: Distribution,
    pub metadata: Option<Map<String, Value>>,
    pub workspace_id: Uuid,
}

impl DatasetCreate {
    pub fn validate(body: &JsonBody) -> Result<DatasetCreate, Vec<ErrorItem2>> {
        let mut m = model(body)?;
        let name = m.str("name", Presence::Required, NAME);
        let guidelines = m.str("guidelines", Presence::Optional, GUIDELINES);
        let allow_extra_metadata = m.bool("allow_extra_metadata", Presence::Defaulted);
        let distribution = m.nested("distribution", Presence::Defaulted, distribution);
        let metadata = m.dict("metadata", Presence::Optional);
        let workspace_id = m.uuid("workspace_id", Presence::Required);
        m.finish()?;
        match (name, workspace_id) {
            (Field::Value(name), Field::Value(workspace_id)) => Ok(DatasetCreate {
                name,
                guidelines: guidelines.value(),
                allow_extra_metadata: allow_extra_metadata.or(true),
                distribution: distribution.or(Distribution::DEFAULT),
                metadata: metadata.value().map(object_json),
                workspace_id,
            }),
            _ => Err(Vec::new()),
        }
    }
}

/// `DatasetUpdate`: every field optional; `guidelines` and `metadata` may be cleared with
/// `null`, the others not.
#[derive(Debug)]
pub struct DatasetUpdate;

impl DatasetUpdate {
    const NON_NULLABLE: [&'static str; 3] = ["name", "allow_extra_metadata", "distribution"];

    pub fn validate(body: &JsonBody) -> Result<DatasetChanges, Vec<ErrorItem2>> {
        let mut m = model(body)?;
        m.non_null(&Self::NON_NULLABLE)?;
        let name = m.str("name", Presence::Optional, NAME);
        let guidelines = m.str("guidelines", Presence::Optional, GUIDELINES);
        let allow_extra_metadata = m.bool("allow_extra_metadata", Presence::Optional);
        let distribution = m.nested("distribution", Presence::Optional, distribution);
        let metadata = m.dict("metadata", Presence::Optional);
        m.finish()?;
        Ok(DatasetChanges {
            name: name.value(),
            guidelines: guidelines.patch(),
            allow_extra_metadata: allow_extra_metadata.value(),
            distribution: distribution.value(),
            metadata: metadata.patch().map(|m| m.map(object_json)),
        })
    }
}

/// `{"strategy": "overlap", "min_submitted": N ≥ 1}`, both required.
fn distribution(value: &PyValue, loc: Loc) -> Result<Distribution, Vec<ErrorItem2>> {
    let mut m = Model2::at(value, loc)?;
    let strategy = m.field("strategy", Presence::Required, |v| match v {
        PyValue::Str(s) if s == "overlap" => Ok(DistributionStrategy::Overlap),
        _ => Err(Problem::new(
            "literal_error",
            "Input should be <DatasetDistributionStrategy.overlap: 'overlap'>",
        )),
    });
    let min_submitted = m.int(
        "min_submitted",
        Presence::Required,
        Bounds {
            ge: Some(1),
            ..Bounds::default()
        },
    );
    m.finish()?;
    match (strategy, min_submitted) {
        (Field::Value(strategy), Field::Value(min_submitted)) => Ok(Distribution {
            strategy,
            min_submitted,
        }),
        _ => Err(Vec::new()),
    }
}

/// `?workspace_id=&name=&status=`: each optional, exact, the last value given counting.
#[derive(Debug)]
pub struct DatasetsQuery;

impl DatasetsQuery {
    pub fn validate(query: &[(String, String)]) -> Result<DatasetFilter, Vec<ErrorItem2>> {
        let at = |name: &str| vec!["query".into(), name.into()];
        let mut errors = Vec::new();
        let mut filter = DatasetFilter::default();
        if let Some(id) = last_value(query, "workspace_id") {
            match parse_uuid2(id) {
                Ok(id) => filter.workspace_id = Some(id.hyphenated().to_string()),
                Err(problem) => errors.push(problem.at(at("workspace_id"))),
            }
        }
        filter.name = last_value(query, "name").cloned();
        if let Some(status) = last_value(query, "status") {
            match enum_value(&PyValue::Str(status.clone()), &DatasetStatus::VALUES) {
                Ok(status) => filter.status = DatasetStatus::parse(status),
                Err(problem) => errors.push(problem.at(at("status"))),
            }
        }
        if errors.is_empty() {
            Ok(filter)
        } else {
            Err(errors)
        }
    }
}
