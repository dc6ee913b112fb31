//! The resume state of an upload, saved as the upload goes so that a later run continues
//! it: one JSON file per server, source file and campaign, mode 0600, replaced atomically.

use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::error::UploadError;
use super::fingerprint::SourceFingerprint;

/// Version of the state file's layout.
const STATE_VERSION: u32 = 1;

/// Everything needed to continue an upload, except the secrets in the clear: those are
/// sealed under the resume key (see [`super::vault`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ResumeState {
    pub(crate) version: u32,
    /// The service's base URL.
    pub(crate) server: String,
    /// The source file, as an absolute path.
    pub(crate) source: PathBuf,
    pub(crate) campaign_id: Option<Uuid>,
    pub(crate) fingerprint: SourceFingerprint,
    /// The upload's path on the service, such as `/v1/uploads/ID`, once it was created.
    pub(crate) upload_path: Option<String>,
    /// Ciphertext bytes in all.
    pub(crate) ciphertext_length: u64,
    /// Bytes the service had acknowledged when the state was last saved; HEAD is the
    /// authority, this is for showing a person.
    pub(crate) acknowledged: u64,
    /// The upload key id the envelope is sealed to, lowercase hex.
    pub(crate) key_id: String,
    /// The envelope's data key and header ([`sealpost_envelope::UploadSecrets::to_bytes`]),
    /// sealed by [`super::vault`], base64.
    pub(crate) sealed_secrets: String,
}

impl ResumeState {
    pub(crate) fn new(
        identity: &StateIdentity,
        fingerprint: SourceFingerprint,
        ciphertext_length: u64,
        key_id: String,
        sealed_secrets: String,
    ) -> Self {
        Self {
            version: STATE_VERSION,
            server: identity.server.clone(),
            source: identity.source.clone(),
            campaign_id: identity.campaign_id,
            fingerprint,
            upload_path: None,
            ciphertext_length,
            acknowledged: 0,
            key_id,
            sealed_secrets,
        }
    }

    /// The identity this state was saved under.
    pub(crate) fn identity(&self) -> StateIdentity {
        StateIdentity {
            server: self.server.clone(),
            source: self.source.clone(),
            campaign_id: self.campaign_id,
        }
    }

    /// The upload id in the upload path.
    pub(crate) fn upload_id(&self) -> Option<Uuid> {
        let path = self.upload_path.as_deref()?;
        path.rsplit('/').next()?.parse().ok()
    }
}

/// What one resume state belongs to: the same server, file and campaign resume the
/// same upload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct StateIdentity {
    pub(crate) server: String,
    pub(crate) source: PathBuf,
    pub(crate) campaign_id: Option<Uuid>,
}

impl StateIdentity {
    /// A stable name for the state file, and the associated data of the sealed secrets,
    /// so secrets saved for one upload cannot be moved into another's file.
    pub(crate) fn digest_hex(&self) -> String {
        let mut hasher = Sha256::new();
        for part in [
            self.server.as_bytes(),
            self.source.as_os_str().as_encoded_bytes(),
            self.campaign_id
                .map(|id| id.to_string())
                .unwrap_or_default()
                .as_bytes(),
        ] {
            hasher.update((part.len() as u64).to_be_bytes());
            hasher.update(part);
        }
        hex::encode(hasher.finalize())
    }

    /// The state file in `dir`.
    pub(crate) fn file_in(&self, dir: &Path) -> PathBuf {
        dir.join(format!("{}.json", &self.digest_hex()[..32]))
    }
}

/// Returns whether `path` has the name [`StateIdentity::file_in`] gives state files: 32
/// lowercase hex digits and `.json`. Other files share the state directory.
pub(crate) fn is_state_file(path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(|name| name.to_str()) else {
        return false;
    };
    name.strip_suffix(".json").is_some_and(|stem| {
        stem.len() == 32
            && stem
                .bytes()
                .all(|byte| byte.is_ascii_digit() || (b'a'..=b'f').contains(&byte))
    })
}

/// Reads the state file, or `None` when there is none.
pub(crate) fn load(path: &Path) -> Result<Option<ResumeState>, UploadError> {
    let text = match fs::read(path) {
        Ok(text) => text,
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(error) => {
            return Err(UploadError::ResumeStateInvalid {
                path: path.to_owned(),
                reason: error.to_string(),
            });
        }
    };
    let state: ResumeState =
        serde_json::from_slice(&text).map_err(|error| UploadError::ResumeStateInvalid {
            path: path.to_owned(),
            reason: format!("it is not a valid state file ({error})"),
        })?;
    if state.version != STATE_VERSION {
        return Err(UploadError::ResumeStateInvalid {
            path: path.to_owned(),
            reason: format!("it has layout version {}", state.version),
        });
    }
    Ok(Some(state))
}

/// Writes the state file atomically (see [`write_atomic`]).
pub(crate) fn save(path: &Path, state: &ResumeState) -> Result<(), UploadError> {
    let json =
        serde_json::to_vec_pretty(state).map_err(|error| UploadError::ResumeStateUnwritable {
            path: path.to_owned(),
            source: error.into(),
        })?;
    write_atomic(path, &json)
}

/// Replaces `path` with `bytes` atomically: a temporary file with mode 0600 in the same
/// directory (created with mode 0700 if missing), synced, then renamed over the old one,
/// so a crash leaves the old or the new content and never a mix.
pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), UploadError> {
    let unwritable = |source: io::Error| UploadError::ResumeStateUnwritable {
        path: path.to_owned(),
        source,
    };
    let dir = path
        .parent()
        .ok_or_else(|| unwritable(io::Error::other("the file has no directory")))?;
    create_private_dir(dir).map_err(unwritable)?;
    let temporary = path.with_extension(format!("tmp-{}", std::process::id()));
    let result = write_private(&temporary, bytes).and_then(|()| fs::rename(&temporary, path));
    if let Err(error) = result {
        let _ = fs::remove_file(&temporary);
        return Err(unwritable(error));
    }
    // The rename is durable only once the directory entry is synced.
    sync_dir(dir).map_err(unwritable)
}

/// Deletes the state file; a missing one is fine.
pub(crate) fn remove(path: &Path) -> Result<(), UploadError> {
    match fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(source) => Err(UploadError::ResumeStateUnwritable {
            path: path.to_owned(),
            source,
        }),
    }
}

fn write_private(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut options = OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    // A file left by an older run keeps its mode on open, so set it again.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(fs::Permissions::from_mode(0o600))?;
    }
    file.write_all(bytes)?;
    file.sync_all()
}

pub(crate) fn create_private_dir(dir: &Path) -> io::Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)
}

fn sync_dir(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        fs::File::open(dir)?.sync_all()
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(dir: &Path) -> (StateIdentity, ResumeState) {
        let identity = StateIdentity {
            server: "https://127.0.0.1:8443".to_owned(),
            source: dir.join("list.csv"),
            campaign_id: None,
        };
        let fingerprint = SourceFingerprint {
            size: 10,
            modified_ns: 20,
            head_sha256: "ab".repeat(32),
        };
        let state = ResumeState::new(
            &identity,
            fingerprint,
            100,
            "cd".repeat(32),
            "c2VhbGVk".to_owned(),
        );
        (identity, state)
    }

    #[test]
    fn state_round_trips_privately() {
        let dir = tempfile::tempdir().unwrap();
        let (identity, mut state) = sample(dir.path());
        let path = identity.file_in(&dir.path().join("uploads"));
        assert_eq!(load(&path).unwrap(), None);

        state.upload_path = Some(format!("/v1/uploads/{}", Uuid::nil()));
        save(&path, &state).unwrap();
        assert_eq!(load(&path).unwrap().as_ref(), Some(&state));
        assert_eq!(state.upload_id(), Some(Uuid::nil()));

        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
            let dir_mode = fs::metadata(path.parent().unwrap())
                .unwrap()
                .permissions()
                .mode()
                & 0o777;
            assert_eq!(dir_mode, 0o700);
        }

        remove(&path).unwrap();
        assert_eq!(load(&path).unwrap(), None);
        remove(&path).unwrap();
    }

    #[test]
    fn corrupt_state_is_reported() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.json");
        fs::write(&path, b"{not json").unwrap();
        let error = load(&path).unwrap_err();
        assert_eq!(error.code(), "upload.resume_state_invalid");
        assert!(error.to_string().contains("--restart"), "{error}");
    }

    #[test]
    fn identities_name_different_files() {
        let dir = tempfile::tempdir().unwrap();
        let (identity, _) = sample(dir.path());
        let other = StateIdentity {
            campaign_id: Some(Uuid::nil()),
            ..identity.clone()
        };
        assert_ne!(identity.file_in(dir.path()), other.file_in(dir.path()));
    }

    #[test]
    fn state_file_names_are_recognised() {
        let dir = tempfile::tempdir().unwrap();
        let (identity, _) = sample(dir.path());
        assert!(is_state_file(&identity.file_in(dir.path())));
        for other in [
            "list-1-mapping.json",
            "resume-key.json",
            "0123456789abcdef0123456789abcdef.tmp-12",
            "0123456789ABCDEF0123456789ABCDEF.json",
            "0123456789abcdef0123456789abcde.json",
        ] {
            assert!(!is_state_file(&dir.path().join(other)), "{other}");
        }
    }
}
