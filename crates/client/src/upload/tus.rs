//! The client side of tus 1.0.0 as the service speaks it: creation, HEAD and PATCH with
//! `Upload-Checksum`.

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use reqwest::Method;
use reqwest::header::{CONTENT_TYPE, HeaderMap, LOCATION};
use sha2::{Digest, Sha256};

use super::error::UploadError;
use crate::connection::Connection;
use crate::error::ClientError;

const TUS_VERSION: &str = "1.0.0";
const OFFSET_CONTENT_TYPE: &str = "application/offset+octet-stream";
/// The collection that uploads are created in.
pub(crate) const UPLOADS_PATH: &str = "/v1/uploads";

/// The progress of an upload on the service.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Offset {
    /// Bytes stored durably.
    pub(crate) offset: u64,
    /// The announced length.
    pub(crate) length: u64,
}

/// A failed tus request: either the service's error or a protocol violation.
#[derive(Debug)]
pub(crate) enum TusError {
    Client(ClientError),
    Protocol(String),
}

impl From<ClientError> for TusError {
    fn from(error: ClientError) -> Self {
        TusError::Client(error)
    }
}

impl From<TusError> for UploadError {
    fn from(error: TusError) -> Self {
        match error {
            TusError::Client(error) => UploadError::Client(error),
            TusError::Protocol(message) => UploadError::Protocol(message),
        }
    }
}

impl std::fmt::Display for TusError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TusError::Client(error) => error.fmt(f),
            TusError::Protocol(message) => f.write_str(message),
        }
    }
}

/// Encodes `Upload-Metadata`: comma-separated `key base64value` pairs.
pub(crate) fn metadata_header(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(key, value)| format!("{key} {}", STANDARD.encode(value)))
        .collect::<Vec<_>>()
        .join(",")
}

/// Encodes `Upload-Checksum` for `body`.
pub(crate) fn checksum_header(body: &[u8]) -> String {
    format!("sha256 {}", STANDARD.encode(Sha256::digest(body)))
}

fn header_u64(headers: &HeaderMap, name: &str) -> Result<u64, TusError> {
    headers
        .get(name)
        .and_then(|value| value.to_str().ok())
        .and_then(|text| text.trim().parse::<u64>().ok())
        .ok_or_else(|| TusError::Protocol(format!("the response has no valid `{name}` header")))
}

/// Creates an upload of `length` bytes and returns its path, such as `/v1/uploads/ID`.
pub(crate) async fn create(
    connection: &Connection,
    length: u64,
    metadata: &str,
) -> Result<String, TusError> {
    let mut request = connection
        .request(Method::POST, UPLOADS_PATH)
        .header("tus-resumable", TUS_VERSION)
        .header("upload-length", length);
    if !metadata.is_empty() {
        request = request.header("upload-metadata", metadata);
    }
    let response = connection.send(request).await?;
    let location = response
        .headers()
        .get(LOCATION)
        .and_then(|value| value.to_str().ok())
        .ok_or_else(|| TusError::Protocol("the creation response has no `Location`".to_owned()))?;
    upload_path(connection, location)
}

/// Reduces a `Location` to a path under the connection's base URL, rejecting one that
/// points elsewhere, so upload bytes only ever go to the configured service.
fn upload_path(connection: &Connection, location: &str) -> Result<String, TusError> {
    let base = connection.base_url().as_str().trim_end_matches('/');
    let path = if let Some(rest) = location.strip_prefix(base) {
        rest
    } else if location.starts_with('/') && !location.starts_with("//") {
        let base_path = connection.base_url().path().trim_end_matches('/');
        location.strip_prefix(base_path).unwrap_or(location)
    } else {
        return Err(TusError::Protocol(format!(
            "the upload's `Location` {location:?} is not on this service"
        )));
    };
    if !path.starts_with(UPLOADS_PATH) {
        return Err(TusError::Protocol(format!(
            "the upload's `Location` {location:?} is not under {UPLOADS_PATH}"
        )));
    }
    Ok(path.to_owned())
}

/// Asks the service how many bytes of the upload it holds.
pub(crate) async fn head(connection: &Connection, path: &str) -> Result<Offset, TusError> {
    let request = connection
        .request(Method::HEAD, path)
        .header("tus-resumable", TUS_VERSION);
    let response = connection.send(request).await?;
    Ok(Offset {
        offset: header_u64(response.headers(), "upload-offset")?,
        length: header_u64(response.headers(), "upload-length")?,
    })
}

/// Appends `body` at `offset` and returns the new offset the service reports.
pub(crate) async fn patch(
    connection: &Connection,
    path: &str,
    offset: u64,
    body: Vec<u8>,
    timeout: Duration,
) -> Result<u64, TusError> {
    let sent = body.len() as u64;
    let request = connection
        .request(Method::PATCH, path)
        .header("tus-resumable", TUS_VERSION)
        .header("upload-offset", offset)
        .header("upload-checksum", checksum_header(&body))
        .header(CONTENT_TYPE, OFFSET_CONTENT_TYPE)
        .timeout(timeout)
        .body(body);
    let response = connection.send(request).await?;
    let new_offset = header_u64(response.headers(), "upload-offset")?;
    if new_offset != offset + sent {
        return Err(TusError::Protocol(format!(
            "after sending {sent} bytes at offset {offset} the service reports offset {new_offset}"
        )));
    }
    Ok(new_offset)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::connection::ServerConfig;
    use crate::credential::Credential;

    fn connection(url: &str) -> Connection {
        Connection::new(&ServerConfig::new(url), Credential::None).unwrap()
    }

    #[test]
    fn metadata_pairs_are_base64() {
        assert_eq!(
            metadata_header(&[("campaign", "abc"), ("fingerprint", "x")]),
            "campaign YWJj,fingerprint eA=="
        );
    }

    #[test]
    fn checksum_is_sha256_base64() {
        assert_eq!(
            checksum_header(b"abc"),
            "sha256 ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0="
        );
    }

    #[test]
    fn location_forms() {
        let plain = connection("https://127.0.0.1:8443");
        assert_eq!(
            upload_path(&plain, "/v1/uploads/abc").unwrap(),
            "/v1/uploads/abc"
        );
        assert_eq!(
            upload_path(&plain, "https://127.0.0.1:8443/v1/uploads/abc").unwrap(),
            "/v1/uploads/abc"
        );
        let prefixed = connection("https://127.0.0.1:8443/api");
        assert_eq!(
            upload_path(&prefixed, "/api/v1/uploads/abc").unwrap(),
            "/v1/uploads/abc"
        );
    }

    #[test]
    fn foreign_location_is_rejected() {
        let plain = connection("https://127.0.0.1:8443");
        for location in [
            "https://elsewhere.example/v1/uploads/abc",
            "//elsewhere.example/v1/uploads/abc",
            "/v1/me",
        ] {
            assert!(upload_path(&plain, location).is_err(), "{location}");
        }
    }
}
