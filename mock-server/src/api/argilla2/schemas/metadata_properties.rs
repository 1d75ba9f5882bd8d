//! `MetadataPropertyCreate` and `MetadataPropertyUpdate` (`argilla-2x-datasets-api.md` §3.9).

use super::{model, NAME, TITLE};
use crate::extract::JsonBody;
use crate::models::datasets::{MetadataKind, MetadataSettings};
use crate::python::json::PyValue;
use crate::python::py_float_repr;
use crate::python::pydantic2::{
    child, float_value, int_value, list_items, tagged, Bounds, ErrorItem2, Field, Loc, Presence,
    Problem,
};

/// How many terms a terms property may allow.
const TERMS_MAX: usize = 250;

/// A new metadata property, as the body gives it.
#[derive(Debug)]
pub struct MetadataPropertyCreate {
    pub name: String,
    pub title: String,
    pub settings: MetadataSettings,
    pub visible_for_annotators: bool,
}

impl MetadataPropertyCreate {
    pub fn validate(body: &JsonBody) -> Result<MetadataPropertyCreate, Vec<ErrorItem2>> {
        let mut m = model(body)?;
        let name = m.str("name", Presence::Required, NAME);
        let title = m.str("title", Presence::Required, TITLE);
        let settings = m.nested("settings", Presence::Required, settings);
        let visible = m.bool("visible_for_annotators", Presence::Defaulted);
        m.finish()?;
        match (name, title, settings) {
            (Field::Value(name), Field::Value(title), Field::Value(settings)) => {
                Ok(MetadataPropertyCreate {
                    name,
                    title,
                    settings,
                    visible_for_annotators: visible.or(true),
                })
            }
            _ => Err(Vec::new()),
        }
    }
}

fn settings(value: &PyValue, loc: Loc) -> Result<MetadataSettings, Vec<ErrorItem2>> {
    let (kind, mut m) = tagged(
        value,
        &loc,
        &MetadataKind::ALL,
        MetadataKind::as_str,
        "MetadataPropertyType",
    )?;
    let at = child(&loc, kind.as_str());
    let settings = match kind {
        MetadataKind::Terms => {
            let values = m.nested("values", Presence::Optional, |v, loc| {
                list_items(v, &loc, (1, Some(TERMS_MAX)), |item, _| Ok(item.to_json()))
            });
            match values {
                Field::Invalid => Field::Invalid,
                values => Field::Value(MetadataSettings::Terms {
                    values: values.value(),
                }),
            }
        }
        MetadataKind::Integer => {
            let min = m.field("min", Presence::Optional, |v| {
                int_value(v, Bounds::default())
            });
            let max = m.field("max", Presence::Optional, |v| {
                int_value(v, Bounds::default())
            });
            bounded(min, max, |min, max| MetadataSettings::Integer { min, max })
        }
        MetadataKind::Float => {
            let min = m.field("min", Presence::Optional, |v| {
                float_value(v, Bounds::default())
            });
            let max = m.field("max", Presence::Optional, |v| {
                float_value(v, Bounds::default())
            });
            bounded(min, max, |min, max| MetadataSettings::Float { min, max })
        }
    };
    m.finish()?;
    let settings = settings.value().ok_or_else(Vec::new)?;
    // `NumericMetadataProperty.check_bounds`, once both bounds are valid.
    let bounds = match &settings {
        MetadataSettings::Integer {
            min: Some(min),
            max: Some(max),
        } if min >= max => Some((min.to_string(), max.to_string())),
        MetadataSettings::Float {
            min: Some(min),
            max: Some(max),
        } if min >= max => Some((py_float_repr(*min), py_float_repr(*max))),
        _ => None,
    };
    if let Some((min, max)) = bounds {
        let message = format!("'min' ({min}) must be lower than 'max' ({max})");
        return Err(vec![Problem::value_error(message).at(at)]);
    }
    Ok(settings)
}

/// The settings of `min` and `max`, once both are valid (or absent).
fn bounded<N>(
    min: Field<N>,
    max: Field<N>,
    make: impl FnOnce(Option<N>, Option<N>) -> MetadataSettings,
) -> Field<MetadataSettings> {
    if min.is_invalid() || max.is_invalid() {
        return Field::Invalid;
    }
    Field::Value(make(min.value(), max.value()))
}

/// A metadata property PATCH. The real server recomputes who may see the property from the
/// request: `visible_for_annotators` left out means not visible (`contexts/datasets.py`).
#[derive(Debug)]
pub struct MetadataPropertyUpdate {
    pub title: Option<String>,
    pub visible_for_annotators: bool,
}

impl MetadataPropertyUpdate {
    pub fn validate(body: &JsonBody) -> Result<MetadataPropertyUpdate, Vec<ErrorItem2>> {
        let mut m = model(body)?;
        m.non_null(&["title", "visible_for_annotators"])?;
        let title = m.str("title", Presence::Optional, TITLE);
        let visible = m.bool("visible_for_annotators", Presence::Optional);
        m.finish()?;
        Ok(MetadataPropertyUpdate {
            title: title.value(),
            visible_for_annotators: visible.or(false),
        })
    }
}
