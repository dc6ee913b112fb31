//! One-time invitations to join an account.

use sealpost_api::Role;
use sqlx::Row;
use uuid::Uuid;

use super::parse_id;
use crate::db::{Db, now};

/// A stored invitation.
#[derive(Debug, Clone)]
pub struct InvitationRecord {
    /// The invitation id.
    pub id: Uuid,
    /// The account to join.
    pub account_id: Uuid,
    /// The invitee's normalised email.
    pub email: String,
    /// The role on joining.
    pub role: Role,
    /// Unix seconds after which the token fails.
    pub expires_at: i64,
    /// Unix seconds of acceptance; an accepted invitation cannot be used again.
    pub accepted_at: Option<i64>,
}

/// Stores an invitation.
pub async fn create(
    db: &Db,
    token_hash: &str,
    account_id: Uuid,
    email: &str,
    role: Role,
    created_by: Uuid,
    expires_at: i64,
) -> Result<Uuid, sqlx::Error> {
    let id = Uuid::new_v4();
    sqlx::query(
        "INSERT INTO invitations (id, token_hash, account_id, email, role, created_by, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(id.to_string())
    .bind(token_hash)
    .bind(account_id.to_string())
    .bind(email)
    .bind(role.as_str())
    .bind(created_by.to_string())
    .bind(now())
    .bind(expires_at)
    .execute(db.pool())
    .await?;
    Ok(id)
}

/// Finds an invitation by its token hash.
pub async fn find(db: &Db, token_hash: &str) -> Result<Option<InvitationRecord>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT id, account_id, email, role, expires_at, accepted_at FROM invitations WHERE token_hash = $1",
    )
    .bind(token_hash)
    .fetch_optional(db.pool())
    .await?;
    let Some(row) = row else { return Ok(None) };
    let role: String = row.try_get("role")?;
    Ok(Some(InvitationRecord {
        id: parse_id(row.try_get("id")?)?,
        account_id: parse_id(row.try_get("account_id")?)?,
        email: row.try_get("email")?,
        role: role
            .parse()
            .map_err(|error| sqlx::Error::Decode(Box::new(error)))?,
        expires_at: row.try_get("expires_at")?,
        accepted_at: row.try_get("accepted_at")?,
    }))
}

/// Marks an invitation used; returns false when another request used it first.
pub async fn mark_accepted(db: &Db, id: Uuid) -> Result<bool, sqlx::Error> {
    let result = sqlx::query(
        "UPDATE invitations SET accepted_at = $1 WHERE id = $2 AND accepted_at IS NULL",
    )
    .bind(now())
    .bind(id.to_string())
    .execute(db.pool())
    .await?;
    Ok(result.rows_affected() == 1)
}
