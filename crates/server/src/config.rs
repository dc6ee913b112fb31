//! Service configuration: a TOML file plus `SEALPOST_*` environment overrides, checked
//! once at start-up so that a bad value stops the service with a message naming it.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

/// A configuration problem found while loading or validating.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The configuration file could not be read.
    #[error("cannot read configuration file {path}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O failure.
        #[source]
        source: std::io::Error,
    },
    /// The configuration file is not valid TOML or has unknown or mistyped keys.
    #[error("invalid configuration file {path}: {message}")]
    Parse {
        /// The file.
        path: PathBuf,
        /// The parser's description, with line and column.
        message: String,
    },
    /// An environment override has a value that cannot be used.
    #[error("invalid value in environment variable {name}: {message}")]
    Env {
        /// The variable.
        name: &'static str,
        /// The problem and the expected value.
        message: String,
    },
    /// A value is out of range or inconsistent with another value.
    #[error("invalid configuration value `{key}`: {message}")]
    Invalid {
        /// The dotted key, such as `sessions.idle_timeout_seconds`.
        key: &'static str,
        /// The problem and the expected value.
        message: String,
    },
}

/// The whole service configuration.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The TLS listening address.
    #[serde(default = "default_listen")]
    pub listen: SocketAddr,
    /// `sqlite://PATH` (created if missing) or `postgres://USER@HOST/DB`.
    pub database_url: String,
    /// The certificate and key.
    pub tls: TlsConfig,
    /// Session lifetimes.
    #[serde(default)]
    pub sessions: SessionConfig,
    /// API token lifetimes.
    #[serde(default)]
    pub tokens: TokenConfig,
    /// Request size and rate limits.
    #[serde(default)]
    pub limits: LimitConfig,
    /// Locking an email after failed sign-ins.
    #[serde(default)]
    pub lockout: LockoutConfig,
    /// Alert detectors and delivery.
    #[serde(default)]
    pub alerts: AlertConfig,
    /// Argon2id cost.
    #[serde(default)]
    pub password_hash: PasswordHashConfig,
    /// Log output.
    #[serde(default)]
    pub logging: LoggingConfig,
    /// Where the key that wraps the accounts' upload private keys lives.
    #[serde(default)]
    pub upload_keys: UploadKeyConfig,
    /// Upload intake over tus and its storage.
    #[serde(default)]
    pub uploads: UploadConfig,
    /// Virus scanning and validation of received uploads.
    #[serde(default)]
    pub scanner: ScannerConfig,
}

/// The processing of received uploads.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ScannerConfig {
    /// clamd's address, `unix:PATH` or `tcp:HOST:PORT`. Without it every upload waits in
    /// `scan_pending`: nothing is accepted unscanned.
    pub clamd: Option<String>,
    /// Seconds one scan may take before it counts as no answer.
    pub timeout_seconds: u64,
    /// Uploads processed at once.
    pub workers: usize,
}

impl Default for ScannerConfig {
    fn default() -> Self {
        Self {
            clamd: None,
            timeout_seconds: 300,
            workers: 2,
        }
    }
}

/// Upload intake and storage.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct UploadConfig {
    /// The directory of the local blob store. Defaults to `uploads` next to the
    /// configuration file or in the data directory.
    pub dir: Option<PathBuf>,
    /// Largest accepted upload (`Upload-Length`), in bytes.
    pub max_size_bytes: u64,
    /// Seconds after creation at which an unfinished upload expires and is removed.
    pub expire_seconds: u64,
    /// Seconds a PATCH body may go without a byte before the service ends the request,
    /// keeping the bytes received (unless the request carried a checksum).
    pub patch_idle_timeout_seconds: u64,
    /// `s3://BUCKET/PREFIX` to store uploads in an S3-compatible bucket instead of `dir`.
    pub blob_store: Option<String>,
    /// The endpoint of an S3-compatible service, such as `https://minio.internal:9000`;
    /// AWS when absent.
    pub s3_endpoint: Option<String>,
    /// The bucket's region; `us-east-1` when absent.
    pub s3_region: Option<String>,
    /// The access key id; `SEALPOST_S3_ACCESS_KEY_ID` or `AWS_ACCESS_KEY_ID` override it.
    pub s3_access_key_id: Option<String>,
    /// The secret access key; `SEALPOST_S3_SECRET_ACCESS_KEY` or `AWS_SECRET_ACCESS_KEY`
    /// override it. Never logged.
    pub s3_secret_access_key: Option<Redacted>,
    /// A session token for temporary credentials, from `AWS_SESSION_TOKEN` only.
    #[serde(skip)]
    pub s3_session_token: Option<Redacted>,
    /// Allows an `http://` endpoint, for example a test server on the loopback interface.
    pub s3_allow_http: bool,
}

/// A secret configuration value whose `Debug` output hides it.
#[derive(Clone, Deserialize)]
#[serde(transparent)]
pub struct Redacted(pub String);

impl std::fmt::Debug for Redacted {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str("<redacted>")
    }
}

impl Default for UploadConfig {
    fn default() -> Self {
        Self {
            dir: None,
            max_size_bytes: 1 << 30,
            expire_seconds: 24 * 60 * 60,
            patch_idle_timeout_seconds: 60,
            blob_store: None,
            s3_endpoint: None,
            s3_region: None,
            s3_access_key_id: None,
            s3_secret_access_key: None,
            s3_session_token: None,
            s3_allow_http: false,
        }
    }
}

impl UploadConfig {
    /// Builds the S3 settings when `blob_store` names a bucket. Fails when the URL or a
    /// credential is missing or invalid.
    pub fn s3_settings(&self) -> Result<Option<crate::blob::s3::S3Settings>, ConfigError> {
        let Some(url) = &self.blob_store else {
            return Ok(None);
        };
        let invalid = |key: &'static str, message: String| ConfigError::Invalid { key, message };
        crate::blob::s3::parse_s3_url(url)
            .map_err(|message| invalid("uploads.blob_store", message))?;
        let access_key_id = self.s3_access_key_id.clone().ok_or_else(|| {
            invalid(
                "uploads.s3_access_key_id",
                "is required with an s3:// blob_store (or set SEALPOST_S3_ACCESS_KEY_ID)"
                    .to_owned(),
            )
        })?;
        let secret_access_key = self.s3_secret_access_key.clone().ok_or_else(|| {
            invalid(
                "uploads.s3_secret_access_key",
                "is required with an s3:// blob_store (or set SEALPOST_S3_SECRET_ACCESS_KEY)"
                    .to_owned(),
            )
        })?;
        if let Some(endpoint) = &self.s3_endpoint {
            let https = endpoint.starts_with("https://");
            let http = endpoint.starts_with("http://");
            if !(https || http && self.s3_allow_http) {
                return Err(invalid(
                    "uploads.s3_endpoint",
                    "must be an https:// URL, or http:// with uploads.s3_allow_http = true"
                        .to_owned(),
                ));
            }
        }
        Ok(Some(crate::blob::s3::S3Settings {
            url: url.clone(),
            endpoint: self.s3_endpoint.clone(),
            region: self.s3_region.clone(),
            access_key_id,
            secret_access_key: secret_access_key.0,
            session_token: self.s3_session_token.clone().map(|token| token.0),
            allow_http: self.s3_allow_http,
        }))
    }

    /// The blob store directory; only a configuration parsed from text alone lacks one.
    pub fn dir_path(&self) -> Result<&Path, ConfigError> {
        self.dir.as_deref().ok_or_else(|| ConfigError::Invalid {
            key: "uploads.dir",
            message:
                "no upload directory is configured; name one such as /var/lib/sealpost/uploads"
                    .to_owned(),
        })
    }
}

/// The blob store directory's name when the configuration does not name one.
pub const DEFAULT_UPLOAD_DIR: &str = "uploads";

/// The key-encryption key of the upload private keys.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UploadKeyConfig {
    /// A local key file with mode 0600, as written by `init` and `demo`. Defaults to
    /// `upload-kek.key` next to the configuration file or in the data directory.
    pub kek_file: Option<PathBuf>,
}

impl UploadKeyConfig {
    /// The key file's path; only a configuration parsed from text alone lacks one.
    pub fn kek_path(&self) -> Result<&Path, ConfigError> {
        self.kek_file
            .as_deref()
            .ok_or_else(|| ConfigError::Invalid {
                key: "upload_keys.kek_file",
                message: "no key file is configured; name one such as /etc/sealpost/upload-kek.key"
                    .to_owned(),
            })
    }
}

/// The key file's name when the configuration does not name one.
pub const DEFAULT_KEK_FILE: &str = "upload-kek.key";

/// Certificate and private key files.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TlsConfig {
    /// PEM file with the certificate chain, leaf first.
    pub cert: PathBuf,
    /// PEM file with the private key (PKCS#8, PKCS#1 or SEC1).
    pub key: PathBuf,
    /// `max-age` of the Strict-Transport-Security header, in seconds; at least one year.
    #[serde(default = "default_hsts")]
    pub hsts_max_age_seconds: u64,
}

/// Session lifetimes.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SessionConfig {
    /// Seconds of inactivity that end a session.
    pub idle_timeout_seconds: u64,
    /// Seconds after sign-in that end a session regardless of activity.
    pub absolute_lifetime_seconds: u64,
}

impl Default for SessionConfig {
    fn default() -> Self {
        Self {
            idle_timeout_seconds: 30 * 60,
            absolute_lifetime_seconds: 12 * 60 * 60,
        }
    }
}

/// API token lifetimes.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TokenConfig {
    /// Seconds without use after which a token stops working.
    pub idle_disable_seconds: u64,
    /// Default seconds the old token keeps working after a rotation.
    pub rotation_grace_seconds: u64,
    /// Seconds an invitation token stays valid.
    pub invitation_lifetime_seconds: u64,
}

impl Default for TokenConfig {
    fn default() -> Self {
        Self {
            idle_disable_seconds: 90 * 24 * 60 * 60,
            rotation_grace_seconds: 24 * 60 * 60,
            invitation_lifetime_seconds: 7 * 24 * 60 * 60,
        }
    }
}

/// Request size and rate limits. Rates are GCRA quotas: `burst` requests at once, then
/// one more every `60 / per_minute` seconds.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LimitConfig {
    /// Largest accepted request body, in bytes.
    pub max_body_bytes: usize,
    /// Sustained requests per minute from one client address.
    pub per_address_per_minute: u32,
    /// Requests one client address may send at once.
    pub per_address_burst: u32,
    /// Sustained requests per minute with one credential.
    pub per_credential_per_minute: u32,
    /// Requests one credential may send at once.
    pub per_credential_burst: u32,
    /// Open connections the listener accepts at once; further connections are closed
    /// at once until one ends.
    pub max_connections: u32,
}

impl Default for LimitConfig {
    fn default() -> Self {
        Self {
            max_body_bytes: 64 * 1024,
            per_address_per_minute: 600,
            per_address_burst: 120,
            per_credential_per_minute: 600,
            per_credential_burst: 120,
            max_connections: 1024,
        }
    }
}

/// Locking an email after failed sign-ins.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LockoutConfig {
    /// Consecutive failures that lock the email.
    pub max_failures: u32,
    /// Seconds of the first lock; each further lock doubles it.
    pub base_lock_seconds: u64,
    /// Maximum lock, in seconds.
    pub max_lock_seconds: u64,
}

impl Default for LockoutConfig {
    fn default() -> Self {
        Self {
            max_failures: 5,
            base_lock_seconds: 60,
            max_lock_seconds: 60 * 60,
        }
    }
}

/// Alert detectors and delivery.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AlertConfig {
    /// The window the detectors count over, in seconds.
    pub window_seconds: u64,
    /// Failed sign-ins for one email within the window that raise an alert.
    pub failures_per_email: u32,
    /// Failed sign-ins from one address within the window that raise an alert.
    pub failures_per_address: u32,
    /// Distinct accounts signed in to from one address within the window that raise an
    /// alert.
    pub accounts_per_address: u32,
    /// URL that receives each alert as a signed JSON POST.
    pub webhook_url: Option<String>,
    /// HMAC-SHA256 key for the `x-sealpost-signature` header; required with a URL.
    pub webhook_secret: Option<String>,
    /// Delivery attempts per alert.
    pub webhook_attempts: u32,
    /// The window the upload-volume detector compares with the baseline, in seconds.
    pub upload_volume_window_seconds: u64,
    /// How far back the account's baseline reaches, in seconds; longer than the window.
    pub upload_baseline_seconds: u64,
    /// How many times the baseline's per-window volume counts as far above it.
    pub upload_volume_factor: u32,
    /// Uploads within the window below which no count alert is raised, so that a new
    /// account's first uploads are not flagged.
    pub upload_volume_min_uploads: u32,
    /// Bytes within the window below which no size alert is raised.
    pub upload_volume_min_bytes: u64,
    /// History and export pages one member may read within `history_window_seconds`
    /// before an alert is raised.
    pub history_reads_per_window: u32,
    /// The window of the history-read detector, in seconds.
    pub history_window_seconds: u64,
}

impl Default for AlertConfig {
    fn default() -> Self {
        Self {
            window_seconds: 15 * 60,
            failures_per_email: 5,
            failures_per_address: 20,
            accounts_per_address: 3,
            webhook_url: None,
            webhook_secret: None,
            webhook_attempts: 5,
            upload_volume_window_seconds: 60 * 60,
            upload_baseline_seconds: 7 * 24 * 60 * 60,
            upload_volume_factor: 10,
            upload_volume_min_uploads: 20,
            upload_volume_min_bytes: 1024 * 1024 * 1024,
            history_reads_per_window: 300,
            history_window_seconds: 5 * 60,
        }
    }
}

/// Argon2id cost. The defaults are OWASP's recommended minimum (19 MiB, 2 passes,
/// 1 lane) from its Password Storage Cheat Sheet.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PasswordHashConfig {
    /// Memory per hash, in KiB.
    pub memory_kib: u32,
    /// Passes over the memory.
    pub iterations: u32,
    /// Lanes.
    pub parallelism: u32,
}

impl Default for PasswordHashConfig {
    fn default() -> Self {
        Self {
            memory_kib: 19 * 1024,
            iterations: 2,
            parallelism: 1,
        }
    }
}

/// Log output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// One JSON object per line.
    #[default]
    Json,
    /// Human-readable lines.
    Pretty,
}

/// Log output.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LoggingConfig {
    /// `json` or `pretty`.
    pub format: LogFormat,
    /// A `tracing` filter such as `info` or `sealpost_server=debug`.
    pub filter: String,
}

impl Default for LoggingConfig {
    fn default() -> Self {
        Self {
            format: LogFormat::Json,
            filter: "info".to_owned(),
        }
    }
}

fn default_listen() -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], 8443))
}

fn default_hsts() -> u64 {
    ONE_YEAR_SECONDS
}

const ONE_YEAR_SECONDS: u64 = 365 * 24 * 60 * 60;

impl Config {
    /// Reads a TOML file, applies environment overrides and validates the result.
    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_owned(),
            source,
        })?;
        let mut config = Self::parse(&text, path)?;
        if config.upload_keys.kek_file.is_none() {
            let dir = path.parent().unwrap_or(Path::new("."));
            config.upload_keys.kek_file = Some(dir.join(DEFAULT_KEK_FILE));
        }
        if config.uploads.dir.is_none() {
            let dir = path.parent().unwrap_or(Path::new("."));
            config.uploads.dir = Some(dir.join(DEFAULT_UPLOAD_DIR));
        }
        config.apply_env(|name| std::env::var(name).ok())?;
        config.validate()?;
        Ok(config)
    }

    /// Parses TOML text; `path` only names the source in errors.
    pub fn parse(text: &str, path: &Path) -> Result<Self, ConfigError> {
        toml::from_str(text).map_err(|error| ConfigError::Parse {
            path: path.to_owned(),
            message: error.to_string(),
        })
    }

    /// Builds the configuration of a data directory: SQLite in `DIR/sealpost.db` and the
    /// certificate in `DIR/tls/`. A `DIR/sealpost.toml` file, when present, is used
    /// instead.
    pub fn for_data_dir(dir: &Path) -> Result<Self, ConfigError> {
        let file = dir.join("sealpost.toml");
        if file.exists() {
            return Self::load(&file);
        }
        let mut config = Self {
            listen: default_listen(),
            database_url: format!("sqlite://{}", dir.join("sealpost.db").display()),
            tls: TlsConfig {
                cert: dir.join("tls").join("server.pem"),
                key: dir.join("tls").join("server-key.pem"),
                hsts_max_age_seconds: ONE_YEAR_SECONDS,
            },
            sessions: SessionConfig::default(),
            tokens: TokenConfig::default(),
            limits: LimitConfig::default(),
            lockout: LockoutConfig::default(),
            alerts: AlertConfig::default(),
            password_hash: PasswordHashConfig::default(),
            logging: LoggingConfig::default(),
            upload_keys: UploadKeyConfig {
                kek_file: Some(dir.join(DEFAULT_KEK_FILE)),
            },
            uploads: UploadConfig {
                dir: Some(dir.join(DEFAULT_UPLOAD_DIR)),
                ..UploadConfig::default()
            },
            scanner: ScannerConfig::default(),
        };
        config.apply_env(|name| std::env::var(name).ok())?;
        config.validate_values()?;
        Ok(config)
    }

    /// Applies `SEALPOST_LISTEN`, `SEALPOST_DATABASE_URL`, `SEALPOST_TLS_CERT`,
    /// `SEALPOST_TLS_KEY`, `SEALPOST_LOG_FORMAT`, `SEALPOST_LOG`,
    /// `SEALPOST_WEBHOOK_SECRET` and the S3 credentials (`SEALPOST_S3_ACCESS_KEY_ID` or
    /// `AWS_ACCESS_KEY_ID`, `SEALPOST_S3_SECRET_ACCESS_KEY` or `AWS_SECRET_ACCESS_KEY`,
    /// and `AWS_SESSION_TOKEN`), each replacing the file's value.
    pub fn apply_env(
        &mut self,
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Result<(), ConfigError> {
        if let Some(value) = lookup("SEALPOST_LISTEN") {
            self.listen = value.parse().map_err(|_| ConfigError::Env {
                name: "SEALPOST_LISTEN",
                message: format!("{value:?} is not an address such as 127.0.0.1:8443"),
            })?;
        }
        if let Some(value) = lookup("SEALPOST_DATABASE_URL") {
            self.database_url = value;
        }
        if let Some(value) = lookup("SEALPOST_TLS_CERT") {
            self.tls.cert = PathBuf::from(value);
        }
        if let Some(value) = lookup("SEALPOST_TLS_KEY") {
            self.tls.key = PathBuf::from(value);
        }
        if let Some(value) = lookup("SEALPOST_LOG_FORMAT") {
            self.logging.format = match value.as_str() {
                "json" => LogFormat::Json,
                "pretty" => LogFormat::Pretty,
                _ => {
                    return Err(ConfigError::Env {
                        name: "SEALPOST_LOG_FORMAT",
                        message: format!("{value:?} is neither `json` nor `pretty`"),
                    });
                }
            };
        }
        if let Some(value) = lookup("SEALPOST_LOG") {
            self.logging.filter = value;
        }
        if let Some(value) = lookup("SEALPOST_WEBHOOK_SECRET") {
            self.alerts.webhook_secret = Some(value);
        }
        let uploads = &mut self.uploads;
        if let Some(value) =
            lookup("SEALPOST_S3_ACCESS_KEY_ID").or_else(|| lookup("AWS_ACCESS_KEY_ID"))
        {
            uploads.s3_access_key_id = Some(value);
        }
        if let Some(value) =
            lookup("SEALPOST_S3_SECRET_ACCESS_KEY").or_else(|| lookup("AWS_SECRET_ACCESS_KEY"))
        {
            uploads.s3_secret_access_key = Some(Redacted(value));
        }
        if let Some(value) = lookup("AWS_SESSION_TOKEN") {
            uploads.s3_session_token = Some(Redacted(value));
        }
        Ok(())
    }

    /// Checks every value and that the certificate and key files exist.
    pub fn validate(&self) -> Result<(), ConfigError> {
        self.validate_values()?;
        for (key, path) in [("tls.cert", &self.tls.cert), ("tls.key", &self.tls.key)] {
            if !path.is_file() {
                return Err(ConfigError::Invalid {
                    key,
                    message: format!("{} does not exist or is not a file", path.display()),
                });
            }
        }
        Ok(())
    }

    /// Checks every value except the existence of files.
    pub fn validate_values(&self) -> Result<(), ConfigError> {
        self.uploads.s3_settings()?;
        let invalid = |key, message: String| Err(ConfigError::Invalid { key, message });
        let url = &self.database_url;
        if !(url.starts_with("sqlite:")
            || url.starts_with("postgres://")
            || url.starts_with("postgresql://"))
        {
            return invalid(
                "database_url",
                "expected sqlite://PATH or postgres://…".to_owned(),
            );
        }
        if self.tls.hsts_max_age_seconds < ONE_YEAR_SECONDS {
            return invalid(
                "tls.hsts_max_age_seconds",
                format!("must be at least {ONE_YEAR_SECONDS} (one year)"),
            );
        }
        let sessions = &self.sessions;
        if sessions.idle_timeout_seconds == 0 || sessions.absolute_lifetime_seconds == 0 {
            return invalid("sessions", "timeouts must be greater than zero".to_owned());
        }
        if sessions.idle_timeout_seconds > sessions.absolute_lifetime_seconds {
            return invalid(
                "sessions.idle_timeout_seconds",
                "must not exceed sessions.absolute_lifetime_seconds".to_owned(),
            );
        }
        if self.tokens.idle_disable_seconds == 0 || self.tokens.invitation_lifetime_seconds == 0 {
            return invalid("tokens", "lifetimes must be greater than zero".to_owned());
        }
        if self.tokens.rotation_grace_seconds > MAX_ROTATION_GRACE_SECONDS {
            return invalid(
                "tokens.rotation_grace_seconds",
                format!("must be at most {MAX_ROTATION_GRACE_SECONDS} (7 days)"),
            );
        }
        let limits = &self.limits;
        if limits.max_body_bytes < 1024 {
            return invalid("limits.max_body_bytes", "must be at least 1024".to_owned());
        }
        for (key, value) in [
            (
                "limits.per_address_per_minute",
                limits.per_address_per_minute,
            ),
            ("limits.per_address_burst", limits.per_address_burst),
            (
                "limits.per_credential_per_minute",
                limits.per_credential_per_minute,
            ),
            ("limits.per_credential_burst", limits.per_credential_burst),
            ("limits.max_connections", limits.max_connections),
            ("lockout.max_failures", self.lockout.max_failures),
            ("alerts.failures_per_email", self.alerts.failures_per_email),
            (
                "alerts.failures_per_address",
                self.alerts.failures_per_address,
            ),
            (
                "alerts.accounts_per_address",
                self.alerts.accounts_per_address,
            ),
            ("alerts.webhook_attempts", self.alerts.webhook_attempts),
            (
                "alerts.upload_volume_factor",
                self.alerts.upload_volume_factor,
            ),
            (
                "alerts.upload_volume_min_uploads",
                self.alerts.upload_volume_min_uploads,
            ),
            (
                "alerts.history_reads_per_window",
                self.alerts.history_reads_per_window,
            ),
        ] {
            if value == 0 {
                return invalid(key, "must be greater than zero".to_owned());
            }
        }
        if self.lockout.base_lock_seconds == 0
            || self.lockout.base_lock_seconds > self.lockout.max_lock_seconds
        {
            return invalid(
                "lockout.base_lock_seconds",
                "must be greater than zero and at most lockout.max_lock_seconds".to_owned(),
            );
        }
        if self.alerts.upload_volume_window_seconds == 0
            || self.alerts.upload_baseline_seconds <= self.alerts.upload_volume_window_seconds
        {
            return invalid(
                "alerts.upload_baseline_seconds",
                "must be longer than alerts.upload_volume_window_seconds, which must be greater than zero".to_owned(),
            );
        }
        if self.uploads.patch_idle_timeout_seconds == 0 {
            return invalid(
                "uploads.patch_idle_timeout_seconds",
                "must be greater than zero".to_owned(),
            );
        }
        if self.alerts.history_window_seconds == 0 {
            return invalid(
                "alerts.history_window_seconds",
                "must be greater than zero".to_owned(),
            );
        }
        if self.alerts.window_seconds == 0 {
            return invalid(
                "alerts.window_seconds",
                "must be greater than zero".to_owned(),
            );
        }
        if let Some(url) = &self.alerts.webhook_url {
            if !(url.starts_with("https://") || url.starts_with("http://")) {
                return invalid(
                    "alerts.webhook_url",
                    "must be an http:// or https:// URL".to_owned(),
                );
            }
            if self
                .alerts
                .webhook_secret
                .as_deref()
                .is_none_or(str::is_empty)
            {
                return invalid(
                    "alerts.webhook_secret",
                    "is required when alerts.webhook_url is set (or set SEALPOST_WEBHOOK_SECRET)"
                        .to_owned(),
                );
            }
        }
        let hash = &self.password_hash;
        if hash.memory_kib < 8 * hash.parallelism || hash.iterations == 0 || hash.parallelism == 0 {
            return invalid(
                "password_hash",
                "memory_kib must be at least 8 × parallelism, iterations and parallelism at least 1"
                    .to_owned(),
            );
        }
        if self.uploads.max_size_bytes == 0 || self.uploads.expire_seconds == 0 {
            return invalid(
                "uploads",
                "`max_size_bytes` and `expire_seconds` must be at least 1".to_owned(),
            );
        }
        if let Some(address) = &self.scanner.clamd
            && let Err(message) = address.parse::<crate::clamd::ClamdAddress>()
        {
            return invalid("scanner.clamd", message);
        }
        if self.scanner.workers == 0 || self.scanner.timeout_seconds == 0 {
            return invalid(
                "scanner",
                "`workers` and `timeout_seconds` must be at least 1".to_owned(),
            );
        }
        if let Err(error) = self.logging.filter.parse::<tracing_subscriber::EnvFilter>() {
            return invalid("logging.filter", error.to_string());
        }
        Ok(())
    }

    /// Returns the session idle timeout.
    pub fn idle_timeout(&self) -> Duration {
        Duration::from_secs(self.sessions.idle_timeout_seconds)
    }
}

/// Maximum grace period a rotation may give the old token, in seconds.
pub const MAX_ROTATION_GRACE_SECONDS: u64 = 7 * 24 * 60 * 60;

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = r#"
database_url = "sqlite:///tmp/x.db"
[tls]
cert = "/tmp/cert.pem"
key = "/tmp/key.pem"
"#;

    fn parse(extra: &str) -> Result<Config, ConfigError> {
        let config = Config::parse(&format!("{MINIMAL}{extra}"), Path::new("test.toml"))?;
        config.validate_values()?;
        Ok(config)
    }

    #[test]
    fn example_file_matches_defaults() {
        let text = include_str!("../sealpost.example.toml");
        let example = Config::parse(text, Path::new("sealpost.example.toml")).unwrap();
        example.validate_values().unwrap();
        let minimal = parse("").unwrap();
        assert_eq!(
            format!("{:?}", example.sessions),
            format!("{:?}", minimal.sessions)
        );
        assert_eq!(
            format!("{:?}", example.tokens),
            format!("{:?}", minimal.tokens)
        );
        assert_eq!(
            format!("{:?}", example.limits),
            format!("{:?}", minimal.limits)
        );
        assert_eq!(
            format!("{:?}", example.lockout),
            format!("{:?}", minimal.lockout)
        );
        assert_eq!(
            format!("{:?}", example.alerts),
            format!("{:?}", minimal.alerts)
        );
        assert_eq!(
            format!("{:?}", example.password_hash),
            format!("{:?}", minimal.password_hash)
        );
    }

    #[test]
    fn packaged_sample_matches_example() {
        let text = include_str!("../../../packaging/sealpost.toml");
        let sample = Config::parse(text, Path::new("sealpost.toml")).unwrap();
        sample.validate_values().unwrap();
        let text = include_str!("../sealpost.example.toml");
        let example = Config::parse(text, Path::new("sealpost.example.toml")).unwrap();
        let sections = |config: &Config| {
            format!(
                "{:?} {:?} {:?} {:?} {:?} {:?}",
                config.sessions,
                config.tokens,
                config.limits,
                config.lockout,
                config.alerts,
                config.password_hash
            )
        };
        assert_eq!(sections(&sample), sections(&example));
        assert_eq!(
            sample.uploads.patch_idle_timeout_seconds,
            example.uploads.patch_idle_timeout_seconds
        );
        assert_eq!(
            sample.uploads.max_size_bytes,
            example.uploads.max_size_bytes
        );
        assert_eq!(
            sample.uploads.expire_seconds,
            example.uploads.expire_seconds
        );
    }

    #[test]
    fn minimal_file_gets_defaults() {
        let config = parse("").unwrap();
        assert_eq!(config.sessions.idle_timeout_seconds, 1800);
        assert_eq!(config.sessions.absolute_lifetime_seconds, 43200);
        assert_eq!(config.tokens.idle_disable_seconds, 90 * 86400);
        assert_eq!(config.password_hash.memory_kib, 19456);
    }

    #[test]
    fn invalid_values_name_their_key() {
        let cases = [
            (
                "[sessions]\nidle_timeout_seconds = 50000\n",
                "sessions.idle_timeout_seconds",
            ),
            ("[tls]\n", "duplicate"),
            ("[limits]\nmax_body_bytes = 10\n", "limits.max_body_bytes"),
            ("[lockout]\nmax_failures = 0\n", "lockout.max_failures"),
            (
                "[alerts]\nwebhook_url = \"https://127.0.0.1:9/x\"\n",
                "alerts.webhook_secret",
            ),
            (
                "[alerts]\nwebhook_url = \"ftp://h\"\nwebhook_secret = \"k\"\n",
                "alerts.webhook_url",
            ),
            ("colour = \"blue\"\n", "unknown field"),
        ];
        for (extra, expected) in cases {
            let error = parse(extra).unwrap_err().to_string();
            assert!(error.contains(expected), "{extra:?} gave {error}");
        }
    }

    #[test]
    fn short_hsts_rejected() {
        let text = MINIMAL.replace(
            "key = \"/tmp/key.pem\"",
            "key = \"/tmp/key.pem\"\nhsts_max_age_seconds = 86400",
        );
        let config = Config::parse(&text, Path::new("t.toml")).unwrap();
        let error = config.validate_values().unwrap_err().to_string();
        assert!(error.contains("tls.hsts_max_age_seconds"), "{error}");
    }

    #[test]
    fn unsupported_database_rejected() {
        let text = MINIMAL.replace("sqlite:///tmp/x.db", "mysql://db/x");
        let config = Config::parse(&text, Path::new("t.toml")).unwrap();
        let error = config.validate_values().unwrap_err().to_string();
        assert!(error.contains("database_url"), "{error}");
    }

    #[test]
    fn env_overrides_apply() {
        let mut config = parse("").unwrap();
        config
            .apply_env(|name| match name {
                "SEALPOST_LISTEN" => Some("127.0.0.1:9999".to_owned()),
                "SEALPOST_LOG_FORMAT" => Some("pretty".to_owned()),
                _ => None,
            })
            .unwrap();
        assert_eq!(config.listen.port(), 9999);
        assert_eq!(config.logging.format, LogFormat::Pretty);
        let error = config
            .apply_env(|name| (name == "SEALPOST_LISTEN").then(|| "nowhere".to_owned()))
            .unwrap_err();
        assert!(error.to_string().contains("SEALPOST_LISTEN"));
    }
}
