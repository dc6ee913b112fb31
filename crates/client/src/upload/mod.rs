//! Sealing a list and sending it to the service with tus 1.0, resumably.
//!
//! [`run`] validates the list locally, fetches the account's upload key, seals the list
//! while sending it in bounded PATCH requests with checksums, and follows the upload
//! through the service's scan and validation. It saves a resume state as it goes (the
//! upload URL, the source file's fingerprint, and the envelope secrets sealed under a
//! key held in the OS keyring), so running the same upload again continues it from the
//! offset the service reports, producing exactly the bytes a single pass would have.

mod campaign;
mod error;
mod events;
mod fingerprint;
mod flow;
mod follow;
mod local_check;
mod resume_key;
mod retry;
pub mod saved;
mod sender;
mod state;
mod tus;
mod upload_key;
mod vault;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use sealpost_envelope::DEFAULT_CHUNK_SIZE;
use sealpost_lists::IssueCode;
use serde::Serialize;
pub use tokio_util::sync::CancellationToken;
use uuid::Uuid;

pub use error::UploadError;
pub use events::{EventSink, UploadEvent, UploadNotice};
pub use fingerprint::SourceFingerprint;
pub use flow::run;
pub use local_check::{ListOptions, LocalValidation, parse_issue_code};
pub use resume_key::{
    KeyringResumeKey, PassphraseFileResumeKey, ProcessResumeKey, ResumeKeyStore, default_store,
};
pub use retry::RetryPolicy;
pub use vault::ResumeKey;

use crate::events::FinalState;

/// Default PATCH body size: large enough that per-request costs (a TLS record flush, the
/// service's fsync and database update) stay small next to the transfer, small enough
/// that the three bodies in memory at once stay far below 64 MiB.
pub const DEFAULT_PATCH_SIZE: usize = 8 * 1024 * 1024;

/// Whether to continue a saved upload.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ResumeMode {
    /// Continue a saved upload of the same file, server and campaign, else start one.
    #[default]
    Auto,
    /// Continue a saved upload; fail when there is none.
    Require,
    /// Discard any saved upload (terminating it on the service) and start over.
    Restart,
}

/// Upload request: the list, the campaign and the transfer settings.
#[derive(Debug, Clone)]
pub struct UploadRequest {
    /// The list file.
    pub file: PathBuf,
    /// The campaign's id, or its name; a name no campaign has creates a campaign.
    pub campaign: String,
    /// How to read the list.
    pub list: ListOptions,
    /// Error codes that do not stop the upload.
    pub allow_errors: Vec<IssueCode>,
    /// Whether to continue a saved upload.
    pub resume: ResumeMode,
    /// The directory for resume states and upload key pins, normally
    /// [`default_state_dir`].
    pub state_dir: PathBuf,
    /// Storage of the resume key.
    pub resume_keys: Arc<dyn ResumeKeyStore>,
    /// Ciphertext bytes per PATCH request.
    pub patch_size: usize,
    /// Maximum time one PATCH request may take before it is abandoned and resumed.
    pub patch_timeout: Duration,
    /// Retry policy for failed requests.
    pub retry: RetryPolicy,
    /// Maximum time to follow the service's processing after the last byte.
    pub max_wait: Duration,
    /// The envelope's plaintext chunk size in bytes.
    pub chunk_size: u32,
}

impl UploadRequest {
    /// A request with the default sizes, timeouts and retry policy, resuming a saved
    /// upload when there is one.
    pub fn new(
        file: impl Into<PathBuf>,
        campaign: impl Into<String>,
        state_dir: impl Into<PathBuf>,
        resume_keys: Arc<dyn ResumeKeyStore>,
    ) -> Self {
        Self {
            file: file.into(),
            campaign: campaign.into(),
            list: ListOptions::default(),
            allow_errors: Vec::new(),
            resume: ResumeMode::Auto,
            state_dir: state_dir.into(),
            resume_keys,
            patch_size: DEFAULT_PATCH_SIZE,
            patch_timeout: Duration::from_secs(300),
            retry: RetryPolicy::default(),
            max_wait: Duration::from_secs(600),
            chunk_size: DEFAULT_CHUNK_SIZE,
        }
    }
}

/// The state directory under the user's data directory, such as
/// `~/.local/share/sealpost/uploads` on Linux; `None` when the platform has none.
pub fn default_state_dir() -> Option<PathBuf> {
    dirs::data_dir().map(|dir| dir.join("sealpost").join("uploads"))
}

/// Opens the envelope secrets saved in the resume state file `state_file`, for tools
/// that check an upload's stored ciphertext against a fresh single-pass seal.
///
/// The result contains the upload's data key: keep it in memory only.
pub fn open_saved_secrets(
    state_file: &std::path::Path,
    keys: &dyn ResumeKeyStore,
) -> Result<sealpost_envelope::UploadSecrets, UploadError> {
    let invalid = |reason: String| UploadError::ResumeStateInvalid {
        path: state_file.to_owned(),
        reason,
    };
    let saved =
        state::load(state_file)?.ok_or_else(|| invalid("the file does not exist".to_owned()))?;
    let key = keys.load_or_create()?;
    vault::open(&key, &saved.sealed_secrets, &saved.identity().digest_hex())
        .map_err(|error| invalid(error.to_string()))
}

/// Outcome of an upload.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UploadOutcome {
    /// The upload id.
    pub upload_id: Uuid,
    /// The campaign it belongs to.
    pub campaign_id: Uuid,
    /// Ciphertext bytes sent in all.
    pub bytes_total: u64,
    /// Whether an earlier run's upload was continued.
    pub resumed: bool,
    /// Result of the local validation.
    pub local_validation: LocalValidation,
    /// The last service state seen, such as `accepted` or `scan_pending`.
    pub state: String,
    /// The final state, when the service reached one while the client followed it.
    pub final_state: Option<FinalState>,
    /// The service's reason for a rejection, quarantine or wait.
    pub reason: Option<String>,
    /// The service's validation summary, once it validated the list.
    pub service_validation: Option<serde_json::Value>,
}
