//! API tokens: scopes, revocation, rotation and the idle limit.

use std::time::Duration;

use reqwest::{Method, StatusCode};
use sealpost_api::Role;
use serde_json::{Value, json};

use crate::harness::TestServer;

async fn create_token(server: &TestServer, session: &str, permissions: &[&str]) -> Value {
    let body = json!({ "name": "integration", "permissions": permissions });
    let (status, created) = server
        .call(Method::POST, "/v1/tokens", Some(session), Some(body))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    created
}

#[tokio::test]
async fn token_scopes_limit_what_it_can_do() {
    let server = TestServer::start("").await;
    let admin = server.token_for("acme.example", Role::Admin).await;
    let created = create_token(&server, &admin, &["tokens:own", "members:read"]).await;
    let token = created["token"].as_str().unwrap();
    assert!(token.starts_with("spt_"));

    let (status, me) = server.call(Method::GET, "/v1/me", Some(token), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(me["credential"], "api_token");
    assert_eq!(me["permissions"], json!(["members:read", "tokens:own"]));
    let (status, _) = server
        .call(Method::GET, "/v1/members", Some(token), None)
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = server
        .call(Method::GET, "/v1/audit", Some(token), None)
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // A token cannot mint a wider token, and a marketer cannot scope beyond the role.
    let body = json!({ "name": "wider", "permissions": ["audit:read"] });
    let (status, _) = server
        .call(Method::POST, "/v1/tokens", Some(token), Some(body.clone()))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let marketer = server.token_for("acme.example", Role::Marketer).await;
    let (status, _) = server
        .call(Method::POST, "/v1/tokens", Some(&marketer), Some(body))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // Listing shows metadata, never the token.
    let response = server
        .send(Method::GET, "/v1/tokens", Some(&admin), None)
        .await;
    let text = response.text().await.unwrap();
    assert!(!text.contains(token));
    let list: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(list["tokens"][0]["id"], created["info"]["id"]);
    assert!(list["tokens"][0]["last_used_at"].is_string(), "{list}");
    server.stop().await;
}

#[tokio::test]
async fn revoked_token_refused() {
    let server = TestServer::start("").await;
    let session = server.token_for("acme.example", Role::Support).await;
    let created = create_token(&server, &session, &["tokens:own"]).await;
    let token = created["token"].as_str().unwrap();
    let path = format!("/v1/tokens/{}", created["info"]["id"].as_str().unwrap());
    let (status, _) = server
        .call(Method::DELETE, &path, Some(&session), None)
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = server.call(Method::GET, "/v1/me", Some(token), None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    server.stop().await;
}

#[tokio::test]
async fn admin_revokes_members_token() {
    let server = TestServer::start("").await;
    let marketer = server.token_for("acme.example", Role::Marketer).await;
    let created = create_token(&server, &marketer, &["uploads:create"]).await;
    let admin = server.token_for("acme.example", Role::Admin).await;
    let (_, all) = server
        .call(Method::GET, "/v1/account/tokens", Some(&admin), None)
        .await;
    assert_eq!(all["tokens"].as_array().unwrap().len(), 1);
    let path = format!("/v1/tokens/{}", created["info"]["id"].as_str().unwrap());
    // The admin may revoke it but not rotate it, since rotation hands over the secret.
    let (status, _) = server
        .call(
            Method::POST,
            &format!("{path}/rotate"),
            Some(&admin),
            Some(json!({})),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = server.call(Method::DELETE, &path, Some(&admin), None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = server
        .call(
            Method::GET,
            "/v1/me",
            Some(created["token"].as_str().unwrap()),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    server.stop().await;
}

#[tokio::test]
async fn rotated_token_works_only_during_grace() {
    let server = TestServer::start("").await;
    let session = server.token_for("acme.example", Role::Marketer).await;
    let created = create_token(&server, &session, &["tokens:own"]).await;
    let old = created["token"].as_str().unwrap();
    let path = format!(
        "/v1/tokens/{}/rotate",
        created["info"]["id"].as_str().unwrap()
    );
    let (status, rotated) = server
        .call(
            Method::POST,
            &path,
            Some(&session),
            Some(json!({ "grace_period_seconds": 4 })),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{rotated}");
    let new = rotated["token"].as_str().unwrap();
    assert_ne!(old, new);
    for token in [old, new] {
        let (status, _) = server.call(Method::GET, "/v1/me", Some(token), None).await;
        assert_eq!(status, StatusCode::OK);
    }
    tokio::time::sleep(Duration::from_millis(5100)).await;
    let (status, _) = server.call(Method::GET, "/v1/me", Some(old), None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = server.call(Method::GET, "/v1/me", Some(new), None).await;
    assert_eq!(status, StatusCode::OK);
    server.stop().await;
}

#[tokio::test]
async fn idle_token_disabled() {
    let server = TestServer::start("[tokens]\nidle_disable_seconds = 4\n").await;
    let session = server.token_for("acme.example", Role::Support).await;
    let created = create_token(&server, &session, &["tokens:own"]).await;
    let token = created["token"].as_str().unwrap();
    let (status, _) = server.call(Method::GET, "/v1/me", Some(token), None).await;
    assert_eq!(status, StatusCode::OK);
    tokio::time::sleep(Duration::from_millis(5100)).await;
    let (status, _) = server.call(Method::GET, "/v1/me", Some(token), None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    server.stop().await;
}

#[tokio::test]
async fn demoted_member_token_narrows() {
    let server = TestServer::start("").await;
    let credential = server.credential("acme.example", Role::Support);
    let support = server
        .sign_in(&credential.email, &credential.password)
        .await;
    let admin = server.token_for("acme.example", Role::Admin).await;
    let path = format!("/v1/members/{}", support.member.id);
    let (status, _) = server
        .call(
            Method::PATCH,
            &path,
            Some(&admin),
            Some(json!({ "role": "admin" })),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let token = create_token(&server, &support.token, &["audit:read"]).await["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let (status, _) = server
        .call(Method::GET, "/v1/audit", Some(&token), None)
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = server
        .call(
            Method::PATCH,
            &path,
            Some(&admin),
            Some(json!({ "role": "support" })),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = server
        .call(Method::GET, "/v1/audit", Some(&token), None)
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    server.stop().await;
}
