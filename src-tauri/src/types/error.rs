//! The one error type every command returns.

use serde::Serialize;
use ts_rs::TS;

/// A command failure the UI can switch on: a stable `code` and a message fit to show.
///
/// Codes come from the client crate (`auth.*`, `tls.*`, `net.*`, `http.*`, `permission.*`,
/// `keyring.*`, `config.*`) and from the app itself (`list.*`, `upload.not_found`,
/// `io.error`, `session.none`, `input.invalid`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS, thiserror::Error)]
#[serde(rename_all = "camelCase")]
#[error("{code}: {message}")]
pub struct AppError {
    /// Stable machine-readable code such as `auth.invalid_credentials`.
    pub code: String,
    /// What failed and what to do next, without secrets or list contents.
    pub message: String,
    /// Seconds to wait before retrying, for `http.rate_limited` and `auth.locked`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub retry_after_seconds: Option<u64>,
}

impl AppError {
    /// Creates an error with `code` and `message` and no retry hint.
    pub fn new(code: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            code: code.into(),
            message: message.into(),
            retry_after_seconds: None,
        }
    }

    /// Creates an `input.invalid` error for a request field the UI sent wrongly.
    pub fn invalid_input(message: impl Into<String>) -> Self {
        Self::new("input.invalid", message)
    }

    /// Creates an `io.error` error naming what was being done.
    pub fn io(action: &str, error: &std::io::Error) -> Self {
        Self::new("io.error", format!("{action} failed: {error}"))
    }

    /// Creates the `session.none` error for commands that need a signed-in member.
    pub fn not_signed_in() -> Self {
        Self::new(
            "session.none",
            "you are not signed in; sign in and try again",
        )
    }
}

/// The result type of every command.
pub type AppResult<T> = Result<T, AppError>;
