//! Progress events that validation and upload emit, for a progress bar or a window.
//!
//! Serialized with a `phase` tag, such as
//! `{"phase":"sealing_and_sending","upload_id":null,"bytes_acknowledged":0,"bytes_total":4096}`.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The phases of sending one list, in the order they happen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// Checking the list on this computer.
    Validating,
    /// Encrypting the list and sending it; the service acknowledges bytes as it stores them.
    SealingAndSending,
    /// The service has the whole upload and is scanning it for malware, or waiting for
    /// its scanner.
    WaitingForScan,
    /// The service is validating the decrypted list.
    ValidatingOnService,
    /// Finished, with a final state.
    Done,
}

/// How an upload ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FinalState {
    /// The service accepted the list.
    Accepted,
    /// The service rejected the list, and the reason explains why.
    Rejected,
    /// The scanner flagged the upload.
    Quarantined,
    /// The upload was cancelled.
    Terminated,
    /// The upload expired before it was complete.
    Expired,
    /// The client stopped because of an error.
    Failed,
}

impl FinalState {
    /// Maps a service upload state to a final state; `None` while the upload is still
    /// in progress.
    pub fn from_service_state(state: &str) -> Option<FinalState> {
        match state {
            "accepted" => Some(FinalState::Accepted),
            "rejected" => Some(FinalState::Rejected),
            "quarantined" => Some(FinalState::Quarantined),
            "terminated" => Some(FinalState::Terminated),
            "expired" => Some(FinalState::Expired),
            _ => None,
        }
    }
}

/// One progress report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "phase", rename_all = "snake_case")]
pub enum ProgressEvent {
    /// Local validation progress.
    Validating {
        /// Rows checked so far.
        rows_checked: u64,
        /// Bytes of the input read so far.
        bytes_read: u64,
        /// The input size in bytes, when known.
        bytes_total: Option<u64>,
    },
    /// Sending progress: `bytes_acknowledged` counts bytes the service confirmed storing
    /// (the tus offset), not bytes handed to the network.
    SealingAndSending {
        /// The upload id once the service created it.
        upload_id: Option<Uuid>,
        /// Bytes the service has stored.
        bytes_acknowledged: u64,
        /// The sealed envelope's size in bytes.
        bytes_total: u64,
    },
    /// The service is scanning the upload or waiting for its scanner.
    WaitingForScan {
        /// The upload id.
        upload_id: Uuid,
        /// Reason for waiting, when the service gives one (for example, no scanner responds).
        reason: Option<String>,
    },
    /// The service is validating the list.
    ValidatingOnService {
        /// The upload id.
        upload_id: Uuid,
    },
    /// The upload reached a final state.
    Done {
        /// The upload id, when one was created.
        upload_id: Option<Uuid>,
        /// The final state.
        state: FinalState,
        /// The service's reason for a rejection or quarantine, or the client's error
        /// message for [`FinalState::Failed`].
        reason: Option<String>,
    },
}

impl ProgressEvent {
    /// The phase this event belongs to.
    pub fn phase(&self) -> Phase {
        match self {
            ProgressEvent::Validating { .. } => Phase::Validating,
            ProgressEvent::SealingAndSending { .. } => Phase::SealingAndSending,
            ProgressEvent::WaitingForScan { .. } => Phase::WaitingForScan,
            ProgressEvent::ValidatingOnService { .. } => Phase::ValidatingOnService,
            ProgressEvent::Done { .. } => Phase::Done,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_are_tagged_by_phase() {
        let event = ProgressEvent::SealingAndSending {
            upload_id: None,
            bytes_acknowledged: 10,
            bytes_total: 40,
        };
        let json = serde_json::to_value(&event).unwrap();
        assert_eq!(json["phase"], "sealing_and_sending");
        assert_eq!(json["bytes_acknowledged"], 10);
        assert_eq!(json["bytes_total"], 40);
        assert_eq!(event.phase(), Phase::SealingAndSending);
    }

    #[test]
    fn done_round_trips() {
        let event = ProgressEvent::Done {
            upload_id: Some(Uuid::nil()),
            state: FinalState::Quarantined,
            reason: Some("malware found".to_owned()),
        };
        let text = serde_json::to_string(&event).unwrap();
        assert!(text.contains(r#""state":"quarantined""#), "{text}");
        let back: ProgressEvent = serde_json::from_str(&text).unwrap();
        assert_eq!(back, event);
    }

    #[test]
    fn service_states_map_to_final_states() {
        assert_eq!(
            FinalState::from_service_state("accepted"),
            Some(FinalState::Accepted)
        );
        assert_eq!(
            FinalState::from_service_state("quarantined"),
            Some(FinalState::Quarantined)
        );
        assert_eq!(FinalState::from_service_state("scanning"), None);
        assert_eq!(FinalState::from_service_state("scan_pending"), None);
    }
}
