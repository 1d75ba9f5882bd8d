//! Datasets of Argilla 2.x as argilla-server 2.8 serves them (`argilla-2x-datasets-api.md`
//! §3.1–§3.6, §3.11, §3.12): create, read, list, update, publish, delete, and what they refuse.

use crate::helpers::*;
use reqwest::Method;
use rstest::rstest;
use serde_json::{json, Value};

const MISSING: &str = "00000000-0000-0000-0000-00000badc0de";

#[tokio::test]
async fn a_new_dataset_is_a_draft_with_the_servers_defaults_and_key_order() -> TestResult {
    let app = TestApp::spawn().await;
    let body = json!({"name": "ds", "workspace_id": ARGILLA_WS});
    let dataset = app
        .owner_expects(Method::POST, "/api/v1/datasets", Some(body), 201)
        .await;
    assert_eq!(
        keys(&dataset),
        [
            "id",
            "name",
            "guidelines",
            "allow_extra_metadata",
            "status",
            "distribution",
            "metadata",
            "workspace_id",
            "last_activity_at",
            "inserted_at",
            "updated_at"
        ]
    );
    assert_eq!(dataset["status"], "draft");
    assert_eq!(dataset["guidelines"], Value::Null);
    assert_eq!(dataset["allow_extra_metadata"], true);
    assert_eq!(
        dataset["distribution"],
        json!({"strategy": "overlap", "min_submitted": 1})
    );
    assert_eq!(dataset["metadata"], Value::Null);
    assert_eq!(dataset["inserted_at"], dataset["last_activity_at"]);
    let path = format!("/api/v1/datasets/{}", dataset["id"].as_str().unwrap_or(""));
    let read = app.owner_expects(Method::GET, &path, None, 200).await;
    assert_eq!(read, dataset, "what was created is what is read");
    Ok(())
}

#[tokio::test]
async fn every_attribute_sent_on_create_is_kept_and_unknown_ones_are_ignored() -> TestResult {
    let app = TestApp::spawn().await;
    let body = json!({
        "name": "My Dataset #1 (é)", "guidelines": "# Label it", "allow_extra_metadata": "false",
        "distribution": {"strategy": "overlap", "min_submitted": 3}, "metadata": {"source": "x", "n": 1},
        "workspace_id": ARGILLA_WS.to_uppercase(), "id": MISSING, "status": "ready",
    });
    let dataset = app
        .owner_expects(Method::POST, "/api/v1/datasets", Some(body), 201)
        .await;
    assert_eq!(dataset["name"], "My Dataset #1 (é)");
    assert_eq!(dataset["guidelines"], "# Label it");
    assert_eq!(
        dataset["allow_extra_metadata"], false,
        "pydantic's lax bool"
    );
    assert_eq!(dataset["distribution"]["min_submitted"], 3);
    assert_eq!(dataset["metadata"], json!({"source": "x", "n": 1}));
    assert_eq!(dataset["workspace_id"], ARGILLA_WS);
    assert_ne!(dataset["id"], MISSING, "a client cannot choose the id");
    assert_eq!(dataset["status"], "draft", "status is not a create field");
    Ok(())
}

#[tokio::test]
async fn create_checks_body_then_role_then_workspace_then_name() -> TestResult {
    let app = TestApp::spawn().await;
    app.create_dataset("taken").await;
    let post = |key: &'static str, body: Value| {
        let app = &app;
        async move {
            app.send(Method::POST, "/api/v1/datasets", Some(key), Some(body))
                .await
        }
    };
    let invalid = json!({"name": "", "workspace_id": ARGILLA_WS});
    assert_eq!(post(ANNOTATOR_KEY, invalid.clone()).await.0, 422);
    let taken = json!({"name": "taken", "workspace_id": ARGILLA_WS});
    assert_eq!(post(ANNOTATOR_KEY, taken.clone()).await, (403, forbidden()));
    assert_eq!(
        post(ADMIN_KEY, json!({"name": "x", "workspace_id": MISSING})).await,
        (403, forbidden()),
        "an admin's membership is checked before the workspace exists"
    );
    assert_eq!(
        post(OWNER_KEY, json!({"name": "x", "workspace_id": MISSING})).await,
        (
            422,
            plain_detail(&format!("Workspace with id `{MISSING}` not found"))
        )
    );
    assert_eq!(
        post(OWNER_KEY, taken).await,
        (
            409,
            plain_detail(&format!(
                "Dataset with name `taken` already exists for workspace with id `{ARGILLA_WS}`"
            ))
        )
    );
    let in_team = json!({"name": "taken", "workspace_id": TEAM_WS});
    assert_eq!(
        post(ADMIN_KEY, in_team).await.0,
        201,
        "names are unique per workspace; the admin is a member of team"
    );
    let other_case = json!({"name": "TAKEN", "workspace_id": ARGILLA_WS});
    assert_eq!(post(OWNER_KEY, other_case).await.0, 201, "case-sensitive");
    Ok(())
}

#[rstest]
#[case::empty(json!({}), json!([
    {"type": "missing", "loc": ["body", "name"], "msg": "Field required"},
    {"type": "missing", "loc": ["body", "workspace_id"], "msg": "Field required"}]))]
#[case::array(json!([]), json!([{"type": "model_attributes_type", "loc": ["body"],
    "msg": "Input should be a valid dictionary or object to extract fields from"}]))]
#[case::null_distribution(json!({"name": "x", "distribution": null, "workspace_id": ARGILLA_WS}),
    json!([{"type": "model_attributes_type", "loc": ["body", "distribution"],
    "msg": "Input should be a valid dictionary or object to extract fields from"}]))]
#[case::all_wrong(json!({"name": "", "guidelines": "", "allow_extra_metadata": "x",
    "distribution": {"strategy": "x", "min_submitted": 0}, "metadata": 1, "workspace_id": "x"}),
    json!([
    {"type": "string_too_short", "loc": ["body", "name"], "msg": "String should have at least 1 character"},
    {"type": "string_too_short", "loc": ["body", "guidelines"], "msg": "String should have at least 1 character"},
    {"type": "bool_parsing", "loc": ["body", "allow_extra_metadata"], "msg": "Input should be a valid boolean, unable to interpret input"},
    {"type": "literal_error", "loc": ["body", "distribution", "strategy"], "msg": "Input should be <DatasetDistributionStrategy.overlap: 'overlap'>"},
    {"type": "greater_than_equal", "loc": ["body", "distribution", "min_submitted"], "msg": "Input should be greater than or equal to 1"},
    {"type": "dict_type", "loc": ["body", "metadata"], "msg": "Input should be a valid dictionary"},
    {"type": "uuid_parsing", "loc": ["body", "workspace_id"], "msg": "Input should be a valid UUID, invalid character: expected an optional prefix of `urn:uuid:` followed by [0-9a-fA-F-], found `x` at 1"}]))]
#[tokio::test]
async fn an_invalid_create_gets_every_pydantic_error_in_field_order(
    #[case] body: Value,
    #[case] errors: Value,
) -> TestResult {
    let app = TestApp::spawn().await;
    let answer = app
        .send(
            Method::POST,
            "/api/v1/datasets",
            Some(OWNER_KEY),
            Some(body),
        )
        .await;
    assert_eq!(answer, (422, validation_v2(errors)));
    Ok(())
}

#[tokio::test]
async fn reading_is_for_the_owner_and_members_and_404_comes_before_403() -> TestResult {
    let app = TestApp::spawn().await;
    let id = app.create_dataset("ds").await;
    let path = format!("/api/v1/datasets/{id}");
    for key in [OWNER_KEY, ADMIN_KEY, ANNOTATOR_KEY] {
        assert_eq!(
            app.send(Method::GET, &path, Some(key), None).await.0,
            200,
            "{key}"
        );
    }
    assert_eq!(
        app.send(Method::GET, &path, Some(BOB_KEY), None).await,
        (403, forbidden())
    );
    let unknown = format!("/api/v1/datasets/{MISSING}");
    assert_eq!(
        app.send(Method::GET, &unknown, Some(BOB_KEY), None).await,
        (
            404,
            plain_detail(&format!("Dataset with id `{MISSING}` not found"))
        )
    );
    let (status, _) = app
        .send(Method::GET, "/api/v1/datasets/nope", None, None)
        .await;
    assert_eq!(status, 401, "credentials before the path");
    Ok(())
}

#[tokio::test]
async fn my_datasets_are_those_of_my_workspaces_filtered_exactly() -> TestResult {
    let app = TestApp::spawn().await;
    app.create_dataset("in-argilla").await;
    let body = json!({"name": "in-team", "workspace_id": TEAM_WS});
    app.owner_expects(Method::POST, "/api/v1/datasets", Some(body), 201)
        .await;
    let names = |answer: Value| -> Vec<String> {
        (answer["items"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .iter())
        .map(|d| d["name"].as_str().unwrap_or("").to_owned())
        .collect()
    };
    let list = |key: &'static str, query: &'static str| {
        let app = &app;
        async move {
            let path = format!("/api/v1/me/datasets{query}");
            app.send(Method::GET, &path, Some(key), None).await
        }
    };
    let (_, all) = list(OWNER_KEY, "").await;
    assert_eq!(names(all), ["in-argilla", "in-team"]);
    let (_, annotators) = list(ANNOTATOR_KEY, "").await;
    assert_eq!(names(annotators), ["in-argilla"], "drafts included");
    let (_, bobs) = list(BOB_KEY, "").await;
    assert_eq!(names(bobs), ["in-team"]);
    let (_, exact) = list(OWNER_KEY, "?name=in-argilla").await;
    assert_eq!(names(exact), ["in-argilla"]);
    let (_, partial) = list(OWNER_KEY, "?name=in").await;
    assert_eq!(names(partial), Vec::<String>::new());
    let (_, drafts) = list(OWNER_KEY, "?status=ready").await;
    assert_eq!(names(drafts), Vec::<String>::new());
    assert_eq!(
        list(
            ANNOTATOR_KEY,
            "?workspace_id=00000000-0000-4000-8000-00000000a002"
        )
        .await,
        (403, forbidden()),
        "a workspace the caller is not in"
    );
    let (status, body) = list(OWNER_KEY, "?status=done&workspace_id=argilla").await;
    assert_eq!(status, 422);
    let kinds: Vec<&str> = (body["detail"]["params"]["errors"]
        .as_array()
        .expect("errors"))
    .iter()
    .map(|e| e["type"].as_str().unwrap_or(""))
    .collect();
    assert_eq!(
        kinds,
        ["uuid_parsing", "enum"],
        "query order: workspace_id, status"
    );
    Ok(())
}

#[tokio::test]
async fn a_patch_changes_what_it_sends_and_moves_the_timestamps_only_when_something_changes(
) -> TestResult {
    let app = TestApp::spawn().await;
    let id = app.create_dataset("ds").await;
    let path = format!("/api/v1/datasets/{id}");
    let before = app.owner_expects(Method::GET, &path, None, 200).await;
    let same = app
        .owner_expects(Method::PATCH, &path, Some(json!({"name": "ds"})), 200)
        .await;
    assert_eq!(same, before, "an unchanged value is no change");
    let body = json!({"name": "renamed", "guidelines": "G", "allow_extra_metadata": false,
        "distribution": {"strategy": "overlap", "min_submitted": 2}, "status": "ready"});
    let after = app
        .owner_expects(Method::PATCH, &path, Some(body), 200)
        .await;
    assert_eq!(
        (
            &after["name"],
            &after["guidelines"],
            &after["allow_extra_metadata"],
            &after["status"]
        ),
        (
            &json!("renamed"),
            &json!("G"),
            &json!(false),
            &json!("draft")
        )
    );
    assert_eq!(after["distribution"]["min_submitted"], 2);
    assert_ne!(after["updated_at"], before["updated_at"]);
    assert_eq!(after["updated_at"], after["last_activity_at"]);
    let cleared = app
        .owner_expects(Method::PATCH, &path, Some(json!({"guidelines": null})), 200)
        .await;
    assert_eq!(cleared["guidelines"], Value::Null);
    let (status, body) = app
        .send(
            Method::PATCH,
            &path,
            Some(OWNER_KEY),
            Some(json!({"name": null})),
        )
        .await;
    assert_eq!(
        (status, body),
        (
            422,
            validation_v2(json!([{"type": "value_error", "loc": ["body"],
            "msg": "Value error, The following keys must have non-null values: name"}]))
        )
    );
    Ok(())
}

#[tokio::test]
async fn metadata_merged_into_stored_metadata_is_answered_but_not_kept() -> TestResult {
    let app = TestApp::spawn().await;
    let id = app.create_dataset("ds").await;
    let path = format!("/api/v1/datasets/{id}");
    let set = app
        .owner_expects(
            Method::PATCH,
            &path,
            Some(json!({"metadata": {"a": 1}})),
            200,
        )
        .await;
    assert_eq!(set["metadata"], json!({"a": 1}), "from null it is stored");
    let merged = app
        .owner_expects(
            Method::PATCH,
            &path,
            Some(json!({"metadata": {"b": 2}})),
            200,
        )
        .await;
    assert_eq!(merged["metadata"], json!({"a": 1, "b": 2}));
    assert_eq!(merged["updated_at"], set["updated_at"]);
    let read = app.owner_expects(Method::GET, &path, None, 200).await;
    assert_eq!(
        read["metadata"],
        json!({"a": 1}),
        "the real server's ORM misses the in-place merge"
    );
    let cleared = app
        .owner_expects(Method::PATCH, &path, Some(json!({"metadata": null})), 200)
        .await;
    assert_eq!(cleared["metadata"], Value::Null);
    Ok(())
}

#[tokio::test]
async fn renaming_to_a_taken_name_is_the_creates_conflict() -> TestResult {
    let app = TestApp::spawn().await;
    app.create_dataset("first").await;
    let id = app.create_dataset("second").await;
    let path = format!("/api/v1/datasets/{id}");
    let (status, body) = app
        .send(
            Method::PATCH,
            &path,
            Some(OWNER_KEY),
            Some(json!({"name": "first", "guidelines": "changed"})),
        )
        .await;
    assert_eq!(status, 409, "the real server's 500 answered as meant");
    assert_eq!(
        body,
        json!({"detail": format!(
            "Dataset with name `first` already exists for workspace with id `{ARGILLA_WS}`"
        )})
    );
    let read = app.owner_expects(Method::GET, &path, None, 200).await;
    assert_eq!(
        (&read["name"], &read["guidelines"]),
        (&json!("second"), &Value::Null),
        "nothing changed"
    );
    Ok(())
}

#[tokio::test]
async fn publishing_needs_a_field_and_a_required_question_and_happens_once() -> TestResult {
    let app = TestApp::spawn().await;
    let id = app.create_dataset("ds").await;
    let publish = format!("/api/v1/datasets/{id}/publish");
    let refused = |why: &str| (422, plain_detail(why));
    assert_eq!(
        app.send(Method::PUT, &publish, Some(ANNOTATOR_KEY), None)
            .await,
        (403, forbidden()),
        "the role before the rules"
    );
    assert_eq!(
        app.send(Method::PUT, &publish, Some(OWNER_KEY), None).await,
        refused("Dataset cannot be published without fields")
    );
    app.add_setting(&id, "fields", text_field("text", true))
        .await;
    assert_eq!(
        app.send(Method::PUT, &publish, Some(OWNER_KEY), None).await,
        refused("Dataset cannot be published without required questions")
    );
    app.add_setting(
        &id,
        "questions",
        label_question("optional", &["a", "b"], false),
    )
    .await;
    assert_eq!(
        app.send(Method::PUT, &publish, Some(OWNER_KEY), None).await,
        refused("Dataset cannot be published without required questions")
    );
    app.add_setting(&id, "questions", label_question("label", &["a", "b"], true))
        .await;
    let ready = app.owner_expects(Method::PUT, &publish, None, 200).await;
    assert_eq!(ready["status"], "ready");
    assert_eq!(ready["updated_at"], ready["last_activity_at"]);
    assert_eq!(
        app.send(Method::PUT, &publish, Some(ADMIN_KEY), None).await,
        refused("Dataset has already been published")
    );
    let (status, body) = app
        .send(Method::POST, &publish, Some(OWNER_KEY), None)
        .await;
    assert_eq!(
        (status, body),
        (405, json!({"detail": "Method Not Allowed"}))
    );
    Ok(())
}

#[tokio::test]
async fn deleting_a_dataset_takes_its_settings_and_answers_it_as_it_was() -> TestResult {
    let app = TestApp::spawn().await;
    let id = app.published_dataset("ds").await;
    let path = format!("/api/v1/datasets/{id}");
    let before = app.owner_expects(Method::GET, &path, None, 200).await;
    let fields = app
        .owner_expects(Method::GET, &format!("{path}/fields"), None, 200)
        .await;
    let field_id = fields["items"][0]["id"].as_str().unwrap_or("").to_owned();
    assert_eq!(
        app.send(Method::DELETE, &path, Some(ANNOTATOR_KEY), None)
            .await,
        (403, forbidden())
    );
    let deleted = app.owner_expects(Method::DELETE, &path, None, 200).await;
    assert_eq!(deleted, before);
    assert_eq!(
        app.send(Method::DELETE, &path, Some(OWNER_KEY), None).await,
        (
            404,
            plain_detail(&format!("Dataset with id `{id}` not found"))
        )
    );
    let field = format!("/api/v1/fields/{field_id}");
    let gone = app
        .send(Method::PATCH, &field, Some(OWNER_KEY), Some(json!({})))
        .await;
    assert_eq!(
        gone,
        (
            404,
            plain_detail(&format!("Field with id `{field_id}` not found"))
        )
    );
    Ok(())
}

#[tokio::test]
async fn a_workspace_with_datasets_cannot_be_deleted_until_they_are_gone() -> TestResult {
    let app = TestApp::spawn().await;
    let id = app.create_dataset("ds").await;
    let workspace = format!("/api/v1/workspaces/{ARGILLA_WS}");
    assert_eq!(
        app.send(Method::DELETE, &workspace, Some(ADMIN_KEY), None)
            .await,
        (403, forbidden())
    );
    let conflict = format!(
        "Cannot delete the workspace {ARGILLA_WS}. This workspace has some datasets linked"
    );
    assert_eq!(
        app.send(Method::DELETE, &workspace, Some(OWNER_KEY), None)
            .await,
        (409, plain_detail(&conflict))
    );
    app.owner_expects(Method::DELETE, &format!("/api/v1/datasets/{id}"), None, 200)
        .await;
    app.owner_expects(Method::DELETE, &workspace, None, 200)
        .await;
    Ok(())
}

#[tokio::test]
async fn progress_and_metrics_of_a_dataset_without_records_are_zero() -> TestResult {
    let app = TestApp::spawn().await;
    let id = app.published_dataset("ds").await;
    let get = |path: String| {
        let app = &app;
        async move {
            app.send(Method::GET, &path, Some(ANNOTATOR_KEY), None)
                .await
        }
    };
    assert_eq!(
        get(format!("/api/v1/datasets/{id}/progress")).await,
        (
            200,
            json!({"total": 0, "completed": 0, "pending": 0, "users": []})
        )
    );
    assert_eq!(
        get(format!("/api/v1/datasets/{id}/users/progress")).await,
        (200, json!({"users": []}))
    );
    assert_eq!(
        get(format!("/api/v1/me/datasets/{id}/metrics")).await,
        (
            200,
            json!({"responses": {"total": 0, "submitted": 0, "discarded": 0, "draft": 0, "pending": 0}})
        )
    );
    let (status, _) = app
        .send(
            Method::GET,
            &format!("/api/v1/datasets/{id}/progress"),
            Some(BOB_KEY),
            None,
        )
        .await;
    assert_eq!(status, 403);
    Ok(())
}

#[tokio::test]
async fn the_dataset_routes_answer_unknown_methods_and_slashes_as_the_real_server() -> TestResult {
    let app = TestApp::spawn().await;
    let response = app
        .request(Method::GET, "/api/v1/datasets", Some(OWNER_KEY))
        .send()
        .await?;
    assert_eq!(response.status(), 405);
    assert_eq!(
        response.headers().get("allow").map(|v| v.as_bytes()),
        Some(&b"POST"[..])
    );
    let (status, _) = app
        .send(
            Method::GET,
            &format!("/api/v1/fields/{MISSING}"),
            Some(OWNER_KEY),
            None,
        )
        .await;
    assert_eq!(status, 405, "no GET of one field");
    let client = reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let redirect = client.post(app.url("/api/v1/datasets/")).send().await?;
    assert_eq!(redirect.status(), 307);
    Ok(())
}
