//! Background validation on a thread of its own, with progress and cancellation.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use sealpost_lists::{ListReader, Record, RowStatus, ValidateOptions, Validator};

use super::results::ISSUE_LIMIT;
use super::{OpenList, RunHandle, ValidationResults, lock};
use crate::types::{AppError, ValidationDone, ValidationProgress};

/// Time between two progress events.
const PROGRESS_INTERVAL: Duration = Duration::from_millis(100);

/// Receives a validation's progress and its end.
pub trait ValidationEvents: Send + 'static {
    /// Called about every [`PROGRESS_INTERVAL`].
    fn progress(&self, progress: ValidationProgress);
    /// Called once, at the end, after the results are stored.
    fn done(&self, done: ValidationDone);
}

/// Starts validating `list` on a new thread, cancelling a validation already running.
///
/// The file is read by a second reader, so pages stay available meanwhile.
pub fn start_validation(
    list: &Arc<OpenList>,
    events: impl ValidationEvents,
) -> Result<(), AppError> {
    let reader = list.reopen()?;
    let cancel = Arc::new(AtomicBool::new(false));
    let generation = list.generation.fetch_add(1, Ordering::Relaxed) + 1;
    {
        let mut run = lock(&list.run);
        if let Some(previous) = run.take() {
            previous.cancel.store(true, Ordering::Relaxed);
        }
        *run = Some(RunHandle {
            generation,
            cancel: Arc::clone(&cancel),
        });
    }
    let list = Arc::clone(list);
    std::thread::Builder::new()
        .name(format!("validate-{}", list.id))
        .spawn(move || run(&list, reader, generation, &cancel, &events))
        .map_err(|error| AppError::io("starting the validation thread", &error))?;
    Ok(())
}

fn run(
    list: &OpenList,
    mut reader: ListReader,
    generation: u64,
    cancel: &AtomicBool,
    events: &impl ValidationEvents,
) {
    let mapping = list.mapping();
    let mut validator = Validator::new(mapping.clone(), ValidateOptions::default());
    let mut results = ValidationResults {
        mapping,
        ..ValidationResults::default()
    };
    let mut counts = BTreeMap::new();
    let mut record = Record::new();
    let mut issues = Vec::new();
    let mut last_event = Instant::now();
    let mut error = None;

    loop {
        if cancel.load(Ordering::Relaxed) {
            break;
        }
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(read_error) => {
                list.note_read_error(&read_error);
                error = Some(read_error.to_string());
                break;
            }
        }
        results.last_row = record.row();
        let status = validator.validate(&record, &mut issues);
        tally(&mut results, &mut counts, status, record.row(), &mut issues);
        if last_event.elapsed() >= PROGRESS_INTERVAL {
            last_event = Instant::now();
            events.progress(progress_of(&list.id, &reader, results.summary.rows));
        }
    }

    let cancelled = cancel.load(Ordering::Relaxed);
    results.summary.counts_by_code = counts;
    let summary = results.summary.clone();
    let current = lock(&list.run)
        .as_ref()
        .is_some_and(|run| run.generation == generation);
    if current && !cancelled {
        if error.is_none() {
            // This reader has indexed the whole file, so it pages any row fast.
            *lock(&list.reader) = reader;
        }
        *lock(&list.results) = Some(Arc::new(results));
        *lock(&list.run) = None;
    }
    events.done(ValidationDone {
        list_id: list.id.clone(),
        cancelled,
        summary,
        error,
    });
}

fn tally(
    results: &mut ValidationResults,
    counts: &mut BTreeMap<String, u64>,
    status: RowStatus,
    row: u64,
    issues: &mut Vec<sealpost_lists::Issue>,
) {
    let summary = &mut results.summary;
    match status {
        RowStatus::Blank => {}
        RowStatus::Clean => summary.rows += 1,
        RowStatus::Warnings => {
            summary.rows += 1;
            summary.rows_with_warnings += 1;
        }
        RowStatus::Errors => {
            summary.rows += 1;
            summary.rows_with_errors += 1;
        }
    }
    if !issues.is_empty() {
        results.flagged_rows.push(row);
    }
    for issue in issues.drain(..) {
        *counts.entry(issue.code.as_str().to_owned()).or_insert(0) += 1;
        if results.issues.len() < ISSUE_LIMIT {
            results.issues.push(issue);
        } else {
            results.omitted += 1;
        }
    }
}

fn progress_of(list_id: &str, reader: &ListReader, rows_done: u64) -> ValidationProgress {
    // Text counts bytes and workbooks count rows, since a workbook is loaded whole.
    let progress = reader.progress();
    ValidationProgress {
        list_id: list_id.to_owned(),
        rows_done,
        bytes_done: progress.done,
        total_bytes: Some(progress.total),
    }
}

/// Collects events in memory, for tests.
#[derive(Debug, Clone, Default)]
pub struct RecordedEvents {
    /// Progress events received.
    pub progress: Arc<Mutex<Vec<ValidationProgress>>>,
    /// The end event, once received.
    pub done: Arc<Mutex<Option<ValidationDone>>>,
}

impl ValidationEvents for RecordedEvents {
    fn progress(&self, progress: ValidationProgress) {
        lock(&self.progress).push(progress);
    }

    fn done(&self, done: ValidationDone) {
        *lock(&self.done) = Some(done);
    }
}
