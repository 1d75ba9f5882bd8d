//! Records of Argilla 2.x (`argilla-2x-records-api.md` §1–§4.1): bulk create and upsert, the
//! list with its `include`, one record's read, update and delete, bulk delete; their shapes,
//! the real server's refusals in its words, and the 500s it answers after storing.

use crate::helpers::*;
use crate::records_support::*;
use reqwest::Method;
use rstest::rstest;
use serde_json::{json, Value};

const MISSING: &str = "00000000-0000-0000-0000-00000badc0de";

#[tokio::test]
async fn a_created_record_answers_with_every_relation_and_the_fields_as_indexed() -> TestResult {
    let app = TestApp::spawn().await;
    let fx = Fixture::new(&app).await;
    let label = fx.question("label");
    let items = json!([{
        "fields": {"text": "The quick fox", "custom": {"a": 1, "b": [1, 2]}},
        "metadata": {"genre": "fiction", "year": 1999},
        "external_id": 456,
        "id": MISSING,
        "vectors": {"emb": [1, 2, 3]},
        "suggestions": [{"question_id": label, "value": "a", "score": 1, "agent": "model-1", "type": "model"}],
        "responses": [{"user_id": OWNER_ID, "status": "submitted", "values": {"label": {"value": "b"}}}],
    }]);
    let created = fx.create(&app, items).await;
    let record = &created[0];
    assert_eq!(
        keys(record),
        [
            "id",
            "status",
            "fields",
            "metadata",
            "external_id",
            "responses",
            "suggestions",
            "vectors",
            "dataset_id",
            "inserted_at",
            "updated_at"
        ]
    );
    assert_ne!(
        record["id"], MISSING,
        "a client id is not honoured on create"
    );
    assert_eq!(
        record["external_id"], "456",
        "numbers are written as strings"
    );
    assert_eq!(
        record["status"], "completed",
        "one submitted response completes it"
    );
    // Missing non-image fields are added as null after the sent ones; custom values are str().
    assert_eq!(
        record["fields"],
        json!({"text": "The quick fox", "custom": "{'a': 1, 'b': [1, 2]}", "chat": null})
    );
    assert_eq!(keys(&record["fields"]), ["text", "custom", "chat"]);
    assert_eq!(record["vectors"], json!({"emb": [1.0, 2.0, 3.0]}));
    let vector = record["vectors"]["emb"][0].to_string();
    assert_eq!(vector, "1.0", "vector components are floats");
    let suggestion = &record["suggestions"][0];
    assert_eq!(
        keys(suggestion),
        [
            "question_id",
            "type",
            "value",
            "agent",
            "score",
            "id",
            "inserted_at",
            "updated_at"
        ]
    );
    assert_eq!(suggestion["score"].to_string(), "1.0");
    let response = &record["responses"][0];
    assert_eq!(
        keys(response),
        [
            "id",
            "values",
            "status",
            "record_id",
            "user_id",
            "inserted_at",
            "updated_at"
        ]
    );
    assert_eq!(response["values"], json!({"label": {"value": "b"}}));
    // What is stored is what was sent: the list shows it, without relations unless asked.
    let listed = fx.list(&app, "").await;
    assert_eq!(listed["total"], 1);
    let stored = &listed["items"][0];
    assert_eq!(
        stored["fields"],
        json!({"text": "The quick fox", "custom": {"a": 1, "b": [1, 2]}})
    );
    assert!(stored.get("responses").is_none() && stored.get("vectors").is_none());
    Ok(())
}

#[tokio::test]
async fn records_of_one_bulk_keep_their_order_and_increasing_insert_times() -> TestResult {
    let app = TestApp::spawn().await;
    let fx = Fixture::new(&app).await;
    let items: Vec<Value> = (0..5)
        .map(|i| json!({"fields": {"text": format!("r{i}")}}))
        .collect();
    let created = fx.create(&app, Value::from(items)).await;
    let texts: Vec<&str> = (created.iter())
        .map(|r| r["fields"]["text"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(texts, ["r0", "r1", "r2", "r3", "r4"]);
    let times: Vec<&str> = (created.iter())
        .map(|r| r["inserted_at"].as_str().unwrap_or(""))
        .collect();
    assert!(times.windows(2).all(|w| w[0] < w[1]), "{times:?}");
    Ok(())
}

#[tokio::test]
async fn a_draft_dataset_takes_no_created_records_but_takes_upserted_ones() -> TestResult {
    let app = TestApp::spawn().await;
    let draft = app.create_dataset("draft").await;
    app.add_setting(&draft, "fields", text_field("text", true))
        .await;
    let path = format!("/api/v1/datasets/{draft}/records/bulk");
    let body = json!({"items": [{"fields": {"text": "x"}}]});
    let refused = app
        .send(Method::POST, &path, Some(OWNER_KEY), Some(body.clone()))
        .await;
    assert_eq!(
        refused,
        (
            422,
            plain_detail("records cannot be created for a non published dataset")
        )
    );
    let (status, answer) = app
        .send(Method::PUT, &path, Some(OWNER_KEY), Some(body))
        .await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(keys(&answer), ["items"], "no updated_item_ids");
    Ok(())
}

#[tokio::test]
async fn external_ids_in_use_are_refused_all_at_once() -> TestResult {
    let app = TestApp::spawn().await;
    let fx = Fixture::new(&app).await;
    fx.create(
        &app,
        json!([{"fields": {"text": "1"}, "external_id": "e1"},
                           {"fields": {"text": "2"}, "external_id": "e2"}]),
    )
    .await;
    let body = json!({"items": [{"fields": {"text": "n"}, "external_id": "e2"},
                                {"fields": {"text": "m"}, "external_id": "new"},
                                {"fields": {"text": "o"}, "external_id": "e1"}]});
    let answer = app
        .send(Method::POST, &fx.bulk_path(), Some(OWNER_KEY), Some(body))
        .await;
    assert_eq!(
        answer,
        (
            422,
            plain_detail("found records with same external ids: e2, e1")
        )
    );
    assert_eq!(fx.list(&app, "").await["total"], 2, "nothing was written");
    Ok(())
}

#[tokio::test]
async fn an_upsert_updates_by_id_then_by_external_id_else_creates() -> TestResult {
    let app = TestApp::spawn().await;
    let fx = Fixture::new(&app).await;
    let label = fx.question("label");
    let tags = fx.question("tags");
    let first = fx.create(&app, json!([
        {"fields": {"text": "one"}, "external_id": "e1", "metadata": {"year": 2000},
         "suggestions": [{"question_id": label, "value": "a"}], "vectors": {"emb": [1, 0, 0]}},
        {"fields": {"text": "two"}, "external_id": "e2"},
        {"fields": {"text": "other"}, "external_id": "e3"},
    ])).await;
    let (r1, r2) = (id(&first[0]), id(&first[1]));
    let items = json!([
        // By id (the external id of another record does not matter): its external id stays;
        // fields and metadata are replaced wholesale.
        {"id": r1, "external_id": "e3", "fields": {"text": "one, edited"}, "metadata": {"genre": "g"},
         "suggestions": [{"question_id": tags, "value": ["x"]}]},
        // By external id.
        {"external_id": "e2", "vectors": {"emb": [0, 1, 0]}},
        // Neither: a new record with an id of the server's.
        {"id": MISSING, "fields": {"text": "three"}},
    ]);
    let written = fx.upsert(&app, items).await;
    assert_eq!(id(&written[0]), r1);
    assert_eq!(
        written[0]["external_id"], "e1",
        "the external id of a found record stays"
    );
    assert_eq!(written[0]["metadata"], json!({"genre": "g"}));
    let suggested: Vec<&Value> = (written[0]["suggestions"]
        .as_array()
        .expect("suggestions")
        .iter())
    .map(|s| &s["value"])
    .collect();
    assert_eq!(
        suggested,
        [&json!("a"), &json!(["x"])],
        "suggestions are merged per question"
    );
    assert_eq!(written[0]["vectors"], json!({"emb": [1.0, 0.0, 0.0]}));
    assert_ne!(written[0]["updated_at"], first[0]["updated_at"]);
    assert_eq!(id(&written[1]), r2);
    assert_eq!(
        written[1]["fields"]["text"], "two",
        "fields not sent are kept"
    );
    assert_eq!(
        written[1]["updated_at"], first[1]["updated_at"],
        "vectors alone keep updated_at"
    );
    assert_ne!(id(&written[2]), MISSING);
    let listed = fx.list(&app, "").await;
    assert_eq!(listed["total"], 4);
    assert_eq!(
        listed["items"][2]["fields"]["text"], "other",
        "the record of e3 is untouched"
    );
    Ok(())
}

#[tokio::test]
async fn one_record_twice_in_an_upsert_is_answered_twice_with_the_last_values() -> TestResult {
    let app = TestApp::spawn().await;
    let fx = Fixture::new(&app).await;
    fx.create(
        &app,
        json!([{"fields": {"text": "t"}, "external_id": "e", "vectors": {"emb": [1, 1, 1]}}]),
    )
    .await;
    let written = fx
        .upsert(
            &app,
            json!([
                {"external_id": "e", "metadata": {"year": 2001}},
                {"id": id(&fx.list(&app, "").await["items"][0]), "metadata": {"year": 2002}},
            ]),
        )
        .await;
    assert_eq!(written.len(), 2);
    for record in &written {
        assert_eq!(record["metadata"], json!({"year": 2002}));
        assert_eq!(record["vectors"], json!({"emb": [1.0, 1.0, 1.0]}));
    }
    Ok(())
}

/// A record content refusal, as POST words it.
fn at_position(i: usize, why: &str) -> Value {
    plain_detail(&format!(
        "Record at position {i} is not valid because {why}"
    ))
}

#[rstest]
#[case::empty_fields(json!({"fields": {}}), "fields cannot be empty")]
#[case::missing_required(json!({"fields": {"chat": []}}), "missing required value for field: 'text'")]
#[case::null_required(json!({"fields": {"text": null}}), "missing required value for field: 'text'")]
#[case::unknown_fields(json!({"fields": {"text": "t", "zzz": "z", "nope": "n"}}),
    "found fields values for non configured fields: ['zzz', 'nope']")]
#[case::text_as_object(json!({"fields": {"text": {"a": 1}}}), "text field 'text' value must be a string")]
#[case::image_not_url(json!({"fields": {"text": "t", "image": "not a url"}}), "image field 'image' has an invalid URL value")]
#[case::image_without_path(json!({"fields": {"text": "t", "image": "https://example.com"}}), "image field 'image' has an invalid URL value")]
#[case::image_mime(json!({"fields": {"text": "t", "image": "data:text/plain;base64,aGk="}}),
    "image field 'image' value is using an unsupported MIME type, supported MIME types are: ['image/avif', 'image/gif', 'image/ico', 'image/jpeg', 'image/jpg', 'image/png', 'image/svg', 'image/webp']")]
#[case::chat_as_string(json!({"fields": {"text": "t", "chat": "hi"}}), "chat field 'chat' value must be a list of messages")]
#[case::custom_as_string(json!({"fields": {"text": "t", "custom": "c"}}), "custom field 'custom' value must be a dictionary")]
#[case::metadata_unknown(json!({"fields": {"text": "t"}, "metadata": {"nope": 1}}),
    "metadata is not valid: 'nope' metadata property does not exists for dataset '<ds>' and extra metadata is not allowed for this dataset")]
#[case::metadata_float_given_int(json!({"fields": {"text": "t"}, "metadata": {"score": 1}}),
    "metadata is not valid: 'score' metadata property validation failed because '1' is not a float.")]
#[case::metadata_below_min(json!({"fields": {"text": "t"}, "metadata": {"year": 1700}}),
    "metadata is not valid: 'year' metadata property validation failed because '1700' is less than the minimum value of '1800'.")]
#[case::metadata_not_integer(json!({"fields": {"text": "t"}, "metadata": {"year": "1950"}}),
    "metadata is not valid: 'year' metadata property validation failed because '1950' is not an integer.")]
#[case::vector_unknown(json!({"fields": {"text": "t"}, "vectors": {"zz": [1]}}),
    "record does not have valid vectors: vector with name=zz does not exist for dataset_id=<ds>")]
#[case::vector_dimensions(json!({"fields": {"text": "t"}, "vectors": {"emb": [1, 2]}}),
    "record does not have valid vectors: vector value for vector name=emb must have 3 elements, got 2 elements")]
#[case::suggestion_unknown_question(json!({"fields": {"text": "t"}, "suggestions": [{"question_id": MISSING, "value": "a"}]}),
    "record does not have valid suggestions: question id=00000000-0000-0000-0000-00000badc0de does not exists")]
#[case::response_unknown_user(json!({"fields": {"text": "t"}, "responses": [{"user_id": MISSING, "status": "draft", "values": {}}]}),
    "record does not have valid responses: user with id 00000000-0000-0000-0000-00000badc0de not found")]
#[case::response_missing_required(json!({"fields": {"text": "t"}, "responses": [{"user_id": OWNER_ID, "status": "submitted", "values": {"rating": {"value": 3}}}]}),
    "record does not have valid responses: missing response value for required question with name='label'")]
#[tokio::test]
async fn record_contents_are_checked_in_the_real_servers_words(
    #[case] item: Value,
    #[case] why: &str,
) -> TestResult {
    let app = TestApp::spawn().await;
    let fx = Fixture::new(&app).await;
    let why = why.replace("<ds>", &fx.dataset);
    let path = format!("/api/v1/datasets/{}", fx.dataset);
    let strict = json!({"allow_extra_metadata": false});
    app.owner_expects(Method::PATCH, &path, Some(strict), 200)
        .await;
    let body = json!({"items": [{"fields": {"text": "fine"}}, item]});
    let answer = app
        .send(Method::POST, &fx.bulk_path(), Some(OWNER_KEY), Some(body))
        .await;
    assert_eq!(answer, (422, at_position(1, &why)));
    assert_eq!(fx.list(&app, "").await["total"], 0, "all or nothing");
    Ok(())
}

#[rstest]
#[case::invalid_label("label", json!("c"), None,
    "'c' is not a valid label for label selection question.\nValid labels are: ['a', 'b']")]
#[case::list_score_for_single("label", json!("a"), Some(json!([0.5])),
    "a list of score values is not allowed for a suggestion with a single value")]
#[case::single_score_for_list("tags", json!(["x"]), Some(json!(0.5)),
    "a single score value is not allowed for a suggestion with a multiple items value")]
#[case::score_count("tags", json!(["x", "y"]), Some(json!([0.5])),
    "number of items on value and score attributes doesn't match")]
#[case::rating("rating", json!(7), None,
    "7 is not a valid rating for rating question.\nValid ratings are: [1, 2, 3, 4, 5]")]
#[case::multi_label_duplicates("tags", json!(["x", "x"]), None,
    "multi label selection questions expect a list of unique values, but duplicates were found")]
#[tokio::test]
async fn suggestion_values_and_scores_are_checked_against_their_question(
    #[case] question: &str,
    #[case] value: Value,
    #[case] score: Option<Value>,
    #[case] why: &str,
) -> TestResult {
    let app = TestApp::spawn().await;
    let fx = Fixture::new(&app).await;
    let mut suggestion = json!({"question_id": fx.question(question), "value": value});
    if let Some(score) = score {
        suggestion["score"] = score;
    }
    let body = json!({"items": [{"fields": {"text": "t"}, "suggestions": [suggestion]}]});
    let answer = app
        .send(Method::POST, &fx.bulk_path(), Some(OWNER_KEY), Some(body))
        .await;
    let why = format!("record does not have valid suggestions: {why}");
    assert_eq!(answer, (422, at_position(0, &why)));
    Ok(())
}

#[rstest]
#[case::field_number(json!({"items": [{"fields": {"text": 1}}]}), json!([
    {"type": "string_type", "loc": ["body", "items", 0, "fields", "text", "constrained-str"], "msg": "Input should be a valid string"},
    {"type": "list_type", "loc": ["body", "items", 0, "fields", "text", "list[ChatFieldValue]"], "msg": "Input should be a valid list"},
    {"type": "dict_type", "loc": ["body", "items", 0, "fields", "text", "dict[constrained-str,any]"], "msg": "Input should be a valid dictionary"}]))]
#[case::chat_of_strings(json!({"items": [{"fields": {"text": ["a"]}}]}), json!([
    {"type": "value_error", "loc": ["body", "items", 0, "fields"],
     "msg": "Value error, Error parsing chat field 'text': argilla_server.api.schemas.v1.chat.ChatFieldValue() argument after ** must be a mapping, not str"}]))]
#[case::no_items(json!({"items": []}), json!([
    {"type": "too_short", "loc": ["body", "items"], "msg": "List should have at least 1 item after validation, not 0"}]))]
#[case::duplicate_external_ids(json!({"items": [{"fields": {"text": "a"}, "external_id": "x"}, {"fields": {"text": "b"}, "external_id": "x"}]}), json!([
    {"type": "value_error", "loc": ["body", "items"], "msg": "Value error, External IDs must be unique"}]))]
#[case::agent_pattern(json!({"items": [{"fields": {"text": "a"}, "suggestions": [{"question_id": MISSING, "value": "a", "agent": "!!!"}]}]}), json!([
    {"type": "string_pattern_mismatch", "loc": ["body", "items", 0, "suggestions", 0, "agent"],
     "msg": "String should match pattern '^[a-zA-Z0-9-_:\\.\\/\\s]*[a-zA-Z0-9][a-zA-Z0-9-_:\\.\\/\\s]*$'"}]))]
#[case::score_range(json!({"items": [{"fields": {"text": "a"}, "suggestions": [{"question_id": MISSING, "value": "a", "score": 2}]}]}), json!([
    {"type": "value_error", "loc": ["body", "items", 0, "suggestions", 0, "score"], "msg": "Value error, score must be between 0 and 1"}]))]
#[case::response_status(json!({"items": [{"fields": {"text": "a"}, "responses": [{"user_id": OWNER_ID, "status": "pending"}]}]}), json!([
    {"type": "union_tag_invalid", "loc": ["body", "items", 0, "responses", 0],
     "msg": "Input tag 'pending' found using 'status' does not match any of the expected tags: <ResponseStatus.submitted: 'submitted'>, <ResponseStatus.draft: 'draft'>, <ResponseStatus.discarded: 'discarded'>"}]))]
#[case::two_responses_of_one_user(json!({"items": [{"fields": {"text": "a"}, "responses": [
        {"user_id": OWNER_ID, "status": "discarded"}, {"user_id": OWNER_ID, "status": "discarded"}]}]}), json!([
    {"type": "value_error", "loc": ["body", "items", 0, "responses"],
     "msg": format!("Value error, 'responses' contains several responses for the same user_id='{OWNER_ID}'")}]))]
#[tokio::test]
async fn bulk_bodies_are_validated_as_pydantic_does(
    #[case] body: Value,
    #[case] errors: Value,
) -> TestResult {
    let app = TestApp::spawn().await;
    let fx = Fixture::new(&app).await;
    let answer = app
        .send(Method::POST, &fx.bulk_path(), Some(OWNER_KEY), Some(body))
        .await;
    assert_eq!(answer, (422, validation_v2(errors)));
    Ok(())
}

#[tokio::test]
async fn an_image_field_given_an_object_is_an_invalid_url() -> TestResult {
    // The real server fails with a 500 on a non-empty object (docs/differences.md).
    let app = TestApp::spawn().await;
    let fx = Fixture::new(&app).await;
    for image in [
        json!({"url": "https://e.com/a.png"}),
        json!({}),
        json!([{"role": "a", "content": "b"}]),
    ] {
        let body = json!({"items": [{"fields": {"text": "t", "image": image}}]});
        let answer = app
            .send(Method::POST, &fx.bulk_path(), Some(OWNER_KEY), Some(body))
            .await;
        assert_eq!(
            answer,
            (
                422,
                at_position(0, "image field 'image' has an invalid URL value")
            )
        );
    }
    assert_eq!(fx.list(&app, "").await["total"], 0);
    Ok(())
}

#[tokio::test]
async fn a_discarded_response_without_values_is_stored_and_answered() -> TestResult {
    // The real server stores it, then fails with a 500 (docs/differences.md).
    let app = TestApp::spawn().await;
    let fx = Fixture::new(&app).await;
    let items = json!([{"fields": {"text": "t"}, "responses": [{"user_id": ADMIN_ID, "status": "discarded"}]}]);
    let created = fx.create(&app, items).await;
    assert_eq!(created[0]["responses"][0]["values"], Value::Null);
    assert_eq!(created[0]["responses"][0]["status"], "discarded");
    Ok(())
}

#[tokio::test]
async fn the_list_pages_oldest_first_and_includes_what_is_asked() -> TestResult {
    let app = TestApp::spawn().await;
    let fx = Fixture::new(&app).await;
    let label = fx.question("label");
    let items: Vec<Value> = (0..4)
        .map(|i| {
            json!({"fields": {"text": format!("r{i}")}, "vectors": {"emb": [i, 1, 1]},
                        "suggestions": [{"question_id": label, "value": "a"}]})
        })
        .collect();
    fx.create(&app, Value::from(items)).await;
    let path = fx.records_path();
    let page = app
        .owner_expects(Method::GET, &format!("{path}?offset=1&limit=2"), None, 200)
        .await;
    assert_eq!(page["total"], 4);
    let texts: Vec<&Value> = page["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|r| &r["fields"]["text"])
        .collect();
    assert_eq!(texts, [&json!("r1"), &json!("r2")]);
    let negative = app
        .owner_expects(Method::GET, &format!("{path}?offset=-1&limit=1"), None, 200)
        .await;
    assert_eq!(
        negative["items"][0]["fields"]["text"], "r0",
        "a negative offset is 0"
    );
    let all = fx
        .list(&app, "include=responses,suggestions&include=vectors")
        .await;
    assert_eq!(
        keys(&all["items"][0]),
        [
            "id",
            "status",
            "fields",
            "metadata",
            "external_id",
            "responses",
            "suggestions",
            "vectors",
            "dataset_id",
            "inserted_at",
            "updated_at"
        ]
    );
    let named = fx.list(&app, "include=vectors:emb,other").await;
    assert_eq!(
        named["items"][3]["vectors"],
        json!({"emb": [3.0, 1.0, 1.0]})
    );
    assert!(named["items"][3].get("suggestions").is_none());
    let none = fx.list(&app, "include=vectors:other").await;
    assert_eq!(none["items"][0]["vectors"], json!({}));
    Ok(())
}

#[rstest]
#[case::bad_form("include=a:b:c", plain_detail("'include' query parameter must be of the form 'key1,key2,key3' or 'key:value1,value2,value3'"))]
#[case::empty("include=", plain_detail("'include' query parameter must be of the form 'key1,key2,key3' or 'key:value1,value2,value3'"))]
#[case::unknown("include=bogus", plain_detail("1 validation error for RecordIncludeParam\nkeys.0\n  Input should be 'responses', 'suggestions' or 'vectors' [type=enum, input_value='bogus', input_type=str]\n    For further information visit https://errors.pydantic.dev/2.9/v/enum"))]
#[case::limit_0("limit=0", validation_v2(json!([{"type": "greater_than_equal", "loc": ["query", "limit"], "msg": "Input should be greater than or equal to 1"}])))]
#[case::limit_1001("limit=1001", validation_v2(json!([{"type": "less_than_equal", "loc": ["query", "limit"], "msg": "Input should be less than or equal to 1000"}])))]
#[case::not_ints("limit=abc&offset=x", validation_v2(json!([
    {"type": "int_parsing", "loc": ["query", "offset"], "msg": "Input should be a valid integer, unable to parse string as an integer"},
    {"type": "int_parsing", "loc": ["query", "limit"], "msg": "Input should be a valid integer, unable to parse string as an integer"}])))]
#[tokio::test]
async fn list_queries_are_refused_as_the_real_server_refuses_them(
    #[case] query: &str,
    #[case] expected: Value,
) -> TestResult {
    let app = TestApp::spawn().await;
    let fx = Fixture::new(&app).await;
    let answer = app
        .send(
            Method::GET,
            &format!("{}?{query}", fx.records_path()),
            Some(OWNER_KEY),
            None,
        )
        .await;
    assert_eq!(answer, (422, expected));
    Ok(())
}

#[tokio::test]
async fn a_bad_include_is_refused_before_the_caller_is_authenticated() -> TestResult {
    let app = TestApp::spawn().await;
    let fx = Fixture::new(&app).await;
    let path = format!("{}?include=bogus", fx.records_path());
    let (status, _) = app.send(Method::GET, &path, None, None).await;
    assert_eq!(status, 422);
    let (status, _) = app.send(Method::GET, &fx.records_path(), None, None).await;
    assert_eq!(status, 401);
    Ok(())
}

#[tokio::test]
async fn one_record_is_read_with_every_relation() -> TestResult {
    let app = TestApp::spawn().await;
    let fx = Fixture::new(&app).await;
    let created = fx.create(&app, json!([{"fields": {"text": "plain"}}, {"fields": {"text": "v"}, "vectors": {"emb": [1, 2, 3]}}])).await;
    let path = format!("/api/v1/records/{}", id(&created[0]));
    let record = app
        .send(Method::GET, &path, Some(ANNOTATOR_KEY), None)
        .await;
    assert_eq!(record.0, 200, "a member reads it");
    assert_eq!(record.1["responses"], json!([]));
    assert_eq!(record.1["vectors"], json!({}));
    assert_eq!(record.1["fields"], json!({"text": "plain"}), "as stored");
    let outsider = app.send(Method::GET, &path, Some(BOB_KEY), None).await;
    assert_eq!(outsider, (403, forbidden()));
    let with_vectors = format!("/api/v1/records/{}", id(&created[1]));
    // The real server fails with a 500 on a record with vectors (docs/differences.md).
    let record = app
        .owner_expects(Method::GET, &with_vectors, None, 200)
        .await;
    assert_eq!(record["vectors"], json!({"emb": [1.0, 2.0, 3.0]}));
    let unknown = app
        .send(
            Method::GET,
            &format!("/api/v1/records/{MISSING}"),
            Some(BOB_KEY),
            None,
        )
        .await;
    assert_eq!(
        unknown,
        (
            404,
            plain_detail(&format!("Record with id `{MISSING}` not found"))
        )
    );
    Ok(())
}

#[tokio::test]
async fn a_patch_replaces_fields_metadata_and_suggestions_and_upserts_vectors() -> TestResult {
    let app = TestApp::spawn().await;
    let fx = Fixture::new(&app).await;
    let (label, tags) = (fx.question("label"), fx.question("tags"));
    let created = fx
        .create(
            &app,
            json!([{"fields": {"text": "t"}, "metadata": {"year": 2000},
        "suggestions": [{"question_id": label, "value": "a"}]}]),
        )
        .await;
    let path = format!("/api/v1/records/{}", id(&created[0]));
    let unchanged = app
        .owner_expects(
            Method::PATCH,
            &path,
            Some(json!({"external_id": "ignored"})),
            200,
        )
        .await;
    assert_eq!(
        unchanged["updated_at"], created[0]["updated_at"],
        "nothing set: nothing changes"
    );
    assert_eq!(
        unchanged["fields"],
        json!({"text": "t"}),
        "and the fields show as stored"
    );
    let body = json!({"fields": {"text": "new", "custom": {"k": "v"}}, "metadata": null,
                      "suggestions": [{"question_id": tags, "value": ["y"]}], "vectors": {"emb": [0, 0, 1]}});
    let patched = app
        .owner_expects(Method::PATCH, &path, Some(body), 200)
        .await;
    assert_eq!(
        patched["fields"],
        json!({"text": "new", "custom": "{'k': 'v'}", "chat": null})
    );
    assert_eq!(patched["metadata"], Value::Null);
    assert_eq!(
        patched["suggestions"].as_array().map(Vec::len),
        Some(1),
        "suggestions are replaced"
    );
    assert_eq!(patched["suggestions"][0]["question_id"], tags.as_str());
    assert_eq!(patched["vectors"], json!({"emb": [0.0, 0.0, 1.0]}));
    assert_ne!(patched["updated_at"], created[0]["updated_at"]);
    let cleared = app
        .owner_expects(Method::PATCH, &path, Some(json!({"suggestions": []})), 200)
        .await;
    assert_eq!(cleared["suggestions"], json!([]));
    let refused = app
        .send(
            Method::PATCH,
            &path,
            Some(OWNER_KEY),
            Some(json!({"fields": null})),
        )
        .await;
    assert_eq!(refused, (422, plain_detail("fields cannot be empty")));
    let annotator = app
        .send(
            Method::PATCH,
            &path,
            Some(ANNOTATOR_KEY),
            Some(json!({"metadata": {}})),
        )
        .await;
    assert_eq!(annotator, (403, forbidden()));
    let loc_errors = app
        .send(
            Method::PATCH,
            &path,
            Some(OWNER_KEY),
            Some(json!({"fields": {"x": 1}})),
        )
        .await;
    assert_eq!(
        loc_errors.1["detail"]["params"]["errors"][0]["loc"],
        json!(["body", "fields", "x", "str"])
    );
    Ok(())
}

#[tokio::test]
async fn deleting_a_record_answers_it_without_relations_and_takes_them_along() -> TestResult {
    let app = TestApp::spawn().await;
    let fx = Fixture::new(&app).await;
    let created = fx.create(&app, json!([{"fields": {"text": "t"}, "vectors": {"emb": [1, 1, 1]},
        "responses": [{"user_id": OWNER_ID, "status": "submitted", "values": {"label": {"value": "a"}}}]}])).await;
    let path = format!("/api/v1/records/{}", id(&created[0]));
    let annotator = app
        .send(Method::DELETE, &path, Some(ANNOTATOR_KEY), None)
        .await;
    assert_eq!(annotator, (403, forbidden()));
    let deleted = app.owner_expects(Method::DELETE, &path, None, 200).await;
    assert_eq!(
        keys(&deleted),
        [
            "id",
            "status",
            "fields",
            "metadata",
            "external_id",
            "dataset_id",
            "inserted_at",
            "updated_at"
        ]
    );
    let again = app.send(Method::DELETE, &path, Some(OWNER_KEY), None).await;
    assert_eq!(again.0, 404);
    let response_id = created[0]["responses"][0]["id"].as_str().expect("response");
    let gone = app
        .send(
            Method::DELETE,
            &format!("/api/v1/responses/{response_id}"),
            Some(OWNER_KEY),
            None,
        )
        .await;
    assert_eq!(gone.0, 404, "its responses went with it");
    Ok(())
}

#[tokio::test]
async fn bulk_deletes_take_only_the_datasets_records_and_check_their_ids() -> TestResult {
    let app = TestApp::spawn().await;
    let fx = Fixture::new(&app).await;
    let created = fx.create(&app, json!([{"fields": {"text": "1"}}, {"fields": {"text": "2"}}, {"fields": {"text": "3"}}])).await;
    let path = fx.records_path();
    let ids = format!(
        "{},{},{MISSING}",
        id(&created[0]),
        id(&created[1]).to_uppercase()
    );
    let deleted = app
        .request(
            Method::DELETE,
            &format!("{path}?ids={ids}"),
            Some(OWNER_KEY),
        )
        .send()
        .await?;
    assert_eq!(deleted.status(), 204);
    assert_eq!(deleted.headers()["content-type"], "application/json");
    assert_eq!(deleted.text().await?, "");
    assert_eq!(fx.list(&app, "").await["total"], 1);
    let many = vec![MISSING; 101].join(",");
    let cases = [
        (format!("{path}?ids="), plain_detail("Invalid UUID format")),
        (format!("{path}?ids=x"), plain_detail("Invalid UUID format")),
        (
            format!("{path}?ids={MISSING},"),
            plain_detail("Invalid UUID format"),
        ),
        (
            format!("{path}?ids={many}"),
            plain_detail("Cannot delete more than 100 records at once"),
        ),
        (
            path.clone(),
            validation_v2(
                json!([{"type": "missing", "loc": ["query", "ids"], "msg": "Field required"}]),
            ),
        ),
    ];
    for (target, expected) in cases {
        assert_eq!(
            app.send(Method::DELETE, &target, Some(OWNER_KEY), None)
                .await,
            (422, expected),
            "{target}"
        );
    }
    let annotator = app
        .send(
            Method::DELETE,
            &format!("{path}?ids=x"),
            Some(ANNOTATOR_KEY),
            None,
        )
        .await;
    assert_eq!(
        annotator,
        (403, forbidden()),
        "the role is checked before the ids"
    );
    Ok(())
}

#[tokio::test]
async fn the_legacy_record_routes_are_not_allowed() -> TestResult {
    let app = TestApp::spawn().await;
    let fx = Fixture::new(&app).await;
    for method in [Method::POST, Method::PATCH, Method::PUT] {
        let response = app
            .request(method, &fx.records_path(), Some(OWNER_KEY))
            .json(&json!({"items": []}))
            .send()
            .await?;
        assert_eq!(response.status(), 405);
        assert_eq!(response.headers()["allow"], "GET");
    }
    Ok(())
}
