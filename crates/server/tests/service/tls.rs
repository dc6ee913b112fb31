//! Transport: protocol versions, cipher suites, plain HTTP and headers.

use std::time::Duration;

use reqwest::Method;
use sealpost_api::Role;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::harness::{TestServer, client_for};

#[tokio::test]
async fn tls12_and_tls13_both_work() {
    let server = TestServer::start("").await;
    for version in [
        reqwest::tls::Version::TLS_1_2,
        reqwest::tls::Version::TLS_1_3,
    ] {
        let client = client_for(&server.pki.ca_cert, Some(version));
        let response = client
            .get(format!("{}/healthz", server.base))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{version:?}");
    }
    server.stop().await;
}

/// A ClientHello record offering `version` and `suites`, with the extensions an ECDHE
/// handshake needs (SNI, groups, point formats, signature algorithms).
fn client_hello(record_version: u16, hello_version: u16, suites: &[u16]) -> Vec<u8> {
    let mut body = Vec::new();
    body.extend_from_slice(&hello_version.to_be_bytes());
    body.extend_from_slice(&[7_u8; 32]); // random
    body.push(0); // empty session id
    body.extend_from_slice(&u16::try_from(suites.len() * 2).unwrap().to_be_bytes());
    for suite in suites {
        body.extend_from_slice(&suite.to_be_bytes());
    }
    body.extend_from_slice(&[1, 0]); // compression: null only

    let mut extensions = Vec::new();
    let mut push = |kind: u16, data: &[u8]| {
        extensions.extend_from_slice(&kind.to_be_bytes());
        extensions.extend_from_slice(&u16::try_from(data.len()).unwrap().to_be_bytes());
        extensions.extend_from_slice(data);
    };
    let host = b"localhost";
    let mut sni = Vec::new();
    sni.extend_from_slice(&u16::try_from(host.len() + 3).unwrap().to_be_bytes());
    sni.push(0);
    sni.extend_from_slice(&u16::try_from(host.len()).unwrap().to_be_bytes());
    sni.extend_from_slice(host);
    push(0x0000, &sni);
    push(0x000a, &[0, 4, 0x00, 0x17, 0x00, 0x1d]); // groups: P-256, X25519
    push(0x000b, &[1, 0]); // point formats: uncompressed
    push(0x000d, &[0, 4, 0x04, 0x03, 0x08, 0x04]); // ECDSA-P256-SHA256, RSA-PSS-SHA256
    push(0xff01, &[0]); // renegotiation_info
    body.extend_from_slice(&u16::try_from(extensions.len()).unwrap().to_be_bytes());
    body.extend_from_slice(&extensions);

    let mut handshake = vec![1]; // ClientHello
    let length = u32::try_from(body.len()).unwrap().to_be_bytes();
    handshake.extend_from_slice(&length[1..]);
    handshake.extend_from_slice(&body);

    let mut record = vec![0x16];
    record.extend_from_slice(&record_version.to_be_bytes());
    record.extend_from_slice(&u16::try_from(handshake.len()).unwrap().to_be_bytes());
    record.extend_from_slice(&handshake);
    record
}

/// Sends a hand-made ClientHello and returns the first bytes the server answers.
async fn first_answer(server: &TestServer, hello: &[u8]) -> Vec<u8> {
    let address = server.running.as_ref().unwrap().local_addr;
    let mut stream = TcpStream::connect(address).await.unwrap();
    stream.write_all(hello).await.unwrap();
    let mut answer = vec![0_u8; 16];
    let read = tokio::time::timeout(Duration::from_secs(5), stream.read(&mut answer))
        .await
        .expect("server answers or closes within 5 s")
        .unwrap_or(0);
    answer.truncate(read);
    answer
}

const ECDHE_ECDSA_AES128_GCM: u16 = 0xc02b;
const ECDHE_ECDSA_AES128_CBC_SHA: u16 = 0xc009;
const ECDHE_ECDSA_AES128_CBC_SHA256: u16 = 0xc023;
const RSA_AES128_CBC_SHA: u16 = 0x002f;
const RSA_3DES_EDE_CBC_SHA: u16 = 0x000a;

fn is_server_hello(answer: &[u8]) -> bool {
    answer.len() >= 6 && answer[0] == 0x16 && answer[5] == 2
}

fn is_alert_or_close(answer: &[u8]) -> bool {
    answer.is_empty() || answer[0] == 0x15
}

#[tokio::test]
async fn aead_tls12_hello_gets_server_hello() {
    // The positive control for the refusals below: the same hand-made hello with an
    // AEAD suite succeeds, so a refusal is about the version or suite.
    let server = TestServer::start("").await;
    let answer = first_answer(
        &server,
        &client_hello(0x0301, 0x0303, &[ECDHE_ECDSA_AES128_GCM]),
    )
    .await;
    assert!(
        is_server_hello(&answer),
        "expected ServerHello, got {answer:02x?}"
    );
    server.stop().await;
}

#[tokio::test]
async fn old_versions_and_cbc_suites_refused() {
    let server = TestServer::start("").await;
    let cases = [
        (
            "TLS 1.0",
            0x0301,
            vec![ECDHE_ECDSA_AES128_GCM, ECDHE_ECDSA_AES128_CBC_SHA],
        ),
        (
            "TLS 1.1",
            0x0302,
            vec![ECDHE_ECDSA_AES128_GCM, ECDHE_ECDSA_AES128_CBC_SHA],
        ),
        (
            "TLS 1.2 CBC only",
            0x0303,
            vec![ECDHE_ECDSA_AES128_CBC_SHA, ECDHE_ECDSA_AES128_CBC_SHA256],
        ),
        (
            "TLS 1.2 RSA key exchange",
            0x0303,
            vec![RSA_AES128_CBC_SHA, RSA_3DES_EDE_CBC_SHA],
        ),
    ];
    for (name, version, suites) in cases {
        let answer = first_answer(&server, &client_hello(0x0301, version, &suites)).await;
        assert!(
            !is_server_hello(&answer),
            "{name}: the server accepted: {answer:02x?}"
        );
        assert!(
            is_alert_or_close(&answer),
            "{name}: expected an alert or close, got {answer:02x?}"
        );
    }
    server.stop().await;
}

#[tokio::test]
async fn plain_http_gets_bare_400() {
    let server = TestServer::start("").await;
    let token = server.token_for("acme.example", Role::Admin).await;
    let address = server.running.as_ref().unwrap().local_addr;
    let mut stream = TcpStream::connect(address).await.unwrap();
    let request =
        format!("GET /v1/me HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {token}\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut answer))
        .await
        .unwrap()
        .unwrap();
    let answer = String::from_utf8(answer).unwrap();
    assert_eq!(
        answer,
        "HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
    );
    server.stop().await;
}

#[tokio::test]
async fn security_headers_on_every_response() {
    let server = TestServer::start("").await;
    for path in ["/healthz", "/v1/me", "/no/such/route"] {
        let response = server.send(Method::GET, path, None, None).await;
        let headers = response.headers();
        let hsts = headers
            .get("strict-transport-security")
            .expect("HSTS")
            .to_str()
            .unwrap();
        let max_age: u64 = hsts
            .trim_start_matches("max-age=")
            .split(';')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        assert!(max_age >= 31_536_000, "{path}: {hsts}");
        assert_eq!(
            headers.get("x-content-type-options").unwrap(),
            "nosniff",
            "{path}"
        );
        assert_eq!(headers.get("cache-control").unwrap(), "no-store", "{path}");
        assert!(headers.get("x-request-id").is_some(), "{path}");
    }
    server.stop().await;
}

#[tokio::test]
async fn openapi_document_is_3_1() {
    let server = TestServer::start("").await;
    let (status, document) = server.call(Method::GET, "/openapi.json", None, None).await;
    assert_eq!(status, 200);
    assert!(
        document["openapi"].as_str().unwrap().starts_with("3.1"),
        "{}",
        document["openapi"]
    );
    for path in [
        "/v1/sessions",
        "/v1/sessions/current",
        "/v1/me",
        "/v1/tokens",
        "/v1/audit",
    ] {
        assert!(document["paths"].get(path).is_some(), "missing {path}");
    }
    for (path, method) in [
        ("/v1/uploads/{upload_id}", "get"),
        ("/v1/campaigns/{campaign_id}", "get"),
        ("/v1/campaigns/{campaign_id}", "patch"),
        ("/v1/uploads", "post"),
        ("/v1/uploads", "options"),
        ("/v1/uploads/{upload_id}", "head"),
        ("/v1/uploads/{upload_id}", "patch"),
        ("/v1/uploads/{upload_id}", "delete"),
    ] {
        assert!(
            document["paths"][path].get(method).is_some(),
            "missing {method} {path}"
        );
    }
    let patch_headers: Vec<&str> =
        document["paths"]["/v1/uploads/{upload_id}"]["patch"]["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .map(|parameter| parameter["name"].as_str().unwrap())
            .collect();
    for header in ["Tus-Resumable", "Upload-Offset", "Upload-Checksum"] {
        assert!(patch_headers.contains(&header), "PATCH lacks {header}");
    }
    assert!(document["components"]["securitySchemes"]["bearer"].is_object());
    server.stop().await;
}

#[tokio::test]
async fn connections_beyond_limit_closed() {
    let server = TestServer::start("[limits]\nmax_connections = 2\n").await;
    let address = server.running.as_ref().unwrap().local_addr;
    let mut idle = Vec::new();
    for _ in 0..2 {
        idle.push(TcpStream::connect(address).await.unwrap());
    }
    tokio::time::sleep(Duration::from_millis(300)).await;

    let mut third = TcpStream::connect(address).await.unwrap();
    let mut byte = [0_u8; 1];
    let read = tokio::time::timeout(Duration::from_secs(5), third.read(&mut byte))
        .await
        .expect("the third connection is closed at once, not held")
        .unwrap_or(0);
    assert_eq!(read, 0);

    // Once the idle connections end, the listener serves again.
    drop(idle);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let (status, _) = server.call(Method::GET, "/healthz", None, None).await;
    assert_eq!(status, 200);
    server.stop().await;
}
