//! Starting and stopping a server: bind first, then serve, so the URL is known and usable the
//! moment `spawn` returns.

use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Context;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::api;
use crate::config::Config;
use crate::db::Database;
use crate::fixtures::Seed;
use crate::security::TokenKeys;
use crate::state::AppState;

/// A server running on a tokio task. Dropping it stops the server.
#[derive(Debug)]
pub struct RunningServer {
    addr: SocketAddr,
    api_key: Option<String>,
    db: Database,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<std::io::Result<()>>>,
}

impl RunningServer {
    /// The base URL, e.g. `http://127.0.0.1:6900` (what the SDK calls `api_url`).
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The default user's API key (see [`Seed::default_api_key`]).
    pub fn api_key(&self) -> Option<&str> {
        self.api_key.as_deref()
    }

    /// The server's database, for tests that look behind the API.
    pub fn database(&self) -> &Database {
        &self.db
    }

    /// Stops accepting connections, lets in-flight requests finish, and closes the database.
    pub async fn stop(mut self) -> anyhow::Result<()> {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            task.await.context("server task failed")??;
        }
        self.db.close().await;
        Ok(())
    }
}

impl Drop for RunningServer {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// Loads the fixtures, opens and seeds the database, binds the address and starts serving.
pub async fn spawn(config: &Config) -> anyhow::Result<RunningServer> {
    let seed = match &config.fixtures {
        Some(path) => Seed::from_file(path)?,
        None => Seed::default_fixtures()?,
    };
    let db = Database::open(&config.database).await?;
    if db.is_empty().await? {
        seed.write_into(&db)
            .await
            .context("cannot seed the database")?;
    } else {
        tracing::info!(database = %config.database, "database has data: fixtures not applied");
    }
    let state = AppState {
        db: db.clone(),
        tokens: match &config.jwt_secret {
            Some(secret) => TokenKeys::new(secret.as_bytes()),
            None => TokenKeys::random(),
        },
        version: Arc::from(config.argilla_version.as_str()),
    };
    let app = api::router(state, config.max_body_bytes);
    let listener = TcpListener::bind((config.host.as_str(), config.port))
        .await
        .with_context(|| format!("cannot listen on {}:{}", config.host, config.port))?;
    let addr = listener.local_addr()?;
    let (shutdown, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = stopped.await;
            })
            .await
    });
    tracing::info!(%addr, database = %config.database, "argilla-mock listening");
    Ok(RunningServer {
        addr,
        api_key: seed.default_api_key().map(str::to_owned),
        db,
        shutdown: Some(shutdown),
        task: Some(task),
    })
}
