//! The control plane: isolated instances of the API (the default one and one per namespace),
//! each with its own database, fixtures and fault rules, plus the request journal they share.
//!
//! `/api/…` is served by the default instance; `/ns/{name}/api/…` by the instance `name`,
//! created and seeded from the loaded fixtures on first use. `/__mock/…` (and
//! `/ns/{name}/__mock/…`) is the admin API of that instance (see [`admin`]).

pub mod admin;
mod dispatch;
pub mod faults;
pub mod journal;
mod layer;
pub mod masking;

pub use dispatch::answer;
pub use layer::{ConnectionFault, Control};

use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};

use axum::Router;
use tokio::sync::OnceCell;

use crate::api;
use crate::db::{Database, Image, Replace, Storage};
use crate::fixtures::Fixtures;
use crate::ids::IdSource;
use crate::profile::Profile;
use crate::request_body::BodyLimits;
use crate::security::TokenKeys;
use crate::state::{AppState, Shared};
use faults::FaultBook;
use journal::Journal;

/// Settings every instance shares.
#[derive(Debug, Clone)]
pub struct CoreOptions {
    pub admin_enabled: bool,
    /// How many namespaces may be open at once.
    pub max_namespaces: usize,
    /// How long a request's head, or the next piece of its body, may take to arrive.
    pub read_timeout: std::time::Duration,
    pub body_limits: BodyLimits,
    pub profile: Profile,
    pub seed: Option<u64>,
    pub tokens: Arc<TokenKeys>,
}

/// One isolated copy of the API.
#[derive(Debug)]
pub struct Instance {
    /// `None` for the default instance.
    pub namespace: Option<String>,
    pub state: AppState,
    /// The Argilla API behind this instance's control layer (journal, body limit, faults),
    /// built once.
    pub api: Control,
    /// What a reset returns to.
    fixtures: RwLock<Arc<Prepared>>,
    pub faults: Arc<FaultBook>,
}

/// Fixtures, and the in-memory database image made of them once one is needed. The image
/// lives and goes with the fixtures: every instance seeded from the same ones shares it, and
/// replacing an instance's fixtures leaves no stale image behind.
#[derive(Debug)]
struct Prepared {
    fixtures: Fixtures,
    image: OnceCell<Arc<Image>>,
    /// For fixtures too large to keep in memory: a temporary database seeded with them once,
    /// which the default instance starts as and is reset to by copying its pages.
    template: OnceCell<Database>,
}

impl Prepared {
    fn new(fixtures: Fixtures) -> Arc<Prepared> {
        Arc::new(Prepared {
            fixtures,
            image: OnceCell::new(),
            template: OnceCell::new(),
        })
    }

    /// The template database, seeded on first use.
    async fn template(&self) -> anyhow::Result<&Database> {
        self.template
            .get_or_try_init(|| async {
                let template = Database::open(&Storage::Temporary).await?;
                // It is only ever read whole, page after page, by the copy: a small cache will do.
                sqlx::query("PRAGMA cache_size = -256")
                    .execute(template.pool())
                    .await?;
                template
                    .replace_all(&self.fixtures, Replace::IntoEmpty)
                    .await?;
                anyhow::Ok(template)
            })
            .await
    }

    /// Makes `db` (a [`Storage::Temporary`] one) a copy of the template.
    async fn copy_into(&self, db: &Database) -> anyhow::Result<()> {
        db.copy_from(self.template().await?).await?;
        db.seeded_with(&self.fixtures);
        Ok(())
    }

    /// The image, made on first use in a database of its own, so no request can land in it
    /// while it is made.
    async fn image(&self) -> anyhow::Result<Arc<Image>> {
        let image = self
            .image
            .get_or_try_init(|| async {
                let scratch = Database::open(&Storage::Memory).await?;
                scratch
                    .replace_all(&self.fixtures, Replace::IntoEmpty)
                    .await?;
                let image = scratch.image().await;
                scratch.close().await;
                anyhow::Ok(Arc::new(image?))
            })
            .await?;
        Ok(image.clone())
    }
}

/// Where a new instance's data comes from.
enum Start<'a> {
    /// This database, seeded with the fixtures if it is empty.
    Database(&'a Storage),
    /// A copy of the fixtures' image (in memory), made already if `copy` is given.
    Image { copy: Option<Database> },
}

impl Instance {
    async fn open(
        namespace: Option<String>,
        start: Start<'_>,
        fixtures: Arc<Prepared>,
        ids: IdSource,
        options: &CoreOptions,
        journal: &Arc<Journal>,
    ) -> anyhow::Result<Instance> {
        let db = match start {
            Start::Image { copy: Some(db) } => db,
            Start::Image { copy: None } => Database::from_image(&*fixtures.image().await?).await?,
            Start::Database(storage) => {
                let storage = storage_for(storage, &fixtures.fixtures);
                let db = Database::open(&storage).await?;
                if storage == Storage::Temporary {
                    fixtures.copy_into(&db).await?;
                } else if db.is_empty().await? {
                    db.replace_all(&fixtures.fixtures, Replace::IntoEmpty)
                        .await?;
                } else {
                    let database = storage.url();
                    tracing::info!(%database, "database has data: fixtures not applied");
                }
                db
            }
        };
        let state = AppState::new(Shared {
            db,
            tokens: options.tokens.clone(),
            profile: options.profile.clone(),
            ids: Arc::new(ids),
        });
        let faults = Arc::new(FaultBook::default());
        let control = Control::new(
            namespace.as_deref(),
            journal.clone(),
            faults.clone(),
            options.body_limits,
            api::real_server(state.clone()),
            state.db.clone(),
        );
        Ok(Instance {
            namespace,
            api: control,
            state,
            fixtures: RwLock::new(fixtures),
            faults,
        })
    }

    /// Back to the fixtures: every user, workspace and membership as loaded; id generation
    /// restarted when seeded. Fault rules and the journal are left alone.
    ///
    /// An in-memory instance restores the fixtures' image (made on first use), which is
    /// several times quicker than deleting and inserting every row; a temporary one (large
    /// fixtures) becomes a copy of the fixtures' template database again; a file database is
    /// rewritten row by row, in one transaction.
    pub async fn reset(&self) -> anyhow::Result<()> {
        let prepared = self.current_fixtures();
        let db = &self.state.db;
        match db.storage() {
            Storage::Memory => db.restore(&*prepared.image().await?).await?,
            Storage::Temporary => {
                prepared.copy_into(db).await?;
                // So that resets of a large set do not grow the process either.
                settle(db).await?;
            }
            Storage::File(_) => db.replace_all(&prepared.fixtures, Replace::Wipe).await?,
        }
        self.state.ids.restart();
        Ok(())
    }

    /// Replaces the fixtures (and the data) of this instance.
    /// The new fixtures take effect only once they are written.
    pub async fn replace_fixtures(&self, fixtures: Fixtures) -> sqlx::Result<()> {
        self.state.db.replace_all(&fixtures, Replace::Wipe).await?;
        *self.fixtures.write().unwrap_or_else(|e| e.into_inner()) = Prepared::new(fixtures);
        self.state.ids.restart();
        Ok(())
    }

    fn current_fixtures(&self) -> Arc<Prepared> {
        self.fixtures
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }
}

/// The most fixture text (see [`Fixtures::text_bytes`]) the default instance keeps in memory.
/// Above it, the default in-memory database is a temporary one instead: SQLite keeps 2 MiB
/// of it in memory and the rest in an unlinked file, so 100,000 users cost the snapshot's
/// memory, not that and SQLite's 55 MB besides. Resets then copy a template database's pages
/// (about 1 s for 100,000 users) instead of restoring an image (which would be in memory again).
const MAX_IN_MEMORY_FIXTURE_BYTES: usize = 8 << 20;

/// The storage the default instance opens for the configured one: a temporary database
/// instead of memory when the fixtures are large.
fn storage_for(configured: &Storage, fixtures: &Fixtures) -> Storage {
    if *configured == Storage::Memory && fixtures.text_bytes() > MAX_IN_MEMORY_FIXTURE_BYTES {
        Storage::Temporary
    } else {
        configured.clone()
    }
}

/// Reads `db`'s snapshot now, not on the next request (a second for 100,000 users), and gives
/// back to the OS what loading, seeding or copying freed on the way.
async fn settle(db: &Database) -> anyhow::Result<()> {
    db.snapshot().await?;
    crate::memory::release_free_memory();
    Ok(())
}

/// The largest fixture image a copy is made of ahead of time (the default fixtures' is tens
/// of KiB: a few SQLite pages per table and index; 100,000 users make about 54 MB).
const MAX_SPARE_IMAGE_BYTES: usize = 8 << 20;

/// Everything one server process holds.
#[derive(Debug)]
pub struct MockCore {
    pub options: CoreOptions,
    /// The fixtures loaded at start-up: every namespace starts as a copy of their image.
    fixtures: Arc<Prepared>,
    /// A copy of that image made ahead of time: the next namespace takes it (so it waits for
    /// no connection to open), and another is made in the background.
    spare_copy: Arc<Mutex<Option<Database>>>,
    pub root: Arc<Instance>,
    /// The admin API, built once; each request carries the instance it addresses.
    admin: Router,
    /// Each name's cell is filled once, by the first request for it, while requests for other
    /// names go on.
    namespaces: Mutex<HashMap<String, Arc<OnceCell<Arc<Instance>>>>>,
    pub journal: Arc<Journal>,
}

impl MockCore {
    pub async fn new(
        storage: &Storage,
        fixtures: Fixtures,
        journal_size: usize,
        options: CoreOptions,
    ) -> anyhow::Result<MockCore> {
        let fixtures = Prepared::new(fixtures);
        let journal = Arc::new(Journal::new(journal_size));
        let ids = match options.seed {
            Some(seed) => IdSource::seeded(seed),
            None => IdSource::random(),
        };
        let root = Instance::open(
            None,
            Start::Database(storage),
            fixtures.clone(),
            ids,
            &options,
            &journal,
        )
        .await?;
        settle(&root.state.db).await?;
        Ok(MockCore {
            options,
            fixtures,
            spare_copy: Default::default(),
            root: Arc::new(root),
            admin: admin::router(),
            namespaces: Mutex::new(HashMap::new()),
            journal,
        })
    }

    /// The instance for a namespace, created and seeded on first use.
    pub async fn namespace(&self, name: &str) -> Result<Arc<Instance>, NamespaceError> {
        let cell = {
            let mut namespaces = self.lock_namespaces();
            // Each namespace holds a database and its connection thread: their number is capped.
            if !namespaces.contains_key(name) && namespaces.len() >= self.options.max_namespaces {
                return Err(NamespaceError::Full(self.options.max_namespaces));
            }
            namespaces.entry(name.to_owned()).or_default().clone()
        };
        let instance = cell
            .get_or_try_init(|| async {
                let ids = self.root.state.ids.for_namespace(name);
                let copy = self.take_spare_copy(&self.fixtures.image().await?);
                let instance = Instance::open(
                    Some(name.to_owned()),
                    Start::Image { copy },
                    self.fixtures.clone(),
                    ids,
                    &self.options,
                    &self.journal,
                )
                .await?;
                anyhow::Ok(Arc::new(instance))
            })
            .await
            .map_err(NamespaceError::Open)?;
        Ok(instance.clone())
    }

    /// The copy of the namespace image made ahead of time, if there is one; starts making the
    /// next one, unless the fixtures are large (then a copy waiting unused would cost as much
    /// memory as a namespace, and each namespace makes its own).
    fn take_spare_copy(&self, image: &Arc<Image>) -> Option<Database> {
        let copy = self
            .spare_copy
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take();
        if image.len() > MAX_SPARE_IMAGE_BYTES {
            return copy;
        }
        let (slot, image) = (self.spare_copy.clone(), image.clone());
        tokio::spawn(async move {
            match Database::from_image(&image).await {
                Ok(db) => {
                    let replaced = slot.lock().unwrap_or_else(|e| e.into_inner()).replace(db);
                    if let Some(unused) = replaced {
                        unused.close().await;
                    }
                }
                // The next namespace makes its own copy instead, and reports the error if any.
                Err(e) => tracing::warn!(error = %e, "could not prepare a namespace database"),
            }
        });
        copy
    }

    /// Closes a namespace and frees its database; `false` when it was not open.
    pub async fn close_namespace(&self, name: &str) -> bool {
        let removed = self.lock_namespaces().remove(name);
        match removed.and_then(|cell| cell.get().cloned()) {
            Some(instance) => {
                instance.state.db.close().await;
                true
            }
            None => false,
        }
    }

    /// The namespaces opened so far.
    pub fn namespace_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self
            .lock_namespaces()
            .iter()
            .filter(|(_, cell)| cell.initialized())
            .map(|(name, _)| name.clone())
            .collect();
        names.sort();
        names
    }

    fn lock_namespaces(
        &self,
    ) -> std::sync::MutexGuard<'_, HashMap<String, Arc<OnceCell<Arc<Instance>>>>> {
        self.namespaces.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Why a namespace could not be had.
#[derive(Debug, thiserror::Error)]
pub enum NamespaceError {
    #[error("the limit of {0} namespaces is reached")]
    Full(usize),
    #[error(transparent)]
    Open(anyhow::Error),
}

/// Whether `name` may name a namespace: 1–64 of `A-Z a-z 0-9 _ . -`.
pub fn is_valid_namespace(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
        && name != "."
        && name != ".."
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_large_fixtures_move_the_default_database_out_of_memory() {
        let small = Fixtures::default_fixtures(&IdSource::random()).expect("fixtures");
        assert_eq!(storage_for(&Storage::Memory, &small), Storage::Memory);
        let one = small.users[0].clone();
        let per_user = Fixtures {
            workspaces: vec![],
            users: vec![one.clone()],
            datasets: vec![],
        }
        .text_bytes();
        let large = Fixtures {
            workspaces: vec![],
            users: vec![one; MAX_IN_MEMORY_FIXTURE_BYTES / per_user + 1],
            datasets: vec![],
        };
        assert_eq!(storage_for(&Storage::Memory, &large), Storage::Temporary);
        let file = Storage::File("sqlite:mock.db".into());
        assert_eq!(storage_for(&file, &large), file, "a file stays");
    }
}
