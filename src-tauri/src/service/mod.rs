//! Calls to the platform service over the client library, converted to bridge types.

pub mod errors;
pub mod history;
pub mod session;
pub mod team;

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// Formats a timestamp as RFC 3339 for the UI.
pub(crate) fn rfc3339(at: OffsetDateTime) -> String {
    at.format(&Rfc3339).unwrap_or_else(|_| at.to_string())
}

/// Parses an id the UI sent back, naming the field when it is not a UUID.
pub(crate) fn parse_id(what: &str, text: &str) -> crate::types::AppResult<uuid::Uuid> {
    uuid::Uuid::parse_str(text.trim()).map_err(|_| {
        crate::types::AppError::invalid_input(format!(
            "the {what} {text:?} is not a valid id; reload the list and try again"
        ))
    })
}
