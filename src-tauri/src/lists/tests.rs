//! A list whose encoding is taken from its start and proved wrong further down.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use sealpost_lists::TemplateStore;

use super::{ListStore, OpenList, RecordedEvents, open_list, read_page, start_validation};
use crate::types::{AppError, OpenListRequest, Page, PageRequest, ValidationDone};

/// Row number of the Windows-1252 row in [`write_late_windows_1252_list`].
const BAD_ROW: u64 = 200_002;

/// Writes a list whose first 2 MB are ASCII, then one row with Windows-1252 bytes at
/// [`BAD_ROW`], then one more ASCII row.
fn write_late_windows_1252_list(path: &Path) {
    let mut text = b"firstname,city,postcode\n".to_vec();
    text.extend(b"Ada,Leeds,LS1 1AA\n".repeat(200_000));
    text.extend(b"O\x92Brien,K\xF6ln,LS1 1AA\n");
    text.extend(b"Cy,York,YO1 7HH\n");
    std::fs::write(path, text).unwrap();
}

fn open(path: &Path, encoding: Option<&str>) -> Arc<OpenList> {
    let store = ListStore::default();
    let request = OpenListRequest {
        path: path.to_string_lossy().into_owned(),
        encoding: encoding.map(str::to_owned),
        delimiter: None,
        sheet: None,
        header_row: None,
    };
    store.insert(open_list(store.next_id(), &request, &TemplateStore::default()).unwrap())
}

fn page(list: &OpenList, start: u32, count: u32) -> Result<Page, AppError> {
    let request = PageRequest {
        list_id: list.id.clone(),
        start,
        count,
        only_errors: false,
    };
    read_page(list, &request)
}

fn validate(list: &Arc<OpenList>) -> ValidationDone {
    let events = RecordedEvents::default();
    start_validation(list, events.clone()).unwrap();
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        if let Some(done) = events.done.lock().unwrap().clone() {
            return done;
        }
        assert!(Instant::now() < deadline, "validation did not finish");
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn late_invalid_utf8_fails_validation() {
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("late-1252.csv");
    write_late_windows_1252_list(&path);
    let list = open(&path, None);
    assert_eq!(list.summary().encoding.as_deref(), Some("UTF-8"));

    let first = page(&list, 0, 100).unwrap();
    assert_eq!(first.rows.len(), 100);
    assert_eq!(first.rows[0].row_number, 2);
    assert_eq!(first.total_rows, None);

    let done = validate(&list);
    let error = done.error.expect("validation reports the wrong encoding");
    assert!(error.contains("row 200002"), "{error}");
    assert!(error.contains("windows-1252"), "{error}");
    assert_eq!(done.summary.rows, BAD_ROW - 2);

    // Pages read before are not shown again in the encoding now known to be wrong.
    let rejected = page(&list, 0, 100).unwrap_err();
    assert_eq!(rejected.code, "list.unreadable");
    assert!(
        rejected.message.contains("row 200002"),
        "{}",
        rejected.message
    );
}

#[test]
fn page_past_bad_row_fails() {
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("late-1252.csv");
    write_late_windows_1252_list(&path);
    let list = open(&path, None);

    // The page just before the bad row reads; data row `start` is row `start + 2`.
    let before = page(&list, (BAD_ROW - 12) as u32, 10).unwrap();
    let last = before.rows.last().unwrap();
    assert_eq!(last.row_number, BAD_ROW - 1);

    let error = page(&list, (BAD_ROW - 4) as u32, 10).unwrap_err();
    assert_eq!(error.code, "list.unreadable");
    assert!(error.message.contains("row 200002"), "{}", error.message);
    assert!(page(&list, 0, 10).is_err());
}

#[test]
fn chosen_encoding_reads_bad_row() {
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("late-1252.csv");
    write_late_windows_1252_list(&path);
    let list = open(&path, Some("windows-1252"));
    assert_eq!(list.summary().encoding.as_deref(), Some("windows-1252"));

    let done = validate(&list);
    assert_eq!(done.error, None);
    assert_eq!(done.summary.rows, BAD_ROW);

    let rows = page(&list, (BAD_ROW - 2) as u32, 1).unwrap().rows;
    assert_eq!(rows[0].row_number, BAD_ROW);
    assert_eq!(rows[0].cells[0], "O\u{2019}Brien");
    assert_eq!(rows[0].cells[1], "Köln");
}

#[test]
fn long_utf8_list_validates() {
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("utf8.csv");
    let mut text = b"firstname,city,postcode\n".to_vec();
    text.extend(b"Ada,Leeds,LS1 1AA\n".repeat(200_000));
    text.extend("Zoë,Köln,LS1 1AA\n".as_bytes());
    std::fs::write(&path, text).unwrap();
    let list = open(&path, None);
    assert_eq!(list.summary().encoding.as_deref(), Some("UTF-8"));

    let done = validate(&list);
    assert_eq!(done.error, None);
    assert_eq!(done.summary.rows, 200_001);

    let page = page(&list, 200_000, 10).unwrap();
    assert_eq!(page.total_rows, Some(200_001));
    assert_eq!(page.rows[0].cells[0], "Zoë");
}
