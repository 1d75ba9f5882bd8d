//! Starting, driving and stopping a server: bind first, then serve, so the URL is known and
//! usable the moment the handle exists (no polling, no sleeps).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::config::Config;
use crate::control::faults::{FaultRuleError, FaultSpec};
use crate::control::journal::{Instances, JournalEntry, JournalQuery};
use crate::control::{CoreOptions, MockCore};
use crate::db::{Database, Storage};
use crate::fixtures::Fixtures;
use crate::ids::IdSource;
use crate::profile::Profile;
use crate::request_body::BodyLimits;
use crate::security::TokenKeys;

/// A running server. Dropping it stops the server.
#[derive(Debug)]
pub struct MockServer {
    addr: SocketAddr,
    api_key: Option<String>,
    core: Arc<MockCore>,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

/// Options for [`MockServer::builder`], wiremock-style.
#[derive(Debug, Default)]
pub struct MockServerBuilder {
    config: Config,
    fixtures_json: Option<String>,
}

impl MockServerBuilder {
    /// Seed from a fixture file instead of the embedded defaults.
    pub fn fixtures_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.config.fixtures = Some(path.into());
        self
    }

    /// Seed from fixture JSON given inline.
    pub fn fixtures_json(mut self, json: impl Into<String>) -> Self {
        self.fixtures_json = Some(json.into());
        self
    }

    /// Repeatable ids and API keys.
    pub fn seed(mut self, seed: u64) -> Self {
        self.config.seed = Some(seed);
        self
    }

    /// Journal capacity (0 turns the journal off).
    pub fn journal_size(mut self, size: usize) -> Self {
        self.config.journal_size = size;
        self
    }

    /// Any other setting.
    pub fn config(mut self, config: Config) -> Self {
        self.config = config;
        self
    }

    pub async fn start(self) -> anyhow::Result<MockServer> {
        start(&self.config, self.fixtures_json.as_deref()).await
    }
}

impl MockServer {
    /// A server with the default fixtures, in memory, on a free loopback port.
    ///
    /// # Panics
    /// If it cannot start (a test cannot go on without it); use [`spawn`] to handle errors.
    pub async fn start() -> MockServer {
        spawn(&Config::default())
            .await
            .expect("argilla-mock server starts")
    }

    pub fn builder() -> MockServerBuilder {
        MockServerBuilder::default()
    }

    /// The base URL, e.g. `http://127.0.0.1:6900` (what the SDK calls `api_url`).
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The base URL of a namespace: an isolated copy of the API with its own data.
    pub fn namespace_url(&self, name: &str) -> String {
        format!("http://{}/ns/{name}", self.addr)
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The default user's API key (see [`Fixtures::default_api_key`]).
    pub fn api_key(&self) -> Option<&str> {
        self.api_key.as_deref()
    }

    /// Opens (creating and seeding it if new) a namespace, as its first request would.
    pub async fn open_namespace(&self, name: &str) -> anyhow::Result<()> {
        self.core
            .namespace(name)
            .await
            .map(drop)
            .map_err(anyhow::Error::from)
    }

    /// Closes a namespace and frees its database.
    pub async fn close_namespace(&self, name: &str) -> bool {
        self.core.close_namespace(name).await
    }

    /// The default instance's database, for tests that look behind the API.
    pub fn database(&self) -> &Database {
        &self.core.root.state.db
    }

    /// Back to the fixtures (the default instance).
    pub async fn reset(&self) -> anyhow::Result<()> {
        self.core.root.reset().await
    }

    /// Adds a fault rule to the default instance; returns its id.
    pub fn add_fault(&self, spec: FaultSpec) -> Result<u64, FaultRuleError> {
        self.core.root.faults.add(spec)
    }

    /// Removes every fault rule of the default instance.
    pub fn clear_faults(&self) {
        self.core.root.faults.clear();
    }

    /// The journal of the default instance, oldest first.
    pub fn requests(&self) -> Vec<JournalEntry> {
        self.core
            .journal
            .find(&JournalQuery::default(), Instances::Default)
    }

    /// Stops accepting connections, lets requests in flight finish, and closes the database.
    pub async fn stop(mut self) -> anyhow::Result<()> {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            task.await.context("server task failed")?;
        }
        self.core.root.state.db.close().await;
        Ok(())
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// Loads the fixtures, opens and seeds the database, binds the address and starts serving.
pub async fn spawn(config: &Config) -> anyhow::Result<MockServer> {
    start(config, None).await
}

async fn start(config: &Config, fixtures_json: Option<&str>) -> anyhow::Result<MockServer> {
    // The command line refuses 0 too; an embedder's `Config` is checked here.
    anyhow::ensure!(
        config.read_timeout_ms > 0,
        "read_timeout_ms must be at least 1: with 0 no request could arrive"
    );
    // Fixture ids and keys left out of the file come from the same seeded sequence.
    let fixture_ids = match config.seed {
        Some(seed) => IdSource::seeded(seed ^ 0x5eed),
        None => IdSource::random(),
    };
    let fixtures = match (fixtures_json, &config.fixtures) {
        (Some(json), _) => Fixtures::from_json("<inline fixtures>", json, &fixture_ids)?,
        (None, Some(path)) => Fixtures::from_file(path, &fixture_ids)?,
        (None, None) => Fixtures::default_fixtures(&fixture_ids)?,
    };
    let api_key = fixtures.default_api_key().map(str::to_owned);
    let read_timeout = std::time::Duration::from_millis(config.read_timeout_ms);
    let options = CoreOptions {
        admin_enabled: !config.no_admin,
        max_namespaces: config.max_namespaces,
        read_timeout,
        body_limits: BodyLimits::new(config.max_body_bytes, read_timeout),
        profile: Profile::for_version(config.argilla_version.as_deref())
            .map_err(anyhow::Error::msg)?,
        seed: config.seed,
        tokens: Arc::new(match &config.jwt_secret {
            Some(secret) => TokenKeys::new(secret.as_bytes()),
            None => TokenKeys::random(),
        }),
    };
    let storage = Storage::from_url(&config.database);
    let core = Arc::new(MockCore::new(&storage, fixtures, config.journal_size, options).await?);
    let listener = TcpListener::bind((config.host.as_str(), config.port))
        .await
        .with_context(|| format!("cannot listen on {}:{}", config.host, config.port))?;
    let addr = listener.local_addr()?;
    let (shutdown, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(crate::serve::serve(listener, core.clone(), stopped));
    let database = core.root.state.db.storage().url();
    tracing::info!(%addr, %database, "argilla-mock listening");
    Ok(MockServer {
        addr,
        api_key,
        core,
        shutdown: Some(shutdown),
        task: Some(task),
    })
}
