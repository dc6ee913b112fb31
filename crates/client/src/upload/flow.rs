//! The steps of one upload, from local validation to the service's verdict.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use reqwest::Method;
use sealpost_envelope::{Metadata, Recipient, UploadSecrets, digest_plaintext};
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

use super::error::UploadError;
use super::events::{EventSink, UploadNotice};
use super::fingerprint::SourceFingerprint;
use super::local_check::{self, LocalValidation};
use super::retry::Backoff;
use super::sender::{Transfer, TransferEnd};
use super::state::{self, ResumeState, StateIdentity};
use super::{ResumeMode, UploadOutcome, UploadRequest, campaign, follow, tus, upload_key, vault};
use crate::connection::Connection;
use crate::events::{FinalState, ProgressEvent};

/// Uploads one list as `request` describes, reporting progress to `events`.
///
/// Cancelling `cancel` stops sending at once and leaves the upload resumable: the saved
/// state stays and the service keeps the bytes it acknowledged. After the last byte,
/// cancelling only stops following the service's processing.
pub async fn run(
    connection: &Connection,
    request: &UploadRequest,
    events: &EventSink,
    cancel: &CancellationToken,
) -> Result<UploadOutcome, UploadError> {
    let result = run_steps(connection, request, events, cancel).await;
    if let Err(error) = &result {
        tracing::info!(code = error.code(), %error, "upload stopped");
        events.progress(ProgressEvent::Done {
            upload_id: None,
            state: FinalState::Failed,
            reason: Some(error.to_string()),
        });
    }
    result
}

async fn run_steps(
    connection: &Connection,
    request: &UploadRequest,
    events: &EventSink,
    cancel: &CancellationToken,
) -> Result<UploadOutcome, UploadError> {
    check_settings(request)?;
    let source =
        std::fs::canonicalize(&request.file).map_err(|source| UploadError::SourceUnreadable {
            path: request.file.clone(),
            source,
        })?;
    let local_validation = validate_locally(&source, request, events, cancel).await?;
    let campaign_id = campaign::resolve(connection, &request.campaign, events).await?;
    let recipient = upload_key::fetch(connection, &request.state_dir, events).await?;

    let identity = StateIdentity {
        server: connection.base_url().to_string(),
        source: source.clone(),
        campaign_id: Some(campaign_id),
    };
    let state_path = identity.file_in(&request.state_dir);
    let key = load_resume_key(request, events).await?;
    let mut backoff = Backoff::new(request.retry);

    let mut saved = prepare_saved(connection, request, &identity, &state_path, events).await?;
    let mut started_over = false;
    loop {
        let (mut resume_state, secrets, offset, resumed) = match saved.take() {
            Some(found) => {
                match resume_saved(
                    connection,
                    request,
                    &identity,
                    &key,
                    found,
                    &mut backoff,
                    events,
                    cancel,
                )
                .await?
                {
                    Resumable::Continue(parts) => *parts,
                    Resumable::StartOver(previous, reason) => {
                        start_over_notice(events, previous, reason);
                        state::remove(&state_path)?;
                        started_over = true;
                        continue;
                    }
                }
            }
            None => {
                // NOTE: the service does not report its scanner's size limit (clamd's
                // StreamMaxLength), so the client cannot warn here. A list larger than
                // the limit is sent in full and only then rejected.
                let parts = start_new(
                    connection,
                    request,
                    &identity,
                    &state_path,
                    &recipient,
                    &key,
                    &local_validation,
                )
                .await?;
                events.notice(UploadNotice::Created {
                    upload_id: upload_id_of(&parts.0)?,
                    bytes_total: parts.0.ciphertext_length,
                });
                parts
            }
        };
        let upload_id = upload_id_of(&resume_state)?;
        let upload_path = resume_state.upload_path.clone().unwrap_or_default();
        let total = resume_state.ciphertext_length;
        events.progress(ProgressEvent::SealingAndSending {
            upload_id: Some(upload_id),
            bytes_acknowledged: offset,
            bytes_total: total,
        });
        let transfer = Transfer {
            connection,
            source: source.clone(),
            secrets: Arc::new(secrets),
            upload_path,
            total,
            body_size: request.patch_size,
            patch_timeout: request.patch_timeout,
            events,
            cancel,
        };
        let end = transfer
            .run(offset, &mut backoff, |acknowledged| {
                resume_state.acknowledged = acknowledged;
                events.progress(ProgressEvent::SealingAndSending {
                    upload_id: Some(upload_id),
                    bytes_acknowledged: acknowledged,
                    bytes_total: total,
                });
                state::save(&state_path, &resume_state)
            })
            .await?;
        match end {
            TransferEnd::Complete => {
                // Every byte is stored, so nothing is left to resume.
                state::remove(&state_path)?;
                tracing::info!(upload = %upload_id, bytes = total, resumed, "upload sent");
                let followed =
                    follow::follow(connection, upload_id, request.max_wait, events, cancel).await?;
                return Ok(UploadOutcome {
                    upload_id,
                    campaign_id,
                    bytes_total: total,
                    resumed,
                    local_validation,
                    state: followed.state,
                    final_state: followed.final_state,
                    reason: followed.reason,
                    service_validation: followed.validation,
                });
            }
            TransferEnd::Forgotten(reason) if !started_over => {
                start_over_notice(events, Some(upload_id), reason);
                state::remove(&state_path)?;
                started_over = true;
            }
            TransferEnd::Forgotten(reason) => {
                return Err(UploadError::Protocol(format!(
                    "the service lost the upload again after it was started over ({reason})"
                )));
            }
        }
    }
}

fn check_settings(request: &UploadRequest) -> Result<(), UploadError> {
    if request.patch_size == 0 {
        return Err(UploadError::InvalidRequest(
            "the PATCH size must be at least 1 byte".to_owned(),
        ));
    }
    Ok(())
}

fn upload_id_of(state: &ResumeState) -> Result<Uuid, UploadError> {
    state
        .upload_id()
        .ok_or_else(|| UploadError::Protocol("the upload's location has no upload id".to_owned()))
}

fn start_over_notice(events: &EventSink, previous: Option<Uuid>, reason: String) {
    tracing::warn!(previous = ?previous, %reason, "starting the upload over");
    events.notice(UploadNotice::StartedOver {
        previous_upload_id: previous,
        reason,
    });
}

async fn validate_locally(
    source: &Path,
    request: &UploadRequest,
    events: &EventSink,
    cancel: &CancellationToken,
) -> Result<LocalValidation, UploadError> {
    events.progress(ProgressEvent::Validating {
        rows_checked: 0,
        bytes_read: 0,
        bytes_total: None,
    });
    let path = source.to_owned();
    let options = request.list.clone();
    let allowed = request.allow_errors.clone();
    let progress_events = events.clone();
    let cancel = cancel.clone();
    let validation = tokio::task::spawn_blocking(move || {
        local_check::validate_file(&path, &options, &allowed, |rows, progress| {
            let bytes = progress.unit == sealpost_lists::ProgressUnit::Bytes;
            progress_events.progress(ProgressEvent::Validating {
                rows_checked: rows,
                bytes_read: if bytes { progress.done } else { 0 },
                bytes_total: bytes.then_some(progress.total),
            });
            !cancel.is_cancelled()
        })
    })
    .await
    .map_err(|error| UploadError::InvalidRequest(format!("validation stopped: {error}")))??;
    if !validation.passes() {
        return Err(UploadError::ListHasErrors {
            blocking: validation.blocking.clone(),
        });
    }
    events.notice(UploadNotice::Validated {
        validation: Box::new(validation.clone()),
    });
    Ok(validation)
}

/// Loads the resume key. A restart replaces a key file that the passphrase does not
/// open, so a user who changed the passphrase can upload again without deleting files.
async fn load_resume_key(
    request: &UploadRequest,
    events: &EventSink,
) -> Result<vault::ResumeKey, UploadError> {
    let restart = request.resume == ResumeMode::Restart;
    let keys = request.resume_keys.clone();
    // Keyring calls block (D-Bus on Linux), so they run off the async threads.
    let loaded = tokio::task::spawn_blocking(move || match keys.load_or_create() {
        Err(UploadError::ResumeKeyWrongPassphrase { path }) if restart => {
            tracing::warn!(file = %path.display(), "replacing a resume key file that does not open with this passphrase");
            keys.replace().map(|key| (key, Some(path)))
        }
        other => other.map(|key| (key, None)),
    })
    .await
    .map_err(|error| UploadError::ResumeKeyUnavailable(error.to_string()))??;
    let (key, replaced) = loaded;
    if let Some(path) = replaced {
        events.notice(UploadNotice::ResumeKeyReplaced { path });
    }
    Ok(key)
}

/// Loads the saved state as `request.resume` requests: discarded (and its upload
/// terminated) for a restart, required for `--resume`.
async fn prepare_saved(
    connection: &Connection,
    request: &UploadRequest,
    identity: &StateIdentity,
    state_path: &Path,
    events: &EventSink,
) -> Result<Option<ResumeState>, UploadError> {
    let saved = match state::load(state_path) {
        Ok(saved) => saved,
        Err(error) if request.resume == ResumeMode::Restart => {
            tracing::warn!(%error, "discarding an unreadable upload state");
            None
        }
        Err(error) => return Err(error),
    };
    match (request.resume, saved) {
        (ResumeMode::Require, None) => Err(UploadError::NothingToResume {
            path: identity.source.clone(),
        }),
        (ResumeMode::Restart, saved) => {
            if let Some(path) = saved.as_ref().and_then(|state| state.upload_path.clone()) {
                terminate(connection, &path).await;
            }
            if saved.is_some() {
                start_over_notice(
                    events,
                    saved.as_ref().and_then(ResumeState::upload_id),
                    "a restart was requested".to_owned(),
                );
            }
            state::remove(state_path)?;
            Ok(None)
        }
        (_, saved) => Ok(saved),
    }
}

/// Terminates an abandoned upload so the service frees its bytes. Failure is only
/// logged: the service removes unfinished uploads when they expire anyway.
async fn terminate(connection: &Connection, path: &str) {
    let request = connection
        .request(Method::DELETE, path)
        .header("tus-resumable", "1.0.0");
    if let Err(error) = connection.send_empty(request).await {
        tracing::info!(%error, "could not terminate the abandoned upload; it expires on its own");
    }
}

type Parts = (ResumeState, UploadSecrets, u64, bool);

enum Resumable {
    Continue(Box<Parts>),
    StartOver(Option<Uuid>, String),
}

/// Checks a saved state against the file and the service.
#[allow(clippy::too_many_arguments)]
async fn resume_saved(
    connection: &Connection,
    request: &UploadRequest,
    identity: &StateIdentity,
    key: &vault::ResumeKey,
    saved: ResumeState,
    backoff: &mut Backoff,
    events: &EventSink,
    cancel: &CancellationToken,
) -> Result<Resumable, UploadError> {
    let current = SourceFingerprint::of_file(&identity.source).map_err(|source| {
        UploadError::SourceUnreadable {
            path: identity.source.clone(),
            source,
        }
    })?;
    if let Some(reason) = current.difference_from(&saved.fingerprint) {
        return Err(UploadError::SourceChanged {
            path: identity.source.clone(),
            reason,
        });
    }
    let secrets = match vault::open(key, &saved.sealed_secrets, &identity.digest_hex()) {
        Ok(secrets) => secrets,
        Err(error) if !request.resume_keys.is_persistent() => {
            return Ok(Resumable::StartOver(
                saved.upload_id(),
                format!("{error}; without a system keyring the resume key lasts one run only"),
            ));
        }
        Err(error) => {
            return Err(UploadError::ResumeStateInvalid {
                path: identity.file_in(&request.state_dir),
                reason: error.to_string(),
            });
        }
    };
    let Some(upload_path) = saved.upload_path.clone() else {
        // The run that saved it stopped before the service created the upload.
        return Ok(Resumable::StartOver(
            None,
            "the earlier run stopped before the service created the upload".to_owned(),
        ));
    };
    let transfer = Transfer {
        connection,
        source: identity.source.clone(),
        secrets: Arc::new(secrets.clone()),
        upload_path,
        total: saved.ciphertext_length,
        body_size: request.patch_size,
        patch_timeout: request.patch_timeout,
        events,
        cancel,
    };
    let Some(offset) = transfer.current_offset(backoff).await? else {
        return Ok(Resumable::StartOver(
            saved.upload_id(),
            "the service no longer has the upload (it expired, was terminated or was never stored)"
                .to_owned(),
        ));
    };
    let upload_id = upload_id_of(&saved)?;
    tracing::info!(upload = %upload_id, offset, "resuming the upload");
    events.notice(UploadNotice::Resumed {
        upload_id,
        bytes_acknowledged: offset,
        bytes_total: saved.ciphertext_length,
    });
    Ok(Resumable::Continue(Box::new((
        saved, secrets, offset, true,
    ))))
}

/// Seals nothing yet: makes fresh secrets, saves the state, then creates the upload and
/// saves its location, so an interruption at any point leaves a state to resume from.
#[allow(clippy::too_many_arguments)]
async fn start_new(
    connection: &Connection,
    request: &UploadRequest,
    identity: &StateIdentity,
    state_path: &Path,
    recipient: &Recipient,
    key: &vault::ResumeKey,
    local_validation: &LocalValidation,
) -> Result<Parts, UploadError> {
    let source = identity.source.clone();
    let (fingerprint, digest, size) = read_source_facts(source.clone()).await?;
    let metadata = Metadata {
        file_name: source
            .file_name()
            .map(|name| name.to_string_lossy().into_owned()),
        plaintext_size: Some(size),
        sha256: Some(digest),
        content_type: None,
        column_mapping: local_validation.column_mapping.clone(),
    };
    let secrets =
        UploadSecrets::new(recipient, metadata, request.chunk_size).map_err(UploadError::Seal)?;
    let total = secrets.ciphertext_len(size).map_err(UploadError::Seal)?;
    let sealed = vault::seal(key, &secrets, &identity.digest_hex());
    let mut resume_state = ResumeState::new(
        identity,
        fingerprint.clone(),
        total,
        secrets.key_id().to_string(),
        sealed,
    );
    state::save(state_path, &resume_state)?;

    let campaign = identity.campaign_id.map(|id| id.to_string());
    let fingerprint_value = fingerprint.tus_value();
    let mut pairs = vec![("fingerprint", fingerprint_value.as_str())];
    if let Some(campaign) = &campaign {
        pairs.push(("campaign", campaign.as_str()));
    }
    let metadata_header = tus::metadata_header(&pairs);
    let path = tus::create(connection, total, &metadata_header).await?;
    resume_state.upload_path = Some(path);
    state::save(state_path, &resume_state)?;
    Ok((resume_state, secrets, 0, false))
}

/// Reads the file's fingerprint, then its SHA-256 and size for the envelope metadata,
/// checking that the two reads saw the same size.
async fn read_source_facts(
    source: PathBuf,
) -> Result<(SourceFingerprint, [u8; 32], u64), UploadError> {
    let path = source.clone();
    let facts = tokio::task::spawn_blocking(move || {
        let fingerprint = SourceFingerprint::of_file(&path)?;
        let file = std::fs::File::open(&path)?;
        let (digest, size) = digest_plaintext(std::io::BufReader::with_capacity(1 << 20, file))?;
        Ok::<_, std::io::Error>((fingerprint, digest, size))
    })
    .await
    .map_err(|error| UploadError::InvalidRequest(format!("reading the file stopped: {error}")))?;
    let (fingerprint, digest, size) = facts.map_err(|error| UploadError::SourceUnreadable {
        path: source.clone(),
        source: error,
    })?;
    if fingerprint.size != size {
        return Err(UploadError::SourceChanged {
            path: source,
            reason: "it changed while it was being read".to_owned(),
        });
    }
    Ok((fingerprint, digest, size))
}
