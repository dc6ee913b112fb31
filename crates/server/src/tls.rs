//! TLS: the rustls server configuration and, for the demo, a private certificate
//! authority made with `rcgen`.

use std::path::Path;
use std::sync::Arc;

use rustls::crypto::{CryptoProvider, ring};
use rustls::{ServerConfig, SupportedCipherSuite};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};

/// A TLS set-up failure.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TlsError {
    /// The certificate file is unreadable or contains no PEM certificate.
    #[error("cannot read a PEM certificate chain from {path}: {message}")]
    Certificate {
        /// The file.
        path: String,
        /// The parser's description of the problem.
        message: String,
    },
    /// The key file is unreadable or contains no PEM private key.
    #[error("cannot read a PEM private key from {path}: {message}")]
    Key {
        /// The file.
        path: String,
        /// The parser's description of the problem.
        message: String,
    },
    /// rustls refused the configuration, for example a key that does not match.
    #[error("invalid TLS configuration")]
    Config(#[source] rustls::Error),
    /// Writing demo certificate files failed.
    #[error("cannot write {path}")]
    Write {
        /// The file.
        path: String,
        /// The I/O failure.
        #[source]
        source: std::io::Error,
    },
    /// Generating a demo certificate failed.
    #[error("cannot generate a certificate")]
    Generate(#[source] rcgen::Error),
}

/// Lists the cipher suites offered: TLS 1.3's AEAD suites and TLS 1.2's ECDHE suites with
/// AES-GCM or ChaCha20-Poly1305. Listed explicitly so that a future rustls default
/// cannot widen the set.
pub fn cipher_suites() -> Vec<SupportedCipherSuite> {
    use ring::cipher_suite::*;
    vec![
        TLS13_AES_256_GCM_SHA384,
        TLS13_AES_128_GCM_SHA256,
        TLS13_CHACHA20_POLY1305_SHA256,
        TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
        TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
        TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
        TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
    ]
}

/// Builds the rustls provider: `ring`, with the suites above and ECDHE groups only.
pub fn provider() -> CryptoProvider {
    CryptoProvider {
        cipher_suites: cipher_suites(),
        kx_groups: vec![
            ring::kx_group::X25519,
            ring::kx_group::SECP256R1,
            ring::kx_group::SECP384R1,
        ],
        ..ring::default_provider()
    }
}

/// Builds the server configuration from PEM files: TLS 1.2 and 1.3 only, HTTP/2 and
/// HTTP/1.1 by ALPN.
pub fn server_config(cert_path: &Path, key_path: &Path) -> Result<Arc<ServerConfig>, TlsError> {
    let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(cert_path)
        .and_then(|certs| certs.collect::<Result<_, _>>())
        .map_err(|error| TlsError::Certificate {
            path: cert_path.display().to_string(),
            message: error.to_string(),
        })?;
    if chain.is_empty() {
        return Err(TlsError::Certificate {
            path: cert_path.display().to_string(),
            message: "no CERTIFICATE block found".to_owned(),
        });
    }
    let key = PrivateKeyDer::from_pem_file(key_path).map_err(|error| TlsError::Key {
        path: key_path.display().to_string(),
        message: error.to_string(),
    })?;
    let mut config = ServerConfig::builder_with_provider(Arc::new(provider()))
        .with_protocol_versions(&[&rustls::version::TLS13, &rustls::version::TLS12])
        .map_err(TlsError::Config)?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(TlsError::Config)?;
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    // Choose suites in the order above, strongest first, rather than the client's order.
    config.ignore_client_order = true;
    Ok(Arc::new(config))
}

/// Paths of the demo certificate files under a directory.
#[derive(Debug, Clone)]
pub struct DemoPki {
    /// The CA certificate clients trust.
    pub ca_cert: std::path::PathBuf,
    /// The CA private key.
    pub ca_key: std::path::PathBuf,
    /// The server certificate chain.
    pub server_cert: std::path::PathBuf,
    /// The server private key.
    pub server_key: std::path::PathBuf,
}

impl DemoPki {
    /// Returns the file layout under `dir`.
    pub fn in_dir(dir: &Path) -> Self {
        Self {
            ca_cert: dir.join("ca.pem"),
            ca_key: dir.join("ca-key.pem"),
            server_cert: dir.join("server.pem"),
            server_key: dir.join("server-key.pem"),
        }
    }

    /// Checks whether every file exists.
    pub fn exists(&self) -> bool {
        [
            &self.ca_cert,
            &self.ca_key,
            &self.server_cert,
            &self.server_key,
        ]
        .iter()
        .all(|path| path.is_file())
    }

    /// Creates a CA and a certificate for `localhost`, 127.0.0.1 and ::1 signed by it,
    /// with ECDSA P-256 keys. Private keys are written with mode 0600.
    pub fn generate(&self) -> Result<(), TlsError> {
        let (ca_pem, ca_key_pem, server_pem, server_key_pem) =
            generate_pems().map_err(TlsError::Generate)?;
        write_file(&self.ca_cert, &ca_pem, 0o644)?;
        write_file(&self.ca_key, &ca_key_pem, 0o600)?;
        write_file(&self.server_cert, &server_pem, 0o644)?;
        write_file(&self.server_key, &server_key_pem, 0o600)?;
        Ok(())
    }
}

fn generate_pems() -> Result<(String, String, String, String), rcgen::Error> {
    use rcgen::{
        BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, KeyPair,
        KeyUsagePurpose,
    };

    let now = time::OffsetDateTime::now_utc();
    let mut ca_params = CertificateParams::new(Vec::<String>::new())?;
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "Sealpost demo CA");
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    ca_params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    ca_params.not_before = now - time::Duration::days(1);
    ca_params.not_after = now + time::Duration::days(825);
    let ca_key = KeyPair::generate()?;
    let ca = ca_params.self_signed(&ca_key)?;

    let mut params = CertificateParams::new(vec![
        "localhost".to_owned(),
        "127.0.0.1".to_owned(),
        "::1".to_owned(),
    ])?;
    params
        .distinguished_name
        .push(DnType::CommonName, "localhost");
    params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    params.not_before = now - time::Duration::days(1);
    // 397 days: the longest validity browsers accept for a server certificate.
    params.not_after = now + time::Duration::days(397);
    let key = KeyPair::generate()?;
    let cert = params.signed_by(&key, &ca, &ca_key)?;
    Ok((
        ca.pem(),
        ca_key.serialize_pem(),
        cert.pem(),
        key.serialize_pem(),
    ))
}

fn write_file(path: &Path, contents: &str, mode: u32) -> Result<(), TlsError> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;

    let error = |source| TlsError::Write {
        path: path.display().to_string(),
        source,
    };
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(error)?;
    }
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(mode)
        .open(path)
        .map_err(error)?;
    file.write_all(contents.as_bytes()).map_err(error)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_demo_pki_loads() {
        let dir = tempfile::tempdir().unwrap();
        let pki = DemoPki::in_dir(dir.path());
        assert!(!pki.exists());
        pki.generate().unwrap();
        assert!(pki.exists());
        server_config(&pki.server_cert, &pki.server_key).unwrap();
        let mode = std::fs::metadata(&pki.server_key).unwrap().permissions();
        assert_eq!(
            std::os::unix::fs::PermissionsExt::mode(&mode) & 0o777,
            0o600
        );
    }

    #[test]
    fn missing_key_names_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let pki = DemoPki::in_dir(dir.path());
        pki.generate().unwrap();
        let missing = dir.path().join("nope.pem");
        let error = server_config(&pki.server_cert, &missing)
            .unwrap_err()
            .to_string();
        assert!(error.contains("nope.pem"), "{error}");
    }

    #[test]
    fn only_aead_suites() {
        for suite in cipher_suites() {
            let name = format!("{:?}", suite.suite());
            assert!(
                name.contains("GCM") || name.contains("CHACHA20_POLY1305"),
                "{name}"
            );
            assert!(
                name.starts_with("TLS13_") || name.starts_with("TLS_ECDHE_"),
                "{name}"
            );
        }
    }
}
