//! Streaming one tus request body into the blob store.

use axum::body::Body;
use http_body_util::BodyExt;
use sealpost_api::ProblemType;
use sha1::Sha1;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::auth::Principal;
use super::error::ApiError;
use super::tus_headers::Checksum;
use crate::audit::Outcome;
use crate::blob::PartWriter;
use crate::state::SharedState;
use crate::store::uploads::{self, UploadRecord};

/// Marks an upload as being written; dropping it clears the mark.
#[derive(Debug)]
pub(crate) struct WriteGuard {
    state: SharedState,
    id: Uuid,
}

impl WriteGuard {
    /// Takes the mark, or fails with 409 while another request has it.
    pub(crate) fn take(state: &SharedState, id: Uuid) -> Result<Self, ApiError> {
        let mut writing = state
            .writing
            .lock()
            .map_err(|_| ApiError::internal(anyhow::anyhow!("upload write set poisoned")))?;
        if !writing.insert(id) {
            return Err(ApiError::new(
                ProblemType::Conflict,
                "another request is writing this upload; wait for it, send HEAD and resume",
            ));
        }
        Ok(Self {
            state: state.clone(),
            id,
        })
    }
}

impl Drop for WriteGuard {
    fn drop(&mut self) {
        if let Ok(mut writing) = self.state.writing.lock() {
            writing.remove(&self.id);
        }
    }
}

enum Hasher {
    Sha256(Sha256),
    Sha1(Sha1),
}

impl Hasher {
    fn for_checksum(checksum: &Checksum) -> Self {
        match checksum {
            Checksum::Sha256(_) => Self::Sha256(Sha256::new()),
            Checksum::Sha1(_) => Self::Sha1(Sha1::new()),
        }
    }

    fn update(&mut self, bytes: &[u8]) {
        match self {
            Self::Sha256(hasher) => hasher.update(bytes),
            Self::Sha1(hasher) => hasher.update(bytes),
        }
    }

    fn matches(self, checksum: &Checksum) -> bool {
        match (self, checksum) {
            (Self::Sha256(hasher), Checksum::Sha256(expected)) => {
                hasher.finalize().as_slice() == expected
            }
            (Self::Sha1(hasher), Checksum::Sha1(expected)) => {
                hasher.finalize().as_slice() == expected
            }
            _ => false,
        }
    }
}

/// The end of reading one body.
enum BodyEnd {
    Complete(u64),
    /// The client went away after this many bytes.
    Broken(u64),
    /// No bytes arrived within the idle timeout, after this many bytes.
    Idle(u64),
    TooLong,
}

async fn copy_body(
    body: Body,
    part: &mut dyn PartWriter,
    room: u64,
    mut hasher: Option<&mut Hasher>,
    idle: std::time::Duration,
) -> Result<BodyEnd, ApiError> {
    let mut body = body;
    let mut written: u64 = 0;
    loop {
        let Ok(next) = tokio::time::timeout(idle, body.frame()).await else {
            return Ok(BodyEnd::Idle(written));
        };
        let Some(frame) = next else {
            break;
        };
        let Ok(frame) = frame else {
            return Ok(BodyEnd::Broken(written));
        };
        let Ok(data) = frame.into_data() else {
            continue;
        };
        let len = u64::try_from(data.len()).unwrap_or(u64::MAX);
        if written.saturating_add(len) > room {
            return Ok(BodyEnd::TooLong);
        }
        if let Some(hasher) = hasher.as_deref_mut() {
            hasher.update(&data);
        }
        part.write(&data).await.map_err(ApiError::internal)?;
        written += len;
    }
    Ok(BodyEnd::Complete(written))
}

/// Appends `body` to the upload at its recorded offset and returns the new offset.
///
/// Bytes count only once synced and recorded. After a dropped connection the bytes that
/// arrived are kept, unless the request carried a checksum, which they cannot match.
pub(crate) async fn append(
    state: &SharedState,
    principal: &Principal,
    record: &UploadRecord,
    content_length: Option<u64>,
    checksum: Option<Checksum>,
    body: Body,
) -> Result<u64, ApiError> {
    let _writing = WriteGuard::take(state, record.id)?;
    // Re-read under the write mark: a request that finished just before may have moved
    // the offset since the caller's read.
    let record = uploads::get(&state.db, record.account_id, record.id)
        .await?
        .filter(|current| current.offset == record.offset && current.state == "receiving")
        .ok_or_else(|| {
            ApiError::new(
                ProblemType::Conflict,
                "the upload changed while this request waited; send HEAD and resume",
            )
        })?;
    let offset = record.offset.unsigned_abs();
    let room = record.length.unsigned_abs().saturating_sub(offset);
    if content_length.is_some_and(|length| length > room) {
        return Err(ApiError::new(
            ProblemType::PayloadTooLarge,
            format!("the body would pass `Upload-Length`; at most {room} more bytes fit"),
        ));
    }
    let request_id = principal.context.request_id.clone();
    let mut part = state
        .blobs
        .append_at(record.id, offset)
        .await
        .map_err(ApiError::internal)?;
    let mut hasher = checksum.as_ref().map(Hasher::for_checksum);
    // A client that stops sending would otherwise hold the write mark, and the
    // connection, until TCP gives up.
    let idle = std::time::Duration::from_secs(state.config.uploads.patch_idle_timeout_seconds);
    let end = copy_body(body, part.as_mut(), room, hasher.as_mut(), idle).await;
    let end = match end {
        Ok(end) => end,
        Err(error) => {
            part.truncate(offset).await.map_err(ApiError::internal)?;
            return Err(error);
        }
    };
    let event = |kind: &'static str, details: serde_json::Value| {
        uploads::add_event(&state.db, record.id, kind, Some(&request_id), details)
    };
    let received = match end {
        BodyEnd::TooLong => {
            part.truncate(offset).await.map_err(ApiError::internal)?;
            return Err(ApiError::new(
                ProblemType::PayloadTooLarge,
                format!("the body passes `Upload-Length`; at most {room} more bytes fit"),
            ));
        }
        BodyEnd::Idle(received) => {
            tracing::info!(upload = %record.id, request_id = %request_id, received, "upload body idle past the timeout; kept the bytes received unless a checksum was sent");
            let kept = if checksum.is_some() {
                part.truncate(offset).await.map_err(ApiError::internal)?;
                0
            } else {
                let stored = part.sync().await.map_err(ApiError::internal)?;
                uploads::advance(&state.db, record.id, record.offset, to_i64(stored)?).await?;
                received
            };
            event(
                "patch_interrupted",
                serde_json::json!({ "offset": offset, "received": received, "kept": kept, "idle": true }),
            )
            .await?;
            let seconds = idle.as_secs();
            return Err(ApiError::invalid(format!(
                "no body bytes arrived for {seconds} seconds; send HEAD and resume from its offset"
            )));
        }
        BodyEnd::Broken(received) if checksum.is_some() => {
            tracing::info!(upload = %record.id, request_id = %request_id, received, "upload body ended early; discarded because it carried a checksum");
            part.truncate(offset).await.map_err(ApiError::internal)?;
            event(
                "patch_interrupted",
                serde_json::json!({ "offset": offset, "received": received, "kept": 0 }),
            )
            .await?;
            return Err(ApiError::invalid("the request body ended early"));
        }
        BodyEnd::Broken(received) => {
            tracing::info!(upload = %record.id, request_id = %request_id, received, "upload body ended early; kept the bytes received");
            let stored = part.sync().await.map_err(ApiError::internal)?;
            uploads::advance(&state.db, record.id, record.offset, to_i64(stored)?).await?;
            event(
                "patch_interrupted",
                serde_json::json!({ "offset": offset, "received": received, "kept": received }),
            )
            .await?;
            return Err(ApiError::invalid("the request body ended early"));
        }
        BodyEnd::Complete(received) => received,
    };
    if let (Some(hasher), Some(expected)) = (hasher, &checksum)
        && !hasher.matches(expected)
    {
        part.truncate(offset).await.map_err(ApiError::internal)?;
        event(
            "checksum_failed",
            serde_json::json!({ "offset": offset, "received": received }),
        )
        .await?;
        return Err(ApiError::new(
            ProblemType::ChecksumMismatch,
            "the body does not match `Upload-Checksum`; its bytes were discarded, so resend them",
        ));
    }
    let stored = part.sync().await.map_err(ApiError::internal)?;
    drop(part);
    if !uploads::advance(&state.db, record.id, record.offset, to_i64(stored)?).await? {
        return Err(ApiError::new(
            ProblemType::Conflict,
            "the upload changed during this request; send HEAD and resume",
        ));
    }
    event(
        "patch",
        serde_json::json!({ "offset": offset, "bytes": received, "checksum": checksum.is_some() }),
    )
    .await?;
    if stored == record.length.unsigned_abs() {
        complete(state, principal, &record, &request_id).await?;
    }
    Ok(stored)
}

fn to_i64(value: u64) -> Result<i64, ApiError> {
    i64::try_from(value).map_err(ApiError::internal)
}

async fn complete(
    state: &SharedState,
    principal: &Principal,
    record: &UploadRecord,
    request_id: &str,
) -> Result<(), ApiError> {
    state
        .blobs
        .complete(record.id)
        .await
        .map_err(ApiError::internal)?;
    uploads::transition(&state.db, record.id, "receiving", "received").await?;
    uploads::add_event(
        &state.db,
        record.id,
        "received",
        Some(request_id),
        serde_json::json!({ "length": record.length }),
    )
    .await?;
    let event = principal
        .event("upload.completed", Outcome::Success)
        .target(format!("upload:{}", record.id))
        .details(serde_json::json!({ "length": record.length }));
    state.audit.append(event).await?;
    state.processing.notify_one();
    Ok(())
}
