//! argilla-mock: an offline stand-in for the Argilla server: users and workspaces of Argilla 1.x
//! and 2.x, and the datasets of 2.x.
//!
//! [`MockServer::start`] (or [`MockServer::builder`], or [`spawn`] with a [`Config`]) starts a
//! server on a free loopback port and returns its handle: the URL, the default API key, reset,
//! fault rules and the request journal; dropping it stops the server. [`api::real_server`] is
//! the bare Argilla API, without the mock's control layer. Behaviour follows the real servers,
//! Argilla 1.14 for `/api/…` and argilla-server 2.8 for `/api/v1/…`, as recorded in the
//! contracts under `../shared/` and checked by `scripts/parity.sh`.

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
pub use control::faults::{Fault, FaultSpec};
pub use control::journal::JournalEntry;
pub use server::{spawn, MockServer, MockServerBuilder};
