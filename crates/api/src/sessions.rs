//! Sign-in and session bodies.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;

use crate::Member;

/// The body of `POST /v1/sessions`.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignInRequest {
    /// The member's email address; compared case-insensitively.
    pub email: String,
    /// The member's password.
    pub password: String,
    /// The current six-digit code of the member's authenticator app, when the member
    /// has enrolled a second factor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub totp: Option<String>,
}

// Hand-written so that the password and code never reach a log through `{:?}`.
impl std::fmt::Debug for SignInRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignInRequest")
            .field("email", &self.email)
            .field("password", &"<redacted>")
            .field("totp", &self.totp.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

/// The response body of a successful sign-in. The token is shown only here.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SessionCreated {
    /// The bearer token for `Authorization: Bearer TOKEN`. The service stores only its
    /// SHA-256 hash, so it cannot be shown again.
    pub token: String,
    /// When the session ends regardless of activity.
    #[serde(with = "time::serde::rfc3339")]
    pub expires_at: OffsetDateTime,
    /// Seconds of inactivity after which the session ends.
    pub idle_timeout_seconds: u64,
    /// The signed-in member.
    pub member: Member,
}

impl std::fmt::Debug for SessionCreated {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionCreated")
            .field("token", &"<redacted>")
            .field("expires_at", &self.expires_at)
            .field("idle_timeout_seconds", &self.idle_timeout_seconds)
            .field("member", &self.member)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_in_rejects_unknown_fields() {
        let body = r#"{"email":"a@example.com","password":"x","remember":true}"#;
        let error = serde_json::from_str::<SignInRequest>(body).unwrap_err();
        assert!(error.to_string().contains("unknown field"), "{error}");
    }

    #[test]
    fn sign_in_debug_hides_password() {
        let request = SignInRequest {
            email: "a@example.com".to_owned(),
            password: "hunter2-secret".to_owned(),
            totp: Some("123456".to_owned()),
        };
        let debug = format!("{request:?}");
        assert!(!debug.contains("hunter2-secret"));
        assert!(!debug.contains("123456"));
    }
}
