//! Key-encryption keys: what wraps the accounts' upload private keys at rest.
//!
//! The [`KeyProvider`] trait wraps and unwraps small secrets with additional data that
//! binds each wrapped secret to its owner, so a wrapped key copied to another row fails
//! to unwrap. Its methods return futures so that an external key management service can
//! implement it; [`LocalKeyFile`] is the default, a 256-bit key in a file readable by its
//! owner alone, used with AES-256-GCM.

use std::future::Future;
use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::pin::Pin;

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use rand::RngCore;
use rand::rngs::OsRng;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

/// A boxed future, so that the trait stays usable as `dyn KeyProvider`.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

const FILE_PREFIX: &str = "sealpost-kek-v1:";
const NONCE_LEN: usize = 12;
/// Hashed in front of the key to name it without revealing it.
const KEK_ID_LABEL: &[u8] = b"sealpost key-encryption key id v1";

/// A failure to load a key-encryption key or to wrap or unwrap with it.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum KeyError {
    /// The key file could not be read or created.
    #[error("cannot access the key file {path}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O failure.
        #[source]
        source: std::io::Error,
    },
    /// The key file is readable or writable by other users.
    #[error("the key file {0} is accessible to other users (mode {1:o}); run `chmod 600` on it")]
    Permissions(PathBuf, u32),
    /// The key file does not hold a key in the expected form.
    #[error(
        "the key file {0} is not a Sealpost key file (expected one line `sealpost-kek-v1:` and 64 hex digits)"
    )]
    Malformed(PathBuf),
    /// Encryption failed; AES-GCM fails only for inputs far larger than a key.
    #[error("the key-encryption key could not wrap a secret")]
    Wrap,
    /// A wrapped secret does not open with this key and its additional data: it was
    /// wrapped by another key, belongs to another owner or was changed.
    #[error("a wrapped key does not open with the configured key-encryption key")]
    Unwrap,
}

/// Wraps and unwraps secrets with a key-encryption key.
pub trait KeyProvider: Send + Sync + std::fmt::Debug {
    /// Returns a stable, non-secret name of the key-encryption key, stored with each wrapped
    /// secret so that a wrong key is named as such.
    fn kek_id(&self) -> &str;

    /// Encrypts `secret`, binding it to `aad`.
    fn wrap<'a>(
        &'a self,
        secret: &'a [u8],
        aad: &'a [u8],
    ) -> BoxFuture<'a, Result<Vec<u8>, KeyError>>;

    /// Decrypts what [`KeyProvider::wrap`] returned for the same `aad`.
    fn unwrap<'a>(
        &'a self,
        wrapped: &'a [u8],
        aad: &'a [u8],
    ) -> BoxFuture<'a, Result<Zeroizing<Vec<u8>>, KeyError>>;
}

/// A 256-bit AES-GCM key-encryption key kept in a local file with mode 0600.
pub struct LocalKeyFile {
    key: Zeroizing<[u8; 32]>,
    kek_id: String,
}

impl std::fmt::Debug for LocalKeyFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LocalKeyFile")
            .field("kek_id", &self.kek_id)
            .finish_non_exhaustive()
    }
}

impl LocalKeyFile {
    /// Creates the key file with a new random key unless it exists; returns whether it
    /// was created. Used by `init` and `demo`.
    pub fn create_if_missing(path: &Path) -> Result<bool, KeyError> {
        let io = |source| KeyError::Io {
            path: path.to_owned(),
            source,
        };
        let mut key = Zeroizing::new([0_u8; 32]);
        OsRng.fill_bytes(key.as_mut());
        let file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(path);
        let mut file = match file {
            Ok(file) => file,
            Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => return Ok(false),
            Err(error) => return Err(io(error)),
        };
        let text = Zeroizing::new(format!("{FILE_PREFIX}{}\n", hex::encode(key.as_ref())));
        file.write_all(text.as_bytes()).map_err(io)?;
        file.sync_all().map_err(io)?;
        Ok(true)
    }

    /// Loads the key file, refusing one that other users can access.
    pub fn open(path: &Path) -> Result<Self, KeyError> {
        let io = |source| KeyError::Io {
            path: path.to_owned(),
            source,
        };
        let mode = std::fs::metadata(path).map_err(io)?.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            return Err(KeyError::Permissions(path.to_owned(), mode));
        }
        let text = Zeroizing::new(std::fs::read_to_string(path).map_err(io)?);
        let malformed = || KeyError::Malformed(path.to_owned());
        let digits = text
            .trim()
            .strip_prefix(FILE_PREFIX)
            .ok_or_else(malformed)?;
        let mut key = Zeroizing::new([0_u8; 32]);
        hex::decode_to_slice(digits, key.as_mut()).map_err(|_| malformed())?;
        Ok(Self::from_key(key))
    }

    fn from_key(key: Zeroizing<[u8; 32]>) -> Self {
        let mut hasher = Sha256::new();
        hasher.update(KEK_ID_LABEL);
        hasher.update(key.as_ref());
        let kek_id = format!("local:{}", hex::encode(&hasher.finalize()[..8]));
        Self { key, kek_id }
    }

    fn cipher(&self) -> Aes256Gcm {
        Aes256Gcm::new(self.key.as_ref().into())
    }
}

impl KeyProvider for LocalKeyFile {
    fn kek_id(&self) -> &str {
        &self.kek_id
    }

    fn wrap<'a>(
        &'a self,
        secret: &'a [u8],
        aad: &'a [u8],
    ) -> BoxFuture<'a, Result<Vec<u8>, KeyError>> {
        Box::pin(async move {
            // Random 96-bit nonces are safe here: a key wraps a handful of secrets per
            // account, far below the 2^32 messages where collisions start to matter.
            let mut nonce = [0_u8; NONCE_LEN];
            OsRng.fill_bytes(&mut nonce);
            let sealed = self
                .cipher()
                .encrypt(Nonce::from_slice(&nonce), Payload { msg: secret, aad })
                .map_err(|_| KeyError::Wrap)?;
            let mut wrapped = nonce.to_vec();
            wrapped.extend_from_slice(&sealed);
            Ok(wrapped)
        })
    }

    fn unwrap<'a>(
        &'a self,
        wrapped: &'a [u8],
        aad: &'a [u8],
    ) -> BoxFuture<'a, Result<Zeroizing<Vec<u8>>, KeyError>> {
        Box::pin(async move {
            if wrapped.len() < NONCE_LEN {
                return Err(KeyError::Unwrap);
            }
            let (nonce, sealed) = wrapped.split_at(NONCE_LEN);
            self.cipher()
                .decrypt(Nonce::from_slice(nonce), Payload { msg: sealed, aad })
                .map(Zeroizing::new)
                .map_err(|_| KeyError::Unwrap)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fresh() -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("kek.key");
        (dir, path)
    }

    #[tokio::test]
    async fn wraps_and_unwraps_only_with_the_same_key_and_aad() {
        let (_dir, path) = fresh();
        assert!(LocalKeyFile::create_if_missing(&path).unwrap());
        assert!(!LocalKeyFile::create_if_missing(&path).unwrap());
        let provider = LocalKeyFile::open(&path).unwrap();
        let wrapped = provider
            .wrap(b"secret key bytes", b"owner-1")
            .await
            .unwrap();
        assert_eq!(wrapped.len(), NONCE_LEN + 16 + 16);
        let opened = provider.unwrap(&wrapped, b"owner-1").await.unwrap();
        assert_eq!(opened.as_slice(), b"secret key bytes");

        assert!(matches!(
            provider.unwrap(&wrapped, b"owner-2").await,
            Err(KeyError::Unwrap)
        ));
        let mut flipped = wrapped.clone();
        flipped[NONCE_LEN] ^= 1;
        assert!(matches!(
            provider.unwrap(&flipped, b"owner-1").await,
            Err(KeyError::Unwrap)
        ));
        assert!(matches!(
            provider.unwrap(&wrapped[..5], b"owner-1").await,
            Err(KeyError::Unwrap)
        ));

        let (_other_dir, other_path) = fresh();
        LocalKeyFile::create_if_missing(&other_path).unwrap();
        let other = LocalKeyFile::open(&other_path).unwrap();
        assert_ne!(other.kek_id(), provider.kek_id());
        assert!(other.unwrap(&wrapped, b"owner-1").await.is_err());
    }

    #[test]
    fn key_file_is_private_and_checked() {
        let (_dir, path) = fresh();
        LocalKeyFile::create_if_missing(&path).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        let first = LocalKeyFile::open(&path).unwrap();
        assert_eq!(first.kek_id(), LocalKeyFile::open(&path).unwrap().kek_id());
        assert!(!format!("{first:?}").contains(&hex::encode(first.key.as_ref())));

        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let error = LocalKeyFile::open(&path).unwrap_err();
        assert!(matches!(error, KeyError::Permissions(_, 0o644)), "{error}");
    }

    #[test]
    fn malformed_or_missing_files_are_named() {
        let (_dir, path) = fresh();
        assert!(matches!(
            LocalKeyFile::open(&path),
            Err(KeyError::Io { .. })
        ));
        for text in ["", "sealpost-kek-v1:abcd", "other:00", &"0".repeat(64)] {
            std::fs::write(&path, text).unwrap();
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
            assert!(
                matches!(LocalKeyFile::open(&path), Err(KeyError::Malformed(_))),
                "{text:?}"
            );
        }
    }
}
