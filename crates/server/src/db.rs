//! The database pool. SQLite and PostgreSQL share one set of queries through sqlx's
//! `Any` driver: every query uses `$N` placeholders, which both accept, and stores only
//! text and 64-bit integers, which both map the same way. Each backend has its own
//! migration folder because their DDL differs (trigger syntax, integer types).

use std::fs::{DirBuilder, OpenOptions, Permissions};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::Path;
use std::str::FromStr;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, Executor};

/// Which database the URL selects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// An embedded SQLite file in WAL mode.
    Sqlite,
    /// A PostgreSQL server.
    Postgres,
}

/// A database failure while opening or migrating.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DbError {
    /// The URL is neither `sqlite:` nor `postgres://`.
    #[error("unsupported database URL scheme; expected sqlite://PATH or postgres://…")]
    UnsupportedUrl,
    /// The SQLite file's directory could not be created.
    #[error("cannot create the database directory {0}")]
    CreateDir(String, #[source] std::io::Error),
    /// The SQLite file could not be created or restricted to its owner.
    #[error("cannot create the database file {0} readable by its owner only")]
    CreateFile(String, #[source] std::io::Error),
    /// An administrative command named an SQLite file that does not exist.
    #[error("no database at {0}; check --data-dir or the database_url in --config")]
    NotFound(String),
    /// Connecting failed.
    #[error("cannot connect to the database")]
    Connect(#[source] sqlx::Error),
    /// A migration failed.
    #[error("database migration failed")]
    Migrate(#[source] sqlx::migrate::MigrateError),
}

/// A connection pool and the backend it talks to.
#[derive(Debug, Clone)]
pub struct Db {
    pool: AnyPool,
    backend: Backend,
}

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("migrations/postgres");

impl Db {
    /// Opens the database named by `url`, creating an SQLite file if missing, and
    /// applies pending migrations.
    ///
    /// A new SQLite file is created with mode 0600 in a directory created with mode 0700,
    /// because it contains password and token hashes. SQLite gives its `-wal` and `-shm`
    /// files the same mode as the database file.
    pub async fn open(url: &str) -> Result<Self, DbError> {
        Self::open_with(url, true).await
    }

    /// Opens an existing database and applies pending migrations, without creating an
    /// SQLite file. Administrative commands such as `audit verify` use it, so that a
    /// mistyped path reports an error instead of verifying a new, empty log.
    pub async fn open_existing(url: &str) -> Result<Self, DbError> {
        Self::open_with(url, false).await
    }

    async fn open_with(url: &str, create: bool) -> Result<Self, DbError> {
        sqlx::any::install_default_drivers();
        let (backend, url) = if let Some(path) = url.strip_prefix("sqlite://") {
            let path = Path::new(path.split('?').next().unwrap_or(path));
            if create {
                create_private_file(path)?;
            } else if !path.is_file() {
                return Err(DbError::NotFound(path.display().to_string()));
            }
            let url = if url.contains('?') {
                url.to_owned()
            } else {
                format!("{url}?mode=rwc")
            };
            (Backend::Sqlite, url)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            (Backend::Postgres, url.to_owned())
        } else {
            return Err(DbError::UnsupportedUrl);
        };
        let options = AnyConnectOptions::from_str(&url).map_err(DbError::Connect)?;
        let pool = match backend {
            // WAL lets readers proceed during a write; the busy timeout makes concurrent
            // writers wait instead of failing with SQLITE_BUSY.
            Backend::Sqlite => AnyPoolOptions::new()
                .max_connections(8)
                .after_connect(|connection, _| {
                    Box::pin(async move {
                        connection
                            .execute(
                                "PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; \
                                 PRAGMA busy_timeout = 5000; PRAGMA synchronous = NORMAL;",
                            )
                            .await?;
                        Ok(())
                    })
                })
                .connect_with(options)
                .await
                .map_err(DbError::Connect)?,
            Backend::Postgres => AnyPoolOptions::new()
                .max_connections(16)
                .connect_with(options)
                .await
                .map_err(DbError::Connect)?,
        };
        let db = Self { pool, backend };
        db.migrate().await?;
        Ok(db)
    }

    async fn migrate(&self) -> Result<(), DbError> {
        let migrator = match self.backend {
            Backend::Sqlite => &SQLITE_MIGRATIONS,
            Backend::Postgres => &POSTGRES_MIGRATIONS,
        };
        migrator.run(&self.pool).await.map_err(DbError::Migrate)
    }

    /// The pool.
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// The backend.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Checks that the database answers a trivial query.
    pub async fn ping(&self) -> Result<(), sqlx::Error> {
        sqlx::query("SELECT 1")
            .execute(&self.pool)
            .await
            .map(|_| ())
    }

    /// Closes every connection.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// Creates the SQLite file `path` (and its missing parent directories) readable by its
/// owner only, and narrows an existing file to mode 0600.
fn create_private_file(path: &Path) -> Result<(), DbError> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(parent)
            .map_err(|error| DbError::CreateDir(parent.display().to_string(), error))?;
    }
    let file_error = |error| DbError::CreateFile(path.display().to_string(), error);
    OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(false)
        .mode(0o600)
        .open(path)
        .map_err(file_error)?;
    std::fs::set_permissions(path, Permissions::from_mode(0o600)).map_err(file_error)
}

/// The current time as Unix seconds.
pub fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

/// Converts stored Unix seconds to a timestamp, clamping impossible values to the epoch.
pub fn to_time(seconds: i64) -> time::OffsetDateTime {
    time::OffsetDateTime::from_unix_timestamp(seconds).unwrap_or(time::OffsetDateTime::UNIX_EPOCH)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mode(path: &Path) -> u32 {
        std::fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[tokio::test]
    async fn sqlite_files_private_to_owner() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        let file = data.join("sealpost.db");
        let db = Db::open(&format!("sqlite://{}", file.display()))
            .await
            .unwrap();
        db.ping().await.unwrap();

        assert_eq!(mode(&data), 0o700);
        assert_eq!(mode(&file), 0o600);
        let wal = data.join("sealpost.db-wal");
        if wal.exists() {
            assert_eq!(mode(&wal), 0o600);
        }
        db.close().await;
    }

    #[tokio::test]
    async fn open_existing_rejects_missing_file() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("typo").join("sealpost.db");
        let error = Db::open_existing(&format!("sqlite://{}", file.display()))
            .await
            .unwrap_err();

        assert!(matches!(error, DbError::NotFound(_)));
        assert!(error.to_string().contains("no database at"));
        assert!(!file.exists());
        assert!(!dir.path().join("typo").exists());
    }
}
