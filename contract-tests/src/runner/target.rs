//! The server under test: an argilla-mock started in this process or any server at a URL,
//! preparing each case on it (a fresh namespace, the subject user, the fault rule) and reading
//! back what happened (argilla-mock's journal, the users afterwards) through its HTTP APIs.

use std::time::Duration;

use argilla_mock::MockServer;
use reqwest::Method;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::cases::{After, Case, Setup};
use crate::protocol::Api;

/// The key of the default owner `argilla`, which prepares every case.
pub(super) const OWNER_KEY: &str = "argilla.apikey";

/// Which server the cases run against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Server {
    /// An argilla-mock with the default fixtures, started for the run and stopped after it.
    Embedded,
    /// A running server at this base URL: argilla-mock, or e.g. the real Argilla (cases that
    /// need fault injection are then skipped).
    Url(String),
}

impl Server {
    /// `embedded`, or a base URL (the `--server` argument).
    pub fn from_arg(arg: &str) -> Server {
        if arg == "embedded" {
            Server::Embedded
        } else {
            Server::Url(arg.to_owned())
        }
    }
}

/// The server under test, and whether it has argilla-mock's admin API.
pub(super) struct Target {
    url: String,
    pub(super) admin: bool,
    http: reqwest::Client,
    /// Kept so the embedded server lives as long as the run.
    _embedded: Option<MockServer>,
}

/// What a case was prepared with: the names its arguments and expectations refer to.
#[derive(Debug, Default)]
pub(super) struct Prepared {
    /// The API generation of the client: the runner prepares and inspects the server with it.
    pub(super) api: Api,
    pub(super) base: String,
    pub(super) subject: String,
    pub(super) subject_id: String,
    pub(super) subject_key: String,
    pub(super) workspace: String,
    pub(super) new_name: String,
    journal_mark: u64,
}

impl Prepared {
    /// Fills in `{api}`, `{subject}`, `{subject_id}`, `{workspace}` and `{new_name}`.
    pub(super) fn fill(&self, text: &str) -> String {
        text.replace("{api}", self.api.prefix())
            .replace("{subject_id}", &self.subject_id)
            .replace("{subject}", &self.subject)
            .replace("{workspace}", &self.workspace)
            .replace("{new_name}", &self.new_name)
    }

    /// [`Prepared::fill`] on every string inside `value`.
    pub(super) fn fill_value(&self, value: &Value) -> Value {
        match value {
            Value::String(s) => Value::String(self.fill(s)),
            Value::Array(items) => Value::Array(items.iter().map(|v| self.fill_value(v)).collect()),
            Value::Object(map) => Value::Object(
                map.iter()
                    .map(|(k, v)| (k.clone(), self.fill_value(v)))
                    .collect(),
            ),
            other => other.clone(),
        }
    }
}

/// A user as the owner's list shows it, for the checks of the state afterwards.
#[derive(Debug, Deserialize)]
pub(super) struct ListedUser {
    #[serde(default)]
    pub(super) id: String,
    pub(super) username: String,
    #[serde(default)]
    pub(super) first_name: Option<String>,
    #[serde(default)]
    pub(super) last_name: Option<String>,
    #[serde(default)]
    pub(super) role: Option<String>,
    /// Workspace names (`null` or absent counts as none; 2.x lists them apart, read on demand).
    #[serde(default)]
    pub(super) workspaces: Option<Vec<String>>,
}

/// The server's state after a case, as far as its `after` checks need it.
#[derive(Debug, Default)]
pub(super) struct State {
    pub(super) users: Vec<ListedUser>,
    /// Every workspace name (read only when a check is about workspaces).
    pub(super) workspaces: Vec<String>,
    /// `(username, password)` pairs that logged in (read only for `CanLogIn` checks).
    pub(super) logins: Vec<(String, String)>,
}

#[derive(Deserialize)]
struct Items<T> {
    items: Vec<T>,
}

#[derive(Deserialize)]
struct Named {
    #[serde(default)]
    id: String,
    name: String,
}

impl Target {
    pub(super) async fn connect(server: &Server) -> anyhow::Result<Target> {
        let (url, embedded) = match server {
            Server::Embedded => {
                let mock = MockServer::builder().start().await?;
                (mock.url(), Some(mock))
            }
            Server::Url(url) => (url.trim_end_matches('/').to_owned(), None),
        };
        let http = reqwest::Client::builder()
            .no_proxy()
            .timeout(Duration::from_secs(30))
            .build()
            .unwrap_or_default();
        // The real server answers unknown GETs with its web UI (200 HTML): look for our JSON.
        let admin = match http.get(format!("{url}/__mock/namespaces")).send().await {
            Ok(r) if r.status().is_success() => r
                .json::<Value>()
                .await
                .is_ok_and(|v| v["namespaces"].is_array()),
            _ => false,
        };
        Ok(Target {
            url,
            admin,
            http,
            _embedded: embedded,
        })
    }

    /// A fresh namespace per case on argilla-mock; the server itself elsewhere.
    fn base_for(&self, tag: &str) -> String {
        if self.admin {
            format!("{}/ns/contract-{tag}", self.url)
        } else {
            self.url.clone()
        }
    }

    /// One request as the owner; `Err` names the request and the answer.
    async fn call(
        &self,
        method: Method,
        url: String,
        body: Option<Value>,
    ) -> Result<Value, String> {
        let mut request = self
            .http
            .request(method.clone(), &url)
            .header("X-Argilla-Api-Key", OWNER_KEY);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request
            .send()
            .await
            .map_err(|e| format!("{method} {url}: {e}"))?;
        let status = response.status();
        let value: Value = response.json().await.unwrap_or(Value::Null);
        if status.is_success() {
            Ok(value)
        } else {
            Err(format!("{method} {url} answered {status}: {value}"))
        }
    }

    /// Creates what the case starts from, through the API generation `api`; `tag` makes its
    /// namespace and names unique.
    pub(super) async fn prepare(
        &self,
        case: &Case,
        tag: &str,
        api: Api,
    ) -> Result<Prepared, String> {
        let base = self.base_for(tag);
        let short = tag.replace('-', "");
        let mut prepared = Prepared {
            api,
            base: base.clone(),
            new_name: format!("ct{short}-new"),
            ..Prepared::default()
        };
        let (role, linked) = match case.setup {
            Setup::Nothing => (None, false),
            Setup::Subject(role) => (Some(role), true),
            Setup::Unlinked(role) => (Some(role), false),
            Setup::DeletedSubject => (Some("annotator"), true),
        };
        if let Some(role) = role {
            prepared.workspace = format!("ct{short}-ws");
            prepared.subject = format!("ct{short}-user");
            let user = match api {
                Api::Argilla1 => self.prepare_v1(&prepared, role, linked).await?,
                Api::Argilla2 => self.prepare_v2(&prepared, role, linked).await?,
            };
            prepared.subject_id = user["id"].as_str().unwrap_or_default().to_owned();
            prepared.subject_key = user["api_key"].as_str().unwrap_or_default().to_owned();
            if case.setup == Setup::DeletedSubject {
                let url = format!("{base}{}/users/{}", api.prefix(), prepared.subject_id);
                self.call(Method::DELETE, url, None).await?;
            }
        }
        if let Some(fault) = &case.fault {
            let mut fault = fault.clone();
            fault.path = fault.path.map(|p| prepared.fill(&p));
            let rule = serde_json::to_value(fault).map_err(|e| e.to_string())?;
            self.call(Method::POST, format!("{base}/__mock/faults"), Some(rule))
                .await?;
        }
        if self.admin {
            prepared.journal_mark = self
                .journal(&base, 0)
                .await?
                .last()
                .and_then(|e| e["seq"].as_u64())
                .unwrap_or(0);
        }
        Ok(prepared)
    }

    /// The subject's workspace and the subject (linked to it and `argilla`) through the 1.x API.
    async fn prepare_v1(
        &self,
        prepared: &Prepared,
        role: &str,
        linked: bool,
    ) -> Result<Value, String> {
        let base = &prepared.base;
        let workspace = json!({"name": prepared.workspace});
        self.call(
            Method::POST,
            format!("{base}/api/workspaces"),
            Some(workspace),
        )
        .await?;
        let workspaces = if linked {
            json!(["argilla", prepared.workspace])
        } else {
            json!([])
        };
        let new_user = json!({"first_name": "Contract", "username": prepared.subject,
                              "password": "12345678", "role": role, "workspaces": workspaces});
        self.call(Method::POST, format!("{base}/api/users"), Some(new_user))
            .await
    }

    /// The same through the 2.x API, which links users to workspaces one call each.
    async fn prepare_v2(
        &self,
        prepared: &Prepared,
        role: &str,
        linked: bool,
    ) -> Result<Value, String> {
        let v1 = format!("{}/api/v1", prepared.base);
        let workspace = json!({"name": prepared.workspace});
        let own = self
            .call(Method::POST, format!("{v1}/workspaces"), Some(workspace))
            .await?;
        let new_user = json!({"first_name": "Contract", "username": prepared.subject,
                              "password": "12345678", "role": role});
        let user = self
            .call(Method::POST, format!("{v1}/users"), Some(new_user))
            .await?;
        if linked {
            let argilla = self
                .workspaces_v2(&prepared.base)
                .await?
                .into_iter()
                .find(|w| w.name == "argilla")
                .ok_or("the server has no workspace `argilla`")?;
            for id in [argilla.id.as_str(), own["id"].as_str().unwrap_or_default()] {
                let member = json!({"user_id": user["id"]});
                self.call(
                    Method::POST,
                    format!("{v1}/workspaces/{id}/users"),
                    Some(member),
                )
                .await?;
            }
        }
        Ok(user)
    }

    /// Every workspace, as the owner sees them through the 2.x API.
    async fn workspaces_v2(&self, base: &str) -> Result<Vec<Named>, String> {
        let list = self
            .call(Method::GET, format!("{base}/api/v1/me/workspaces"), None)
            .await?;
        serde_json::from_value::<Items<Named>>(list)
            .map(|l| l.items)
            .map_err(|e| format!("the workspace list is malformed: {e}"))
    }

    /// What the client sent since the case was prepared (argilla-mock only; empty elsewhere),
    /// then the case's fault rules are removed so they cannot disturb the checks that follow.
    pub(super) async fn exchanges(&self, prepared: &Prepared) -> Vec<Value> {
        if !self.admin {
            return Vec::new();
        }
        let exchanges = self
            .journal(&prepared.base, prepared.journal_mark)
            .await
            .unwrap_or_default();
        let faults = format!("{}/__mock/faults", prepared.base);
        let _ = self.call(Method::DELETE, faults, None).await;
        exchanges
    }

    async fn journal(&self, base: &str, since: u64) -> Result<Vec<Value>, String> {
        let url = format!("{base}/__mock/requests?since={since}");
        let body = self.call(Method::GET, url, None).await?;
        Ok(body["requests"].as_array().cloned().unwrap_or_default())
    }

    /// What the case's `after` checks look at, read through the client's API generation.
    pub(super) async fn state(
        &self,
        after: &[After],
        prepared: &Prepared,
    ) -> Result<State, String> {
        let base = &prepared.base;
        let mut state = State::default();
        let users = match prepared.api {
            Api::Argilla1 => {
                self.call(Method::GET, format!("{base}/api/users"), None)
                    .await?
            }
            Api::Argilla2 => self
                .call(Method::GET, format!("{base}/api/v1/users"), None)
                .await?["items"]
                .take(),
        };
        state.users = serde_json::from_value(users)
            .map_err(|e| format!("the user list is malformed: {e}"))?;
        for check in after {
            match *check {
                After::UserInWorkspace(name, _) | After::UserNotInWorkspace(name, _)
                    if prepared.api == Api::Argilla2 =>
                {
                    let name = prepared.fill(name);
                    let Some(user) = state.users.iter_mut().find(|u| u.username == name) else {
                        continue;
                    };
                    let url = format!("{base}/api/v1/users/{}/workspaces", user.id);
                    let list = self.call(Method::GET, url, None).await?;
                    let list: Items<Named> = serde_json::from_value(list)
                        .map_err(|e| format!("the workspace list is malformed: {e}"))?;
                    user.workspaces = Some(list.items.into_iter().map(|w| w.name).collect());
                }
                After::WorkspaceExists(_) | After::WorkspaceAbsent(_)
                    if state.workspaces.is_empty() =>
                {
                    state.workspaces = match prepared.api {
                        Api::Argilla1 => {
                            let list = self
                                .call(Method::GET, format!("{base}/api/workspaces"), None)
                                .await?;
                            serde_json::from_value::<Vec<Named>>(list)
                                .map_err(|e| format!("the workspace list is malformed: {e}"))?
                        }
                        Api::Argilla2 => self.workspaces_v2(base).await?,
                    }
                    .into_iter()
                    .map(|w| w.name)
                    .collect();
                }
                After::CanLogIn(name, password) => {
                    let (name, password) = (prepared.fill(name), password.to_owned());
                    if self.logs_in(prepared, &name, &password).await? {
                        state.logins.push((name, password));
                    }
                }
                _ => {}
            }
        }
        Ok(state)
    }

    /// Whether the login route gives `username` a token for `password`.
    async fn logs_in(
        &self,
        prepared: &Prepared,
        username: &str,
        password: &str,
    ) -> Result<bool, String> {
        let url = match prepared.api {
            Api::Argilla1 => format!("{}/api/security/token", prepared.base),
            Api::Argilla2 => format!("{}/api/v1/token", prepared.base),
        };
        let form = format!(
            "username={}&password={}",
            form_encode(username),
            form_encode(password)
        );
        let response = self
            .http
            .post(&url)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(form)
            .send()
            .await
            .map_err(|e| format!("POST {url}: {e}"))?;
        match response.status().as_u16() {
            200 | 201 => Ok(true),
            401 => Ok(false),
            status => Err(format!("POST {url} answered {status}")),
        }
    }
}

/// `application/x-www-form-urlencoded` for one value.
fn form_encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
