//! Storage: one SQLite database per server, in memory by default or in a file.
//!
//! The pool holds a single connection. For `sqlite::memory:` that is required (each connection
//! would otherwise see its own empty database); for files it makes every request see a
//! consistent state and turns concurrent writes into a simple queue, which is what a mock needs.

mod image;
mod replace;
mod snapshot;
mod users;
mod workspaces;

use std::str::FromStr;
use std::time::Duration;

use anyhow::Context;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::SqlitePool;

pub use image::Image;
pub use users::{IdOrigin, NewUser, UserChanges, UserCreated, UserUpdated};
pub use workspaces::WorkspaceCreated;

/// The database URL used when none is given: a private in-memory database.
pub const IN_MEMORY: &str = "sqlite::memory:";

#[derive(Debug, Clone)]
pub struct Database {
    pool: SqlitePool,
    cache: std::sync::Arc<snapshot::SnapshotCache>,
    in_memory: bool,
}

impl Database {
    /// Opens (creating if needed) the database at `url` and applies the embedded migrations.
    pub async fn open(url: &str) -> anyhow::Result<Database> {
        let db = Database::connect(url).await?;
        sqlx::migrate!("./migrations")
            .run(&db.pool)
            .await
            .context("cannot apply database migrations")?;
        Ok(db)
    }

    /// A new in-memory database holding a copy of `image` (migrated and seeded already).
    pub async fn from_image(image: &Image) -> anyhow::Result<Database> {
        let db = Database::connect(IN_MEMORY).await?;
        db.restore(image).await?;
        Ok(db)
    }

    /// Whether this is a private in-memory database (what images are taken of and restored to).
    pub fn in_memory(&self) -> bool {
        self.in_memory
    }

    async fn connect(url: &str) -> anyhow::Result<Database> {
        let in_memory = url == IN_MEMORY || url.contains("mode=memory");
        let mut options = SqliteConnectOptions::from_str(url)
            .with_context(|| format!("invalid database URL {url:?}"))?
            .create_if_missing(true)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(5));
        if !in_memory {
            // WAL with synchronous=NORMAL: an acknowledged write survives the process being
            // killed (it is in the WAL, in the OS cache); only a power loss could undo it.
            options = options
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal);
        }
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .min_connections(1)
            // An in-memory database lives exactly as long as its connection: never recycle it.
            .idle_timeout(None)
            .max_lifetime(None)
            .connect_with(options)
            .await
            .with_context(|| format!("cannot open database {url:?}"))?;
        Ok(Database {
            pool,
            cache: Default::default(),
            in_memory,
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

/// One try at a create: done (with its outcome), or to be tried again with a new id.
enum Attempt<T> {
    Done(T),
    IdTaken,
}

/// Whether an error is the violation of a UNIQUE or PRIMARY KEY constraint.
pub(crate) fn is_unique_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(db) if db.is_unique_violation())
}
