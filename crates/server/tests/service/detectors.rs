//! The suspicious-activity detectors: upload volume and history enumeration. Each test
//! lowers the threshold so that a few requests cross it.

use reqwest::{Method, StatusCode};
use sealpost_api::Role;
use serde_json::Value;

use crate::harness::TestServer;

fn details(entry: &sealpost_api::AuditEntry) -> Value {
    serde_json::from_str(entry.details.as_deref().unwrap()).unwrap()
}

#[tokio::test]
async fn upload_volume_above_floor_alerts() {
    let server = TestServer::start("[alerts]\nupload_volume_min_uploads = 3\n").await;
    let marketer = server.token_for("acme.example", Role::Marketer).await;
    let other = server.token_for("globex.example", Role::Marketer).await;
    for _ in 0..2 {
        let (status, _) = crate::tus::create(&server, &marketer, 100).await;
        assert_eq!(status, StatusCode::CREATED);
    }
    let (status, _) = crate::tus::create(&server, &other, 100).await;
    assert_eq!(status, StatusCode::CREATED);
    assert!(
        server.audit_entries("alert.upload_volume").await.is_empty(),
        "below the floor nothing is raised"
    );

    let (status, _) = crate::tus::create(&server, &marketer, 100).await;
    assert_eq!(status, StatusCode::CREATED);
    let alerts = server.audit_entries("alert.upload_volume").await;
    assert_eq!(alerts.len(), 1);
    assert_eq!(details(&alerts[0])["uploads"], 3);
    assert_eq!(details(&alerts[0])["bytes"], 300);
    let (_, me) = server
        .call(Method::GET, "/v1/me", Some(&marketer), None)
        .await;
    let account = me["account"]["id"].as_str().unwrap();
    assert_eq!(
        alerts[0].target.as_deref(),
        Some(format!("account:{account}").as_str())
    );

    // One alert per window, however many more uploads follow.
    let (status, _) = crate::tus::create(&server, &marketer, 100).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(server.audit_entries("alert.upload_volume").await.len(), 1);
    server.stop().await;
}

#[tokio::test]
async fn upload_volume_counts_bytes_too() {
    let server = TestServer::start(
        "[alerts]\nupload_volume_min_uploads = 1000\nupload_volume_min_bytes = 5000\n",
    )
    .await;
    let marketer = server.token_for("acme.example", Role::Marketer).await;
    let (status, _) = crate::tus::create(&server, &marketer, 4000).await;
    assert_eq!(status, StatusCode::CREATED);
    assert!(server.audit_entries("alert.upload_volume").await.is_empty());
    let (status, _) = crate::tus::create(&server, &marketer, 1000).await;
    assert_eq!(status, StatusCode::CREATED);
    let alerts = server.audit_entries("alert.upload_volume").await;
    assert_eq!(alerts.len(), 1);
    assert_eq!(details(&alerts[0])["bytes"], 5000);
    server.stop().await;
}

#[tokio::test]
async fn upload_volume_within_baseline_is_quiet() {
    let server = TestServer::start("[alerts]\nupload_volume_min_uploads = 3\n").await;
    let marketer = server.token_for("acme.example", Role::Marketer).await;
    // An account with a steady history: 30 uploads a day for the past week is about
    // 1.25 an hour, so 3 in the last hour stay under ten times that.
    let (_, me) = server
        .call(Method::GET, "/v1/me", Some(&marketer), None)
        .await;
    let account = me["account"]["id"].as_str().unwrap();
    let member = me["member"]["id"].as_str().unwrap();
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let mut statements = Vec::new();
    for index in 0..210 {
        let at = now - 2 * 3600 - index * 2800;
        statements.push(format!(
            "INSERT INTO uploads (id, account_id, owner_id, upload_length, upload_offset, \
             state, created_at, updated_at) VALUES ('{}', '{account}', '{member}', 100, 100, \
             'accepted', {at}, {at})",
            uuid::Uuid::new_v4()
        ));
    }
    let statements: Vec<&str> = statements.iter().map(String::as_str).collect();
    crate::harness::run_sql(&server, &statements).await.unwrap();
    for _ in 0..3 {
        let (status, _) = crate::tus::create(&server, &marketer, 100).await;
        assert_eq!(status, StatusCode::CREATED);
    }
    assert!(server.audit_entries("alert.upload_volume").await.is_empty());
    server.stop().await;
}

#[tokio::test]
async fn many_history_pages_alert() {
    let server = TestServer::start("[alerts]\nhistory_reads_per_window = 5\n").await;
    let support = server.token_for("acme.example", Role::Support).await;
    let admin = server.token_for("acme.example", Role::Admin).await;
    for path in [
        "/v1/uploads",
        "/v1/campaigns",
        "/v1/uploads?limit=1",
        "/v1/campaigns",
    ] {
        let (status, _) = server.call(Method::GET, path, Some(&support), None).await;
        assert_eq!(status, StatusCode::OK, "{path}");
    }
    // Another member's reads count separately.
    let (status, _) = server
        .call(Method::GET, "/v1/audit", Some(&admin), None)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        server
            .audit_entries("alert.history_enumeration")
            .await
            .is_empty()
    );

    let (status, _) = server
        .call(Method::GET, "/v1/uploads", Some(&support), None)
        .await;
    assert_eq!(status, StatusCode::OK, "the read itself still succeeds");
    let alerts = server.audit_entries("alert.history_enumeration").await;
    assert_eq!(alerts.len(), 1);
    assert_eq!(details(&alerts[0])["pages"], 5);
    let (_, me) = server
        .call(Method::GET, "/v1/me", Some(&support), None)
        .await;
    let member = me["member"]["id"].as_str().unwrap();
    assert_eq!(
        alerts[0].target.as_deref(),
        Some(format!("member:{member}").as_str())
    );
    server.stop().await;
}
