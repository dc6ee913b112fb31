//! Accounts, members, invitations and the second factor.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::{CredentialKind, Permission, Role};

/// An account (tenant). Every other object belongs to exactly one account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Account {
    /// The account id.
    pub id: Uuid,
    /// The display name, such as `Acme Mail`.
    pub name: String,
    /// Whether admins must sign in with a second factor.
    pub require_admin_totp: bool,
}

/// A member of an account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Member {
    /// The member id.
    pub id: Uuid,
    /// The account the member belongs to.
    pub account_id: Uuid,
    /// The sign-in email address, stored in lowercase.
    pub email: String,
    /// The display name.
    pub name: String,
    /// The member's one role.
    pub role: Role,
    /// False once an admin has deactivated the member; a deactivated member cannot sign
    /// in and all their sessions and tokens stop working.
    pub active: bool,
    /// Whether the member has a confirmed second factor.
    pub totp_enabled: bool,
    /// When the member joined.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

/// The response body of `GET /v1/members`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MemberList {
    /// The account's members, oldest first.
    pub members: Vec<Member>,
}

/// The response body of `GET /v1/me`: who the credential belongs to and what it may do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Me {
    /// The member the credential belongs to.
    pub member: Member,
    /// The member's account.
    pub account: Account,
    /// The member's role.
    pub role: Role,
    /// What this credential may do: the role's permissions for a session, the token's
    /// scopes that the role still grants for an API token.
    pub permissions: Vec<Permission>,
    /// How the request was authenticated.
    pub credential: CredentialKind,
}

/// The body of `POST /v1/invitations`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InvitationRequest {
    /// The invitee's email address.
    pub email: String,
    /// The role the invitee gets on accepting.
    pub role: Role,
}

/// A created invitation. The token is shown only here; send it to the invitee.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InvitationCreated {
    /// The invitation id.
    pub id: Uuid,
    /// The invitee's email address.
    pub email: String,
    /// The role the invitee gets.
    pub role: Role,
    /// The one-time token for `POST /v1/invitations/accept`.
    pub token: String,
    /// When the token stops working.
    #[serde(with = "time::serde::rfc3339")]
    pub expires_at: OffsetDateTime,
}

impl std::fmt::Debug for InvitationCreated {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InvitationCreated")
            .field("id", &self.id)
            .field("email", &self.email)
            .field("role", &self.role)
            .field("token", &"<redacted>")
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

/// The body of `POST /v1/invitations/accept`.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AcceptInvitationRequest {
    /// The invitation token.
    pub token: String,
    /// The new member's display name.
    pub name: String,
    /// The new member's password, at least 12 characters and at most 1024 bytes.
    #[schema(min_length = 12)]
    pub password: String,
}

impl std::fmt::Debug for AcceptInvitationRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AcceptInvitationRequest")
            .field("token", &"<redacted>")
            .field("name", &self.name)
            .field("password", &"<redacted>")
            .finish()
    }
}

/// The body of `PATCH /v1/members/{member_id}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RoleChangeRequest {
    /// The member's new role.
    pub role: Role,
}

/// The body of `PATCH /v1/account`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AccountSettingsRequest {
    /// Whether admins must sign in with a second factor.
    pub require_admin_totp: bool,
}

/// The response body of `POST /v1/me/totp`: a new, not yet confirmed, TOTP secret.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TotpEnrollment {
    /// The shared secret in base32, for manual entry.
    pub secret: String,
    /// The `otpauth://` URI for a QR code.
    pub otpauth_url: String,
}

impl std::fmt::Debug for TotpEnrollment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TotpEnrollment { .. }")
    }
}

/// The body of `POST /v1/me/totp/confirm`.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TotpConfirmRequest {
    /// The current six-digit code from the authenticator app.
    pub code: String,
}

impl std::fmt::Debug for TotpConfirmRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TotpConfirmRequest { .. }")
    }
}

/// The response body of `/healthz` and `/readyz`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Health {
    /// `ok`, or `unavailable` for a failed readiness check.
    pub status: String,
}
