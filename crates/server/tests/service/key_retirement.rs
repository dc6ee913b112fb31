//! Retiring upload keys, and rejecting uploads sealed to retired or unknown keys.

use reqwest::{Method, StatusCode};
use sealpost_api::Role;
use sealpost_envelope::Identity;
use serde_json::Value;

use crate::harness::TestServer;
use crate::processing::{LIST, recipient, sealed, settle, upload};

async fn retire(server: &TestServer, token: &str, key_id: &str) -> (StatusCode, Value) {
    server
        .call(
            Method::POST,
            &format!("/v1/upload-key/{key_id}/retire"),
            Some(token),
            None,
        )
        .await
}

#[tokio::test]
async fn retirement_needs_admin_and_rotation() {
    let server = TestServer::start("").await;
    let admin = server.token_for("acme.example", Role::Admin).await;
    let marketer = server.token_for("acme.example", Role::Marketer).await;
    let stranger = server.token_for("globex.example", Role::Admin).await;
    let (_, first) = server
        .call(Method::GET, "/v1/upload-key", Some(&marketer), None)
        .await;
    let first_id = first["key_id"].as_str().unwrap().to_owned();

    let (status, body) = retire(&server, &admin, &first_id).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert!(
        body["detail"].as_str().unwrap().contains("rotate"),
        "{body}"
    );
    let (status, _) = server
        .call(Method::POST, "/v1/upload-key/rotate", Some(&admin), None)
        .await;
    assert_eq!(status, StatusCode::CREATED);

    let (status, _) = retire(&server, &marketer, &first_id).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = retire(&server, &stranger, &first_id).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = retire(&server, &admin, &"0".repeat(64)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = retire(&server, &admin, "not-a-key").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) = retire(&server, &admin, &first_id.to_uppercase()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    let (status, retired) = retire(&server, &admin, &first_id).await;
    assert_eq!(status, StatusCode::OK, "{retired}");
    assert_eq!(retired["key_id"], first_id.as_str());
    assert_eq!(retired["generation"], 1);
    assert!(retired["retired_at"].is_string(), "{retired}");
    let (status, again) = retire(&server, &admin, &first_id).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(again["retired_at"], retired["retired_at"]);

    let entries = server.audit_entries("upload_key.retired").await;
    assert_eq!(entries.len(), 1, "retiring twice records one entry");
    assert_eq!(
        entries[0].target.as_deref(),
        Some(format!("upload_key:{first_id}").as_str())
    );
    let (_, current) = server
        .call(Method::GET, "/v1/upload-key", Some(&marketer), None)
        .await;
    assert_eq!(current["generation"], 2);
    assert!(current.get("retired_at").is_none());
    server.stop().await;
}

#[tokio::test]
async fn retired_or_unknown_key_rejects_upload() {
    let server = TestServer::start("").await;
    let admin = server.token_for("acme.example", Role::Admin).await;
    let marketer = server.token_for("acme.example", Role::Marketer).await;
    let old = recipient(&server, &marketer).await;
    let (status, _) = server
        .call(Method::POST, "/v1/upload-key/rotate", Some(&admin), None)
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let old_id = old.key_id().to_string();
    let (status, _) = server
        .call(
            Method::POST,
            &format!("/v1/upload-key/{old_id}/retire"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);

    let to_retired = upload(&server, &marketer, &sealed(&old, LIST.as_bytes())).await;
    let timeline = settle(&server, &marketer, &to_retired, &["rejected"]).await;
    let reason = timeline["upload"]["reason"].as_str().unwrap();
    assert!(reason.contains("an admin retired"), "{reason}");
    assert!(reason.contains("GET /v1/upload-key"), "{reason}");

    let stray = Identity::generate();
    let to_unknown = upload(
        &server,
        &marketer,
        &sealed(stray.recipient(), LIST.as_bytes()),
    )
    .await;
    let timeline = settle(&server, &marketer, &to_unknown, &["rejected"]).await;
    let reason = timeline["upload"]["reason"].as_str().unwrap();
    assert!(
        reason.contains("not one of this account's upload keys"),
        "{reason}"
    );

    // The current key still works: without a scanner the upload waits for one.
    let current = recipient(&server, &marketer).await;
    let fine = upload(&server, &marketer, &sealed(&current, LIST.as_bytes())).await;
    let timeline = settle(&server, &marketer, &fine, &["scan_pending", "rejected"]).await;
    assert_eq!(timeline["upload"]["state"], "scan_pending", "{timeline}");

    let alerts = server.audit_entries("alert.unknown_upload_key").await;
    assert_eq!(alerts.len(), 2, "one alert per upload");
    let kinds: Vec<String> = alerts
        .iter()
        .map(|entry| {
            let details: Value = serde_json::from_str(entry.details.as_deref().unwrap()).unwrap();
            details["key"].as_str().unwrap().to_owned()
        })
        .collect();
    assert!(kinds.contains(&"retired".to_owned()), "{kinds:?}");
    assert!(kinds.contains(&"unknown".to_owned()), "{kinds:?}");
    server.stop().await;
}
