//! The audit log: API, triggers, tamper detection, the command line and alerts.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use reqwest::{Method, StatusCode};
use sealpost_api::Role;
use serde_json::json;

use crate::harness::{TestServer, on_postgres, run_sql};

#[tokio::test]
async fn audit_api_filters_and_pages() {
    let server = TestServer::start("").await;
    let admin = server.token_for("acme.example", Role::Admin).await;
    server.token_for("acme.example", Role::Admin).await;
    server.token_for("globex.example", Role::Admin).await;

    let (status, page) = server
        .call(
            Method::GET,
            "/v1/audit?action=session.created&limit=1",
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let entries = page["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0]["action"], "session.created");
    assert_eq!(entries[0]["client_address"], "127.0.0.1");
    assert!(entries[0]["request_id"].is_string());
    let before = page["next_before"].as_i64().unwrap();

    let (_, second) = server
        .call(
            Method::GET,
            &format!("/v1/audit?action=session.created&limit=1&before={before}"),
            Some(&admin),
            None,
        )
        .await;
    let second = second["entries"].as_array().unwrap();
    assert_eq!(second.len(), 1);
    assert!(second[0]["seq"].as_i64().unwrap() < before);

    // Only Acme's two sign-ins, never Globex's.
    let (_, all) = server
        .call(
            Method::GET,
            "/v1/audit?action=session.created",
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(all["entries"].as_array().unwrap().len(), 2);

    for bad in [
        "/v1/audit?limit=0",
        "/v1/audit?since=yesterday",
        "/v1/audit?colour=red",
    ] {
        let (status, _) = server.call(Method::GET, bad, Some(&admin), None).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
    }
    server.stop().await;
}

fn verify_with_cli(server: &TestServer) -> (i32, String) {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_sealpost-server"))
        .args(["audit", "verify", "--config"])
        .arg(server.config_path())
        .output()
        .unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
    )
}

#[tokio::test]
async fn triggers_block_changes_and_verify_finds_tampering() {
    let server = TestServer::start("").await;
    server.token_for("acme.example", Role::Marketer).await;
    server.token_for("acme.example", Role::Admin).await;

    let report = sealpost_server::audit::verify(&server.running.as_ref().unwrap().state.db)
        .await
        .unwrap();
    assert_eq!(report.broken, None);
    assert!(report.checked >= 10, "{report:?}");
    let (code, output) = verify_with_cli(&server);
    assert_eq!(code, 0, "{output}");
    assert!(output.contains("intact"), "{output}");

    let update = run_sql(
        &server,
        &["UPDATE audit_log SET outcome = 'failure' WHERE seq = 3"],
    )
    .await;
    assert!(update.unwrap_err().to_string().contains("append-only"));
    let delete = run_sql(&server, &["DELETE FROM audit_log WHERE seq = 3"]).await;
    assert!(delete.unwrap_err().to_string().contains("append-only"));

    // Someone with direct access drops the trigger and edits entry 3.
    let drop = if on_postgres() {
        "DROP TRIGGER audit_log_no_update ON audit_log"
    } else {
        "DROP TRIGGER audit_log_no_update"
    };
    run_sql(
        &server,
        &[
            drop,
            "UPDATE audit_log SET outcome = 'failure' WHERE seq = 3",
        ],
    )
    .await
    .unwrap();
    let report = sealpost_server::audit::verify(&server.running.as_ref().unwrap().state.db)
        .await
        .unwrap();
    assert_eq!(report.broken.as_ref().map(|b| b.seq), Some(3), "{report:?}");
    let (code, output) = verify_with_cli(&server);
    assert_eq!(code, 1, "{output}");
    assert!(output.contains("broken at entry 3"), "{output}");
    server.stop().await;
}

#[tokio::test]
async fn verify_finds_removed_entry() {
    let server = TestServer::start("").await;
    let drop = if on_postgres() {
        "DROP TRIGGER audit_log_no_update ON audit_log"
    } else {
        "DROP TRIGGER audit_log_no_delete"
    };
    run_sql(&server, &[drop, "DELETE FROM audit_log WHERE seq = 2"])
        .await
        .unwrap();
    let report = sealpost_server::audit::verify(&server.running.as_ref().unwrap().state.db)
        .await
        .unwrap();
    let broken = report.broken.expect("a gap is detected");
    assert_eq!(broken.seq, 3);
    assert!(broken.reason.contains("missing"), "{}", broken.reason);
    server.stop().await;
}

#[tokio::test]
async fn export_writes_json_lines() {
    let server = TestServer::start("").await;
    let path = server.dir.path().join("audit.jsonl");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_sealpost-server"))
        .args(["audit", "export", "--config"])
        .arg(server.config_path())
        .arg("--output")
        .arg(&path)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = std::fs::read_to_string(&path).unwrap();
    let entries: Vec<sealpost_api::AuditEntry> = text
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert!(!entries.is_empty());
    for (index, entry) in entries.iter().enumerate() {
        assert_eq!(entry.seq, i64::try_from(index).unwrap() + 1);
        assert_eq!(entry.hash, sealpost_server::audit::chain::entry_hash(entry));
    }
    server.stop().await;
}

type Deliveries = Arc<Mutex<Vec<(String, String, Vec<u8>)>>>;

/// Starts a webhook receiver on 127.0.0.1 that records each POST's headers and body and
/// answers 503 to the first `failures` POSTs, then 204.
async fn start_receiver(failures: usize) -> (String, Deliveries) {
    let received: Deliveries = Arc::new(Mutex::new(Vec::new()));
    let sink = received.clone();
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(
            move |headers: axum::http::HeaderMap, body: axum::body::Bytes| {
                let sink = sink.clone();
                async move {
                    let header = |name: &str| {
                        headers
                            .get(name)
                            .and_then(|v| v.to_str().ok())
                            .unwrap_or("")
                            .to_owned()
                    };
                    let mut deliveries = sink.lock().unwrap();
                    deliveries.push((
                        header("x-sealpost-timestamp"),
                        header("x-sealpost-signature"),
                        body.to_vec(),
                    ));
                    if deliveries.len() <= failures {
                        StatusCode::SERVICE_UNAVAILABLE
                    } else {
                        StatusCode::NO_CONTENT
                    }
                }
            },
        ),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://{address}/hook"), received)
}

/// Waits up to 5 s until `deliveries` has at least `count` entries.
async fn wait_for(deliveries: &Deliveries, count: usize) -> Vec<(String, String, Vec<u8>)> {
    for _ in 0..50 {
        let current = deliveries.lock().unwrap().clone();
        if current.len() >= count {
            return current;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    deliveries.lock().unwrap().clone()
}

#[tokio::test]
async fn lockout_alert_reaches_signed_webhook() {
    let (url, received) = start_receiver(0).await;
    let extra = format!(
        "[lockout]\nmax_failures = 2\n[alerts]\nwebhook_url = \"{url}\"\nwebhook_secret = \"test-hook-key\"\naccounts_per_address = 2\n"
    );
    let server = TestServer::start(&extra).await;
    for _ in 0..2 {
        let body = json!({ "email": "admin@acme.example", "password": "wrong password" });
        server
            .call(Method::POST, "/v1/sessions", None, Some(body))
            .await;
    }
    // Sign-ins to two accounts from one address raise the second detector.
    server.token_for("globex.example", Role::Admin).await;
    server.token_for("acme.example", Role::Support).await;

    let deliveries = wait_for(&received, 2).await;
    let mut actions = Vec::new();
    for (timestamp, signature, body) in &deliveries {
        let expected = sealpost_server::alerts::webhook_signature(
            b"test-hook-key",
            timestamp.parse().unwrap(),
            body,
        );
        assert_eq!(signature, &expected);
        let entry: sealpost_api::AuditEntry = serde_json::from_slice(body).unwrap();
        actions.push(entry.action);
    }
    actions.sort();
    assert_eq!(
        actions,
        ["alert.accounts_per_address", "alert.sign_in_locked"]
    );
    server.stop().await;
}

#[tokio::test]
async fn anchor_detects_truncated_tail() {
    let server = TestServer::start("").await;
    server.token_for("acme.example", Role::Admin).await;
    let last = server.audit_entries("session.created").await.pop().unwrap();
    let anchor = format!("{}:{}", last.seq, last.hash);
    let verify = |anchor: &str| {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_sealpost-server"))
            .args(["audit", "verify", "--anchor", anchor, "--config"])
            .arg(server.config_path())
            .output()
            .unwrap();
        (
            output.status.code(),
            String::from_utf8_lossy(&output.stdout).into_owned(),
        )
    };
    let (code, output) = verify(&anchor);
    assert_eq!(code, Some(0), "{output}");

    // Deleting the newest entries leaves a valid shorter chain that only the anchor
    // reveals.
    let drop = if on_postgres() {
        "DROP TRIGGER audit_log_no_update ON audit_log"
    } else {
        "DROP TRIGGER audit_log_no_delete"
    };
    let delete = format!("DELETE FROM audit_log WHERE seq >= {}", last.seq);
    run_sql(&server, &[drop, &delete]).await.unwrap();
    let (code, output) = verify_with_cli(&server);
    assert_eq!(code, 0, "{output}");
    let (code, output) = verify(&anchor);
    assert_eq!(code, Some(1), "{output}");
    assert!(
        output.contains(&format!("broken at entry {}", last.seq)),
        "{output}"
    );
    assert!(output.contains("truncated"), "{output}");

    let (code, _) = verify("not-an-anchor");
    assert_eq!(code, Some(2));
    server.stop().await;
}

#[tokio::test]
async fn webhook_retried_until_accepted() {
    let (url, received) = start_receiver(2).await;
    let extra = format!(
        "[lockout]\nmax_failures = 1\n[alerts]\nwebhook_url = \"{url}\"\nwebhook_secret = \"k\"\n"
    );
    let server = TestServer::start(&extra).await;
    let body = json!({ "email": "someone@example.com", "password": "wrong password" });
    let (status, _) = server
        .call(Method::POST, "/v1/sessions", None, Some(body))
        .await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);

    // Two 503s, then success on the third attempt (after 0.5 s and 1 s of backoff).
    let deliveries = wait_for(&received, 3).await;
    assert_eq!(deliveries.len(), 3);
    assert!(
        deliveries
            .iter()
            .all(|(_, _, body)| body == &deliveries[0].2),
        "every attempt sends the same entry"
    );
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(
        received.lock().unwrap().len(),
        3,
        "no attempt after the accepted one"
    );
    server.stop().await;
}
