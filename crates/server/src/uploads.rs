//! Upload lifecycle steps that do not belong to one HTTP request: expiry of unfinished
//! uploads.

use crate::audit::{AuditEvent, Outcome};
use crate::db::now;
use crate::state::SharedState;
use crate::store::uploads;

/// Removes the stored bytes of every unfinished upload past its expiry time and marks
/// it `expired`; returns how many were removed.
pub async fn sweep_expired(state: &SharedState) -> anyhow::Result<usize> {
    let mut removed = 0;
    for upload in uploads::expired(&state.db, now()).await? {
        if !uploads::transition(&state.db, upload.id, "receiving", "expired").await? {
            continue;
        }
        state.blobs.remove(upload.id).await?;
        uploads::add_event(
            &state.db,
            upload.id,
            "expired",
            None,
            serde_json::json!({ "offset": upload.offset }),
        )
        .await?;
        let event = AuditEvent::new(
            Some(upload.account_id),
            "service".to_owned(),
            "upload.deleted",
            Outcome::Success,
        )
        .target(format!("upload:{}", upload.id))
        .details(serde_json::json!({ "reason": "expired" }));
        state.audit.append(event).await?;
        removed += 1;
    }
    Ok(removed)
}

/// Runs [`sweep_expired`] and logs the outcome; for the housekeeping timer.
pub async fn sweep_expired_logged(state: SharedState) {
    match sweep_expired(&state).await {
        Ok(0) => {}
        Ok(removed) => tracing::info!(removed, "removed expired uploads"),
        Err(error) => tracing::warn!(
            error = format!("{error:#}"),
            "sweeping expired uploads failed"
        ),
    }
}
