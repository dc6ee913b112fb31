//! One configured HTTPS connection to a Sealpost service.
//!
//! Certificates are always verified: by the operating system's verifier, plus the
//! optional CA bundle of [`ServerConfig::ca_file`] for a private CA. There is no switch to
//! turn verification off. Proxies come from `HTTPS_PROXY` and `NO_PROXY`, as reqwest
//! reads them by default.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HeaderValue, RETRY_AFTER};
use reqwest::{Method, RequestBuilder, Response, Url};
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;
use sealpost_api::{PROBLEM_CONTENT_TYPE, Problem};
use serde::de::DeserializeOwned;

use crate::credential::Credential;
use crate::error::{ClientError, TlsCause};

/// How long to wait for a TCP and TLS connection to be set up.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(15);
/// How long a response may stay silent before the request fails.
pub const DEFAULT_READ_TIMEOUT: Duration = Duration::from_secs(60);

/// Connection settings: the service URL and the certificates to trust.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerConfig {
    /// The service's base URL, `https://` only.
    pub url: String,
    /// An extra PEM bundle of CA certificates trusted besides the system's.
    pub ca_file: Option<PathBuf>,
    /// See [`DEFAULT_CONNECT_TIMEOUT`].
    pub connect_timeout: Duration,
    /// See [`DEFAULT_READ_TIMEOUT`].
    pub read_timeout: Duration,
}

impl ServerConfig {
    /// Creates a configuration with the default timeouts and no extra CA.
    pub fn new(url: impl Into<String>) -> Self {
        ServerConfig {
            url: url.into(),
            ca_file: None,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            read_timeout: DEFAULT_READ_TIMEOUT,
        }
    }

    /// Sets the extra CA bundle.
    pub fn with_ca_file(mut self, ca_file: Option<PathBuf>) -> Self {
        self.ca_file = ca_file;
        self
    }
}

/// A reqwest client configured for one service, with its credential.
#[derive(Debug, Clone)]
pub struct Connection {
    http: reqwest::Client,
    base_url: Url,
    credential: Credential,
}

impl Connection {
    /// Checks the URL, loads the CA bundle and builds the HTTP client. No request is sent.
    pub fn new(config: &ServerConfig, credential: Credential) -> Result<Self, ClientError> {
        let base_url = parse_base_url(&config.url)?;
        let tls = tls_config(config.ca_file.as_deref())?;
        let http = reqwest::Client::builder()
            .use_preconfigured_tls(tls)
            .https_only(true)
            .connect_timeout(config.connect_timeout)
            .read_timeout(config.read_timeout)
            .user_agent(concat!("sealpost-client/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|error| ClientError::TlsSetup {
                reason: error.to_string(),
            })?;
        Ok(Connection {
            http,
            base_url,
            credential,
        })
    }

    /// Returns the same connection with another credential.
    pub fn with_credential(&self, credential: Credential) -> Connection {
        Connection {
            http: self.http.clone(),
            base_url: self.base_url.clone(),
            credential,
        }
    }

    /// Returns the service's base URL, without a trailing slash in its path.
    pub fn base_url(&self) -> &Url {
        &self.base_url
    }

    /// Returns the host name shown in error messages.
    pub fn host(&self) -> String {
        host_of(&self.base_url)
    }

    /// Returns the reqwest client, for requests that need more than [`Connection::request`].
    pub fn http(&self) -> &reqwest::Client {
        &self.http
    }

    /// Returns the credential that requests are sent with.
    pub fn credential(&self) -> &Credential {
        &self.credential
    }

    /// Returns the absolute URL of `path`, which starts with `/`, such as `/v1/me`.
    pub fn url(&self, path: &str) -> String {
        let base = self.base_url.as_str().trim_end_matches('/');
        format!("{base}{path}")
    }

    /// Builds a request to `path` with the `Authorization` header set from the credential.
    pub fn request(&self, method: Method, path: &str) -> RequestBuilder {
        let builder = self.http.request(method, self.url(path));
        match self.credential.token() {
            Some(token) => match HeaderValue::from_str(&format!("Bearer {}", token.expose())) {
                Ok(mut value) => {
                    value.set_sensitive(true);
                    builder.header(AUTHORIZATION, value)
                }
                // A token with control characters cannot be sent; the service returns
                // 401, which maps to the right advice.
                Err(_) => builder,
            },
            None => builder,
        }
    }

    /// Sends a request and returns a successful response; error statuses become the
    /// matching [`ClientError`].
    pub async fn send(&self, builder: RequestBuilder) -> Result<Response, ClientError> {
        let response = builder
            .send()
            .await
            .map_err(|error| transport_error(&error, &self.host()))?;
        let request_id = response
            .headers()
            .get("x-request-id")
            .and_then(|value| value.to_str().ok())
            .unwrap_or("-")
            .to_owned();
        tracing::debug!(
            status = response.status().as_u16(),
            request_id = %request_id,
            url = %response.url().path(),
            "response received"
        );
        if response.status().is_success() {
            return Ok(response);
        }
        Err(self.error_from_response(response).await)
    }

    /// Sends a request and decodes its JSON body.
    pub async fn send_json<T: DeserializeOwned>(
        &self,
        builder: RequestBuilder,
    ) -> Result<T, ClientError> {
        let response = self.send(builder).await?;
        let bytes = response
            .bytes()
            .await
            .map_err(|error| transport_error(&error, &self.host()))?;
        serde_json::from_slice(&bytes).map_err(|error| ClientError::UnexpectedResponse {
            reason: error.to_string(),
        })
    }

    /// Sends a request whose successful response has no body worth reading.
    pub async fn send_empty(&self, builder: RequestBuilder) -> Result<(), ClientError> {
        self.send(builder).await.map(drop)
    }

    /// Turns an error response into a [`ClientError`], reading its problem document.
    pub async fn error_from_response(&self, response: Response) -> ClientError {
        let status = response.status().as_u16();
        let retry_after = response
            .headers()
            .get(RETRY_AFTER)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        let is_problem = response
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .is_some_and(|value| value.starts_with(PROBLEM_CONTENT_TYPE));
        let problem = if is_problem {
            match response.bytes().await {
                Ok(bytes) => serde_json::from_slice::<Problem>(&bytes).ok(),
                Err(_) => None,
            }
        } else {
            None
        };
        if let Some(problem) = &problem {
            tracing::debug!(
                status,
                problem_type = %problem.problem_type,
                request_id = %problem.request_id,
                "service returned a problem"
            );
        }
        ClientError::from_response(status, problem, retry_after, self.credential.used())
    }
}

/// Parses and checks a server URL: `https://` with a host, no user name, query or
/// fragment.
pub fn parse_base_url(url: &str) -> Result<Url, ClientError> {
    let trimmed = url.trim();
    let parsed = Url::parse(trimmed).map_err(|error| ClientError::InvalidUrl {
        url: trimmed.to_owned(),
        reason: error.to_string(),
    })?;
    if parsed.scheme() != "https" {
        return Err(ClientError::InsecureUrl {
            url: trimmed.to_owned(),
        });
    }
    let invalid = |reason: &str| ClientError::InvalidUrl {
        url: trimmed.to_owned(),
        reason: reason.to_owned(),
    };
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(invalid("it has no host name"));
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(invalid("it must not contain a user name or password"));
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(invalid("it must not contain a query or fragment"));
    }
    Ok(parsed)
}

fn host_of(url: &Url) -> String {
    match (url.host_str(), url.port()) {
        (Some(host), Some(port)) => format!("{host}:{port}"),
        (Some(host), None) => host.to_owned(),
        _ => url.as_str().to_owned(),
    }
}

fn tls_config(ca_file: Option<&Path>) -> Result<rustls::ClientConfig, ClientError> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let extra_roots = match ca_file {
        Some(path) => read_ca_file(path)?,
        None => Vec::new(),
    };
    let verifier =
        rustls_platform_verifier::Verifier::new_with_extra_roots(extra_roots, provider.clone())
            .map_err(|error| match ca_file {
                Some(path) => ClientError::CaFile {
                    path: path.to_owned(),
                    reason: error.to_string(),
                },
                None => ClientError::TlsSetup {
                    reason: error.to_string(),
                },
            })?;
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|error| ClientError::TlsSetup {
            reason: error.to_string(),
        })?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth();
    // reqwest is built without HTTP/2 here, so offer only HTTP/1.1.
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(config)
}

fn read_ca_file(path: &Path) -> Result<Vec<CertificateDer<'static>>, ClientError> {
    let ca_error = |reason: String| ClientError::CaFile {
        path: path.to_owned(),
        reason,
    };
    let bytes = std::fs::read(path).map_err(|error| ca_error(error.to_string()))?;
    let certificates = CertificateDer::pem_slice_iter(&bytes)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|error| ca_error(format!("not a PEM certificate file ({error})")))?;
    if certificates.is_empty() {
        return Err(ca_error("it contains no PEM certificate".to_owned()));
    }
    Ok(certificates)
}

/// Maps a reqwest error without a response to a [`ClientError`], naming the certificate
/// problem when rustls rejected the server's certificate.
pub fn transport_error(error: &reqwest::Error, host: &str) -> ClientError {
    if let Some(cause) = tls_cause(error) {
        return ClientError::Tls {
            host: host.to_owned(),
            cause,
        };
    }
    if error.is_timeout() {
        return ClientError::Timeout {
            host: host.to_owned(),
        };
    }
    let reason = innermost_message(error);
    if error.is_connect() {
        return ClientError::Unreachable {
            host: host.to_owned(),
            reason,
        };
    }
    if error.is_decode() {
        return ClientError::UnexpectedResponse { reason };
    }
    ClientError::Network {
        host: host.to_owned(),
        reason,
    }
}

/// Walks the source chain down to a `rustls::Error`. `std::io::Error::source` skips the
/// error it wraps, so each `io::Error` is opened with `get_ref` as well.
fn tls_cause(error: &(dyn std::error::Error + 'static)) -> Option<TlsCause> {
    let mut current: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(error) = current {
        if let Some(tls) = error.downcast_ref::<rustls::Error>() {
            return Some(classify_tls(tls));
        }
        if let Some(io) = error.downcast_ref::<std::io::Error>()
            && let Some(inner) = io.get_ref()
        {
            let inner: &(dyn std::error::Error + 'static) = inner;
            if let Some(cause) = tls_cause(inner) {
                return Some(cause);
            }
        }
        current = error.source();
    }
    None
}

fn classify_tls(error: &rustls::Error) -> TlsCause {
    use rustls::CertificateError as C;
    match error {
        rustls::Error::InvalidCertificate(certificate) => match certificate {
            C::UnknownIssuer => TlsCause::UnknownIssuer,
            C::Expired | C::ExpiredContext { .. } => TlsCause::Expired,
            C::NotValidYet | C::NotValidYetContext { .. } => TlsCause::NotYetValid,
            C::NotValidForName | C::NotValidForNameContext { .. } => TlsCause::NameMismatch,
            C::Revoked => TlsCause::Revoked,
            _ => TlsCause::BadCertificate,
        },
        _ => TlsCause::Handshake,
    }
}

fn innermost_message(error: &(dyn std::error::Error + 'static)) -> String {
    let mut last = error.to_string();
    let mut current = error.source();
    while let Some(error) = current {
        last = error.to_string();
        current = error.source();
    }
    last
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_url_is_refused() {
        let error = parse_base_url("http://127.0.0.1:8443").unwrap_err();
        assert_eq!(error.code(), "config.insecure_url");
        assert!(error.to_string().contains("https://"), "{error}");
    }

    #[test]
    fn malformed_urls_are_invalid() {
        for url in [
            "not a url",
            "https://user:pw@host.example",
            "https://host.example/?a=b",
        ] {
            let error = parse_base_url(url).unwrap_err();
            assert_eq!(error.code(), "config.invalid_url", "{url}");
        }
    }

    #[test]
    fn url_joins_base_path() {
        let config = ServerConfig::new("https://127.0.0.1:8443/prefix/");
        let connection = Connection::new(&config, Credential::None).unwrap();
        assert_eq!(
            connection.url("/v1/me"),
            "https://127.0.0.1:8443/prefix/v1/me"
        );
        assert_eq!(connection.host(), "127.0.0.1:8443");
    }

    #[test]
    fn missing_ca_file_is_reported() {
        let config = ServerConfig::new("https://127.0.0.1:8443")
            .with_ca_file(Some(PathBuf::from("/nonexistent/ca.pem")));
        let error = Connection::new(&config, Credential::None).unwrap_err();
        assert_eq!(error.code(), "config.ca_file");
    }

    #[test]
    fn ca_file_without_certificates_is_reported() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("empty.pem");
        std::fs::write(&path, "just text\n").unwrap();
        let config = ServerConfig::new("https://127.0.0.1:8443").with_ca_file(Some(path));
        let error = Connection::new(&config, Credential::None).unwrap_err();
        assert_eq!(error.code(), "config.ca_file");
        assert!(error.to_string().contains("no PEM certificate"), "{error}");
    }

    #[test]
    fn tls_cause_found_inside_io_error() {
        let tls = rustls::Error::InvalidCertificate(rustls::CertificateError::UnknownIssuer);
        let io = std::io::Error::other(tls);
        let outer = std::io::Error::other(io);
        assert_eq!(tls_cause(&outer), Some(TlsCause::UnknownIssuer));
    }

    #[test]
    fn certificate_errors_classified() {
        use rustls::CertificateError as C;
        let cases = [
            (C::Expired, TlsCause::Expired),
            (C::NotValidForName, TlsCause::NameMismatch),
            (C::NotValidYet, TlsCause::NotYetValid),
            (C::BadEncoding, TlsCause::BadCertificate),
        ];
        for (certificate, cause) in cases {
            let error = rustls::Error::InvalidCertificate(certificate);
            assert_eq!(classify_tls(&error), cause);
        }
        assert_eq!(
            classify_tls(&rustls::Error::HandshakeNotComplete),
            TlsCause::Handshake
        );
    }
}
