//! Alert detectors over the audit stream, and alert delivery.
//!
//! Detectors run right after the events they watch are appended. An alert is an audit
//! entry (action `alert.*`), a WARN log line and, when configured, a JSON POST to a
//! webhook signed with HMAC-SHA256. One alert per detector and key is raised per
//! window, so a sustained attack does not flood the log or the webhook.

mod activity;

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use hmac::{Hmac, Mac};
use sha2::Sha256;
use sqlx::Row;
use uuid::Uuid;

use crate::audit::{AuditEvent, AuditLog, Outcome};
use crate::config::AlertConfig;
use crate::db::now;

/// The audit action of a failed sign-in.
pub const SIGN_IN_FAILED: &str = "session.sign_in_failed";
/// The audit action of a successful sign-in.
pub const SIGN_IN_SUCCEEDED: &str = "session.created";

/// The detectors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detector {
    /// An email was locked after repeated failed sign-ins.
    Lockout,
    /// Many failed sign-ins for one email within the window.
    FailuresPerEmail,
    /// Many failed sign-ins from one address within the window.
    FailuresPerAddress,
    /// Sign-ins to many accounts from one address within the window.
    AccountsPerAddress,
    /// An account's uploads within a window far above its recent baseline.
    UploadVolume,
    /// Many history or audit pages read by one member within a short window.
    HistoryEnumeration,
    /// An upload sealed to a key the account does not have or has retired.
    UnknownUploadKey,
}

impl Detector {
    /// The audit action of the alert.
    pub fn action(self) -> &'static str {
        match self {
            Detector::Lockout => "alert.sign_in_locked",
            Detector::FailuresPerEmail => "alert.failures_per_email",
            Detector::FailuresPerAddress => "alert.failures_per_address",
            Detector::AccountsPerAddress => "alert.accounts_per_address",
            Detector::UploadVolume => "alert.upload_volume",
            Detector::HistoryEnumeration => "alert.history_enumeration",
            Detector::UnknownUploadKey => "alert.unknown_upload_key",
        }
    }
}

#[derive(Debug, Clone, Copy)]
enum CountBy {
    Target,
    Address,
}

/// Raises and delivers alerts.
#[derive(Debug, Clone)]
pub struct Alerts {
    audit: AuditLog,
    config: AlertConfig,
    http: reqwest::Client,
    /// Recent history reads per member, as Unix seconds, for the enumeration detector.
    /// NOTE: kept in memory, so each service instance counts only its own requests.
    history_reads: Arc<Mutex<HashMap<Uuid, VecDeque<i64>>>>,
}

type HmacSha256 = Hmac<Sha256>;

/// The value of the `x-sealpost-signature` header: `sha256=` and the hex HMAC-SHA256,
/// keyed with the webhook secret, over `TIMESTAMP.BODY`, where TIMESTAMP is the
/// `x-sealpost-timestamp` header (Unix seconds). Receivers recompute it and reject
/// stale timestamps to stop replays.
pub fn webhook_signature(secret: &[u8], timestamp: i64, body: &[u8]) -> String {
    // `new_from_slice` accepts keys of any length for HMAC, so this cannot fail.
    let mut mac = HmacSha256::new_from_slice(secret).expect("HMAC accepts any key length");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

impl Alerts {
    /// Alerts appended to `audit`.
    pub fn new(audit: AuditLog, config: AlertConfig) -> Self {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap_or_default();
        Self {
            audit,
            config,
            http,
            history_reads: Arc::default(),
        }
    }

    /// Runs the failure detectors after a failed sign-in for `email` from `address`.
    pub async fn after_failure(
        &self,
        email: &str,
        address: &str,
        request_id: &str,
    ) -> Result<(), sqlx::Error> {
        let since = now() - self.window();
        let per_email = self
            .count_failures(CountBy::Target, &format!("email:{email}"), since)
            .await?;
        if per_email >= i64::from(self.config.failures_per_email) {
            let details = serde_json::json!({ "failures": per_email, "window_seconds": self.config.window_seconds });
            self.raise(
                Detector::FailuresPerEmail,
                None,
                format!("email:{email}"),
                Some(address),
                Some(request_id),
                details,
            )
            .await?;
        }
        let per_address = self
            .count_failures(CountBy::Address, address, since)
            .await?;
        if per_address >= i64::from(self.config.failures_per_address) {
            let details = serde_json::json!({ "failures": per_address, "window_seconds": self.config.window_seconds });
            self.raise(
                Detector::FailuresPerAddress,
                None,
                format!("address:{address}"),
                Some(address),
                Some(request_id),
                details,
            )
            .await?;
        }
        Ok(())
    }

    async fn count_failures(
        &self,
        by: CountBy,
        value: &str,
        since: i64,
    ) -> Result<i64, sqlx::Error> {
        let query = match by {
            CountBy::Target => {
                "SELECT COUNT(*) AS n FROM audit_log WHERE action = $1 AND target = $2 AND at >= $3"
            }
            CountBy::Address => {
                "SELECT COUNT(*) AS n FROM audit_log WHERE action = $1 AND client_address = $2 AND at >= $3"
            }
        };
        sqlx::query(query)
            .bind(SIGN_IN_FAILED)
            .bind(value)
            .bind(since)
            .fetch_one(self.audit.db().pool())
            .await?
            .try_get("n")
    }

    /// Runs the many-accounts detector after a successful sign-in from `address`.
    pub async fn after_success(&self, address: &str, request_id: &str) -> Result<(), sqlx::Error> {
        let since = now() - self.window();
        let accounts: i64 = sqlx::query(
            "SELECT COUNT(DISTINCT account_id) AS n FROM audit_log \
             WHERE action = $1 AND client_address = $2 AND at >= $3",
        )
        .bind(SIGN_IN_SUCCEEDED)
        .bind(address)
        .bind(since)
        .fetch_one(self.audit.db().pool())
        .await?
        .try_get("n")?;
        if accounts >= i64::from(self.config.accounts_per_address) {
            let details = serde_json::json!({ "accounts": accounts, "window_seconds": self.config.window_seconds });
            self.raise(
                Detector::AccountsPerAddress,
                None,
                format!("address:{address}"),
                Some(address),
                Some(request_id),
                details,
            )
            .await?;
        }
        Ok(())
    }

    /// Raises the lockout alert for `email`.
    pub async fn lockout(
        &self,
        account_id: Option<Uuid>,
        email: &str,
        address: &str,
        request_id: &str,
        locked_seconds: i64,
    ) -> Result<(), sqlx::Error> {
        let details = serde_json::json!({ "locked_seconds": locked_seconds });
        self.raise(
            Detector::Lockout,
            account_id,
            format!("email:{email}"),
            Some(address),
            Some(request_id),
            details,
        )
        .await
    }

    fn window(&self) -> i64 {
        i64::try_from(self.config.window_seconds).unwrap_or(i64::MAX)
    }

    async fn raise(
        &self,
        detector: Detector,
        account_id: Option<Uuid>,
        target: String,
        address: Option<&str>,
        request_id: Option<&str>,
        details: serde_json::Value,
    ) -> Result<(), sqlx::Error> {
        // The lockout alert fires once per lock by construction; the counting
        // detectors would fire on every further event, so they wait out the window.
        if detector != Detector::Lockout {
            let recent: i64 = sqlx::query(
                "SELECT COUNT(*) AS n FROM audit_log WHERE action = $1 AND target = $2 AND at >= $3",
            )
            .bind(detector.action())
            .bind(&target)
            .bind(now() - self.window())
            .fetch_one(self.audit.db().pool())
            .await?
            .try_get("n")?;
            if recent > 0 {
                return Ok(());
            }
        }
        let mut event = AuditEvent::new(
            account_id,
            "system".to_owned(),
            detector.action(),
            Outcome::Success,
        )
        .target(target)
        .details(details);
        event.client_address = address.map(str::to_owned);
        event.request_id = request_id.map(str::to_owned);
        let entry = self.audit.append(event).await?;
        tracing::warn!(
            alert = %entry.action,
            alert_target = entry.target.as_deref().unwrap_or(""),
            client_address = address.unwrap_or(""),
            request_id = request_id.unwrap_or(""),
            audit_seq = entry.seq,
            "security alert raised"
        );
        if let (Some(url), Some(secret)) = (&self.config.webhook_url, &self.config.webhook_secret) {
            let body = serde_json::to_vec(&entry).unwrap_or_default();
            let delivery = Delivery {
                http: self.http.clone(),
                url: url.clone(),
                secret: secret.clone().into_bytes(),
                attempts: self.config.webhook_attempts,
                seq: entry.seq,
            };
            tokio::spawn(delivery.run(body));
        }
        Ok(())
    }
}

/// One webhook delivery with retries.
struct Delivery {
    http: reqwest::Client,
    url: String,
    secret: Vec<u8>,
    attempts: u32,
    seq: i64,
}

impl Delivery {
    async fn run(self, body: Vec<u8>) {
        let mut backoff = Duration::from_millis(500);
        for attempt in 1..=self.attempts {
            let timestamp = now();
            let signature = webhook_signature(&self.secret, timestamp, &body);
            let result = self
                .http
                .post(&self.url)
                .header("content-type", "application/json")
                .header("x-sealpost-timestamp", timestamp.to_string())
                .header("x-sealpost-signature", signature)
                .body(body.clone())
                .send()
                .await;
            match result {
                Ok(response) if response.status().is_success() => {
                    tracing::info!(audit_seq = self.seq, attempt, "alert webhook delivered");
                    return;
                }
                Ok(response) => tracing::warn!(
                    audit_seq = self.seq,
                    attempt,
                    status = response.status().as_u16(),
                    "alert webhook answered with an error status; retrying"
                ),
                Err(error) => tracing::warn!(
                    audit_seq = self.seq,
                    attempt,
                    error = %error.without_url(),
                    "alert webhook delivery failed; retrying"
                ),
            }
            if attempt < self.attempts {
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(Duration::from_secs(60));
            }
        }
        tracing::error!(
            audit_seq = self.seq,
            attempts = self.attempts,
            "alert webhook delivery gave up"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signature_matches_known_hmac() {
        // HMAC-SHA256(key "key", "1.{}"), computed independently with
        // `printf '1.{}' | openssl dgst -sha256 -hmac key`.
        let signature = webhook_signature(b"key", 1, b"{}");
        assert_eq!(
            signature,
            "sha256=1ba6b8171186efc613e8bcc0cbdab2748f24984d7c5a84faa2637afa0e40d224"
        );
        assert_ne!(signature, webhook_signature(b"key", 2, b"{}"));
        assert_ne!(signature, webhook_signature(b"other", 1, b"{}"));
    }
}
