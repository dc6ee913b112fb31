//! Upload keys: reading the current key, rotation, and opening envelopes sealed to
//! current and older keys.

use std::io::Read;

use reqwest::{Method, StatusCode};
use sealpost_api::Role;
use sealpost_envelope::{DEFAULT_CHUNK_SIZE, Metadata, Opener, Recipient, inspect, seal};
use serde_json::Value;
use uuid::Uuid;

use crate::harness::TestServer;

const LIST: &[u8] = b"name,postcode\nAda Lovelace,NW1 2DB\n";

async fn account_id(server: &TestServer, token: &str) -> Uuid {
    let (status, me) = server.call(Method::GET, "/v1/me", Some(token), None).await;
    assert_eq!(status, StatusCode::OK);
    me["account"]["id"].as_str().unwrap().parse().unwrap()
}

fn recipient_of(key: &Value) -> Recipient {
    let recipient: Recipient = key["public_key"].as_str().unwrap().parse().unwrap();
    assert_eq!(
        recipient.key_id().to_string(),
        key["key_id"].as_str().unwrap()
    );
    recipient
}

/// Seals `LIST` to `recipient` and opens it with the key the service holds for the key
/// id in the envelope header.
async fn open_with_service_key(server: &TestServer, account: Uuid, recipient: &Recipient) {
    let mut envelope = Vec::new();
    seal(
        recipient,
        Metadata::default(),
        DEFAULT_CHUNK_SIZE,
        LIST,
        &mut envelope,
    )
    .unwrap();
    let header = inspect(&envelope[..]).unwrap();
    let state = &server.running.as_ref().unwrap().state;
    let identity = state
        .upload_keys
        .identity(account, &header.key_id)
        .await
        .unwrap()
        .expect("the service holds the key the envelope names");
    let mut plaintext = Vec::new();
    Opener::new(&envelope[..], &identity)
        .unwrap()
        .read_to_end(&mut plaintext)
        .unwrap();
    assert_eq!(plaintext, LIST);
}

#[tokio::test]
async fn uploaders_read_a_stable_key_that_opens_their_envelopes() {
    let server = TestServer::start("").await;
    let marketer = server.token_for("acme.example", Role::Marketer).await;
    let admin = server.token_for("acme.example", Role::Admin).await;
    let (status, first) = server
        .call(Method::GET, "/v1/upload-key", Some(&marketer), None)
        .await;
    assert_eq!(status, StatusCode::OK, "{first}");
    assert_eq!(first["generation"], 1);
    let (status, again) = server
        .call(Method::GET, "/v1/upload-key", Some(&admin), None)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(again, first);
    let account = account_id(&server, &marketer).await;
    open_with_service_key(&server, account, &recipient_of(&first)).await;
    assert_eq!(server.audit_entries("upload_key.created").await.len(), 1);

    let support = server.token_for("acme.example", Role::Support).await;
    let (status, _) = server
        .call(Method::GET, "/v1/upload-key", Some(&support), None)
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = server.call(Method::GET, "/v1/upload-key", None, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    let other = server.token_for("globex.example", Role::Marketer).await;
    let (_, theirs) = server
        .call(Method::GET, "/v1/upload-key", Some(&other), None)
        .await;
    assert_ne!(theirs["key_id"], first["key_id"]);
    // Another account's key id is unknown in this account.
    let state = &server.running.as_ref().unwrap().state;
    let foreign = recipient_of(&theirs).key_id();
    assert!(
        state
            .upload_keys
            .identity(account, &foreign)
            .await
            .unwrap()
            .is_none()
    );
    server.stop().await;
}

#[tokio::test]
async fn rotation_adds_a_key_and_keeps_the_old_one_usable() {
    let server = TestServer::start("").await;
    let admin = server.token_for("acme.example", Role::Admin).await;
    let marketer = server.token_for("acme.example", Role::Marketer).await;
    let (_, old) = server
        .call(Method::GET, "/v1/upload-key", Some(&marketer), None)
        .await;

    let (status, _) = server
        .call(Method::POST, "/v1/upload-key/rotate", Some(&marketer), None)
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, new) = server
        .call(Method::POST, "/v1/upload-key/rotate", Some(&admin), None)
        .await;
    assert_eq!(status, StatusCode::CREATED, "{new}");
    assert_eq!(new["generation"], 2);
    assert_ne!(new["key_id"], old["key_id"]);
    let (_, current) = server
        .call(Method::GET, "/v1/upload-key", Some(&marketer), None)
        .await;
    assert_eq!(current, new);

    let account = account_id(&server, &admin).await;
    open_with_service_key(&server, account, &recipient_of(&old)).await;
    open_with_service_key(&server, account, &recipient_of(&new)).await;

    let rotated = server.audit_entries("upload_key.rotated").await;
    assert_eq!(rotated.len(), 1);
    let details: Value = serde_json::from_str(rotated[0].details.as_deref().unwrap()).unwrap();
    assert_eq!(details["previous_key_id"], old["key_id"]);
    server.stop().await;
}

#[tokio::test]
async fn stored_private_keys_are_wrapped_and_bound_to_their_account() {
    let server = TestServer::start("").await;
    let marketer = server.token_for("acme.example", Role::Marketer).await;
    let (_, key) = server
        .call(Method::GET, "/v1/upload-key", Some(&marketer), None)
        .await;
    let key_id = key["key_id"].as_str().unwrap().to_owned();
    let account = account_id(&server, &marketer).await;
    let other = server.token_for("globex.example", Role::Marketer).await;
    let other_account = account_id(&server, &other).await;

    // Moving the wrapped key to another account must not make it usable there.
    crate::harness::run_sql(
        &server,
        &[&format!(
            "UPDATE upload_keys SET account_id = '{other_account}' WHERE key_id = '{key_id}'"
        )],
    )
    .await
    .unwrap();
    let state = &server.running.as_ref().unwrap().state;
    let recipient = recipient_of(&key);
    let error = state
        .upload_keys
        .identity(other_account, &recipient.key_id())
        .await
        .unwrap_err();
    assert!(error.to_string().contains("wrapped"), "{error}");
    assert!(
        state
            .upload_keys
            .identity(account, &recipient.key_id())
            .await
            .unwrap()
            .is_none()
    );
    server.stop().await;
}
