//! Storage: one SQLite database per server, in memory by default or in a file.
//!
//! The pool holds a single connection. For `sqlite::memory:` that is required (each connection
//! would otherwise see its own empty database); for files it makes every request see a
//! consistent state and turns concurrent writes into a simple queue, which is what a mock needs.

mod datasets;
mod image;
mod progress;
mod record_writes;
mod records;
mod replace;
mod responses;
mod search;
mod settings;
mod snapshot;
mod suggestions;
mod text_query;
mod users;
mod vector_sql;
mod workspaces;

use std::str::FromStr;
use std::time::Duration;

use anyhow::Context;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::SqlitePool;

pub use datasets::{
    AppliedChanges, DatasetChanges, DatasetCreated, DatasetFilter, DatasetUpdated, Published,
};
pub use image::Image;
pub use progress::{MetadataValues, Progress, UserProgress};
pub use record_writes::{
    RecordLookup, RecordWrite, ResponseWrite, SuggestionWrite, SuggestionsWrite, WriteTarget,
    FIELD_SLOTS,
};
pub use records::{Include, LoadedRecord, VectorsIncluded};
pub use responses::{ResponseCreated, ResponseTarget};
pub use search::{
    AnswerIndex, Bound, Condition, Hits, RecordColumn, RecordSearch, SimilarTo, SortKey,
    SuggestionAttribute, Target, TextSearch,
};
pub use settings::{SettingCreated, SettingRow, MAX_VECTORS_SETTINGS};
pub(crate) use snapshot::Snapshot;
pub use text_query::{text_match, TextMatch};
pub use users::{NewUser, UserChanges, UserCreated, UserUpdated};
pub use workspaces::{WorkspaceCreated, WorkspaceDeleted};

/// The database URL used when none is given: a private in-memory database.
pub const IN_MEMORY: &str = "sqlite::memory:";

/// A private temporary database (SQLite's empty file name): like [`IN_MEMORY`] it is nobody
/// else's and gone when the server stops, but SQLite keeps only its page cache (2 MiB by
/// default) in memory and the rest in an unlinked temporary file. What a large fixture set is
/// kept in, so memory does not grow with the data (see `control::Instance::open`).
pub const TEMPORARY: &str = "sqlite:";

/// The SQLite page cache of a temporary database, in KiB (SQLite's default for files).
const TEMPORARY_CACHE_KIB: i64 = 2048;

/// Where a database keeps its data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Storage {
    /// A private in-memory database ([`IN_MEMORY`]): images are taken of it and restored to it.
    Memory,
    /// A private temporary database ([`TEMPORARY`]).
    Temporary,
    /// A database at this SQLite URL (`sqlite:PATH`): it outlives the server.
    File(String),
}

impl Storage {
    /// The storage a `--database` URL names.
    pub fn from_url(url: &str) -> Storage {
        match url {
            IN_MEMORY => Storage::Memory,
            TEMPORARY => Storage::Temporary,
            other => Storage::File(other.to_owned()),
        }
    }

    pub fn url(&self) -> &str {
        match self {
            Storage::Memory => IN_MEMORY,
            Storage::Temporary => TEMPORARY,
            Storage::File(url) => url,
        }
    }
}

/// How [`Database::replace_all`] treats the data already there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Replace {
    /// The database is empty (new, or a scratch copy): only insert.
    IntoEmpty,
    /// Delete every row first (a reset, new fixtures).
    Wipe,
}

#[derive(Debug, Clone)]
pub struct Database {
    pool: SqlitePool,
    cache: std::sync::Arc<snapshot::SnapshotCache>,
    storage: std::sync::Arc<Storage>,
}

impl Database {
    /// Opens (creating if needed) the database and applies the embedded migrations.
    pub async fn open(storage: &Storage) -> anyhow::Result<Database> {
        let db = Database::connect(storage).await?;
        sqlx::migrate!("./migrations")
            .run(&db.pool)
            .await
            .context("cannot apply database migrations")?;
        Ok(db)
    }

    /// A new in-memory database holding a copy of `image` (migrated and seeded already).
    pub async fn from_image(image: &Image) -> anyhow::Result<Database> {
        let db = Database::connect(&Storage::Memory).await?;
        db.restore(image).await?;
        Ok(db)
    }

    /// Where it keeps its data ([`Storage::Temporary`] for a large default fixture set).
    pub fn storage(&self) -> &Storage {
        &self.storage
    }

    async fn connect(storage: &Storage) -> anyhow::Result<Database> {
        let url = storage.url();
        let mut options = SqliteConnectOptions::from_str(url)
            .with_context(|| format!("invalid database URL {url:?}"))?
            .create_if_missing(true)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(5));
        match storage {
            Storage::Memory => {}
            Storage::Temporary => {
                // Nothing of it outlives the process, so nothing needs syncing; the rollback
                // journal stays (failed creates roll back), in a temporary file of its own.
                options = options
                    .synchronous(SqliteSynchronous::Off)
                    .pragma("cache_size", format!("-{TEMPORARY_CACHE_KIB}"));
            }
            Storage::File(_) => {
                // WAL with synchronous=NORMAL: an acknowledged write survives the process being
                // killed (it is in the WAL, in the OS cache); only a power loss could undo it.
                options = options
                    .journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Normal);
            }
        }
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .min_connections(1)
            // An in-memory database lives exactly as long as its connection: never recycle it.
            .idle_timeout(None)
            .max_lifetime(None)
            .after_connect(|connection, _| Box::pin(vector_sql::register(connection)))
            .connect_with(options)
            .await
            .with_context(|| format!("cannot open database {url:?}"))?;
        Ok(Database {
            pool,
            cache: Default::default(),
            storage: std::sync::Arc::new(storage.clone()),
        })
    }

    /// Whether the database holds no user and no workspace (a new file, or memory).
    pub async fn is_empty(&self) -> sqlx::Result<bool> {
        let (count,): (i64,) = sqlx::query_as(
            "SELECT (SELECT COUNT(*) FROM users) + (SELECT COUNT(*) FROM workspaces)",
        )
        .fetch_one(&self.pool)
        .await?;
        Ok(count == 0)
    }

    pub(crate) fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// Closes the connection, flushing a file database's WAL.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// The API keys of an instance's users, as they were at one moment: what the journal masks
/// wherever it finds them.
#[derive(Debug, Clone)]
pub struct KnownKeys(std::sync::Arc<snapshot::Snapshot>);

impl KnownKeys {
    pub fn contains(&self, value: &str) -> bool {
        self.0.by_key(value).is_some()
    }
}

impl Database {
    /// The current users' API keys.
    pub async fn known_keys(&self) -> sqlx::Result<KnownKeys> {
        self.snapshot().await.map(KnownKeys)
    }
}

/// Whether a new record's id was chosen by the client (and must be kept) or drawn by the mock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdOrigin {
    Drawn,
    Given,
}

/// How many times a generated id or API key found in use is drawn again (a seeded sequence
/// repeating, e.g. over a file database kept from an earlier run) before giving up.
const MAX_ID_DRAWS: usize = 8;

/// Rows per INSERT statement when many are written at once (fixtures): through sqlx each
/// statement is a round trip to SQLite's worker thread, which made 100,000 fixture users take
/// about 20 s one row at a time. 100 rows × 9 columns stays far below SQLite's bound-parameter
/// limit (32,766).
const ROWS_PER_INSERT: usize = 100;

/// One try at a create: done (with its outcome), or to be tried again with a new id.
enum Attempt<T> {
    Done(T),
    IdTaken,
}

/// Whether an error is the violation of a UNIQUE or PRIMARY KEY constraint.
pub(crate) fn is_unique_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(db) if db.is_unique_violation())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_temporary_database_is_private_and_keeps_what_is_written() {
        let (a, b) = (
            Database::open(&Storage::Temporary).await,
            Database::open(&Storage::Temporary).await,
        );
        let (a, b) = (a.expect("open a"), b.expect("open b"));
        assert_eq!(a.storage(), &Storage::Temporary);
        sqlx::query("INSERT INTO workspaces VALUES ('w', 'w', 't', 't')")
            .execute(a.pool())
            .await
            .expect("insert");
        assert!(!a.is_empty().await.expect("count"));
        assert!(
            b.is_empty().await.expect("count"),
            "each one is its own database"
        );
        let (kib,): (i64,) = sqlx::query_as("PRAGMA cache_size")
            .fetch_one(a.pool())
            .await
            .expect("pragma");
        assert_eq!(kib, -TEMPORARY_CACHE_KIB);
    }
}
