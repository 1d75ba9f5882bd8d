//! Responses and suggestions of Argilla 2.x records (`argilla-2x-records-api.md` §3.3–§3.6,
//! §6): who may write them, the record status they give, the bulk of "my" responses, and the
//! progress and metrics counted from them.

use crate::helpers::*;
use crate::records_support::*;
use reqwest::Method;
use serde_json::{json, Value};

const MISSING: &str = "00000000-0000-0000-0000-00000badc0de";

async fn record(app: &TestApp, fx: &Fixture) -> String {
    id(&fx
        .create(app, json!([{"fields": {"text": "Ada Lovelace"}}]))
        .await[0])
}

async fn status_of(app: &TestApp, record: &str) -> Value {
    let path = format!("/api/v1/records/{record}");
    app.owner_expects(Method::GET, &path, None, 200).await["status"].clone()
}

#[tokio::test]
async fn responses_complete_a_record_once_enough_are_submitted() -> TestResult {
    let app = TestApp::spawn().await;
    let fx = Fixture::new(&app).await;
    let path = format!("/api/v1/datasets/{}", fx.dataset);
    let two = json!({"distribution": {"strategy": "overlap", "min_submitted": 2}});
    let (status, _) = app
        .send(Method::PATCH, &path, Some(OWNER_KEY), Some(two))
        .await;
    assert_eq!(status, 200);
    let record = record(&app, &fx).await;
    let responses = format!("/api/v1/records/{record}/responses");
    let submitted = json!({"values": {"label": {"value": "a"}}, "status": "submitted"});
    let (status, mine) = app
        .send(
            Method::POST,
            &responses,
            Some(ANNOTATOR_KEY),
            Some(submitted.clone()),
        )
        .await;
    assert_eq!(status, 201, "{mine}");
    assert_eq!(mine["user_id"], ANNOTATOR_ID);
    assert_eq!(status_of(&app, &record).await, "pending", "1 of 2");
    let again = app
        .send(
            Method::POST,
            &responses,
            Some(ANNOTATOR_KEY),
            Some(json!({"status": "submitted"})),
        )
        .await;
    let conflict = format!("Response already exists for record with id `{record}` and by user with id `{ANNOTATOR_ID}`");
    assert_eq!(
        again,
        (409, plain_detail(&conflict)),
        "409 before the values are checked"
    );
    app.send(Method::POST, &responses, Some(ADMIN_KEY), Some(submitted))
        .await;
    assert_eq!(status_of(&app, &record).await, "completed");
    // Back to a draft: pending again.
    let response = format!("/api/v1/responses/{}", mine["id"].as_str().expect("id"));
    let draft = json!({"values": {"label": {"value": "b"}}, "status": "draft"});
    let (status, updated) = app
        .send(Method::PUT, &response, Some(ANNOTATOR_KEY), Some(draft))
        .await;
    assert_eq!(status, 200, "its user updates it");
    assert_eq!(updated["values"], json!({"label": {"value": "b"}}));
    assert_eq!(status_of(&app, &record).await, "pending");
    let outsider = app
        .send(
            Method::POST,
            &responses,
            Some(BOB_KEY),
            Some(json!({"status": "discarded", "values": {}})),
        )
        .await;
    assert_eq!(outsider, (403, forbidden()));
    let other = app
        .send(Method::DELETE, &response, Some(BOB_KEY), None)
        .await;
    assert_eq!(other, (403, forbidden()));
    let deleted = app
        .send(Method::DELETE, &response, Some(ANNOTATOR_KEY), None)
        .await;
    assert_eq!(deleted.0, 200);
    let gone = app
        .send(Method::DELETE, &response, Some(ANNOTATOR_KEY), None)
        .await;
    let id = mine["id"].as_str().expect("id");
    assert_eq!(
        gone,
        (
            404,
            plain_detail(&format!("Response with id `{id}` not found"))
        )
    );
    Ok(())
}

#[tokio::test]
async fn response_values_are_checked_in_the_real_servers_words() -> TestResult {
    let app = TestApp::spawn().await;
    let fx = Fixture::new(&app).await;
    let record = record(&app, &fx).await;
    let responses = format!("/api/v1/records/{record}/responses");
    let cases = [
        (
            json!({"status": "submitted"}),
            "missing response values for submitted response",
        ),
        (
            json!({"status": "submitted", "values": {}}),
            "missing response values for submitted response",
        ),
        (
            json!({"status": "submitted", "values": {"rating": {"value": 3}}}),
            "missing response value for required question with name='label'",
        ),
        (
            json!({"status": "draft", "values": {"nope": {"value": 3}}}),
            "found response value for non configured question with name='nope'",
        ),
        (
            json!({"status": "draft", "values": {"label": {"value": 5}}}),
            "5 is not a valid label for label selection question.\nValid labels are: ['a', 'b']",
        ),
        (
            json!({"status": "draft", "values": {"notes": {"value": 5}}}),
            "text question expects a text value, found <class 'int'>",
        ),
        (
            json!({"status": "draft", "values": {"tags": {"value": []}}}),
            "multi label selection questions expects a list of values, found empty list",
        ),
    ];
    for (body, why) in cases {
        let answer = app
            .send(
                Method::POST,
                &responses,
                Some(OWNER_KEY),
                Some(body.clone()),
            )
            .await;
        assert_eq!(answer, (422, plain_detail(why)), "{body}");
    }
    let schema = app
        .send(
            Method::POST,
            &responses,
            Some(OWNER_KEY),
            Some(json!({"values": {}, "status": "pending"})),
        )
        .await;
    let errors = json!([{"type": "enum", "loc": ["body", "status"], "msg": "Input should be 'draft', 'submitted' or 'discarded'"}]);
    assert_eq!(schema, (422, validation_v2(errors)));
    let unknown = app
        .send(
            Method::POST,
            &format!("/api/v1/records/{MISSING}/responses"),
            Some(OWNER_KEY),
            Some(json!({"status": "draft", "values": {}})),
        )
        .await;
    assert_eq!(
        unknown,
        (
            404,
            plain_detail(&format!("Record with id `{MISSING}` not found"))
        )
    );
    let update = app
        .send(
            Method::PUT,
            &format!("/api/v1/responses/{MISSING}"),
            Some(OWNER_KEY),
            Some(json!({"status": "pending"})),
        )
        .await;
    let tag = "Input tag 'pending' found using 'status' does not match any of the expected tags: \
               <ResponseStatus.submitted: 'submitted'>, <ResponseStatus.discarded: 'discarded'>, <ResponseStatus.draft: 'draft'>";
    assert_eq!(
        update,
        (
            422,
            validation_v2(json!([{"type": "union_tag_invalid", "loc": ["body"], "msg": tag}]))
        )
    );
    Ok(())
}

#[tokio::test]
async fn a_discarded_response_may_have_no_values() -> TestResult {
    // The real server stores it, then fails with a 500 (docs/differences.md).
    let app = TestApp::spawn().await;
    let fx = Fixture::new(&app).await;
    let record = record(&app, &fx).await;
    let responses = format!("/api/v1/records/{record}/responses");
    let (status, created) = app
        .send(
            Method::POST,
            &responses,
            Some(OWNER_KEY),
            Some(json!({"status": "discarded"})),
        )
        .await;
    assert_eq!((status, &created["values"]), (201, &Value::Null));
    let response = format!("/api/v1/responses/{}", created["id"].as_str().expect("id"));
    let draft = app
        .send(
            Method::PUT,
            &response,
            Some(OWNER_KEY),
            Some(json!({"status": "draft"})),
        )
        .await;
    assert_eq!((draft.0, &draft.1["status"]), (200, &json!("draft")));
    Ok(())
}

#[tokio::test]
async fn my_responses_bulk_answers_each_item_in_order() -> TestResult {
    let app = TestApp::spawn().await;
    let fx = Fixture::new(&app).await;
    let record = record(&app, &fx).await;
    let items = json!({"items": [
        {"record_id": record, "status": "submitted", "values": {"label": {"value": "a"}}},
        {"record_id": MISSING, "status": "draft", "values": {}},
        {"record_id": record, "status": "submitted", "values": {"rating": {"value": 2}}},
        {"record_id": record, "status": "discarded"},
    ]});
    let answer = app
        .owner_expects(Method::POST, "/api/v1/me/responses/bulk", Some(items), 200)
        .await;
    let outcomes = answer["items"].as_array().expect("items");
    assert_eq!(
        outcomes[0]["item"]["values"],
        json!({"label": {"value": "a"}})
    );
    assert_eq!(outcomes[0]["error"], Value::Null);
    assert_eq!(
        outcomes[1],
        json!({"item": null, "error": {"detail": format!("Record with id `{MISSING}` not found")}})
    );
    assert_eq!(
        outcomes[2]["error"]["detail"],
        "missing response value for required question with name='label'"
    );
    // The real server's item is an error, the response stored (docs/differences.md).
    assert_eq!(outcomes[3]["item"]["values"], Value::Null);
    let stored = app
        .owner_expects(Method::GET, &format!("/api/v1/records/{record}"), None, 200)
        .await;
    assert_eq!(
        stored["responses"].as_array().map(Vec::len),
        Some(1),
        "one per user, upserted"
    );
    assert_eq!(stored["responses"][0]["status"], "discarded");
    let outsider = json!({"items": [{"record_id": record, "status": "discarded", "values": {}}]});
    let (status, answer) = app
        .send(
            Method::POST,
            "/api/v1/me/responses/bulk",
            Some(BOB_KEY),
            Some(outsider),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        answer["items"][0]["error"]["detail"],
        "argilla.api.errors::ForbiddenOperationError(detail=Operation not allowed)"
    );
    Ok(())
}

#[tokio::test]
async fn a_suggestion_is_created_then_replaced_whole_and_deleted() -> TestResult {
    let app = TestApp::spawn().await;
    let fx = Fixture::new(&app).await;
    let record = record(&app, &fx).await;
    let path = format!("/api/v1/records/{record}/suggestions");
    let label = fx.question("label");
    let full =
        json!({"question_id": label, "value": "a", "score": 0.5, "agent": "m1", "type": "model"});
    let (status, created) = app
        .send(Method::PUT, &path, Some(OWNER_KEY), Some(full))
        .await;
    assert_eq!(status, 201);
    let (status, replaced) = app
        .send(
            Method::PUT,
            &path,
            Some(OWNER_KEY),
            Some(json!({"question_id": label, "value": "b"})),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(replaced["id"], created["id"]);
    assert_eq!(
        (&replaced["agent"], &replaced["score"], &replaced["type"]),
        (&Value::Null, &Value::Null, &Value::Null)
    );
    let unknown = app
        .send(
            Method::PUT,
            &path,
            Some(OWNER_KEY),
            Some(json!({"question_id": MISSING, "value": "b"})),
        )
        .await;
    assert_eq!(
        unknown,
        (
            422,
            plain_detail(&format!("Question with id `{MISSING}` not found"))
        )
    );
    let invalid = app
        .send(
            Method::PUT,
            &path,
            Some(OWNER_KEY),
            Some(json!({"question_id": fx.question("rating"), "value": 11})),
        )
        .await;
    assert_eq!(
        invalid,
        (
            422,
            plain_detail(
                "11 is not a valid rating for rating question.\nValid ratings are: [1, 2, 3, 4, 5]"
            )
        )
    );
    let annotator = app
        .send(
            Method::PUT,
            &path,
            Some(ANNOTATOR_KEY),
            Some(json!({"question_id": label, "value": "a"})),
        )
        .await;
    assert_eq!(annotator, (403, forbidden()));
    let listed = app
        .send(Method::GET, &path, Some(ANNOTATOR_KEY), None)
        .await;
    assert_eq!(listed.0, 200);
    assert_eq!(listed.1["items"].as_array().map(Vec::len), Some(1));
    let options = app
        .owner_expects(
            Method::GET,
            &format!(
                "/api/v1/datasets/{}/records/search/suggestions/options",
                fx.dataset
            ),
            None,
            200,
        )
        .await;
    assert_eq!(
        options["items"][0],
        json!({"question": {"id": label, "name": "label"}, "agents": []})
    );
    let suggestion = created["id"].as_str().expect("id");
    let deleted = app
        .owner_expects(
            Method::DELETE,
            &format!("/api/v1/suggestions/{suggestion}"),
            None,
            200,
        )
        .await;
    assert_eq!(deleted["value"], "b");
    let again = app
        .send(
            Method::DELETE,
            &format!("/api/v1/suggestions/{suggestion}"),
            Some(OWNER_KEY),
            None,
        )
        .await;
    assert_eq!(
        again,
        (
            404,
            plain_detail(&format!("Suggestion with id `{suggestion}` not found"))
        )
    );
    Ok(())
}

#[tokio::test]
async fn suggestion_options_list_each_questions_agents() -> TestResult {
    let app = TestApp::spawn().await;
    let fx = Fixture::new(&app).await;
    let (label, tags) = (fx.question("label"), fx.question("tags"));
    fx.create(&app, json!([
        {"fields": {"text": "1"}, "suggestions": [{"question_id": label, "value": "a", "agent": "m-a"},
                                                   {"question_id": tags, "value": ["x"], "agent": "m-b"}]},
        {"fields": {"text": "2"}, "suggestions": [{"question_id": label, "value": "b", "agent": "m-c"}]},
        {"fields": {"text": "3"}, "suggestions": [{"question_id": label, "value": "b", "agent": "m-a"}]},
    ])).await;
    let path = format!(
        "/api/v1/datasets/{}/records/search/suggestions/options",
        fx.dataset
    );
    let options = app
        .send(Method::GET, &path, Some(ANNOTATOR_KEY), None)
        .await;
    assert_eq!(options.0, 200);
    let agents: Vec<(&Value, &Value)> = (options.1["items"].as_array().expect("items").iter())
        .map(|o| (&o["question"]["name"], &o["agents"]))
        .collect();
    assert_eq!(
        agents,
        [
            (&json!("label"), &json!(["m-a", "m-c"])),
            (&json!("tags"), &json!(["m-b"])),
            (&json!("rating"), &json!([])),
            (&json!("notes"), &json!([])),
        ]
    );
    Ok(())
}

#[tokio::test]
async fn bulk_suggestion_deletes_check_their_ids() -> TestResult {
    let app = TestApp::spawn().await;
    let fx = Fixture::new(&app).await;
    let label = fx.question("label");
    let created = fx.create(&app, json!([{"fields": {"text": "1"}, "suggestions": [{"question_id": label, "value": "a"}]}])).await;
    let record = id(&created[0]);
    let suggestion = created[0]["suggestions"][0]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let path = format!("/api/v1/records/{record}/suggestions");
    let many = vec![MISSING; 101].join(",");
    let refused = app
        .send(
            Method::DELETE,
            &format!("{path}?ids={many}"),
            Some(OWNER_KEY),
            None,
        )
        .await;
    assert_eq!(
        refused,
        (
            422,
            plain_detail("Cannot delete more than 100 suggestions at once")
        )
    );
    let bad = app
        .send(
            Method::DELETE,
            &format!("{path}?ids="),
            Some(OWNER_KEY),
            None,
        )
        .await;
    assert_eq!(bad, (422, plain_detail("Invalid UUID format")));
    let target = format!("{path}?ids={suggestion},{MISSING}");
    let deleted = app
        .request(Method::DELETE, &target, Some(OWNER_KEY))
        .send()
        .await?;
    assert_eq!(deleted.status(), 204);
    let left = app.owner_expects(Method::GET, &path, None, 200).await;
    assert_eq!(left, json!({"items": []}));
    Ok(())
}

#[tokio::test]
async fn progress_and_metrics_count_records_responses_and_metadata() -> TestResult {
    let app = TestApp::spawn().await;
    let fx = Fixture::new(&app).await;
    let submitted = |user: &str| json!({"user_id": user, "status": "submitted", "values": {"label": {"value": "a"}}});
    let draft = |user: &str| json!({"user_id": user, "status": "draft", "values": {"label": {"value": "b"}}});
    fx.create(&app, json!([
        {"fields": {"text": "1"}, "metadata": {"genre": "fiction", "year": 1950, "score": 0.123456789},
         "responses": [submitted(ANNOTATOR_ID), draft(ADMIN_ID)]},
        {"fields": {"text": "2"}, "metadata": {"genre": ["fiction", "poetry"], "year": 2001},
         "responses": [draft(ANNOTATOR_ID)]},
        {"fields": {"text": "3"}, "metadata": {"genre": "history"}},
    ])).await;
    let ds = &fx.dataset;
    let progress = app
        .owner_expects(
            Method::GET,
            &format!("/api/v1/datasets/{ds}/progress"),
            None,
            200,
        )
        .await;
    assert_eq!(
        progress,
        json!({"total": 3, "completed": 1, "pending": 2,
        "users": [{"username": "annotator"}, {"username": "admin"}]})
    );
    let users = app
        .owner_expects(
            Method::GET,
            &format!("/api/v1/datasets/{ds}/users/progress"),
            None,
            200,
        )
        .await;
    assert_eq!(
        users,
        json!({"users": [
            {"username": "admin", "completed": {"submitted": 0, "discarded": 0, "draft": 1}, "pending": {"submitted": 0, "discarded": 0, "draft": 0}},
            {"username": "annotator", "completed": {"submitted": 1, "discarded": 0, "draft": 0}, "pending": {"submitted": 0, "discarded": 0, "draft": 1}},
        ]})
    );
    // The annotator responded to records 1 and 2: record 1 has a submitted and a draft
    // response (anyone's), record 2 a draft.
    let (status, mine) = app
        .send(
            Method::GET,
            &format!("/api/v1/me/datasets/{ds}/metrics"),
            Some(ANNOTATOR_KEY),
            None,
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        mine,
        json!({"responses": {"total": 3, "submitted": 1, "discarded": 0, "draft": 2, "pending": 0}})
    );
    let properties = app
        .owner_expects(
            Method::GET,
            &format!("/api/v1/me/datasets/{ds}/metadata-properties"),
            None,
            200,
        )
        .await;
    let property = |name: &str| -> String {
        let all = properties["items"].as_array().expect("items");
        let found = all.iter().find(|p| p["name"] == name).expect("property");
        found["id"].as_str().expect("id").to_owned()
    };
    let metrics = |name: &str| format!("/api/v1/metadata-properties/{}/metrics", property(name));
    let genre = app
        .owner_expects(Method::GET, &metrics("genre"), None, 200)
        .await;
    assert_eq!(
        genre,
        json!({"type": "terms", "total": 4, "values": [
        {"term": "fiction", "count": 2}, {"term": "history", "count": 1}, {"term": "poetry", "count": 1}]})
    );
    let year = app
        .owner_expects(Method::GET, &metrics("year"), None, 200)
        .await;
    assert_eq!(year, json!({"min": 1950, "max": 2001, "type": "integer"}));
    let score = app
        .owner_expects(Method::GET, &metrics("score"), None, 200)
        .await;
    assert_eq!(
        score,
        json!({"min": 0.12346, "max": 0.12346, "type": "float"})
    );
    Ok(())
}

#[tokio::test]
async fn a_draft_datasets_progress_counts_no_records_but_names_its_responders() -> TestResult {
    let app = TestApp::spawn().await;
    let draft = app.create_dataset("draft").await;
    app.add_setting(&draft, "fields", text_field("text", true))
        .await;
    app.add_setting(
        &draft,
        "questions",
        label_question("label", &["a", "b"], true),
    )
    .await;
    let items = json!({"items": [{"fields": {"text": "t"},
        "responses": [{"user_id": OWNER_ID, "status": "draft", "values": {"label": {"value": "a"}}}]}]});
    app.owner_expects(
        Method::PUT,
        &format!("/api/v1/datasets/{draft}/records/bulk"),
        Some(items),
        200,
    )
    .await;
    let progress = app
        .owner_expects(
            Method::GET,
            &format!("/api/v1/datasets/{draft}/progress"),
            None,
            200,
        )
        .await;
    assert_eq!(
        progress,
        json!({"total": 0, "completed": 0, "pending": 0, "users": [{"username": "argilla"}]})
    );
    Ok(())
}
