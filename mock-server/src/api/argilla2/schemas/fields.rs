//! `FieldCreate` and `FieldUpdate` (`argilla-2x-datasets-api.md` §3.7).

use super::{model, NAME, TITLE};
use crate::extract::JsonBody;
use crate::models::datasets::{FieldKind, FieldSettings};
use crate::python::json::PyValue;
use crate::python::pydantic2::{tagged, ErrorItem2, Field, Loc, Presence, Str2};

/// A new field, as the body gives it (`required` omitted or null: not required).
#[derive(Debug)]
pub struct FieldCreate {
    pub name: String,
    pub title: String,
    pub required: bool,
    pub settings: FieldSettings,
}

impl FieldCreate {
    pub fn validate(body: &JsonBody) -> Result<FieldCreate, Vec<ErrorItem2>> {
        let mut m = model(body)?;
        let name = m.str("name", Presence::Required, NAME);
        let title = m.str("title", Presence::Required, TITLE);
        let required = m.bool("required", Presence::Optional);
        let settings = m.nested("settings", Presence::Required, |v, loc| {
            settings(v, loc, Mode::Create)
        });
        m.finish()?;
        match (name, title, settings) {
            (Field::Value(name), Field::Value(title), Field::Value(settings)) => Ok(FieldCreate {
                name,
                title,
                required: required.or(false),
                settings,
            }),
            _ => Err(Vec::new()),
        }
    }
}

/// A field PATCH: a new title and whole new settings (of the same type), each optional.
/// `name` and `required` are not updatable: sent, they are ignored.
#[derive(Debug)]
pub struct FieldUpdate {
    pub title: Option<String>,
    pub settings: Option<FieldSettings>,
}

impl FieldUpdate {
    pub fn validate(body: &JsonBody) -> Result<FieldUpdate, Vec<ErrorItem2>> {
        let mut m = model(body)?;
        m.non_null(&["title", "settings"])?;
        let title = m.str("title", Presence::Optional, TITLE);
        let settings = m.nested("settings", Presence::Optional, |v, loc| {
            settings(v, loc, Mode::Update)
        });
        m.finish()?;
        Ok(FieldUpdate {
            title: title.value(),
            settings: settings.value(),
        })
    }
}

/// Whether settings are a create's (with defaults) or an update's (every key required).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Create,
    Update,
}

fn settings(value: &PyValue, loc: Loc, mode: Mode) -> Result<FieldSettings, Vec<ErrorItem2>> {
    let (kind, mut m) = tagged(value, &loc, &FieldKind::ALL, FieldKind::as_str, "FieldType")?;
    let with_default = match mode {
        Mode::Create => Presence::Defaulted,
        Mode::Update => Presence::Required,
    };
    let settings = match kind {
        FieldKind::Text => m
            .bool("use_markdown", with_default)
            .or_default(false)
            .map(|use_markdown| FieldSettings::Text { use_markdown }),
        FieldKind::Image => Field::Value(FieldSettings::Image),
        FieldKind::Chat => m
            .bool("use_markdown", with_default)
            .or_default(true)
            .map(|use_markdown| FieldSettings::Chat { use_markdown }),
        FieldKind::Custom => {
            let template = m.str("template", Presence::Required, Str2::default());
            let advanced_mode = m.bool("advanced_mode", with_default).or_default(false);
            match (template, advanced_mode) {
                (Field::Value(template), Field::Value(advanced_mode)) => {
                    Field::Value(FieldSettings::Custom {
                        template,
                        advanced_mode,
                    })
                }
                _ => Field::Invalid,
            }
        }
    };
    m.finish()?;
    settings.value().ok_or_else(Vec::new)
}
