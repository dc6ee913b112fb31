//! Members, API tokens, the upload key and the audit log, for admins.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::settings::Role;

/// A member of the account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Member {
    /// Member id.
    pub id: String,
    /// Sign-in email.
    pub email: String,
    /// Display name.
    pub name: String,
    /// Role.
    pub role: Role,
    /// False once deactivated.
    pub active: bool,
    /// Whether the member has a second factor.
    pub totp_enabled: bool,
    /// When the member joined (RFC 3339).
    pub created_at: String,
}

/// The `invite_member` request.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct InviteRequest {
    /// Invitee's email.
    pub email: String,
    /// Role on accepting.
    pub role: Role,
}

/// A created invitation; the token is shown only once.
#[derive(Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Invitation {
    /// Invitation id.
    pub id: String,
    /// Invitee's email.
    pub email: String,
    /// Role on accepting.
    pub role: Role,
    /// One-time token to send to the invitee.
    pub token: String,
    /// When the token stops working (RFC 3339).
    pub expires_at: String,
}

impl std::fmt::Debug for Invitation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Invitation")
            .field("id", &self.id)
            .field("role", &self.role)
            .finish_non_exhaustive()
    }
}

/// The `set_member_role` request.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SetRoleRequest {
    /// Member id.
    pub member_id: String,
    /// New role.
    pub role: Role,
}

/// What the service stores about an API token; never the token itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TokenInfo {
    /// Token id.
    pub id: String,
    /// The member it acts for.
    pub member_id: String,
    /// Label.
    pub name: String,
    /// Scopes (permission names).
    pub permissions: Vec<String>,
    /// When it was created (RFC 3339).
    pub created_at: String,
    /// When it was last used.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub last_used_at: Option<String>,
    /// When it expires.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub expires_at: Option<String>,
    /// When it was revoked.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub revoked_at: Option<String>,
}

/// The `create_token` request.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CreateTokenRequest {
    /// Label.
    pub name: String,
    /// Scopes (permission names).
    pub scopes: Vec<String>,
    /// Days until expiry, 1 to 3650.
    #[serde(default)]
    #[ts(optional)]
    pub expires_in_days: Option<u32>,
}

/// A new or rotated token; the token is shown only here.
#[derive(Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TokenCreated {
    /// The bearer token.
    pub token: String,
    /// Its stored description.
    pub info: TokenInfo,
}

impl std::fmt::Debug for TokenCreated {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenCreated")
            .field("info", &self.info)
            .finish_non_exhaustive()
    }
}

/// The account's upload public key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct UploadKeyInfo {
    /// The X25519 public key, `sealpost-recipient-v1:` and 64 hex digits.
    pub public_key: String,
    /// The key id recorded in sealed lists: 64 hex digits.
    pub key_id: String,
    /// 1 for the first key, one more per rotation.
    pub generation: i64,
    /// When it was created (RFC 3339).
    pub created_at: String,
}

/// The `audit_list` request.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
pub struct AuditRequest {
    /// Action such as `session.created`.
    #[ts(optional)]
    pub action: Option<String>,
    /// Member id of the actor.
    #[ts(optional)]
    pub member: Option<String>,
    /// Earliest time (RFC 3339).
    #[ts(optional)]
    pub from: Option<String>,
    /// Latest time (RFC 3339).
    #[ts(optional)]
    pub to: Option<String>,
    /// The `nextCursor` of the previous page.
    #[ts(optional)]
    pub cursor: Option<String>,
}

/// One audit log entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AuditEntry {
    /// Position in the chain, from 1.
    pub seq: i64,
    /// When it happened (RFC 3339).
    pub at: String,
    /// Who acted, such as `member:ID`.
    pub actor: String,
    /// Action such as `member.role_changed`.
    pub action: String,
    /// What was acted on.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub target: Option<String>,
    /// `success`, `failure` or `denied`.
    pub outcome: String,
    /// The client's IP address.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub client_address: Option<String>,
    /// Extra facts as JSON text, never secrets.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub details: Option<String>,
    /// The request id.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub request_id: Option<String>,
}

/// A page of audit entries, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AuditPage {
    /// The entries.
    pub items: Vec<AuditEntry>,
    /// Pass as `cursor` for the next, older page.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub next_cursor: Option<String>,
}

/// The result of checking the audit log's hash chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AuditVerification {
    /// True when every entry's hash matches.
    pub ok: bool,
    /// Entries checked.
    pub entries: u64,
    /// Sequence number of the first entry whose hash does not match.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub first_bad_entry: Option<u64>,
}
