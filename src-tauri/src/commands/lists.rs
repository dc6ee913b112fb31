//! Opening, paging, validating and closing lists.

use std::sync::Arc;

use tauri::{AppHandle, Emitter, State};

use super::blocking;
use crate::lists::{self, ListStore, ValidationEvents};
use crate::state::{ConfigStore, IdleClock};
use crate::types::{
    AppResult, IssuePage, IssuesRequest, ListSummary, OpenListRequest, Page, PageRequest,
    ValidationDone, ValidationProgress, names,
};

/// Opens a list and applies the matching template or the automatic mapping.
#[tauri::command]
pub async fn open_list(
    request: OpenListRequest,
    store: State<'_, Arc<ListStore>>,
    config: State<'_, Arc<ConfigStore>>,
    idle: State<'_, IdleClock>,
) -> AppResult<ListSummary> {
    idle.touch();
    let store = Arc::clone(&store);
    let config = Arc::clone(&config);
    blocking(move || {
        let id = store.next_id();
        let list = config
            .with_templates(|templates| Ok((lists::open_list(id, &request, templates)?, false)))?;
        let list = store.insert(list);
        log::info!(
            "opened {} as {} ({:?}, {} columns)",
            list.file_name,
            list.id,
            list.info().format,
            list.info().headers.len()
        );
        Ok(list.summary())
    })
    .await
}

/// Returns one page of rows.
#[tauri::command]
pub async fn list_page(
    request: PageRequest,
    store: State<'_, Arc<ListStore>>,
    idle: State<'_, IdleClock>,
) -> AppResult<Page> {
    idle.touch();
    let list = store.get(&request.list_id)?;
    blocking(move || lists::read_page(&list, &request)).await
}

/// Starts validating a list in the background; progress and the end arrive as events.
#[tauri::command]
pub fn validate_list(
    list_id: String,
    app: AppHandle,
    store: State<'_, Arc<ListStore>>,
    idle: State<'_, IdleClock>,
) -> AppResult<()> {
    idle.touch();
    let list = store.get(&list_id)?;
    lists::start_validation(&list, WindowEvents { app })?;
    log::info!("validating {list_id}");
    Ok(())
}

/// Stops a running validation; `validation-done` follows with `cancelled: true`.
#[tauri::command]
pub fn cancel_validation(list_id: String, store: State<'_, Arc<ListStore>>) -> AppResult<()> {
    store.get(&list_id)?.cancel_validation();
    Ok(())
}

/// Returns a page of the issues the last validation found.
#[tauri::command]
pub fn validation_issues(
    request: IssuesRequest,
    store: State<'_, Arc<ListStore>>,
) -> AppResult<IssuePage> {
    let list = store.get(&request.list_id)?;
    match list.results() {
        Some(results) => lists::issue_page(&results, &request),
        None => Ok(IssuePage {
            total: 0,
            omitted: 0,
            issues: Vec::new(),
        }),
    }
}

/// Closes a list and frees its reader.
#[tauri::command]
pub fn close_list(list_id: String, store: State<'_, Arc<ListStore>>) -> AppResult<()> {
    store.remove(&list_id)?;
    log::info!("closed {list_id}");
    Ok(())
}

/// Forwards validation events to the window.
struct WindowEvents {
    app: AppHandle,
}

impl ValidationEvents for WindowEvents {
    fn progress(&self, progress: ValidationProgress) {
        if let Err(error) = self.app.emit(names::VALIDATION_PROGRESS, progress) {
            log::warn!("sending validation progress failed: {error}");
        }
    }

    fn done(&self, done: ValidationDone) {
        log::info!(
            "validation of {} ended: {} rows, {} with errors, cancelled {}",
            done.list_id,
            done.summary.rows,
            done.summary.rows_with_errors,
            done.cancelled
        );
        if let Err(error) = self.app.emit(names::VALIDATION_DONE, done) {
            log::warn!("sending the validation result failed: {error}");
        }
    }
}
