//! What every handler shares.

use std::sync::Arc;

use crate::db::Database;
use crate::ids::IdSource;
use crate::security::TokenKeys;

#[derive(Debug, Clone)]
pub struct AppState {
    pub db: Database,
    pub tokens: Arc<TokenKeys>,
    /// The version `GET /api/_info` reports.
    pub version: Arc<str>,
    /// New ids and API keys (seeded with `--seed`).
    pub ids: Arc<IdSource>,
}
