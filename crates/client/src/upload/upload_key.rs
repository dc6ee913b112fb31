//! Fetching the account's upload key, and noticing when it changes between uploads.

use std::collections::BTreeMap;
use std::path::Path;
use std::str::FromStr;

use reqwest::Method;
use sealpost_api::UploadKey;
use sealpost_envelope::Recipient;
use serde::{Deserialize, Serialize};

use super::error::UploadError;
use super::events::{EventSink, UploadNotice};
use crate::connection::Connection;

/// The file in the state directory that records the last key id seen per server.
const PINS_FILE: &str = "upload-key-pins.json";

#[derive(Debug, Default, Serialize, Deserialize)]
struct Pins {
    /// Server base URL to key id, lowercase hex.
    servers: BTreeMap<String, String>,
}

/// Fetches `GET /v1/upload-key`, checks that the key id matches the public key, and
/// compares it with the key id recorded for this server. A different id is reported as
/// an [`UploadNotice::UploadKeyChanged`] and then recorded.
///
/// The key is not refused when it changed, because rotation is a normal admin task and
/// the key arrives over the verified TLS connection; the notice lets the person check.
pub(crate) async fn fetch(
    connection: &Connection,
    state_dir: &Path,
    events: &EventSink,
) -> Result<Recipient, UploadError> {
    let key: UploadKey = connection
        .send_json(connection.request(Method::GET, "/v1/upload-key"))
        .await?;
    let recipient = Recipient::from_str(key.public_key.trim())
        .map_err(|error| UploadError::UploadKeyInvalid(error.to_string()))?;
    let key_id = recipient.key_id().to_string();
    if key_id != key.key_id {
        return Err(UploadError::UploadKeyInvalid(format!(
            "the key id {} does not belong to the public key, whose id is {key_id}",
            key.key_id
        )));
    }
    pin(connection, state_dir, &key_id, events)?;
    Ok(recipient)
}

fn pin(
    connection: &Connection,
    state_dir: &Path,
    key_id: &str,
    events: &EventSink,
) -> Result<(), UploadError> {
    let path = state_dir.join(PINS_FILE);
    let server = connection.base_url().to_string();
    let mut pins: Pins = match std::fs::read(&path) {
        Ok(bytes) => serde_json::from_slice(&bytes).unwrap_or_else(|error| {
            // The pins only feed a notice, so a damaged file is replaced, not fatal.
            tracing::warn!(file = %path.display(), %error, "upload key pins unreadable; starting afresh");
            Pins::default()
        }),
        Err(_) => Pins::default(),
    };
    match pins.servers.get(&server) {
        Some(previous) if previous == key_id => return Ok(()),
        Some(previous) => {
            tracing::warn!(server = %server, previous = %previous, current = %key_id, "the upload key changed");
            events.notice(UploadNotice::UploadKeyChanged {
                previous: previous.clone(),
                current: key_id.to_owned(),
            });
        }
        None => {}
    }
    pins.servers.insert(server, key_id.to_owned());
    let json =
        serde_json::to_vec_pretty(&pins).map_err(|error| UploadError::ResumeStateUnwritable {
            path: path.clone(),
            source: error.into(),
        })?;
    super::state::write_atomic(&path, &json)
}
