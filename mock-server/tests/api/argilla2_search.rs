//! Record searches of Argilla 2.x (`argilla-2x-records-api.md` §4.2, §5): text queries with
//! their syntax and relevance, every filter scope, sorts, similarity, the `/me` search, and
//! the refusals of a query.

use crate::helpers::*;
use crate::records_support::*;
use reqwest::Method;
use rstest::rstest;
use serde_json::{json, Value};

const MISSING: &str = "00000000-0000-0000-0000-00000badc0de";

/// Five records: texts, metadata, suggestions, responses and vectors to search.
async fn library(app: &TestApp) -> Fixture {
    let fx = Fixture::new(app).await;
    let (label, tags, rating) = (
        fx.question("label"),
        fx.question("tags"),
        fx.question("rating"),
    );
    let answer = |user: &str, status: &str, label: &str, rating: i64| json!({"user_id": user, "status": status, "values": {"label": {"value": label}, "rating": {"value": rating}}});
    fx.create(app, json!([
        {"external_id": "ada", "fields": {"text": "Ada Lovelace wrote the first program", "chat": [{"role": "user", "content": "engines"}]},
         "metadata": {"genre": "biography", "year": 1843, "score": 0.9},
         "suggestions": [{"question_id": label, "value": "a", "agent": "model-1", "type": "model", "score": 0.9},
                         {"question_id": tags, "value": ["x", "y"]}, {"question_id": rating, "value": 5}],
         "responses": [answer(OWNER_ID, "submitted", "a", 4)],
         "vectors": {"emb": [1, 0, 0]}},
        {"external_id": "fox", "fields": {"text": "The quick brown fox jumps over the lazy dog"},
         "metadata": {"genre": ["fiction", "animals"], "year": 1990, "score": 0.2},
         "suggestions": [{"question_id": label, "value": "b", "agent": "human-2", "type": "human", "score": 0.3},
                         {"question_id": rating, "value": 2}],
         "responses": [answer(ANNOTATOR_ID, "draft", "b", 2)],
         "vectors": {"emb": [0.9, 0.1, 0]}},
        {"external_id": "babbage", "fields": {"text": "Charles Babbage designed the analytical engine", "custom": {"k": "foxes"}},
         "metadata": {"genre": "biography", "year": 1837},
         "responses": [answer(ADMIN_ID, "discarded", "a", 1)],
         "vectors": {"emb": [0, 1, 0]}},
        {"external_id": "grace", "fields": {"text": "Grace Hopper found a moth in the relay"},
         "metadata": {"year": 1947},
         "vectors": {"emb": [0, 0, 1]}},
        {"external_id": "quick", "fields": {"text": "A quick note"}},
    ])).await;
    fx
}

fn terms(scope: Value, values: Value) -> Value {
    json!({"type": "terms", "scope": scope, "values": values})
}

fn range(scope: Value, ge: Value, le: Value) -> Value {
    let mut filter = json!({"type": "range", "scope": scope});
    if !ge.is_null() {
        filter["ge"] = ge;
    }
    if !le.is_null() {
        filter["le"] = le;
    }
    filter
}

fn filtered(filters: Vec<Value>) -> Value {
    json!({"filters": {"and": filters}})
}

fn sorted(mut ids: Vec<String>) -> Vec<String> {
    ids.sort();
    ids
}

#[tokio::test]
async fn an_empty_search_finds_every_record_in_order_with_score_1() -> TestResult {
    let app = TestApp::spawn().await;
    let fx = library(&app).await;
    let found = fx.search(&app, "", json!({})).await;
    assert_eq!(found["total"], 5);
    assert_eq!(hit_ids(&found), ["ada", "fox", "babbage", "grace", "quick"]);
    assert_eq!(keys(&found["items"][0]), ["record", "query_score"]);
    assert_eq!(found["items"][0]["query_score"], 1.0);
    assert!(
        found["items"][0]["record"].get("responses").is_none(),
        "relations only when included"
    );
    let page = fx.search(&app, "offset=3&limit=1", json!({})).await;
    assert_eq!(
        (hit_ids(&page), &page["total"]),
        (vec!["grace".to_owned()], &json!(5))
    );
    Ok(())
}

#[rstest]
#[case::one_word("fox", None, &["fox"])]
#[case::every_word_must_occur("quick fox", None, &["fox"])]
#[case::either("moth | engines", None, &["ada", "grace"])]
#[case::excluded("quick -fox", None, &["quick"])]
#[case::only_excluded("-quick", None, &["ada", "babbage", "grace"])]
#[case::phrase("\"brown fox\"", None, &["fox"])]
#[case::phrase_in_order_only("\"fox brown\"", None, &[])]
#[case::prefix("analyt*", None, &["babbage"])]
#[case::case_insensitive("LOVELACE", None, &["ada"])]
#[case::chat_content("engines", None, &["ada"])]
#[case::custom_field_text("foxes", None, &["babbage"])]
#[case::on_one_field("engines", Some("text"), &[])]
#[case::on_the_chat_field("engines", Some("chat"), &["ada"])]
#[case::nothing_to_search("!!!", None, &[])]
#[tokio::test]
async fn text_queries_read_simple_query_string_syntax(
    #[case] q: &str,
    #[case] field: Option<&str>,
    #[case] expected: &[&str],
) -> TestResult {
    let app = TestApp::spawn().await;
    let fx = library(&app).await;
    let found = fx
        .search(
            &app,
            "",
            json!({"query": {"text": {"q": q, "field": field}}}),
        )
        .await;
    let expected: Vec<String> = expected.iter().map(|s| (*s).to_owned()).collect();
    assert_eq!(sorted(hit_ids(&found)), sorted(expected), "{q}");
    assert_eq!(
        found["total"],
        found["items"].as_array().map_or(0, Vec::len)
    );
    Ok(())
}

#[tokio::test]
async fn text_hits_are_ranked_by_relevance() -> TestResult {
    let app = TestApp::spawn().await;
    let fx = Fixture::new(&app).await;
    fx.create(&app, json!([
        {"external_id": "once", "fields": {"text": "a fox among many many many other words here"}},
        {"external_id": "twice", "fields": {"text": "fox fox"}},
        {"external_id": "none", "fields": {"text": "no animals"}},
    ])).await;
    let found = fx
        .search(&app, "", json!({"query": {"text": {"q": "fox"}}}))
        .await;
    assert_eq!(hit_ids(&found), ["twice", "once"]);
    let scores: Vec<f64> = (found["items"].as_array().expect("items").iter())
        .map(|h| h["query_score"].as_f64().expect("score"))
        .collect();
    assert!(scores[0] > scores[1] && scores[1] > 0.0, "{scores:?}");
    Ok(())
}

#[tokio::test]
async fn a_text_query_on_an_unknown_field_is_refused() -> TestResult {
    let app = TestApp::spawn().await;
    let fx = library(&app).await;
    let path = format!("/api/v1/datasets/{}/records/search", fx.dataset);
    let body = json!({"query": {"text": {"q": "fox", "field": "nope"}}});
    let answer = app
        .send(Method::POST, &path, Some(OWNER_KEY), Some(body))
        .await;
    let why = format!("Field `nope` not found in dataset `{}`.", fx.dataset);
    assert_eq!(answer, (422, plain_detail(&why)));
    Ok(())
}

fn metadata(name: &str) -> Value {
    json!({"entity": "metadata", "metadata_property": name})
}

fn suggestion(question: &str, property: &str) -> Value {
    json!({"entity": "suggestion", "question": question, "property": property})
}

fn response(question: &str) -> Value {
    json!({"entity": "response", "question": question})
}

fn response_status() -> Value {
    json!({"entity": "response", "property": "status"})
}

fn record(property: &str) -> Value {
    json!({"entity": "record", "property": property})
}

#[rstest]
#[case::metadata_term(terms(metadata("genre"), json!(["biography"])), &["ada", "babbage"])]
#[case::metadata_term_in_a_list(terms(metadata("genre"), json!(["animals", "nope"])), &["fox"])]
#[case::metadata_terms_are_exact(terms(metadata("genre"), json!(["Biography"])), &[])]
#[case::metadata_integer_terms(terms(metadata("year"), json!([1990, "1843"])), &["ada", "fox"])]
#[case::metadata_range(range(metadata("year"), json!(1840), json!(1990)), &["ada", "fox", "grace"])]
#[case::metadata_float_range(range(metadata("score"), json!(0.5), Value::Null), &["ada"])]
#[case::suggestion_value(terms(suggestion("label", "value"), json!(["b"])), &["fox"])]
#[case::suggestion_multi_label(terms(suggestion("tags", "value"), json!(["y"])), &["ada"])]
#[case::suggestion_rating_range(range(suggestion("rating", "value"), json!(3), Value::Null), &["ada"])]
#[case::suggestion_agent(terms(suggestion("label", "agent"), json!(["human-2"])), &["fox"])]
#[case::suggestion_type(terms(suggestion("label", "type"), json!(["model"])), &["ada"])]
#[case::suggestion_score(range(suggestion("label", "score"), json!(0.5), json!(1)), &["ada"])]
#[case::response_value(terms(response("label"), json!(["a"])), &["ada", "babbage"])]
#[case::response_rating_range(range(response("rating"), json!(2), json!(4)), &["ada", "fox"])]
#[case::response_text_is_not_indexed(terms(response("notes"), json!(["x"])), &[])]
#[case::response_status(terms(response_status(), json!(["submitted", "draft"])), &["ada", "fox"])]
#[case::pending_means_no_response(terms(response_status(), json!(["pending"])), &["grace", "quick"])]
#[case::pending_or_discarded(terms(response_status(), json!(["pending", "discarded"])), &["babbage", "grace", "quick"])]
#[case::record_status(terms(record("status"), json!(["completed"])), &["ada"])]
#[case::record_external_id(terms(record("external_id"), json!(["fox", "grace"])), &["fox", "grace"])]
#[tokio::test]
async fn each_filter_scope_reads_what_the_search_engine_indexes(
    #[case] filter: Value,
    #[case] expected: &[&str],
) -> TestResult {
    let app = TestApp::spawn().await;
    let fx = library(&app).await;
    let found = fx.search(&app, "", filtered(vec![filter.clone()])).await;
    let expected: Vec<String> = expected.iter().map(|s| (*s).to_owned()).collect();
    assert_eq!(sorted(hit_ids(&found)), sorted(expected), "{filter}");
    assert_eq!(
        found["total"],
        found["items"].as_array().map_or(0, Vec::len)
    );
    Ok(())
}

#[tokio::test]
async fn filters_are_anded_with_each_other_and_the_text_query() -> TestResult {
    let app = TestApp::spawn().await;
    let fx = library(&app).await;
    let body = json!({"query": {"text": {"q": "the"}},
        "filters": {"and": [terms(metadata("genre"), json!(["biography", "fiction"])),
                            range(metadata("year"), json!(1838), Value::Null)]}});
    let found = fx.search(&app, "", body).await;
    assert_eq!(sorted(hit_ids(&found)), ["ada", "fox"]);
    Ok(())
}

#[tokio::test]
async fn record_ids_and_insert_times_filter_too() -> TestResult {
    let app = TestApp::spawn().await;
    let fx = library(&app).await;
    let all = fx.search(&app, "", json!({})).await;
    let second = &all["items"][1]["record"];
    let by_id = fx
        .search(
            &app,
            "",
            filtered(vec![terms(record("id"), json!([second["id"]]))]),
        )
        .await;
    assert_eq!(hit_ids(&by_id), ["fox"]);
    let since = second["inserted_at"].clone();
    let later = fx
        .search(
            &app,
            "",
            filtered(vec![range(record("inserted_at"), since, Value::Null)]),
        )
        .await;
    assert_eq!(hit_ids(&later), ["fox", "babbage", "grace", "quick"]);
    let today = second["inserted_at"].as_str().expect("time")[..10].to_owned();
    let day = fx
        .search(
            &app,
            "",
            filtered(vec![range(
                record("inserted_at"),
                Value::Null,
                json!(today),
            )]),
        )
        .await;
    assert_eq!(
        day["total"], 5,
        "a date alone as an upper bound is the end of that day"
    );
    Ok(())
}

#[rstest]
#[case::metadata_desc(json!([{"scope": metadata("year"), "order": "desc"}]), &["fox", "grace", "ada", "babbage", "quick"])]
#[case::metadata_asc(json!([{"scope": metadata("year"), "order": "asc"}]), &["babbage", "ada", "grace", "fox", "quick"])]
#[case::suggestion_score(json!([{"scope": suggestion("label", "score"), "order": "desc"}]), &["ada", "fox", "babbage", "grace", "quick"])]
#[case::response_rating(json!([{"scope": response("rating"), "order": "asc"}]), &["babbage", "fox", "ada", "grace", "quick"])]
#[case::external_id(json!([{"scope": record("external_id"), "order": "asc"}]), &["ada", "babbage", "fox", "grace", "quick"])]
#[case::then_by(json!([{"scope": metadata("genre"), "order": "asc"}, {"scope": record("external_id"), "order": "desc"}]),
    &["fox", "babbage", "ada", "quick", "grace"])]
#[tokio::test]
async fn sorts_order_hits_with_missing_values_last_and_no_score(
    #[case] sort: Value,
    #[case] expected: &[&str],
) -> TestResult {
    let app = TestApp::spawn().await;
    let fx = library(&app).await;
    let found = fx.search(&app, "", json!({"sort": sort})).await;
    assert_eq!(hit_ids(&found), expected);
    assert_eq!(found["items"][0]["query_score"], Value::Null);
    Ok(())
}

#[tokio::test]
async fn similarity_ranks_by_cosine_and_leaves_out_the_record_itself() -> TestResult {
    let app = TestApp::spawn().await;
    let fx = library(&app).await;
    let by_value = json!({"query": {"vector": {"name": "emb", "value": [1, 0, 0]}}});
    let found = fx.search(&app, "", by_value).await;
    assert_eq!(
        hit_ids(&found),
        ["ada", "fox", "babbage", "grace"],
        "records without the vector are no hits"
    );
    let first = found["items"][0]["query_score"].as_f64().expect("score");
    assert!((first - 1.0).abs() < 1e-9, "(1 + cos) / 2: {first}");
    let ada = id(&found["items"][0]["record"]);
    let by_record = json!({"query": {"vector": {"name": "emb", "record_id": ada}}});
    let near = fx.search(&app, "limit=2", by_record).await;
    assert_eq!(
        (hit_ids(&near), &near["total"]),
        (vec!["fox".to_owned(), "babbage".to_owned()], &json!(2))
    );
    let least =
        json!({"query": {"vector": {"name": "emb", "record_id": ada, "order": "least_similar"}}});
    let far = fx.search(&app, "", least).await;
    assert_eq!(hit_ids(&far)[2], "fox");
    let filtered = json!({"query": {"vector": {"name": "emb", "value": [1, 0, 0]}},
        "filters": {"and": [terms(metadata("genre"), json!(["biography"]))]}});
    assert_eq!(
        hit_ids(&fx.search(&app, "", filtered).await),
        ["ada", "babbage"]
    );
    let paged = fx
        .search(
            &app,
            "offset=1&limit=2",
            json!({"query": {"vector": {"name": "emb", "value": [1, 0, 0]}}}),
        )
        .await;
    assert_eq!(
        (hit_ids(&paged), &paged["total"]),
        (vec!["fox".to_owned(), "babbage".to_owned()], &json!(3))
    );
    let past = fx
        .search(
            &app,
            "offset=1000&limit=5",
            json!({"query": {"vector": {"name": "emb", "value": [1, 0, 0]}}}),
        )
        .await;
    assert_eq!(past, json!({"items": [], "total": 0}));
    Ok(())
}

#[tokio::test]
async fn the_me_search_shows_the_callers_own_responses_and_visible_metadata() -> TestResult {
    let app = TestApp::spawn().await;
    let fx = library(&app).await;
    let path = format!(
        "/api/v1/me/datasets/{}/records/search?include=responses",
        fx.dataset
    );
    let body = json!({"filters": {"and": [terms(record("external_id"), json!(["ada", "fox"]))]},
                      "sort": [{"scope": record("external_id"), "order": "asc"}]});
    let (status, found) = app
        .send(Method::POST, &path, Some(ANNOTATOR_KEY), Some(body))
        .await;
    assert_eq!(status, 200);
    let ada = &found["items"][0]["record"];
    assert_eq!(
        ada["responses"],
        json!([]),
        "the owner's response is not the annotator's"
    );
    assert_eq!(
        ada["metadata"],
        json!({"genre": "biography", "year": 1843}),
        "score is hidden from annotators"
    );
    let fox = &found["items"][1]["record"];
    assert_eq!(fox["responses"][0]["user_id"], ANNOTATOR_ID);
    let pending = json!({"filters": {"and": [terms(response_status(), json!(["pending"]))]}});
    let (_, mine) = app
        .send(Method::POST, &path, Some(ANNOTATOR_KEY), Some(pending))
        .await;
    assert_eq!(
        mine["total"], 4,
        "pending on /me: the caller has not responded"
    );
    let (_, a) = app
        .send(Method::POST, &path, Some(ANNOTATOR_KEY), Some(json!({})))
        .await;
    let (_, b) = app
        .send(Method::POST, &path, Some(ANNOTATOR_KEY), Some(json!({})))
        .await;
    assert_eq!(hit_ids(&a), hit_ids(&b), "the caller's order is stable");
    let outsider = app
        .send(Method::POST, &path, Some(BOB_KEY), Some(json!({})))
        .await;
    assert_eq!(outsider, (403, forbidden()));
    let all = format!("/api/v1/datasets/{}/records/search", fx.dataset);
    let annotator = app
        .send(Method::POST, &all, Some(ANNOTATOR_KEY), Some(json!({})))
        .await;
    assert_eq!(
        annotator,
        (403, forbidden()),
        "the dataset search is for owners and admins"
    );
    Ok(())
}

#[rstest]
#[case::unknown_metadata(filtered(vec![terms(metadata("nope"), json!(["x"]))]),
    plain_detail("MetadataProperty not found filtering by name=nope, dataset_id=<ds>"))]
#[case::unknown_question(filtered(vec![terms(suggestion("nope", "value"), json!(["x"]))]),
    plain_detail("Question not found filtering by name=nope, dataset_id=<ds>"))]
#[case::unknown_sort_property(json!({"sort": [{"scope": metadata("nope"), "order": "asc"}]}),
    plain_detail("MetadataProperty not found filtering by name=nope, dataset_id=<ds>"))]
#[case::unknown_vector(json!({"query": {"vector": {"name": "zz", "value": [1]}}}),
    plain_detail("Vector `zz` not found in dataset `<ds>`."))]
#[case::unknown_record(json!({"query": {"vector": {"name": "emb", "record_id": MISSING}}}),
    plain_detail("Record with id `00000000-0000-0000-0000-00000badc0de` not found in dataset `<ds>`."))]
#[case::vector_both(json!({"query": {"vector": {"name": "emb", "value": [1], "record_id": MISSING}}}),
    validation_v2(json!([{"type": "value_error", "loc": ["body", "query", "vector"], "msg": "Value error, Either 'record_id' or 'value' must be provided"}])))]
#[case::empty_and(json!({"filters": {"and": []}}),
    validation_v2(json!([{"type": "too_short", "loc": ["body", "filters", "and"], "msg": "List should have at least 1 item after validation, not 0"}])))]
#[case::range_without_bounds(filtered(vec![json!({"type": "range", "scope": metadata("year")})]),
    validation_v2(json!([{"type": "value_error", "loc": ["body", "filters", "and", 0, "range"], "msg": "Value error, At least one of 'ge' or 'le' must be provided"}])))]
#[case::inverted_range(filtered(vec![range(metadata("year"), json!(5), json!(1))]),
    validation_v2(json!([{"type": "value_error", "loc": ["body", "filters", "and", 0, "range"], "msg": "Value error, 'ge' must have a value less than or equal to 'le'"}])))]
#[case::bad_entity(filtered(vec![terms(json!({"entity": "vector"}), json!(["x"]))]),
    validation_v2(json!([{"type": "union_tag_invalid", "loc": ["body", "filters", "and", 0, "terms", "scope"],
        "msg": "Input tag 'vector' found using 'entity' does not match any of the expected tags: 'record', 'response', 'suggestion', 'metadata'"}])))]
#[case::bad_record_property(filtered(vec![terms(record("fields"), json!(["x"]))]),
    validation_v2(json!([{"type": "literal_error", "loc": ["body", "filters", "and", 0, "terms", "scope", "record", "property"],
        "msg": "Input should be <RecordSortField.id: 'id'>, <RecordSortField.external_id: 'external_id'>, <RecordSortField.inserted_at: 'inserted_at'>, <RecordSortField.updated_at: 'updated_at'> or <RecordSortField.status: 'status'>"}])))]
#[case::bad_sort_order(json!({"sort": [{"scope": record("id"), "order": "up"}]}),
    validation_v2(json!([{"type": "enum", "loc": ["body", "sort", 0, "order"], "msg": "Input should be 'asc' or 'desc'"}])))]
#[tokio::test]
async fn search_queries_are_refused_in_the_real_servers_words(
    #[case] body: Value,
    #[case] expected: Value,
) -> TestResult {
    let app = TestApp::spawn().await;
    let fx = library(&app).await;
    let path = format!("/api/v1/datasets/{}/records/search", fx.dataset);
    let expected: Value = serde_json::from_str(&expected.to_string().replace("<ds>", &fx.dataset))?;
    let answer = app
        .send(Method::POST, &path, Some(OWNER_KEY), Some(body))
        .await;
    assert_eq!(answer, (422, expected));
    Ok(())
}

#[tokio::test]
async fn a_record_without_the_vector_is_the_missing_vector_422() -> TestResult {
    let app = TestApp::spawn().await;
    let fx = library(&app).await;
    let quick = id(&fx.search(&app, "", json!({})).await["items"][4]["record"]);
    let path = format!("/api/v1/datasets/{}/records/search", fx.dataset);
    let body = json!({"query": {"vector": {"name": "emb", "record_id": quick}}});
    let answer = app
        .send(Method::POST, &path, Some(OWNER_KEY), Some(body))
        .await;
    let message = format!("Record `{quick}` does not have a vector for vector settings `emb`");
    assert_eq!(
        answer,
        (422, json!({"code": "missing_vector", "message": message}))
    );
    Ok(())
}

#[tokio::test]
async fn what_the_real_server_fails_on_is_answered_as_meant() -> TestResult {
    // The real server answers both with a 500 (docs/differences.md).
    let app = TestApp::spawn().await;
    let fx = library(&app).await;
    let everything = fx.search(&app, "", json!({"filters": {}})).await;
    assert_eq!(
        everything["total"], 5,
        "filters without `and` filter nothing"
    );
    let path = format!("/api/v1/datasets/{}/records/search", fx.dataset);
    let status_range = filtered(vec![range(response_status(), json!(1), Value::Null)]);
    let answer = app
        .send(Method::POST, &path, Some(OWNER_KEY), Some(status_range))
        .await;
    let why = "Cannot process filter scope ResponseFilterScope(question=None, property='status', user=None)";
    assert_eq!(answer, (422, plain_detail(why)));
    Ok(())
}

#[tokio::test]
async fn a_draft_dataset_has_no_search_hits() -> TestResult {
    let app = TestApp::spawn().await;
    let draft = app.create_dataset("draft").await;
    app.add_setting(&draft, "fields", text_field("text", true))
        .await;
    let items = json!({"items": [{"fields": {"text": "t"}}]});
    app.owner_expects(
        Method::PUT,
        &format!("/api/v1/datasets/{draft}/records/bulk"),
        Some(items),
        200,
    )
    .await;
    let found = app
        .owner_expects(
            Method::POST,
            &format!("/api/v1/datasets/{draft}/records/search"),
            Some(json!({})),
            200,
        )
        .await;
    assert_eq!(found, json!({"items": [], "total": 0}));
    Ok(())
}

#[tokio::test]
async fn deleted_and_edited_records_are_searched_as_they_are_now() -> TestResult {
    let app = TestApp::spawn().await;
    let fx = library(&app).await;
    let all = fx.search(&app, "", json!({})).await;
    let fox = id(&all["items"][1]["record"]);
    let patch = json!({"fields": {"text": "A slow turtle"}, "metadata": {"genre": "poetry"}});
    app.owner_expects(
        Method::PATCH,
        &format!("/api/v1/records/{fox}"),
        Some(patch),
        200,
    )
    .await;
    let text = fx
        .search(&app, "", json!({"query": {"text": {"q": "fox"}}}))
        .await;
    assert_eq!(hit_ids(&text), Vec::<String>::new());
    let turtle = fx
        .search(&app, "", json!({"query": {"text": {"q": "turtle"}}}))
        .await;
    assert_eq!(hit_ids(&turtle), ["fox"]);
    let poetry = fx
        .search(
            &app,
            "",
            filtered(vec![terms(metadata("genre"), json!(["poetry"]))]),
        )
        .await;
    assert_eq!(hit_ids(&poetry), ["fox"]);
    app.owner_expects(Method::DELETE, &format!("/api/v1/records/{fox}"), None, 200)
        .await;
    let gone = fx
        .search(&app, "", json!({"query": {"text": {"q": "turtle"}}}))
        .await;
    assert_eq!(gone["total"], 0);
    Ok(())
}
