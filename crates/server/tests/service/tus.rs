//! tus 1.0 conformance: creation, offsets, checksums, termination, expiration, and
//! resuming after a dropped connection.

use std::sync::Arc;
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use reqwest::{Method, StatusCode};
use rustls_pki_types::CertificateDer;
use rustls_pki_types::pem::PemObject;
use sealpost_api::Role;
use sha2::{Digest, Sha256};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use uuid::Uuid;

use crate::harness::TestServer;

const LIMITS: &str = "[uploads]\nmax_size_bytes = 4096\nexpire_seconds = 3600\n";

fn sha256_header(bytes: &[u8]) -> String {
    format!("sha256 {}", STANDARD.encode(Sha256::digest(bytes)))
}

fn sha1_header(bytes: &[u8]) -> String {
    use sha1::Sha1;
    format!("sha1 {}", STANDARD.encode(Sha1::digest(bytes)))
}

fn sample(len: usize) -> Vec<u8> {
    (0..len).map(|i| u8::try_from(i % 251).unwrap()).collect()
}

pub(crate) async fn create(
    server: &TestServer,
    token: &str,
    length: usize,
) -> (StatusCode, String) {
    let response = server
        .client
        .post(format!("{}/v1/uploads", server.base))
        .bearer_auth(token)
        .header("Tus-Resumable", "1.0.0")
        .header("Upload-Length", length.to_string())
        .header(
            "Upload-Metadata",
            format!("fingerprint {}", STANDARD.encode("test-file")),
        )
        .send()
        .await
        .unwrap();
    let status = response.status();
    let location = response
        .headers()
        .get("location")
        .map(|value| value.to_str().unwrap().to_owned())
        .unwrap_or_default();
    assert_eq!(
        response.headers().get("tus-resumable").unwrap(),
        "1.0.0",
        "every answer names the protocol version"
    );
    (status, location)
}

pub(crate) async fn patch(
    server: &TestServer,
    token: &str,
    location: &str,
    offset: usize,
    body: &[u8],
    checksum: Option<String>,
) -> reqwest::Response {
    let mut request = server
        .client
        .patch(format!("{}{location}", server.base))
        .bearer_auth(token)
        .header("Tus-Resumable", "1.0.0")
        .header("Upload-Offset", offset.to_string())
        .header("Content-Type", "application/offset+octet-stream")
        .body(body.to_vec());
    if let Some(checksum) = checksum {
        request = request.header("Upload-Checksum", checksum);
    }
    request.send().await.unwrap()
}

async fn offset_of(server: &TestServer, token: &str, location: &str) -> (StatusCode, u64) {
    let response = server
        .client
        .head(format!("{}{location}", server.base))
        .bearer_auth(token)
        .header("Tus-Resumable", "1.0.0")
        .send()
        .await
        .unwrap();
    let offset = response
        .headers()
        .get("upload-offset")
        .map_or(0, |value| value.to_str().unwrap().parse().unwrap());
    (response.status(), offset)
}

fn id_of(location: &str) -> Uuid {
    location.rsplit('/').next().unwrap().parse().unwrap()
}

async fn stored_bytes(server: &TestServer, location: &str) -> Vec<u8> {
    let state = &server.running.as_ref().unwrap().state;
    let mut reader = state.blobs.read(id_of(location)).await.unwrap();
    let mut bytes = Vec::new();
    reader.read_to_end(&mut bytes).await.unwrap();
    bytes
}

#[tokio::test]
async fn options_advertises_extensions_and_limit() {
    let server = TestServer::start(LIMITS).await;
    let response = server
        .client
        .request(Method::OPTIONS, format!("{}/v1/uploads", server.base))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let headers = response.headers();
    assert_eq!(headers["tus-version"], "1.0.0");
    assert_eq!(
        headers["tus-extension"],
        "creation,creation-with-upload,checksum,termination,expiration"
    );
    assert_eq!(headers["tus-max-size"], "4096");
    assert_eq!(headers["tus-checksum-algorithm"], "sha256,sha1");
    server.stop().await;
}

#[tokio::test]
async fn chunks_with_checksums_complete_the_upload() {
    let server = TestServer::start(LIMITS).await;
    let token = server.token_for("acme.example", Role::Marketer).await;
    let data = sample(3000);
    let (status, location) = create(&server, &token, data.len()).await;
    assert_eq!(status, StatusCode::CREATED);
    assert!(location.starts_with("/v1/uploads/"), "{location}");

    let first = patch(
        &server,
        &token,
        &location,
        0,
        &data[..1000],
        Some(sha256_header(&data[..1000])),
    )
    .await;
    assert_eq!(first.status(), StatusCode::NO_CONTENT);
    assert_eq!(first.headers()["upload-offset"], "1000");
    assert!(first.headers().contains_key("upload-expires"));
    let second = patch(
        &server,
        &token,
        &location,
        1000,
        &data[1000..],
        Some(sha1_header(&data[1000..])),
    )
    .await;
    assert_eq!(second.status(), StatusCode::NO_CONTENT);
    assert_eq!(second.headers()["upload-offset"], "3000");
    assert_eq!(
        offset_of(&server, &token, &location).await,
        (StatusCode::OK, 3000)
    );
    assert_eq!(stored_bytes(&server, &location).await, data);
    assert_eq!(server.audit_entries("upload.created").await.len(), 1);
    assert_eq!(server.audit_entries("upload.completed").await.len(), 1);

    // A complete upload takes no more bytes.
    let late = patch(&server, &token, &location, 3000, b"x", None).await;
    assert_eq!(late.status(), StatusCode::CONFLICT);
    server.stop().await;
}

/// A case name, the offset and body sent, the checksum header and the expected status.
type BadPatch<'a> = (&'a str, usize, &'a [u8], Option<String>, StatusCode);

#[tokio::test]
async fn bad_requests_get_their_status_and_change_nothing() {
    let server = TestServer::start(LIMITS).await;
    let token = server.token_for("acme.example", Role::Marketer).await;
    let data = sample(100);
    let (_, location) = create(&server, &token, data.len()).await;
    assert_eq!(
        patch(&server, &token, &location, 0, &data[..10], None)
            .await
            .status(),
        StatusCode::NO_CONTENT
    );

    let too_long = sample(200);
    let cases: Vec<BadPatch<'_>> = vec![
        ("offset behind", 5, &data[5..20], None, StatusCode::CONFLICT),
        (
            "offset ahead",
            20,
            &data[20..30],
            None,
            StatusCode::CONFLICT,
        ),
        (
            "checksum mismatch",
            10,
            &data[10..20],
            Some(sha256_header(b"other")),
            StatusCode::from_u16(460).unwrap(),
        ),
        (
            "unknown algorithm",
            10,
            &data[10..20],
            Some("md5 AAAA".to_owned()),
            StatusCode::BAD_REQUEST,
        ),
        (
            "malformed checksum",
            10,
            &data[10..20],
            Some("sha256".to_owned()),
            StatusCode::BAD_REQUEST,
        ),
        (
            "past the length",
            10,
            &too_long,
            None,
            StatusCode::PAYLOAD_TOO_LARGE,
        ),
    ];
    for (name, offset, body, checksum, expected) in cases {
        let response = patch(&server, &token, &location, offset, body, checksum).await;
        assert_eq!(response.status(), expected, "{name}");
        assert_eq!(
            offset_of(&server, &token, &location).await.1,
            10,
            "{name} changed the offset"
        );
    }

    let no_version = server
        .client
        .head(format!("{}{location}", server.base))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(no_version.status(), StatusCode::PRECONDITION_FAILED);
    let wrong_type = server
        .client
        .patch(format!("{}{location}", server.base))
        .bearer_auth(&token)
        .header("Tus-Resumable", "1.0.0")
        .header("Upload-Offset", "10")
        .header("Content-Type", "application/json")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(wrong_type.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);

    let (status, _) = create(&server, &token, 4097).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    let unknown_key = server
        .client
        .post(format!("{}/v1/uploads", server.base))
        .bearer_auth(&token)
        .header("Tus-Resumable", "1.0.0")
        .header("Upload-Length", "10")
        .header(
            "Upload-Metadata",
            format!("colour {}", STANDARD.encode("red")),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(unknown_key.status(), StatusCode::BAD_REQUEST);

    // The rest still completes byte for byte.
    assert_eq!(
        patch(&server, &token, &location, 10, &data[10..], None)
            .await
            .status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(stored_bytes(&server, &location).await, data);
    server.stop().await;
}

#[tokio::test]
async fn creation_with_upload_and_access_rules() {
    let server = TestServer::start(LIMITS).await;
    let marketer = server.token_for("acme.example", Role::Marketer).await;
    let data = sample(50);
    let response = server
        .client
        .post(format!("{}/v1/uploads", server.base))
        .bearer_auth(&marketer)
        .header("Tus-Resumable", "1.0.0")
        .header("Upload-Length", "50")
        .header("Content-Type", "application/offset+octet-stream")
        .header("Upload-Checksum", sha256_header(&data[..20]))
        .body(data[..20].to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    assert_eq!(response.headers()["upload-offset"], "20");
    let location = response.headers()["location"].to_str().unwrap().to_owned();

    let admin = server.token_for("acme.example", Role::Admin).await;
    let support = server.token_for("acme.example", Role::Support).await;
    let stranger = server.token_for("globex.example", Role::Marketer).await;
    assert_eq!(
        offset_of(&server, &admin, &location).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        offset_of(&server, &stranger, &location).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        offset_of(&server, &support, &location).await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(create(&server, &support, 10).await.0, StatusCode::FORBIDDEN);
    let anonymous = server
        .client
        .head(format!("{}{location}", server.base))
        .header("Tus-Resumable", "1.0.0")
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    server.stop().await;
}

#[tokio::test]
async fn termination_and_expiry_remove_the_bytes() {
    let server = TestServer::start("[uploads]\nexpire_seconds = 1\n").await;
    let token = server.token_for("acme.example", Role::Marketer).await;
    let state = server.running.as_ref().unwrap().state.clone();

    let (_, terminated) = create(&server, &token, 100).await;
    patch(&server, &token, &terminated, 0, &sample(40), None).await;
    let response = server
        .client
        .delete(format!("{}{terminated}", server.base))
        .bearer_auth(&token)
        .header("Tus-Resumable", "1.0.0")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        offset_of(&server, &token, &terminated).await.0,
        StatusCode::GONE
    );
    let blob_dir = server.dir.path().join("uploads");
    assert!(
        !blob_dir
            .join(format!("{}.part", id_of(&terminated)))
            .exists()
    );

    let (_, expiring) = create(&server, &token, 100).await;
    patch(&server, &token, &expiring, 0, &sample(10), None).await;
    let part = blob_dir.join(format!("{}.part", id_of(&expiring)));
    assert!(part.exists());
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let removed = sealpost_server::uploads::sweep_expired(&state)
        .await
        .unwrap();
    assert_eq!(removed, 1);
    assert!(!part.exists());
    assert_eq!(
        offset_of(&server, &token, &expiring).await.0,
        StatusCode::GONE
    );
    assert_eq!(server.audit_entries("upload.deleted").await.len(), 2);
    server.stop().await;
}

/// Sends a PATCH over a raw TLS connection that announces `announced` bytes, sends only
/// `sent` of them and then closes, as a client whose network drops would.
async fn interrupted_patch(
    server: &TestServer,
    token: &str,
    location: &str,
    offset: usize,
    body: &[u8],
    announced: usize,
) {
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
         Tus-Resumable: 1.0.0\r\nUpload-Offset: {offset}\r\n\
         Content-Type: application/offset+octet-stream\r\nContent-Length: {announced}\r\n\r\n"
    );
    tls.write_all(head.as_bytes()).await.unwrap();
    tls.write_all(body).await.unwrap();
    tls.flush().await.unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    drop(tls);
}

#[tokio::test]
async fn dropped_patch_resumes_without_loss_or_duplication() {
    let server = TestServer::start(LIMITS).await;
    let token = server.token_for("acme.example", Role::Marketer).await;
    let data = sample(4000);
    let (_, location) = create(&server, &token, data.len()).await;

    interrupted_patch(&server, &token, &location, 0, &data[..1500], 4000).await;
    let mut stored = 0;
    for _ in 0..50 {
        stored = offset_of(&server, &token, &location).await.1;
        if stored > 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(stored > 0 && stored <= 1500, "{stored} bytes kept");
    let stored = usize::try_from(stored).unwrap();
    // The first request may still be finishing (its bytes are recorded before it lets
    // go of the upload), and then the next one answers 409: retry as a client would.
    let mut resumed = stored;
    for _ in 0..10 {
        interrupted_patch(
            &server,
            &token,
            &location,
            stored,
            &data[stored..3000],
            4000 - stored,
        )
        .await;
        for _ in 0..20 {
            resumed = usize::try_from(offset_of(&server, &token, &location).await.1).unwrap();
            if resumed > stored {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        if resumed > stored {
            break;
        }
    }
    assert!(resumed > stored, "second interruption kept nothing");
    let mut status = StatusCode::CONFLICT;
    for _ in 0..20 {
        let checksum = Some(sha256_header(&data[resumed..]));
        status = patch(
            &server,
            &token,
            &location,
            resumed,
            &data[resumed..],
            checksum,
        )
        .await
        .status();
        if status != StatusCode::CONFLICT {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(stored_bytes(&server, &location).await, data);
    server.stop().await;
}
