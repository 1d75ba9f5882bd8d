//! Bad input gets the real server's 422 (or 400) body, never a 500 or a dropped connection
//! (argilla-users-api.md Part B "Error envelope", "Validation rules seen"; §5). Expected bodies
//! were recorded from the real Argilla 1.14.1 server.

use crate::helpers::*;
use rstest::rstest;
use serde_json::json;

const JSON: Option<&str> = Some("application/json");

#[tokio::test]
async fn an_empty_object_lists_every_missing_field_in_model_order() -> TestResult {
    let app = TestApp::spawn().await;
    let (status, body) = status_and_json(
        app.post_json("/api/users", Some(OWNER_KEY), &json!({}))
            .await,
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(
        body,
        validation(json!([
            {"loc": ["body", "first_name"], "msg": "field required", "type": "value_error.missing"},
            {"loc": ["body", "username"], "msg": "field required", "type": "value_error.missing"},
            {"loc": ["body", "password"], "msg": "field required", "type": "value_error.missing"},
        ]))
    );
    Ok(())
}

#[tokio::test]
async fn every_invalid_field_is_reported_at_once() -> TestResult {
    let app = TestApp::spawn().await;
    let body = json!({"first_name": 5, "last_name": "", "username": "Bad Name", "role": "boss", "password": "short", "workspaces": "x"});
    let (status, body) =
        status_and_json(app.post_json("/api/users", Some(OWNER_KEY), &body).await).await;
    assert_eq!(status, 422);
    assert_eq!(
        body,
        validation(json!([
            {"loc": ["body", "last_name"], "msg": "ensure this value has at least 1 characters", "type": "value_error.any_str.min_length", "ctx": {"limit_value": 1}},
            {"loc": ["body", "username"], "msg": "string does not match regex \"^(?!-|_)[a-z0-9-_]+$\"", "type": "value_error.str.regex", "ctx": {"pattern": "^(?!-|_)[a-z0-9-_]+$"}},
            {"loc": ["body", "role"], "msg": "value is not a valid enumeration member; permitted: 'owner', 'admin', 'annotator'", "type": "type_error.enum", "ctx": {"enum_values": ["owner", "admin", "annotator"]}},
            {"loc": ["body", "password"], "msg": "ensure this value has at least 8 characters", "type": "value_error.any_str.min_length", "ctx": {"limit_value": 8}},
            {"loc": ["body", "workspaces"], "msg": "value is not a valid list", "type": "type_error.list"},
        ]))
    );
    Ok(())
}

#[tokio::test]
async fn nulls_and_wrong_types_get_pydantic_v1_errors() -> TestResult {
    let app = TestApp::spawn().await;
    let body = json!({"first_name": null, "username": ["x"], "role": 1, "password": {"a": 1}, "workspaces": [1, null, "a"]});
    let (status, body) =
        status_and_json(app.post_json("/api/users", Some(OWNER_KEY), &body).await).await;
    assert_eq!(status, 422);
    assert_eq!(
        body,
        validation(json!([
            {"loc": ["body", "first_name"], "msg": "none is not an allowed value", "type": "type_error.none.not_allowed"},
            {"loc": ["body", "username"], "msg": "str type expected", "type": "type_error.str"},
            {"loc": ["body", "role"], "msg": "value is not a valid enumeration member; permitted: 'owner', 'admin', 'annotator'", "type": "type_error.enum", "ctx": {"enum_values": ["owner", "admin", "annotator"]}},
            {"loc": ["body", "password"], "msg": "str type expected", "type": "type_error.str"},
            {"loc": ["body", "workspaces", 1], "msg": "none is not an allowed value", "type": "type_error.none.not_allowed"},
        ]))
    );
    Ok(())
}

#[tokio::test]
async fn overlong_passwords_and_blank_first_names_are_refused() -> TestResult {
    let app = TestApp::spawn().await;
    let body =
        json!({"first_name": "   ", "username": "a".repeat(300), "password": "p".repeat(101)});
    let (status, body) =
        status_and_json(app.post_json("/api/users", Some(OWNER_KEY), &body).await).await;
    assert_eq!(status, 422);
    assert_eq!(
        body,
        validation(json!([
            {"loc": ["body", "first_name"], "msg": "ensure this value has at least 1 characters", "type": "value_error.any_str.min_length", "ctx": {"limit_value": 1}},
            {"loc": ["body", "password"], "msg": "ensure this value has at most 100 characters", "type": "value_error.any_str.max_length", "ctx": {"limit_value": 100}},
        ]))
    );
    Ok(())
}

#[tokio::test]
async fn malformed_json_gets_the_python_decoder_error_with_position_and_document() -> TestResult {
    let app = TestApp::spawn().await;
    let (status, body) = status_and_json(
        app.post_raw(
            "/api/users",
            Some(OWNER_KEY),
            JSON,
            b"{\"first_name\":\"a\",",
        )
        .await,
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(
        body,
        validation(json!([{
            "loc": ["body", 18],
            "msg": "Expecting property name enclosed in double quotes: line 1 column 19 (char 18)",
            "type": "value_error.jsondecode",
            "ctx": {"msg": "Expecting property name enclosed in double quotes", "doc": "{\"first_name\":\"a\",", "pos": 18, "lineno": 1, "colno": 19},
        }]))
    );
    Ok(())
}

#[rstest]
#[case::extra_data(b"{\"a\":1}x", "Extra data: line 1 column 8 (char 7)")]
#[case::only_spaces(b"   ", "Expecting value: line 1 column 4 (char 3)")]
#[case::bad_escape(
    b"{\"first_name\":\"\\x\"}",
    "Invalid \\escape: line 1 column 16 (char 15)"
)]
#[case::control_character(
    b"{\"first_name\":\"a\tb\"}",
    "Invalid control character at: line 1 column 17 (char 16)"
)]
#[case::multi_line("{\"first_name\":\"é\",\n\"username\":\"x\",\n x}".as_bytes(), "Expecting property name enclosed in double quotes: line 3 column 2 (char 36)")]
#[tokio::test]
async fn each_json_syntax_error_reports_pythons_message(
    #[case] raw: &'static [u8],
    #[case] msg: &str,
) -> TestResult {
    let app = TestApp::spawn().await;
    let (status, body) =
        status_and_json(app.post_raw("/api/users", Some(OWNER_KEY), JSON, raw).await).await;
    assert_eq!(status, 422);
    assert_eq!(body["detail"]["params"]["errors"][0]["msg"], msg);
    assert_eq!(
        body["detail"]["params"]["errors"][0]["type"],
        "value_error.jsondecode"
    );
    Ok(())
}

#[rstest]
#[case::array(JSON, b"[1,2]")]
#[case::string(JSON, b"\"str\"")]
#[case::form(
    Some("application/x-www-form-urlencoded"),
    b"first_name=a&username=b&password=12345678"
)]
#[case::text_plain(
    Some("text/plain"),
    b"{\"first_name\":\"x\",\"username\":\"tp\",\"password\":\"12345678\"}"
)]
#[case::text_json(
    Some("text/json"),
    b"{\"first_name\":\"x\",\"username\":\"tp\",\"password\":\"12345678\"}"
)]
#[tokio::test]
async fn a_body_that_is_not_a_json_object_is_not_a_valid_dict(
    #[case] content_type: Option<&str>,
    #[case] raw: &'static [u8],
) -> TestResult {
    let app = TestApp::spawn().await;
    let (status, body) = status_and_json(
        app.post_raw("/api/users", Some(OWNER_KEY), content_type, raw)
            .await,
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(
        body,
        validation(
            json!([{"loc": ["body"], "msg": "value is not a valid dict", "type": "type_error.dict"}])
        )
    );
    Ok(())
}

#[rstest]
#[case::no_body(b"")]
#[case::json_null(b"null")]
#[tokio::test]
async fn a_missing_body_is_field_required(#[case] raw: &'static [u8]) -> TestResult {
    let app = TestApp::spawn().await;
    let (status, body) =
        status_and_json(app.post_raw("/api/users", Some(OWNER_KEY), JSON, raw).await).await;
    assert_eq!(status, 422);
    assert_eq!(
        body,
        validation(
            json!([{"loc": ["body"], "msg": "field required", "type": "value_error.missing"}])
        )
    );
    Ok(())
}

#[tokio::test]
async fn a_body_that_is_not_utf8_is_a_plain_400() -> TestResult {
    let app = TestApp::spawn().await;
    let raw = b"{\"first_name\":\"\xff\xfe\",\"username\":\"u8\",\"password\":\"12345678\"}";
    let (status, body) =
        status_and_json(app.post_raw("/api/users", Some(OWNER_KEY), JSON, raw).await).await;
    assert_eq!(
        (status, body),
        (
            400,
            json!({"detail": "There was an error parsing the body"})
        )
    );
    Ok(())
}

#[rstest]
#[case::no_content_type(
    None,
    b"{\"first_name\":\"x\",\"username\":\"noct\",\"password\":\"12345678\"}",
    "noct"
)]
#[case::plus_json(
    Some("application/vnd.api+json"),
    b"{\"first_name\":\"x\",\"username\":\"plus\",\"password\":\"12345678\"}",
    "plus"
)]
#[case::bom(
    JSON,
    b"\xef\xbb\xbf{\"first_name\":\"x\",\"username\":\"bom\",\"password\":\"12345678\"}",
    "bom"
)]
#[case::pairs(
    JSON,
    b"[[\"first_name\",\"P\"],[\"username\",\"pairs\"],[\"password\",\"12345678\"]]",
    "pairs"
)]
#[case::trailing_newline(
    JSON,
    b"{\"first_name\":\"x\",\"username\":\"nl\\n\",\"password\":\"12345678\"}",
    "nl\n"
)]
#[tokio::test]
async fn bodies_python_accepts_create_the_user(
    #[case] content_type: Option<&str>,
    #[case] raw: &'static [u8],
    #[case] username: &str,
) -> TestResult {
    let app = TestApp::spawn().await;
    let (status, user) = status_and_json(
        app.post_raw("/api/users", Some(OWNER_KEY), content_type, raw)
            .await,
    )
    .await;
    assert_eq!(status, 200, "{user}");
    assert_eq!(user["username"], username);
    Ok(())
}

#[tokio::test]
async fn numbers_and_booleans_become_strings_as_in_python() -> TestResult {
    let app = TestApp::spawn().await;
    let raw = b"{\"first_name\":true,\"last_name\":1.5,\"username\":\"num\",\"password\":12345678,\"workspaces\":[]}";
    let (status, user) =
        status_and_json(app.post_raw("/api/users", Some(OWNER_KEY), JSON, raw).await).await;
    assert_eq!(status, 200);
    assert_eq!(
        (user["first_name"].clone(), user["last_name"].clone()),
        (json!("True"), json!("1.5"))
    );
    let nan = b"{\"first_name\":NaN,\"username\":\"nan\",\"password\":\"12345678\"}";
    let (status, user) =
        status_and_json(app.post_raw("/api/users", Some(OWNER_KEY), JSON, nan).await).await;
    assert_eq!((status, user["first_name"].clone()), (200, json!("nan")));
    Ok(())
}

#[tokio::test]
async fn names_are_stripped_of_unicode_whitespace_as_python_strips() -> TestResult {
    let app = TestApp::spawn().await;
    let body = json!({"first_name": "\u{a0}\u{2003}x\u{3000}", "username": "uniws", "password": "12345678"});
    let (status, user) =
        status_and_json(app.post_json("/api/users", Some(OWNER_KEY), &body).await).await;
    assert_eq!((status, user["first_name"].clone()), (200, json!("x")));
    Ok(())
}

#[tokio::test]
async fn bad_input_never_changes_the_stored_users() -> TestResult {
    let app = TestApp::spawn().await;
    let before = app.usernames().await;
    for raw in [
        &b"{"[..],
        b"[1]",
        b"\"x\"",
        b"{\"username\":\"x\"}",
        b"\xff",
    ] {
        let response = app
            .request(reqwest::Method::POST, "/api/users", Some(OWNER_KEY))
            .header("Content-Type", "application/json")
            .body(raw.to_vec())
            .send()
            .await?;
        assert!(response.status().is_client_error());
    }
    assert_eq!(app.usernames().await, before);
    Ok(())
}
