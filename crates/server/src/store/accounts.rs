//! Accounts (tenants).

use sealpost_api::Account;
use sqlx::Row;
use uuid::Uuid;

use super::{flag, parse_id};
use crate::db::{Db, now};

/// Creates an account and returns its id.
pub async fn create(db: &Db, name: &str) -> Result<Uuid, sqlx::Error> {
    let id = Uuid::new_v4();
    sqlx::query(
        "INSERT INTO accounts (id, name, require_admin_totp, created_at) VALUES ($1, $2, 0, $3)",
    )
    .bind(id.to_string())
    .bind(name)
    .bind(now())
    .execute(db.pool())
    .await?;
    Ok(id)
}

/// Reads an account.
pub async fn get(db: &Db, id: Uuid) -> Result<Option<Account>, sqlx::Error> {
    let row = sqlx::query("SELECT id, name, require_admin_totp FROM accounts WHERE id = $1")
        .bind(id.to_string())
        .fetch_optional(db.pool())
        .await?;
    row.map(|row| {
        Ok(Account {
            id: parse_id(row.try_get("id")?)?,
            name: row.try_get("name")?,
            require_admin_totp: row.try_get::<i64, _>("require_admin_totp")? != 0,
        })
    })
    .transpose()
}

/// Finds an account by its exact name.
pub async fn find_by_name(db: &Db, name: &str) -> Result<Option<Uuid>, sqlx::Error> {
    let row = sqlx::query("SELECT id FROM accounts WHERE name = $1")
        .bind(name)
        .fetch_optional(db.pool())
        .await?;
    row.map(|row| parse_id(row.try_get("id")?)).transpose()
}

/// Sets whether admins must use a second factor.
pub async fn set_require_admin_totp(db: &Db, id: Uuid, required: bool) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE accounts SET require_admin_totp = $1 WHERE id = $2")
        .bind(flag(required))
        .bind(id.to_string())
        .execute(db.pool())
        .await?;
    Ok(())
}
