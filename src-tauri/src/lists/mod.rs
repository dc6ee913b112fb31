//! Opened lists held on the Rust side: paging, background validation and mapping.
//!
//! Nothing here depends on Tauri, so the commands call these functions and forward the
//! events.

pub mod fields;
mod open;
mod page;
mod results;
#[cfg(test)]
mod tests;
mod validation;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use sealpost_lists::{ColumnMapping, ListInfo, ListReader, OpenOptions, ReadError};

use crate::types::AppError;

pub use open::open_list;
pub use page::read_page;
pub use results::{ValidationResults, issue_page};
pub use validation::{RecordedEvents, ValidationEvents, start_validation};

/// Every list opened in this run, by id.
#[derive(Debug, Default)]
pub struct ListStore {
    lists: Mutex<HashMap<String, Arc<OpenList>>>,
    next_id: AtomicU64,
}

impl ListStore {
    /// Adds `list` and returns it shared.
    pub fn insert(&self, list: OpenList) -> Arc<OpenList> {
        let list = Arc::new(list);
        lock(&self.lists).insert(list.id.clone(), Arc::clone(&list));
        list
    }

    /// Returns a fresh list id.
    pub fn next_id(&self) -> String {
        let number = self.next_id.fetch_add(1, Ordering::Relaxed) + 1;
        format!("list-{number}")
    }

    /// Returns the list with `id`.
    pub fn get(&self, id: &str) -> Result<Arc<OpenList>, AppError> {
        lock(&self.lists).get(id).cloned().ok_or_else(|| {
            AppError::new(
                "list.not_found",
                format!("no open list has id {id:?}; open the file again"),
            )
        })
    }

    /// Removes the list with `id`, cancelling its validation.
    pub fn remove(&self, id: &str) -> Result<(), AppError> {
        let list = lock(&self.lists).remove(id);
        match list {
            Some(list) => {
                list.cancel_validation();
                Ok(())
            }
            None => Err(AppError::new(
                "list.closed",
                format!("the list {id:?} is already closed"),
            )),
        }
    }
}

/// One opened list. Rows stay in the file; only the requested page is read.
#[derive(Debug)]
pub struct OpenList {
    /// Handle the UI passes back.
    pub id: String,
    /// The file.
    pub path: PathBuf,
    /// The file's name without its folder.
    pub file_name: String,
    /// File size in bytes.
    pub file_bytes: u64,
    options: OpenOptions,
    info: ListInfo,
    /// Reader for pages; replaced by the validation's reader, whose row index covers the
    /// whole file, when a validation finishes.
    reader: Mutex<ListReader>,
    mapping: Mutex<ColumnMapping>,
    template: Mutex<Option<String>>,
    results: Mutex<Option<Arc<ValidationResults>>>,
    run: Mutex<Option<RunHandle>>,
    generation: AtomicU64,
    /// The message of the error that proved wrong the UTF-8 taken from the start of the
    /// file. Once it is set, pages are rejected, so no more text decoded with the wrong
    /// encoding is shown.
    encoding_failure: Mutex<Option<String>>,
}

/// The cancel flag of the running validation and the generation it belongs to.
#[derive(Debug, Clone)]
struct RunHandle {
    generation: u64,
    cancel: Arc<AtomicBool>,
}

impl OpenList {
    /// Returns what the reader detected.
    pub fn info(&self) -> &ListInfo {
        &self.info
    }

    /// Returns a copy of the current mapping.
    pub fn mapping(&self) -> ColumnMapping {
        lock(&self.mapping).clone()
    }

    /// Returns the template applied when the list was opened, if any.
    pub fn template(&self) -> Option<String> {
        lock(&self.template).clone()
    }

    /// Replaces the mapping and discards results made with the old one.
    pub fn set_mapping(&self, mapping: ColumnMapping) {
        self.cancel_validation();
        *lock(&self.mapping) = mapping;
        *lock(&self.template) = None;
        *lock(&self.results) = None;
    }

    /// Returns the results of the last finished validation.
    pub fn results(&self) -> Option<Arc<ValidationResults>> {
        lock(&self.results).clone()
    }

    /// Stops the running validation, if any.
    pub fn cancel_validation(&self) {
        if let Some(run) = lock(&self.run).take() {
            run.cancel.store(true, Ordering::Relaxed);
        }
    }

    /// Keeps `error` when it proves the list's encoding wrong, for the pages that follow.
    fn note_read_error(&self, error: &ReadError) {
        if matches!(error, ReadError::Utf8GuessFailed { .. }) {
            lock(&self.encoding_failure).get_or_insert_with(|| error.to_string());
        }
    }

    /// Returns the message of the error that proved the list's encoding wrong, if any.
    fn encoding_failure(&self) -> Option<String> {
        lock(&self.encoding_failure).clone()
    }

    /// Returns the first data row's number: the row after the headings.
    pub fn first_data_row(&self) -> u64 {
        self.info.header_row.unwrap_or(0) + 1
    }
}

/// Locks `mutex`, recovering the data if a thread panicked while holding it: every value
/// behind these locks is replaced whole, so it is never left half-written.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}
