//! A server per test: in-process, on a free loopback port, with its own in-memory database.

use argilla_mock::{spawn, Config, MockServer};
use reqwest::{Method, Response};
use serde_json::Value;

pub const OWNER_KEY: &str = "argilla.apikey";
pub const ADMIN_KEY: &str = "admin.apikey";
pub const ANNOTATOR_KEY: &str = "annotator.apikey";
pub const BOB_KEY: &str = "bob.apikey";
pub const OWNER_ID: &str = "00000000-0000-4000-8000-000000000001";
pub const ADMIN_ID: &str = "00000000-0000-4000-8000-000000000002";
pub const ANNOTATOR_ID: &str = "00000000-0000-4000-8000-000000000003";
pub const BOB_ID: &str = "00000000-0000-4000-8000-000000000004";
pub const ARGILLA_WS: &str = "00000000-0000-4000-8000-00000000a001";
pub const TEAM_WS: &str = "00000000-0000-4000-8000-00000000a002";
pub const UNKNOWN_ID: &str = "00000000-0000-0000-0000-000000000000";

/// Runs `n` copies of a request at once (on a multi-threaded runtime, so they really overlap)
/// and returns their results in order.
pub async fn at_once<T, F, Fut>(n: usize, make: F) -> Vec<T>
where
    T: Send + 'static,
    F: Fn(usize) -> Fut,
    Fut: std::future::Future<Output = T> + Send + 'static,
{
    let tasks: Vec<_> = (0..n).map(|i| tokio::spawn(make(i))).collect();
    let mut results = Vec::with_capacity(n);
    for task in tasks {
        results.push(task.await.expect("task"));
    }
    results
}

/// The status of one request made as the owner, with an optional JSON body.
pub async fn send_as_owner(app: &TestApp, method: Method, path: &str, body: Option<Value>) -> u16 {
    let mut request = app.request(method, path, Some(OWNER_KEY));
    if let Some(body) = body {
        request = request.json(&body);
    }
    request.send().await.expect("request").status().as_u16()
}

/// How many of `statuses` are `status`.
pub fn count(statuses: &[u16], status: u16) -> usize {
    statuses.iter().filter(|s| **s == status).count()
}

pub type TestResult = Result<(), Box<dyn std::error::Error>>;

pub struct TestApp {
    pub server: MockServer,
    pub http: reqwest::Client,
}

impl TestApp {
    /// A server on the embedded default fixtures.
    pub async fn spawn() -> TestApp {
        TestApp::with_config(Config::default()).await
    }

    /// A server serving only Argilla 2.x (`--argilla-version 2.8.0`).
    pub async fn argilla2_only() -> TestApp {
        TestApp::with_config(Config {
            argilla_version: Some("2.8.0".into()),
            ..Config::default()
        })
        .await
    }

    /// One request with an optional key and JSON body: its status and JSON answer.
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        key: Option<&str>,
        body: Option<Value>,
    ) -> (u16, Value) {
        let mut request = self.request(method, path, key);
        if let Some(body) = body {
            request = request.json(&body);
        }
        status_and_json(request.send().await.expect("request")).await
    }

    pub async fn with_config(config: Config) -> TestApp {
        let server = spawn(&config).await.expect("server starts");
        let http = reqwest::Client::builder()
            .no_proxy()
            .build()
            .expect("http client");
        TestApp { server, http }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.server.url(), path)
    }

    /// A request with an optional API key.
    pub fn request(
        &self,
        method: Method,
        path: &str,
        key: Option<&str>,
    ) -> reqwest::RequestBuilder {
        let builder = self.http.request(method, self.url(path));
        match key {
            Some(key) => builder.header("X-Argilla-Api-Key", key),
            None => builder,
        }
    }

    pub async fn get(&self, path: &str, key: Option<&str>) -> Response {
        self.request(Method::GET, path, key)
            .send()
            .await
            .expect("request")
    }

    pub async fn delete(&self, path: &str, key: Option<&str>) -> Response {
        self.request(Method::DELETE, path, key)
            .send()
            .await
            .expect("request")
    }

    pub async fn post_json(&self, path: &str, key: Option<&str>, body: &Value) -> Response {
        self.request(Method::POST, path, key)
            .json(body)
            .send()
            .await
            .expect("request")
    }

    pub async fn post_raw(
        &self,
        path: &str,
        key: Option<&str>,
        content_type: Option<&str>,
        body: &'static [u8],
    ) -> Response {
        let mut builder = self.request(Method::POST, path, key).body(body);
        if let Some(ct) = content_type {
            builder = builder.header("Content-Type", ct);
        }
        builder.send().await.expect("request")
    }

    /// Creates a user as the owner and returns its JSON.
    pub async fn create_user(&self, username: &str, role: &str, workspaces: &[&str]) -> Value {
        let body = serde_json::json!({
            "first_name": "Test", "username": username, "password": "12345678",
            "role": role, "workspaces": workspaces,
        });
        let response = self.post_json("/api/users", Some(OWNER_KEY), &body).await;
        assert_eq!(response.status(), 200, "creating {username}");
        response.json().await.expect("json")
    }

    pub async fn usernames(&self) -> Vec<String> {
        let users: Value = self
            .get("/api/users", Some(OWNER_KEY))
            .await
            .json()
            .await
            .expect("json");
        users
            .as_array()
            .expect("list")
            .iter()
            .map(|u| u["username"].as_str().expect("username").to_owned())
            .collect()
    }
}

/// Status and JSON body of a response.
pub async fn status_and_json(response: Response) -> (u16, Value) {
    let status = response.status().as_u16();
    let text = response.text().await.expect("body");
    let json = serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON: {text:?}"));
    (status, json)
}

/// Argilla's error envelope.
pub fn argilla_error(code: &str, params: Value) -> Value {
    serde_json::json!({ "detail": { "code": format!("argilla.api.errors::{code}"), "params": params } })
}

pub fn unauthorized() -> Value {
    argilla_error(
        "UnauthorizedError",
        serde_json::json!({ "detail": "Could not validate credentials" }),
    )
}

pub fn forbidden() -> Value {
    argilla_error(
        "ForbiddenOperationError",
        serde_json::json!({ "detail": "Operation not allowed" }),
    )
}

/// FastAPI's plain error body (Argilla's `/api/v1/…` domain errors).
pub fn plain_detail(detail: &str) -> Value {
    serde_json::json!({ "detail": detail })
}

/// Argilla 2.x's 422 envelope around pydantic 2's error items.
pub fn validation_v2(errors: Value) -> Value {
    argilla_error("ValidationError", serde_json::json!({ "errors": errors }))
}

pub fn validation(errors: Value) -> Value {
    argilla_error(
        "ValidationError",
        serde_json::json!({ "model": "Request", "errors": errors }),
    )
}

impl TestApp {
    /// A request to the admin API (no Argilla key).
    pub async fn admin(&self, method: Method, path: &str, body: Option<Value>) -> (u16, Value) {
        let mut builder = self.http.request(method, self.url(path));
        if let Some(body) = body {
            builder = builder.json(&body);
        }
        status_and_json(builder.send().await.expect("request")).await
    }
}

impl TestApp {
    /// Creates an annotator with the given (owner's) key.
    pub async fn create_user_with_key(&self, key: &str, username: &str) -> Value {
        let body =
            serde_json::json!({"first_name": "T", "username": username, "password": "12345678"});
        let response = self.post_json("/api/users", Some(key), &body).await;
        assert_eq!(response.status(), 200, "creating {username}");
        response.json().await.expect("json")
    }
}

impl TestApp {
    /// A request as the owner that must answer `status`: its JSON body.
    pub async fn owner_expects(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
        status: u16,
    ) -> Value {
        let (got, answer) = self.send(method.clone(), path, Some(OWNER_KEY), body).await;
        assert_eq!(got, status, "{method} {path}: {answer}");
        answer
    }

    /// A draft dataset in the `argilla` workspace, made by the owner: its id.
    pub async fn create_dataset(&self, name: &str) -> String {
        let body = serde_json::json!({ "name": name, "workspace_id": ARGILLA_WS });
        let dataset = self
            .owner_expects(Method::POST, "/api/v1/datasets", Some(body), 201)
            .await;
        dataset["id"].as_str().expect("id").to_owned()
    }

    /// Adds a setting (`fields`, `questions`, `metadata-properties`, `vectors-settings`) to a
    /// dataset as the owner: its JSON.
    pub async fn add_setting(&self, dataset_id: &str, kind: &str, body: Value) -> Value {
        let path = format!("/api/v1/datasets/{dataset_id}/{kind}");
        self.owner_expects(Method::POST, &path, Some(body), 201)
            .await
    }

    /// A published dataset with a required text field `text` and a required label question
    /// `label` (labels `a`, `b`): its id.
    pub async fn published_dataset(&self, name: &str) -> String {
        let id = self.create_dataset(name).await;
        self.add_setting(&id, "fields", text_field("text", true))
            .await;
        let label = label_question("label", &["a", "b"], true);
        self.add_setting(&id, "questions", label).await;
        let path = format!("/api/v1/datasets/{id}/publish");
        self.owner_expects(Method::PUT, &path, None, 200).await;
        id
    }
}

/// A text field's create body.
pub fn text_field(name: &str, required: bool) -> Value {
    serde_json::json!({"name": name, "title": name, "required": required, "settings": {"type": "text"}})
}

/// A label question's create body.
pub fn label_question(name: &str, labels: &[&str], required: bool) -> Value {
    let options: Vec<Value> = (labels.iter())
        .map(|l| serde_json::json!({"value": l, "text": l.to_uppercase()}))
        .collect();
    serde_json::json!({"name": name, "title": name, "required": required,
        "settings": {"type": "label_selection", "options": options}})
}

/// The keys of a JSON object, in order.
pub fn keys(value: &Value) -> Vec<String> {
    value
        .as_object()
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default()
}
