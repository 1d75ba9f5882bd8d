//! argilla-mock: an offline stand-in for the Argilla users and workspaces API, 1.x and 2.x.
//!
//! [`MockServer::start`] (or [`MockServer::builder`], or [`spawn`] with a [`Config`]) starts a
//! server on a free loopback port and returns its handle: the URL, the default API key, reset,
//! fault rules and the request journal; dropping it stops the server. [`api::real_server`] is
//! the bare Argilla API, without the mock's control layer. Behaviour follows the real Argilla 1.14 server, as recorded in
//! `argilla-users-api.md` and checked by `scripts/parity.sh`.

pub mod api;
pub mod config;
pub mod control;
pub mod db;
pub mod error;
pub mod extract;
pub mod fixtures;
pub mod ids;
pub mod logging;
mod memory;
pub mod models;
pub mod policy;
pub mod profile;
pub mod python;
pub mod request_body;
pub mod security;
mod serve;
pub mod server;
pub mod state;

pub use config::Config;
pub use control::faults::FaultSpec;
pub use control::journal::JournalEntry;
pub use server::{spawn, MockServer, MockServerBuilder};
