//! Scale check for text reading: a generated list of one million rows (about 120 MB) is
//! read with bounded memory, and a preview page deep in the file comes from the index.
//!
//! Ignored by default because it writes 120 MB; run it with
//! `cargo test --release -p sealpost-lists --test read_scale -- --ignored --nocapture`.

use std::io::{BufWriter, Write};
use std::time::Instant;

use sealpost_lists::{ListReader, OpenOptions, Record};

const ROWS: u64 = 1_000_000;

/// Returns the peak resident set size of this process in KiB (Linux only).
fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Writes the list; `town` is raw bytes, so a caller can put a Windows-1252 character in
/// every row.
fn write_list(path: &std::path::Path, town: &[u8]) -> u64 {
    let file = std::fs::File::create(path).unwrap();
    let mut out = BufWriter::new(file);
    writeln!(out, "title,firstname,lastname,company,address1,address2,city,county,postcode,country,email,ref_id").unwrap();
    for index in 0..ROWS {
        write!(
            out,
            "Mr,Firstname{index},Lastname{index},\"Company {index}, Ltd\",{index} High Street,Flat {},",
            index % 97
        )
        .unwrap();
        out.write_all(town).unwrap();
        writeln!(
            out,
            ",West Yorkshire,LS{} {}AA,GB,person{index}@example.com,REF{index:08}",
            index % 30,
            index % 10
        )
        .unwrap();
    }
    out.flush().unwrap();
    std::fs::metadata(path).unwrap().len()
}

#[test]
#[ignore = "writes a 120 MB file; run with --release -- --ignored"]
fn million_rows_bounded_memory() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("million.csv");
    let bytes = write_list(&path, b"Leeds");
    let before = peak_rss_kib();

    let started = Instant::now();
    let mut reader = ListReader::open(&path, &OpenOptions::default()).unwrap();
    let mut record = Record::new();
    let mut rows = 0u64;
    let mut cells = 0usize;
    while reader.read_record(&mut record).unwrap() {
        rows += 1;
        cells += record.len();
    }
    let elapsed = started.elapsed();
    let after = peak_rss_kib();

    assert_eq!(rows, ROWS);
    assert_eq!(cells, ROWS as usize * 12);
    let progress = reader.progress();
    assert_eq!(progress.done, progress.total);
    let megabytes = bytes as f64 / 1e6;
    println!(
        "read {rows} rows, {megabytes:.1} MB in {:.2} s: {:.0} MB/s; peak RSS before {before:?} KiB, after {after:?} KiB",
        elapsed.as_secs_f64(),
        megabytes / elapsed.as_secs_f64()
    );
    if let Some(after) = after {
        assert!(after < 64 * 1024, "peak RSS {after} KiB");
    }

    let started = Instant::now();
    let page = reader.rows(900_000..900_050).unwrap();
    println!(
        "preview of 50 rows at row 900000 in {:.1} ms",
        started.elapsed().as_secs_f64() * 1e3
    );
    assert_eq!(page.len(), 50);
    assert_eq!(page[0].row(), 900_000);
    assert_eq!(page[0].get(1), Some("Firstname899998"));
}

#[test]
#[ignore = "writes a 120 MB file; run with --release -- --ignored"]
fn million_rows_windows_1252() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("million-1252.csv");
    // "Orléans" with é as the Windows-1252 byte 0xE9.
    let bytes = write_list(&path, b"Orl\xE9ans");

    let started = Instant::now();
    let mut reader = ListReader::open(&path, &OpenOptions::default()).unwrap();
    assert_eq!(reader.info().encoding.as_deref(), Some("windows-1252"));
    let mut record = Record::new();
    let mut rows = 0u64;
    while reader.read_record(&mut record).unwrap() {
        rows += 1;
    }
    let elapsed = started.elapsed();

    assert_eq!(rows, ROWS);
    assert_eq!(record.get(6), Some("Orléans"));
    let megabytes = bytes as f64 / 1e6;
    println!(
        "read {rows} Windows-1252 rows, {megabytes:.1} MB in {:.2} s: {:.0} MB/s; peak RSS {:?} KiB",
        elapsed.as_secs_f64(),
        megabytes / elapsed.as_secs_f64(),
        peak_rss_kib()
    );
}
