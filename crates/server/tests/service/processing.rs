//! End to end over TLS: seal a list with the envelope crate, upload it over tus, and
//! follow processing to its final state with a real clamd.

use std::time::Duration;

use reqwest::{Method, StatusCode};
use sealpost_api::Role;
use sealpost_envelope::{DEFAULT_CHUNK_SIZE, Metadata, Recipient, seal};
use serde_json::Value;

use crate::harness::TestServer;
use crate::tus::patch;

pub(crate) const LIST: &str = "title,firstname,lastname,company,address1,address2,city,county,postcode,country\n\
Ms,Ada,Lovelace,,12 High Street,,Leeds,West Yorkshire,LS1 4AP,GB\n\
Mr,Alan,Turing,,3 Station Road,,Wilmslow,Cheshire,SK9 1BU,GB\n";

fn eicar() -> String {
    // Assembled at run time so that this source file does not match EICAR signatures.
    let mut text = String::from("X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-");
    text.push_str("STANDARD-ANTIVIRUS-TEST-FILE!$H+H*");
    text
}

pub(crate) async fn recipient(server: &TestServer, token: &str) -> Recipient {
    let (_, key) = server
        .call(Method::GET, "/v1/upload-key", Some(token), None)
        .await;
    key["public_key"].as_str().unwrap().parse().unwrap()
}

pub(crate) fn sealed(recipient: &Recipient, plaintext: &[u8]) -> Vec<u8> {
    let mut envelope = Vec::new();
    seal(
        recipient,
        Metadata::default(),
        DEFAULT_CHUNK_SIZE,
        plaintext,
        &mut envelope,
    )
    .unwrap();
    envelope
}

pub(crate) async fn upload(server: &TestServer, token: &str, envelope: &[u8]) -> String {
    let response = server
        .client
        .post(format!("{}/v1/uploads", server.base))
        .bearer_auth(token)
        .header("Tus-Resumable", "1.0.0")
        .header("Upload-Length", envelope.len().to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let done = patch(server, token, &location, 0, envelope, None).await;
    assert_eq!(done.status(), StatusCode::NO_CONTENT);
    location.rsplit('/').next().unwrap().to_owned()
}

/// Polls the timeline until the upload reaches one of `states`.
pub(crate) async fn settle(server: &TestServer, token: &str, id: &str, states: &[&str]) -> Value {
    let path = format!("/v1/uploads/{id}/events");
    let mut timeline = Value::Null;
    for _ in 0..300 {
        let (status, body) = server.call(Method::GET, &path, Some(token), None).await;
        assert_eq!(status, StatusCode::OK);
        timeline = body;
        let state = timeline["upload"]["state"].as_str().unwrap_or_default();
        if states.contains(&state) {
            return timeline;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("upload {id} did not reach {states:?}: {timeline}");
}

fn test_clamd() -> Option<String> {
    match std::env::var("SEALPOST_TEST_CLAMD") {
        Ok(address) if !address.is_empty() => Some(address),
        _ => {
            eprintln!(
                "skipped: SEALPOST_TEST_CLAMD is unset; scripts/test starts clamd and sets it"
            );
            None
        }
    }
}

#[tokio::test]
async fn sealed_lists_are_accepted_quarantined_or_rejected() {
    let Some(clamd) = test_clamd() else { return };
    let server = TestServer::start(&format!("[scanner]\nclamd = \"{clamd}\"\n")).await;
    let marketer = server.token_for("acme.example", Role::Marketer).await;
    let ours = recipient(&server, &marketer).await;

    let clean = upload(&server, &marketer, &sealed(&ours, LIST.as_bytes())).await;
    let timeline = settle(
        &server,
        &marketer,
        &clean,
        &["accepted", "rejected", "quarantined"],
    )
    .await;
    assert_eq!(timeline["upload"]["state"], "accepted", "{timeline}");
    assert_eq!(timeline["validation"]["rows"]["total"], 2, "{timeline}");
    let kinds: Vec<&str> = timeline["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert!(kinds.contains(&"scanned"), "{kinds:?}");
    let scanned = timeline["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "scanned")
        .unwrap();
    assert!(
        scanned["details"]["engine"]
            .as_str()
            .unwrap()
            .starts_with("ClamAV")
    );

    let infected = format!("{LIST}Mr,Eve,Example,,{},,Leeds,,LS1 4AP,GB\n", eicar());
    let eicar_id = upload(&server, &marketer, &sealed(&ours, infected.as_bytes())).await;
    let timeline = settle(
        &server,
        &marketer,
        &eicar_id,
        &["accepted", "rejected", "quarantined"],
    )
    .await;
    assert_eq!(timeline["upload"]["state"], "quarantined", "{timeline}");
    assert!(
        timeline["upload"]["reason"]
            .as_str()
            .unwrap()
            .contains("Eicar-Test-Signature")
    );

    let marked = format!("{LIST}Mr,Mark,SEALPOST-CLAMD-TEST-MARKER,,1 Road,,Leeds,,LS1 4AP,GB\n");
    let marked_id = upload(&server, &marketer, &sealed(&ours, marked.as_bytes())).await;
    let timeline = settle(
        &server,
        &marketer,
        &marked_id,
        &["accepted", "rejected", "quarantined"],
    )
    .await;
    assert_eq!(timeline["upload"]["state"], "quarantined", "{timeline}");

    let other = server.token_for("globex.example", Role::Marketer).await;
    let theirs = recipient(&server, &other).await;
    let foreign = upload(&server, &marketer, &sealed(&theirs, LIST.as_bytes())).await;
    let timeline = settle(
        &server,
        &marketer,
        &foreign,
        &["accepted", "rejected", "quarantined"],
    )
    .await;
    assert_eq!(timeline["upload"]["state"], "rejected", "{timeline}");
    assert!(
        timeline["upload"]["reason"]
            .as_str()
            .unwrap()
            .contains("not one of this account's upload keys")
    );

    let mut tampered = sealed(&ours, LIST.repeat(2000).as_bytes());
    let middle = tampered.len() / 2;
    tampered[middle] ^= 0x40;
    let tampered_id = upload(&server, &marketer, &tampered).await;
    let timeline = settle(
        &server,
        &marketer,
        &tampered_id,
        &["accepted", "rejected", "quarantined"],
    )
    .await;
    assert_eq!(timeline["upload"]["state"], "rejected", "{timeline}");
    assert!(
        timeline.get("validation").is_none(),
        "no partial acceptance: {timeline}"
    );

    // Support sees the outcome but not the validation details.
    let support = server.token_for("acme.example", Role::Support).await;
    let (_, view) = server
        .call(
            Method::GET,
            &format!("/v1/uploads/{clean}/events"),
            Some(&support),
            None,
        )
        .await;
    assert_eq!(view["upload"]["state"], "accepted");
    assert!(view.get("validation").is_none());
    assert_eq!(server.audit_entries("upload.accepted").await.len(), 1);
    assert_eq!(server.audit_entries("upload.quarantined").await.len(), 2);
    assert_eq!(server.audit_entries("upload.rejected").await.len(), 2);
    server.stop().await;
}

#[tokio::test]
async fn without_a_scanner_uploads_wait_and_are_never_accepted() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("clamd.sock");
    let server = TestServer::start(&format!(
        "[scanner]\nclamd = \"unix:{}\"\n",
        missing.display()
    ))
    .await;
    let marketer = server.token_for("acme.example", Role::Marketer).await;
    let ours = recipient(&server, &marketer).await;
    let id = upload(&server, &marketer, &sealed(&ours, LIST.as_bytes())).await;
    let timeline = settle(&server, &marketer, &id, &["scan_pending", "accepted"]).await;
    assert_eq!(timeline["upload"]["state"], "scan_pending", "{timeline}");
    assert!(
        timeline["upload"]["reason"]
            .as_str()
            .unwrap()
            .contains("does not answer")
    );
    // Retries keep failing closed.
    tokio::time::sleep(Duration::from_secs(6)).await;
    let (_, later) = server
        .call(
            Method::GET,
            &format!("/v1/uploads/{id}/events"),
            Some(&marketer),
            None,
        )
        .await;
    assert_eq!(later["upload"]["state"], "scan_pending");
    server.stop().await;
}
