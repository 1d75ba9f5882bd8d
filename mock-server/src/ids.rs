//! Where new ids and API keys come from: the OS's randomness, or a seeded generator so that
//! `--seed N` gives the same ids and keys on every run.

use std::sync::Mutex;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use rand::rngs::StdRng;
use rand::{RngCore, SeedableRng};

#[derive(Debug)]
pub struct IdSource {
    seed: Option<u64>,
    rng: Mutex<StdRng>,
}

impl IdSource {
    /// Random ids, different on every run.
    pub fn random() -> IdSource {
        IdSource {
            seed: None,
            rng: Mutex::new(StdRng::from_entropy()),
        }
    }

    /// Ids from a seeded generator: the same sequence for the same seed.
    pub fn seeded(seed: u64) -> IdSource {
        IdSource {
            seed: Some(seed),
            rng: Mutex::new(StdRng::seed_from_u64(seed)),
        }
    }

    /// The source for a namespace: seeded from the server's seed and the name, so each
    /// namespace repeats on its own whatever order namespaces are first used in.
    pub fn for_namespace(&self, name: &str) -> IdSource {
        match self.seed {
            None => IdSource::random(),
            Some(seed) => IdSource::seeded(fnv1a(seed, name.as_bytes())),
        }
    }

    /// Starts the sequence again (a reset of a seeded server repeats its ids).
    pub fn restart(&self) {
        if let Some(seed) = self.seed {
            *self.lock() = StdRng::seed_from_u64(seed);
        }
    }

    /// A new version-4 UUID, hyphenated.
    pub fn uuid(&self) -> String {
        let mut bytes = [0u8; 16];
        self.lock().fill_bytes(&mut bytes);
        uuid::Builder::from_random_bytes(bytes)
            .into_uuid()
            .hyphenated()
            .to_string()
    }

    /// A new API key like the real server's `secrets.token_urlsafe(80)`: 107 URL-safe characters.
    pub fn api_key(&self) -> String {
        let mut bytes = [0u8; 80];
        self.lock().fill_bytes(&mut bytes);
        URL_SAFE_NO_PAD.encode(bytes)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, StdRng> {
        self.rng.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// FNV-1a over the seed and a name: stable across platforms and Rust versions.
fn fnv1a(seed: u64, bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in seed.to_le_bytes().iter().chain(bytes) {
        hash ^= u64::from(*b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    #[test]
    fn a_seed_repeats_and_a_restart_starts_over() {
        let a = IdSource::seeded(7);
        let b = IdSource::seeded(7);
        let first = (a.uuid(), a.api_key());
        assert_eq!(first, (b.uuid(), b.api_key()));
        assert_eq!(first.1.len(), 107);
        assert!(Uuid::parse_str(&first.0).is_ok_and(|u| u.get_version_num() == 4));
        a.restart();
        assert_eq!(a.uuid(), first.0);
        assert_ne!(a.for_namespace("x").uuid(), a.for_namespace("y").uuid());
        assert_eq!(a.for_namespace("x").uuid(), b.for_namespace("x").uuid());
    }

    #[test]
    fn unseeded_sources_differ() {
        assert_ne!(IdSource::random().uuid(), IdSource::random().uuid());
    }
}
