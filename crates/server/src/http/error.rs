//! Errors as RFC 9457 problem documents.
//!
//! A handler returns [`ApiError`]; its response carries the problem's parts in an
//! extension and no body. The [`render_problems`](super::middleware::render_problems)
//! middleware then writes the body with the request id, logs a 5xx cause once, and
//! turns any other error response (unknown route, wrong method, body limit) into a
//! problem document as well, so every error has the same shape.

use std::sync::Arc;

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sealpost_api::ProblemType;

/// An error response.
#[derive(Debug)]
pub struct ApiError {
    kind: ProblemType,
    detail: Option<String>,
    retry_after: Option<u64>,
    rate_limit: Option<crate::ratelimit::Limited>,
    internal: Option<anyhow::Error>,
}

/// What the problem renderer needs from a handler's error.
#[derive(Debug, Clone)]
pub(crate) struct ProblemParts {
    pub(crate) kind: ProblemType,
    pub(crate) detail: Option<String>,
    /// The internal cause of a 5xx, logged and never sent.
    pub(crate) internal: Option<Arc<anyhow::Error>>,
}

impl ApiError {
    /// An error of `kind` with a message for the caller. The message must not contain
    /// secrets.
    pub fn new(kind: ProblemType, detail: impl Into<String>) -> Self {
        Self {
            kind,
            detail: Some(detail.into()),
            retry_after: None,
            rate_limit: None,
            internal: None,
        }
    }

    /// A 400 for a malformed request.
    pub fn invalid(detail: impl Into<String>) -> Self {
        Self::new(ProblemType::InvalidRequest, detail)
    }

    /// A 404 that says nothing about whether the object exists in another account.
    pub fn not_found(what: &str) -> Self {
        Self::new(
            ProblemType::NotFound,
            format!("no such {what} in your account"),
        )
    }

    /// A 401 for a missing or unusable credential.
    pub fn unauthenticated(detail: impl Into<String>) -> Self {
        Self::new(ProblemType::Unauthenticated, detail)
    }

    /// A 429 of `kind` with a `Retry-After` of `seconds`.
    pub fn retry_after(kind: ProblemType, detail: impl Into<String>, seconds: u64) -> Self {
        Self {
            retry_after: Some(seconds.max(1)),
            ..Self::new(kind, detail)
        }
    }

    /// A 500 whose cause is logged with the request id and never sent.
    pub fn internal(cause: impl Into<anyhow::Error>) -> Self {
        Self {
            kind: ProblemType::Internal,
            detail: None,
            retry_after: None,
            rate_limit: None,
            internal: Some(cause.into()),
        }
    }

    /// The kind of problem.
    pub fn kind(&self) -> ProblemType {
        self.kind
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(error: sqlx::Error) -> Self {
        Self::internal(error)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status =
            StatusCode::from_u16(self.kind.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut response = status.into_response();
        if let Some(seconds) = self.retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        if let Some(limited) = self.rate_limit {
            // The IETF `RateLimit-Policy` and `RateLimit` fields
            // (draft-ietf-httpapi-ratelimit-headers): quota per 60-second window, and
            // zero remaining until the reset in `t` seconds.
            let policy = format!("\"{}\";q={};w=60", limited.policy, limited.per_minute);
            let current = format!(
                "\"{}\";r=0;t={}",
                limited.policy, limited.retry_after_seconds
            );
            for (name, value) in [("ratelimit-policy", policy), ("ratelimit", current)] {
                if let Ok(value) = HeaderValue::from_str(&value) {
                    response
                        .headers_mut()
                        .insert(axum::http::HeaderName::from_static(name), value);
                }
            }
        }
        if self.kind == ProblemType::Unauthenticated {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response.extensions_mut().insert(ProblemParts {
            kind: self.kind,
            detail: self.detail,
            internal: self.internal.map(Arc::new),
        });
        response
    }
}

/// The problem kind for an error status that no handler described, such as the
/// router's own 404 and 405 or the body limit's 413.
pub(crate) fn kind_for_status(status: StatusCode) -> ProblemType {
    match status.as_u16() {
        401 => ProblemType::Unauthenticated,
        403 => ProblemType::Forbidden,
        404 | 405 => ProblemType::NotFound,
        409 => ProblemType::Conflict,
        410 => ProblemType::Gone,
        412 => ProblemType::UnsupportedTusVersion,
        413 => ProblemType::PayloadTooLarge,
        415 => ProblemType::UnsupportedMediaType,
        429 => ProblemType::RateLimited,
        460 => ProblemType::ChecksumMismatch,
        400..=499 => ProblemType::InvalidRequest,
        503 => ProblemType::Unavailable,
        _ => ProblemType::Internal,
    }
}

impl ApiError {
    /// A 429 from a rate limiter, with the `RateLimit` headers.
    pub fn limited(limited: crate::ratelimit::Limited) -> Self {
        Self {
            rate_limit: Some(limited),
            ..Self::retry_after(
                ProblemType::RateLimited,
                format!(
                    "too many requests for this {}; retry after the Retry-After delay",
                    limited.policy
                ),
                limited.retry_after_seconds,
            )
        }
    }
}
