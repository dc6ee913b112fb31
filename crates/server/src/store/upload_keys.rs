//! Upload key pairs, wrapped private keys included.

use sqlx::Row;
use sqlx::any::AnyRow;
use uuid::Uuid;

use super::parse_id;
use crate::db::Db;

/// One stored key pair.
#[derive(Debug, Clone)]
pub struct StoredKey {
    /// The row id.
    pub id: Uuid,
    /// The account.
    pub account_id: Uuid,
    /// 1 for the first key, one more for each rotation.
    pub generation: i64,
    /// Lowercase hex of the envelope key id.
    pub key_id: String,
    /// Lowercase hex of the 32-byte X25519 public key.
    pub public_key: String,
    /// Base64 of the wrapped private key.
    pub wrapped_private_key: String,
    /// The key-encryption key that wrapped it.
    pub kek_id: String,
    /// Unix seconds.
    pub created_at: i64,
    /// Unix seconds, once retired.
    pub retired_at: Option<i64>,
}

const COLUMNS: &str = "id, account_id, generation, key_id, public_key, wrapped_private_key, \
                       kek_id, created_at, retired_at";

fn from_row(row: &AnyRow) -> Result<StoredKey, sqlx::Error> {
    Ok(StoredKey {
        id: parse_id(row.try_get("id")?)?,
        account_id: parse_id(row.try_get("account_id")?)?,
        generation: row.try_get("generation")?,
        key_id: row.try_get("key_id")?,
        public_key: row.try_get("public_key")?,
        wrapped_private_key: row.try_get("wrapped_private_key")?,
        kek_id: row.try_get("kek_id")?,
        created_at: row.try_get("created_at")?,
        retired_at: row.try_get("retired_at")?,
    })
}

/// The account's newest key, if it has one.
pub async fn current(db: &Db, account_id: Uuid) -> Result<Option<StoredKey>, sqlx::Error> {
    let sql = format!(
        "SELECT {COLUMNS} FROM upload_keys WHERE account_id = $1 \
         ORDER BY generation DESC LIMIT 1"
    );
    let row = sqlx::query(&sql)
        .bind(account_id.to_string())
        .fetch_optional(db.pool())
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// The account's key with envelope key id `key_id` (lowercase hex).
pub async fn by_key_id(
    db: &Db,
    account_id: Uuid,
    key_id: &str,
) -> Result<Option<StoredKey>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM upload_keys WHERE account_id = $1 AND key_id = $2");
    let row = sqlx::query(&sql)
        .bind(account_id.to_string())
        .bind(key_id)
        .fetch_optional(db.pool())
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// Marks the account's key `key_id` retired at `at`, unless it is already retired or is
/// the newest generation; returns whether it changed. The generation condition sits in
/// the statement so that a concurrent rotation cannot leave the account without a usable
/// current key.
pub async fn retire(db: &Db, account_id: Uuid, key_id: &str, at: i64) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE upload_keys SET retired_at = $1 \
         WHERE account_id = $2 AND key_id = $3 AND retired_at IS NULL \
         AND generation < (SELECT MAX(generation) FROM upload_keys WHERE account_id = $2)",
    )
    .bind(at)
    .bind(account_id.to_string())
    .bind(key_id)
    .execute(db.pool())
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Inserts a key. Fails with a unique violation when the account already has a key of
/// that generation, which is how concurrent creations and rotations are detected.
pub async fn insert(db: &Db, key: &StoredKey) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO upload_keys (id, account_id, generation, key_id, public_key, \
         wrapped_private_key, kek_id, created_at, retired_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, NULL)",
    )
    .bind(key.id.to_string())
    .bind(key.account_id.to_string())
    .bind(key.generation)
    .bind(&key.key_id)
    .bind(&key.public_key)
    .bind(&key.wrapped_private_key)
    .bind(&key.kek_id)
    .bind(key.created_at)
    .execute(db.pool())
    .await
    .map(|_| ())
}

/// Whether `error` is a unique-constraint violation.
pub fn is_unique_violation(error: &sqlx::Error) -> bool {
    matches!(error, sqlx::Error::Database(database) if database.is_unique_violation())
}
