//! The CLI's log file, which `sealpost diagnostics` includes (redacted).
//!
//! Lines go to `logs/sealpost.log` in the config directory, at `info` level unless
//! `SEALPOST_LOG` sets a filter such as `debug`. The client library never logs tokens or
//! passwords. When the file passes [`MAX_LOG_BYTES`] it is renamed to `sealpost.log.1`,
//! replacing the older one.

use std::path::PathBuf;
use std::sync::Mutex;

use tracing_subscriber::EnvFilter;

/// Size at which the log file is rotated.
const MAX_LOG_BYTES: u64 = 1024 * 1024;

fn log_path() -> Option<PathBuf> {
    sealpost_client::profile::config_dir()
        .ok()
        .map(|dir| dir.join("logs").join("sealpost.log"))
}

/// Starts logging to the file; without a writable config directory nothing is logged.
pub(crate) fn install() {
    let Some(path) = log_path() else { return };
    let Some(dir) = path.parent() else { return };
    if std::fs::create_dir_all(dir).is_err() {
        return;
    }
    if std::fs::metadata(&path).is_ok_and(|meta| meta.len() > MAX_LOG_BYTES) {
        let _ = std::fs::rename(&path, path.with_extension("log.1"));
    }
    let mut options = std::fs::OpenOptions::new();
    options.create(true).append(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    let Ok(file) = options.open(&path) else {
        return;
    };
    let filter = EnvFilter::try_from_env("SEALPOST_LOG").unwrap_or_else(|_| {
        EnvFilter::new("info,sealpost_client=info,reqwest=warn,hyper=warn,rustls=warn")
    });
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(false)
        .with_writer(Mutex::new(file))
        .try_init();
}

/// Reads the current log file.
pub(crate) fn read_log() -> Option<String> {
    std::fs::read_to_string(log_path()?).ok()
}
