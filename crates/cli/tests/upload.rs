//! `sealpost upload` against the real service on 127.0.0.1: kills of the service and
//! dropped connections at random points mid-PATCH, rate limiting, interruption, a
//! changed source file and an upload the service forgot. Every completed upload is checked
//! byte for byte: the stored ciphertext must equal a single-pass seal of the list.
//!
//! The service binary must be built first: `cargo build -p sealpost-server`. Set
//! SEALPOST_TEST_CLAMD (such as `unix:/var/run/clamav/clamd.ctl`) to scan with a real
//! clamd; without it uploads stop in `scan_pending`, where the client's part ends.
//! Most runs keep the resume key in a passphrase file; `interrupted_upload_resumes_with_keyring`
//! uses the OS keyring and runs only with SEALPOST_TEST_KEYRING=1 inside a D-Bus session
//! with an unlocked keyring, as scripts/client-keyring-check sets one up.

mod upload_support;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::Duration;

use upload_support::proxy::HoldingProxy;
use upload_support::{
    Client, Random, Service, json_lines, notices, outcome, single_pass_sha256, wait_for,
    write_generated_list,
};

/// Every error-severity issue code, for lists whose defects are not the point of a test.
const ALL_ERROR_CODES: &str = "missing_required,invalid_postcode,leading_zero_lost,precision_lost,unknown_country,formula_injection,field_too_long,control_characters,ragged_row";

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/upload")
        .join(name)
}

fn run(command: &mut Command) -> Output {
    command.output().expect("run sealpost")
}

fn describe(output: &Output) -> String {
    format!(
        "status {:?}\nstdout:\n{}\nstderr:\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// The state the client's part ends in: `scan_pending` without a scanner, a final state
/// with one.
fn assert_reached_service(outcome: &serde_json::Value) {
    let state = outcome["state"].as_str().unwrap_or_default();
    let expected: &[&str] = if std::env::var("SEALPOST_TEST_CLAMD").is_ok() {
        &["accepted", "rejected", "quarantined"]
    } else {
        &["scan_pending"]
    };
    assert!(
        expected.contains(&state),
        "state {state:?}, outcome {outcome}"
    );
}

fn generated_list(dir: &Path, rows: usize) -> PathBuf {
    let path = dir.join("generated.csv");
    write_generated_list(&path, rows);
    path
}

/// Copies the first resume state file that names a created upload, while the upload
/// runs, because the client deletes it once every byte is stored.
fn capture_state(client: &Client, into: &Path) -> bool {
    wait_for(Duration::from_secs(120), || {
        client.state_files().iter().any(|path| {
            let Ok(text) = std::fs::read_to_string(path) else {
                return false;
            };
            let created = serde_json::from_str::<serde_json::Value>(&text)
                .is_ok_and(|state| state["upload_path"].is_string());
            created && std::fs::write(into, &text).is_ok()
        })
    })
}

/// Checks that the service stored exactly the single-pass seal of `list`.
fn assert_single_pass(
    service: &Service,
    client: &Client,
    state_copy: &Path,
    list: &Path,
    outcome: &serde_json::Value,
) {
    let upload_id = outcome["upload_id"].as_str().expect("upload id");
    let secrets = client.saved_secrets(state_copy);
    assert_eq!(
        service.stored_sha256(upload_id),
        single_pass_sha256(&secrets, list),
        "the stored ciphertext differs from a single-pass seal"
    );
}

/// Returns the maximum gap in bytes between two of `faults` pauses. The pauses fit in
/// 60% of the list's length, and the sealed list is longer than the list, so every
/// pause comes before the upload's last byte.
fn hold_spacing(list: &Path, faults: u32) -> u64 {
    let length = std::fs::metadata(list).expect("list metadata").len();
    length * 6 / 10 / u64::from(faults)
}

/// Pauses the upload's byte stream after a random number of further bytes, up to
/// `spacing`, and waits for the pause. Panics with the upload's output if the upload
/// ended first.
fn hold_mid_upload(proxy: &HoldingProxy, random: &mut Random, spacing: u64, child: &mut Child) {
    proxy.hold_after(random.between(spacing / 4, spacing));
    let paused = proxy.wait_until_held(Duration::from_secs(120), || {
        child.try_wait().is_ok_and(|status| status.is_none())
    });
    if !paused {
        let _ = child.kill();
        let mut stdout = String::new();
        let mut stderr = String::new();
        if let Some(out) = child.stdout.as_mut() {
            let _ = out.read_to_string(&mut stdout);
        }
        if let Some(err) = child.stderr.as_mut() {
            let _ = err.read_to_string(&mut stderr);
        }
        panic!("the upload ended before the proxy held it\nstdout:\n{stdout}\nstderr:\n{stderr}");
    }
}

/// Runs an upload of a generated list while killing the service `kills` times at random
/// points in the middle of PATCH bodies, then checks the stored ciphertext.
fn upload_through_kills(kills: u32, patch_size: usize, rows: usize) {
    let mut service = Service::start("");
    let token = service.sign_in();
    let proxy = HoldingProxy::start(service.port);
    let client = Client::new();
    let work = tempfile::tempdir().unwrap();
    let list = generated_list(work.path(), rows);
    let state_copy = work.path().join("state.json");
    let mut random = Random::seeded();
    let spacing = hold_spacing(&list, kills);

    let mut child = client
        .upload_at(&proxy.url(), &service, &token, &list, "kills")
        .arg("--patch-size")
        .arg(patch_size.to_string())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start sealpost upload");
    assert!(
        capture_state(&client, &state_copy),
        "no resume state appeared"
    );

    for _ in 0..kills {
        hold_mid_upload(&proxy, &mut random, spacing, &mut child);
        service.restart();
        proxy.release(false);
    }
    let output = child.wait_with_output().expect("wait for sealpost upload");
    assert!(output.status.success(), "{}", describe(&output));
    assert_eq!(service.kills, kills);

    let lines = json_lines(&output.stdout);
    assert!(
        !notices(&lines, "retrying").is_empty(),
        "no retry was reported"
    );
    let outcome = outcome(&output);
    assert_reached_service(&outcome);
    assert_single_pass(&service, &client, &state_copy, &list, &outcome);
    assert!(
        client.state_files().is_empty(),
        "the resume state outlived the upload"
    );
}

#[test]
fn kills_at_chunk_sized_patches() {
    upload_through_kills(12, 16 * 1024, 120_000);
}

#[test]
fn kills_at_unaligned_patches() {
    // 100,000 is no multiple of the 64 KiB envelope chunk, so resumes start mid-chunk.
    upload_through_kills(10, 100_000, 160_000);
}

#[test]
fn real_lists_upload() {
    let service = Service::start("");
    let token = service.sign_in();
    for name in ["uk-500-survey.csv", "sample-500.csv"] {
        let client = Client::new();
        let list = fixture(name);
        let output = run(client
            .upload(&service, &token, &list, "real lists")
            .arg("--allow-errors")
            .arg(ALL_ERROR_CODES));
        assert!(output.status.success(), "{name}: {}", describe(&output));
        let outcome = outcome(&output);
        assert_reached_service(&outcome);
        if std::env::var("SEALPOST_TEST_CLAMD").is_ok() {
            // Real lists hold no malware and every row is allowed through, so with a
            // scanner the service must accept them.
            assert_eq!(outcome["state"], "accepted", "{name}: {outcome}");
        }
        assert_eq!(outcome["local_validation"]["rows"]["total"], 500, "{name}");

        let upload_id = outcome["upload_id"].as_str().unwrap();
        let stored = service
            .dir
            .path()
            .join("uploads")
            .join(format!("{upload_id}.blob"));
        let length = std::fs::metadata(&stored).unwrap().len();
        assert_eq!(Some(length), outcome["bytes_total"].as_u64(), "{name}");
        let header = sealpost_envelope::inspect(std::fs::File::open(&stored).unwrap())
            .expect("the stored upload is an envelope");
        assert_eq!(header.chunk_size, sealpost_envelope::DEFAULT_CHUNK_SIZE);

        let lines = json_lines(&output.stdout);
        let phases: Vec<&str> = lines
            .iter()
            .filter_map(|line| line["phase"].as_str())
            .collect();
        assert!(phases.contains(&"validating"), "{phases:?}");
        assert!(phases.contains(&"sealing_and_sending"), "{phases:?}");
        assert!(phases.contains(&"waiting_for_scan"), "{phases:?}");
    }
}

#[test]
fn list_errors_stop_upload() {
    let service = Service::start("");
    let token = service.sign_in();
    let client = Client::new();
    let output = run(&mut client.upload(&service, &token, &fixture("sample-500.csv"), "errors"));
    assert_eq!(output.status.code(), Some(1), "{}", describe(&output));
    let lines = json_lines(&output.stdout);
    let error = lines
        .iter()
        .find_map(|line| line.get("error"))
        .expect("an error line");
    assert_eq!(error["code"], "upload.list_has_errors");
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("--allow-errors"),
        "{error}"
    );
    assert!(client.state_files().is_empty());
    assert!(
        !lines
            .iter()
            .any(|line| line["phase"] == "sealing_and_sending"),
        "sending started although the list has errors"
    );
}

#[test]
fn unknown_allowed_code_is_rejected() {
    let service = Service::start("");
    let token = service.sign_in();
    let client = Client::new();
    let output = run(client
        .upload(&service, &token, &fixture("sample-500.csv"), "errors")
        .arg("--allow-errors")
        .arg("duplicate,no_such_code"));
    assert_eq!(output.status.code(), Some(2), "{}", describe(&output));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("no_such_code"), "{stdout}");
}

#[test]
fn dropped_connections_resume() {
    let service = Service::start("");
    let token = service.sign_in();
    let proxy = HoldingProxy::start(service.port);
    let client = Client::new();
    let work = tempfile::tempdir().unwrap();
    let list = generated_list(work.path(), 60_000);
    let state_copy = work.path().join("state.json");
    let mut random = Random::seeded();
    let spacing = hold_spacing(&list, 3);

    let mut command = client.upload_at(&proxy.url(), &service, &token, &list, "drops");
    command
        .arg("--patch-size")
        .arg("65536")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command.spawn().expect("start sealpost upload");
    assert!(
        capture_state(&client, &state_copy),
        "no resume state appeared"
    );
    for _ in 0..3 {
        hold_mid_upload(&proxy, &mut random, spacing, &mut child);
        proxy.release(true);
    }
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success(), "{}", describe(&output));
    let lines = json_lines(&output.stdout);
    assert!(
        notices(&lines, "retrying").len() >= 3,
        "{}",
        describe(&output)
    );
    let outcome = outcome(&output);
    assert_single_pass(&service, &client, &state_copy, &list, &outcome);
}

#[test]
fn rate_limit_honours_retry_after() {
    let service = Service::start(
        "per_address_per_minute = 6000\nper_address_burst = 1000\nper_credential_per_minute = 120\nper_credential_burst = 10",
    );
    let token = service.sign_in();
    let client = Client::new();
    let work = tempfile::tempdir().unwrap();
    let list = generated_list(work.path(), 8_000);
    let state_copy = work.path().join("state.json");

    let child = client
        .upload(&service, &token, &list, "limited")
        .arg("--patch-size")
        .arg("16384")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    assert!(
        capture_state(&client, &state_copy),
        "no resume state appeared"
    );
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success(), "{}", describe(&output));

    let lines = json_lines(&output.stdout);
    let retries = notices(&lines, "retrying");
    let limited: Vec<_> = retries
        .iter()
        .filter(|notice| {
            notice["reason"]
                .as_str()
                .is_some_and(|reason| reason.contains("too many requests"))
        })
        .collect();
    assert!(!limited.is_empty(), "no 429 was retried: {retries:?}");
    for notice in &limited {
        // The service sends Retry-After in whole seconds, at least 1.
        assert!(notice["delay_ms"].as_u64().unwrap() >= 1000, "{notice}");
    }
    let outcome = outcome(&output);
    assert_single_pass(&service, &client, &state_copy, &list, &outcome);
}

/// Starts an upload and interrupts it with SIGINT once the service has stored some bytes.
fn interrupted_upload(service: &Service, token: &str, client: &Client, list: &Path) -> Output {
    let child = client
        .upload(service, token, list, "interrupted")
        .arg("--patch-size")
        .arg("16384")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = wait_for(Duration::from_secs(120), || {
        client.state_files().iter().any(|path| {
            std::fs::read_to_string(path)
                .ok()
                .and_then(|text| serde_json::from_str::<serde_json::Value>(&text).ok())
                .is_some_and(|state| state["acknowledged"].as_u64().unwrap_or(0) > 0)
        })
    });
    assert!(started, "the upload acknowledged no bytes");
    let status = Command::new("kill")
        .arg("-INT")
        .arg(child.id().to_string())
        .status()
        .expect("run kill");
    assert!(status.success());
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(130), "{}", describe(&output));
    let lines = json_lines(&output.stdout);
    let error = lines.iter().find_map(|line| line.get("error")).unwrap();
    assert_eq!(error["code"], "upload.cancelled");
    assert_eq!(error["resumable"], true);
    output
}

#[test]
fn interrupted_upload_resumes() {
    resume_after_interrupt(&Client::new());
}

#[test]
fn interrupted_upload_resumes_with_keyring() {
    if std::env::var("SEALPOST_TEST_KEYRING").is_err() {
        eprintln!("skipped: set SEALPOST_TEST_KEYRING=1 in a D-Bus session with a keyring");
        return;
    }
    resume_after_interrupt(&Client::with_keyring());
}

fn resume_after_interrupt(client: &Client) {
    let service = Service::start("");
    let token = service.sign_in();
    let work = tempfile::tempdir().unwrap();
    let list = generated_list(work.path(), 150_000);

    interrupted_upload(&service, &token, client, &list);
    let states = client.state_files();
    assert_eq!(states.len(), 1, "the interrupted upload left no state");
    let state_copy = work.path().join("state.json");
    std::fs::copy(&states[0], &state_copy).unwrap();
    let state_text = std::fs::read_to_string(&state_copy).unwrap();
    assert!(!state_text.contains("data_key"), "{state_text}");

    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&states[0]).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }

    let output = run(client
        .upload(&service, &token, &list, "interrupted")
        .arg("--resume"));
    assert!(output.status.success(), "{}", describe(&output));
    let lines = json_lines(&output.stdout);
    let resumed = notices(&lines, "resumed");
    assert_eq!(resumed.len(), 1, "{}", describe(&output));
    assert!(resumed[0]["bytes_acknowledged"].as_u64().unwrap() > 0);
    let outcome = outcome(&output);
    assert_eq!(outcome["resumed"], true);
    assert_single_pass(&service, client, &state_copy, &list, &outcome);
}

#[test]
fn changed_source_is_not_resumed() {
    let service = Service::start("");
    let token = service.sign_in();
    let client = Client::new();
    let work = tempfile::tempdir().unwrap();
    let list = generated_list(work.path(), 150_000);
    interrupted_upload(&service, &token, &client, &list);

    let mut text = std::fs::read_to_string(&list).unwrap();
    text.push_str("Late Recipient,1 Low Street,Leeds,LS1 1AA,GB\n");
    std::fs::write(&list, text).unwrap();

    let output = run(&mut client.upload(&service, &token, &list, "interrupted"));
    assert_eq!(output.status.code(), Some(2), "{}", describe(&output));
    let lines = json_lines(&output.stdout);
    let error = lines.iter().find_map(|line| line.get("error")).unwrap();
    assert_eq!(error["code"], "upload.source_changed");
    assert!(
        error["message"].as_str().unwrap().contains("--restart"),
        "{error}"
    );

    let output = run(client
        .upload(&service, &token, &list, "interrupted")
        .arg("--restart"));
    assert!(output.status.success(), "{}", describe(&output));
    let lines = json_lines(&output.stdout);
    assert_eq!(
        notices(&lines, "started_over").len(),
        1,
        "{}",
        describe(&output)
    );
    assert_eq!(outcome(&output)["resumed"], false);
}

#[test]
fn forgotten_upload_starts_over() {
    let service = Service::start("");
    let token = service.sign_in();
    let client = Client::new();
    let work = tempfile::tempdir().unwrap();
    let list = generated_list(work.path(), 150_000);
    interrupted_upload(&service, &token, &client, &list);

    let states = client.state_files();
    let state: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&states[0]).unwrap()).unwrap();
    let path = state["upload_path"].as_str().unwrap();
    let old_id = path.rsplit('/').next().unwrap().to_owned();
    service.terminate(&token, &old_id);

    let output = run(&mut client.upload(&service, &token, &list, "interrupted"));
    assert!(output.status.success(), "{}", describe(&output));
    let lines = json_lines(&output.stdout);
    let started_over = notices(&lines, "started_over");
    assert_eq!(started_over.len(), 1, "{}", describe(&output));
    assert_eq!(started_over[0]["previous_upload_id"], old_id.as_str());
    let outcome = outcome(&output);
    assert_ne!(outcome["upload_id"], old_id.as_str());
    assert_reached_service(&outcome);
}

#[test]
fn scanner_outage_waits_and_is_logged() {
    let service = Service::start_without_scanner();
    let token = service.sign_in();
    let client = Client::new();
    let output = run(client
        .upload(&service, &token, &fixture("uk-500-survey.csv"), "outage")
        .arg("--allow-errors")
        .arg(ALL_ERROR_CODES));
    assert!(output.status.success(), "{}", describe(&output));
    assert_eq!(outcome(&output)["state"], "scan_pending");

    let log = service.log();
    assert!(
        log.contains("scanner unavailable, upload waits in scan_pending"),
        "{log}"
    );
    assert!(
        log.contains("no-clamd.sock"),
        "the reason is missing: {log}"
    );
}

#[test]
fn resume_without_saved_upload_fails() {
    let service = Service::start("");
    let token = service.sign_in();
    let client = Client::new();
    let output = run(client
        .upload(&service, &token, &fixture("uk-500-survey.csv"), "nothing")
        .arg("--resume")
        .arg("--allow-errors")
        .arg(ALL_ERROR_CODES));
    assert_eq!(output.status.code(), Some(2), "{}", describe(&output));
    let lines = json_lines(&output.stdout);
    let error = lines.iter().find_map(|line| line.get("error")).unwrap();
    assert_eq!(error["code"], "upload.nothing_to_resume");
}
