//! The account's upload public key, which clients seal lists to.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;

/// The body of `GET /v1/upload-key` and of a rotation's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UploadKey {
    /// The X25519 public key in the envelope text form, `sealpost-recipient-v1:` and 64
    /// hex digits.
    #[schema(
        example = "sealpost-recipient-v1:0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0"
    )]
    pub public_key: String,
    /// The key id recorded in envelopes sealed to this key: 64 lowercase hex digits.
    pub key_id: String,
    /// 1 for the account's first key, one more for each rotation.
    pub generation: i64,
    /// When the key pair was created.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// When an admin retired the key; uploads sealed to a retired key are rejected.
    /// Absent for a key in use.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(with = "time::serde::rfc3339::option")]
    pub retired_at: Option<OffsetDateTime>,
}
