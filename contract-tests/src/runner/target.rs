//! The server under test: an argilla-mock started in this process or any server at a URL,
//! preparing each case on it (a fresh namespace, the subject user, the fault rule) and reading
//! back what happened (argilla-mock's journal, the users afterwards) through its HTTP APIs.

use std::time::Duration;

use argilla_mock::MockServer;
use reqwest::Method;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::cases::{Case, Setup};

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
    pub(super) base: String,
    pub(super) subject: String,
    pub(super) subject_id: String,
    pub(super) subject_key: String,
    pub(super) workspace: String,
    pub(super) new_name: String,
    journal_mark: u64,
}

impl Prepared {
    /// Fills in `{subject}`, `{subject_id}`, `{workspace}` and `{new_name}`.
    pub(super) fn fill(&self, text: &str) -> String {
        text.replace("{subject_id}", &self.subject_id)
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
    pub(super) username: String,
    /// Workspace names (`null` or absent counts as none).
    #[serde(default)]
    pub(super) workspaces: Option<Vec<String>>,
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

    /// Creates what the case starts from; `tag` makes its namespace and names unique.
    pub(super) async fn prepare(&self, case: &Case, tag: &str) -> Result<Prepared, String> {
        let base = self.base_for(tag);
        let short = tag.replace('-', "");
        let mut prepared = Prepared {
            base: base.clone(),
            new_name: format!("ct{short}-new"),
            ..Prepared::default()
        };
        let role = match case.setup {
            Setup::Nothing => None,
            Setup::Subject(role) => Some(role),
            Setup::DeletedSubject => Some("annotator"),
        };
        if let Some(role) = role {
            prepared.workspace = format!("ct{short}-ws");
            let workspace = json!({"name": prepared.workspace});
            self.call(
                Method::POST,
                format!("{base}/api/workspaces"),
                Some(workspace),
            )
            .await?;
            prepared.subject = format!("ct{short}-user");
            let new_user = json!({"first_name": "Contract", "username": prepared.subject,
                                  "password": "12345678", "role": role,
                                  "workspaces": ["argilla", prepared.workspace]});
            let user = self
                .call(Method::POST, format!("{base}/api/users"), Some(new_user))
                .await?;
            prepared.subject_id = user["id"].as_str().unwrap_or_default().to_owned();
            prepared.subject_key = user["api_key"].as_str().unwrap_or_default().to_owned();
            if case.setup == Setup::DeletedSubject {
                let url = format!("{base}/api/users/{}", prepared.subject_id);
                self.call(Method::DELETE, url, None).await?;
            }
        }
        if let Some(fault) = &case.fault {
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

    /// Every user with its workspace names, as the owner sees them.
    pub(super) async fn users(&self, base: &str) -> Result<Vec<ListedUser>, String> {
        let users = self
            .call(Method::GET, format!("{base}/api/users"), None)
            .await?;
        serde_json::from_value(users).map_err(|e| format!("the user list is malformed: {e}"))
    }
}
