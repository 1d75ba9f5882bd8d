//! An in-memory copy of what the hot read paths need (users by key, name and id; workspaces;
//! each user's workspace names), rebuilt after any write.
//!
//! Every request authenticates, and `/api/me` and `/api/users` read only this data; through
//! sqlx's SQLite worker each query costs a thread round trip (~100 µs), so serving them from
//! memory is what lets the mock approach a bare HTTP server's throughput. Writes go to SQLite
//! as before and bump a generation counter; the next read rebuilds the copy in three queries.
//!
//! A rebuild keeps each unchanged user as the same shared record (`Arc<UserRecord>`) as the
//! snapshot before it, and a database just seeded shares the fixtures' records: 100,000 users
//! are held once, not once by the fixtures and again by each snapshot.

use std::any::Any;
use std::collections::HashMap;
use std::hash::{BuildHasher, RandomState};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use futures_util::TryStreamExt;
use hashbrown::HashTable;

use crate::fixtures::Fixtures;
use crate::models::{UserRecord, Workspace};

use super::Database;

/// Row numbers into [`Snapshot::users`], found by one of the user's fields. The table holds
/// only the `u32`s: the keys are read from the users themselves, so a snapshot of 100,000
/// users does not keep three more copies of every id, name and key.
#[derive(Debug, Default)]
struct Index {
    rows: HashTable<u32>,
    hasher: RandomState,
}

impl Index {
    /// Every row of `users`, by `field` (unique per user, as the table's constraints keep it).
    fn of(users: &[Arc<UserRecord>], field: fn(&UserRecord) -> &str) -> Index {
        let hasher = RandomState::new();
        let mut rows = HashTable::with_capacity(users.len());
        for (row, user) in users.iter().enumerate() {
            let hash = hasher.hash_one(field(user));
            rows.insert_unique(hash, row as u32, |&i| {
                hasher.hash_one(field(&users[i as usize]))
            });
        }
        Index { rows, hasher }
    }

    /// The row of the user whose `field` is `value`.
    fn row(
        &self,
        users: &[Arc<UserRecord>],
        value: &str,
        field: fn(&UserRecord) -> &str,
    ) -> Option<usize> {
        let hash = self.hasher.hash_one(value);
        let row = self
            .rows
            .find(hash, |&i| field(&users[i as usize]) == value);
        row.map(|&i| i as usize)
    }

    fn find<'a>(
        &self,
        users: &'a [Arc<UserRecord>],
        value: &str,
        field: fn(&UserRecord) -> &str,
    ) -> Option<&'a Arc<UserRecord>> {
        self.row(users, value, field).map(|i| &users[i])
    }
}

fn key_of(user: &UserRecord) -> &str {
    &user.api_key
}
fn name_of(user: &UserRecord) -> &str {
    &user.username
}
fn id_of(user: &UserRecord) -> &str {
    &user.id
}

#[derive(Debug, Default)]
pub(crate) struct Snapshot {
    /// Oldest first (the order of `GET /api/users`). Shared with the snapshot before and with
    /// the fixtures wherever a user is unchanged (see [`Database::read_snapshot`]).
    pub users: Vec<Arc<UserRecord>>,
    by_key: Index,
    by_name: Index,
    by_id: Index,
    /// Oldest first.
    pub workspaces: Vec<Workspace>,
    /// Each user's workspaces as rows of `workspaces`, in link order: those of user `i` are
    /// `linked[link_starts[i]..link_starts[i + 1]]` (two vectors in all, not one per user).
    link_starts: Vec<u32>,
    linked: Vec<u32>,
    /// What the API derives from this data (rendered bodies), made once per snapshot and
    /// dropped with it: see [`Snapshot::memo`].
    memos: Mutex<Vec<Arc<dyn Any + Send + Sync>>>,
}

impl Snapshot {
    /// A snapshot of these users and workspaces (each oldest first), with no links yet.
    fn unlinked(users: Vec<Arc<UserRecord>>, workspaces: Vec<Workspace>) -> Snapshot {
        Snapshot {
            by_key: Index::of(&users, key_of),
            by_name: Index::of(&users, name_of),
            by_id: Index::of(&users, id_of),
            link_starts: vec![0; users.len() + 1],
            users,
            workspaces,
            ..Snapshot::default()
        }
    }

    /// The row of the user with this id.
    fn row_of(&self, id: &str) -> Option<usize> {
        self.by_id.row(&self.users, id, id_of)
    }

    /// The fixtures' users, found by id only: what a snapshot of a database just seeded with
    /// them shares its users with.
    fn of_fixtures(fixtures: &Fixtures) -> Snapshot {
        let users: Vec<_> = fixtures.users.iter().map(|u| u.record.clone()).collect();
        Snapshot {
            by_id: Index::of(&users, id_of),
            users,
            ..Snapshot::default()
        }
    }

    /// This snapshot's user equal to `row`, to share instead of keeping a second copy.
    fn same_as(&self, row: &UserRecord) -> Option<&Arc<UserRecord>> {
        self.by_id(&row.id).filter(|user| ***user == *row)
    }

    pub fn by_key(&self, key: &str) -> Option<&Arc<UserRecord>> {
        self.by_key.find(&self.users, key, key_of)
    }
    pub fn by_name(&self, name: &str) -> Option<&Arc<UserRecord>> {
        self.by_name.find(&self.users, name, name_of)
    }
    pub fn by_id(&self, id: &str) -> Option<&Arc<UserRecord>> {
        self.by_id.find(&self.users, id, id_of)
    }

    /// The names of the workspaces a user is linked to, in link order (none for a user this
    /// snapshot does not hold).
    pub fn workspace_names_of(&self, user_id: &str) -> Vec<String> {
        self.row_of(user_id)
            .and_then(|row| {
                let (start, end) = (*self.link_starts.get(row)?, *self.link_starts.get(row + 1)?);
                self.linked.get(start as usize..end as usize)
            })
            .map(|rows| {
                rows.iter()
                    .map(|&w| self.workspaces[w as usize].name.clone())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The row of this snapshot's own record of `user` (not an equal one from a snapshot
    /// before): what a per-user memo is keyed on.
    pub fn own_row(&self, user: &Arc<UserRecord>) -> Option<u32> {
        self.row_of(&user.id)
            .filter(|&row| Arc::ptr_eq(&self.users[row], user))
            .and_then(|row| u32::try_from(row).ok())
    }

    /// The value of type `T` derived from this snapshot, made (by `T::default`) on first use
    /// and kept until the data changes. The API keeps its rendered bodies here, so that they
    /// are made once per change of the data without storage knowing what they are.
    pub fn memo<T: Any + Send + Sync + Default>(&self) -> Arc<T> {
        let mut memos = self.memos.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(found) = memos.iter().find_map(|m| m.clone().downcast::<T>().ok()) {
            return found;
        }
        let made = Arc::new(T::default());
        memos.push(made.clone());
        made
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
    /// The fixtures last written (by id), for the next snapshot to share users with.
    seed: Mutex<Option<Arc<Snapshot>>>,
}

impl Database {
    /// Marks the data as changed: the next read rebuilds the snapshot.
    pub(crate) fn changed(&self) {
        self.cache.generation.fetch_add(1, Ordering::AcqRel);
    }

    /// Marks the data as changed to `fixtures` (just written): the next snapshot shares their
    /// users.
    pub(crate) fn seeded_with(&self, fixtures: &Fixtures) {
        *self.cache.seed.lock().unwrap_or_else(|e| e.into_inner()) =
            Some(Arc::new(Snapshot::of_fixtures(fixtures)));
        self.changed();
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
        let previous = self.cached_any();
        // Taken, not cloned: once a snapshot shares the fixtures' users, the next ones share
        // them through it (until a reset or new fixtures seed again).
        let seed = self
            .cache
            .seed
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take();
        self.read_snapshot(previous.as_deref(), seed.as_deref())
            .await
    }

    /// A snapshot read from the database. Each user equal to one of `previous` (the snapshot
    /// it replaces) or else of `seed` (the fixtures last written: a user changed and then reset
    /// is equal to its fixture again, not to its previous self) is shared with it.
    async fn read_snapshot(
        &self,
        previous: Option<&Snapshot>,
        seed: Option<&Snapshot>,
    ) -> sqlx::Result<Snapshot> {
        // Row by row: reading all rows first would hold 100,000 users twice, and leave the
        // allocator with the holes of the copies that are dropped for shared ones.
        let mut users = Vec::new();
        let mut rows = self.users_oldest_first();
        while let Some(row) = rows.try_next().await? {
            let known = previous.and_then(|s| s.same_as(&row));
            users.push(match known.or_else(|| seed.and_then(|s| s.same_as(&row))) {
                Some(same) => same.clone(),
                None => Arc::new(row),
            });
        }
        drop(rows);
        let workspaces = self.query_workspaces().await?;
        let mut snapshot = Snapshot::unlinked(users, workspaces);
        let workspace_rows: HashMap<String, u32> = (snapshot.workspaces.iter())
            .enumerate()
            .map(|(i, w)| (w.id.clone(), i as u32))
            .collect();
        let mut pairs: Vec<(u32, u32)> = Vec::new();
        let mut links = self.links_in_order();
        while let Some((user_id, workspace_id)) = links.try_next().await? {
            if let (Some(user), Some(&workspace)) =
                (snapshot.row_of(&user_id), workspace_rows.get(&workspace_id))
            {
                pairs.push((user as u32, workspace));
            }
        }
        drop(links);
        // Stable: each user's links keep their order.
        pairs.sort_by_key(|&(user, _)| user);
        for &(user, _) in &pairs {
            snapshot.link_starts[user as usize + 1] += 1;
        }
        for i in 1..snapshot.link_starts.len() {
            snapshot.link_starts[i] += snapshot.link_starts[i - 1];
        }
        snapshot.linked = pairs.into_iter().map(|(_, workspace)| workspace).collect();
        Ok(snapshot)
    }

    /// The last snapshot built, current or not.
    fn cached_any(&self) -> Option<Arc<Snapshot>> {
        let current = self.cache.current.lock().unwrap_or_else(|e| e.into_inner());
        current.as_ref().map(|(_, snapshot)| snapshot.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::{Replace, Storage, UserChanges, UserUpdated};
    use crate::ids::IdSource;

    #[tokio::test]
    async fn memos_and_own_rows_belong_to_one_snapshot() {
        let fixtures = Fixtures::default_fixtures(&IdSource::random()).expect("fixtures");
        let db = Database::open(&Storage::Memory).await.expect("open");
        db.replace_all(&fixtures, Replace::IntoEmpty)
            .await
            .expect("seed");
        let before = db.snapshot().await.expect("snapshot");
        let old = before.users[0].clone();
        let memo = before.memo::<Mutex<Vec<u8>>>();
        memo.lock().expect("lock").push(1);
        assert_eq!(*before.memo::<Mutex<Vec<u8>>>().lock().expect("lock"), [1]);
        let changes = UserChanges {
            first_name: Some("Renamed".into()),
            ..UserChanges::default()
        };
        db.update_user(&old.id, &changes, "2030-01-01T00:00:00.000000")
            .await
            .expect("update");
        let after = db.snapshot().await.expect("snapshot");
        let new = after.by_id(&old.id).expect("user").clone();
        assert_eq!(
            after.own_row(&old),
            None,
            "a record from the snapshot before"
        );
        assert_eq!(after.own_row(&new), Some(0));
        assert!(
            after
                .memo::<Mutex<Vec<u8>>>()
                .lock()
                .expect("lock")
                .is_empty(),
            "a new snapshot starts with new memos"
        );
    }

    #[tokio::test]
    async fn snapshots_share_unchanged_users_with_the_fixtures() {
        let fixtures = Fixtures::default_fixtures(&IdSource::random()).expect("fixtures");
        let db = Database::open(&Storage::Memory).await.expect("open");
        db.replace_all(&fixtures, Replace::IntoEmpty)
            .await
            .expect("seed");
        let shared = |snapshot: &Snapshot, fixture: &Arc<UserRecord>| {
            snapshot
                .by_id(&fixture.id)
                .is_some_and(|user| Arc::ptr_eq(user, fixture))
        };
        let first = db.snapshot().await.expect("snapshot");
        assert!(fixtures.users.iter().all(|u| shared(&first, &u.record)));

        let (changed, kept) = (&fixtures.users[0].record, &fixtures.users[1].record);
        let changes = UserChanges {
            first_name: Some("Renamed".into()),
            ..UserChanges::default()
        };
        let updated = db.update_user(&changed.id, &changes, "2030-01-01T00:00:00.000000");
        assert!(matches!(
            updated.await.expect("update"),
            UserUpdated::Updated(_)
        ));
        let second = db.snapshot().await.expect("snapshot");
        assert_eq!(
            second.by_id(&changed.id).expect("user").first_name,
            "Renamed"
        );
        assert!(!shared(&second, changed), "a changed user is a new record");
        assert!(
            shared(&second, kept),
            "an unchanged one is still the fixture's"
        );

        db.replace_all(&fixtures, Replace::Wipe)
            .await
            .expect("reset");
        let third = db.snapshot().await.expect("snapshot");
        assert!(fixtures.users.iter().all(|u| shared(&third, &u.record)));
    }
}
