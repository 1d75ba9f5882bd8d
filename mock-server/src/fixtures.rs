//! Fixture files: the users and workspaces a server starts with.
//!
//! A fixture file is JSON (schema in the README). It is read and checked once at start-up into
//! [`Fixtures`], with passwords already hashed, so that seeding a database is only inserts.
//! Any problem stops start-up with one line naming the file, the entry and the field.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::Arc;

use serde::Deserialize;

use crate::ids::IdSource;
use crate::models::{normalized_timestamp, now_timestamp, Role, RoleColumn, UserRecord, Workspace};
use crate::python::uuid::parse_uuid;
use crate::security;

/// `fixtures/default.json`, built into the binary.
pub const DEFAULT_FIXTURES: &str = include_str!("../../fixtures/default.json");

/// The name under which the embedded default fixtures are reported.
pub const DEFAULT_FIXTURES_NAME: &str = "<embedded fixtures/default.json>";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FixtureFile {
    #[serde(default)]
    workspaces: Vec<WorkspaceEntry>,
    #[serde(default)]
    users: Vec<UserEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct WorkspaceEntry {
    id: Option<String>,
    name: String,
    inserted_at: Option<String>,
    updated_at: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct UserEntry {
    id: Option<String>,
    username: String,
    #[serde(default)]
    first_name: String,
    last_name: Option<String>,
    #[serde(default = "default_role")]
    role: Role,
    api_key: Option<String>,
    password: Option<String>,
    password_hash: Option<String>,
    #[serde(default)]
    workspaces: Vec<String>,
    inserted_at: Option<String>,
    updated_at: Option<String>,
}

fn default_role() -> Role {
    Role::Annotator
}

/// A checked fixture set, ready to be written into any number of databases.
#[derive(Debug, Clone)]
pub struct Fixtures {
    pub workspaces: Vec<Workspace>,
    pub users: Vec<FixtureUser>,
}

/// A fixture user. The record is shared with the read snapshot of every database seeded from
/// these fixtures for as long as the user is unchanged (`db/snapshot.rs`): 100,000 users are
/// kept once, not once here and once per snapshot.
#[derive(Debug, Clone)]
pub struct FixtureUser {
    pub record: Arc<UserRecord>,
    pub password_hash: String,
    /// Its workspaces as rows of [`Fixtures::workspaces`], in link order.
    pub workspaces: Box<[u32]>,
}

/// A fixture problem: where it is and what is wrong.
#[derive(Debug, thiserror::Error)]
#[error("invalid fixture file {file}: {place}: {problem}")]
pub struct FixtureError {
    file: String,
    place: String,
    problem: String,
}

impl Fixtures {
    /// Reads and checks a fixture file.
    pub fn from_file(path: &Path, ids: &IdSource) -> Result<Fixtures, FixtureError> {
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| FixtureError {
            file: file.clone(),
            place: "file".into(),
            problem: format!("cannot be read: {e}"),
        })?;
        Fixtures::from_json(&file, &text, ids)
    }

    /// The embedded default fixtures.
    pub fn default_fixtures(ids: &IdSource) -> Result<Fixtures, FixtureError> {
        Fixtures::from_json(DEFAULT_FIXTURES_NAME, DEFAULT_FIXTURES, ids)
    }

    /// Parses and checks fixture JSON; `file` names the source in errors.
    pub fn from_json(file: &str, text: &str, ids: &IdSource) -> Result<Fixtures, FixtureError> {
        let fail = |place: String, problem: String| FixtureError {
            file: file.to_owned(),
            place,
            problem,
        };
        let mut deserializer = serde_json::Deserializer::from_str(text);
        let parsed: FixtureFile =
            serde_path_to_error::deserialize(&mut deserializer).map_err(|e| {
                let path = e.path().to_string();
                let place = match path.rsplit_once('.') {
                    Some((entry, field)) if entry.ends_with(']') => {
                        format!("entry {entry}, field `{field}`")
                    }
                    _ if path == "." => "document".to_owned(),
                    _ => format!("field `{path}`"),
                };
                // serde quotes the offending value: never echo a credential.
                let secret = ["password", "password_hash", "api_key"]
                    .iter()
                    .any(|f| path.ends_with(&format!(".{f}")));
                let problem = if secret {
                    "invalid value (not shown: a credential field)".to_owned()
                } else {
                    e.into_inner().to_string()
                };
                fail(place, problem)
            })?;
        let now = now_timestamp();

        let mut workspaces = Vec::new();
        let mut names = HashMap::new();
        let mut workspace_ids = HashSet::new();
        for (i, entry) in parsed.workspaces.into_iter().enumerate() {
            let place =
                |field: &str| format!("entry workspaces[{i}] ({:?}), field `{field}`", entry.name);
            if entry.name.is_empty() {
                return Err(fail(place("name"), "must not be empty".into()));
            }
            let row = names.len() as u32;
            if names.insert(entry.name.clone(), row).is_some() {
                return Err(fail(
                    place("name"),
                    "is used by an earlier workspace".into(),
                ));
            }
            let id = checked_id(entry.id.as_deref(), ids).map_err(|p| fail(place("id"), p))?;
            if !workspace_ids.insert(id.clone()) {
                return Err(fail(place("id"), "is used by an earlier workspace".into()));
            }
            let inserted_at =
                checked_time(entry.inserted_at, &now).map_err(|p| fail(place("inserted_at"), p))?;
            let updated_at = checked_time(entry.updated_at, &inserted_at)
                .map_err(|p| fail(place("updated_at"), p))?;
            workspaces.push(Workspace {
                id,
                name: entry.name,
                inserted_at,
                updated_at,
            });
        }

        let mut users = Vec::new();
        let mut usernames = HashSet::new();
        let mut user_ids = HashSet::new();
        let mut api_keys = HashSet::new();
        for (i, mut entry) in parsed.users.into_iter().enumerate() {
            let place =
                |field: &str| format!("entry users[{i}] ({:?}), field `{field}`", entry.username);
            if entry.username.is_empty() {
                return Err(fail(place("username"), "must not be empty".into()));
            }
            if !usernames.insert(entry.username.clone()) {
                return Err(fail(place("username"), "is used by an earlier user".into()));
            }
            let id = checked_id(entry.id.as_deref(), ids).map_err(|p| fail(place("id"), p))?;
            if !user_ids.insert(id.clone()) {
                return Err(fail(place("id"), "is used by an earlier user".into()));
            }
            let api_key = entry.api_key.take().unwrap_or_else(|| ids.api_key());
            if api_key.is_empty() {
                return Err(fail(place("api_key"), "must not be empty".into()));
            }
            if !api_keys.insert(api_key.clone()) {
                return Err(fail(place("api_key"), "is used by an earlier user".into()));
            }
            let password_hash = match (&entry.password, entry.password_hash.take()) {
                (Some(_), Some(_)) => {
                    return Err(fail(
                        place("password"),
                        "give `password` or `password_hash`, not both".into(),
                    ))
                }
                (None, None) => {
                    return Err(fail(
                        place("password"),
                        "is required (or give `password_hash`)".into(),
                    ))
                }
                (Some(plain), None) => security::hash_password(plain)
                    .map_err(|e| fail(place("password"), format!("cannot be hashed: {e}")))?,
                (None, Some(hash)) => {
                    if !security::is_bcrypt_hash(&hash) {
                        return Err(fail(
                            place("password_hash"),
                            "is not a bcrypt hash ($2a$/$2b$/$2y$)".into(),
                        ));
                    }
                    hash
                }
            };
            let mut linked = Vec::new();
            for name in &entry.workspaces {
                let Some(&row) = names.get(name) else {
                    return Err(fail(
                        place("workspaces"),
                        format!("workspace {name:?} is not defined under `workspaces`"),
                    ));
                };
                if linked.contains(&row) {
                    return Err(fail(
                        place("workspaces"),
                        format!("workspace {name:?} is listed twice"),
                    ));
                }
                linked.push(row);
            }
            let inserted_at =
                checked_time(entry.inserted_at, &now).map_err(|p| fail(place("inserted_at"), p))?;
            let updated_at = checked_time(entry.updated_at, &inserted_at)
                .map_err(|p| fail(place("updated_at"), p))?;
            let record = UserRecord {
                id,
                first_name: entry.first_name,
                last_name: entry.last_name,
                username: entry.username,
                role: RoleColumn(entry.role),
                api_key,
                inserted_at,
                updated_at,
            };
            users.push(FixtureUser {
                record: Arc::new(record),
                password_hash,
                workspaces: linked.into_boxed_slice(),
            });
        }
        Ok(Fixtures { workspaces, users })
    }

    /// The length of every text the fixtures hold: about what they take in a database
    /// (SQLite stores the text once in the row and again in each index it is part of).
    pub fn text_bytes(&self) -> usize {
        let workspaces: usize = (self.workspaces.iter())
            .map(|w| w.id.len() + w.name.len() + w.inserted_at.len() + w.updated_at.len())
            .sum();
        let users: usize = (self.users.iter())
            .map(|u| {
                let r = &u.record;
                r.id.len()
                    + r.first_name.len()
                    + r.last_name.as_ref().map_or(0, String::len)
                    + r.username.len()
                    + r.api_key.len()
                    + r.inserted_at.len()
                    + r.updated_at.len()
                    + u.password_hash.len()
                    // A membership row: workspace id, user id, link time.
                    + u.workspaces.len() * (36 + 36 + 26)
            })
            .sum();
        workspaces + users
    }

    /// The key printed at start-up as `ARGILLA_API_KEY`: the user `argilla` if there is one
    /// (the SDK's default user), else the first owner, else the first user.
    pub fn default_api_key(&self) -> Option<&str> {
        let users = || self.users.iter().map(|u| &*u.record);
        users()
            .find(|u| u.username == "argilla")
            .or_else(|| users().find(|u| u.is_owner()))
            .or_else(|| users().next())
            .map(|u| u.api_key.as_str())
    }
}

/// A fixture id: any form Python's `uuid.UUID` reads, stored canonically; generated when absent.
fn checked_id(id: Option<&str>, ids: &IdSource) -> Result<String, String> {
    match id {
        None => Ok(ids.uuid()),
        Some(text) => parse_uuid(text)
            .map(|u| u.hyphenated().to_string())
            .ok_or_else(|| format!("{text:?} is not a UUID")),
    }
}

/// A fixture timestamp (whole seconds or a fraction), as stored; `default` when absent.
fn checked_time(value: Option<String>, default: &str) -> Result<String, String> {
    match value {
        None => Ok(default.to_owned()),
        Some(t) => normalized_timestamp(&t).ok_or_else(|| {
            format!("{t:?} is not a timestamp like \"2024-01-31T09:30:00\" (a fraction may follow)")
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error_of(json: &str) -> String {
        Fixtures::from_json("f.json", json, &IdSource::random())
            .expect_err("should be refused")
            .to_string()
    }

    #[test]
    fn the_embedded_defaults_are_valid() {
        let seed = Fixtures::default_fixtures(&IdSource::random()).expect("valid");
        assert_eq!(seed.default_api_key(), Some("argilla.apikey"));
    }

    #[test]
    fn errors_name_the_file_the_entry_and_the_field() {
        assert_eq!(
            error_of(r#"{"users":[{"username":"a","password":"x"},{"username":"b","role":"boss","password":"x"}]}"#),
            "invalid fixture file f.json: entry users[1], field `role`: unknown variant `boss`, expected one of `owner`, `admin`, `annotator` at line 1 column 71"
        );
        assert_eq!(
            error_of(r#"{"users":[{"username":"a","password":"x","workspaces":["nope"]}]}"#),
            "invalid fixture file f.json: entry users[0] (\"a\"), field `workspaces`: workspace \"nope\" is not defined under `workspaces`"
        );
        assert_eq!(
            error_of(r#"{"users":[{"username":"a"}]}"#),
            "invalid fixture file f.json: entry users[0] (\"a\"), field `password`: is required (or give `password_hash`)"
        );
        assert_eq!(
            error_of(r#"{"workspaces":[{"name":"w","id":"nope"}]}"#),
            "invalid fixture file f.json: entry workspaces[0] (\"w\"), field `id`: \"nope\" is not a UUID"
        );
        let eof = error_of("{");
        assert!(eof.starts_with("invalid fixture file f.json: "), "{eof}");
        assert!(eof.contains("EOF while parsing"), "{eof}");
    }
}
