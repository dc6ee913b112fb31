//! Uploads and their event timelines.

use sqlx::Row;
use sqlx::any::AnyRow;
use uuid::Uuid;

use super::parse_id;
use crate::db::{Db, now};

/// An upload row.
#[derive(Debug, Clone)]
pub struct UploadRecord {
    /// The upload id.
    pub id: Uuid,
    /// The account.
    pub account_id: Uuid,
    /// The member who created it.
    pub owner_id: Uuid,
    /// The campaign, if the client named one.
    pub campaign_id: Option<Uuid>,
    /// The client's fingerprint of the file, if sent.
    pub fingerprint: Option<String>,
    /// The announced total length in bytes.
    pub length: i64,
    /// Bytes stored durably.
    pub offset: i64,
    /// The processing state, such as `receiving`.
    pub state: String,
    /// Unix seconds.
    pub created_at: i64,
    /// Unix seconds after which an unfinished upload is removed.
    pub expires_at: Option<i64>,
}

const COLUMNS: &str = "id, account_id, owner_id, campaign_id, fingerprint, upload_length, \
                       upload_offset, state, created_at, expires_at";

fn from_row(row: &AnyRow) -> Result<UploadRecord, sqlx::Error> {
    let campaign: Option<String> = row.try_get("campaign_id")?;
    Ok(UploadRecord {
        id: parse_id(row.try_get("id")?)?,
        account_id: parse_id(row.try_get("account_id")?)?,
        owner_id: parse_id(row.try_get("owner_id")?)?,
        campaign_id: campaign.as_deref().map(parse_id).transpose()?,
        fingerprint: row.try_get("fingerprint")?,
        length: row.try_get("upload_length")?,
        offset: row.try_get("upload_offset")?,
        state: row.try_get("state")?,
        created_at: row.try_get("created_at")?,
        expires_at: row.try_get("expires_at")?,
    })
}

/// Stores a new upload in state `receiving`.
pub async fn create(db: &Db, upload: &UploadRecord) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO uploads (id, account_id, owner_id, campaign_id, fingerprint, \
         upload_length, upload_offset, state, created_at, updated_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6, 0, 'receiving', $7, $7, $8)",
    )
    .bind(upload.id.to_string())
    .bind(upload.account_id.to_string())
    .bind(upload.owner_id.to_string())
    .bind(upload.campaign_id.map(|id| id.to_string()))
    .bind(upload.fingerprint.as_deref())
    .bind(upload.length)
    .bind(upload.created_at)
    .bind(upload.expires_at)
    .execute(db.pool())
    .await
    .map(|_| ())
}

/// Reads an upload of the account.
pub async fn get(db: &Db, account_id: Uuid, id: Uuid) -> Result<Option<UploadRecord>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM uploads WHERE account_id = $1 AND id = $2");
    let row = sqlx::query(&sql)
        .bind(account_id.to_string())
        .bind(id.to_string())
        .fetch_optional(db.pool())
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// Records `offset` durable bytes, only if the stored offset is still `from`; returns
/// whether it was.
pub async fn advance(db: &Db, id: Uuid, from: i64, offset: i64) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE uploads SET upload_offset = $1, updated_at = $2 \
         WHERE id = $3 AND upload_offset = $4 AND state = 'receiving'",
    )
    .bind(offset)
    .bind(now())
    .bind(id.to_string())
    .bind(from)
    .execute(db.pool())
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Moves an upload from state `from` to `to`; returns whether it was in `from`.
pub async fn transition(db: &Db, id: Uuid, from: &str, to: &str) -> Result<bool, sqlx::Error> {
    let at = now();
    let done = sqlx::query(
        "UPDATE uploads SET state = $1, updated_at = $2, \
         completed_at = CASE WHEN $1 = 'received' THEN $2 ELSE completed_at END, \
         expires_at = CASE WHEN $1 = 'receiving' THEN expires_at ELSE NULL END \
         WHERE id = $3 AND state = $4",
    )
    .bind(to)
    .bind(at)
    .bind(id.to_string())
    .bind(from)
    .execute(db.pool())
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Uploads still receiving whose expiry time has passed.
pub async fn expired(db: &Db, at: i64) -> Result<Vec<UploadRecord>, sqlx::Error> {
    let sql = format!(
        "SELECT {COLUMNS} FROM uploads WHERE state = 'receiving' AND expires_at <= $1 LIMIT 500"
    );
    let rows = sqlx::query(&sql).bind(at).fetch_all(db.pool()).await?;
    rows.iter().map(from_row).collect()
}

/// Appends an event to an upload's timeline.
pub async fn add_event(
    db: &Db,
    upload_id: Uuid,
    kind: &str,
    request_id: Option<&str>,
    details: serde_json::Value,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO upload_events (upload_id, at, kind, request_id, details) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(upload_id.to_string())
    .bind(now())
    .bind(kind)
    .bind(request_id)
    .bind(details.to_string())
    .execute(db.pool())
    .await
    .map(|_| ())
}

/// One timeline entry.
#[derive(Debug, Clone)]
pub struct UploadEvent {
    /// Unix seconds.
    pub at: i64,
    /// What happened, such as `patch`.
    pub kind: String,
    /// The request that caused it, if any.
    pub request_id: Option<String>,
    /// Facts as JSON text.
    pub details: String,
}

/// The upload's timeline, oldest first.
pub async fn events(db: &Db, upload_id: Uuid) -> Result<Vec<UploadEvent>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT at, kind, request_id, details FROM upload_events WHERE upload_id = $1 \
         ORDER BY seq",
    )
    .bind(upload_id.to_string())
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|row| {
            Ok(UploadEvent {
                at: row.try_get("at")?,
                kind: row.try_get("kind")?,
                request_id: row.try_get("request_id")?,
                details: row
                    .try_get::<Option<String>, _>("details")?
                    .unwrap_or_default(),
            })
        })
        .collect()
}

/// Whether the account has a campaign with this id.
pub async fn campaign_status(
    db: &Db,
    account_id: Uuid,
    id: Uuid,
) -> Result<Option<String>, sqlx::Error> {
    let row = sqlx::query("SELECT status FROM campaigns WHERE account_id = $1 AND id = $2")
        .bind(account_id.to_string())
        .bind(id.to_string())
        .fetch_optional(db.pool())
        .await?;
    row.map(|row| row.try_get("status")).transpose()
}

/// Uploads waiting for processing: received, or waiting for the scanner and due again.
pub async fn due(db: &Db, at: i64, limit: i64) -> Result<Vec<UploadRecord>, sqlx::Error> {
    let sql = format!(
        "SELECT {COLUMNS} FROM uploads WHERE state = 'received' \
         OR (state = 'scan_pending' AND next_attempt_at <= $1) \
         ORDER BY updated_at LIMIT {limit}"
    );
    let rows = sqlx::query(&sql).bind(at).fetch_all(db.pool()).await?;
    rows.iter().map(from_row).collect()
}

/// Puts uploads that a stopped service left mid-processing back in `received`.
pub async fn requeue_interrupted(db: &Db) -> Result<u64, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE uploads SET state = 'received' WHERE state IN ('scanning', 'validating')",
    )
    .execute(db.pool())
    .await?;
    Ok(done.rows_affected())
}

/// Ends processing in state `to` with a reason and validation summary.
pub async fn finish(
    db: &Db,
    id: Uuid,
    from: &str,
    to: &str,
    reason: Option<&str>,
    validation: Option<&str>,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE uploads SET state = $1, reason = $2, validation = $3, updated_at = $4 \
         WHERE id = $5 AND state = $6",
    )
    .bind(to)
    .bind(reason)
    .bind(validation)
    .bind(now())
    .bind(id.to_string())
    .bind(from)
    .execute(db.pool())
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Moves a scanning upload to `scan_pending`, due again at `next_at`; returns the
/// attempts so far.
pub async fn postpone(db: &Db, id: Uuid, reason: &str, next_at: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE uploads SET state = 'scan_pending', reason = $1, attempts = attempts + 1, \
         next_attempt_at = $2, updated_at = $3 WHERE id = $4 AND state = 'scanning'",
    )
    .bind(reason)
    .bind(next_at)
    .bind(now())
    .bind(id.to_string())
    .execute(db.pool())
    .await
    .map(|_| ())
}

/// The attempts so far, the reason and the validation summary of an upload.
pub async fn outcome(
    db: &Db,
    id: Uuid,
) -> Result<(i64, Option<String>, Option<String>), sqlx::Error> {
    let row = sqlx::query("SELECT attempts, reason, validation FROM uploads WHERE id = $1")
        .bind(id.to_string())
        .fetch_one(db.pool())
        .await?;
    Ok((
        row.try_get("attempts")?,
        row.try_get("reason")?,
        row.try_get("validation")?,
    ))
}

/// The columns of an upload that `GET /v1/uploads/{upload_id}` returns.
#[derive(Debug, Clone)]
pub struct UploadDetailRow {
    /// The upload row.
    pub record: UploadRecord,
    /// The plain-words cause of a rejection, quarantine or wait.
    pub reason: Option<String>,
    /// The validation summary as JSON text.
    pub validation: Option<String>,
    /// Unix seconds.
    pub updated_at: i64,
    /// Unix seconds; set when the last byte arrived.
    pub completed_at: Option<i64>,
}

/// Reads an upload of the account with its outcome and timestamps.
pub async fn detail(
    db: &Db,
    account_id: Uuid,
    id: Uuid,
) -> Result<Option<UploadDetailRow>, sqlx::Error> {
    let sql = format!(
        "SELECT {COLUMNS}, reason, validation, updated_at, completed_at FROM uploads \
         WHERE account_id = $1 AND id = $2"
    );
    let row = sqlx::query(&sql)
        .bind(account_id.to_string())
        .bind(id.to_string())
        .fetch_optional(db.pool())
        .await?;
    row.as_ref()
        .map(|row| {
            Ok(UploadDetailRow {
                record: from_row(row)?,
                reason: row.try_get("reason")?,
                validation: row.try_get("validation")?,
                updated_at: row.try_get("updated_at")?,
                completed_at: row.try_get("completed_at")?,
            })
        })
        .transpose()
}
