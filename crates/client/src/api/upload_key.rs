//! The account's upload key.

use reqwest::Method;
use sealpost_api::UploadKey;

use crate::connection::Connection;
use crate::error::ClientError;

/// Fetches the current upload public key, which the service creates on first use.
pub async fn current(connection: &Connection) -> Result<UploadKey, ClientError> {
    connection
        .send_json(connection.request(Method::GET, "/v1/upload-key"))
        .await
}

/// Replaces the upload key pair (admins); uploads sealed to older keys still open.
pub async fn rotate(connection: &Connection) -> Result<UploadKey, ClientError> {
    connection
        .send_json(connection.request(Method::POST, "/v1/upload-key/rotate"))
        .await
}

/// Retires an older upload key (admins): uploads sealed to it are rejected from then on.
/// The current key cannot be retired; rotate first.
pub async fn retire(connection: &Connection, key_id: &str) -> Result<UploadKey, ClientError> {
    let key_id = key_id.trim();
    let well_formed = key_id.len() == 64
        && key_id
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    if !well_formed {
        return Err(ClientError::InvalidInput {
            message: format!(
                "invalid upload key id {key_id:?}: expected 64 lowercase hex digits, as \
                 key_id in `sealpost upload-key show`"
            ),
        });
    }
    let path = format!("/v1/upload-key/{key_id}/retire");
    connection
        .send_json(connection.request(Method::POST, &path))
        .await
}
