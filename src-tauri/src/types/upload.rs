//! Upload jobs started from the app.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The `start_upload` request.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct StartUploadRequest {
    /// The opened list to seal and send.
    pub list_id: String,
    /// The campaign id.
    pub campaign: String,
    /// Error codes the marketer accepts; rows with other errors block the upload.
    pub allow_errors: Vec<String>,
}

/// An interrupted upload that can be resumed: paused in this run, or left unfinished by
/// an earlier run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PendingUpload {
    /// Job handle for `resume_upload` and `cancel_upload`.
    pub job_id: String,
    /// The list's file name.
    pub file_name: String,
    /// The list's full path.
    pub file_path: String,
    /// The campaign id.
    pub campaign: String,
    /// Bytes the service had confirmed when the state was saved. Resuming requests the
    /// service's current offset.
    pub bytes_acknowledged: u64,
    /// Size of the sealed upload.
    pub total_bytes: u64,
    /// When the state was saved (RFC 3339), or empty when unknown.
    pub saved_at: String,
    /// True for an upload left by an earlier run of the app.
    pub earlier_run: bool,
    /// True when resuming sends the list again from the start, because the key that
    /// protects the saved upload secrets did not outlive the earlier run (no system
    /// keyring and no passphrase-protected session).
    pub starts_over: bool,
}

/// The stage an upload job is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum UploadPhase {
    /// Checking the rows on this machine.
    Validating,
    /// Encrypting and sending.
    SealingAndSending,
    /// Sent; the service is scanning it.
    WaitingForScan,
    /// The service is validating it.
    ValidatingOnService,
    /// Finished.
    Done,
}

/// How an upload job ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum UploadFinalState {
    /// The service accepted the list.
    Accepted,
    /// The service rejected the list.
    Rejected,
    /// The scanner flagged the file.
    Quarantined,
    /// Sent, but no scanner was available yet.
    ScanPending,
    /// Cancelled by the member.
    Cancelled,
    /// Failed; `reason` says why.
    Failed,
}
