//! The reference client's workspace operations (what the 2.x SDK's `rg.Workspace` does).

use reqwest::Method;
use serde_json::json;

use super::{Client, ClientError, ClientResult, User, Workspace};

impl Client {
    pub(super) fn require_argilla2(&self, op: &str) -> ClientResult<()> {
        if self.is_argilla2() {
            Ok(())
        } else {
            Err(ClientError::Usage(format!("{op} is a 2.x operation")))
        }
    }

    /// 2.x `client.workspaces(name)`: the caller's workspace with that name.
    pub(super) async fn workspace(&self, name: &str) -> ClientResult<Workspace> {
        let list = self
            .send(Method::GET, "/api/v1/me/workspaces", None)
            .await?;
        self.items(list)?
            .into_iter()
            .filter_map(|w| serde_json::from_value::<Workspace>(w).ok())
            .find(|w| w.name == name)
            .ok_or_else(|| ClientError::NotFound(format!("no workspace named {name}")))
    }

    pub(super) async fn link(&self, ws: &Workspace, user: &User) -> ClientResult<User> {
        let path = format!("/api/v1/workspaces/{}/users", ws.id);
        let body = json!({"user_id": user.id});
        User::from_json(&self.send(Method::POST, &path, Some(&body)).await?)
    }

    /// 2.x `rg.Workspace(name).create()`, with the SDK's local name check.
    pub async fn create_workspace(&self, name: &str) -> ClientResult<Workspace> {
        self.require_argilla2("workspace.create")?;
        let url_safe = !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
        if !url_safe {
            return Err(ClientError::Validation(format!(
                "workspace name {name:?} must match ^[a-zA-Z0-9_-]+$"
            )));
        }
        let body = json!({"name": name});
        let ws = self
            .send(Method::POST, "/api/v1/workspaces", Some(&body))
            .await?;
        serde_json::from_value(ws)
            .map_err(|e| ClientError::ServerError(format!("malformed workspace: {e}")))
    }

    /// 2.x `workspace.delete()`.
    pub async fn delete_workspace(&self, name: &str) -> ClientResult<()> {
        self.require_argilla2("workspace.delete")?;
        let ws = self.workspace(name).await?;
        let path = format!("/api/v1/workspaces/{}", ws.id);
        self.send(Method::DELETE, &path, None).await.map(drop)
    }

    /// 2.x `workspace.add_user(username)`.
    pub async fn add_user(&self, workspace: &str, username: &str) -> ClientResult<User> {
        self.require_argilla2("workspace.add_user")?;
        let ws = self.workspace(workspace).await?;
        let user = self.from_name(username).await?;
        self.link(&ws, &user).await
    }

    /// 2.x `workspace.remove_user(username)`.
    pub async fn remove_user(&self, workspace: &str, username: &str) -> ClientResult<User> {
        self.require_argilla2("workspace.remove_user")?;
        let ws = self.workspace(workspace).await?;
        let user = self.from_name(username).await?;
        let path = format!("/api/v1/workspaces/{}/users/{}", ws.id, user.id);
        User::from_json(&self.send(Method::DELETE, &path, None).await?)
    }

    /// 2.x `workspace.users`: the members' usernames.
    pub async fn workspace_users(&self, workspace: &str) -> ClientResult<Vec<String>> {
        self.require_argilla2("workspace.users")?;
        let ws = self.workspace(workspace).await?;
        let path = format!("/api/v1/workspaces/{}/users", ws.id);
        let list = self.send(Method::GET, &path, None).await?;
        self.items(list)?
            .iter()
            .map(|u| User::from_json(u).map(|u| u.username))
            .collect()
    }

    /// `User.me().workspaces`: the caller's workspaces (every one for an owner).
    pub async fn workspaces(&self) -> ClientResult<Vec<String>> {
        if self.is_argilla2() {
            let list = self
                .send(Method::GET, "/api/v1/me/workspaces", None)
                .await?;
            return Ok(self
                .items(list)?
                .iter()
                .filter_map(|w| w["name"].as_str().map(str::to_owned))
                .collect());
        }
        let me = self.me().await?;
        let path = if me.role == "owner" {
            format!("/api/v1/users/{}/workspaces", me.id)
        } else {
            "/api/v1/me/workspaces".to_owned()
        };
        let list = self.send(Method::GET, &path, None).await?;
        Ok(list["items"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|w| w["name"].as_str().map(str::to_owned))
            .collect())
    }
}
