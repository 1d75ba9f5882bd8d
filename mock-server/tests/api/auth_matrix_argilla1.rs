//! Who may call what: every endpoint × ten kinds of caller, one table, the status the real
//! Argilla 1.14.1 server gives (argilla-users-api.md, Part B "Roles" and "Auth").
//!
//! The same table runs against the real server where one runs:
//!
//! ```text
//! bash ../shared/oracle/start-real-argilla.sh 6910
//! ARGILLA_ORACLE_URL=http://127.0.0.1:6910 cargo test -p argilla-mock --test api auth_matrix_argilla1 -- --ignored
//! ```
//!
//! Each cell gets fresh targets (a user to delete, a workspace to drop, a member to remove), so a
//! success in one cell cannot change the answer of another.

use crate::helpers::*;
use argilla_mock::security::TokenKeys;
use argilla_mock::Config;
use reqwest::{Client, Method};
use serde_json::{json, Value};

/// The real server signs login tokens with the secret `"secret"` unless configured otherwise
/// (`argilla.server.security.auth_provider.local.settings`); the mock is given the same one here
/// so one expired token serves both.
const JWT_SECRET: &str = "secret";

#[derive(Clone, Copy, Debug)]
enum Caller {
    NoKey,
    EmptyKey,
    WrongKey,
    DeletedUsersKey,
    Annotator,
    AdminMember,
    AdminNonMember,
    Owner,
    Jwt,
    ExpiredJwt,
}

const CALLERS: [Caller; 10] = [
    Caller::NoKey,
    Caller::EmptyKey,
    Caller::WrongKey,
    Caller::DeletedUsersKey,
    Caller::Annotator,
    Caller::AdminMember,
    Caller::AdminNonMember,
    Caller::Owner,
    Caller::Jwt,
    Caller::ExpiredJwt,
];

/// What a cell's request is aimed at, made fresh for each cell.
#[derive(Clone, Copy, Debug)]
enum Target {
    Nothing,
    NewUserBody,
    NewWorkspaceBody,
    LoginForm,
    /// A user nobody else touches, to delete.
    FreshUser,
    /// The `argilla` workspace (annotator and admin are members, the non-member admin is not).
    SharedWorkspace,
    /// `argilla` and a fresh user not in it.
    SharedWorkspaceAndOutsider,
    /// `argilla` and a fresh user in it.
    SharedWorkspaceAndMember,
    /// The annotator's id.
    AnnotatorId,
    /// A workspace nobody else touches, to delete.
    FreshWorkspace,
}

struct Row {
    method: Method,
    path: &'static str,
    target: Target,
    /// In `CALLERS` order: none, empty, wrong, deleted, annotator, admin member, admin
    /// non-member, owner, JWT, expired JWT.
    expected: [u16; 10],
}

const ANY_USER: [u16; 10] = [401, 401, 401, 401, 200, 200, 200, 200, 200, 401];
const OWNER_ONLY: [u16; 10] = [401, 401, 401, 401, 403, 403, 403, 200, 200, 401];
const NO_CREDENTIALS_NEEDED: [u16; 10] = [200; 10];
const OWNER_OR_ADMIN_MEMBER: [u16; 10] = [401, 401, 401, 401, 403, 200, 403, 200, 200, 401];
const OWNER_OR_MEMBER: [u16; 10] = [401, 401, 401, 401, 200, 200, 403, 200, 200, 401];

fn matrix() -> Vec<Row> {
    let row = |method: Method, path, target, expected| Row {
        method,
        path,
        target,
        expected,
    };
    use Target::*;
    vec![
        row(Method::GET, "/api/me", Nothing, ANY_USER),
        row(Method::GET, "/api/users", Nothing, OWNER_ONLY),
        row(Method::POST, "/api/users", NewUserBody, OWNER_ONLY),
        row(
            Method::DELETE,
            "/api/users/{user_id}",
            FreshUser,
            OWNER_ONLY,
        ),
        row(Method::GET, "/api/_info", Nothing, NO_CREDENTIALS_NEEDED),
        row(Method::GET, "/api/_status", Nothing, NO_CREDENTIALS_NEEDED),
        // The form decides; headers are not looked at.
        row(
            Method::POST,
            "/api/security/token",
            LoginForm,
            NO_CREDENTIALS_NEEDED,
        ),
        row(Method::GET, "/api/workspaces", Nothing, ANY_USER),
        row(
            Method::POST,
            "/api/workspaces",
            NewWorkspaceBody,
            OWNER_ONLY,
        ),
        row(
            Method::GET,
            "/api/workspaces/{workspace_id}/users",
            SharedWorkspace,
            OWNER_OR_ADMIN_MEMBER,
        ),
        row(
            Method::POST,
            "/api/workspaces/{workspace_id}/users/{user_id}",
            SharedWorkspaceAndOutsider,
            OWNER_ONLY,
        ),
        row(
            Method::DELETE,
            "/api/workspaces/{workspace_id}/users/{user_id}",
            SharedWorkspaceAndMember,
            OWNER_OR_ADMIN_MEMBER,
        ),
        row(Method::GET, "/api/v1/me/workspaces", Nothing, ANY_USER),
        row(
            Method::GET,
            "/api/v1/users/{user_id}/workspaces",
            AnnotatorId,
            OWNER_ONLY,
        ),
        row(
            Method::GET,
            "/api/v1/workspaces/{workspace_id}",
            SharedWorkspace,
            OWNER_OR_MEMBER,
        ),
        row(
            Method::DELETE,
            "/api/v1/workspaces/{workspace_id}",
            FreshWorkspace,
            OWNER_ONLY,
        ),
    ]
}

/// A server under test, reached only over HTTP (so it can be the mock or the real one).
struct Server {
    url: String,
    owner_key: String,
    http: Client,
    /// Makes names unique per run, so the real server can be asked twice.
    run: String,
    counter: std::cell::Cell<u32>,
    shared_workspace: String,
    annotator_id: String,
}

/// The credentials each caller sends.
struct Credentials {
    annotator: String,
    admin_member: String,
    admin_non_member: String,
    deleted_users_key: String,
    jwt: String,
    expired_jwt: String,
}

impl Server {
    async fn connect(url: &str, owner_key: &str) -> Server {
        let http = Client::builder().no_proxy().build().expect("client");
        let mut server = Server {
            url: url.trim_end_matches('/').to_owned(),
            owner_key: owner_key.to_owned(),
            http,
            run: uuid::Uuid::new_v4().simple().to_string()[..8].to_owned(),
            counter: std::cell::Cell::new(0),
            shared_workspace: String::new(),
            annotator_id: String::new(),
        };
        let workspaces = server.owner(Method::GET, "/api/workspaces", None).await;
        server.shared_workspace = workspaces
            .as_array()
            .and_then(|all| all.iter().find(|w| w["name"] == "argilla"))
            .map(|w| w["id"].as_str().expect("id").to_owned())
            .expect("workspace argilla");
        server
    }

    fn unique(&self, what: &str) -> String {
        self.counter.set(self.counter.get() + 1);
        format!("matrix-{}-{what}-{}", self.run, self.counter.get())
    }

    /// A request as the owner that must succeed.
    async fn owner(&self, method: Method, path: &str, body: Option<Value>) -> Value {
        let mut request = self
            .http
            .request(method.clone(), format!("{}{path}", self.url))
            .header("X-Argilla-Api-Key", &self.owner_key);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.expect("request");
        let status = response.status();
        let body: Value = response.json().await.expect("json");
        assert_eq!(status, 200, "setup {method} {path}: {body}");
        body
    }

    async fn new_user(&self, role: &str, workspaces: &[&str]) -> Value {
        let user = self
            .owner(
                Method::POST,
                "/api/users",
                Some(json!({
                    "first_name": "Matrix",
                    "username": self.unique(role),
                    "password": "12345678",
                    "role": role,
                })),
            )
            .await;
        let id = user["id"].as_str().expect("id");
        for workspace in workspaces {
            let path = format!("/api/workspaces/{workspace}/users/{id}");
            self.owner(Method::POST, &path, None).await;
        }
        user
    }

    async fn credentials(&mut self) -> Credentials {
        let annotator = self.new_user("annotator", &[&self.shared_workspace]).await;
        self.annotator_id = annotator["id"].as_str().expect("id").to_owned();
        let admin_member = self.new_user("admin", &[&self.shared_workspace]).await;
        let admin_non_member = self.new_user("admin", &[]).await;
        let deleted = self.new_user("annotator", &[]).await;
        let path = format!("/api/users/{}", deleted["id"].as_str().expect("id"));
        self.owner(Method::DELETE, &path, None).await;
        let login = self
            .http
            .post(format!("{}/api/security/token", self.url))
            .form(&[("username", "argilla"), ("password", "1234")])
            .send()
            .await
            .expect("login");
        assert_eq!(login.status(), 200, "the default owner logs in");
        let jwt = login.json::<Value>().await.expect("json")["access_token"]
            .as_str()
            .expect("token")
            .to_owned();
        let expired_jwt = TokenKeys::new(JWT_SECRET.as_bytes())
            .issue_expired("argilla", 3600)
            .expect("sign");
        let key = |user: &Value| user["api_key"].as_str().expect("key").to_owned();
        Credentials {
            annotator: key(&annotator),
            admin_member: key(&admin_member),
            admin_non_member: key(&admin_non_member),
            deleted_users_key: key(&deleted),
            jwt,
            expired_jwt,
        }
    }

    /// The concrete path and body of one cell, with its targets made fresh.
    async fn prepare(&self, row: &Row) -> (String, Option<Value>, Option<Vec<(String, String)>>) {
        let ws = self.shared_workspace.clone();
        let id = |v: &Value| v["id"].as_str().expect("id").to_owned();
        let (workspace_id, user_id) = match row.target {
            Target::FreshUser => (None, Some(id(&self.new_user("annotator", &[]).await))),
            Target::SharedWorkspace => (Some(ws), None),
            Target::SharedWorkspaceAndOutsider => {
                (Some(ws), Some(id(&self.new_user("annotator", &[]).await)))
            }
            Target::SharedWorkspaceAndMember => {
                let member = self.new_user("annotator", &[&ws]).await;
                (Some(ws), Some(id(&member)))
            }
            Target::AnnotatorId => (None, Some(self.annotator_id.clone())),
            Target::FreshWorkspace => {
                let body = json!({ "name": self.unique("ws") });
                let workspace = self
                    .owner(Method::POST, "/api/workspaces", Some(body))
                    .await;
                (Some(id(&workspace)), None)
            }
            _ => (None, None),
        };
        let mut path = row.path.to_owned();
        if let Some(w) = workspace_id {
            path = path.replace("{workspace_id}", &w);
        }
        if let Some(u) = user_id {
            path = path.replace("{user_id}", &u);
        }
        let body = match row.target {
            Target::NewUserBody => Some(json!({
                "first_name": "Matrix",
                "username": self.unique("new"),
                "password": "12345678",
            })),
            Target::NewWorkspaceBody => Some(json!({ "name": self.unique("new-ws") })),
            _ => None,
        };
        let form = matches!(row.target, Target::LoginForm).then(|| {
            vec![
                ("username".to_owned(), "argilla".to_owned()),
                ("password".to_owned(), "1234".to_owned()),
            ]
        });
        (path, body, form)
    }

    async fn call(&self, row: &Row, caller: Caller, creds: &Credentials) -> (u16, Value) {
        let (path, body, form) = self.prepare(row).await;
        let mut request = self
            .http
            .request(row.method.clone(), format!("{}{path}", self.url));
        let key = |k: &str| ("X-Argilla-Api-Key", k.to_owned());
        let bearer = |t: &str| ("Authorization", format!("Bearer {t}"));
        let header = match caller {
            Caller::NoKey => None,
            Caller::EmptyKey => Some(key("")),
            Caller::WrongKey => Some(key("not-a-key")),
            Caller::DeletedUsersKey => Some(key(&creds.deleted_users_key)),
            Caller::Annotator => Some(key(&creds.annotator)),
            Caller::AdminMember => Some(key(&creds.admin_member)),
            Caller::AdminNonMember => Some(key(&creds.admin_non_member)),
            Caller::Owner => Some(key(&self.owner_key)),
            Caller::Jwt => Some(bearer(&creds.jwt)),
            Caller::ExpiredJwt => Some(bearer(&creds.expired_jwt)),
        };
        if let Some((name, value)) = header {
            request = request.header(name, value);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        if let Some(form) = form {
            request = request.form(&form);
        }
        let response = request.send().await.expect("request");
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }
}

/// Runs the whole table; returns one line per cell that differs.
async fn run_matrix(url: &str, owner_key: &str) -> Vec<String> {
    let mut server = Server::connect(url, owner_key).await;
    let creds = server.credentials().await;
    let mut differences = Vec::new();
    for row in matrix() {
        for (caller, expected) in CALLERS.into_iter().zip(row.expected) {
            let (status, body) = server.call(&row, caller, &creds).await;
            let body_ok = match status {
                401 => body == unauthorized(),
                403 => body == forbidden(),
                _ => true,
            };
            if status != expected || !body_ok {
                differences.push(format!(
                    "{} {} as {caller:?}: expected {expected}, got {status} {body}",
                    row.method, row.path
                ));
            }
        }
    }
    differences
}

#[tokio::test]
async fn every_endpoint_answers_every_kind_of_caller_as_the_real_server() {
    // The table is Argilla 1.14.1's: the 1.x profile (by default `/api/v1/…` answers as 2.8,
    // which calls an expired token `Invalid token`).
    let config = Config {
        jwt_secret: Some(JWT_SECRET.into()),
        argilla_version: Some("1.14.1".into()),
        ..Config::default()
    };
    let app = TestApp::with_config(config).await;
    let differences = run_matrix(&app.server.url(), OWNER_KEY).await;
    assert!(
        differences.is_empty(),
        "{} of 160 cells differ:\n{}",
        differences.len(),
        differences.join("\n")
    );
}

#[tokio::test]
#[ignore = "needs a real Argilla server: set ARGILLA_ORACLE_URL (see the module docs)"]
async fn the_table_is_what_the_real_server_answers() {
    let url = std::env::var("ARGILLA_ORACLE_URL").expect("ARGILLA_ORACLE_URL");
    let key = std::env::var("ARGILLA_ORACLE_KEY").unwrap_or_else(|_| OWNER_KEY.to_owned());
    let differences = run_matrix(&url, &key).await;
    assert!(
        differences.is_empty(),
        "{} of 160 cells differ from {url}:\n{}",
        differences.len(),
        differences.join("\n")
    );
}
