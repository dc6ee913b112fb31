//! API tokens.

use sealpost_api::{ApiTokenInfo, Permission, Role};
use sqlx::Row;
use sqlx::any::AnyRow;
use uuid::Uuid;

use super::parse_id;
use crate::db::{Db, now, to_time};

/// A stored API token joined with its member's current role and state.
#[derive(Debug, Clone)]
pub struct TokenRecord {
    /// The public description.
    pub info: ApiTokenInfo,
    /// The account.
    pub account_id: Uuid,
    /// The member's current role.
    pub role: Role,
    /// Whether the member is active.
    pub member_active: bool,
}

macro_rules! select_tokens {
    ($rest:literal) => {
        concat!(
            "SELECT t.id, t.account_id, t.member_id, t.name, t.permissions, t.created_at, \
             t.last_used_at, t.expires_at, t.revoked_at, m.role, m.active \
             FROM api_tokens t JOIN members m ON m.id = t.member_id AND m.account_id = t.account_id ",
            $rest
        )
    };
}

/// Stored scopes are permission names separated by spaces.
fn encode_permissions(permissions: &[Permission]) -> String {
    permissions
        .iter()
        .map(|p| p.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

fn decode_permissions(text: &str) -> Result<Vec<Permission>, sqlx::Error> {
    text.split_whitespace()
        .map(|name| {
            name.parse()
                .map_err(|error| sqlx::Error::Decode(Box::new(error)))
        })
        .collect()
}

fn from_row(row: &AnyRow) -> Result<TokenRecord, sqlx::Error> {
    let role: String = row.try_get("role")?;
    let permissions: String = row.try_get("permissions")?;
    let optional_time = |column| -> Result<_, sqlx::Error> {
        Ok(row.try_get::<Option<i64>, _>(column)?.map(to_time))
    };
    Ok(TokenRecord {
        info: ApiTokenInfo {
            id: parse_id(row.try_get("id")?)?,
            member_id: parse_id(row.try_get("member_id")?)?,
            name: row.try_get("name")?,
            permissions: decode_permissions(&permissions)?,
            created_at: to_time(row.try_get("created_at")?),
            last_used_at: optional_time("last_used_at")?,
            expires_at: optional_time("expires_at")?,
            revoked_at: optional_time("revoked_at")?,
        },
        account_id: parse_id(row.try_get("account_id")?)?,
        role: role
            .parse()
            .map_err(|error| sqlx::Error::Decode(Box::new(error)))?,
        member_active: row.try_get::<i64, _>("active")? != 0,
    })
}

/// A new token's details.
#[derive(Debug)]
pub struct NewToken<'a> {
    /// The SHA-256 of the token.
    pub token_hash: &'a str,
    /// The account.
    pub account_id: Uuid,
    /// The member the token acts for.
    pub member_id: Uuid,
    /// The label.
    pub name: &'a str,
    /// The scopes.
    pub permissions: &'a [Permission],
    /// Unix seconds of expiry, if any.
    pub expires_at: Option<i64>,
}

/// Stores a new token and returns its description.
pub async fn create(db: &Db, new: NewToken<'_>) -> Result<ApiTokenInfo, sqlx::Error> {
    let id = Uuid::new_v4();
    let at = now();
    sqlx::query(
        "INSERT INTO api_tokens (id, token_hash, account_id, member_id, name, permissions, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(id.to_string())
    .bind(new.token_hash)
    .bind(new.account_id.to_string())
    .bind(new.member_id.to_string())
    .bind(new.name)
    .bind(encode_permissions(new.permissions))
    .bind(at)
    .bind(new.expires_at)
    .execute(db.pool())
    .await?;
    Ok(ApiTokenInfo {
        id,
        member_id: new.member_id,
        name: new.name.to_owned(),
        permissions: new.permissions.to_vec(),
        created_at: to_time(at),
        last_used_at: None,
        expires_at: new.expires_at.map(to_time),
        revoked_at: None,
    })
}

/// Finds a token by its hash.
pub async fn find_by_hash(db: &Db, token_hash: &str) -> Result<Option<TokenRecord>, sqlx::Error> {
    let row = sqlx::query(select_tokens!("WHERE t.token_hash = $1"))
        .bind(token_hash)
        .fetch_optional(db.pool())
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// Reads a token of `account_id`.
pub async fn get(db: &Db, account_id: Uuid, id: Uuid) -> Result<Option<TokenRecord>, sqlx::Error> {
    let row = sqlx::query(select_tokens!("WHERE t.account_id = $1 AND t.id = $2"))
        .bind(account_id.to_string())
        .bind(id.to_string())
        .fetch_optional(db.pool())
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// Lists the tokens of `account_id`, of one member when `member_id` is given.
pub async fn list(
    db: &Db,
    account_id: Uuid,
    member_id: Option<Uuid>,
) -> Result<Vec<ApiTokenInfo>, sqlx::Error> {
    let rows = match member_id {
        Some(member_id) => {
            sqlx::query(select_tokens!(
                "WHERE t.account_id = $1 AND t.member_id = $2 ORDER BY t.created_at DESC, t.id"
            ))
            .bind(account_id.to_string())
            .bind(member_id.to_string())
            .fetch_all(db.pool())
            .await?
        }
        None => {
            sqlx::query(select_tokens!(
                "WHERE t.account_id = $1 ORDER BY t.created_at DESC, t.id"
            ))
            .bind(account_id.to_string())
            .fetch_all(db.pool())
            .await?
        }
    };
    rows.iter()
        .map(|row| from_row(row).map(|record| record.info))
        .collect()
}

/// Records use of a token.
pub async fn touch(db: &Db, id: Uuid, at: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2")
        .bind(at)
        .bind(id.to_string())
        .execute(db.pool())
        .await?;
    Ok(())
}

/// Revokes a token of `account_id`.
pub async fn revoke(db: &Db, account_id: Uuid, id: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE api_tokens SET revoked_at = $1 WHERE account_id = $2 AND id = $3 AND revoked_at IS NULL",
    )
    .bind(now())
    .bind(account_id.to_string())
    .bind(id.to_string())
    .execute(db.pool())
    .await?;
    Ok(())
}

/// Shortens a token's life to `expires_at`, never lengthening it; used for the grace
/// period of a rotation.
pub async fn expire_at(
    db: &Db,
    account_id: Uuid,
    id: Uuid,
    expires_at: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE api_tokens SET expires_at = $1 \
         WHERE account_id = $2 AND id = $3 AND (expires_at IS NULL OR expires_at > $1)",
    )
    .bind(expires_at)
    .bind(account_id.to_string())
    .bind(id.to_string())
    .execute(db.pool())
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permissions_round_trip() {
        let permissions = [Permission::TokensOwn, Permission::UploadsCreate];
        let text = encode_permissions(&permissions);
        assert_eq!(text, "tokens:own uploads:create");
        assert_eq!(decode_permissions(&text).unwrap(), permissions);
        assert!(decode_permissions("tokens:own nonsense").is_err());
    }
}
