//! An in-memory copy of what the hot read paths need (users by key, name and id; workspaces;
//! each user's workspace names), rebuilt after any write.
//!
//! Every request authenticates, and `/api/me` and `/api/users` read only this data; through
//! sqlx's SQLite worker each query costs a thread round trip (~100 µs), so serving them from
//! memory is what lets the mock approach a bare HTTP server's throughput. Writes go to SQLite
//! as before and bump a generation counter; the next read rebuilds the copy in three queries.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use axum::body::Bytes;

use crate::models::{Items, UserRecord, UserV0, Workspace};

use super::Database;

#[derive(Debug, Default)]
pub(crate) struct Snapshot {
    /// Oldest first (the order of `GET /api/users`).
    pub users: Vec<UserRecord>,
    by_key: HashMap<String, usize>,
    by_name: HashMap<String, usize>,
    by_id: HashMap<String, usize>,
    /// Oldest first.
    pub workspaces: Vec<Workspace>,
    /// Each user's workspace names, in link order.
    pub names_by_user: HashMap<String, Vec<String>>,
    /// `GET /api/users`, serialised once per snapshot.
    users_json: OnceLock<Bytes>,
    /// `GET /api/v1/users`, serialised once per snapshot.
    users_v2_json: OnceLock<Bytes>,
    /// `GET /api/me` per user id, serialised once per snapshot.
    me_json: Mutex<HashMap<String, Bytes>>,
}

impl Snapshot {
    pub fn by_key(&self, key: &str) -> Option<&UserRecord> {
        self.by_key.get(key).map(|&i| &self.users[i])
    }
    pub fn by_name(&self, name: &str) -> Option<&UserRecord> {
        self.by_name.get(name).map(|&i| &self.users[i])
    }
    pub fn by_id(&self, id: &str) -> Option<&UserRecord> {
        self.by_id.get(id).map(|&i| &self.users[i])
    }

    fn names_of(&self, user_id: &str) -> Vec<String> {
        self.names_by_user.get(user_id).cloned().unwrap_or_default()
    }

    /// A user as the v0 API shows it: with the names of the workspaces it is linked to. The one
    /// place that pairs a user with its workspaces (only `/api/me` shows an owner more).
    pub fn user_v0(&self, user: &UserRecord) -> UserV0 {
        user.to_v0(self.names_of(&user.id))
    }

    /// The body of `GET /api/users`: every user with its own workspace links.
    pub fn users_json(&self) -> Bytes {
        self.users_json
            .get_or_init(|| {
                let users: Vec<_> = self.users.iter().map(|u| self.user_v0(u)).collect();
                Bytes::from(serde_json::to_vec(&users).unwrap_or_default())
            })
            .clone()
    }

    /// The body of `GET /api/v1/users`: `{"items": [...]}` in the 2.x user shape.
    pub fn users_v2_json(&self) -> Bytes {
        self.users_v2_json
            .get_or_init(|| {
                let items = Items {
                    items: self.users.iter().map(UserRecord::to_v2).collect(),
                };
                Bytes::from(serde_json::to_vec(&items).unwrap_or_default())
            })
            .clone()
    }

    /// The body of `GET /api/me` for `user`: an owner's `workspaces` lists every workspace.
    pub fn me_json(&self, user: &UserRecord) -> Bytes {
        let mut cache = self.me_json.lock().unwrap_or_else(|e| e.into_inner());
        cache
            .entry(user.id.clone())
            .or_insert_with(|| {
                let workspaces = if user.is_owner() {
                    self.workspaces.iter().map(|w| w.name.clone()).collect()
                } else {
                    self.names_of(&user.id)
                };
                Bytes::from(serde_json::to_vec(&user.to_v0(workspaces)).unwrap_or_default())
            })
            .clone()
    }
}

/// The snapshot and the generation it was built at.
#[derive(Debug, Default)]
pub(crate) struct SnapshotCache {
    generation: AtomicU64,
    current: Mutex<Option<(u64, Arc<Snapshot>)>>,
    /// Held while rebuilding, so concurrent readers wait for one rebuild instead of each
    /// doing their own.
    rebuilding: tokio::sync::Mutex<()>,
}

impl Database {
    /// Marks the data as changed: the next read rebuilds the snapshot.
    pub(crate) fn changed(&self) {
        self.cache.generation.fetch_add(1, Ordering::AcqRel);
    }

    /// Marks the data as replaced by what `snapshot` shows (a restored image): the next read
    /// gets it without a rebuild.
    pub(crate) fn replaced_by(&self, snapshot: Arc<Snapshot>) {
        let generation = self.cache.generation.fetch_add(1, Ordering::AcqRel) + 1;
        *self.cache.current.lock().unwrap_or_else(|e| e.into_inner()) =
            Some((generation, snapshot));
    }

    /// The current snapshot, rebuilt if a write happened since it was built.
    pub(crate) async fn snapshot(&self) -> sqlx::Result<Arc<Snapshot>> {
        let generation = self.cache.generation.load(Ordering::Acquire);
        if let Some(snapshot) = self.cached(generation) {
            return Ok(snapshot);
        }
        let _rebuilding = self.cache.rebuilding.lock().await;
        if let Some(snapshot) = self.cached(generation) {
            return Ok(snapshot);
        }
        // Read the generation before the queries: a write landing during them bumps it again,
        // so this (maybe stale) copy is replaced at the next read.
        let generation = self.cache.generation.load(Ordering::Acquire);
        let snapshot = Arc::new(self.build_snapshot().await?);
        *self.cache.current.lock().unwrap_or_else(|e| e.into_inner()) =
            Some((generation, snapshot.clone()));
        Ok(snapshot)
    }

    fn cached(&self, generation: u64) -> Option<Arc<Snapshot>> {
        let current = self.cache.current.lock().unwrap_or_else(|e| e.into_inner());
        match &*current {
            Some((built_at, snapshot)) if *built_at == generation => Some(snapshot.clone()),
            _ => None,
        }
    }

    async fn build_snapshot(&self) -> sqlx::Result<Snapshot> {
        let users = self.query_users().await?;
        let workspaces = self.query_workspaces().await?;
        let names_by_user = self.query_names_by_user().await?;
        let mut snapshot = Snapshot {
            workspaces,
            names_by_user,
            ..Snapshot::default()
        };
        for (i, user) in users.iter().enumerate() {
            snapshot.by_key.insert(user.api_key.clone(), i);
            snapshot.by_name.insert(user.username.clone(), i);
            snapshot.by_id.insert(user.id.clone(), i);
        }
        snapshot.users = users;
        Ok(snapshot)
    }
}
