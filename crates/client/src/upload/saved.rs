//! Uploads that an earlier run left unfinished, read from the resume state files.
//!
//! Listing reads only the plain fields of each state file (server, source path,
//! campaign, sizes). It never opens the sealed secrets, so it needs no resume key.
//! Running the same upload again ([`super::run`] with the listed file and campaign)
//! continues it from the offset the service holds.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use reqwest::{Method, Url};
use time::OffsetDateTime;
use uuid::Uuid;

use super::error::UploadError;
use super::state::{self, ResumeState};
use crate::connection::{Connection, parse_base_url};
use crate::error::ClientError;

/// An unfinished upload whose resume state is saved on this machine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavedUpload {
    /// The resume state file; pass it to [`discard_saved`].
    pub state_file: PathBuf,
    /// The list file, as an absolute path.
    pub source: PathBuf,
    /// The campaign the upload belongs to.
    pub campaign_id: Option<Uuid>,
    /// The service's upload id, once the service created the upload.
    pub upload_id: Option<Uuid>,
    /// Ciphertext bytes the service had acknowledged when the state was last saved, or
    /// `None` when the service never created the upload. The offset the service
    /// returns to a resume's HEAD request may be higher.
    pub bytes_acknowledged: Option<u64>,
    /// Ciphertext bytes in all.
    pub bytes_total: u64,
    /// When the state file was last written, where the file system records it.
    pub saved_at: Option<OffsetDateTime>,
}

/// Lists the saved uploads to the service at `server` in `state_dir`, oldest first.
///
/// A missing directory lists nothing. Files that are not resume states (mapping files,
/// upload key pins, temporary files) are skipped, and so are state files that cannot be
/// read, with a log line, because one damaged file should not hide the others.
pub fn list_saved(state_dir: &Path, server: &str) -> Result<Vec<SavedUpload>, UploadError> {
    let expected = parse_base_url(server)?;
    let entries = match fs::read_dir(state_dir) {
        Ok(entries) => entries,
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(error) => {
            return Err(UploadError::ResumeStateInvalid {
                path: state_dir.to_owned(),
                reason: format!("the folder cannot be listed ({error})"),
            });
        }
    };
    let mut saved = Vec::new();
    for entry in entries.flatten() {
        let path = entry.path();
        if !state::is_state_file(&path) {
            continue;
        }
        let loaded = match state::load(&path) {
            Ok(Some(loaded)) => loaded,
            // Removed since the folder was listed.
            Ok(None) => continue,
            Err(error) => {
                tracing::warn!(file = %path.display(), %error, "skipping an unreadable upload state");
                continue;
            }
        };
        if !same_server(&loaded.server, &expected) {
            continue;
        }
        let saved_at = entry
            .metadata()
            .ok()
            .and_then(|metadata| metadata.modified().ok())
            .map(OffsetDateTime::from);
        saved.push(describe(path, &loaded, saved_at));
    }
    saved.sort_by(|a, b| {
        a.saved_at
            .cmp(&b.saved_at)
            .then_with(|| a.state_file.cmp(&b.state_file))
    });
    Ok(saved)
}

/// Abandons a saved upload: sends the service a tus termination request, so it frees
/// the stored bytes, then deletes the state file.
///
/// A state saved for another server is rejected before any request is sent. A failed
/// termination is only logged, because the service deletes unfinished uploads when they
/// expire, and the state file is deleted anyway.
pub async fn discard_saved(connection: &Connection, state_file: &Path) -> Result<(), UploadError> {
    if !state::is_state_file(state_file) {
        return Err(UploadError::ResumeStateInvalid {
            path: state_file.to_owned(),
            reason: "it is not an upload state file".to_owned(),
        });
    }
    let Some(saved) = state::load(state_file)? else {
        return Ok(());
    };
    if !same_server(&saved.server, connection.base_url()) {
        return Err(UploadError::InvalidRequest(format!(
            "the saved upload belongs to {}, not to {}; sign in to that server to discard it",
            saved.server,
            connection.base_url()
        )));
    }
    if let Some(path) = saved.upload_path.as_deref() {
        terminate(connection, path).await;
    }
    state::remove(state_file)
}

/// Sends a tus termination request; a missing upload counts as terminated.
async fn terminate(connection: &Connection, upload_path: &str) {
    let request = connection
        .request(Method::DELETE, upload_path)
        .header("tus-resumable", "1.0.0");
    match connection.send_empty(request).await {
        Ok(()) => tracing::info!(upload = upload_path, "terminated a discarded upload"),
        Err(ClientError::NotFound { .. } | ClientError::Gone) => {}
        Err(error) => {
            tracing::info!(%error, "could not terminate the discarded upload; it expires on its own");
        }
    }
}

fn describe(
    state_file: PathBuf,
    saved: &ResumeState,
    saved_at: Option<OffsetDateTime>,
) -> SavedUpload {
    let created = saved.upload_path.is_some();
    SavedUpload {
        state_file,
        source: saved.source.clone(),
        campaign_id: saved.campaign_id,
        upload_id: saved.upload_id(),
        bytes_acknowledged: created.then_some(saved.acknowledged),
        bytes_total: saved.ciphertext_length,
        saved_at,
    }
}

/// Compares a saved server URL with `expected` after parsing both, so a trailing slash or
/// an upper-case host does not hide a state.
fn same_server(saved: &str, expected: &Url) -> bool {
    parse_base_url(saved).is_ok_and(|saved| saved == *expected)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::connection::ServerConfig;
    use crate::credential::Credential;
    use crate::upload::fingerprint::SourceFingerprint;
    use crate::upload::state::StateIdentity;

    const SERVER: &str = "https://127.0.0.1:8443/";

    fn save_state(
        dir: &Path,
        server: &str,
        file: &str,
        upload: Option<Uuid>,
        acknowledged: u64,
    ) -> PathBuf {
        let identity = StateIdentity {
            server: server.to_owned(),
            source: PathBuf::from("/lists").join(file),
            campaign_id: Some(Uuid::from_u128(7)),
        };
        let fingerprint = SourceFingerprint {
            size: 10,
            modified_ns: 20,
            head_sha256: "ab".repeat(32),
        };
        let mut saved = ResumeState::new(
            &identity,
            fingerprint,
            4096,
            "cd".repeat(32),
            "c2VjcmV0".to_owned(),
        );
        saved.upload_path = upload.map(|id| format!("/v1/uploads/{id}"));
        saved.acknowledged = acknowledged;
        let path = identity.file_in(dir);
        state::save(&path, &saved).unwrap();
        path
    }

    #[test]
    fn missing_folder_lists_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let listed = list_saved(&dir.path().join("absent"), SERVER).unwrap();
        assert!(listed.is_empty());
    }

    #[test]
    fn lists_one_servers_states() {
        let dir = tempfile::tempdir().unwrap();
        let upload = Uuid::from_u128(42);
        let ours = save_state(dir.path(), SERVER, "a.csv", Some(upload), 1024);
        save_state(
            dir.path(),
            "https://127.0.0.1:9443/",
            "b.csv",
            Some(upload),
            0,
        );

        let listed = list_saved(dir.path(), "https://127.0.0.1:8443").unwrap();

        assert_eq!(listed.len(), 1, "{listed:?}");
        let saved = &listed[0];
        assert_eq!(saved.state_file, ours);
        assert_eq!(saved.source, PathBuf::from("/lists/a.csv"));
        assert_eq!(saved.campaign_id, Some(Uuid::from_u128(7)));
        assert_eq!(saved.upload_id, Some(upload));
        assert_eq!(saved.bytes_acknowledged, Some(1024));
        assert_eq!(saved.bytes_total, 4096);
        assert!(saved.saved_at.is_some());
    }

    #[test]
    fn uncreated_upload_has_no_offset() {
        let dir = tempfile::tempdir().unwrap();
        save_state(dir.path(), SERVER, "a.csv", None, 0);
        let listed = list_saved(dir.path(), SERVER).unwrap();
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].upload_id, None);
        assert_eq!(listed[0].bytes_acknowledged, None);
    }

    #[test]
    fn other_files_are_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let kept = save_state(dir.path(), SERVER, "a.csv", None, 0);
        fs::write(dir.path().join("list-1-mapping.json"), b"{}").unwrap();
        fs::write(dir.path().join("upload-key-pins.json"), b"{}").unwrap();
        fs::write(
            dir.path().join(format!("{}.json", "0".repeat(32))),
            b"{not json",
        )
        .unwrap();
        fs::write(kept.with_extension("tmp-1"), b"partial").unwrap();

        let listed = list_saved(dir.path(), SERVER).unwrap();

        assert_eq!(listed.len(), 1, "{listed:?}");
        assert_eq!(listed[0].state_file, kept);
    }

    #[test]
    fn listing_never_exposes_secrets() {
        let dir = tempfile::tempdir().unwrap();
        save_state(dir.path(), SERVER, "a.csv", None, 0);
        let listed = list_saved(dir.path(), SERVER).unwrap();
        let debug_text = format!("{listed:?}");
        assert!(!debug_text.contains("c2VjcmV0"), "{debug_text}");
    }

    #[test]
    fn insecure_server_is_rejected() {
        let dir = tempfile::tempdir().unwrap();
        let error = list_saved(dir.path(), "http://127.0.0.1:8443").unwrap_err();
        assert_eq!(error.code(), "config.insecure_url");
    }

    fn offline_connection(url: &str) -> Connection {
        // The tests below must send no request, so nothing needs to listen on the port.
        Connection::new(&ServerConfig::new(url), Credential::None).unwrap()
    }

    #[tokio::test]
    async fn discard_uncreated_removes_state() {
        let dir = tempfile::tempdir().unwrap();
        let path = save_state(dir.path(), "https://127.0.0.1:9/", "a.csv", None, 0);
        discard_saved(&offline_connection("https://127.0.0.1:9"), &path)
            .await
            .unwrap();
        assert!(!path.exists());
    }

    #[tokio::test]
    async fn discard_other_server_rejected() {
        let dir = tempfile::tempdir().unwrap();
        let path = save_state(dir.path(), SERVER, "a.csv", Some(Uuid::from_u128(1)), 0);
        let error = discard_saved(&offline_connection("https://127.0.0.1:9"), &path)
            .await
            .unwrap_err();
        assert_eq!(error.code(), "upload.invalid_request");
        assert!(path.exists());
    }

    #[tokio::test]
    async fn discard_rejects_other_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.json");
        fs::write(&path, b"{}").unwrap();
        let error = discard_saved(&offline_connection("https://127.0.0.1:9"), &path)
            .await
            .unwrap_err();
        assert_eq!(error.code(), "upload.resume_state_invalid");
        assert!(path.exists());
    }
}
