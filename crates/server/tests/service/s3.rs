//! The S3-compatible blob store against a real S3 API server on the loopback interface.
//! `scripts/server-s3-check` starts one (moto) and sets `SEALPOST_TEST_S3_URL` to its
//! endpoint; without it these tests are skipped.

use reqwest::{Method, StatusCode};
use sealpost_api::Role;
use sealpost_server::blob::BlobStore;
use sealpost_server::blob::s3::{S3Settings, S3Store};
use tokio::io::AsyncReadExt;
use uuid::Uuid;

use crate::harness::TestServer;
use crate::tus::patch;

const BUCKET: &str = "sealpost-test";

fn test_endpoint() -> Option<String> {
    match std::env::var("SEALPOST_TEST_S3_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            eprintln!("skipped: SEALPOST_TEST_S3_URL is unset; scripts/server-s3-check sets it");
            None
        }
    }
}

/// Builds settings with a prefix of its own per test, so that tests share the bucket.
fn settings(endpoint: &str) -> S3Settings {
    S3Settings {
        url: format!("s3://{BUCKET}/run-{}", Uuid::new_v4()),
        endpoint: Some(endpoint.to_owned()),
        region: None,
        access_key_id: "test".to_owned(),
        secret_access_key: "test".to_owned(),
        session_token: None,
        allow_http: true,
    }
}

async fn read_all(store: &S3Store, id: Uuid) -> Vec<u8> {
    let mut bytes = Vec::new();
    store
        .read(id)
        .await
        .unwrap()
        .read_to_end(&mut bytes)
        .await
        .unwrap();
    bytes
}

fn sample(len: usize) -> Vec<u8> {
    (0..len).map(|i| u8::try_from(i % 253).unwrap()).collect()
}

#[tokio::test]
async fn s3_store_appends_truncates_and_completes() {
    let Some(endpoint) = test_endpoint() else {
        return;
    };
    let store = S3Store::new(&settings(&endpoint)).unwrap();
    let id = Uuid::new_v4();

    let mut part = store.append_at(id, 0).await.unwrap();
    part.write(b"hello ").await.unwrap();
    assert_eq!(part.sync().await.unwrap(), 6);
    part.write(b"unrecorded").await.unwrap();
    assert_eq!(part.sync().await.unwrap(), 16);
    drop(part);

    // The database recorded 6 bytes: the later segment is dropped on the next append.
    let mut part = store.append_at(id, 6).await.unwrap();
    part.write(b"wrong").await.unwrap();
    part.truncate(6).await.unwrap();
    part.write(b"world").await.unwrap();
    assert_eq!(part.sync().await.unwrap(), 11);
    drop(part);
    assert!(store.append_at(id, 20).await.is_err());

    assert!(store.read(id).await.is_err(), "no reads before completion");
    store.complete(id).await.unwrap();
    assert_eq!(read_all(&store, id).await, b"hello world");
    store.remove(id).await.unwrap();
    assert!(store.read(id).await.is_err());
    store.remove(id).await.unwrap();
}

#[tokio::test]
async fn s3_store_streams_large_writes() {
    let Some(endpoint) = test_endpoint() else {
        return;
    };
    let store = S3Store::new(&settings(&endpoint)).unwrap();
    let id = Uuid::new_v4();
    let data = sample(12 * 1024 * 1024 + 17);
    let mut part = store.append_at(id, 0).await.unwrap();
    // Small writes, as request frames arrive; the store groups them into parts.
    for chunk in data.chunks(64 * 1024) {
        part.write(chunk).await.unwrap();
    }
    assert_eq!(part.sync().await.unwrap(), data.len() as u64);
    drop(part);
    store.complete(id).await.unwrap();
    assert!(read_all(&store, id).await == data, "stored bytes differ");
    store.remove(id).await.unwrap();
}

#[tokio::test]
async fn tus_upload_lands_in_s3() {
    let Some(endpoint) = test_endpoint() else {
        return;
    };
    let url = format!("s3://{BUCKET}/service-{}", Uuid::new_v4());
    let server = TestServer::start(&format!(
        "[uploads]\nblob_store = \"{url}\"\ns3_endpoint = \"{endpoint}\"\ns3_allow_http = true\n\
         s3_access_key_id = \"test\"\ns3_secret_access_key = \"test\"\n"
    ))
    .await;
    let marketer = server.token_for("acme.example", Role::Marketer).await;
    let data = sample(20 * 1024 * 1024);
    let (status, location) = crate::tus::create(&server, &marketer, data.len()).await;
    assert_eq!(status, StatusCode::CREATED);

    let first = 12 * 1024 * 1024;
    let done = patch(&server, &marketer, &location, 0, &data[..first], None).await;
    assert_eq!(done.status(), StatusCode::NO_CONTENT);
    let head = server
        .client
        .head(format!("{}{location}", server.base))
        .bearer_auth(&marketer)
        .header("Tus-Resumable", "1.0.0")
        .send()
        .await
        .unwrap();
    assert_eq!(head.headers()["upload-offset"], first.to_string().as_str());
    let done = patch(&server, &marketer, &location, first, &data[first..], None).await;
    assert_eq!(done.status(), StatusCode::NO_CONTENT);

    let (status, detail) = server
        .call(Method::GET, &location, Some(&marketer), None)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(detail["offset"], data.len());
    let id: Uuid = location.rsplit('/').next().unwrap().parse().unwrap();
    let state = &server.running.as_ref().unwrap().state;
    let mut stored = Vec::new();
    state
        .blobs
        .read(id)
        .await
        .unwrap()
        .read_to_end(&mut stored)
        .await
        .unwrap();
    assert!(
        stored == data,
        "the object in S3 differs from the bytes sent"
    );
    server.stop().await;
}
