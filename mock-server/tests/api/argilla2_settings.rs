//! A dataset's settings in Argilla 2.x (`argilla-2x-datasets-api.md` §3.7–§3.10, §5): fields,
//! questions, metadata properties and vector settings; their shapes, rules and refusals, and
//! what may change once the dataset is published.

use crate::helpers::*;
use reqwest::Method;
use rstest::rstest;
use serde_json::{json, Value};

const MISSING: &str = "00000000-0000-0000-0000-00000badc0de";

fn id(v: &Value) -> String {
    v["id"].as_str().expect("id").to_owned()
}

#[rstest]
#[case::text(json!({"type": "text"}), json!({"type": "text", "use_markdown": false}))]
#[case::image(json!({"type": "image", "extra": 1}), json!({"type": "image"}))]
#[case::chat(json!({"type": "chat"}), json!({"type": "chat", "use_markdown": true}))]
#[case::custom(json!({"type": "custom", "template": "<p>{{record.fields.x}}</p>"}),
    json!({"type": "custom", "template": "<p>{{record.fields.x}}</p>", "advanced_mode": false}))]
#[tokio::test]
async fn each_field_type_takes_its_settings_with_their_defaults(
    #[case] sent: Value,
    #[case] kept: Value,
) -> TestResult {
    let app = TestApp::spawn().await;
    let ds = app.create_dataset("ds").await;
    let body = json!({"name": "f", "title": "F", "settings": sent, "description": "dropped"});
    let field = app.add_setting(&ds, "fields", body).await;
    assert_eq!(
        keys(&field),
        [
            "id",
            "name",
            "title",
            "required",
            "settings",
            "dataset_id",
            "inserted_at",
            "updated_at"
        ]
    );
    assert_eq!(field["settings"], kept);
    assert_eq!(field["required"], false, "left out: not required");
    assert_eq!(field["dataset_id"], ds.as_str());
    Ok(())
}

#[rstest]
#[case::unknown_type(json!({"type": "audio"}), json!([{"type": "union_tag_invalid", "loc": ["body", "settings"],
    "msg": "Input tag 'audio' found using 'type' does not match any of the expected tags: <FieldType.text: 'text'>, <FieldType.image: 'image'>, <FieldType.chat: 'chat'>, <FieldType.custom: 'custom'>"}]))]
#[case::no_type(json!({"use_markdown": true}), json!([{"type": "union_tag_not_found", "loc": ["body", "settings"],
    "msg": "Unable to extract tag using discriminator 'type'"}]))]
#[case::custom_without_template(json!({"type": "custom"}), json!([{"type": "missing",
    "loc": ["body", "settings", "custom", "template"], "msg": "Field required"}]))]
#[case::not_an_object(json!("text"), json!([{"type": "model_attributes_type", "loc": ["body", "settings"],
    "msg": "Input should be a valid dictionary or object to extract fields from"}]))]
#[tokio::test]
async fn field_settings_are_a_union_tagged_by_type(
    #[case] settings: Value,
    #[case] errors: Value,
) -> TestResult {
    let app = TestApp::spawn().await;
    let ds = app.create_dataset("ds").await;
    let path = format!("/api/v1/datasets/{ds}/fields");
    let body = json!({"name": "f", "title": "t", "settings": settings});
    let answer = app
        .send(Method::POST, &path, Some(OWNER_KEY), Some(body))
        .await;
    assert_eq!(answer, (422, validation_v2(errors)));
    Ok(())
}

#[tokio::test]
async fn a_field_name_is_unique_in_its_dataset_and_separate_from_question_names() -> TestResult {
    let app = TestApp::spawn().await;
    let ds = app.create_dataset("ds").await;
    app.add_setting(&ds, "fields", text_field("text", true))
        .await;
    let path = format!("/api/v1/datasets/{ds}/fields");
    let again = app
        .send(
            Method::POST,
            &path,
            Some(OWNER_KEY),
            Some(text_field("text", false)),
        )
        .await;
    let taken = format!("Field with name `text` already exists for dataset with id `{ds}`");
    assert_eq!(again, (409, plain_detail(&taken)));
    app.add_setting(&ds, "fields", text_field("TEXT", false))
        .await;
    app.add_setting(&ds, "questions", label_question("text", &["a", "b"], true))
        .await;
    let other = app.create_dataset("other").await;
    app.add_setting(&other, "fields", text_field("text", true))
        .await;
    Ok(())
}

#[tokio::test]
async fn a_field_patch_changes_title_and_settings_but_not_its_type() -> TestResult {
    let app = TestApp::spawn().await;
    let ds = app.create_dataset("ds").await;
    let field = app
        .add_setting(&ds, "fields", text_field("text", true))
        .await;
    let path = format!("/api/v1/fields/{}", id(&field));
    let same = app
        .owner_expects(Method::PATCH, &path, Some(json!({})), 200)
        .await;
    assert_eq!(same, field, "an empty PATCH changes nothing");
    let body = json!({"title": "Body", "name": "ignored", "required": false,
        "settings": {"type": "text", "use_markdown": true}});
    let changed = app
        .owner_expects(Method::PATCH, &path, Some(body), 200)
        .await;
    assert_eq!(
        (&changed["title"], &changed["name"], &changed["required"]),
        (&json!("Body"), &json!("text"), &json!(true))
    );
    assert_eq!(changed["settings"]["use_markdown"], true);
    assert_ne!(changed["updated_at"], field["updated_at"]);
    let image = json!({"settings": {"type": "image"}});
    assert_eq!(
        app.send(Method::PATCH, &path, Some(OWNER_KEY), Some(image))
            .await,
        (
            422,
            plain_detail("Field type cannot be changed. Expected 'text' but got 'image'")
        )
    );
    let incomplete = json!({"settings": {"type": "text"}});
    let (status, body) = app
        .send(Method::PATCH, &path, Some(OWNER_KEY), Some(incomplete))
        .await;
    assert_eq!(status, 422);
    assert_eq!(
        body["detail"]["params"]["errors"][0]["loc"],
        json!(["body", "settings", "text", "use_markdown"]),
        "an update's settings are whole"
    );
    Ok(())
}

#[tokio::test]
async fn a_published_datasets_fields_and_questions_can_change_but_not_come_or_go() -> TestResult {
    let app = TestApp::spawn().await;
    let ds = app.published_dataset("ds").await;
    let fields = app
        .owner_expects(
            Method::GET,
            &format!("/api/v1/datasets/{ds}/fields"),
            None,
            200,
        )
        .await;
    let questions = app
        .owner_expects(
            Method::GET,
            &format!("/api/v1/datasets/{ds}/questions"),
            None,
            200,
        )
        .await;
    let (field, question) = (id(&fields["items"][0]), id(&questions["items"][0]));
    let send = |method: Method, path: String, body: Option<Value>| {
        let app = &app;
        async move { app.send(method, &path, Some(OWNER_KEY), body).await }
    };
    let refused = |why: &str| (422, plain_detail(why));
    assert_eq!(
        send(
            Method::POST,
            format!("/api/v1/datasets/{ds}/fields"),
            Some(text_field("text", false))
        )
        .await,
        refused("Field cannot be created for a published dataset"),
        "the published check comes before the duplicate name"
    );
    assert_eq!(
        send(Method::DELETE, format!("/api/v1/fields/{field}"), None).await,
        refused("Fields cannot be deleted for a published dataset")
    );
    let taken = format!("Question with name `label` already exists for dataset with id `{ds}`");
    assert_eq!(
        send(
            Method::POST,
            format!("/api/v1/datasets/{ds}/questions"),
            Some(label_question("label", &["a", "b"], false))
        )
        .await,
        (409, plain_detail(&taken)),
        "for questions the duplicate name comes first"
    );
    assert_eq!(
        send(
            Method::POST,
            format!("/api/v1/datasets/{ds}/questions"),
            Some(label_question("new", &["a", "b"], false))
        )
        .await,
        refused("questions cannot be created for a published dataset")
    );
    assert_eq!(
        send(
            Method::DELETE,
            format!("/api/v1/questions/{question}"),
            None
        )
        .await,
        refused("questions cannot be deleted for a published dataset")
    );
    let retitle = Some(json!({"title": "New title"}));
    assert_eq!(
        send(
            Method::PATCH,
            format!("/api/v1/fields/{field}"),
            retitle.clone()
        )
        .await
        .0,
        200
    );
    assert_eq!(
        send(
            Method::PATCH,
            format!("/api/v1/questions/{question}"),
            retitle
        )
        .await
        .0,
        200
    );
    let property = json!({"name": "genre", "title": "Genre", "settings": {"type": "terms"}});
    app.add_setting(&ds, "metadata-properties", property).await;
    let vectors = json!({"name": "emb", "title": "Emb", "dimensions": 4});
    app.add_setting(&ds, "vectors-settings", vectors).await;
    Ok(())
}

#[rstest]
#[case::rating(json!({"type": "rating", "options": [{"value": 1}, {"value": "2"}]}),
    json!({"type": "rating", "options": [{"value": 1}, {"value": 2}]}))]
#[case::label(json!({"type": "label_selection", "options": [{"value": "a", "text": "A"}, {"value": "b", "text": "B", "description": "bee"}]}),
    json!({"type": "label_selection", "options": [{"value": "a", "text": "A", "description": null}, {"value": "b", "text": "B", "description": "bee"}], "visible_options": null}))]
#[case::multi(json!({"type": "multi_label_selection", "options": [{"value": "a", "text": "A"}, {"value": "b", "text": "B"}, {"value": "c", "text": "C"}], "visible_options": 3}),
    json!({"type": "multi_label_selection", "options": [{"value": "a", "text": "A", "description": null}, {"value": "b", "text": "B", "description": null}, {"value": "c", "text": "C", "description": null}], "visible_options": 3, "options_order": "natural"}))]
#[case::ranking(json!({"type": "ranking", "options": [{"value": "r1", "text": "R1"}, {"value": "r2", "text": "R2"}]}),
    json!({"type": "ranking", "options": [{"value": "r1", "text": "R1", "description": null}, {"value": "r2", "text": "R2", "description": null}]}))]
#[case::text(json!({"type": "text"}), json!({"type": "text", "use_markdown": false}))]
#[case::span(json!({"type": "span", "field": "text", "options": [{"value": "PER", "text": "Person"}], "allow_character_annotation": false}),
    json!({"type": "span", "field": "text", "options": [{"value": "PER", "text": "Person", "description": null}], "visible_options": null, "allow_overlapping": false, "allow_character_annotation": true}))]
#[tokio::test]
async fn each_question_type_keeps_its_settings_in_the_servers_shape(
    #[case] sent: Value,
    #[case] kept: Value,
) -> TestResult {
    let app = TestApp::spawn().await;
    let ds = app.create_dataset("ds").await;
    app.add_setting(&ds, "fields", text_field("text", true))
        .await;
    let body = json!({"name": "q", "title": "Q", "settings": sent});
    let question = app.add_setting(&ds, "questions", body).await;
    assert_eq!(
        keys(&question),
        [
            "id",
            "name",
            "title",
            "description",
            "required",
            "settings",
            "dataset_id",
            "inserted_at",
            "updated_at"
        ]
    );
    assert_eq!(question["settings"], kept);
    Ok(())
}

#[rstest]
#[case::one_label(json!({"type": "label_selection", "options": [{"value": "a", "text": "A"}]}),
    "too_short", json!(["body", "settings", "label_selection", "options"]),
    "List should have at least 2 items after validation, not 1")]
#[case::duplicate_labels(json!({"type": "label_selection", "options": [{"value": "a", "text": "A"}, {"value": "a", "text": "A2"}]}),
    "value_error", json!(["body", "settings", "label_selection"]),
    "Value error, Option values must be unique, found duplicates: {'a'}")]
#[case::visible_over_count(json!({"type": "label_selection", "options": [{"value": "a", "text": "A"}, {"value": "b", "text": "B"}, {"value": "c", "text": "C"}], "visible_options": 4}),
    "value_error", json!(["body", "settings", "label_selection"]),
    "Value error, the value for 'visible_options' must be less or equal to the number of items in 'options' (3)")]
#[case::visible_under_three(json!({"type": "label_selection", "options": [{"value": "a", "text": "A"}, {"value": "b", "text": "B"}, {"value": "c", "text": "C"}], "visible_options": 2}),
    "greater_than_equal", json!(["body", "settings", "label_selection", "visible_options"]),
    "Input should be greater than or equal to 3")]
#[case::empty_option_value(json!({"type": "label_selection", "options": [{"value": "", "text": "A"}, {"value": "b", "text": "B"}]}),
    "string_too_short", json!(["body", "settings", "label_selection", "options", 0, "value"]),
    "String should have at least 1 character")]
#[case::rating_over_ten(json!({"type": "rating", "options": [{"value": 1}, {"value": 11}]}),
    "less_than_equal", json!(["body", "settings", "rating", "options", 1, "value"]),
    "Input should be less than or equal to 10")]
#[case::rating_fraction(json!({"type": "rating", "options": [{"value": 1.5}, {"value": 2}]}),
    "int_from_float", json!(["body", "settings", "rating", "options", 0, "value"]),
    "Input should be a valid integer, got a number with a fractional part")]
#[case::rating_duplicates(json!({"type": "rating", "options": [{"value": 1}, {"value": 1}]}),
    "value_error", json!(["body", "settings", "rating"]),
    "Value error, Option values must be unique, found duplicates: {1}")]
#[case::multi_bad_order(json!({"type": "multi_label_selection", "options": [{"value": "a", "text": "A"}, {"value": "b", "text": "B"}], "options_order": "random"}),
    "enum", json!(["body", "settings", "multi_label_selection", "options_order"]),
    "Input should be 'natural' or 'suggestion'")]
#[case::span_no_options(json!({"type": "span", "field": "text", "options": []}),
    "too_short", json!(["body", "settings", "span", "options"]),
    "List should have at least 1 item after validation, not 0")]
#[tokio::test]
async fn question_settings_follow_the_servers_option_rules(
    #[case] settings: Value,
    #[case] kind: &str,
    #[case] loc: Value,
    #[case] msg: &str,
) -> TestResult {
    let app = TestApp::spawn().await;
    let ds = app.create_dataset("ds").await;
    let path = format!("/api/v1/datasets/{ds}/questions");
    let body = json!({"name": "q", "title": "t", "settings": settings});
    let answer = app
        .send(Method::POST, &path, Some(OWNER_KEY), Some(body))
        .await;
    assert_eq!(
        answer,
        (
            422,
            validation_v2(json!([{"type": kind, "loc": loc, "msg": msg}]))
        )
    );
    Ok(())
}

#[tokio::test]
async fn a_span_question_needs_a_field_of_its_own() -> TestResult {
    let app = TestApp::spawn().await;
    let ds = app.create_dataset("ds").await;
    for name in ["text", "prompt"] {
        app.add_setting(&ds, "fields", text_field(name, true)).await;
    }
    let span = |name: &str, field: &str| {
        json!({"name": name, "title": "S", "settings": {"type": "span", "field": field,
            "options": [{"value": "A", "text": "A"}]}})
    };
    let path = format!("/api/v1/datasets/{ds}/questions");
    let unknown = app
        .send(
            Method::POST,
            &path,
            Some(OWNER_KEY),
            Some(span("s1", "nope")),
        )
        .await;
    assert_eq!(
        unknown,
        (
            422,
            plain_detail(
                "'nope' is not a valid field name.\nValid field names are ['text', 'prompt']"
            )
        )
    );
    let first = app.add_setting(&ds, "questions", span("s1", "text")).await;
    let again = app
        .send(
            Method::POST,
            &path,
            Some(OWNER_KEY),
            Some(span("s2", "text")),
        )
        .await;
    let used = format!(
        "'text' is already used by span question with id '{}'",
        id(&first)
    );
    assert_eq!(again, (422, plain_detail(&used)));
    app.add_setting(&ds, "questions", span("s2", "prompt"))
        .await;
    Ok(())
}

#[tokio::test]
async fn a_question_update_keeps_its_type_and_option_values_but_may_reorder_them() -> TestResult {
    let app = TestApp::spawn().await;
    let ds = app.create_dataset("ds").await;
    let question = app
        .add_setting(
            &ds,
            "questions",
            label_question("label", &["neg", "neu", "pos"], true),
        )
        .await;
    let path = format!("/api/v1/questions/{}", id(&question));
    let patch = |body: Value| {
        let (app, path) = (&app, &path);
        async move {
            app.send(Method::PATCH, path, Some(OWNER_KEY), Some(body))
                .await
        }
    };
    let refused = |why: &str| (422, plain_detail(why));
    assert_eq!(
        patch(json!({"settings": {"type": "text"}})).await,
        refused("question type cannot be changed. expected 'label_selection' but got 'text'")
    );
    let two = json!([{"value": "neg", "text": "N"}, {"value": "pos", "text": "P"}]);
    assert_eq!(
        patch(json!({"settings": {"type": "label_selection", "options": two}})).await,
        refused("the number of options cannot be modified. expected 3 but got 2")
    );
    let changed = json!([{"value": "pos", "text": "P"}, {"value": "neg", "text": "N"}, {"value": "zzz", "text": "Z"}]);
    assert_eq!(
        patch(json!({"settings": {"type": "label_selection", "options": changed}})).await,
        refused(
            "the option values cannot be modified. found unexpected option values: ['pos', 'zzz']"
        )
    );
    assert_eq!(
        patch(json!({"settings": {"type": "label_selection", "visible_options": 4}})).await,
        refused("the value for 'visible_options' must be less or equal to the number of items in 'options' (3)")
    );
    let reordered = json!([{"value": "pos", "text": ""}, {"value": "neg", "text": "Negative"}, {"value": "neu", "text": "Neutral"}]);
    let body = json!({"title": "Sentiment", "description": "How it feels",
        "settings": {"type": "label_selection", "options": reordered, "visible_options": 3}});
    let (status, updated) = patch(body).await;
    assert_eq!(status, 200, "{updated}");
    assert_eq!(
        updated["settings"]["options"][0]["value"], "pos",
        "the new order is kept"
    );
    assert_eq!(
        updated["settings"]["options"][0]["text"], "",
        "no length rules on update"
    );
    assert_eq!(updated["settings"]["visible_options"], 3);
    assert_eq!(updated["description"], "How it feels");
    let (_, cleared) = patch(json!({"description": null, "settings": {"type": "label_selection", "visible_options": null}})).await;
    assert_eq!(cleared["description"], Value::Null);
    assert_eq!(cleared["settings"]["visible_options"], Value::Null);
    assert_eq!(
        cleared["settings"]["options"][0]["value"], "pos",
        "unsent settings kept"
    );
    Ok(())
}

#[tokio::test]
async fn overlapping_spans_once_allowed_cannot_be_disabled() -> TestResult {
    let app = TestApp::spawn().await;
    let ds = app.create_dataset("ds").await;
    app.add_setting(&ds, "fields", text_field("text", true))
        .await;
    let body = json!({"name": "spans", "title": "S", "settings": {"type": "span", "field": "text",
        "options": [{"value": "A", "text": "A"}], "allow_overlapping": true}});
    let question = app.add_setting(&ds, "questions", body).await;
    let path = format!("/api/v1/questions/{}", id(&question));
    let refused = (
        422,
        plain_detail(
            "'allow_overlapping' can't be disabled because responses may become inconsistent",
        ),
    );
    for settings in [
        json!({"type": "span", "visible_options": null}),
        json!({"type": "span", "allow_overlapping": false}),
    ] {
        let answer = app
            .send(
                Method::PATCH,
                &path,
                Some(OWNER_KEY),
                Some(json!({"settings": settings})),
            )
            .await;
        assert_eq!(answer, refused);
    }
    let title_only = app
        .send(
            Method::PATCH,
            &path,
            Some(OWNER_KEY),
            Some(json!({"title": "T"})),
        )
        .await;
    assert_eq!(title_only.0, 200, "no settings, no settings checks");
    Ok(())
}

#[tokio::test]
async fn annotators_see_only_the_metadata_properties_visible_to_them() -> TestResult {
    let app = TestApp::spawn().await;
    let ds = app.create_dataset("ds").await;
    let visible = json!({"name": "genre", "title": "Genre", "settings": {"type": "terms", "values": ["a", 1, null]}});
    let hidden = json!({"name": "secret", "title": "Secret", "visible_for_annotators": false,
        "settings": {"type": "float", "min": 0, "max": 1.5}});
    let shown = app.add_setting(&ds, "metadata-properties", visible).await;
    let secret = app.add_setting(&ds, "metadata-properties", hidden).await;
    assert_eq!(
        keys(&shown),
        [
            "id",
            "name",
            "title",
            "settings",
            "visible_for_annotators",
            "dataset_id",
            "inserted_at",
            "updated_at"
        ]
    );
    assert_eq!(
        shown["settings"],
        json!({"type": "terms", "values": ["a", 1, null]})
    );
    assert_eq!(
        secret["settings"],
        json!({"type": "float", "min": 0.0, "max": 1.5})
    );
    let list = format!("/api/v1/me/datasets/{ds}/metadata-properties");
    let count = |key: &'static str| {
        let (app, list) = (&app, &list);
        async move {
            let (_, body) = app.send(Method::GET, list, Some(key), None).await;
            body["items"].as_array().map_or(0, Vec::len)
        }
    };
    assert_eq!(
        (
            count(OWNER_KEY).await,
            count(ADMIN_KEY).await,
            count(ANNOTATOR_KEY).await
        ),
        (2, 2, 1)
    );
    let metrics = |property: &Value, key: &'static str| {
        let path = format!("/api/v1/metadata-properties/{}/metrics", id(property));
        let app = &app;
        async move { app.send(Method::GET, &path, Some(key), None).await }
    };
    assert_eq!(
        metrics(&shown, ANNOTATOR_KEY).await,
        (200, json!({"type": "terms", "total": 0, "values": []}))
    );
    assert_eq!(metrics(&secret, ANNOTATOR_KEY).await, (403, forbidden()));
    assert_eq!(
        metrics(&secret, ADMIN_KEY).await,
        (200, json!({"min": null, "max": null, "type": "float"}))
    );
    Ok(())
}

#[tokio::test]
async fn a_metadata_property_patch_sets_visibility_from_the_request() -> TestResult {
    let app = TestApp::spawn().await;
    let ds = app.create_dataset("ds").await;
    let body = json!({"name": "year", "title": "Year", "settings": {"type": "integer", "min": "1900", "max": 2100.0}});
    let property = app.add_setting(&ds, "metadata-properties", body).await;
    assert_eq!(
        property["settings"],
        json!({"type": "integer", "min": 1900, "max": 2100})
    );
    let path = format!("/api/v1/metadata-properties/{}", id(&property));
    let retitled = app
        .owner_expects(
            Method::PATCH,
            &path,
            Some(json!({"title": "Year of birth"})),
            200,
        )
        .await;
    assert_eq!(
        retitled["visible_for_annotators"], false,
        "left out reads as false"
    );
    let back = app
        .owner_expects(
            Method::PATCH,
            &path,
            Some(json!({"visible_for_annotators": true, "settings": {"type": "terms"}})),
            200,
        )
        .await;
    assert_eq!(
        (
            &back["title"],
            &back["visible_for_annotators"],
            &back["settings"]["type"]
        ),
        (&json!("Year of birth"), &json!(true), &json!("integer"))
    );
    let bounds =
        json!({"name": "bad", "title": "B", "settings": {"type": "integer", "min": 5, "max": 5}});
    let (status, body) = app
        .send(
            Method::POST,
            &format!("/api/v1/datasets/{ds}/metadata-properties"),
            Some(OWNER_KEY),
            Some(bounds),
        )
        .await;
    assert_eq!(
        (status, body),
        (
            422,
            validation_v2(
                json!([{"type": "value_error", "loc": ["body", "settings", "integer"],
            "msg": "Value error, 'min' (5) must be lower than 'max' (5)"}])
            )
        )
    );
    Ok(())
}

#[tokio::test]
async fn a_dataset_has_at_most_five_vector_settings_counted_before_the_name() -> TestResult {
    let app = TestApp::spawn().await;
    let ds = app.create_dataset("ds").await;
    let vectors = |name: String| json!({"name": name, "title": "V", "dimensions": "8"});
    let first = app
        .add_setting(&ds, "vectors-settings", vectors("v0".into()))
        .await;
    assert_eq!(
        keys(&first),
        [
            "id",
            "name",
            "title",
            "dimensions",
            "dataset_id",
            "inserted_at",
            "updated_at"
        ]
    );
    assert_eq!(first["dimensions"], 8);
    let path = format!("/api/v1/datasets/{ds}/vectors-settings");
    let taken = format!("Vector settings with name `v0` already exists for dataset with id `{ds}`");
    assert_eq!(
        app.send(
            Method::POST,
            &path,
            Some(OWNER_KEY),
            Some(vectors("v0".into()))
        )
        .await,
        (409, plain_detail(&taken))
    );
    for i in 1..5 {
        app.add_setting(&ds, "vectors-settings", vectors(format!("v{i}")))
            .await;
    }
    let full = format!(
        "The maximum number of vector settings has been reached for dataset with id `{ds}`"
    );
    assert_eq!(
        app.send(
            Method::POST,
            &path,
            Some(OWNER_KEY),
            Some(vectors("v0".into()))
        )
        .await,
        (422, plain_detail(&full))
    );
    let zero = json!({"name": "z", "title": "Z", "dimensions": 0});
    let (status, body) = app
        .send(Method::POST, &path, Some(OWNER_KEY), Some(zero))
        .await;
    assert_eq!(status, 422);
    assert_eq!(
        body["detail"]["params"]["errors"][0]["msg"],
        "Input should be greater than 0"
    );
    let settings = format!("/api/v1/vectors-settings/{}", id(&first));
    let missing_title = app
        .send(Method::PATCH, &settings, Some(OWNER_KEY), Some(json!({})))
        .await;
    assert_eq!(
        missing_title,
        (
            422,
            validation_v2(
                json!([{"type": "missing", "loc": ["body", "title"], "msg": "Field required"}])
            )
        )
    );
    let retitled = app
        .owner_expects(
            Method::PATCH,
            &settings,
            Some(json!({"title": "New", "dimensions": 99})),
            200,
        )
        .await;
    assert_eq!(
        (&retitled["title"], &retitled["dimensions"]),
        (&json!("New"), &json!(8))
    );
    Ok(())
}

#[rstest]
#[case::field("fields", "Field")]
#[case::question("questions", "Question")]
#[case::property("metadata-properties", "MetadataProperty")]
#[case::vectors("vectors-settings", "VectorSettings")]
#[tokio::test]
async fn an_unknown_setting_is_a_404_naming_its_model_even_for_a_non_member(
    #[case] route: &str,
    #[case] model: &str,
) -> TestResult {
    let app = TestApp::spawn().await;
    let path = format!("/api/v1/{route}/{MISSING}");
    let answer = app.send(Method::DELETE, &path, Some(BOB_KEY), None).await;
    assert_eq!(
        answer,
        (
            404,
            plain_detail(&format!("{model} with id `{MISSING}` not found"))
        )
    );
    Ok(())
}

#[tokio::test]
async fn settings_are_managed_by_the_owner_and_admins_of_the_workspace_only() -> TestResult {
    let app = TestApp::spawn().await;
    let ds = app.create_dataset("ds").await;
    let path = format!("/api/v1/datasets/{ds}/fields");
    for (key, status) in [(ANNOTATOR_KEY, 403), (BOB_KEY, 403), (ADMIN_KEY, 201)] {
        let body = text_field(&format!("f-{status}-{}", key.len()), false);
        let (got, _) = app.send(Method::POST, &path, Some(key), Some(body)).await;
        assert_eq!(got, status, "{key}");
    }
    let (status, _) = app
        .send(Method::GET, &path, Some(ANNOTATOR_KEY), None)
        .await;
    assert_eq!(status, 200, "members read");
    let invalid = json!({"name": ""});
    let (status, _) = app
        .send(Method::POST, &path, Some(ANNOTATOR_KEY), Some(invalid))
        .await;
    assert_eq!(status, 422, "validation before the role");
    Ok(())
}
