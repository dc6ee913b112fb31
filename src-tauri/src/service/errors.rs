//! Conversion of the client library's errors to the codes the UI switches on.

use sealpost_client::ClientError;

use crate::types::AppError;

/// Converts a client error, renaming the few codes the app contract spells differently.
pub fn from_client(error: &ClientError) -> AppError {
    let code = match error.code() {
        "auth.sign_in_failed" => "auth.invalid_credentials",
        "auth.sign_in_locked" => "auth.locked",
        "config.insecure_url" => "config.http_url_refused",
        "secrets.keyring_unavailable" => "keyring.unavailable",
        other => other,
    };
    let retry_after_seconds = match error {
        ClientError::RateLimited { retry_after } | ClientError::SignInLocked { retry_after } => {
            Some(retry_after.map_or(60, |delay| delay.as_secs()))
        }
        _ => None,
    };
    AppError {
        code: code.to_owned(),
        message: error.to_string(),
        retry_after_seconds,
    }
}

impl From<ClientError> for AppError {
    fn from(error: ClientError) -> Self {
        from_client(&error)
    }
}
