//! Where the resume key lives: the OS keyring, or without one the same fallbacks as
//! session tokens: a passphrase-encrypted file, or this process's memory.

use std::path::PathBuf;
use std::sync::Mutex;

use zeroize::Zeroizing;

use crate::credential::Token;
use crate::error::ClientError;
use crate::secrets::{load_token_file, save_token_file};

use super::error::UploadError;
use super::vault::{self, ResumeKey};

/// The keyring service name of the client's entries.
const KEYRING_SERVICE: &str = "sealpost";
/// The keyring entry of the resume key.
const KEYRING_USER: &str = "upload-resume-key";

/// A store for the resume key.
pub trait ResumeKeyStore: std::fmt::Debug + Send + Sync {
    /// Returns the key, creating and storing a new one on first use.
    fn load_or_create(&self) -> Result<ResumeKey, UploadError>;

    /// Replaces the stored key with a new one and returns it. Saved states sealed under
    /// the old key no longer open, so their uploads need a restart.
    fn replace(&self) -> Result<ResumeKey, UploadError>;

    /// Whether the key outlives this process, so another run can resume.
    fn is_persistent(&self) -> bool;
}

/// The resume key in the OS keyring (Keychain, Credential Manager or the Secret Service),
/// hex-encoded.
#[derive(Debug, Default)]
pub struct KeyringResumeKey {
    /// The entry's user name; tests use their own to keep apart from a real one.
    user: Option<String>,
}

impl KeyringResumeKey {
    /// The store with the standard entry name.
    pub fn new() -> Self {
        Self::default()
    }

    /// The store with another entry name, such as one per test.
    pub fn with_entry(user: impl Into<String>) -> Self {
        Self {
            user: Some(user.into()),
        }
    }

    /// Checks that the OS keyring responds, so a caller can choose a fallback.
    pub fn available(&self) -> Result<(), UploadError> {
        self.load_or_create().map(drop)
    }

    fn entry(&self) -> Result<keyring::Entry, UploadError> {
        let user = self.user.as_deref().unwrap_or(KEYRING_USER);
        keyring::Entry::new(KEYRING_SERVICE, user).map_err(|error| {
            UploadError::ResumeKeyUnavailable(format!(
                "the system keyring is not available ({error})"
            ))
        })
    }
}

impl ResumeKeyStore for KeyringResumeKey {
    fn load_or_create(&self) -> Result<ResumeKey, UploadError> {
        let entry = self.entry()?;
        let failed = |error: keyring::Error| {
            UploadError::ResumeKeyUnavailable(format!("the system keyring failed ({error})"))
        };
        match entry.get_password() {
            Ok(text) => {
                let text = Zeroizing::new(text);
                let mut key = Zeroizing::new([0u8; 32]);
                hex::decode_to_slice(text.trim(), key.as_mut()).map_err(|_| {
                    UploadError::ResumeKeyUnavailable(
                        "the resume key in the system keyring is malformed; delete the keyring entry \"sealpost / upload-resume-key\" and start the upload again".to_owned(),
                    )
                })?;
                Ok(key)
            }
            Err(keyring::Error::NoEntry) => self.replace(),
            Err(error) => Err(failed(error)),
        }
    }

    fn replace(&self) -> Result<ResumeKey, UploadError> {
        let key = vault::generate_key();
        let text = Zeroizing::new(hex::encode(key.as_ref()));
        self.entry()?.set_password(&text).map_err(|error| {
            UploadError::ResumeKeyUnavailable(format!("the system keyring failed ({error})"))
        })?;
        Ok(key)
    }

    fn is_persistent(&self) -> bool {
        true
    }
}

/// A resume key kept in this process's memory only. Without a keyring an upload still
/// resumes after a dropped connection within one run, but a later run cannot open the
/// saved secrets and starts over.
#[derive(Debug, Default)]
pub struct ProcessResumeKey {
    key: Mutex<Option<ResumeKey>>,
}

impl ProcessResumeKey {
    /// A store with no key yet.
    pub fn new() -> Self {
        Self::default()
    }
}

impl ResumeKeyStore for ProcessResumeKey {
    fn load_or_create(&self) -> Result<ResumeKey, UploadError> {
        let mut slot = self.key.lock().map_err(|_| {
            UploadError::ResumeKeyUnavailable("the key store is poisoned".to_owned())
        })?;
        Ok(slot.get_or_insert_with(vault::generate_key).clone())
    }

    fn replace(&self) -> Result<ResumeKey, UploadError> {
        let mut slot = self.key.lock().map_err(|_| {
            UploadError::ResumeKeyUnavailable("the key store is poisoned".to_owned())
        })?;
        Ok(slot.insert(vault::generate_key()).clone())
    }

    fn is_persistent(&self) -> bool {
        false
    }
}

/// The resume key in a file encrypted under a passphrase, in the format of the client's
/// token files (Argon2id and AES-256-GCM), for machines without a keyring.
pub struct PassphraseFileResumeKey {
    path: PathBuf,
    passphrase: Zeroizing<String>,
}

/// The associated data that binds the file to its use.
const FILE_LABEL: &str = "sealpost-upload-resume-key";

impl PassphraseFileResumeKey {
    /// The store in `path`, encrypted under `passphrase`.
    pub fn new(path: impl Into<PathBuf>, passphrase: Zeroizing<String>) -> Self {
        Self {
            path: path.into(),
            passphrase,
        }
    }
}

impl std::fmt::Debug for PassphraseFileResumeKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PassphraseFileResumeKey")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

impl ResumeKeyStore for PassphraseFileResumeKey {
    fn load_or_create(&self) -> Result<ResumeKey, UploadError> {
        if !self.path.exists() {
            return self.replace();
        }
        let token =
            load_token_file(&self.path, FILE_LABEL, &self.passphrase).map_err(
                |error| match error {
                    // A damaged file is as useless as one under another passphrase, and the
                    // same restart replaces it.
                    ClientError::WrongPassphrase { .. } | ClientError::ConfigFile { .. } => {
                        UploadError::ResumeKeyWrongPassphrase {
                            path: self.path.clone(),
                        }
                    }
                    other => UploadError::ResumeKeyUnavailable(other.to_string()),
                },
            )?;
        let mut key = Zeroizing::new([0u8; 32]);
        hex::decode_to_slice(token.expose().trim(), key.as_mut()).map_err(|_| {
            UploadError::ResumeKeyWrongPassphrase {
                path: self.path.clone(),
            }
        })?;
        Ok(key)
    }

    fn replace(&self) -> Result<ResumeKey, UploadError> {
        let key = vault::generate_key();
        let token = Token::new(hex::encode(key.as_ref()));
        save_token_file(&self.path, FILE_LABEL, &self.passphrase, &token)
            .map_err(|error| UploadError::ResumeKeyUnavailable(error.to_string()))?;
        Ok(key)
    }

    fn is_persistent(&self) -> bool {
        true
    }
}

/// Picks the OS keyring when it responds; else the passphrase-encrypted file `fallback`
/// when a passphrase is given; else this process's memory.
pub fn default_store(fallback: Option<(PathBuf, Zeroizing<String>)>) -> Box<dyn ResumeKeyStore> {
    let keyring = KeyringResumeKey::new();
    let Err(error) = keyring.available() else {
        return Box::new(keyring);
    };
    match fallback {
        Some((path, passphrase)) => {
            tracing::info!(%error, file = %path.display(), "no system keyring; keeping the resume key in a passphrase-encrypted file");
            Box::new(PassphraseFileResumeKey::new(path, passphrase))
        }
        None => {
            tracing::warn!(%error, "no system keyring; an interrupted upload resumes only within this run");
            Box::new(ProcessResumeKey::new())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passphrase_file_key_persists() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("resume-key.json");
        let passphrase = || Zeroizing::new("correct horse battery".to_owned());
        let first = PassphraseFileResumeKey::new(&path, passphrase())
            .load_or_create()
            .unwrap();
        let again = PassphraseFileResumeKey::new(&path, passphrase())
            .load_or_create()
            .unwrap();
        assert_eq!(first.as_ref(), again.as_ref());

        let text = std::fs::read_to_string(&path).unwrap();
        assert!(!text.contains(&hex::encode(first.as_ref())));

        let wrong =
            PassphraseFileResumeKey::new(&path, Zeroizing::new("wrong passphrase".to_owned()))
                .load_or_create()
                .unwrap_err();
        assert_eq!(wrong.code(), "upload.resume_key_wrong_passphrase");
        assert!(wrong.to_string().contains("--restart"), "{wrong}");
    }

    #[test]
    fn passphrase_file_replaced_under_new_passphrase() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("resume-key.json");
        let first = PassphraseFileResumeKey::new(&path, Zeroizing::new("first one".to_owned()))
            .load_or_create()
            .unwrap();
        let second = PassphraseFileResumeKey::new(&path, Zeroizing::new("second one".to_owned()));
        assert!(second.load_or_create().is_err());
        let replaced = second.replace().unwrap();
        assert_ne!(replaced.as_ref(), first.as_ref());
        assert_eq!(second.load_or_create().unwrap().as_ref(), replaced.as_ref());

        std::fs::write(&path, b"{damaged").unwrap();
        let damaged = second.load_or_create().unwrap_err();
        assert_eq!(damaged.code(), "upload.resume_key_wrong_passphrase");
    }

    #[test]
    fn process_key_is_stable() {
        let store = ProcessResumeKey::new();
        let first = store.load_or_create().unwrap();
        let second = store.load_or_create().unwrap();
        assert_eq!(first.as_ref(), second.as_ref());
        assert!(!store.is_persistent());
        assert_ne!(
            ProcessResumeKey::new().load_or_create().unwrap().as_ref(),
            first.as_ref()
        );
    }
}
