//! Prints how long the app's list module takes to open a list and return its first page,
//! a page deep in the list, and the same deep page again after a full validation.
//!
//! Usage: `cargo run --release -p sealpost-app --example first_page -- FILE`

use std::sync::Arc;
use std::time::{Duration, Instant};

use sealpost_app::lists::{self, ListStore, RecordedEvents};
use sealpost_app::types::{OpenListRequest, PageRequest};
use sealpost_lists::TemplateStore;

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: first_page FILE");
        std::process::exit(2);
    };
    let store = ListStore::default();
    let request = OpenListRequest {
        path,
        encoding: None,
        delimiter: None,
        sheet: None,
        header_row: None,
    };

    let started = Instant::now();
    let list = match lists::open_list(store.next_id(), &request, &TemplateStore::default()) {
        Ok(list) => store.insert(list),
        Err(error) => {
            eprintln!("{}: {}", error.code, error.message);
            std::process::exit(1);
        }
    };
    let first = page(&list, 0);
    println!(
        "open + first page: {:?} ({} rows)",
        started.elapsed(),
        first
    );

    let deep_start = 900_000;
    let started = Instant::now();
    let rows = page(&list, deep_start);
    println!(
        "page at row {deep_start} before validation: {:?} ({rows} rows)",
        started.elapsed()
    );

    let started = Instant::now();
    let events = RecordedEvents::default();
    lists::start_validation(&list, events.clone()).expect("validation starts");
    let done = loop {
        if let Some(done) = events.done.lock().unwrap().clone() {
            break done;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    println!(
        "validation: {:?} ({} rows)",
        started.elapsed(),
        done.summary.rows
    );

    let started = Instant::now();
    let rows = page(&list, deep_start);
    println!(
        "page at row {deep_start} after validation: {:?} ({rows} rows)",
        started.elapsed()
    );
}

fn page(list: &Arc<lists::OpenList>, start: u32) -> usize {
    let request = PageRequest {
        list_id: list.id.clone(),
        start,
        count: 100,
        only_errors: false,
    };
    lists::read_page(list, &request)
        .expect("page reads")
        .rows
        .len()
}
