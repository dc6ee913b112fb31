//! The append-only, hash-chained audit log.
//!
//! Each entry stores the hash of the entry before it and the SHA-256 of its own
//! canonical encoding (see [`chain::entry_hash`]), so changing, removing or reordering
//! any entry breaks the chain from that entry on. Database triggers reject UPDATE and
//! DELETE on the table; the chain catches what someone with direct write access does
//! after dropping them.

pub mod chain;
mod query;

pub use query::{
    AuditFilter, Broken, ExportError, VerifyReport, check_anchor, export, list, verify,
};

use std::sync::Arc;

use sealpost_api::AuditEntry;
use sqlx::Row;
use uuid::Uuid;

use crate::db::{Backend, Db, now, to_time};

/// The outcome recorded with an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The action happened.
    Success,
    /// The action was attempted and failed, such as a wrong password.
    Failure,
    /// The action was refused for lack of permission or by a limit.
    Denied,
}

impl Outcome {
    fn as_str(self) -> &'static str {
        match self {
            Outcome::Success => "success",
            Outcome::Failure => "failure",
            Outcome::Denied => "denied",
        }
    }
}

/// An event to append. Never put a secret in any field.
#[derive(Debug, Clone)]
pub struct AuditEvent {
    /// The account the event belongs to, if any.
    pub account_id: Option<Uuid>,
    /// The actor, such as `member:ID`.
    pub actor: String,
    /// The action, such as `session.created`.
    pub action: &'static str,
    /// The object acted on, such as `member:ID`.
    pub target: Option<String>,
    /// The outcome.
    pub outcome: Outcome,
    /// The client IP address, for events from requests.
    pub client_address: Option<String>,
    /// The request id, for events from requests.
    pub request_id: Option<String>,
    /// Extra facts as a JSON object.
    pub details: Option<serde_json::Value>,
}

impl AuditEvent {
    /// An event with no target, address, request id or details.
    pub fn new(
        account_id: Option<Uuid>,
        actor: String,
        action: &'static str,
        outcome: Outcome,
    ) -> Self {
        Self {
            account_id,
            actor,
            action,
            target: None,
            outcome,
            client_address: None,
            request_id: None,
            details: None,
        }
    }

    /// Sets the target.
    pub fn target(mut self, target: String) -> Self {
        self.target = Some(target);
        self
    }

    /// Sets the details.
    pub fn details(mut self, details: serde_json::Value) -> Self {
        self.details = Some(details);
        self
    }
}

/// Appends to the audit log. Appends within one process are serialised by a mutex;
/// on PostgreSQL a transaction-scoped advisory lock also serialises appends from other
/// service instances.
#[derive(Debug, Clone)]
pub struct AuditLog {
    db: Db,
    lock: Arc<tokio::sync::Mutex<()>>,
}

/// The advisory lock key for audit appends on PostgreSQL, an arbitrary fixed number.
const POSTGRES_AUDIT_LOCK: i64 = 0x5EA1_A0D1;

impl AuditLog {
    /// An audit log over `db`.
    pub fn new(db: Db) -> Self {
        Self {
            db,
            lock: Arc::new(tokio::sync::Mutex::new(())),
        }
    }

    /// The database.
    pub fn db(&self) -> &Db {
        &self.db
    }

    /// Appends an event and returns the stored entry.
    pub async fn append(&self, event: AuditEvent) -> Result<AuditEntry, sqlx::Error> {
        let _guard = self.lock.lock().await;
        match self.db.backend() {
            // Plain statements, no read transaction: under WAL a read transaction that
            // later writes fails when another connection wrote in between. The mutex
            // keeps other appends out of the gap, and the `seq` primary key turns a
            // write from a second process into an error instead of a forked chain.
            Backend::Sqlite => {
                let mut connection = self.db.pool().acquire().await?;
                let entry = build_entry(&mut connection, event).await?;
                insert(&mut connection, &entry).await?;
                Ok(entry)
            }
            Backend::Postgres => {
                let mut transaction = self.db.pool().begin().await?;
                sqlx::query("SELECT pg_advisory_xact_lock($1)")
                    .bind(POSTGRES_AUDIT_LOCK)
                    .execute(&mut *transaction)
                    .await?;
                let entry = build_entry(&mut transaction, event).await?;
                insert(&mut transaction, &entry).await?;
                transaction.commit().await?;
                Ok(entry)
            }
        }
    }
}

async fn build_entry(
    connection: &mut sqlx::AnyConnection,
    event: AuditEvent,
) -> Result<AuditEntry, sqlx::Error> {
    let last = sqlx::query("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
        .fetch_optional(&mut *connection)
        .await?;
    let (seq, prev_hash) = match last {
        Some(row) => (
            row.try_get::<i64, _>("seq")? + 1,
            row.try_get::<String, _>("hash")?,
        ),
        None => (1, chain::GENESIS_HASH.to_owned()),
    };
    let mut entry = AuditEntry {
        seq,
        at: to_time(now()),
        account_id: event.account_id,
        actor: event.actor,
        action: event.action.to_owned(),
        target: event.target,
        outcome: event.outcome.as_str().to_owned(),
        client_address: event.client_address,
        request_id: event.request_id,
        details: event.details.map(|details| details.to_string()),
        prev_hash,
        hash: String::new(),
    };
    entry.hash = chain::entry_hash(&entry);
    Ok(entry)
}

async fn insert(
    connection: &mut sqlx::AnyConnection,
    entry: &AuditEntry,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO audit_log (seq, at, account_id, actor, action, target, outcome, client_address, \
         request_id, details, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
    )
    .bind(entry.seq)
    .bind(entry.at.unix_timestamp())
    .bind(entry.account_id.map(|id| id.to_string()))
    .bind(&entry.actor)
    .bind(&entry.action)
    .bind(&entry.target)
    .bind(&entry.outcome)
    .bind(&entry.client_address)
    .bind(&entry.request_id)
    .bind(&entry.details)
    .bind(&entry.prev_hash)
    .bind(&entry.hash)
    .execute(&mut *connection)
    .await?;
    Ok(())
}
