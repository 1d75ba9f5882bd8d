//! Argilla 2.x datasets and their settings (fields, questions, metadata properties, vectors),
//! as storage keeps and returns them.
//!
//! Settings are typed per kind; their JSON form (serde) is what the settings column holds, and
//! it is also the form argilla-server 2.8 shows (`argilla-2x-datasets-api.md` §2): tag first,
//! keys in the real server's order.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use sqlx::types::Json;

/// A dataset's life: a draft until published, then ready for good.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DatasetStatus {
    Draft,
    Ready,
}

impl DatasetStatus {
    pub const VALUES: [&'static str; 2] =
        [DatasetStatus::Draft.as_str(), DatasetStatus::Ready.as_str()];

    pub const fn as_str(self) -> &'static str {
        match self {
            DatasetStatus::Draft => "draft",
            DatasetStatus::Ready => "ready",
        }
    }

    pub fn parse(s: &str) -> Option<DatasetStatus> {
        [DatasetStatus::Draft, DatasetStatus::Ready]
            .into_iter()
            .find(|status| status.as_str() == s)
    }
}

impl TryFrom<String> for DatasetStatus {
    type Error = String;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        DatasetStatus::parse(&s).ok_or_else(|| format!("unknown dataset status {s:?}"))
    }
}

/// How records are handed out: every annotator sees every record ("overlap", the only strategy
/// of 2.8) until `min_submitted` responses are submitted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Distribution {
    pub strategy: DistributionStrategy,
    pub min_submitted: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DistributionStrategy {
    Overlap,
}

impl Distribution {
    /// The server's default: overlap, one submitted response completes a record.
    pub const DEFAULT: Distribution = Distribution {
        strategy: DistributionStrategy::Overlap,
        min_submitted: 1,
    };
}

/// A row of `datasets`.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Dataset {
    pub id: String,
    pub name: String,
    pub guidelines: Option<String>,
    pub allow_extra_metadata: bool,
    #[sqlx(try_from = "String")]
    pub status: DatasetStatus,
    pub distribution: Json<Distribution>,
    pub metadata: Option<Json<Map<String, Value>>>,
    pub workspace_id: String,
    pub last_activity_at: String,
    pub inserted_at: String,
    pub updated_at: String,
}

impl Dataset {
    pub fn is_ready(&self) -> bool {
        self.status == DatasetStatus::Ready
    }
}

/// A row of `fields`: what a record shows.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Field {
    pub id: String,
    pub name: String,
    pub title: String,
    pub required: bool,
    pub settings: Json<FieldSettings>,
    pub dataset_id: String,
    pub inserted_at: String,
    pub updated_at: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum FieldSettings {
    Text {
        use_markdown: bool,
    },
    Image,
    Chat {
        use_markdown: bool,
    },
    Custom {
        template: String,
        advanced_mode: bool,
    },
}

impl FieldSettings {
    pub fn kind(&self) -> FieldKind {
        match self {
            FieldSettings::Text { .. } => FieldKind::Text,
            FieldSettings::Image => FieldKind::Image,
            FieldSettings::Chat { .. } => FieldKind::Chat,
            FieldSettings::Custom { .. } => FieldKind::Custom,
        }
    }
}

/// The field types, in the real server's enum order (validation messages list them so).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    Text,
    Image,
    Chat,
    Custom,
}

impl FieldKind {
    pub const ALL: [FieldKind; 4] = [
        FieldKind::Text,
        FieldKind::Image,
        FieldKind::Chat,
        FieldKind::Custom,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            FieldKind::Text => "text",
            FieldKind::Image => "image",
            FieldKind::Chat => "chat",
            FieldKind::Custom => "custom",
        }
    }
}

/// A row of `questions`: what annotators answer.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Question {
    pub id: String,
    pub name: String,
    pub title: String,
    pub description: Option<String>,
    pub required: bool,
    pub settings: Json<QuestionSettings>,
    pub dataset_id: String,
    pub inserted_at: String,
    pub updated_at: String,
}

/// A label, ranking or span option.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LabelOption {
    pub value: String,
    pub text: String,
    pub description: Option<String>,
}

/// A rating option: just its value (0..=10).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RatingOption {
    pub value: i64,
}

/// In which order a multi-label question shows its labels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OptionsOrder {
    Natural,
    Suggestion,
}

impl OptionsOrder {
    pub const VALUES: [&'static str; 2] = ["natural", "suggestion"];

    pub fn parse(s: &str) -> Option<OptionsOrder> {
        match s {
            "natural" => Some(OptionsOrder::Natural),
            "suggestion" => Some(OptionsOrder::Suggestion),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum QuestionSettings {
    Text {
        use_markdown: bool,
    },
    Rating {
        options: Vec<RatingOption>,
    },
    LabelSelection {
        options: Vec<LabelOption>,
        visible_options: Option<i64>,
    },
    MultiLabelSelection {
        options: Vec<LabelOption>,
        visible_options: Option<i64>,
        options_order: OptionsOrder,
    },
    Ranking {
        options: Vec<LabelOption>,
    },
    Span {
        field: String,
        options: Vec<LabelOption>,
        visible_options: Option<i64>,
        allow_overlapping: bool,
        /// Read-only, always true in 2.8.
        allow_character_annotation: bool,
    },
}

impl QuestionSettings {
    pub fn kind(&self) -> QuestionKind {
        match self {
            QuestionSettings::Text { .. } => QuestionKind::Text,
            QuestionSettings::Rating { .. } => QuestionKind::Rating,
            QuestionSettings::LabelSelection { .. } => QuestionKind::LabelSelection,
            QuestionSettings::MultiLabelSelection { .. } => QuestionKind::MultiLabelSelection,
            QuestionSettings::Ranking { .. } => QuestionKind::Ranking,
            QuestionSettings::Span { .. } => QuestionKind::Span,
        }
    }

    /// The label options of a label, multi-label, ranking or span question.
    pub fn label_options(&self) -> Option<&[LabelOption]> {
        match self {
            QuestionSettings::LabelSelection { options, .. }
            | QuestionSettings::MultiLabelSelection { options, .. }
            | QuestionSettings::Ranking { options }
            | QuestionSettings::Span { options, .. } => Some(options),
            QuestionSettings::Text { .. } | QuestionSettings::Rating { .. } => None,
        }
    }

    /// How many options it has (rating values or labels).
    pub fn option_count(&self) -> usize {
        match self {
            QuestionSettings::Rating { options } => options.len(),
            other => other.label_options().map_or(0, <[LabelOption]>::len),
        }
    }
}

/// The question types, in the real server's enum order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuestionKind {
    Text,
    Rating,
    LabelSelection,
    MultiLabelSelection,
    Ranking,
    Span,
}

impl QuestionKind {
    pub const ALL: [QuestionKind; 6] = [
        QuestionKind::Text,
        QuestionKind::Rating,
        QuestionKind::LabelSelection,
        QuestionKind::MultiLabelSelection,
        QuestionKind::Ranking,
        QuestionKind::Span,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            QuestionKind::Text => "text",
            QuestionKind::Rating => "rating",
            QuestionKind::LabelSelection => "label_selection",
            QuestionKind::MultiLabelSelection => "multi_label_selection",
            QuestionKind::Ranking => "ranking",
            QuestionKind::Span => "span",
        }
    }
}

/// A row of `metadata_properties`: a typed metadata key records may carry.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct MetadataProperty {
    pub id: String,
    pub name: String,
    pub title: String,
    pub settings: Json<MetadataSettings>,
    /// Whether annotators see it (the real server stores the roles allowed: admin and
    /// annotator, or admin alone).
    pub visible_for_annotators: bool,
    pub dataset_id: String,
    pub inserted_at: String,
    pub updated_at: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum MetadataSettings {
    /// `values`: the allowed terms, any JSON values (none: any term).
    Terms {
        values: Option<Vec<Value>>,
    },
    Integer {
        min: Option<i64>,
        max: Option<i64>,
    },
    Float {
        min: Option<f64>,
        max: Option<f64>,
    },
}

impl MetadataSettings {
    pub fn kind(&self) -> MetadataKind {
        match self {
            MetadataSettings::Terms { .. } => MetadataKind::Terms,
            MetadataSettings::Integer { .. } => MetadataKind::Integer,
            MetadataSettings::Float { .. } => MetadataKind::Float,
        }
    }
}

/// The metadata property types, in the real server's enum order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MetadataKind {
    Terms,
    Integer,
    Float,
}

impl MetadataKind {
    pub const ALL: [MetadataKind; 3] = [
        MetadataKind::Terms,
        MetadataKind::Integer,
        MetadataKind::Float,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            MetadataKind::Terms => "terms",
            MetadataKind::Integer => "integer",
            MetadataKind::Float => "float",
        }
    }
}

/// A row of `vectors_settings`: a named vector space records may have a vector in.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct VectorSettings {
    pub id: String,
    pub name: String,
    pub title: String,
    pub dimensions: i64,
    pub dataset_id: String,
    pub inserted_at: String,
    pub updated_at: String,
}

/// A dataset with all its settings: what a record is checked against.
#[derive(Debug, Clone)]
pub struct DatasetSettings {
    pub dataset: Dataset,
    /// Each kind oldest first.
    pub fields: Vec<Field>,
    pub questions: Vec<Question>,
    pub metadata_properties: Vec<MetadataProperty>,
    pub vectors_settings: Vec<VectorSettings>,
}

impl DatasetSettings {
    pub fn field(&self, name: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.name == name)
    }

    pub fn question(&self, name: &str) -> Option<&Question> {
        self.questions.iter().find(|q| q.name == name)
    }

    pub fn question_by_id(&self, id: &str) -> Option<&Question> {
        self.questions.iter().find(|q| q.id == id)
    }

    pub fn metadata_property(&self, name: &str) -> Option<&MetadataProperty> {
        self.metadata_properties.iter().find(|p| p.name == name)
    }

    pub fn vector_settings(&self, name: &str) -> Option<&VectorSettings> {
        self.vectors_settings.iter().find(|v| v.name == name)
    }
}
