//! The administrative subcommands.

use sealpost_api::Role;

use crate::harness::TestServer;

#[tokio::test]
async fn init_creates_account_with_admin() {
    let server = TestServer::start("").await;
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_sealpost-server"))
        .args([
            "init",
            "--account",
            "Initech",
            "--email",
            "Boss@Initech.example",
            "--config",
        ])
        .arg(server.config_path())
        .env("SEALPOST_INIT_PASSWORD", "initech admin password")
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let session = server
        .sign_in("boss@initech.example", "initech admin password")
        .await;
    assert_eq!(session.member.role, Role::Admin);

    // The same name again is refused with a message naming it.
    let again = std::process::Command::new(env!("CARGO_BIN_EXE_sealpost-server"))
        .args([
            "init",
            "--account",
            "Initech",
            "--email",
            "other@initech.example",
            "--config",
        ])
        .arg(server.config_path())
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));
    server.stop().await;
}

#[tokio::test]
async fn serve_rejects_invalid_config_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.toml");
    std::fs::write(&path, "database_url = \"mysql://db\"\n[tls]\ncert = \"/nonexistent/c.pem\"\nkey = \"/nonexistent/k.pem\"\n").unwrap();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_sealpost-server"))
        .args(["serve", "--config"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("database_url"), "{stderr}");
}

#[tokio::test]
async fn audit_verify_rejects_missing_data_dir() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("typo");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_sealpost-server"))
        .args(["audit", "verify", "--data-dir"])
        .arg(&missing)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);

    assert!(!output.status.success());
    assert!(stderr.contains("no database at"), "{stderr}");
    assert!(String::from_utf8_lossy(&output.stdout).is_empty());
    assert!(!missing.join("sealpost.db").exists());
}
