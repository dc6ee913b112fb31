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
