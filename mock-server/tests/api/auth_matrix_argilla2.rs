//! Who may call what in the 2.x API: every `/api/v1` endpoint the mock serves × twelve kinds of
//! caller, one table, the status argilla-server 2.8.0 gives (`argilla-2x-users-api.md` §1, §2,
//! §4; `argilla-2x-datasets-api.md` §1; `argilla-2x-records-api.md` §2).
//!
//! The same table runs against the real server where one runs:
//!
//! ```text
//! bash ../shared/oracle/start-real-argilla-2.sh 6941
//! ARGILLA_ORACLE_URL=http://127.0.0.1:6941 cargo test -p argilla-mock --test api auth_matrix_argilla2 -- --ignored
//! ```
//!
//! Everything, the setup included, goes through the 2.x API, so the table needs nothing of the
//! server but its owner's key and a workspace named `argilla`. Each cell gets fresh targets (a
//! user to delete, a workspace to drop, a member to remove), so a success in one cell cannot
//! change the answer of another. `GET /api/v1/status` is left out: the real server fails it with
//! its default search backend (`docs/differences.md`).

use crate::helpers::*;
use argilla_mock::security::TokenKeys;
use argilla_mock::Config;
use reqwest::{Client, Method};
use serde_json::{json, Value};

#[derive(Clone, Copy, Debug, PartialEq)]
enum Caller {
    NoKey,
    EmptyKey,
    WrongKey,
    DeletedUsersKey,
    Annotator,
    AdminMember,
    AdminNonMember,
    Owner,
    /// A token from `POST /api/v1/token` (of an owner made for the run).
    Jwt,
    /// An unknown API key, then that token: 2.x falls through to the bearer backend.
    WrongKeyAndJwt,
    /// `Authorization: Bearer garbage`.
    BadBearer,
    /// A well-formed, expired JWT signed with a secret the server does not use.
    ForeignJwt,
}

const CALLERS: [Caller; 12] = [
    Caller::NoKey,
    Caller::EmptyKey,
    Caller::WrongKey,
    Caller::DeletedUsersKey,
    Caller::Annotator,
    Caller::AdminMember,
    Caller::AdminNonMember,
    Caller::Owner,
    Caller::Jwt,
    Caller::WrongKeyAndJwt,
    Caller::BadBearer,
    Caller::ForeignJwt,
];

/// What a cell's request is aimed at, made fresh for each cell.
#[derive(Clone, Copy, Debug)]
enum Target {
    Nothing,
    NewUserBody,
    NewWorkspaceBody,
    LoginForm,
    /// The annotator's id (nobody changes it).
    AnnotatorId,
    /// A user nobody else touches, with a PATCH body.
    FreshUserToPatch,
    /// A user nobody else touches, to delete.
    FreshUser,
    /// The `argilla` workspace (annotator and admin are members, the other admin is not).
    SharedWorkspace,
    /// `argilla` and, in the body, a fresh user not in it.
    SharedWorkspaceAndOutsider,
    /// `argilla` and a fresh user in it.
    SharedWorkspaceAndMember,
    /// A workspace nobody else touches, to delete.
    FreshWorkspace,
    /// A new dataset's body, in `argilla`.
    NewDatasetBody,
    /// A draft dataset in `argilla` nobody else touches, with a field, a required question, a
    /// metadata property visible to annotators and vector settings, and this body.
    FreshDataset(Payload),
    /// That dataset published, with a record that has a suggestion (`label`) and a response of
    /// a user who is no caller, and this body (`{question_id}`, `{record_id}` in it replaced).
    FreshRecord(Payload),
}

/// The body sent to a fresh dataset's route.
#[derive(Clone, Copy, Debug)]
enum Payload {
    None,
    DatasetPatch,
    NewField,
    FieldPatch,
    NewQuestion,
    QuestionPatch,
    NewProperty,
    PropertyPatch,
    NewVectors,
    VectorsPatch,
    EmptySearch,
    NewRecords,
    RecordPatch,
    Discarded,
    Suggestion,
    MyResponses,
}

impl Payload {
    fn body(self, unique: String) -> Option<Value> {
        let options = json!([{"value": "a", "text": "A"}, {"value": "b", "text": "B"}]);
        Some(match self {
            Payload::None => return None,
            Payload::DatasetPatch => json!({ "guidelines": "Read me" }),
            Payload::NewField => {
                json!({"name": unique, "title": "T", "settings": {"type": "text"}})
            }
            Payload::FieldPatch => json!({ "title": "Renamed" }),
            Payload::NewQuestion => json!({"name": unique, "title": "Q",
                "settings": {"type": "label_selection", "options": options}}),
            Payload::QuestionPatch => json!({ "title": "Renamed" }),
            Payload::NewProperty => json!({"name": unique, "title": "P",
                "settings": {"type": "integer", "min": 0, "max": 9}}),
            Payload::PropertyPatch => json!({ "title": "Renamed", "visible_for_annotators": true }),
            Payload::NewVectors => json!({"name": unique, "title": "V", "dimensions": 3}),
            Payload::VectorsPatch => json!({ "title": "Renamed" }),
            Payload::EmptySearch => json!({}),
            Payload::NewRecords => json!({ "items": [{ "fields": { "text": unique } }] }),
            Payload::RecordPatch => json!({ "metadata": { "genre": "patched" } }),
            Payload::Discarded => json!({ "status": "discarded", "values": {} }),
            Payload::Suggestion => json!({ "question_id": "{question_id}", "value": "b" }),
            Payload::MyResponses => json!({ "items": [
                { "record_id": "{record_id}", "status": "discarded", "values": {} }] }),
        })
    }
}

struct Row {
    method: Method,
    path: &'static str,
    target: Target,
    /// In `CALLERS` order.
    expected: [u16; 12],
}

/// The status of each caller when `ok` is the success status and `roles` the answers of
/// annotator, admin member, admin non-member (owner and both tokens succeed).
const fn table(ok: u16, roles: [u16; 3]) -> [u16; 12] {
    let [annotator, admin_member, admin_non_member] = roles;
    [
        401,
        401,
        401,
        401,
        annotator,
        admin_member,
        admin_non_member,
        ok,
        ok,
        ok,
        401,
        401,
    ]
}

fn any_user(ok: u16) -> [u16; 12] {
    table(ok, [ok; 3])
}

fn owner_only(ok: u16) -> [u16; 12] {
    table(ok, [403; 3])
}

fn owner_or_member(ok: u16) -> [u16; 12] {
    table(ok, [ok, ok, 403])
}

fn owner_or_admin_member(ok: u16) -> [u16; 12] {
    table(ok, [403, ok, 403])
}

/// The dataset rows: every route of `argilla-2x-datasets-api.md`, against a fresh dataset.
fn dataset_rows() -> Vec<Row> {
    use Payload::*;
    let row = |method: Method, path, payload, expected| Row {
        method,
        path,
        target: Target::FreshDataset(payload),
        expected,
    };
    let read = owner_or_member(200);
    let manage = owner_or_admin_member(200);
    let add = owner_or_admin_member(201);
    vec![
        row(Method::GET, "/api/v1/datasets/{dataset_id}", None, read),
        row(
            Method::PATCH,
            "/api/v1/datasets/{dataset_id}",
            DatasetPatch,
            manage,
        ),
        row(
            Method::DELETE,
            "/api/v1/datasets/{dataset_id}",
            None,
            manage,
        ),
        row(
            Method::PUT,
            "/api/v1/datasets/{dataset_id}/publish",
            None,
            manage,
        ),
        row(
            Method::GET,
            "/api/v1/datasets/{dataset_id}/progress",
            None,
            read,
        ),
        row(
            Method::GET,
            "/api/v1/datasets/{dataset_id}/users/progress",
            None,
            read,
        ),
        row(
            Method::GET,
            "/api/v1/me/datasets/{dataset_id}/metrics",
            None,
            read,
        ),
        row(
            Method::GET,
            "/api/v1/datasets/{dataset_id}/fields",
            None,
            read,
        ),
        row(
            Method::POST,
            "/api/v1/datasets/{dataset_id}/fields",
            NewField,
            add,
        ),
        row(
            Method::PATCH,
            "/api/v1/fields/{field_id}",
            FieldPatch,
            manage,
        ),
        row(Method::DELETE, "/api/v1/fields/{field_id}", None, manage),
        row(
            Method::GET,
            "/api/v1/datasets/{dataset_id}/questions",
            None,
            read,
        ),
        row(
            Method::POST,
            "/api/v1/datasets/{dataset_id}/questions",
            NewQuestion,
            add,
        ),
        row(
            Method::PATCH,
            "/api/v1/questions/{question_id}",
            QuestionPatch,
            manage,
        ),
        row(
            Method::DELETE,
            "/api/v1/questions/{question_id}",
            None,
            manage,
        ),
        row(
            Method::GET,
            "/api/v1/me/datasets/{dataset_id}/metadata-properties",
            None,
            read,
        ),
        row(
            Method::POST,
            "/api/v1/datasets/{dataset_id}/metadata-properties",
            NewProperty,
            add,
        ),
        row(
            Method::PATCH,
            "/api/v1/metadata-properties/{metadata_property_id}",
            PropertyPatch,
            manage,
        ),
        row(
            Method::DELETE,
            "/api/v1/metadata-properties/{metadata_property_id}",
            None,
            manage,
        ),
        row(
            Method::GET,
            "/api/v1/metadata-properties/{metadata_property_id}/metrics",
            None,
            read,
        ),
        row(
            Method::GET,
            "/api/v1/datasets/{dataset_id}/vectors-settings",
            None,
            read,
        ),
        row(
            Method::POST,
            "/api/v1/datasets/{dataset_id}/vectors-settings",
            NewVectors,
            add,
        ),
        row(
            Method::PATCH,
            "/api/v1/vectors-settings/{vector_settings_id}",
            VectorsPatch,
            manage,
        ),
        row(
            Method::DELETE,
            "/api/v1/vectors-settings/{vector_settings_id}",
            None,
            manage,
        ),
    ]
}

/// The record rows: every route of `argilla-2x-records-api.md` §2, against a fresh record.
fn record_rows() -> Vec<Row> {
    use Payload::*;
    let row = |method: Method, path, payload, expected| Row {
        method,
        path,
        target: Target::FreshRecord(payload),
        expected,
    };
    let read = owner_or_member(200);
    let manage = owner_or_admin_member(200);
    let records = "/api/v1/datasets/{dataset_id}/records";
    let bulk = "/api/v1/datasets/{dataset_id}/records/bulk";
    let record = "/api/v1/records/{record_id}";
    let suggestions = "/api/v1/records/{record_id}/suggestions";
    vec![
        row(Method::GET, records, None, manage),
        row(
            Method::DELETE,
            "/api/v1/datasets/{dataset_id}/records?ids={record_id}",
            None,
            owner_or_admin_member(204),
        ),
        row(
            Method::POST,
            "/api/v1/me/datasets/{dataset_id}/records/search",
            EmptySearch,
            read,
        ),
        row(
            Method::POST,
            "/api/v1/datasets/{dataset_id}/records/search",
            EmptySearch,
            manage,
        ),
        row(
            Method::GET,
            "/api/v1/datasets/{dataset_id}/records/search/suggestions/options",
            None,
            read,
        ),
        row(Method::POST, bulk, NewRecords, owner_or_admin_member(201)),
        row(Method::PUT, bulk, NewRecords, manage),
        row(Method::GET, record, None, read),
        row(Method::PATCH, record, RecordPatch, manage),
        row(
            Method::POST,
            "/api/v1/records/{record_id}/responses",
            Discarded,
            owner_or_member(201),
        ),
        row(Method::GET, suggestions, None, read),
        row(Method::PUT, suggestions, Suggestion, manage),
        row(
            Method::DELETE,
            "/api/v1/records/{record_id}/suggestions?ids={suggestion_id}",
            None,
            owner_or_admin_member(204),
        ),
        row(Method::DELETE, record, None, manage),
        row(
            Method::POST,
            "/api/v1/me/responses/bulk",
            MyResponses,
            any_user(200),
        ),
        // The response is someone else's: no caller is its user.
        row(
            Method::PUT,
            "/api/v1/responses/{response_id}",
            Discarded,
            manage,
        ),
        row(
            Method::DELETE,
            "/api/v1/responses/{response_id}",
            None,
            manage,
        ),
        row(
            Method::DELETE,
            "/api/v1/suggestions/{suggestion_id}",
            None,
            manage,
        ),
    ]
}

fn matrix() -> Vec<Row> {
    let row = |method: Method, path, target, expected| Row {
        method,
        path,
        target,
        expected,
    };
    use Target::*;
    vec![
        row(Method::GET, "/api/v1/version", Nothing, [200; 12]),
        row(Method::GET, "/api/v1/settings", Nothing, [200; 12]),
        row(Method::GET, "/api/v1/oauth2/providers", Nothing, [200; 12]),
        // The form decides; the credentials sent are not looked at.
        row(Method::POST, "/api/v1/token", LoginForm, [201; 12]),
        row(Method::GET, "/api/v1/me", Nothing, any_user(200)),
        row(Method::GET, "/api/v1/users", Nothing, owner_only(200)),
        row(Method::POST, "/api/v1/users", NewUserBody, owner_only(201)),
        row(
            Method::GET,
            "/api/v1/users/{user_id}",
            AnnotatorId,
            owner_only(200),
        ),
        row(
            Method::PATCH,
            "/api/v1/users/{user_id}",
            FreshUserToPatch,
            owner_only(200),
        ),
        row(
            Method::DELETE,
            "/api/v1/users/{user_id}",
            FreshUser,
            owner_only(200),
        ),
        row(
            Method::GET,
            "/api/v1/users/{user_id}/workspaces",
            AnnotatorId,
            owner_only(200),
        ),
        row(Method::GET, "/api/v1/me/workspaces", Nothing, any_user(200)),
        row(
            Method::POST,
            "/api/v1/workspaces",
            NewWorkspaceBody,
            owner_only(201),
        ),
        row(
            Method::GET,
            "/api/v1/workspaces/{workspace_id}",
            SharedWorkspace,
            owner_or_member(200),
        ),
        row(
            Method::DELETE,
            "/api/v1/workspaces/{workspace_id}",
            FreshWorkspace,
            owner_only(200),
        ),
        row(
            Method::GET,
            "/api/v1/workspaces/{workspace_id}/users",
            SharedWorkspace,
            owner_or_admin_member(200),
        ),
        row(
            Method::POST,
            "/api/v1/workspaces/{workspace_id}/users",
            SharedWorkspaceAndOutsider,
            owner_only(201),
        ),
        row(
            Method::DELETE,
            "/api/v1/workspaces/{workspace_id}/users/{user_id}",
            SharedWorkspaceAndMember,
            owner_or_admin_member(200),
        ),
        row(Method::GET, "/api/v1/me/datasets", Nothing, any_user(200)),
        row(
            Method::GET,
            "/api/v1/me/datasets?workspace_id={workspace_id}",
            SharedWorkspace,
            owner_or_member(200),
        ),
        row(
            Method::POST,
            "/api/v1/datasets",
            NewDatasetBody,
            owner_or_admin_member(201),
        ),
    ]
    .into_iter()
    .chain(dataset_rows())
    .chain(record_rows())
    .collect()
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
    annotator_username: String,
    /// A user who is no caller, whose response each fresh record has.
    responder_id: String,
}

/// The credentials each caller sends.
struct Credentials {
    annotator: String,
    admin_member: String,
    admin_non_member: String,
    deleted_users_key: String,
    jwt: String,
    foreign_jwt: String,
}

const PASSWORD: &str = "12345678";

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
            annotator_username: String::new(),
            responder_id: String::new(),
        };
        let mine = server
            .owner(Method::GET, "/api/v1/me/workspaces", None, 200)
            .await;
        server.shared_workspace = mine["items"]
            .as_array()
            .and_then(|all| all.iter().find(|w| w["name"] == "argilla"))
            .map(|w| w["id"].as_str().expect("id").to_owned())
            .expect("workspace argilla");
        server
    }

    fn unique(&self, what: &str) -> String {
        self.counter.set(self.counter.get() + 1);
        format!("matrix2-{}-{what}-{}", self.run, self.counter.get())
    }

    /// A request as the owner that must answer `expected`.
    async fn owner(&self, method: Method, path: &str, body: Option<Value>, expected: u16) -> Value {
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
        assert_eq!(status, expected, "setup {method} {path}: {body}");
        body
    }

    /// A user with a unique name, added to `workspaces`; returns its JSON and its username.
    async fn new_user(&self, role: &str, workspaces: &[&str]) -> (Value, String) {
        let username = self.unique(role);
        let body = json!({
            "first_name": "Matrix",
            "username": username,
            "password": PASSWORD,
            "role": role,
        });
        let user = self
            .owner(Method::POST, "/api/v1/users", Some(body), 201)
            .await;
        for workspace in workspaces {
            let path = format!("/api/v1/workspaces/{workspace}/users");
            let body = json!({ "user_id": user["id"] });
            self.owner(Method::POST, &path, Some(body), 201).await;
        }
        (user, username)
    }

    async fn login(&self, username: &str) -> String {
        let login = self
            .http
            .post(format!("{}/api/v1/token", self.url))
            .form(&[("username", username), ("password", PASSWORD)])
            .send()
            .await
            .expect("login");
        assert_eq!(login.status(), 201, "{username} logs in");
        login.json::<Value>().await.expect("json")["access_token"]
            .as_str()
            .expect("token")
            .to_owned()
    }

    async fn credentials(&mut self) -> Credentials {
        let ws = self.shared_workspace.clone();
        let (annotator, annotator_username) = self.new_user("annotator", &[&ws]).await;
        self.annotator_id = id(&annotator);
        self.annotator_username = annotator_username;
        self.responder_id = id(&self.new_user("annotator", &[]).await.0);
        let (admin_member, _) = self.new_user("admin", &[&ws]).await;
        let (admin_non_member, _) = self.new_user("admin", &[]).await;
        let (deleted, _) = self.new_user("annotator", &[]).await;
        let path = format!("/api/v1/users/{}", id(&deleted));
        self.owner(Method::DELETE, &path, None, 200).await;
        let (_, token_owner) = self.new_user("owner", &[]).await;
        let jwt = self.login(&token_owner).await;
        let foreign_jwt = TokenKeys::new(b"not-the-servers-secret")
            .issue_expired(&token_owner, 3600)
            .expect("sign");
        let key = |user: &Value| user["api_key"].as_str().expect("key").to_owned();
        Credentials {
            annotator: key(&annotator),
            admin_member: key(&admin_member),
            admin_non_member: key(&admin_non_member),
            deleted_users_key: key(&deleted),
            jwt,
            foreign_jwt,
        }
    }

    /// A draft dataset in `argilla` with one setting of each kind: the path's ids.
    async fn fresh_dataset(&self) -> Vec<(&'static str, String)> {
        let body = json!({ "name": self.unique("ds"), "workspace_id": self.shared_workspace });
        let dataset = self
            .owner(Method::POST, "/api/v1/datasets", Some(body), 201)
            .await;
        let dataset_id = id(&dataset);
        let add = |kind: &'static str, body: Value| {
            let path = format!("/api/v1/datasets/{dataset_id}/{kind}");
            async move { id(&self.owner(Method::POST, &path, Some(body), 201).await) }
        };
        let field = add(
            "fields",
            json!({"name": "text", "title": "Text", "required": true, "settings": {"type": "text"}}),
        )
        .await;
        let options = json!([{"value": "a", "text": "A"}, {"value": "b", "text": "B"}]);
        let question = add(
            "questions",
            json!({"name": "label", "title": "Label", "required": true,
                   "settings": {"type": "label_selection", "options": options}}),
        )
        .await;
        let property = add(
            "metadata-properties",
            json!({"name": "genre", "title": "Genre", "settings": {"type": "terms"}}),
        )
        .await;
        let vectors = add(
            "vectors-settings",
            json!({"name": "emb", "title": "Embedding", "dimensions": 3}),
        )
        .await;
        vec![
            ("dataset_id", dataset_id),
            ("field_id", field),
            ("question_id", question),
            ("metadata_property_id", property),
            ("vector_settings_id", vectors),
        ]
    }

    /// A fresh dataset, published, with a record that has a suggestion and a response (of a
    /// user who is no caller): the path's ids.
    async fn fresh_record(&self) -> Vec<(&'static str, String)> {
        let mut ids = self.fresh_dataset().await;
        let find = |ids: &[(&str, String)], name: &str| -> String {
            (ids.iter().find(|(n, _)| *n == name).map(|(_, v)| v.clone())).expect("id")
        };
        let (dataset, question) = (find(&ids, "dataset_id"), find(&ids, "question_id"));
        let path = format!("/api/v1/datasets/{dataset}/publish");
        self.owner(Method::PUT, &path, None, 200).await;
        let body = json!({"items": [{
            "fields": {"text": "matrix"},
            "suggestions": [{"question_id": question, "value": "a"}],
            "responses": [{"user_id": self.responder_id, "status": "submitted", "values": {"label": {"value": "a"}}}],
        }]});
        let path = format!("/api/v1/datasets/{dataset}/records/bulk");
        let created = self.owner(Method::POST, &path, Some(body), 201).await;
        let record = &created["items"][0];
        ids.push(("record_id", id(record)));
        ids.push(("suggestion_id", id(&record["suggestions"][0])));
        ids.push(("response_id", id(&record["responses"][0])));
        ids
    }

    /// The concrete path and body of one cell, with its targets made fresh.
    async fn prepare(&self, row: &Row) -> (String, Option<Value>, Option<Vec<(String, String)>>) {
        let ws = self.shared_workspace.clone();
        if let Target::FreshDataset(payload) | Target::FreshRecord(payload) = row.target {
            let ids = match row.target {
                Target::FreshRecord(_) => self.fresh_record().await,
                _ => self.fresh_dataset().await,
            };
            let mut path = row.path.to_owned();
            let mut body = payload.body(self.unique("setting")).map(|b| b.to_string());
            for (name, value) in ids {
                let placeholder = format!("{{{name}}}");
                path = path.replace(&placeholder, &value);
                body = body.map(|b| b.replace(&placeholder, &value));
            }
            let body = body.map(|b| serde_json::from_str(&b).expect("body"));
            return (path, body, None);
        }
        let (workspace_id, user_id, body) = match row.target {
            Target::Nothing
            | Target::LoginForm
            | Target::FreshDataset(_)
            | Target::FreshRecord(_) => (None, None, None),
            Target::NewDatasetBody => {
                let body = json!({ "name": self.unique("ds"), "workspace_id": ws });
                (None, None, Some(body))
            }
            Target::NewUserBody => {
                let body = json!({
                    "first_name": "Matrix",
                    "username": self.unique("new"),
                    "password": PASSWORD,
                });
                (None, None, Some(body))
            }
            Target::NewWorkspaceBody => (None, None, Some(json!({ "name": self.unique("ws") }))),
            Target::AnnotatorId => (None, Some(self.annotator_id.clone()), None),
            Target::FreshUserToPatch => {
                let (user, _) = self.new_user("annotator", &[]).await;
                (
                    None,
                    Some(id(&user)),
                    Some(json!({ "last_name": "Patched" })),
                )
            }
            Target::FreshUser => (
                None,
                Some(id(&self.new_user("annotator", &[]).await.0)),
                None,
            ),
            Target::SharedWorkspace => (Some(ws), None, None),
            Target::SharedWorkspaceAndOutsider => {
                let (user, _) = self.new_user("annotator", &[]).await;
                (Some(ws), None, Some(json!({ "user_id": id(&user) })))
            }
            Target::SharedWorkspaceAndMember => {
                let (member, _) = self.new_user("annotator", &[&ws]).await;
                (Some(ws), Some(id(&member)), None)
            }
            Target::FreshWorkspace => {
                let body = json!({ "name": self.unique("ws") });
                let workspace = self
                    .owner(Method::POST, "/api/v1/workspaces", Some(body), 201)
                    .await;
                (Some(id(&workspace)), None, None)
            }
        };
        let mut path = row.path.to_owned();
        if let Some(w) = workspace_id {
            path = path.replace("{workspace_id}", &w);
        }
        if let Some(u) = user_id {
            path = path.replace("{user_id}", &u);
        }
        let form = matches!(row.target, Target::LoginForm).then(|| {
            // The annotator is made by the run, so its password is known on any server.
            vec![
                ("username".to_owned(), self.annotator_username.clone()),
                ("password".to_owned(), PASSWORD.to_owned()),
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
        let headers = match caller {
            Caller::NoKey => vec![],
            Caller::EmptyKey => vec![key("")],
            Caller::WrongKey => vec![key("not-a-key")],
            Caller::DeletedUsersKey => vec![key(&creds.deleted_users_key)],
            Caller::Annotator => vec![key(&creds.annotator)],
            Caller::AdminMember => vec![key(&creds.admin_member)],
            Caller::AdminNonMember => vec![key(&creds.admin_non_member)],
            Caller::Owner => vec![key(&self.owner_key)],
            Caller::Jwt => vec![bearer(&creds.jwt)],
            Caller::WrongKeyAndJwt => vec![key("not-a-key"), bearer(&creds.jwt)],
            Caller::BadBearer => vec![bearer("garbage")],
            Caller::ForeignJwt => vec![bearer(&creds.foreign_jwt)],
        };
        for (name, value) in headers {
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

fn id(v: &Value) -> String {
    v["id"].as_str().expect("id").to_owned()
}

fn invalid_token() -> Value {
    argilla_error("UnauthorizedError", json!({ "detail": "Invalid token" }))
}

/// Runs the whole table; returns the number of cells and one line per cell that differs.
async fn run_matrix(url: &str, owner_key: &str) -> (usize, Vec<String>) {
    let mut server = Server::connect(url, owner_key).await;
    let creds = server.credentials().await;
    let mut cells = 0;
    let mut differences = Vec::new();
    for row in matrix() {
        for (caller, expected) in CALLERS.into_iter().zip(row.expected) {
            cells += 1;
            let (status, body) = server.call(&row, caller, &creds).await;
            let body_ok = match status {
                401 if matches!(caller, Caller::BadBearer | Caller::ForeignJwt) => {
                    body == invalid_token()
                }
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
    (cells, differences)
}

#[tokio::test]
async fn every_2x_endpoint_answers_every_kind_of_caller_as_the_real_server() {
    let config = Config {
        argilla_version: Some("2.8.0".into()),
        ..Config::default()
    };
    let app = TestApp::with_config(config).await;
    let (cells, differences) = run_matrix(&app.server.url(), OWNER_KEY).await;
    assert!(
        differences.is_empty(),
        "{} of {cells} cells differ:\n{}",
        differences.len(),
        differences.join("\n")
    );
}

#[tokio::test]
#[ignore = "needs a real argilla-server 2.8: set ARGILLA_ORACLE_URL (see the module docs)"]
async fn the_2x_table_is_what_the_real_server_answers() {
    let url = std::env::var("ARGILLA_ORACLE_URL").expect("ARGILLA_ORACLE_URL");
    let key = std::env::var("ARGILLA_ORACLE_KEY").unwrap_or_else(|_| OWNER_KEY.to_owned());
    let (cells, differences) = run_matrix(&url, &key).await;
    assert!(
        differences.is_empty(),
        "{} of {cells} cells differ from {url}:\n{}",
        differences.len(),
        differences.join("\n")
    );
}
