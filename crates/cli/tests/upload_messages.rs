//! The messages `sealpost upload` prints for a person: a missing or unreadable list file, a resume key
//! file that the passphrase does not open, and the service's check result in words.
//!
//! Like `upload.rs`, these tests run the real service binary on 127.0.0.1: build it first
//! with `cargo build -p sealpost-server`. SEALPOST_TEST_CLAMD (see scripts/test) lets the
//! service scan and validate, so the check result can be shown.

mod upload_support;

use std::path::Path;
use std::process::{Command, Output};

use sealpost_client::upload::{PassphraseFileResumeKey, ResumeKeyStore as _};
use upload_support::{Client, Service, json_lines, notices, outcome, write_generated_list};
use zeroize::Zeroizing;

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

/// Returns the `error` object that a failed `--format json` run printed.
fn json_error(output: &Output) -> serde_json::Value {
    json_lines(&output.stdout)
        .into_iter()
        .find_map(|line| line.get("error").cloned())
        .unwrap_or_else(|| panic!("no error object; {}", describe(output)))
}

/// Builds `sealpost upload FILE` with table output, as a person runs it.
fn table_upload(client: &Client, service: &Service, token: &str, file: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_sealpost"));
    command
        .arg("upload")
        .arg(file)
        .arg("--campaign")
        .arg("words")
        .arg("--server")
        .arg(service.url())
        .arg("--ca-file")
        .arg(service.ca())
        .arg("--wait")
        .arg("30");
    client.environment(&mut command, token);
    command
}

#[test]
fn missing_file_names_path() {
    let service = Service::start("");
    let token = service.sign_in();
    let client = Client::new();
    let work = tempfile::tempdir().unwrap();
    let missing = work.path().join("no-such-list.csv");

    let output = run(&mut client.upload(&service, &token, &missing, "missing"));
    assert_eq!(output.status.code(), Some(2), "{}", describe(&output));
    let error = json_error(&output);
    assert_eq!(error["code"], "upload.source_unreadable");
    let message = error["message"].as_str().unwrap();
    assert!(message.contains("no-such-list.csv"), "{message}");
    assert!(message.contains("does not exist"), "{message}");
    assert!(!message.contains("os error"), "{message}");

    let output = run(&mut table_upload(&client, &service, &token, &missing));
    assert_eq!(output.status.code(), Some(2), "{}", describe(&output));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.starts_with("error: the list file ") && stderr.contains("does not exist"),
        "{stderr}"
    );

    let output = run(&mut client.upload(&service, &token, work.path(), "missing"));
    assert_eq!(output.status.code(), Some(2), "{}", describe(&output));
    let message = json_error(&output)["message"].to_string();
    assert!(message.contains("is a directory"), "{message}");
}

#[cfg(unix)]
#[test]
fn unreadable_file_says_permission() {
    use std::os::unix::fs::PermissionsExt as _;

    let service = Service::start("");
    let token = service.sign_in();
    let client = Client::new();
    let work = tempfile::tempdir().unwrap();
    let list = work.path().join("locked.csv");
    write_generated_list(&list, 10);
    std::fs::set_permissions(&list, std::fs::Permissions::from_mode(0o000)).unwrap();
    if std::fs::File::open(&list).is_ok() {
        eprintln!("skipped: this user reads files whatever their permissions (root)");
        return;
    }

    let output = run(&mut client.upload(&service, &token, &list, "locked"));
    assert_eq!(output.status.code(), Some(2), "{}", describe(&output));
    let message = json_error(&output)["message"].to_string();
    assert!(message.contains("locked.csv"), "{message}");
    assert!(message.contains("permission to read"), "{message}");
}

#[test]
fn changed_passphrase_restarts() {
    let service = Service::start("");
    let token = service.sign_in();
    let client = Client::new();
    let work = tempfile::tempdir().unwrap();
    let list = work.path().join("list.csv");
    write_generated_list(&list, 200);

    let first = run(&mut client.upload(&service, &token, &list, "passphrases"));
    assert!(first.status.success(), "{}", describe(&first));
    let key_file = client.config_dir().join("resume-key.json");
    assert!(
        key_file.exists(),
        "no resume key file in the config directory"
    );
    assert!(!client.state_dir().join("resume-key.json").exists());

    let other = [("SEALPOST_PASSPHRASE", "second secret words")];
    let refused = run(client
        .upload(&service, &token, &list, "passphrases")
        .envs(other));
    assert_eq!(refused.status.code(), Some(2), "{}", describe(&refused));
    let error = json_error(&refused);
    assert_eq!(error["code"], "upload.resume_key_wrong_passphrase");
    let message = error["message"].as_str().unwrap();
    assert!(message.contains("resume-key.json"), "{message}");
    assert!(message.contains("--restart"), "{message}");
    assert!(!message.contains("second secret words"), "{message}");

    let restarted = run(client
        .upload(&service, &token, &list, "passphrases")
        .arg("--restart")
        .envs(other));
    assert!(restarted.status.success(), "{}", describe(&restarted));
    let lines = json_lines(&restarted.stdout);
    assert_eq!(notices(&lines, "resume_key_replaced").len(), 1);

    let again = run(client
        .upload(&service, &token, &list, "passphrases")
        .envs(other));
    assert!(again.status.success(), "{}", describe(&again));
    let lines = json_lines(&again.stdout);
    assert!(notices(&lines, "resume_key_replaced").is_empty());
}

#[test]
fn legacy_key_file_moves() {
    let service = Service::start("");
    let token = service.sign_in();
    let client = Client::new();
    std::fs::create_dir_all(client.state_dir()).unwrap();
    let legacy = client.state_dir().join("resume-key.json");
    let passphrase = || Zeroizing::new(upload_support::PASSPHRASE.to_owned());
    let key = PassphraseFileResumeKey::new(&legacy, passphrase())
        .load_or_create()
        .unwrap();

    let work = tempfile::tempdir().unwrap();
    let list = work.path().join("list.csv");
    write_generated_list(&list, 50);
    let output = run(&mut client.upload(&service, &token, &list, "legacy"));
    assert!(output.status.success(), "{}", describe(&output));
    assert!(!legacy.exists(), "the legacy key file stayed");
    let moved =
        PassphraseFileResumeKey::new(client.config_dir().join("resume-key.json"), passphrase())
            .load_or_create()
            .unwrap();
    assert_eq!(moved.as_ref(), key.as_ref());
}

#[test]
fn check_result_in_words() {
    let service = Service::start("");
    let token = service.sign_in();
    let client = Client::new();
    let work = tempfile::tempdir().unwrap();
    let list = work.path().join("list.csv");
    write_generated_list(&list, 300);

    let output = run(&mut table_upload(&client, &service, &token, &list));
    assert!(output.status.success(), "{}", describe(&output));
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        text.contains("checked here: 300 rows, 300 valid, 0 invalid"),
        "{text}"
    );
    assert!(!text.contains('{'), "{text}");
    let scanned = std::env::var("SEALPOST_TEST_CLAMD").is_ok();
    if scanned {
        assert!(
            text.contains("checked by the service: 300 rows, 300 valid, 0 with errors"),
            "{text}"
        );
    }

    let upload_id = text
        .strip_prefix("upload ")
        .and_then(|rest| rest.split(':').next())
        .expect("the first line names the upload")
        .to_owned();
    let mut show = Command::new(env!("CARGO_BIN_EXE_sealpost"));
    show.args(["uploads", "show", &upload_id, "--server", &service.url()])
        .arg("--ca-file")
        .arg(service.ca());
    client.environment(&mut show, &token);
    let shown = run(&mut show);
    assert!(shown.status.success(), "{}", describe(&shown));
    let shown_text = String::from_utf8_lossy(&shown.stdout).into_owned();
    assert!(!shown_text.contains('{'), "{shown_text}");
    if scanned {
        assert!(
            shown_text.contains("checked by the service: 300 rows, 300 valid"),
            "{shown_text}"
        );
        assert!(shown_text.contains("no issues found"), "{shown_text}");
    }

    // JSON output keeps the service's object as it is.
    let json = run(&mut client.upload(&service, &token, &list, "words-json"));
    assert!(json.status.success(), "{}", describe(&json));
    if scanned {
        assert_eq!(
            outcome(&json)["service_validation"]["rows"]["total"],
            300,
            "{}",
            describe(&json)
        );
    }
}
