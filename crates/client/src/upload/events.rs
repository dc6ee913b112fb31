//! What an upload reports while it runs: the crate's [`ProgressEvent`]s, plus notices
//! that only uploads have (a resumed upload, a retry, a changed upload key).

use std::time::Duration;

use serde::Serialize;
use uuid::Uuid;

use super::local_check::LocalValidation;
use crate::events::ProgressEvent;

/// One thing that happened during an upload.
///
/// Serialized without a wrapper: a progress event has a `phase` field, a notice a
/// `notice` field, such as `{"notice": "retrying", "attempt": 1, ...}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum UploadEvent {
    /// Progress through the phases.
    Progress(ProgressEvent),
    /// Something the person uploading should know about.
    Notice(UploadNotice),
}

/// Facts about an upload beyond its progress.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "notice", rename_all = "snake_case")]
#[non_exhaustive]
pub enum UploadNotice {
    /// The local validation finished and passed, or the allow-list tolerated its errors.
    Validated {
        /// Row totals, issue counts and the first issues.
        validation: Box<LocalValidation>,
    },
    /// No campaign had the name given, so one with that name was created.
    CampaignCreated {
        /// The campaign's name.
        name: String,
        /// The new campaign's id.
        id: Uuid,
    },
    /// The service's upload key differs from the one this client used with the server
    /// before: an admin rotated it, or the address now leads to another service.
    UploadKeyChanged {
        /// The key id seen before, lowercase hex.
        previous: String,
        /// The key id served now.
        current: String,
    },
    /// The service created a new upload.
    Created {
        /// The upload id.
        upload_id: Uuid,
        /// Ciphertext bytes to send.
        bytes_total: u64,
    },
    /// An earlier run's upload continues.
    Resumed {
        /// The upload id.
        upload_id: Uuid,
        /// Bytes the service already holds.
        bytes_acknowledged: u64,
        /// Ciphertext bytes in all.
        bytes_total: u64,
    },
    /// The saved upload could not continue because the service no longer has it, so a
    /// new upload starts from the first byte.
    StartedOver {
        /// The upload that was lost, when one had been created.
        previous_upload_id: Option<Uuid>,
        /// Why it could not continue.
        reason: String,
    },
    /// The resume key file did not open with the passphrase given, so a restart replaced
    /// it with a new key. Other interrupted uploads saved under the old key need a restart.
    ResumeKeyReplaced {
        /// The resume key file.
        path: std::path::PathBuf,
    },
    /// A request failed and is tried again after a delay.
    Retrying {
        /// The retry's number, counting from 1 since the last acknowledged bytes.
        attempt: u32,
        /// The wait before it, in milliseconds.
        #[serde(rename = "delay_ms", serialize_with = "millis")]
        delay: Duration,
        /// What failed, in words.
        reason: String,
    },
}

fn millis<S: serde::Serializer>(delay: &Duration, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_u128(delay.as_millis())
}

/// Destination of an upload's events. Sending never blocks (the channel is unbounded),
/// and a closed receiver is ignored because the upload does not depend on anyone watching it.
#[derive(Debug, Clone)]
pub struct EventSink(Option<tokio::sync::mpsc::UnboundedSender<UploadEvent>>);

impl EventSink {
    /// Creates a sink that forwards every event to `sender`.
    pub fn new(sender: tokio::sync::mpsc::UnboundedSender<UploadEvent>) -> Self {
        Self(Some(sender))
    }

    /// Creates a sink that drops every event.
    pub fn discard() -> Self {
        Self(None)
    }

    pub(crate) fn progress(&self, event: ProgressEvent) {
        self.send(UploadEvent::Progress(event));
    }

    pub(crate) fn notice(&self, notice: UploadNotice) {
        self.send(UploadEvent::Notice(notice));
    }

    fn send(&self, event: UploadEvent) {
        if let Some(sender) = &self.0 {
            // An error only means the receiver was dropped, so no one is watching.
            let _ = sender.send(event);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notices_and_progress_are_distinguishable() {
        let notice = UploadEvent::Notice(UploadNotice::Retrying {
            attempt: 2,
            delay: Duration::from_millis(1500),
            reason: "timed out".to_owned(),
        });
        let json = serde_json::to_value(&notice).unwrap();
        assert_eq!(json["notice"], "retrying");
        assert_eq!(json["delay_ms"], 1500);

        let progress = UploadEvent::Progress(ProgressEvent::SealingAndSending {
            upload_id: None,
            bytes_acknowledged: 5,
            bytes_total: 9,
        });
        let json = serde_json::to_value(&progress).unwrap();
        assert_eq!(json["phase"], "sealing_and_sending");
        assert!(json.get("notice").is_none());
    }
}
