//! A generated 200 MiB mailing list of UK and US recipients, uploaded end to end through
//! `sealpost upload` to the real service on 127.0.0.1.
//!
//! Build the service binary first: `cargo build -p sealpost-server`. With
//! SEALPOST_TEST_CLAMD (the test clamd of scripts/test, whose StreamMaxLength is 10 MiB)
//! the service rejects the list as too large for the scanner and names the fix.
//! Without a scanner the upload waits in `scan_pending`.

mod upload_support;

use std::process::Output;
use std::time::{Duration, Instant};

use upload_support::{Client, Service, json_lines, outcome, write_mailing_list};

/// The list's minimum size in bytes.
const LIST_BYTES: u64 = 200 * 1024 * 1024;

fn describe(output: &Output) -> String {
    let stdout = String::from_utf8_lossy(&output.stdout);
    // The JSON lines include one progress event per PATCH, so show only the last ones,
    // which contain the outcome or the error.
    let lines: Vec<&str> = stdout.lines().collect();
    let tail = lines[lines.len().saturating_sub(5)..].join("\n");
    format!(
        "status {:?}\nlast stdout lines:\n{tail}\nstderr:\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    )
}

#[test]
fn large_list_end_to_end() {
    let work = tempfile::tempdir().unwrap();
    let list = work.path().join("large-mailing-list.csv");
    let started = Instant::now();
    let rows = write_mailing_list(&list, LIST_BYTES);
    let size = std::fs::metadata(&list).unwrap().len();
    eprintln!(
        "generated {rows} rows, {size} bytes in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    assert!(size >= LIST_BYTES);

    let service = Service::start("");
    let token = service.sign_in();
    let client = Client::new();
    let started = Instant::now();
    let output = client
        .upload_waiting(&service, &token, &list, "large list", 600)
        .output()
        .expect("run sealpost");
    let elapsed = started.elapsed();
    eprintln!(
        "validated, sealed, sent and followed in {:.1} s",
        elapsed.as_secs_f64()
    );
    assert!(elapsed < Duration::from_secs(1800), "{}", describe(&output));

    let lines = json_lines(&output.stdout);
    assert!(
        lines.iter().all(|line| line.get("error").is_none()),
        "{}",
        describe(&output)
    );
    let outcome = outcome(&output);
    let local = &outcome["local_validation"]["rows"];
    assert_eq!(local["total"], rows, "{outcome}");
    assert_eq!(local["invalid"], 0, "{outcome}");
    assert_eq!(local["valid"], rows, "{outcome}");
    assert!(outcome["bytes_total"].as_u64().unwrap() > size, "{outcome}");

    let state = outcome["state"].as_str().unwrap();
    if std::env::var("SEALPOST_TEST_CLAMD").is_ok() {
        // The test clamd stops reading at 10 MiB, so the scan is incomplete and the
        // service rejects the list rather than accept an unscanned one.
        assert_eq!(state, "rejected", "{outcome}");
        assert_eq!(output.status.code(), Some(1), "{}", describe(&output));
        let reason = outcome["reason"].as_str().unwrap_or_default();
        assert!(
            reason.contains("larger than the virus scanner accepts"),
            "{outcome}"
        );
        assert!(reason.contains("split the list"), "{outcome}");
    } else {
        assert_eq!(state, "scan_pending", "{outcome}");
        assert!(output.status.success(), "{}", describe(&output));
    }
}
