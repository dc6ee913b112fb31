//! The state every request handler shares.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use uuid::Uuid;

use crate::alerts::Alerts;
use crate::audit::AuditLog;
use crate::blob::BlobStore;
use crate::config::Config;
use crate::db::Db;
use crate::keyprovider::KeyProvider;
use crate::ratelimit::RateLimits;
use crate::secrets::PasswordHasherConfig;
use crate::upload_keys::UploadKeys;

/// Shared service state.
#[derive(Debug)]
pub struct AppState {
    /// The validated configuration.
    pub config: Config,
    /// The database.
    pub db: Db,
    /// The audit log.
    pub audit: AuditLog,
    /// Password hashing.
    pub hasher: PasswordHasherConfig,
    /// Rate limiters.
    pub limits: RateLimits,
    /// Alert detectors and delivery.
    pub alerts: Alerts,
    /// The accounts' upload key pairs.
    pub upload_keys: UploadKeys,
    /// Where upload ciphertext is stored.
    pub blobs: Arc<dyn BlobStore>,
    /// Wakes the processing worker when an upload completes.
    pub processing: Arc<tokio::sync::Notify>,
    /// Uploads a PATCH is writing to right now; a second writer gets 409.
    pub writing: Mutex<HashSet<Uuid>>,
}

/// The handle handlers receive.
pub type SharedState = Arc<AppState>;

impl AppState {
    /// Builds the state over an open database, with `provider` wrapping upload keys and
    /// `blobs` storing uploads.
    pub fn new(
        config: Config,
        db: Db,
        provider: Arc<dyn KeyProvider>,
        blobs: Arc<dyn BlobStore>,
    ) -> Result<SharedState, crate::secrets::HashError> {
        let audit = AuditLog::new(db.clone());
        let hasher = PasswordHasherConfig::new(&config.password_hash)?;
        let limits = RateLimits::new(&config.limits);
        let alerts = Alerts::new(audit.clone(), config.alerts.clone());
        let upload_keys = UploadKeys::new(db.clone(), provider);
        Ok(Arc::new(Self {
            config,
            db,
            audit,
            hasher,
            limits,
            alerts,
            upload_keys,
            blobs,
            processing: Arc::new(tokio::sync::Notify::new()),
            writing: Mutex::new(HashSet::new()),
        }))
    }
}
