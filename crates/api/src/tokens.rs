//! API tokens for integrations and the command-line client.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::Permission;

/// The body of `POST /v1/tokens`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApiTokenRequest {
    /// A label to recognise the token by, such as `nightly export`.
    pub name: String,
    /// The scopes; each must be a permission of the member's role.
    #[schema(min_items = 1)]
    pub permissions: Vec<Permission>,
    /// Days until the token expires; without it the token expires only through
    /// revocation or the idle limit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 1, maximum = 3650)]
    pub expires_in_days: Option<u32>,
}

/// The body of `POST /v1/tokens/{token_id}/rotate`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RotateTokenRequest {
    /// Seconds during which the old token keeps working; at most 7 days. Without it the
    /// service's configured grace period applies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(maximum = 604_800)]
    pub grace_period_seconds: Option<u32>,
}

/// What the service stores about an API token; never the token itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApiTokenInfo {
    /// The token id.
    pub id: Uuid,
    /// The member the token acts for.
    pub member_id: Uuid,
    /// The label given at creation.
    pub name: String,
    /// The scopes.
    pub permissions: Vec<Permission>,
    /// When the token was created.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// When the token last authenticated a request.
    #[serde(with = "time::serde::rfc3339::option")]
    pub last_used_at: Option<OffsetDateTime>,
    /// When the token expires, if it has a fixed expiry. A rotated token expires at the
    /// end of its grace period.
    #[serde(with = "time::serde::rfc3339::option")]
    pub expires_at: Option<OffsetDateTime>,
    /// When the token was revoked.
    #[serde(with = "time::serde::rfc3339::option")]
    pub revoked_at: Option<OffsetDateTime>,
}

/// The response body of `GET /v1/tokens`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApiTokenList {
    /// The tokens, newest first.
    pub tokens: Vec<ApiTokenInfo>,
}

/// A new API token. The token is shown only here.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApiTokenCreated {
    /// The bearer token. The service stores only its SHA-256 hash.
    pub token: String,
    /// The stored description of the token.
    pub info: ApiTokenInfo,
}

impl std::fmt::Debug for ApiTokenCreated {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApiTokenCreated")
            .field("token", &"<redacted>")
            .field("info", &self.info)
            .finish()
    }
}
