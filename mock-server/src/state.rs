//! What every handler shares.

use std::ops::Deref;
use std::sync::Arc;

use crate::db::Database;
use crate::ids::IdSource;
use crate::profile::Profile;
use crate::security::TokenKeys;

/// One instance's shared parts, behind one `Arc`: axum clones the state for every request
/// (and the `State` extractor once more), and one reference count to bump is cheaper than one
/// per field, more so when two worker threads bump the same counts at once.
#[derive(Debug, Clone)]
pub struct AppState(Arc<Shared>);

#[derive(Debug)]
pub struct Shared {
    pub db: Database,
    pub tokens: Arc<TokenKeys>,
    /// The Argilla release(s) the API behaves as, and the versions it reports.
    pub profile: Profile,
    /// New ids and API keys (seeded with `--seed`).
    pub ids: Arc<IdSource>,
}

impl AppState {
    pub fn new(shared: Shared) -> AppState {
        AppState(Arc::new(shared))
    }
}

impl Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}
