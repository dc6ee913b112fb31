//! Bearer tokens and password hashes.
//!
//! Tokens are 256 random bits from the operating system, base64url-encoded behind a
//! prefix that names their kind, so a leaked token is easy to recognise in a scan. The
//! database stores only the SHA-256 of the whole token string: a plain hash is enough
//! because the token has full entropy, unlike a password.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use rand::rngs::OsRng;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::config::PasswordHashConfig;

/// The kinds of bearer secret the service issues.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// An interactive session.
    Session,
    /// An API token.
    Api,
    /// A one-time invitation.
    Invitation,
}

impl TokenKind {
    fn prefix(self) -> &'static str {
        match self {
            TokenKind::Session => "sps_",
            TokenKind::Api => "spt_",
            TokenKind::Invitation => "spi_",
        }
    }

    /// Returns the kind a presented token claims by its prefix.
    pub fn of(token: &str) -> Option<Self> {
        [TokenKind::Session, TokenKind::Api, TokenKind::Invitation]
            .into_iter()
            .find(|kind| token.starts_with(kind.prefix()))
    }
}

/// Creates a new random token of `kind`.
pub fn new_token(kind: TokenKind) -> Zeroizing<String> {
    let mut bytes = Zeroizing::new([0_u8; 32]);
    OsRng.fill_bytes(bytes.as_mut());
    Zeroizing::new(format!(
        "{}{}",
        kind.prefix(),
        URL_SAFE_NO_PAD.encode(bytes.as_ref())
    ))
}

/// Computes the stored form of a token: lowercase hex SHA-256.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Shortest accepted password, in characters.
pub const MIN_PASSWORD_CHARS: usize = 12;
/// Longest accepted password, in bytes; bounds the hashing work one request can cause.
pub const MAX_PASSWORD_BYTES: usize = 1024;

/// Reason a new password is rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PasswordRejected {
    /// Fewer than [`MIN_PASSWORD_CHARS`] characters.
    #[error("the password must have at least {MIN_PASSWORD_CHARS} characters")]
    TooShort,
    /// More than [`MAX_PASSWORD_BYTES`] bytes.
    #[error("the password must be at most {MAX_PASSWORD_BYTES} bytes long")]
    TooLong,
}

/// Checks a new password against the length policy.
pub fn check_new_password(password: &str) -> Result<(), PasswordRejected> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(PasswordRejected::TooShort);
    }
    if password.len() > MAX_PASSWORD_BYTES {
        return Err(PasswordRejected::TooLong);
    }
    Ok(())
}

/// Argon2id hashing with configured cost. Hashing is CPU- and memory-bound, so the
/// async callers run it on tokio's blocking pool.
#[derive(Debug, Clone)]
pub struct PasswordHasherConfig {
    params: Params,
    /// A hash of a random password, checked when the email is unknown so that an unknown
    /// email takes as long as a wrong password.
    dummy_hash: String,
}

/// Hashing failed; only a misconfiguration can cause this.
#[derive(Debug, thiserror::Error)]
#[error("password hashing failed: {0}")]
pub struct HashError(String);

impl PasswordHasherConfig {
    /// Validates the cost and prepares the dummy hash.
    pub fn new(config: &PasswordHashConfig) -> Result<Self, HashError> {
        let params = Params::new(
            config.memory_kib,
            config.iterations,
            config.parallelism,
            None,
        )
        .map_err(|error| HashError(error.to_string()))?;
        let mut hasher = Self {
            params,
            dummy_hash: String::new(),
        };
        let random = new_token(TokenKind::Invitation);
        hasher.dummy_hash = hasher.hash_blocking(&random)?;
        Ok(hasher)
    }

    fn argon2(&self) -> Argon2<'static> {
        Argon2::new(Algorithm::Argon2id, Version::V0x13, self.params.clone())
    }

    /// Hashes a password into a PHC string; blocks.
    pub fn hash_blocking(&self, password: &str) -> Result<String, HashError> {
        let salt = SaltString::generate(&mut OsRng);
        self.argon2()
            .hash_password(password.as_bytes(), &salt)
            .map(|hash| hash.to_string())
            .map_err(|error| HashError(error.to_string()))
    }

    /// Checks a password against a stored PHC string, or against the dummy hash when
    /// `stored` is `None`, which always fails; blocks.
    pub fn verify_blocking(&self, password: &str, stored: Option<&str>) -> bool {
        let phc = stored.unwrap_or(&self.dummy_hash);
        let Ok(parsed) = PasswordHash::new(phc) else {
            return false;
        };
        // The stored string carries its own parameters, so older hashes keep verifying
        // after the configured cost changes.
        let verified = self
            .argon2()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok();
        verified && stored.is_some()
    }

    /// Hashes on the blocking pool.
    pub async fn hash(&self, password: Zeroizing<String>) -> Result<String, HashError> {
        let hasher = self.clone();
        tokio::task::spawn_blocking(move || hasher.hash_blocking(&password))
            .await
            .map_err(|error| HashError(error.to_string()))?
    }

    /// Verifies on the blocking pool.
    pub async fn verify(&self, password: Zeroizing<String>, stored: Option<String>) -> bool {
        let hasher = self.clone();
        tokio::task::spawn_blocking(move || hasher.verify_blocking(&password, stored.as_deref()))
            .await
            .unwrap_or(false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cheap() -> PasswordHasherConfig {
        PasswordHasherConfig::new(&PasswordHashConfig {
            memory_kib: 64,
            iterations: 1,
            parallelism: 1,
        })
        .unwrap()
    }

    #[test]
    fn tokens_are_unique_and_prefixed() {
        let first = new_token(TokenKind::Session);
        let second = new_token(TokenKind::Session);
        assert_ne!(*first, *second);
        assert!(first.starts_with("sps_"));
        assert_eq!(first.len(), 4 + 43);
        assert_eq!(TokenKind::of(&first), Some(TokenKind::Session));
        assert_eq!(TokenKind::of("Basic abc"), None);
    }

    #[test]
    fn token_hash_is_sha256_hex() {
        assert_eq!(
            token_hash("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn password_hash_verifies_only_the_password() {
        let hasher = cheap();
        let hash = hasher.hash_blocking("correct horse battery").unwrap();
        assert!(hash.starts_with("$argon2id$v=19$m=64,t=1,p=1$"));
        assert!(hasher.verify_blocking("correct horse battery", Some(&hash)));
        assert!(!hasher.verify_blocking("correct horse batterz", Some(&hash)));
        assert!(!hasher.verify_blocking("correct horse battery", None));
        assert!(!hasher.verify_blocking("anything", Some("not a phc string")));
    }

    #[test]
    fn default_cost_is_owasp_minimum() {
        let hasher = PasswordHasherConfig::new(&PasswordHashConfig::default()).unwrap();
        let hash = hasher.hash_blocking("correct horse battery").unwrap();
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
    }

    #[test]
    fn password_policy() {
        assert_eq!(check_new_password("short"), Err(PasswordRejected::TooShort));
        assert_eq!(
            check_new_password(&"x".repeat(2000)),
            Err(PasswordRejected::TooLong)
        );
        assert_eq!(check_new_password("twelve chars"), Ok(()));
    }
}
