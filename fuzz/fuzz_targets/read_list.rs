//! Opens arbitrary bytes as a list and reads every row. libFuzzer reports any panic or
//! out-of-memory abort as a crash.
//!
//! The first byte picks the options, so the fuzzer also explores the overrides: bits 0-2
//! choose a delimiter override, bits 3-4 an encoding override, bit 5 a header row and
//! bit 6 small limits.

#![no_main]

use sealpost_lists::{Limits, ListReader, OpenOptions, Record, SheetChoice};

const DELIMITERS: [Option<u8>; 8] = [
    None,
    Some(b','),
    Some(b';'),
    Some(b'\t'),
    Some(b'|'),
    None,
    Some(b'"'),
    Some(0xE9),
];
const ENCODINGS: [Option<&str>; 4] = [None, Some("utf-8"), Some("windows-1252"), Some("utf-16le")];

fn options(selector: u8) -> OpenOptions {
    let mut options = OpenOptions {
        delimiter: DELIMITERS[usize::from(selector & 0b111)],
        encoding: ENCODINGS[usize::from((selector >> 3) & 0b11)].map(str::to_owned),
        header_row: (selector & 0b10_0000 != 0).then_some(2),
        sheet: (selector & 0b1000_0000 != 0).then_some(SheetChoice::Index(1)),
        ..OpenOptions::default()
    };
    if selector & 0b100_0000 != 0 {
        options.limits = Limits {
            max_cells: 1000,
            max_rows: 100,
            max_fields_per_row: 10,
            max_field_bytes: 64,
            max_record_bytes: 256,
            max_decompressed_bytes: 1 << 20,
            ..Limits::default()
        };
    } else {
        // Keep each run well inside the 1 GiB RSS limit the test script gives libFuzzer.
        options.limits.max_decompressed_bytes = 16 << 20;
        options.limits.max_cells = 200_000;
    }
    options
}

/// Lets panics raised inside calamine pass without a crash report.
///
/// `ListReader` runs calamine inside `catch_unwind` and returns such a panic as a
/// `ReadError`, which is the behaviour under test, so only panics from other code (or
/// any panic that escapes the reader) stop the run. Known calamine 0.38 panics on
/// malformed XLS and XLSB input would otherwise end every run at the first one found.
fn ignore_calamine_panics() {
    static INSTALL: std::sync::Once = std::sync::Once::new();
    INSTALL.call_once(|| {
        let report = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let in_calamine = info
                .location()
                .is_some_and(|location| location.file().contains("/calamine-"));
            if !in_calamine {
                report(info);
            }
        }));
    });
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    ignore_calamine_panics();
    let Some((&selector, content)) = data.split_first() else {
        return;
    };
    let options = options(selector);
    let Ok(mut reader) = ListReader::from_bytes(content.to_vec(), &options) else {
        return;
    };
    let mut record = Record::new();
    let mut rows = 0u64;
    while let Ok(true) = reader.read_record(&mut record) {
        assert!(record.row() > rows, "row numbers must increase");
        rows = record.row();
        let _ = reader.progress();
    }
    let _ = reader.rows(1..50);
});
