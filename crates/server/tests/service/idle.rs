//! A PATCH whose body stops arriving is ended after the idle timeout, keeping the bytes
//! received, so that the client can resume and the upload is not held.

use std::sync::Arc;
use std::time::Duration;

use reqwest::StatusCode;
use rustls_pki_types::CertificateDer;
use rustls_pki_types::pem::PemObject;
use sealpost_api::Role;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::harness::TestServer;

/// Opens a TLS connection, sends a PATCH announcing `announced` bytes but only `body`,
/// then waits up to `wait` for the service's response and returns its text.
async fn stalled_patch(
    server: &TestServer,
    token: &str,
    location: &str,
    body: &[u8],
    announced: usize,
    wait: Duration,
) -> Option<String> {
    let mut roots = rustls::RootCertStore::empty();
    for cert in CertificateDer::pem_file_iter(&server.pki.ca_cert).unwrap() {
        roots.add(cert.unwrap()).unwrap();
    }
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_root_certificates(roots)
    .with_no_client_auth();

    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    let port = server.running.as_ref().unwrap().local_addr.port();
    let tcp = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .unwrap();
    let name = rustls_pki_types::ServerName::try_from("localhost").unwrap();
    let mut tls = connector.connect(name, tcp).await.unwrap();
    let head = format!(
        "PATCH {location} HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {token}\r\n\
         Tus-Resumable: 1.0.0\r\nUpload-Offset: 0\r\n\
         Content-Type: application/offset+octet-stream\r\nContent-Length: {announced}\r\n\r\n"
    );
    tls.write_all(head.as_bytes()).await.unwrap();
    tls.write_all(body).await.unwrap();
    tls.flush().await.unwrap();

    let mut response = vec![0_u8; 4096];
    let read = tokio::time::timeout(wait, tls.read(&mut response))
        .await
        .ok()?
        .ok()?;
    Some(String::from_utf8_lossy(&response[..read]).into_owned())
}

#[tokio::test]
async fn idle_patch_body_ends_and_keeps_bytes() {
    let server = TestServer::start("[uploads]\npatch_idle_timeout_seconds = 1\n").await;
    let token = server.token_for("acme.example", Role::Marketer).await;
    let (_, location) = crate::tus::create(&server, &token, 4000).await;

    let response = stalled_patch(
        &server,
        &token,
        &location,
        &[7_u8; 1500],
        4000,
        Duration::from_secs(10),
    )
    .await
    .expect("the service answers a stalled body instead of waiting for it");
    assert!(response.starts_with("HTTP/1.1 400"), "{response}");
    assert!(
        response.contains("no body bytes arrived for 1 seconds"),
        "{response}"
    );

    let head = server
        .client
        .head(format!("{}{location}", server.base))
        .bearer_auth(&token)
        .header("Tus-Resumable", "1.0.0")
        .send()
        .await
        .unwrap();
    assert_eq!(head.status(), StatusCode::OK);
    assert_eq!(head.headers()["upload-offset"], "1500");
    server.stop().await;
}
