//! Members and their credentials.

use sealpost_api::{Member, Role};
use sqlx::Row;
use sqlx::any::AnyRow;
use uuid::Uuid;

use super::{flag, parse_id};
use crate::db::{Db, now, to_time};

/// A member row with the fields the API never shows.
#[derive(Debug, Clone)]
pub struct MemberRecord {
    /// The public part.
    pub member: Member,
    /// The Argon2id PHC string.
    pub password_hash: String,
    /// The confirmed TOTP secret in base32.
    pub totp_secret: Option<String>,
    /// A TOTP secret waiting for its first code.
    pub totp_pending_secret: Option<String>,
}

// A macro rather than a constant so that `concat!` builds each query at compile time:
// no query text is ever assembled at run time.
macro_rules! select_members {
    ($rest:literal) => {
        concat!(
            "SELECT id, account_id, email, name, role, password_hash, active, totp_secret, \
             totp_pending_secret, created_at FROM members ",
            $rest
        )
    };
}

fn from_row(row: &AnyRow) -> Result<MemberRecord, sqlx::Error> {
    let role: String = row.try_get("role")?;
    let totp_secret: Option<String> = row.try_get("totp_secret")?;
    Ok(MemberRecord {
        member: Member {
            id: parse_id(row.try_get("id")?)?,
            account_id: parse_id(row.try_get("account_id")?)?,
            email: row.try_get("email")?,
            name: row.try_get("name")?,
            role: role
                .parse()
                .map_err(|error| sqlx::Error::Decode(Box::new(error)))?,
            active: row.try_get::<i64, _>("active")? != 0,
            totp_enabled: totp_secret.is_some(),
            created_at: to_time(row.try_get("created_at")?),
        },
        password_hash: row.try_get("password_hash")?,
        totp_secret,
        totp_pending_secret: row.try_get("totp_pending_secret")?,
    })
}

/// Normalises an email for storage and lookup.
pub fn normalise_email(email: &str) -> String {
    email.trim().to_lowercase()
}

/// A new member's details.
#[derive(Debug)]
pub struct NewMember<'a> {
    /// The account to join.
    pub account_id: Uuid,
    /// The email, normalised by [`normalise_email`].
    pub email: &'a str,
    /// The display name.
    pub name: &'a str,
    /// The role.
    pub role: Role,
    /// The Argon2id PHC string.
    pub password_hash: &'a str,
}

/// Inserts a member; fails on a duplicate email with a unique-constraint error.
pub async fn create(db: &Db, new: NewMember<'_>) -> Result<Member, sqlx::Error> {
    let id = Uuid::new_v4();
    let created_at = now();
    sqlx::query(
        "INSERT INTO members (id, account_id, email, name, role, password_hash, active, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, 1, $7)",
    )
    .bind(id.to_string())
    .bind(new.account_id.to_string())
    .bind(new.email)
    .bind(new.name)
    .bind(new.role.as_str())
    .bind(new.password_hash)
    .bind(created_at)
    .execute(db.pool())
    .await?;
    Ok(Member {
        id,
        account_id: new.account_id,
        email: new.email.to_owned(),
        name: new.name.to_owned(),
        role: new.role,
        active: true,
        totp_enabled: false,
        created_at: to_time(created_at),
    })
}

/// Finds a member by normalised email, in any account; only sign-in may do this.
pub async fn find_by_email(db: &Db, email: &str) -> Result<Option<MemberRecord>, sqlx::Error> {
    let row = sqlx::query(select_members!("WHERE email = $1"))
        .bind(email)
        .fetch_optional(db.pool())
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// Reads a member of `account_id`.
pub async fn get(db: &Db, account_id: Uuid, id: Uuid) -> Result<Option<MemberRecord>, sqlx::Error> {
    let row = sqlx::query(select_members!("WHERE account_id = $1 AND id = $2"))
        .bind(account_id.to_string())
        .bind(id.to_string())
        .fetch_optional(db.pool())
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// Lists the members of `account_id`, oldest first.
pub async fn list(db: &Db, account_id: Uuid) -> Result<Vec<Member>, sqlx::Error> {
    let rows = sqlx::query(select_members!(
        "WHERE account_id = $1 ORDER BY created_at, email"
    ))
    .bind(account_id.to_string())
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|row| from_row(row).map(|record| record.member))
        .collect()
}

/// Counts the active admins of `account_id`.
pub async fn count_active_admins(db: &Db, account_id: Uuid) -> Result<i64, sqlx::Error> {
    let row = sqlx::query(
        "SELECT COUNT(*) AS n FROM members WHERE account_id = $1 AND role = 'admin' AND active = 1",
    )
    .bind(account_id.to_string())
    .fetch_one(db.pool())
    .await?;
    row.try_get("n")
}

/// Changes a member's role.
pub async fn set_role(db: &Db, account_id: Uuid, id: Uuid, role: Role) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE members SET role = $1 WHERE account_id = $2 AND id = $3")
        .bind(role.as_str())
        .bind(account_id.to_string())
        .bind(id.to_string())
        .execute(db.pool())
        .await?;
    Ok(())
}

/// Reactivates a deactivated member. Their old sessions and API tokens stay revoked, so
/// they sign in again with their existing password.
pub async fn reactivate(db: &Db, account_id: Uuid, id: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE members SET active = $1 WHERE account_id = $2 AND id = $3")
        .bind(flag(true))
        .bind(account_id.to_string())
        .bind(id.to_string())
        .execute(db.pool())
        .await?;
    Ok(())
}

/// Deactivates a member and revokes their sessions and API tokens.
pub async fn deactivate(db: &Db, account_id: Uuid, id: Uuid) -> Result<(), sqlx::Error> {
    let mut transaction = db.pool().begin().await?;
    let at = now();
    sqlx::query("UPDATE members SET active = $1 WHERE account_id = $2 AND id = $3")
        .bind(flag(false))
        .bind(account_id.to_string())
        .bind(id.to_string())
        .execute(&mut *transaction)
        .await?;
    for query in [
        "UPDATE sessions SET revoked_at = $1 WHERE member_id = $2 AND revoked_at IS NULL",
        "UPDATE api_tokens SET revoked_at = $1 WHERE member_id = $2 AND revoked_at IS NULL",
    ] {
        sqlx::query(query)
            .bind(at)
            .bind(id.to_string())
            .execute(&mut *transaction)
            .await?;
    }
    transaction.commit().await
}

/// Stores a TOTP secret that waits for its first code.
// NOTE: TOTP secrets are stored unencrypted; wrapping them with a key-encryption key
// needs the key provider that account upload keys will use.
pub async fn set_totp_pending(db: &Db, id: Uuid, secret: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE members SET totp_pending_secret = $1 WHERE id = $2")
        .bind(secret)
        .bind(id.to_string())
        .execute(db.pool())
        .await?;
    Ok(())
}

/// Records that a TOTP code of `step` was used; returns false when a code of this or a
/// later step was already used, which makes the code a replay.
pub async fn use_totp_step(db: &Db, id: Uuid, step: i64) -> Result<bool, sqlx::Error> {
    let result = sqlx::query(
        "UPDATE members SET totp_last_step = $1 \
         WHERE id = $2 AND (totp_last_step IS NULL OR totp_last_step < $1)",
    )
    .bind(step)
    .bind(id.to_string())
    .execute(db.pool())
    .await?;
    Ok(result.rows_affected() == 1)
}

/// Makes the pending TOTP secret the active one.
pub async fn confirm_totp(db: &Db, id: Uuid, secret: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE members SET totp_secret = $1, totp_pending_secret = NULL WHERE id = $2")
        .bind(secret)
        .bind(id.to_string())
        .execute(db.pool())
        .await?;
    Ok(())
}
