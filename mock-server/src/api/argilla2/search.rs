//! The record searches of Argilla 2.x (`argilla-2x-records-api.md` §4.2, §5): `POST
//! /me/datasets/{dataset_id}/records/search` (owner, any member; the caller's own responses,
//! the metadata the caller may see, a pseudo-random order of the caller's own) and `POST
//! /datasets/{dataset_id}/records/search` (owner, admin member; the one the SDK uses).

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, NaiveDate, NaiveDateTime};
use serde::Serialize;
use serde_json::{Map, Value};

use super::extract::{RecordsQuery, RecordsRequest};
use super::schemas::{search_body, FilterInput, OrderInput, RangeBound, ScopeInput, SearchBody};
use super::shapes;
use crate::api::bodies::json;
use crate::api::not_found::existing_dataset;
use crate::db::{
    text_match, AnswerIndex, Bound, Condition, LoadedRecord, RecordColumn, RecordSearch, SimilarTo,
    SortKey, SuggestionAttribute, Target, TextSearch,
};
use crate::error::{ApiError, ApiResult};
use crate::models::datasets::{DatasetSettings, MetadataSettings, QuestionSettings};
use crate::models::{Role, UserRecord, TIMESTAMP_FORMAT};
use crate::policy::{require_owner_or_admin_member, require_owner_or_member};
use crate::state::AppState;

/// The most hits a similarity search finds.
const SIMILARITY_MAX: i64 = 1000;

#[derive(Debug, Serialize)]
struct Hit<'a> {
    record: shapes::Record<'a>,
    query_score: Option<f64>,
}

#[derive(Debug, Serialize)]
struct Found<'a> {
    items: Vec<Hit<'a>>,
    total: i64,
}

/// `POST /me/datasets/{dataset_id}/records/search`: 422 include → 401 → 422 → 404 → 403
/// (owner, any member) → 422 query checks.
pub async fn mine(State(state): State<AppState>, request: RecordsRequest) -> ApiResult<Response> {
    search(state, request, Route::Mine).await
}

/// `POST /datasets/{dataset_id}/records/search`: as [`mine`], for the owner and the admins of
/// the workspace; every response and all metadata.
pub async fn all(State(state): State<AppState>, request: RecordsRequest) -> ApiResult<Response> {
    search(state, request, Route::All).await
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Route {
    Mine,
    All,
}

async fn search(state: AppState, request: RecordsRequest, route: Route) -> ApiResult<Response> {
    let RecordsQuery {
        caller,
        ids,
        include,
        page,
        body,
    } = request.validated(true, search_body)?;
    let dataset = existing_dataset(&state, &ids.id("dataset_id")?).await?;
    match route {
        Route::Mine => require_owner_or_member(&state, &caller, &dataset.workspace_id).await?,
        Route::All => require_owner_or_admin_member(&state, &caller, &dataset.workspace_id).await?,
    }
    let settings = state.db.dataset_settings(dataset).await?;
    check_scopes(&body, &settings)?;
    let user = (route == Route::Mine).then_some(caller.id.as_str());
    let mut search = RecordSearch {
        offset: page.offset,
        limit: page.limit,
        ..RecordSearch::default()
    };
    if let Some(vector) = &body.vector {
        search.similar = Some(similar_to(&state, &settings, vector, page).await?);
    }
    if let Some(text) = &body.text {
        let slot = match &text.field {
            None => 0,
            Some(name) => match settings.fields.iter().position(|f| f.name == *name) {
                Some(position) => 1 + position as i64,
                None => {
                    return Err(unprocessable(format!(
                        "Field `{name}` not found in dataset `{}`.",
                        settings.dataset.id
                    )))
                }
            },
        };
        search.text = Some(TextSearch {
            matching: text_match(&text.q),
            slot,
        });
    }
    for filter in body.filters.iter().flatten().flatten() {
        search.conditions.push(condition(filter, &settings, user)?);
    }
    if search.similar.is_none() {
        for order in body.sort.iter().flatten() {
            search.sort.push(sort_key(order, &settings, user)?);
        }
        if search.sort.is_empty() && route == Route::Mine {
            search.shuffle = Some(seed_of(&caller.id));
        }
    }
    let past_the_nearest = (search.similar.as_ref()).is_some_and(|s| page.offset >= s.k);
    // A draft has no index to search.
    let hits = if settings.dataset.is_ready() && !past_the_nearest {
        state
            .db
            .search_records(&settings.dataset.id, &search)
            .await?
    } else {
        Default::default()
    };
    let rows: Vec<i64> = hits.rows.iter().map(|(row, _)| *row).collect();
    let mut records = state.db.records_by_rows(&rows, &include).await?;
    if route == Route::Mine {
        let member = state
            .db
            .is_member(&settings.dataset.workspace_id, &caller.id)
            .await?;
        for loaded in &mut records {
            only_mine(loaded, &caller, member, &settings);
        }
    }
    let items = (records.iter().zip(&hits.rows))
        .map(|(loaded, (_, score))| Hit {
            record: shapes::Record::read(loaded),
            query_score: *score,
        })
        .collect();
    Ok(json(
        StatusCode::OK,
        &Found {
            items,
            total: hits.total,
        },
    ))
}

/// What the `/me` search shows of a record: the caller's own response, and the metadata the
/// caller may read (an owner: all; a property: its members of the roles it is visible to;
/// any other key: the workspace's admins).
fn only_mine(
    loaded: &mut LoadedRecord,
    caller: &UserRecord,
    member: bool,
    settings: &DatasetSettings,
) {
    if let Some(responses) = &mut loaded.responses {
        responses.retain(|r| r.user_id == caller.id);
    }
    if caller.is_owner() {
        return;
    }
    if let Some(metadata) = &mut loaded.record.metadata {
        let visible: Map<String, Value> = (metadata.0.iter())
            .filter(|(name, _)| match settings.metadata_property(name) {
                Some(property) => {
                    member && (caller.role() != Role::Annotator || property.visible_for_annotators)
                }
                None => member && caller.role() == Role::Admin,
            })
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        metadata.0 = visible;
    }
}

/// Each filter's and order's scope names something of the dataset: 422 with the real
/// server's `get_by_or_raise` text. (`filters` without `and` filters nothing; the real server
/// fails with a 500 on it, `docs/differences.md`.)
fn check_scopes(body: &SearchBody, settings: &DatasetSettings) -> ApiResult<()> {
    let filters: Vec<&ScopeInput> = match &body.filters {
        Some(Some(filters)) => filters.iter().map(FilterInput::scope).collect(),
        _ => Vec::new(),
    };
    let orders = body.sort.iter().flatten().map(|o| &o.scope);
    for scope in filters.into_iter().chain(orders) {
        let dataset_id = &settings.dataset.id;
        let question_missing = |name: &str| {
            unprocessable(format!(
                "Question not found filtering by name={name}, dataset_id={dataset_id}"
            ))
        };
        match scope {
            ScopeInput::Record(_) => {}
            ScopeInput::Metadata(name) if settings.metadata_property(name).is_none() => {
                return Err(unprocessable(format!(
                    "MetadataProperty not found filtering by name={name}, dataset_id={dataset_id}"
                )))
            }
            ScopeInput::Suggestion { question, .. }
            | ScopeInput::Response {
                question: Some(question),
                ..
            } if settings.question(question).is_none() => return Err(question_missing(question)),
            _ => {}
        }
    }
    Ok(())
}

/// The vector query: the vector settings (422), then the record and its vector (422, the
/// missing-vector 422); `k` = offset + limit, at most 1000.
async fn similar_to(
    state: &AppState,
    settings: &DatasetSettings,
    vector: &super::schemas::VectorQueryInput,
    page: super::schemas::Page,
) -> ApiResult<SimilarTo> {
    let dataset_id = &settings.dataset.id;
    let vector_settings = settings.vector_settings(&vector.name).ok_or_else(|| {
        unprocessable(format!(
            "Vector `{}` not found in dataset `{dataset_id}`.",
            vector.name
        ))
    })?;
    let (value, excluded_row) = match (&vector.record_id, &vector.value) {
        (Some(record_id), _) => {
            let record = state.db.record_by_id(record_id).await?;
            let record = record
                .filter(|r| r.dataset_id == *dataset_id)
                .ok_or_else(|| {
                    unprocessable(format!(
                        "Record with id `{record_id}` not found in dataset `{dataset_id}`."
                    ))
                })?;
            let value = state
                .db
                .record_vector(record.row, &vector_settings.id)
                .await?;
            let value = value.ok_or_else(|| {
                ApiError::MissingVector(format!(
                    "Record `{record_id}` does not have a vector for vector settings `{}`",
                    vector_settings.name
                ))
            })?;
            (value, Some(record.row))
        }
        (None, value) => (value.clone().unwrap_or_default(), None),
    };
    Ok(SimilarTo {
        vector_settings_id: vector_settings.id.clone(),
        value,
        least: vector.least_similar,
        excluded_row,
        k: (page.offset + page.limit).min(SIMILARITY_MAX),
    })
}

/// A filter as the search engine applies it.
fn condition(
    filter: &FilterInput,
    settings: &DatasetSettings,
    user: Option<&str>,
) -> ApiResult<Condition> {
    match filter {
        FilterInput::Terms {
            scope:
                ScopeInput::Response {
                    question: None,
                    status: true,
                },
            values,
        } => {
            let user_id = user.map(str::to_owned);
            let others: Vec<String> = values.iter().filter(|v| *v != "pending").cloned().collect();
            if values.len() != others.len() {
                return Ok(Condition::NoResponseOr { user_id, others });
            }
            Ok(Condition::Terms(Target::ResponseStatus { user_id }, others))
        }
        FilterInput::Terms { scope, values } => Ok(Condition::Terms(
            target(scope, settings, user)?,
            values.clone(),
        )),
        FilterInput::Range { scope, ge, le } => {
            if let ScopeInput::Response {
                question: None,
                status,
            } = scope
            {
                return Err(cannot_process(*status));
            }
            let dates = matches!(
                scope,
                ScopeInput::Record("inserted_at") | ScopeInput::Record("updated_at")
            );
            let bound = |b: &Option<RangeBound>, upper: bool| {
                b.as_ref().map(|b| match b {
                    RangeBound::Number(n) if dates => Bound::Text(millis_timestamp(*n)),
                    RangeBound::Number(n) => Bound::Number(*n),
                    RangeBound::Text(t) if dates => Bound::Text(timestamp_bound(t, upper)),
                    RangeBound::Text(t) => match t.trim().parse::<f64>() {
                        Ok(n) if numeric_scope(scope, settings) => Bound::Number(n),
                        _ => Bound::Text(t.clone()),
                    },
                })
            };
            Ok(Condition::Range {
                target: target(scope, settings, user)?,
                ge: bound(ge, false),
                le: bound(le, true),
            })
        }
    }
}

/// A response scope the search engine cannot use (no question; statuses in a range): a 422 in
/// the words of the real server's exception (which it answers as a 500, `docs/differences.md`).
fn cannot_process(status: bool) -> ApiError {
    let property = if status { "'status'" } else { "None" };
    ApiError::UnprocessablePlain(format!(
        "Cannot process filter scope ResponseFilterScope(question=None, property={property}, user=None)"
    ))
}

fn numeric_scope(scope: &ScopeInput, settings: &DatasetSettings) -> bool {
    match scope {
        ScopeInput::Metadata(name) => settings
            .metadata_property(name)
            .is_some_and(|p| !matches!(p.settings.0, MetadataSettings::Terms { .. })),
        ScopeInput::Suggestion { property, .. } if *property == "score" => true,
        ScopeInput::Suggestion { question, property } if *property == "value" => {
            answer_index(settings, question) == AnswerIndex::Number
        }
        ScopeInput::Response {
            question: Some(question),
            ..
        } => answer_index(settings, question) == AnswerIndex::Number,
        _ => false,
    }
}

fn sort_key(
    order: &OrderInput,
    settings: &DatasetSettings,
    user: Option<&str>,
) -> ApiResult<SortKey> {
    Ok(SortKey {
        target: target(&order.scope, settings, user)?,
        descending: order.descending,
    })
}

/// What a scope reads (its names were checked).
fn target(scope: &ScopeInput, settings: &DatasetSettings, user: Option<&str>) -> ApiResult<Target> {
    Ok(match scope {
        ScopeInput::Record(property) => Target::Record(match *property {
            "id" => RecordColumn::Id,
            "external_id" => RecordColumn::ExternalId,
            "status" => RecordColumn::Status,
            "inserted_at" => RecordColumn::InsertedAt,
            _ => RecordColumn::UpdatedAt,
        }),
        ScopeInput::Metadata(name) => {
            let property = settings.metadata_property(name);
            Target::Metadata {
                property_id: property.map(|p| p.id.clone()).unwrap_or_default(),
                numeric: property
                    .is_some_and(|p| !matches!(p.settings.0, MetadataSettings::Terms { .. })),
            }
        }
        ScopeInput::Suggestion { question, property } => Target::Suggestion {
            question_id: (settings.question(question).map(|q| q.id.clone())).unwrap_or_default(),
            attribute: match *property {
                "score" => SuggestionAttribute::Score,
                "agent" => SuggestionAttribute::Agent,
                "type" => SuggestionAttribute::Type,
                _ => SuggestionAttribute::Value(answer_index(settings, question)),
            },
        },
        ScopeInput::Response {
            question: Some(question),
            ..
        } => Target::Answer {
            question: question.clone(),
            index: answer_index(settings, question),
            user_id: user.map(str::to_owned),
        },
        ScopeInput::Response { status: true, .. } => Target::ResponseStatus {
            user_id: user.map(str::to_owned),
        },
        ScopeInput::Response { .. } => return Err(cannot_process(false)),
    })
}

/// How the search engine indexes answers to the question: ratings as numbers, labels as
/// keywords, the rest not at all.
fn answer_index(settings: &DatasetSettings, question: &str) -> AnswerIndex {
    match settings.question(question).map(|q| &q.settings.0) {
        Some(QuestionSettings::Rating { .. }) => AnswerIndex::Number,
        Some(
            QuestionSettings::LabelSelection { .. } | QuestionSettings::MultiLabelSelection { .. },
        ) => AnswerIndex::Keyword,
        _ => AnswerIndex::NotIndexed,
    }
}

/// A range bound on a timestamp as stored: Elasticsearch reads ISO 8601 dates (an offset is
/// converted to UTC) and, for an upper bound, fills a missing time with the end of the day.
fn timestamp_bound(text: &str, upper: bool) -> String {
    let text = text.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return t.naive_utc().format(TIMESTAMP_FORMAT).to_string();
    }
    for format in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
    ] {
        if let Ok(t) = NaiveDateTime::parse_from_str(text, format) {
            return t.format(TIMESTAMP_FORMAT).to_string();
        }
    }
    if let Ok(day) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        let time = if upper {
            day.and_hms_micro_opt(23, 59, 59, 999_999)
        } else {
            day.and_hms_opt(0, 0, 0)
        };
        if let Some(t) = time {
            return t.format(TIMESTAMP_FORMAT).to_string();
        }
    }
    text.to_owned()
}

/// Elasticsearch reads a number given for a date as milliseconds since the epoch.
fn millis_timestamp(millis: f64) -> String {
    DateTime::from_timestamp_millis(millis as i64)
        .map(|t| t.naive_utc().format(TIMESTAMP_FORMAT).to_string())
        .unwrap_or_default()
}

/// The caller's seed for the `/me` order: a stable number drawn from the user's id.
fn seed_of(user_id: &str) -> i64 {
    let hash = (user_id.bytes()).fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    (hash % 1_000_000_007) as i64
}

fn unprocessable(message: String) -> ApiError {
    ApiError::UnprocessablePlain(message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_are_read_as_elasticsearch_reads_dates() {
        assert_eq!(
            timestamp_bound("2026-12-06T21:43:11.612844", false),
            "2026-12-06T21:43:11.612844"
        );
        assert_eq!(
            timestamp_bound("2026-12-06T21:43:11+01:00", false),
            "2026-12-06T20:43:11.000000"
        );
        assert_eq!(
            timestamp_bound("2026-12-06", false),
            "2026-12-06T00:00:00.000000"
        );
        assert_eq!(
            timestamp_bound("2026-12-06", true),
            "2026-12-06T23:59:59.999999"
        );
        assert_eq!(millis_timestamp(0.0), "1970-01-01T00:00:00.000000");
    }
}
