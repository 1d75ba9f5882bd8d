//! argilla-mock: an offline stand-in for the Argilla 1.x users API.
//!
//! [`spawn`] starts a server from a [`Config`] and returns a [`RunningServer`] (its URL, the
//! default API key, and a handle that stops it on drop); [`api::router`] is the bare router for
//! embedding. Behaviour follows the real Argilla 1.14 server, as recorded in
//! `argilla-users-api.md` and checked by `scripts/parity.sh`.

pub mod api;
pub mod config;
pub mod db;
pub mod error;
pub mod extract;
pub mod fixtures;
pub mod models;
pub mod policy;
pub mod python;
pub mod security;
pub mod server;
pub mod state;

pub use config::Config;
pub use server::{spawn, RunningServer};
