//! Start-up information and settings.

use std::sync::Arc;

use tauri::{AppHandle, Manager, State};
use tauri_plugin_opener::OpenerExt;

use crate::service::session;
use crate::state::ConfigStore;
use crate::types::{AppError, AppInfo, AppResult, KeyringStatus, LockedSession, Settings};

/// Returns the version, the log folder, keyring availability, sign-in defaults and a
/// session waiting for its passphrase.
#[tauri::command]
pub fn app_info(
    app: AppHandle,
    config: State<'_, Arc<ConfigStore>>,
    keyring: State<'_, KeyringStatus>,
) -> AppResult<AppInfo> {
    Ok(AppInfo {
        version: app.package_info().version.to_string(),
        log_dir: log_dir(&app)?.to_string_lossy().into_owned(),
        keyring: keyring.inner().clone(),
        defaults: config.sign_in_defaults(),
        locked_session: locked_session(&config),
    })
}

/// Returns the saved server's session when a passphrase-protected file keeps it.
fn locked_session(config: &ConfigStore) -> Option<LockedSession> {
    let settings = config.settings();
    let server_url = settings.server_url.filter(|url| !url.trim().is_empty())?;
    let path = session::token_file(config.directory(), &server_url).ok()?;
    path.exists().then_some(LockedSession {
        server_url,
        email: settings.email,
    })
}

/// Returns the saved settings.
#[tauri::command]
pub fn get_settings(config: State<'_, Arc<ConfigStore>>) -> Settings {
    config.settings()
}

/// Saves the settings.
#[tauri::command]
pub fn save_settings(settings: Settings, config: State<'_, Arc<ConfigStore>>) -> AppResult<()> {
    config.save(settings)?;
    log::info!("settings saved");
    Ok(())
}

/// Opens the log folder in the desktop's file manager.
#[tauri::command]
pub fn open_log_folder(app: AppHandle) -> AppResult<()> {
    let directory = log_dir(&app)?;
    std::fs::create_dir_all(&directory)
        .map_err(|error| AppError::io("creating the log folder", &error))?;
    app.opener()
        .open_path(directory.to_string_lossy(), None::<&str>)
        .map_err(|error| {
            AppError::new(
                "io.error",
                format!("opening the log folder failed: {error}"),
            )
        })
}

/// Returns the folder the log plugin writes to.
pub fn log_dir(app: &AppHandle) -> AppResult<std::path::PathBuf> {
    app.path()
        .app_log_dir()
        .map_err(|error| AppError::new("io.error", format!("the log folder is unknown: {error}")))
}

/// Lines of each log file copied into a diagnostics bundle.
const LOG_TAIL_LINES: usize = 300;

/// Writes a diagnostics bundle (JSON) to `path`: the app version, platform, settings,
/// keyring status and the end of the log files. The logs never contain passwords,
/// tokens or list contents, so neither does the bundle.
#[tauri::command]
pub fn export_diagnostics(
    app: AppHandle,
    path: String,
    config: State<'_, Arc<ConfigStore>>,
    keyring: State<'_, KeyringStatus>,
) -> AppResult<()> {
    let mut logs = serde_json::Map::new();
    if let Ok(entries) = std::fs::read_dir(log_dir(&app)?) {
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if let Ok(text) = std::fs::read_to_string(entry.path()) {
                let lines: Vec<&str> = text.lines().collect();
                let tail = lines[lines.len().saturating_sub(LOG_TAIL_LINES)..].join("\n");
                logs.insert(name, tail.into());
            }
        }
    }
    let bundle = serde_json::json!({
        "version": app.package_info().version.to_string(),
        "os": std::env::consts::OS,
        "arch": std::env::consts::ARCH,
        "settings": config.settings(),
        "keyring": keyring.inner(),
        "logs": logs,
    });
    let text = serde_json::to_string_pretty(&bundle).map_err(|error| {
        AppError::new("io.error", format!("encoding diagnostics failed: {error}"))
    })?;
    std::fs::write(&path, text)
        .map_err(|error| AppError::io(&format!("writing {path}"), &error))?;
    log::info!("diagnostics exported");
    Ok(())
}
