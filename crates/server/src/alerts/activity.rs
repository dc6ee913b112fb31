//! Detectors of suspicious account activity: upload volume far above the account's
//! baseline, many history pages read by one member, and uploads sealed to a key the
//! account does not have or has retired.

use sqlx::Row;
use uuid::Uuid;

use super::{Alerts, Detector};
use crate::db::now;

/// Upload count and bytes over a time range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Volume {
    uploads: i64,
    bytes: i64,
}

/// Checks whether `recent`, counted over `window` seconds, is more than `factor` times
/// the per-window average of `baseline`, counted over `baseline_span` seconds.
fn far_above(recent: i64, baseline: i64, window: i64, baseline_span: i64, factor: u32) -> bool {
    // recent > factor * baseline * window / baseline_span, without division or overflow.
    i128::from(recent) * i128::from(baseline_span)
        > i128::from(factor) * i128::from(baseline) * i128::from(window)
}

impl Alerts {
    async fn upload_volume(
        &self,
        account_id: Uuid,
        from: i64,
        to: i64,
    ) -> Result<Volume, sqlx::Error> {
        // PostgreSQL sums BIGINT as NUMERIC, which the Any driver cannot decode; the cast
        // keeps both backends on a 64-bit integer.
        let row = sqlx::query(
            "SELECT COUNT(*) AS uploads, CAST(COALESCE(SUM(upload_length), 0) AS BIGINT) AS bytes FROM uploads \
             WHERE account_id = $1 AND created_at >= $2 AND created_at < $3",
        )
        .bind(account_id.to_string())
        .bind(from)
        .bind(to)
        .fetch_one(self.audit.db().pool())
        .await?;
        Ok(Volume {
            uploads: row.try_get("uploads")?,
            bytes: row.try_get("bytes")?,
        })
    }

    /// Runs the upload-volume detector after an upload of the account was created.
    pub async fn after_upload_created(
        &self,
        account_id: Uuid,
        address: &str,
        request_id: &str,
    ) -> Result<(), sqlx::Error> {
        let config = &self.config;
        let window = i64::try_from(config.upload_volume_window_seconds).unwrap_or(i64::MAX);
        let span = i64::try_from(config.upload_baseline_seconds).unwrap_or(i64::MAX);
        let at = now();
        // The creation just recorded must count, so the range ends after this second.
        let recent = self
            .upload_volume(account_id, at - window, at.saturating_add(1))
            .await?;
        let baseline = self
            .upload_volume(account_id, at - span, at - window)
            .await?;
        let baseline_span = span - window;

        let by_count = recent.uploads >= i64::from(config.upload_volume_min_uploads)
            && far_above(
                recent.uploads,
                baseline.uploads,
                window,
                baseline_span,
                config.upload_volume_factor,
            );
        let min_bytes = i64::try_from(config.upload_volume_min_bytes).unwrap_or(i64::MAX);
        let by_bytes = recent.bytes >= min_bytes
            && far_above(
                recent.bytes,
                baseline.bytes,
                window,
                baseline_span,
                config.upload_volume_factor,
            );
        if !(by_count || by_bytes) {
            return Ok(());
        }

        let details = serde_json::json!({
            "uploads": recent.uploads,
            "bytes": recent.bytes,
            "window_seconds": window,
            "baseline_uploads": baseline.uploads,
            "baseline_bytes": baseline.bytes,
            "baseline_seconds": baseline_span,
        });
        self.raise(
            Detector::UploadVolume,
            Some(account_id),
            format!("account:{account_id}"),
            Some(address),
            Some(request_id),
            details,
        )
        .await
    }

    /// Counts one history, timeline or audit page read by `member_id`, and raises an
    /// alert when the member read more than the configured number within the window.
    pub async fn after_history_read(
        &self,
        account_id: Uuid,
        member_id: Uuid,
        address: &str,
        request_id: &str,
    ) -> Result<(), sqlx::Error> {
        let window = i64::try_from(self.config.history_window_seconds).unwrap_or(i64::MAX);
        let at = now();
        let reads = {
            // A poisoned lock only means another request panicked mid-count; the
            // counts are still usable.
            let mut all = self
                .history_reads
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            all.retain(|_, times| times.back().is_some_and(|last| *last > at - window));
            let times = all.entry(member_id).or_default();
            while times.front().is_some_and(|first| *first <= at - window) {
                times.pop_front();
            }
            times.push_back(at);
            times.len()
        };
        let limit = usize::try_from(self.config.history_reads_per_window).unwrap_or(usize::MAX);
        if reads < limit {
            return Ok(());
        }
        let details = serde_json::json!({ "pages": reads, "window_seconds": window });
        self.raise(
            Detector::HistoryEnumeration,
            Some(account_id),
            format!("member:{member_id}"),
            Some(address),
            Some(request_id),
            details,
        )
        .await
    }

    /// Raises an alert for an upload sealed to `key_id`, which the account has retired
    /// when `retired` is true, or does not have at all.
    pub async fn unknown_upload_key(
        &self,
        account_id: Uuid,
        upload_id: Uuid,
        key_id: &str,
        retired: bool,
    ) -> Result<(), sqlx::Error> {
        let details = serde_json::json!({
            "upload_id": upload_id,
            "key_id": key_id,
            "key": if retired { "retired" } else { "unknown" },
        });
        self.raise(
            Detector::UnknownUploadKey,
            Some(account_id),
            format!("upload:{upload_id}"),
            None,
            None,
            details,
        )
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn far_above_compares_per_window_rates() {
        // A baseline of 7 uploads over 7 hours is 1 per hour.
        assert!(far_above(11, 7, 3600, 7 * 3600, 10));
        assert!(!far_above(10, 7, 3600, 7 * 3600, 10));
        // With no baseline any volume is far above it; the minimums guard new accounts.
        assert!(far_above(1, 0, 3600, 7 * 3600, 10));
        assert!(!far_above(0, 0, 3600, 7 * 3600, 10));
    }
}
