//! Queries, one module per table. Every query that reads or changes a tenant's object
//! takes the caller's account id and filters by it, so an id from another account
//! behaves exactly like an id that does not exist.

pub mod accounts;
pub mod history;
pub mod invitations;
pub mod lockout;
pub mod members;
pub mod sessions;
pub mod tokens;
pub mod upload_keys;
pub mod uploads;

use uuid::Uuid;

/// Parses a stored UUID; the schema only ever stores ones the service generated.
pub(crate) fn parse_id(text: &str) -> Result<Uuid, sqlx::Error> {
    Uuid::parse_str(text).map_err(|error| sqlx::Error::Decode(Box::new(error)))
}

/// Stored booleans are 0 or 1 in both backends.
pub(crate) fn flag(value: bool) -> i64 {
    i64::from(value)
}
