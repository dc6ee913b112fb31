//! Opening, paging, validating and mapping real lists through the app's list module.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use sealpost_app::lists::{self, ListStore, RecordedEvents};
use sealpost_app::types::{IssuesRequest, OpenListRequest, PageRequest, ValidationDone};
use sealpost_lists::TemplateStore;

fn fixture(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    path.to_string_lossy().into_owned()
}

fn open(path: &str) -> Arc<lists::OpenList> {
    let store = ListStore::default();
    let request = OpenListRequest {
        path: path.to_owned(),
        encoding: None,
        delimiter: None,
        sheet: None,
        header_row: None,
    };
    store.insert(lists::open_list(store.next_id(), &request, &TemplateStore::default()).unwrap())
}

fn page(
    list: &lists::OpenList,
    start: u32,
    count: u32,
    only_errors: bool,
) -> sealpost_app::types::Page {
    let request = PageRequest {
        list_id: list.id.clone(),
        start,
        count,
        only_errors,
    };
    lists::read_page(list, &request).unwrap()
}

fn validate(list: &Arc<lists::OpenList>) -> ValidationDone {
    let events = RecordedEvents::default();
    lists::start_validation(list, events.clone()).unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Some(done) = events.done.lock().unwrap().clone() {
            return done;
        }
        assert!(Instant::now() < deadline, "validation did not finish");
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn summary_maps_known_headings() {
    let list = open(&fixture("sample-500.csv"));
    let summary = list.summary();
    assert_eq!(summary.file_name, "sample-500.csv");
    assert_eq!(summary.header_row, 1);
    assert!(summary.header_confident);
    let postcode = summary
        .columns
        .iter()
        .find(|column| column.heading == "postcode")
        .unwrap();
    assert_eq!(postcode.field.as_deref(), Some("postcode"));
    assert!(
        summary.missing_required.is_empty(),
        "{:?}",
        summary.missing_required
    );
}

#[test]
fn first_page_has_spreadsheet_row_numbers() {
    let list = open(&fixture("sample-500.csv"));
    let first = page(&list, 0, 3, false);
    let numbers: Vec<u64> = first.rows.iter().map(|row| row.row_number).collect();
    assert_eq!(numbers, [2, 3, 4]);
    assert_eq!(first.rows[0].cells[1], "Nicholas");
    assert_eq!(first.total_rows, None, "total is unknown before validation");
    let later = page(&list, 400, 2, false);
    assert_eq!(later.rows[0].row_number, 402);
}

#[test]
fn page_size_over_limit_is_rejected() {
    let list = open(&fixture("sample-500.csv"));
    let request = PageRequest {
        list_id: list.id.clone(),
        start: 0,
        count: 100_000,
        only_errors: false,
    };
    let error = lists::read_page(&list, &request).unwrap_err();
    assert_eq!(error.code, "input.invalid");
}

#[test]
fn validation_counts_and_marks_rows() {
    let list = open(&fixture("sample-500.csv"));
    let done = validate(&list);
    assert!(!done.cancelled);
    assert_eq!(done.error, None);
    assert_eq!(done.summary.rows, 500);
    assert!(done.summary.rows_with_errors > 0);
    assert!(done.summary.counts_by_code.contains_key("duplicate"));

    let all = page(&list, 0, 10, false);
    assert_eq!(all.total_rows, Some(500));
    let flagged = page(&list, 0, 20, true);
    assert!(!flagged.rows.is_empty());
    assert!(flagged.rows.iter().all(|row| !row.marks.is_empty()));
    let with_issues = done.summary.rows_with_errors + done.summary.rows_with_warnings;
    assert_eq!(flagged.total_rows, Some(with_issues));
}

#[test]
fn issues_page_filters_by_code() {
    let list = open(&fixture("sample-500.csv"));
    let done = validate(&list);
    let duplicates = done.summary.counts_by_code["duplicate"];
    let results = list.results().unwrap();
    let request = IssuesRequest {
        list_id: list.id.clone(),
        code: Some("duplicate".into()),
        offset: 0,
        limit: 1000,
    };
    let issues = lists::issue_page(&results, &request).unwrap();
    assert_eq!(u64::from(issues.total), duplicates);
    assert!(issues.issues.iter().all(|issue| issue.code == "duplicate"));
}

#[test]
fn unreadable_file_gives_list_error() {
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("missing.csv");
    let store = ListStore::default();
    let request = OpenListRequest {
        path: path.to_string_lossy().into_owned(),
        encoding: None,
        delimiter: None,
        sheet: None,
        header_row: None,
    };
    let error = lists::open_list(store.next_id(), &request, &TemplateStore::default()).unwrap_err();
    assert_eq!(error.code, "list.unreadable");
    assert!(error.message.contains("missing.csv"), "{}", error.message);
}

#[test]
fn relative_path_is_rejected() {
    let store = ListStore::default();
    let request = OpenListRequest {
        path: "lists/spring.csv".into(),
        encoding: None,
        delimiter: None,
        sheet: None,
        header_row: None,
    };
    let error = lists::open_list(store.next_id(), &request, &TemplateStore::default()).unwrap_err();
    assert_eq!(error.code, "input.invalid");
}

#[test]
fn saved_template_applies_on_open() {
    let list = open(&fixture("sample-500.csv"));
    let mut mapping = list.mapping();
    let headers = list.info().headers.clone();
    let mut fields: Vec<_> = mapping
        .columns()
        .iter()
        .map(|column| column.field)
        .collect();
    let county = headers
        .iter()
        .position(|heading| heading == "county")
        .unwrap();
    fields[county] = None;
    mapping = sealpost_lists::ColumnMapping::from_fields(&headers, &fields).unwrap();
    let mut templates = TemplateStore::default();
    templates.insert("no county", &mapping);

    let store = ListStore::default();
    let request = OpenListRequest {
        path: fixture("sample-500.csv"),
        encoding: None,
        delimiter: None,
        sheet: None,
        header_row: None,
    };
    let reopened = lists::open_list(store.next_id(), &request, &templates).unwrap();
    let summary = reopened.summary();
    assert_eq!(summary.template.as_deref(), Some("no county"));
    assert_eq!(summary.columns[county].field, None);
}

#[test]
fn cancelled_validation_reports_cancelled() {
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("big.csv");
    let mut text = String::from("name,address1,city,postcode\n");
    for row in 0..200_000 {
        text.push_str(&format!("Person {row},{row} High Street,Leeds,LS1 1AA\n"));
    }
    std::fs::write(&path, text).unwrap();
    let list = open(&path.to_string_lossy());
    let events = RecordedEvents::default();
    lists::start_validation(&list, events.clone()).unwrap();
    list.cancel_validation();
    let deadline = Instant::now() + Duration::from_secs(60);
    let done = loop {
        if let Some(done) = events.done.lock().unwrap().clone() {
            break done;
        }
        assert!(
            Instant::now() < deadline,
            "cancelled validation did not end"
        );
        std::thread::sleep(Duration::from_millis(10));
    };
    assert!(done.cancelled);
    assert!(list.results().is_none());
}
