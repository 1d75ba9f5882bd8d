//! A reference client of the Argilla users API in Rust, shaped like the 1.x SDK's
//! `argilla.client.users.User` (or, with [`Api::Argilla2`], like the 2.x SDK's `rg.User`/`rg.Workspace`
//! over `/api/v1`), with switches that break it on purpose so the contract suite can prove it
//! catches broken clients.

mod workspaces;

use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::protocol::{Api, ErrorKind};

/// Ways to break the client, one realistic mistake each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Break {
    #[default]
    Nothing,
    /// Report every failure as success (`null`).
    SwallowErrors,
    /// Send the key as `Authorization: Bearer` instead of `X-Argilla-Api-Key`.
    WrongHeader,
    /// Skip the owner check and treat a 403 as a server failure.
    NoOwnerCheck,
    /// Send a request again (up to 3 times) when the server refuses it with a 4xx.
    RetryOn4xx,
    /// Leave `workspaces` out of the create request.
    IgnoreWorkspaces,
}

impl Break {
    pub const NAMES: [&'static str; 5] = [
        "swallow-errors",
        "wrong-header",
        "no-owner-check",
        "retry-on-4xx",
        "ignore-workspaces",
    ];

    pub fn parse(name: &str) -> Option<Break> {
        Some(match name {
            "swallow-errors" => Break::SwallowErrors,
            "wrong-header" => Break::WrongHeader,
            "no-owner-check" => Break::NoOwnerCheck,
            "retry-on-4xx" => Break::RetryOn4xx,
            "ignore-workspaces" => Break::IgnoreWorkspaces,
            _ => return None,
        })
    }
}

/// The failures, one per documented error kind.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ClientError {
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    ServerError(String),
    #[error("{0}")]
    Permission(String),
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    Validation(String),
    #[error("{0}")]
    Unauthorized(String),
    #[error("{0}")]
    Transport(String),
    #[error("{0}")]
    Usage(String),
}

impl ClientError {
    /// The protocol's error kind.
    pub fn kind(&self) -> ErrorKind {
        match self {
            ClientError::NotFound(_) => ErrorKind::NotFound,
            ClientError::ServerError(_) => ErrorKind::ServerError,
            ClientError::Permission(_) => ErrorKind::Permission,
            ClientError::Conflict(_) => ErrorKind::Conflict,
            ClientError::Validation(_) => ErrorKind::Validation,
            ClientError::Unauthorized(_) => ErrorKind::Unauthorized,
            ClientError::Transport(_) => ErrorKind::Transport,
            ClientError::Usage(_) => ErrorKind::Usage,
        }
    }
}

pub type ClientResult<T> = Result<T, ClientError>;

/// A user as the protocol reports it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct User {
    pub id: String,
    pub username: String,
    pub first_name: String,
    pub last_name: Option<String>,
    pub role: String,
}

impl User {
    fn from_json(v: &Value) -> ClientResult<User> {
        let text = |k: &str| v[k].as_str().map(str::to_owned);
        match (
            text("id"),
            text("username"),
            text("first_name"),
            text("role"),
        ) {
            (Some(id), Some(username), Some(first_name), Some(role)) => Ok(User {
                id,
                username,
                first_name,
                last_name: text("last_name"),
                role,
            }),
            _ => Err(ClientError::ServerError(format!(
                "the server sent a malformed user: {v}"
            ))),
        }
    }
}

/// What `User.create` takes (also the protocol's `user.create` arguments).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct NewUser {
    pub username: String,
    pub password: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub role: Option<String>,
    pub workspaces: Option<Vec<String>>,
}

/// The changes of `user.update` (also the protocol's `changes` argument).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct UserChanges {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
}

/// A workspace as the protocol reports it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Workspace {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Clone)]
pub struct Client {
    base: String,
    key: String,
    http: reqwest::Client,
    broken: Break,
    api: Api,
}

impl Client {
    pub fn new(base_url: &str, api_key: &str, broken: Break) -> Client {
        let http = reqwest::Client::builder()
            .no_proxy()
            .timeout(Duration::from_secs(20))
            .build()
            .unwrap_or_default();
        Client {
            base: base_url.trim_end_matches('/').to_owned(),
            key: api_key.to_owned(),
            http,
            broken,
            api: Api::Argilla1,
        }
    }

    /// The same client speaking the 2.x API (`/api/v1`, as the 2.x SDK does).
    pub fn with_api(mut self, api: Api) -> Client {
        self.api = api;
        self
    }

    fn is_argilla2(&self) -> bool {
        self.api == Api::Argilla2
    }

    async fn send(&self, method: Method, path: &str, body: Option<&Value>) -> ClientResult<Value> {
        let attempts = if self.broken == Break::RetryOn4xx {
            4
        } else {
            1
        };
        let mut last = ClientError::ServerError("no attempt".into());
        for _ in 0..attempts {
            match self.send_once(method.clone(), path, body).await {
                Err(
                    e @ (ClientError::NotFound(_)
                    | ClientError::Conflict(_)
                    | ClientError::Validation(_)
                    | ClientError::Unauthorized(_)
                    | ClientError::Permission(_)),
                ) => last = e,
                other => return other,
            }
        }
        Err(last)
    }

    async fn send_once(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
    ) -> ClientResult<Value> {
        let mut request = self
            .http
            .request(method.clone(), format!("{}{path}", self.base));
        request = match self.broken {
            Break::WrongHeader => request.bearer_auth(&self.key),
            _ => request.header("X-Argilla-Api-Key", &self.key),
        };
        if let Some(body) = body {
            request = request.json(body);
        }
        let response = request.send().await.map_err(|e| {
            if e.is_connect() {
                ClientError::Transport(format!("{} is not reachable: {e}", self.base))
            } else {
                ClientError::ServerError(format!("{method} {path} failed: {e}"))
            }
        })?;
        let status = response.status();
        let text = response.text().await.map_err(|e| {
            ClientError::ServerError(format!("{method} {path}: the answer was cut: {e}"))
        })?;
        let detail = || format!("{method} {path} answered {status}: {text}");
        // The 2.x SDK takes any 2xx (creates answer 201); the 1.x SDK only 200.
        if status == StatusCode::OK || (self.is_argilla2() && status.is_success()) {
            return serde_json::from_str(&text).map_err(|e| {
                ClientError::ServerError(format!("{method} {path}: the answer is not JSON: {e}"))
            });
        }
        Err(match status.as_u16() {
            401 => ClientError::Unauthorized(detail()),
            403 if self.broken == Break::NoOwnerCheck => ClientError::ServerError(detail()),
            403 => ClientError::Permission(detail()),
            404 => ClientError::NotFound(detail()),
            409 => ClientError::Conflict(detail()),
            422 => ClientError::Validation(detail()),
            _ => ClientError::ServerError(detail()),
        })
    }

    /// `User.me()`.
    pub async fn me(&self) -> ClientResult<User> {
        let path = format!("{}/me", self.api.prefix());
        User::from_json(&self.send(Method::GET, &path, None).await?)
    }

    /// A list answer: a JSON array in 1.x, `{"items": [...]}` in 2.x.
    fn items(&self, list: Value) -> ClientResult<Vec<Value>> {
        let list = if self.is_argilla2() {
            list["items"].clone()
        } else {
            list
        };
        match list {
            Value::Array(items) => Ok(items),
            other => Err(ClientError::ServerError(format!("not a list: {other}"))),
        }
    }

    async fn users(&self) -> ClientResult<Vec<User>> {
        let path = format!("{}/users", self.api.prefix());
        let list = self.send(Method::GET, &path, None).await?;
        self.items(list)?.iter().map(User::from_json).collect()
    }

    /// The owner check the SDK makes before owner-only methods (`allowed_for_roles`).
    async fn require_owner(&self, action: &str) -> ClientResult<()> {
        // The 2.x SDK leaves the role check to the server (403 → permission).
        if self.broken == Break::NoOwnerCheck || self.is_argilla2() {
            return Ok(());
        }
        let me = self.me().await?;
        if me.role == "owner" {
            Ok(())
        } else {
            Err(ClientError::Permission(format!(
                "role {} may not call `{action}`: only owners may",
                me.role
            )))
        }
    }

    /// `User.list()`: every user, oldest first.
    pub async fn list(&self) -> ClientResult<Vec<User>> {
        self.require_owner("list").await?;
        self.users().await
    }

    /// `User.from_name(name)`.
    pub async fn from_name(&self, name: &str) -> ClientResult<User> {
        self.require_owner("from_name").await?;
        self.find(|u| u.username == name, &format!("username={name}"))
            .await
    }

    /// `User.from_id(id)`.
    pub async fn from_id(&self, id: &str) -> ClientResult<User> {
        self.require_owner("from_id").await?;
        if self.is_argilla2() {
            return User::from_json(
                &self
                    .send(Method::GET, &format!("/api/v1/users/{id}"), None)
                    .await?,
            );
        }
        let wanted = id.to_ascii_lowercase();
        self.find(|u| u.id == wanted, &format!("id={id}")).await
    }

    async fn find(&self, pick: impl Fn(&User) -> bool, what: &str) -> ClientResult<User> {
        let found = self.users().await?.into_iter().find(pick);
        found.ok_or_else(|| ClientError::NotFound(format!("no user with {what}")))
    }

    /// `User.create(...)`: validated locally first, as the SDK does.
    pub async fn create(&self, new: &NewUser) -> ClientResult<User> {
        if self.is_argilla2() {
            return self.create_argilla2(new).await;
        }
        validate(new)?;
        self.require_owner("create").await?;
        let mut body = json!({
            "first_name": new.first_name.clone().unwrap_or_else(|| new.username.clone()),
            "username": new.username,
            "role": new.role.clone().unwrap_or_else(|| "annotator".into()),
            "password": new.password,
        });
        if let Some(last) = &new.last_name {
            body["last_name"] = json!(last);
        }
        if let (Some(workspaces), false) = (&new.workspaces, self.broken == Break::IgnoreWorkspaces)
        {
            body["workspaces"] = json!(workspaces);
        }
        User::from_json(&self.send(Method::POST, "/api/users", Some(&body)).await?)
    }

    /// 2.x: `rg.User(...).create()`, then `user.add_to_workspace(ws)` for each named workspace
    /// (looked up first: an unknown one creates nothing).
    async fn create_argilla2(&self, new: &NewUser) -> ClientResult<User> {
        let mut workspaces = Vec::new();
        for name in new.workspaces.iter().flatten() {
            match self.workspace(name).await {
                Ok(ws) => workspaces.push(ws),
                Err(ClientError::NotFound(why)) => return Err(ClientError::Validation(why)),
                Err(e) => return Err(e),
            }
        }
        let role = new.role.clone().unwrap_or_else(|| "annotator".into());
        check_role(&role)?;
        let body = json!({
            "username": new.username,
            "first_name": new.first_name.clone().unwrap_or_else(|| new.username.clone()),
            "last_name": new.last_name,
            "role": role,
            "password": new.password,
        });
        let user = User::from_json(
            &self
                .send(Method::POST, "/api/v1/users", Some(&body))
                .await?,
        )?;
        if self.broken != Break::IgnoreWorkspaces {
            for ws in &workspaces {
                self.link(ws, &user).await?;
            }
        }
        Ok(user)
    }

    /// `user.delete()` for the user with this username.
    pub async fn delete(&self, username: &str) -> ClientResult<()> {
        let user = self.from_name(username).await?;
        self.require_owner("delete").await?;
        let path = format!("{}/users/{}", self.api.prefix(), user.id);
        self.send(Method::DELETE, &path, None).await.map(drop)
    }

    /// 2.x `user.update()` for the user with this username.
    pub async fn update(&self, username: &str, changes: &UserChanges) -> ClientResult<User> {
        self.require_argilla2("user.update")?;
        if let Some(role) = &changes.role {
            check_role(role)?;
        }
        let user = self.from_name(username).await?;
        let body = serde_json::to_value(changes).unwrap_or_default();
        let path = format!("/api/v1/users/{}", user.id);
        User::from_json(&self.send(Method::PATCH, &path, Some(&body)).await?)
    }
}

/// The 2.x SDK's local role check (`Role` enum of `UserModel`).
fn check_role(role: &str) -> ClientResult<()> {
    if ["owner", "admin", "annotator"].contains(&role) {
        Ok(())
    } else {
        Err(ClientError::Validation(format!(
            "role {role:?} is not owner, admin or annotator"
        )))
    }
}

/// The SDK's local checks (`UserCreateModel`): username pattern, password length, names.
fn validate(new: &NewUser) -> ClientResult<()> {
    let username_ok = !new.username.is_empty()
        && !new.username.starts_with(['-', '_'])
        && new
            .username
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
    if !username_ok {
        return Err(ClientError::Validation(format!(
            "username {:?} must match ^(?!-|_)[a-z0-9-_]+$",
            new.username
        )));
    }
    let len = new.password.chars().count();
    if !(8..=100).contains(&len) {
        return Err(ClientError::Validation(
            "password must have 8 to 100 characters".into(),
        ));
    }
    if new
        .first_name
        .as_deref()
        .is_some_and(|f| f.trim().is_empty())
        || new
            .last_name
            .as_deref()
            .is_some_and(|l| l.trim().is_empty())
    {
        return Err(ClientError::Validation("names must not be blank".into()));
    }
    Ok(())
}
