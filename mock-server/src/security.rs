//! Secrets: API keys, password hashes and the login form's JWTs.

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use rand::RngCore;
use serde::{Deserialize, Serialize};

/// bcrypt's cost for the passwords this mock stores. The real server uses passlib's default
/// (12, ~250 ms a hash); fixture and test passwords are public, so the minimum keeps creating a
/// user and seeding a database fast. Hashes of any cost (e.g. copied from a real Argilla
/// database into a fixture) verify all the same.
const BCRYPT_COST: u32 = 4;

/// How long a login token lasts: 30,000 minutes, as in Argilla 1.11–1.22.
const TOKEN_LIFETIME_SECS: i64 = 30_000 * 60;

pub fn hash_password(password: &str) -> Result<String, bcrypt::BcryptError> {
    bcrypt::hash(password, BCRYPT_COST)
}

/// Whether `password` matches a stored bcrypt hash (`false` for a malformed hash).
pub fn verify_password(password: &str, hash: &str) -> bool {
    bcrypt::verify(password, hash).unwrap_or(false)
}

pub fn is_bcrypt_hash(s: &str) -> bool {
    s.len() == 60 && ["$2a$", "$2b$", "$2y$"].iter().any(|p| s.starts_with(p))
}

/// The claims of a login token (Argilla 1.11–1.22: the username in `sub`, and the expiry).
#[derive(Debug, Serialize, Deserialize)]
struct Claims {
    sub: String,
    exp: i64,
}

/// The HS256 key pair that signs and checks login tokens.
#[derive(Clone)]
pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
}

impl std::fmt::Debug for TokenKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TokenKeys(<secret>)")
    }
}

impl TokenKeys {
    pub fn new(secret: &[u8]) -> TokenKeys {
        TokenKeys {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
        }
    }

    /// Keys from a fresh random secret, so tokens from another run or server never verify.
    pub fn random() -> TokenKeys {
        let mut secret = [0u8; 32];
        rand::thread_rng().fill_bytes(&mut secret);
        TokenKeys::new(&secret)
    }

    /// A signed token for `username`.
    pub fn issue(&self, username: &str) -> jsonwebtoken::errors::Result<String> {
        self.sign(
            username,
            chrono::Utc::now().timestamp() + TOKEN_LIFETIME_SECS,
        )
    }

    fn sign(&self, username: &str, exp: i64) -> jsonwebtoken::errors::Result<String> {
        let claims = Claims {
            sub: username.to_owned(),
            exp,
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
    }

    /// The username of a valid, unexpired token.
    pub fn verify(&self, token: &str) -> Option<String> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = 0;
        jsonwebtoken::decode::<Claims>(token, &self.decoding, &validation)
            .ok()
            .map(|data| data.claims.sub)
    }

    /// A token for `username` that expired `ago_secs` seconds ago (for tests of expiry).
    pub fn issue_expired(
        &self,
        username: &str,
        ago_secs: i64,
    ) -> jsonwebtoken::errors::Result<String> {
        self.sign(username, chrono::Utc::now().timestamp() - ago_secs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_stored_as_bcrypt_and_verify() {
        let hash = hash_password("1234").expect("hash");
        assert!(is_bcrypt_hash(&hash));
        assert!(verify_password("1234", &hash));
        assert!(!verify_password("12345", &hash));
        assert!(!verify_password("1234", "not a hash"));
    }

    #[test]
    fn tokens_verify_only_with_their_secret_and_before_expiry() {
        let keys = TokenKeys::new(b"one");
        let token = keys.issue("argilla").expect("token");
        assert_eq!(keys.verify(&token).as_deref(), Some("argilla"));
        assert_eq!(TokenKeys::new(b"two").verify(&token), None);
        let expired = keys.issue_expired("argilla", 10).expect("token");
        assert_eq!(keys.verify(&expired), None);
        assert_eq!(keys.verify("garbage"), None);
    }
}
