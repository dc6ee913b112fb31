//! Processing of received uploads: header check, virus scan, list validation.
//!
//! The upload row is the durable job: a worker takes uploads in `received` (and in
//! `scan_pending` once due), moves them through `scanning` and `validating`, and ends in
//! `accepted`, `rejected` or `quarantined`. Uploads a stopped service left in
//! `scanning` or `validating` start again from `received`. The plaintext exists only in
//! memory: it streams from the envelope into clamd, and a second pass decrypts it into
//! a buffer (zeroized afterwards) for the lists crate.

use std::sync::Arc;
use std::time::Duration;

use sealpost_envelope::{AsyncOpener, Identity, MAX_HEADER_LEN, inspect};
use sealpost_lists::{ColumnMapping, ListReader, OpenOptions, ValidateOptions, validate_list};
use tokio::io::AsyncReadExt;
use tokio::sync::{Notify, Semaphore, watch};
use zeroize::Zeroizing;

use crate::audit::{AuditEvent, Outcome as AuditOutcome};
use crate::clamd::{Clamd, ClamdError, Verdict};
use crate::db::now;
use crate::state::SharedState;
use crate::store::uploads::{self, UploadRecord};
use crate::upload_keys::KeyStatus;

/// Issues kept in the stored validation summary.
const ISSUES_KEPT: usize = 20;
/// Longest wait between scan attempts while the scanner is unreachable, in seconds.
const MAX_BACKOFF_SECONDS: i64 = 300;

/// The result of processing one upload.
#[derive(Debug)]
enum Outcome {
    /// The scanner was unreachable or failed; try again later.
    ScanUnavailable(String),
    /// The scanner found malware.
    Quarantined(String),
    /// The upload cannot be accepted, for the reason given.
    Rejected(String, Option<serde_json::Value>),
    /// Clean and valid.
    Accepted(serde_json::Value),
}

/// Runs the worker until `stopped` turns true: processes due uploads, then waits for a
/// notification or one second.
pub async fn run_worker(state: SharedState, wake: Arc<Notify>, mut stopped: watch::Receiver<bool>) {
    match uploads::requeue_interrupted(&state.db).await {
        Ok(0) => {}
        Ok(count) => tracing::info!(count, "requeued uploads interrupted mid-processing"),
        Err(error) => tracing::warn!(error = %error, "requeuing interrupted uploads failed"),
    }
    loop {
        if let Err(error) = run_due(&state).await {
            tracing::warn!(error = format!("{error:#}"), "upload processing failed");
        }
        tokio::select! {
            () = wake.notified() => {}
            () = tokio::time::sleep(Duration::from_secs(1)) => {}
            _ = stopped.changed() => return,
        }
    }
}

/// Processes every upload that is due, at most `scanner.workers` at once; returns how
/// many were taken.
pub async fn run_due(state: &SharedState) -> anyhow::Result<usize> {
    let workers = state.config.scanner.workers;
    let due = uploads::due(&state.db, now(), 100).await?;
    let count = due.len();
    let permits = Arc::new(Semaphore::new(workers));
    let mut tasks = tokio::task::JoinSet::new();
    for record in due {
        let permit = permits.clone().acquire_owned().await?;
        let state = state.clone();
        tasks.spawn(async move {
            let id = record.id;
            if let Err(error) = process(&state, record).await {
                tracing::warn!(upload = %id, error = format!("{error:#}"), "processing an upload failed");
            }
            drop(permit);
        });
    }
    while tasks.join_next().await.is_some() {}
    Ok(count)
}

async fn event(state: &SharedState, id: uuid::Uuid, kind: &str, details: serde_json::Value) {
    if let Err(error) = uploads::add_event(&state.db, id, kind, None, details).await {
        tracing::warn!(upload = %id, error = %error, "recording an upload event failed");
    }
}

async fn audit(
    state: &SharedState,
    record: &UploadRecord,
    action: &'static str,
    details: serde_json::Value,
) -> anyhow::Result<()> {
    let entry = AuditEvent::new(
        Some(record.account_id),
        "service".to_owned(),
        action,
        AuditOutcome::Success,
    )
    .target(format!("upload:{}", record.id))
    .details(details);
    state.audit.append(entry).await?;
    Ok(())
}

/// Processes one upload from `received` or `scan_pending` to its next state.
pub async fn process(state: &SharedState, record: UploadRecord) -> anyhow::Result<()> {
    if !uploads::transition(&state.db, record.id, &record.state, "scanning").await? {
        return Ok(());
    }
    event(
        state,
        record.id,
        "state",
        serde_json::json!({ "state": "scanning" }),
    )
    .await;
    let outcome = examine(state, &record).await?;
    let id = record.id;
    match outcome {
        Outcome::ScanUnavailable(reason) => {
            let (attempts, _, _) = uploads::outcome(&state.db, id).await?;
            let delay = (5_i64 << attempts.clamp(0, 6)).min(MAX_BACKOFF_SECONDS);
            tracing::warn!(
                upload = %id,
                reason = %reason,
                retry_in_seconds = delay,
                "scanner unavailable, upload waits in scan_pending"
            );
            uploads::postpone(&state.db, id, &reason, now() + delay).await?;
            event(
                state,
                id,
                "scan_pending",
                serde_json::json!({ "reason": reason, "retry_in_seconds": delay }),
            )
            .await;
        }
        Outcome::Quarantined(reason) => {
            let from = "scanning";
            uploads::finish(&state.db, id, from, "quarantined", Some(&reason), None).await?;
            event(
                state,
                id,
                "state",
                serde_json::json!({ "state": "quarantined", "reason": reason }),
            )
            .await;
            audit(
                state,
                &record,
                "upload.quarantined",
                serde_json::json!({ "reason": reason }),
            )
            .await?;
        }
        Outcome::Rejected(reason, validation) => {
            let validation = validation.map(|value| value.to_string());
            for from in ["scanning", "validating"] {
                uploads::finish(
                    &state.db,
                    id,
                    from,
                    "rejected",
                    Some(&reason),
                    validation.as_deref(),
                )
                .await?;
            }
            event(
                state,
                id,
                "state",
                serde_json::json!({ "state": "rejected", "reason": reason }),
            )
            .await;
            audit(
                state,
                &record,
                "upload.rejected",
                serde_json::json!({ "reason": reason }),
            )
            .await?;
        }
        Outcome::Accepted(validation) => {
            let text = validation.to_string();
            uploads::finish(&state.db, id, "validating", "accepted", None, Some(&text)).await?;
            event(
                state,
                id,
                "state",
                serde_json::json!({ "state": "accepted" }),
            )
            .await;
            audit(
                state,
                &record,
                "upload.accepted",
                serde_json::json!({ "rows": validation["rows"] }),
            )
            .await?;
        }
    }
    Ok(())
}

async fn examine(state: &SharedState, record: &UploadRecord) -> anyhow::Result<Outcome> {
    let mut head = Vec::new();
    let reader = state.blobs.read(record.id).await?;
    reader
        .take(u64::try_from(MAX_HEADER_LEN).unwrap_or(u64::MAX))
        .read_to_end(&mut head)
        .await?;
    let header = match inspect(&head[..]) {
        Ok(header) => header,
        Err(error) => {
            return Ok(Outcome::Rejected(
                format!("the upload is not a valid Sealpost envelope: {error}"),
                None,
            ));
        }
    };
    let key_status = state
        .upload_keys
        .status(record.account_id, &header.key_id)
        .await?;
    if let Some(reason) = key_rejection(key_status) {
        let key_id = header.key_id.to_string();
        let retired = matches!(key_status, KeyStatus::Retired(_));
        state
            .alerts
            .unknown_upload_key(record.account_id, record.id, &key_id, retired)
            .await?;
        return Ok(Outcome::Rejected(reason, None));
    }
    let Some(identity) = state
        .upload_keys
        .identity(record.account_id, &header.key_id)
        .await?
    else {
        anyhow::bail!(
            "upload key of upload {} vanished during processing",
            record.id
        );
    };
    let total = record.length.unsigned_abs();
    if header.plaintext_len(total).is_none() {
        return Ok(Outcome::Rejected(
            "the envelope's size does not fit its chunk layout: it was truncated or extended"
                .to_owned(),
            None,
        ));
    }
    if let Some(outcome) = scan(state, record, &identity).await? {
        return Ok(outcome);
    }
    if !uploads::transition(&state.db, record.id, "scanning", "validating").await? {
        anyhow::bail!(
            "upload {} left the scanning state during its scan",
            record.id
        );
    }
    event(
        state,
        record.id,
        "state",
        serde_json::json!({ "state": "validating" }),
    )
    .await;
    validate(state, record, &identity).await
}

/// The plain-words rejection of an upload sealed to a key the account cannot use.
fn key_rejection(status: KeyStatus) -> Option<String> {
    match status {
        KeyStatus::Active => None,
        KeyStatus::Unknown => Some(
            "the list was sealed to a key that is not one of this account's upload keys; seal it again to the key from GET /v1/upload-key".to_owned(),
        ),
        KeyStatus::Retired(at) => {
            let date = time::OffsetDateTime::from_unix_timestamp(at)
                .ok()
                .map(|time| time.date().to_string())
                .unwrap_or_default();
            Some(format!(
                "the list was sealed to an upload key that an admin retired on {date}; seal it again to the key from GET /v1/upload-key"
            ))
        }
    }
}

/// Streams the plaintext to clamd; returns the outcome unless the list is clean.
async fn scan(
    state: &SharedState,
    record: &UploadRecord,
    identity: &Identity,
) -> anyhow::Result<Option<Outcome>> {
    let Some(address) = &state.config.scanner.clamd else {
        return done(Outcome::ScanUnavailable(
            "no virus scanner is configured".to_owned(),
        ));
    };
    let address = address
        .parse()
        .map_err(|message: String| anyhow::anyhow!(message))?;
    let clamd = Clamd::new(
        address,
        Duration::from_secs(state.config.scanner.timeout_seconds),
    );
    let engine = match clamd.version().await {
        Ok(version) => version,
        Err(error) => {
            return done(Outcome::ScanUnavailable(format!(
                "the virus scanner does not answer: {error}"
            )));
        }
    };
    let opener = match AsyncOpener::new(state.blobs.read(record.id).await?, identity).await {
        Ok(opener) => opener,
        Err(error) => {
            return done(Outcome::Rejected(
                format!("the envelope does not open: {error}"),
                None,
            ));
        }
    };
    let verdict = clamd.scan(opener).await;
    let scanned = match verdict {
        Ok(Verdict::Clean) => "clean".to_owned(),
        Ok(Verdict::Infected(name)) => {
            event(
                state,
                record.id,
                "scanned",
                serde_json::json!({ "result": "infected", "signature": name, "engine": engine }),
            )
            .await;
            audit(
                state,
                record,
                "upload.scanned",
                serde_json::json!({ "result": "infected" }),
            )
            .await?;
            return done(Outcome::Quarantined(format!(
                "the virus scanner found {name}"
            )));
        }
        Ok(Verdict::NotScanned(reason)) => {
            event(
                state,
                record.id,
                "scanned",
                serde_json::json!({ "result": "not_scanned", "engine": engine }),
            )
            .await;
            return done(Outcome::Rejected(
                format!(
                    "{reason}, so it was not scanned completely; split the list into smaller \
                     files, or ask the service's operator to raise the scanner's limit"
                ),
                None,
            ));
        }
        Err(ClamdError::Source(_)) => {
            return done(Outcome::Rejected(
                "the envelope failed its integrity check while being read: it was changed or damaged".to_owned(),
                None,
            ));
        }
        Err(error) => {
            return done(Outcome::ScanUnavailable(format!(
                "the virus scan did not finish: {error}"
            )));
        }
    };
    event(
        state,
        record.id,
        "scanned",
        serde_json::json!({ "result": scanned, "engine": engine }),
    )
    .await;
    audit(
        state,
        record,
        "upload.scanned",
        serde_json::json!({ "result": "clean" }),
    )
    .await?;
    Ok(None)
}

/// Ends [`scan`] with `outcome`.
fn done(outcome: Outcome) -> anyhow::Result<Option<Outcome>> {
    Ok(Some(outcome))
}

async fn validate(
    state: &SharedState,
    record: &UploadRecord,
    identity: &Identity,
) -> anyhow::Result<Outcome> {
    let mut opener = match AsyncOpener::new(state.blobs.read(record.id).await?, identity).await {
        Ok(opener) => opener,
        Err(error) => {
            return Ok(Outcome::Rejected(
                format!("the envelope does not open: {error}"),
                None,
            ));
        }
    };
    let mut plaintext = Zeroizing::new(Vec::new());
    if opener.read_to_end(&mut plaintext).await.is_err() {
        return Ok(Outcome::Rejected(
            "the envelope failed its integrity check while being read: it was changed or damaged"
                .to_owned(),
            None,
        ));
    }
    // The lists crate reads synchronously and parses whole spreadsheets: keep it off the
    // async workers.
    let outcome = tokio::task::spawn_blocking(move || validate_bytes(plaintext)).await?;
    Ok(outcome)
}

fn validate_bytes(plaintext: Zeroizing<Vec<u8>>) -> Outcome {
    let bytes = plaintext.to_vec();
    drop(plaintext);
    let mut reader = match ListReader::from_bytes(bytes, &OpenOptions::default()) {
        Ok(reader) => reader,
        Err(error) => {
            return Outcome::Rejected(format!("the list could not be read: {error}"), None);
        }
    };
    let mapping = ColumnMapping::automatic(&reader.info().headers);
    let report = match validate_list(
        &mut reader,
        mapping,
        ValidateOptions::default(),
        ISSUES_KEPT,
    ) {
        Ok(report) => report,
        Err(error) => {
            return Outcome::Rejected(format!("the list could not be read: {error}"), None);
        }
    };
    let counts: serde_json::Map<String, serde_json::Value> = report
        .summary
        .iter()
        .filter(|(_, count)| **count > 0)
        .map(|(code, count)| {
            (
                serde_json::to_value(code)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_else(|| format!("{code:?}")),
                serde_json::Value::from(*count),
            )
        })
        .collect();
    let summary = serde_json::json!({
        "rows": report.rows,
        "issue_counts": counts,
        "first_issues": report.issues,
        "issues_omitted": report.issues_omitted,
    });
    if report.rows.valid == 0 {
        Outcome::Rejected(
            "no row of the list passed validation".to_owned(),
            Some(summary),
        )
    } else {
        Outcome::Accepted(summary)
    }
}
