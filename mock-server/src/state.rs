//! What every handler shares.

use std::sync::Arc;

use crate::db::Database;
use crate::ids::IdSource;
use crate::profile::Profile;
use crate::security::TokenKeys;

#[derive(Debug, Clone)]
pub struct AppState {
    pub db: Database,
    pub tokens: Arc<TokenKeys>,
    /// The Argilla release(s) the API behaves as, and the versions it reports.
    pub profile: Profile,
    /// New ids and API keys (seeded with `--seed`).
    pub ids: Arc<IdSource>,
}
