//! Audit log entries as the API returns them.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;
use uuid::Uuid;

/// One entry of the hash-chained audit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AuditEntry {
    /// The position in the chain, starting at 1.
    pub seq: i64,
    /// When the event happened.
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    /// The account the event belongs to, if any.
    pub account_id: Option<Uuid>,
    /// The actor: `member:ID`, `member:ID token:ID` when an API token acted,
    /// `email:ADDRESS` for sign-in attempts, `system` for alerts or `cli`.
    pub actor: String,
    /// The action, such as `session.created` or `member.role_changed`.
    pub action: String,
    /// The object acted on, such as `member:ID`.
    pub target: Option<String>,
    /// `success`, `failure` or `denied`.
    pub outcome: String,
    /// The client IP address, if the event came from a request.
    pub client_address: Option<String>,
    /// The request id, if the event came from a request.
    pub request_id: Option<String>,
    /// Extra facts as a JSON object, never secrets.
    pub details: Option<String>,
    /// The hash of the previous entry, in hex.
    pub prev_hash: String,
    /// The SHA-256 of this entry's canonical encoding, in hex.
    pub hash: String,
}

/// A page of `GET /v1/audit`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AuditPage {
    /// The entries, newest first.
    pub entries: Vec<AuditEntry>,
    /// Pass as `before` to get the next, older page; absent on the last page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_before: Option<i64>,
}
