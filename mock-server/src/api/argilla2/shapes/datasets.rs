//! Datasets and their settings (`argilla-2x-datasets-api.md` §2).

use serde::Serialize;
use serde_json::{Map, Value};

use super::as_pydantic;
use crate::models::datasets::{
    self as models, DatasetStatus, Distribution, FieldSettings, MetadataSettings, QuestionSettings,
};

#[derive(Debug, Serialize)]
pub struct Dataset<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub guidelines: Option<&'a str>,
    pub allow_extra_metadata: bool,
    pub status: DatasetStatus,
    pub distribution: &'a Distribution,
    pub metadata: Option<&'a Map<String, Value>>,
    pub workspace_id: &'a str,
    pub last_activity_at: String,
    pub inserted_at: String,
    pub updated_at: String,
}

impl<'a> From<&'a models::Dataset> for Dataset<'a> {
    fn from(d: &'a models::Dataset) -> Dataset<'a> {
        Dataset {
            id: &d.id,
            name: &d.name,
            guidelines: d.guidelines.as_deref(),
            allow_extra_metadata: d.allow_extra_metadata,
            status: d.status,
            distribution: &d.distribution.0,
            metadata: d.metadata.as_ref().map(|m| &m.0),
            workspace_id: &d.workspace_id,
            last_activity_at: as_pydantic(&d.last_activity_at),
            inserted_at: as_pydantic(&d.inserted_at),
            updated_at: as_pydantic(&d.updated_at),
        }
    }
}

#[derive(Debug, Serialize)]
pub struct Field<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub title: &'a str,
    pub required: bool,
    pub settings: &'a FieldSettings,
    pub dataset_id: &'a str,
    pub inserted_at: String,
    pub updated_at: String,
}

impl<'a> From<&'a models::Field> for Field<'a> {
    fn from(f: &'a models::Field) -> Field<'a> {
        Field {
            id: &f.id,
            name: &f.name,
            title: &f.title,
            required: f.required,
            settings: &f.settings.0,
            dataset_id: &f.dataset_id,
            inserted_at: as_pydantic(&f.inserted_at),
            updated_at: as_pydantic(&f.updated_at),
        }
    }
}

#[derive(Debug, Serialize)]
pub struct Question<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub title: &'a str,
    pub description: Option<&'a str>,
    pub required: bool,
    pub settings: &'a QuestionSettings,
    pub dataset_id: &'a str,
    pub inserted_at: String,
    pub updated_at: String,
}

impl<'a> From<&'a models::Question> for Question<'a> {
    fn from(q: &'a models::Question) -> Question<'a> {
        Question {
            id: &q.id,
            name: &q.name,
            title: &q.title,
            description: q.description.as_deref(),
            required: q.required,
            settings: &q.settings.0,
            dataset_id: &q.dataset_id,
            inserted_at: as_pydantic(&q.inserted_at),
            updated_at: as_pydantic(&q.updated_at),
        }
    }
}

#[derive(Debug, Serialize)]
pub struct MetadataProperty<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub title: &'a str,
    pub settings: &'a MetadataSettings,
    pub visible_for_annotators: bool,
    pub dataset_id: &'a str,
    pub inserted_at: String,
    pub updated_at: String,
}

impl<'a> From<&'a models::MetadataProperty> for MetadataProperty<'a> {
    fn from(p: &'a models::MetadataProperty) -> MetadataProperty<'a> {
        MetadataProperty {
            id: &p.id,
            name: &p.name,
            title: &p.title,
            settings: &p.settings.0,
            visible_for_annotators: p.visible_for_annotators,
            dataset_id: &p.dataset_id,
            inserted_at: as_pydantic(&p.inserted_at),
            updated_at: as_pydantic(&p.updated_at),
        }
    }
}

#[derive(Debug, Serialize)]
pub struct VectorSettings<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub title: &'a str,
    pub dimensions: i64,
    pub dataset_id: &'a str,
    pub inserted_at: String,
    pub updated_at: String,
}

impl<'a> From<&'a models::VectorSettings> for VectorSettings<'a> {
    fn from(v: &'a models::VectorSettings) -> VectorSettings<'a> {
        VectorSettings {
            id: &v.id,
            name: &v.name,
            title: &v.title,
            dimensions: v.dimensions,
            dataset_id: &v.dataset_id,
            inserted_at: as_pydantic(&v.inserted_at),
            updated_at: as_pydantic(&v.updated_at),
        }
    }
}
