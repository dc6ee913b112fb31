//! Interactive sessions.

use sealpost_api::Role;
use sqlx::Row;
use uuid::Uuid;

use super::parse_id;
use crate::db::{Db, now};

/// A stored session joined with its member's current role and state.
#[derive(Debug, Clone)]
pub struct SessionRecord {
    /// The session id.
    pub id: Uuid,
    /// The account.
    pub account_id: Uuid,
    /// The member.
    pub member_id: Uuid,
    /// The member's current role.
    pub role: Role,
    /// Whether the member is active.
    pub member_active: bool,
    /// Unix seconds of the last authenticated request.
    pub last_seen_at: i64,
    /// Unix seconds of the absolute end.
    pub expires_at: i64,
    /// Unix seconds of sign-out, if signed out.
    pub revoked_at: Option<i64>,
}

/// Stores a new session.
pub async fn create(
    db: &Db,
    token_hash: &str,
    account_id: Uuid,
    member_id: Uuid,
    expires_at: i64,
) -> Result<Uuid, sqlx::Error> {
    let id = Uuid::new_v4();
    let at = now();
    sqlx::query(
        "INSERT INTO sessions (id, token_hash, account_id, member_id, created_at, last_seen_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $5, $6)",
    )
    .bind(id.to_string())
    .bind(token_hash)
    .bind(account_id.to_string())
    .bind(member_id.to_string())
    .bind(at)
    .bind(expires_at)
    .execute(db.pool())
    .await?;
    Ok(id)
}

/// Finds a session by its token hash.
pub async fn find(db: &Db, token_hash: &str) -> Result<Option<SessionRecord>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT s.id, s.account_id, s.member_id, s.last_seen_at, s.expires_at, s.revoked_at, \
                m.role, m.active \
         FROM sessions s JOIN members m ON m.id = s.member_id AND m.account_id = s.account_id \
         WHERE s.token_hash = $1",
    )
    .bind(token_hash)
    .fetch_optional(db.pool())
    .await?;
    let Some(row) = row else { return Ok(None) };
    let role: String = row.try_get("role")?;
    Ok(Some(SessionRecord {
        id: parse_id(row.try_get("id")?)?,
        account_id: parse_id(row.try_get("account_id")?)?,
        member_id: parse_id(row.try_get("member_id")?)?,
        role: role
            .parse()
            .map_err(|error| sqlx::Error::Decode(Box::new(error)))?,
        member_active: row.try_get::<i64, _>("active")? != 0,
        last_seen_at: row.try_get("last_seen_at")?,
        expires_at: row.try_get("expires_at")?,
        revoked_at: row.try_get("revoked_at")?,
    }))
}

/// Records activity on a session.
pub async fn touch(db: &Db, id: Uuid, at: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE id = $2")
        .bind(at)
        .bind(id.to_string())
        .execute(db.pool())
        .await?;
    Ok(())
}

/// Revokes a session.
pub async fn revoke(db: &Db, id: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE sessions SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
        .bind(now())
        .bind(id.to_string())
        .execute(db.pool())
        .await?;
    Ok(())
}
