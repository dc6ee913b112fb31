//! Tauri commands: thin wrappers that validate input, call the pure modules and convert
//! errors. Kept out of the crate root, where `#[tauri::command]` names collide.

pub mod app;
pub mod history;
pub mod lists;
pub mod mapping;
pub mod session;
pub mod team;
pub mod upload;

/// Runs `work` on the blocking thread pool, so file reads do not stall the async runtime.
pub(crate) async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> crate::types::AppResult<T> + Send + 'static,
) -> crate::types::AppResult<T> {
    tauri::async_runtime::spawn_blocking(work)
        .await
        .map_err(|error| {
            crate::types::AppError::new("io.error", format!("a background task failed: {error}"))
        })?
}
