//! The start-up check of the OS keyring.

use std::sync::Arc;

use sealpost_client::upload::{KeyringResumeKey, ProcessResumeKey, ResumeKeyStore};

use crate::types::KeyringStatus;

/// Checks whether the OS keyring answers, and returns the store for upload resume keys:
/// the keyring when it answers, else this process's memory.
pub(crate) fn probe() -> (KeyringStatus, Arc<dyn ResumeKeyStore>) {
    let keyring = KeyringResumeKey::new();
    match keyring.available() {
        Ok(()) => (
            KeyringStatus {
                available: true,
                reason: None,
            },
            Arc::new(keyring),
        ),
        Err(error) => {
            log::warn!("the system keyring is not available: {error}");
            (
                KeyringStatus {
                    available: false,
                    reason: Some(error.to_string()),
                },
                Arc::new(ProcessResumeKey::new()),
            )
        }
    }
}
