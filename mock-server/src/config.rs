//! Command-line and environment configuration.

use std::path::PathBuf;

use clap::Parser;

use crate::db::IN_MEMORY;

// Each default once: the command line and `Config::default` both use these.
const DEFAULT_HOST: &str = "127.0.0.1";
const DEFAULT_PORT: u16 = 6900;
/// 64 MiB: a bulk of 500 records with 3,072-dimension vectors (about 30 MB of JSON) fits; the
/// real server has no limit at all.
const DEFAULT_MAX_BODY_BYTES: usize = 64 * 1024 * 1024;
const DEFAULT_READ_TIMEOUT_MS: u64 = 30_000;
const DEFAULT_JOURNAL_SIZE: usize = 10_000;
const DEFAULT_MAX_NAMESPACES: usize = 256;

/// An offline stand-in for the Argilla users and workspaces API (1.x and 2.x).
#[derive(Debug, Clone, Parser)]
#[command(name = "argilla-mock", version, about)]
pub struct Config {
    /// Address to listen on (loopback by default).
    #[arg(long, env = "ARGILLA_MOCK_HOST", default_value = DEFAULT_HOST)]
    pub host: String,

    /// Port to listen on; 0 picks a free one.
    #[arg(long, env = "ARGILLA_MOCK_PORT", default_value_t = DEFAULT_PORT)]
    pub port: u16,

    /// Fixture file to seed an empty database with (default: the embedded fixtures/default.json).
    #[arg(long, env = "ARGILLA_MOCK_FIXTURES")]
    pub fixtures: Option<PathBuf>,

    /// Database URL: `sqlite::memory:` (default, nothing on disk) or `sqlite:PATH` (a file that
    /// survives restarts; seeded only when new).
    #[arg(long, env = "ARGILLA_MOCK_DATABASE", default_value = IN_MEMORY)]
    pub database: String,

    /// Secret that signs login tokens (default: random for each run).
    #[arg(long, env = "ARGILLA_MOCK_JWT_SECRET", hide_env_values = true)]
    pub jwt_secret: Option<String>,

    /// The Argilla release to behave as: a 1.x version (e.g. 1.14.1) serves the 1.x API, a 2.x
    /// version (e.g. 2.8.0) the 2.x API; each reports the version given. Default: both APIs
    /// from one database (`/api/…` as 1.14.1, `/api/v1/…` as 2.8.0).
    #[arg(long, env = "ARGILLA_MOCK_ARGILLA_VERSION")]
    pub argilla_version: Option<String>,

    /// Largest request body accepted, in bytes; larger ones get 413.
    #[arg(long, env = "ARGILLA_MOCK_MAX_BODY_BYTES", default_value_t = DEFAULT_MAX_BODY_BYTES)]
    pub max_body_bytes: usize,

    /// Milliseconds a connection may take to send a request's head, or to send more of its
    /// body, before it is closed; a connection idle that long between requests is closed too.
    /// At least 1: with 0 no request could ever arrive.
    #[arg(long, env = "ARGILLA_MOCK_READ_TIMEOUT_MS", default_value_t = DEFAULT_READ_TIMEOUT_MS,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub read_timeout_ms: u64,

    /// Make generated ids and API keys the same on every run.
    #[arg(long, env = "ARGILLA_MOCK_SEED")]
    pub seed: Option<u64>,

    /// Requests kept in the journal (`GET /__mock/requests`); 0 turns it off.
    #[arg(long, env = "ARGILLA_MOCK_JOURNAL_SIZE", default_value_t = DEFAULT_JOURNAL_SIZE)]
    pub journal_size: usize,

    /// How many namespaces (`/ns/{name}/…`) may be open at once.
    #[arg(long, env = "ARGILLA_MOCK_MAX_NAMESPACES", default_value_t = DEFAULT_MAX_NAMESPACES)]
    pub max_namespaces: usize,

    /// Turn the admin API (`/__mock/…`) off.
    #[arg(long, env = "ARGILLA_MOCK_NO_ADMIN")]
    pub no_admin: bool,
}

impl Default for Config {
    /// The configuration for tests and embedding: the command line's defaults, but a free
    /// port.
    fn default() -> Self {
        Config {
            host: DEFAULT_HOST.into(),
            port: 0,
            fixtures: None,
            database: IN_MEMORY.into(),
            jwt_secret: None,
            argilla_version: None,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            read_timeout_ms: DEFAULT_READ_TIMEOUT_MS,
            seed: None,
            journal_size: DEFAULT_JOURNAL_SIZE,
            max_namespaces: DEFAULT_MAX_NAMESPACES,
            no_admin: false,
        }
    }
}
