//! Certificate rejections name their cause, against a TLS server on 127.0.0.1 that
//! presents certificates made for each case by a test CA.

use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;

use rcgen::{BasicConstraints, Certificate, CertificateParams, IsCa, KeyPair, SanType};
use reqwest::Method;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use sealpost_client::error::TlsCause;
use sealpost_client::{ClientError, Connection, Credential, ServerConfig};

struct TestCa {
    certificate: Certificate,
    key: KeyPair,
}

impl TestCa {
    fn new(name: &str) -> TestCa {
        let mut params = CertificateParams::new(Vec::<String>::new()).expect("CA params");
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, name);
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        let key = KeyPair::generate().expect("CA key");
        let certificate = params.self_signed(&key).expect("CA certificate");
        TestCa { certificate, key }
    }

    /// Issues a leaf certificate for `names`, valid until `not_after`.
    fn leaf(
        &self,
        names: Vec<SanType>,
        not_after: time::OffsetDateTime,
    ) -> (Vec<CertificateDer<'static>>, PrivateKeyDer<'static>) {
        let mut params = CertificateParams::new(Vec::<String>::new()).expect("leaf params");
        params.subject_alt_names = names;
        params.not_before = rcgen::date_time_ymd(2020, 1, 1);
        params.not_after = not_after;
        let key = KeyPair::generate().expect("leaf key");
        let leaf = params
            .signed_by(&key, &self.certificate, &self.key)
            .expect("leaf certificate");
        let chain = vec![leaf.der().clone(), self.certificate.der().clone()];
        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));
        (chain, key)
    }
}

fn acceptor(
    chain: Vec<CertificateDer<'static>>,
    key: PrivateKeyDer<'static>,
) -> tokio_rustls::TlsAcceptor {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("protocol versions")
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .expect("server certificate");
    tokio_rustls::TlsAcceptor::from(Arc::new(config))
}

/// Serves TLS handshakes on 127.0.0.1 with `chain` and returns the port.
async fn serve(chain: Vec<CertificateDer<'static>>, key: PrivateKeyDer<'static>) -> u16 {
    let acceptor = acceptor(chain, key);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("listen");
    let port = listener.local_addr().expect("address").port();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                // The handshake fails on the client's side; nothing more is served.
                let _ = acceptor.accept(stream).await;
            });
        }
    });
    port
}

async fn connect_error(ca: &TestCa, port: u16) -> ClientError {
    let dir = tempfile::tempdir().expect("temporary directory");
    let ca_file = dir.path().join("ca.pem");
    std::fs::write(&ca_file, ca.certificate.pem()).expect("write CA file");
    let config = ServerConfig::new(format!("https://127.0.0.1:{port}")).with_ca_file(Some(ca_file));
    let connection = Connection::new(&config, Credential::None).expect("connection");
    connection
        .send_json::<serde_json::Value>(connection.request(Method::GET, "/v1/me"))
        .await
        .expect_err("the certificate is rejected")
}

fn loopback() -> Vec<SanType> {
    vec![SanType::IpAddress(IpAddr::V4(Ipv4Addr::LOCALHOST))]
}

#[tokio::test]
async fn expired_certificate_named() {
    let ca = TestCa::new("Sealpost test CA");
    let (chain, key) = ca.leaf(loopback(), rcgen::date_time_ymd(2021, 1, 1));
    let port = serve(chain, key).await;
    let error = connect_error(&ca, port).await;
    assert_eq!(error.code(), "tls.expired", "{error}");
    assert!(
        matches!(
            error,
            ClientError::Tls {
                cause: TlsCause::Expired,
                ..
            }
        ),
        "{error:?}"
    );
    assert!(error.to_string().contains("expired"), "{error}");
}

#[tokio::test]
async fn name_mismatch_named() {
    let ca = TestCa::new("Sealpost test CA");
    let names = vec![SanType::DnsName(
        "other.example".try_into().expect("DNS name"),
    )];
    let (chain, key) = ca.leaf(names, rcgen::date_time_ymd(2099, 1, 1));
    let port = serve(chain, key).await;
    let error = connect_error(&ca, port).await;
    assert_eq!(error.code(), "tls.name_mismatch", "{error}");
    assert!(error.to_string().contains("host name"), "{error}");
}

#[tokio::test]
async fn unknown_issuer_named() {
    let ca = TestCa::new("Sealpost test CA");
    let other_ca = TestCa::new("Another test CA");
    let (chain, key) = ca.leaf(loopback(), rcgen::date_time_ymd(2099, 1, 1));
    let port = serve(chain, key).await;
    let error = connect_error(&other_ca, port).await;
    assert_eq!(error.code(), "tls.unknown_issuer", "{error}");
}

/// Completes TLS handshakes on 127.0.0.1 and then never responds; returns the port.
async fn serve_silently(chain: Vec<CertificateDer<'static>>, key: PrivateKeyDer<'static>) -> u16 {
    let acceptor = acceptor(chain, key);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("listen");
    let port = listener.local_addr().expect("address").port();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                if let Ok(stream) = acceptor.accept(stream).await {
                    tokio::time::sleep(std::time::Duration::from_secs(30)).await;
                    drop(stream);
                }
            });
        }
    });
    port
}

#[tokio::test]
async fn silent_server_times_out() {
    let ca = TestCa::new("Sealpost test CA");
    let (chain, key) = ca.leaf(loopback(), rcgen::date_time_ymd(2099, 1, 1));
    let port = serve_silently(chain, key).await;
    let dir = tempfile::tempdir().expect("temporary directory");
    let ca_file = dir.path().join("ca.pem");
    std::fs::write(&ca_file, ca.certificate.pem()).expect("write CA file");
    let mut config =
        ServerConfig::new(format!("https://127.0.0.1:{port}")).with_ca_file(Some(ca_file));
    config.read_timeout = std::time::Duration::from_secs(1);
    let connection = Connection::new(&config, Credential::None).expect("connection");
    let error = connection
        .send_json::<serde_json::Value>(connection.request(Method::GET, "/v1/me"))
        .await
        .expect_err("no response arrives");
    assert_eq!(error.code(), "net.timeout", "{error}");
    assert!(error.to_string().contains("timed out"), "{error}");
}
