//! `VectorSettingsCreate` and `VectorSettingsUpdate` (`argilla-2x-datasets-api.md` §3.10).

use super::{model, NAME, TITLE};
use crate::extract::JsonBody;
use crate::python::pydantic2::{Bounds, ErrorItem2, Field, Presence};

/// New vector settings, as the body gives them.
#[derive(Debug)]
pub struct VectorSettingsCreate {
    pub name: String,
    pub title: String,
    pub dimensions: i64,
}

impl VectorSettingsCreate {
    pub fn validate(body: &JsonBody) -> Result<VectorSettingsCreate, Vec<ErrorItem2>> {
        let mut m = model(body)?;
        let name = m.str("name", Presence::Required, NAME);
        let title = m.str("title", Presence::Required, TITLE);
        let positive = Bounds {
            gt: Some(0),
            ..Bounds::default()
        };
        let dimensions = m.int("dimensions", Presence::Required, positive);
        m.finish()?;
        match (name, title, dimensions) {
            (Field::Value(name), Field::Value(title), Field::Value(dimensions)) => {
                Ok(VectorSettingsCreate {
                    name,
                    title,
                    dimensions,
                })
            }
            _ => Err(Vec::new()),
        }
    }
}

/// A vector settings PATCH: only the title changes, and it must be given (`Optional` without a
/// default is required in pydantic 2).
#[derive(Debug)]
pub struct VectorSettingsUpdate {
    pub title: String,
}

impl VectorSettingsUpdate {
    pub fn validate(body: &JsonBody) -> Result<VectorSettingsUpdate, Vec<ErrorItem2>> {
        let mut m = model(body)?;
        m.non_null(&["title"])?;
        let title = m.str("title", Presence::Required, TITLE);
        m.finish()?;
        title
            .value()
            .map(|title| VectorSettingsUpdate { title })
            .ok_or_else(Vec::new)
    }
}
