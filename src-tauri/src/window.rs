//! The log plugin's set-up and focusing the main window.
//!
//! A file dropped on the window reaches the UI as Tauri's own drag-drop event
//! (`dragDropEnabled` in tauri.conf.json), and the UI opens it with `open_list`.

use tauri::{AppHandle, Manager, Runtime};
use tauri_plugin_log::{RotationStrategy, Target, TargetKind};

/// Largest log file before it is rotated, in bytes.
const MAX_LOG_BYTES: u128 = 2 * 1024 * 1024;

/// Returns the log plugin: rotating files in the app log folder, plus standard error.
///
/// Log lines name lists by file name and id only; no cell text, password or token is
/// ever passed to the logger.
pub(crate) fn log_plugin<R: Runtime>() -> tauri::plugin::TauriPlugin<R> {
    tauri_plugin_log::Builder::new()
        .targets([
            Target::new(TargetKind::LogDir { file_name: None }),
            Target::new(TargetKind::Stderr),
        ])
        .max_file_size(MAX_LOG_BYTES)
        .rotation_strategy(RotationStrategy::KeepSome(5))
        .level(log::LevelFilter::Info)
        .build()
}

/// Brings the main window to the front, for a second launch.
pub(crate) fn focus_main<R: Runtime>(app: &AppHandle<R>) {
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
    }
}
