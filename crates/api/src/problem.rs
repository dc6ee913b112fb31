//! RFC 9457 problem documents, the body of every error response.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The media type of a problem document.
pub const PROBLEM_CONTENT_TYPE: &str = "application/problem+json";

/// An error response body (RFC 9457). Clients branch on `type`, never on `title` or
/// `detail`, which are for people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Problem {
    /// A stable URN naming the kind of problem, such as `urn:sealpost:problem:not-found`.
    #[serde(rename = "type")]
    pub problem_type: String,
    /// A short summary of the kind of problem, the same for every occurrence.
    pub title: String,
    /// The HTTP status code of the response.
    pub status: u16,
    /// What went wrong in this occurrence and what to do about it. Never contains
    /// secrets or, for 5xx responses, anything internal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// The request id, also sent in the `x-request-id` header and written to the logs.
    pub request_id: String,
}

/// The kinds of problem the service reports, each with its stable URN and status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ProblemType {
    /// The request body or a parameter is malformed or has unknown fields.
    InvalidRequest,
    /// No valid credential was presented, or sign-in failed.
    Unauthenticated,
    /// A second factor is required to sign in.
    TotpRequired,
    /// The credential is valid but lacks the permission for this operation.
    Forbidden,
    /// The object does not exist in the caller's account.
    NotFound,
    /// The request conflicts with the current state, such as removing the last admin.
    Conflict,
    /// The request body is larger than the service accepts.
    PayloadTooLarge,
    /// The body is not `application/json`.
    UnsupportedMediaType,
    /// Too many requests from this credential or address; see `Retry-After`.
    RateLimited,
    /// Sign-in for this email is locked after repeated failures; see `Retry-After`.
    SignInLocked,
    /// The service failed; the request id identifies the logged cause.
    Internal,
    /// The service is not ready, for example its database is unreachable.
    Unavailable,
    /// A tus request lacks `Tus-Resumable: 1.0.0`, the only protocol version served.
    UnsupportedTusVersion,
    /// The upload expired or was terminated.
    Gone,
    /// A tus PATCH body does not match its `Upload-Checksum`; its bytes were discarded.
    ChecksumMismatch,
}

impl ProblemType {
    /// The stable URN sent as the problem's `type`.
    pub fn urn(self) -> &'static str {
        match self {
            ProblemType::InvalidRequest => "urn:sealpost:problem:invalid-request",
            ProblemType::Unauthenticated => "urn:sealpost:problem:unauthenticated",
            ProblemType::TotpRequired => "urn:sealpost:problem:totp-required",
            ProblemType::Forbidden => "urn:sealpost:problem:forbidden",
            ProblemType::NotFound => "urn:sealpost:problem:not-found",
            ProblemType::Conflict => "urn:sealpost:problem:conflict",
            ProblemType::PayloadTooLarge => "urn:sealpost:problem:payload-too-large",
            ProblemType::UnsupportedMediaType => "urn:sealpost:problem:unsupported-media-type",
            ProblemType::RateLimited => "urn:sealpost:problem:rate-limited",
            ProblemType::SignInLocked => "urn:sealpost:problem:sign-in-locked",
            ProblemType::Internal => "urn:sealpost:problem:internal",
            ProblemType::Unavailable => "urn:sealpost:problem:unavailable",
            ProblemType::UnsupportedTusVersion => "urn:sealpost:problem:unsupported-tus-version",
            ProblemType::Gone => "urn:sealpost:problem:gone",
            ProblemType::ChecksumMismatch => "urn:sealpost:problem:checksum-mismatch",
        }
    }

    /// The HTTP status code this kind of problem is sent with.
    pub fn status(self) -> u16 {
        match self {
            ProblemType::InvalidRequest => 400,
            ProblemType::Unauthenticated | ProblemType::TotpRequired => 401,
            ProblemType::Forbidden => 403,
            ProblemType::NotFound => 404,
            ProblemType::Conflict => 409,
            ProblemType::PayloadTooLarge => 413,
            ProblemType::UnsupportedMediaType => 415,
            ProblemType::RateLimited | ProblemType::SignInLocked => 429,
            ProblemType::Internal => 500,
            ProblemType::Unavailable => 503,
            ProblemType::UnsupportedTusVersion => 412,
            ProblemType::Gone => 410,
            // The status the tus checksum extension defines.
            ProblemType::ChecksumMismatch => 460,
        }
    }

    /// The fixed summary sent as the problem's `title`.
    pub fn title(self) -> &'static str {
        match self {
            ProblemType::InvalidRequest => "Invalid request",
            ProblemType::Unauthenticated => "Authentication required",
            ProblemType::TotpRequired => "Second factor required",
            ProblemType::Forbidden => "Permission denied",
            ProblemType::NotFound => "Not found",
            ProblemType::Conflict => "Conflict",
            ProblemType::PayloadTooLarge => "Request body too large",
            ProblemType::UnsupportedMediaType => "Unsupported media type",
            ProblemType::RateLimited => "Too many requests",
            ProblemType::SignInLocked => "Sign-in temporarily locked",
            ProblemType::Internal => "Internal server error",
            ProblemType::Unavailable => "Service unavailable",
            ProblemType::UnsupportedTusVersion => "Unsupported tus version",
            ProblemType::Gone => "Upload gone",
            ProblemType::ChecksumMismatch => "Checksum mismatch",
        }
    }

    /// Builds a problem document of this kind.
    pub fn problem(self, detail: Option<String>, request_id: String) -> Problem {
        Problem {
            problem_type: self.urn().to_owned(),
            title: self.title().to_owned(),
            status: self.status(),
            detail,
            request_id,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problem_serialises_type_field() {
        let problem = ProblemType::NotFound.problem(None, "req-1".to_owned());
        let json = serde_json::to_value(&problem).unwrap();
        assert_eq!(json["type"], "urn:sealpost:problem:not-found");
        assert_eq!(json["status"], 404);
        assert!(json.get("detail").is_none());
    }
}
