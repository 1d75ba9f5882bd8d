//! `QuestionCreate` and `QuestionUpdate`, and how an update's settings apply to stored ones
//! (`argilla-2x-datasets-api.md` §3.8; argilla-server's `validators/questions.py`).

use super::{model, DESCRIPTION, NAME, TITLE};
use crate::extract::JsonBody;
use crate::models::datasets::{
    LabelOption, OptionsOrder, QuestionKind, QuestionSettings, RatingOption,
};
use crate::python::json::PyValue;
use crate::python::pydantic2::{
    child, list_items, tagged, Bounds, ErrorItem2, Field, Loc, Model2, Presence, Problem, Str2,
};
use crate::python::repr::{py_list_repr, py_repr, py_set_repr};

/// The most labels a label or multi-label question may have
/// (`ARGILLA_LABEL_SELECTION_OPTIONS_MAX_ITEMS`), and a span question (`…SPAN_OPTIONS…`).
const LABEL_OPTIONS_MAX: usize = 500;
const SPAN_OPTIONS_MAX: usize = 500;
const RANKING_OPTIONS_MAX: usize = 50;
const RATING_OPTIONS_MAX: usize = 11;
/// `visible_options`, when set, shows at least this many.
const MIN_VISIBLE_OPTIONS: i64 = 3;

/// A new question, as the body gives it (`required` omitted or null: not required).
#[derive(Debug)]
pub struct QuestionCreate {
    pub name: String,
    pub title: String,
    pub description: Option<String>,
    pub required: bool,
    pub settings: QuestionSettings,
}

impl QuestionCreate {
    pub fn validate(body: &JsonBody) -> Result<QuestionCreate, Vec<ErrorItem2>> {
        let mut m = model(body)?;
        let name = m.str("name", Presence::Required, NAME);
        let title = m.str("title", Presence::Required, TITLE);
        let description = m.str("description", Presence::Optional, DESCRIPTION);
        let required = m.bool("required", Presence::Optional);
        let settings = m.nested("settings", Presence::Required, create_settings);
        m.finish()?;
        match (name, title, settings) {
            (Field::Value(name), Field::Value(title), Field::Value(settings)) => {
                Ok(QuestionCreate {
                    name,
                    title,
                    description: description.value(),
                    required: required.or(false),
                    settings,
                })
            }
            _ => Err(Vec::new()),
        }
    }
}

fn create_settings(value: &PyValue, loc: Loc) -> Result<QuestionSettings, Vec<ErrorItem2>> {
    let (kind, mut m) = tagged(
        value,
        &loc,
        &QuestionKind::ALL,
        QuestionKind::as_str,
        "QuestionType",
    )?;
    let at = child(&loc, kind.as_str());
    let settings = match kind {
        QuestionKind::Text => m
            .bool("use_markdown", Presence::Defaulted)
            .or_default(false)
            .map(|use_markdown| QuestionSettings::Text { use_markdown }),
        QuestionKind::Rating => m
            .nested("options", Presence::Required, |v, loc| {
                list_items(v, &loc, (2, Some(RATING_OPTIONS_MAX)), rating_option)
            })
            .map(|options| QuestionSettings::Rating { options }),
        QuestionKind::LabelSelection | QuestionKind::MultiLabelSelection => {
            let options = labels(
                &mut m,
                Presence::Required,
                (2, LABEL_OPTIONS_MAX),
                Rules::Create,
            );
            let visible_options = visible_options(&mut m);
            let order = match kind {
                QuestionKind::MultiLabelSelection => m
                    .one_of("options_order", Presence::Defaulted, &OptionsOrder::VALUES)
                    .or_default("natural")
                    .map(|o| OptionsOrder::parse(o).unwrap_or(OptionsOrder::Natural)),
                _ => Field::Value(OptionsOrder::Natural),
            };
            match (options, visible_options, order) {
                (Field::Value(options), visible, Field::Value(options_order))
                    if !visible.is_invalid() =>
                {
                    Field::Value(match kind {
                        QuestionKind::LabelSelection => QuestionSettings::LabelSelection {
                            options,
                            visible_options: visible.value(),
                        },
                        _ => QuestionSettings::MultiLabelSelection {
                            options,
                            visible_options: visible.value(),
                            options_order,
                        },
                    })
                }
                _ => Field::Invalid,
            }
        }
        QuestionKind::Ranking => labels(
            &mut m,
            Presence::Required,
            (2, RANKING_OPTIONS_MAX),
            Rules::Create,
        )
        .map(|options| QuestionSettings::Ranking { options }),
        QuestionKind::Span => {
            let field = m.str("field", Presence::Required, NAME);
            let options = labels(
                &mut m,
                Presence::Required,
                (1, SPAN_OPTIONS_MAX),
                Rules::Create,
            );
            let visible = visible_options(&mut m);
            let overlapping = m
                .bool("allow_overlapping", Presence::Defaulted)
                .or_default(false);
            match (field, options, visible, overlapping) {
                (Field::Value(field), Field::Value(options), visible, Field::Value(overlap))
                    if !visible.is_invalid() =>
                {
                    Field::Value(QuestionSettings::Span {
                        field,
                        options,
                        visible_options: visible.value(),
                        allow_overlapping: overlap,
                        allow_character_annotation: true,
                    })
                }
                _ => Field::Invalid,
            }
        }
    };
    m.finish()?;
    let settings = settings.value().ok_or_else(Vec::new)?;
    // The models' `after` validators: they run once every field is valid.
    unique_values(&settings)
        .and_then(|()| visible_within(&settings))
        .map_err(|problem| vec![problem.at(at)])?;
    Ok(settings)
}

fn rating_option(value: &PyValue, loc: Loc) -> Result<RatingOption, Vec<ErrorItem2>> {
    let mut m = Model2::at(value, loc)?;
    let bounds = Bounds {
        ge: Some(0),
        le: Some(10),
        ..Bounds::default()
    };
    let value = m.int("value", Presence::Required, bounds);
    m.finish()?;
    value
        .value()
        .map(|value| RatingOption { value })
        .ok_or_else(Vec::new)
}

/// How strictly label options are checked: a create's have lengths, an update's none.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rules {
    Create,
    Update,
}

/// The `options` of a label, multi-label, ranking or span question.
fn labels(
    m: &mut Model2<'_>,
    presence: Presence,
    (min, max): (usize, usize),
    rules: Rules,
) -> Field<Vec<LabelOption>> {
    m.nested("options", presence, |v, loc| {
        list_items(v, &loc, (min, Some(max)), |item, loc| {
            label_option(item, loc, rules)
        })
    })
}

fn label_option(value: &PyValue, loc: Loc, rules: Rules) -> Result<LabelOption, Vec<ErrorItem2>> {
    let (value_rules, text_rules, description_rules) = match rules {
        Rules::Create => (Str2::length(1, 200), Str2::length(1, 500), DESCRIPTION),
        Rules::Update => (Str2::default(), Str2::default(), Str2::default()),
    };
    let mut m = Model2::at(value, loc)?;
    let value = m.str("value", Presence::Required, value_rules);
    let text = m.str("text", Presence::Required, text_rules);
    let description = m.str("description", Presence::Optional, description_rules);
    m.finish()?;
    match (value, text) {
        (Field::Value(value), Field::Value(text)) => Ok(LabelOption {
            value,
            text,
            description: description.value(),
        }),
        _ => Err(Vec::new()),
    }
}

/// `visible_options`: `null`, or an integer of at least [`MIN_VISIBLE_OPTIONS`].
fn visible_options(m: &mut Model2<'_>) -> Field<i64> {
    let bounds = Bounds {
        ge: Some(MIN_VISIBLE_OPTIONS),
        ..Bounds::default()
    };
    m.int("visible_options", Presence::Optional, bounds)
}

/// `Option values must be unique, found duplicates: {…}`.
fn unique_values(settings: &QuestionSettings) -> Result<(), Problem> {
    let reprs: Vec<String> = match settings {
        QuestionSettings::Rating { options } => {
            options.iter().map(|o| o.value.to_string()).collect()
        }
        other => (other.label_options().unwrap_or_default().iter())
            .map(|o| py_repr(&o.value))
            .collect(),
    };
    let mut duplicates: Vec<String> = Vec::new();
    for (i, repr) in reprs.iter().enumerate() {
        if reprs[..i].contains(repr) && !duplicates.contains(repr) {
            duplicates.push(repr.clone());
        }
    }
    if duplicates.is_empty() {
        Ok(())
    } else {
        Err(Problem::value_error(format!(
            "Option values must be unique, found duplicates: {}",
            py_set_repr(&duplicates)
        )))
    }
}

fn visible_within(settings: &QuestionSettings) -> Result<(), Problem> {
    let visible = match settings {
        QuestionSettings::LabelSelection {
            visible_options, ..
        }
        | QuestionSettings::MultiLabelSelection {
            visible_options, ..
        }
        | QuestionSettings::Span {
            visible_options, ..
        } => *visible_options,
        _ => None,
    };
    match visible {
        Some(visible) if visible > settings.option_count() as i64 => Err(Problem::value_error(
            too_many_visible(settings.option_count()),
        )),
        _ => Ok(()),
    }
}

fn too_many_visible(options: usize) -> String {
    format!(
        "the value for 'visible_options' must be less or equal to the number of items in 'options' ({options})"
    )
}

/// A question PATCH: each part optional; `name` and `required` are not updatable.
#[derive(Debug)]
pub struct QuestionUpdate {
    pub title: Option<String>,
    /// `Some(None)` clears it.
    pub description: Option<Option<String>>,
    pub settings: Option<SettingsUpdate>,
}

impl QuestionUpdate {
    pub fn validate(body: &JsonBody) -> Result<QuestionUpdate, Vec<ErrorItem2>> {
        let mut m = model(body)?;
        m.non_null(&["title", "settings"])?;
        let title = m.str("title", Presence::Optional, TITLE);
        let description = m.str("description", Presence::Optional, DESCRIPTION);
        let settings = m.nested("settings", Presence::Optional, update_settings);
        m.finish()?;
        Ok(QuestionUpdate {
            title: title.value(),
            description: description.patch(),
            settings: settings.value(),
        })
    }
}

/// The settings of a question PATCH: the type (which may not change) and what that type lets
/// one change. Rating and ranking questions change nothing (their `options` are ignored).
#[derive(Debug)]
pub struct SettingsUpdate {
    pub kind: QuestionKind,
    pub use_markdown: Option<bool>,
    pub options: Option<Vec<LabelOption>>,
    /// `Some(None)` clears it.
    pub visible_options: Option<Option<i64>>,
    pub options_order: Option<OptionsOrder>,
    pub allow_overlapping: Option<bool>,
}

fn update_settings(value: &PyValue, loc: Loc) -> Result<SettingsUpdate, Vec<ErrorItem2>> {
    let (kind, mut m) = tagged(
        value,
        &loc,
        &QuestionKind::ALL,
        QuestionKind::as_str,
        "QuestionType",
    )?;
    let mut update = SettingsUpdate {
        kind,
        use_markdown: None,
        options: None,
        visible_options: None,
        options_order: None,
        allow_overlapping: None,
    };
    match kind {
        QuestionKind::Text => {
            m.non_null(&["use_markdown"])?;
            update.use_markdown = m.bool("use_markdown", Presence::Optional).value();
        }
        QuestionKind::Rating | QuestionKind::Ranking => {}
        QuestionKind::LabelSelection | QuestionKind::MultiLabelSelection | QuestionKind::Span => {
            if kind == QuestionKind::MultiLabelSelection {
                m.non_null(&["options_order"])?;
            }
            let (min, max) = match kind {
                QuestionKind::Span => (1, SPAN_OPTIONS_MAX),
                _ => (2, LABEL_OPTIONS_MAX),
            };
            // Field order: span has options first; label and multi-label visible_options first.
            if kind == QuestionKind::Span {
                update.options =
                    labels(&mut m, Presence::Optional, (min, max), Rules::Update).value();
                update.visible_options = visible_options(&mut m).patch();
                update.allow_overlapping = m.bool("allow_overlapping", Presence::Optional).value();
            } else {
                update.visible_options = visible_options(&mut m).patch();
                update.options =
                    labels(&mut m, Presence::Optional, (min, max), Rules::Update).value();
                update.options_order = m
                    .one_of("options_order", Presence::Optional, &OptionsOrder::VALUES)
                    .value()
                    .and_then(OptionsOrder::parse);
            }
        }
    }
    m.finish()?;
    Ok(update)
}

impl SettingsUpdate {
    /// `stored` with this update merged in, or the real server's refusal (a plain 422), checked
    /// in its order: type, number of options, option values, visible options, span overlap.
    pub fn apply_to(&self, stored: &QuestionSettings) -> Result<QuestionSettings, String> {
        let stored_kind = stored.kind();
        if self.kind != stored_kind {
            return Err(format!(
                "question type cannot be changed. expected '{}' but got '{}'",
                stored_kind.as_str(),
                self.kind.as_str()
            ));
        }
        let has_labels = matches!(
            stored_kind,
            QuestionKind::LabelSelection | QuestionKind::MultiLabelSelection | QuestionKind::Span
        );
        if let (true, Some(options), Some(current)) =
            (has_labels, &self.options, stored.label_options())
        {
            if options.len() != current.len() {
                return Err(format!(
                    "the number of options cannot be modified. expected {} but got {}",
                    current.len(),
                    options.len()
                ));
            }
            let sorted = |list: &[LabelOption]| {
                let mut values: Vec<String> = list.iter().map(|o| o.value.clone()).collect();
                values.sort();
                values
            };
            let (before, after) = (sorted(current), sorted(options));
            let unexpected: Vec<&String> = (before.iter().zip(&after))
                .filter(|(was, now)| was != now)
                .map(|(_, now)| now)
                .collect();
            if !unexpected.is_empty() {
                return Err(format!(
                    "the option values cannot be modified. found unexpected option values: {}",
                    py_list_repr(&unexpected)
                ));
            }
        }
        if let (true, Some(Some(visible))) = (has_labels, self.visible_options) {
            if visible > stored.option_count() as i64 {
                return Err(too_many_visible(stored.option_count()));
            }
        }
        if let QuestionSettings::Span {
            allow_overlapping: true,
            ..
        } = stored
        {
            if self.allow_overlapping != Some(true) {
                return Err(
                    "'allow_overlapping' can't be disabled because responses may become inconsistent"
                        .into(),
                );
            }
        }
        Ok(self.merged_into(stored.clone()))
    }

    /// The sent keys written over the stored ones (the rest kept).
    fn merged_into(&self, mut settings: QuestionSettings) -> QuestionSettings {
        match &mut settings {
            QuestionSettings::Text { use_markdown } => {
                if let Some(new) = self.use_markdown {
                    *use_markdown = new;
                }
            }
            QuestionSettings::Rating { .. } | QuestionSettings::Ranking { .. } => {}
            QuestionSettings::LabelSelection {
                options,
                visible_options,
            } => {
                self.merge_labels(options, visible_options);
            }
            QuestionSettings::MultiLabelSelection {
                options,
                visible_options,
                options_order,
            } => {
                self.merge_labels(options, visible_options);
                if let Some(order) = self.options_order {
                    *options_order = order;
                }
            }
            QuestionSettings::Span {
                options,
                visible_options,
                allow_overlapping,
                ..
            } => {
                self.merge_labels(options, visible_options);
                if let Some(overlap) = self.allow_overlapping {
                    *allow_overlapping = overlap;
                }
            }
        }
        settings
    }

    fn merge_labels(&self, options: &mut Vec<LabelOption>, visible: &mut Option<i64>) {
        if let Some(new) = &self.options {
            options.clone_from(new);
        }
        if let Some(new) = self.visible_options {
            *visible = new;
        }
    }
}
