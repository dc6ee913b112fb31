//! The one error type of the client library.
//!
//! Every variant has a stable [`ClientError::code`] that the CLI and the desktop app
//! branch on, and a `Display` text fit to show a person: what failed and what to do next.
//! Serialized, an error is `{"code": ..., "message": ...}`.

use std::path::PathBuf;
use std::time::Duration;

use sealpost_api::{Problem, ProblemType};
use serde::ser::SerializeStruct;

/// Reason a server certificate was rejected, read from rustls's error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TlsCause {
    /// No trusted certificate authority issued the certificate.
    UnknownIssuer,
    /// The certificate (or one in its chain) has expired.
    Expired,
    /// The certificate is not valid yet.
    NotYetValid,
    /// The certificate is for another host name.
    NameMismatch,
    /// The certificate was revoked by its issuer.
    Revoked,
    /// The certificate is malformed or fails another check.
    BadCertificate,
    /// The TLS handshake failed for a reason other than the certificate.
    Handshake,
}

impl TlsCause {
    fn code(self) -> &'static str {
        match self {
            TlsCause::UnknownIssuer => "tls.unknown_issuer",
            TlsCause::Expired => "tls.expired",
            TlsCause::NotYetValid => "tls.not_yet_valid",
            TlsCause::NameMismatch => "tls.name_mismatch",
            TlsCause::Revoked => "tls.revoked",
            TlsCause::BadCertificate => "tls.bad_certificate",
            TlsCause::Handshake => "tls.handshake",
        }
    }

    fn advice(self) -> &'static str {
        match self {
            TlsCause::UnknownIssuer => {
                "the server's certificate was issued by an unknown certificate authority; \
                 if your administrator gave you a CA file, pass it with --ca-file"
            }
            TlsCause::Expired => {
                "the server's certificate has expired; ask the service's administrator to renew it"
            }
            TlsCause::NotYetValid => {
                "the server's certificate is not valid yet; check this computer's clock"
            }
            TlsCause::NameMismatch => {
                "the server's certificate is for another host name; check the server URL"
            }
            TlsCause::Revoked => {
                "the server's certificate was revoked; ask the service's administrator"
            }
            TlsCause::BadCertificate => {
                "the server's certificate is invalid; ask the service's administrator"
            }
            TlsCause::Handshake => {
                "the secure connection could not be set up; check the server URL and port"
            }
        }
    }
}

/// An error of the client library.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ClientError {
    /// The server URL cannot be parsed.
    #[error("invalid server URL {url:?}: {reason}; use a URL such as https://sealpost.example.com")]
    InvalidUrl { url: String, reason: String },

    /// The server URL is not `https://`; credentials and lists never go over plain HTTP.
    #[error(
        "refused server URL {url:?}: only https:// URLs are allowed, because the password, \
         tokens and lists must not travel unencrypted; use the https:// address of the service"
    )]
    InsecureUrl { url: String },

    /// The extra CA file cannot be read or contains no certificate.
    #[error("cannot use the CA file {}: {reason}; pass a PEM file with the service's CA certificate", path.display())]
    CaFile { path: PathBuf, reason: String },

    /// The TLS set-up failed before any connection.
    #[error("cannot set up TLS: {reason}")]
    TlsSetup { reason: String },

    /// The server's certificate was rejected or the handshake failed.
    #[error("secure connection to {host} failed: {}", cause.advice())]
    Tls { host: String, cause: TlsCause },

    /// No connection could be made.
    #[error(
        "cannot reach {host}: {reason}; check the server URL, your network and any proxy settings"
    )]
    Unreachable { host: String, reason: String },

    /// The connection or a read timed out.
    #[error("the request to {host} timed out; check your network and try again")]
    Timeout { host: String },

    /// The connection broke during a request.
    #[error("the connection to {host} failed: {reason}; try again")]
    Network { host: String, reason: String },

    /// No session or token is stored for the server.
    #[error(
        "not signed in to {server}; run `sealpost login --server {server}` or set SEALPOST_TOKEN"
    )]
    NotSignedIn { server: String },

    /// The session ended (expired, idle too long or revoked).
    #[error("your session has expired; sign in again with `sealpost login`")]
    SessionExpired,

    /// The API token is invalid, expired or revoked.
    #[error(
        "the API token was not accepted (invalid, expired or revoked); create a new one with \
         `sealpost tokens create` and update SEALPOST_TOKEN"
    )]
    TokenRejected,

    /// The email or password (or second-factor code) is wrong.
    #[error(
        "sign-in failed: the email, password or second-factor code is wrong; check them and try again"
    )]
    SignInFailed,

    /// The service requires a second-factor code.
    #[error("a second-factor code is required: {detail}")]
    TotpRequired { detail: String },

    /// Sign-in is locked for the email after repeated failures.
    #[error("sign-in for this email is locked after repeated failures; try again in {} seconds", retry_after.map_or(60, |d| d.as_secs()))]
    SignInLocked { retry_after: Option<Duration> },

    /// The caller's role or token scope does not allow the operation.
    #[error("permission denied: {detail}; ask an admin of your account if you need this")]
    PermissionDenied { detail: String },

    /// The object does not exist in the caller's account.
    #[error("not found: {detail}; check the id")]
    NotFound { detail: String },

    /// The request conflicts with the current state.
    #[error("conflict: {detail}")]
    Conflict { detail: String },

    /// The service rejected the request as malformed.
    #[error("the service rejected the request: {detail}")]
    InvalidRequest { detail: String },

    /// Too many requests; wait before retrying.
    #[error("too many requests; wait {} seconds and try again", retry_after.map_or(60, |d| d.as_secs()))]
    RateLimited { retry_after: Option<Duration> },

    /// The upload expired or was terminated on the service.
    #[error("the upload is gone from the service (expired or cancelled); start it again")]
    Gone,

    /// A tus PATCH body did not match its checksum; the service discarded it.
    #[error(
        "the service received corrupted data and discarded it; the upload resumes from the last good offset"
    )]
    ChecksumMismatch,

    /// The request body is larger than the service accepts.
    #[error("too large for the service: {detail}")]
    PayloadTooLarge { detail: String },

    /// The service is not ready.
    #[error(
        "the service is unavailable right now (request id {request_id}); try again in a few minutes"
    )]
    Unavailable { request_id: String },

    /// The service failed or returned a status this client does not handle.
    #[error(
        "the service failed (HTTP {status}, request id {request_id}); try again, and quote the request id if you report it"
    )]
    ServerProblem { status: u16, request_id: String },

    /// A response body could not be decoded.
    #[error(
        "the service sent a response this client cannot read ({reason}); the client may be older than the service"
    )]
    UnexpectedResponse { reason: String },

    /// Bad input from the user or caller.
    #[error("{message}")]
    InvalidInput { message: String },

    /// A local file could not be read or written.
    #[error("cannot {action} {}: {source}", path.display())]
    Io {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// The OS keyring cannot be used.
    #[error(
        "the system keyring is not available ({reason}); keep the token for this process only or store it in a passphrase-protected file"
    )]
    KeyringUnavailable { reason: String },

    /// Reading or writing a secret in the keyring failed.
    #[error("the system keyring failed: {reason}")]
    Keyring { reason: String },

    /// The passphrase of the encrypted token file is wrong, or the file was changed.
    #[error("wrong passphrase for {} (or the file was altered); try again, or sign in again to replace it", path.display())]
    WrongPassphrase { path: PathBuf },

    /// A local configuration file is malformed.
    #[error("the configuration file {} is invalid: {reason}; fix or delete it and sign in again", path.display())]
    ConfigFile { path: PathBuf, reason: String },
}

impl ClientError {
    /// Returns the stable code that callers branch on, such as `auth.session_expired`.
    pub fn code(&self) -> &'static str {
        match self {
            ClientError::InvalidUrl { .. } => "config.invalid_url",
            ClientError::InsecureUrl { .. } => "config.insecure_url",
            ClientError::CaFile { .. } => "config.ca_file",
            ClientError::TlsSetup { .. } => "tls.setup",
            ClientError::Tls { cause, .. } => cause.code(),
            ClientError::Unreachable { .. } => "net.unreachable",
            ClientError::Timeout { .. } => "net.timeout",
            ClientError::Network { .. } => "net.failed",
            ClientError::NotSignedIn { .. } => "auth.not_signed_in",
            ClientError::SessionExpired => "auth.session_expired",
            ClientError::TokenRejected => "auth.token_rejected",
            ClientError::SignInFailed => "auth.sign_in_failed",
            ClientError::TotpRequired { .. } => "auth.totp_required",
            ClientError::SignInLocked { .. } => "auth.sign_in_locked",
            ClientError::PermissionDenied { .. } => "permission.denied",
            ClientError::NotFound { .. } => "http.not_found",
            ClientError::Conflict { .. } => "http.conflict",
            ClientError::InvalidRequest { .. } => "http.invalid_request",
            ClientError::RateLimited { .. } => "http.rate_limited",
            ClientError::Gone => "http.gone",
            ClientError::ChecksumMismatch => "http.checksum_mismatch",
            ClientError::PayloadTooLarge { .. } => "http.payload_too_large",
            ClientError::Unavailable { .. } => "server.unavailable",
            ClientError::ServerProblem { .. } => "server.problem",
            ClientError::UnexpectedResponse { .. } => "server.unexpected_response",
            ClientError::InvalidInput { .. } => "input.invalid",
            ClientError::Io { .. } => "io.failed",
            ClientError::KeyringUnavailable { .. } => "secrets.keyring_unavailable",
            ClientError::Keyring { .. } => "secrets.keyring_failed",
            ClientError::WrongPassphrase { .. } => "secrets.wrong_passphrase",
            ClientError::ConfigFile { .. } => "config.invalid_file",
        }
    }

    /// Returns whether retrying the same request later may succeed.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            ClientError::Unreachable { .. }
                | ClientError::Timeout { .. }
                | ClientError::Network { .. }
                | ClientError::RateLimited { .. }
                | ClientError::Unavailable { .. }
                | ClientError::ChecksumMismatch
        )
    }

    /// Maps an error response to an error. `credential` is how the request was
    /// authenticated, because the service sends one `unauthenticated` problem for every
    /// rejected credential and the advice differs.
    pub fn from_response(
        status: u16,
        problem: Option<Problem>,
        retry_after: Option<Duration>,
        credential: CredentialUsed,
    ) -> ClientError {
        let request_id = problem
            .as_ref()
            .map(|p| p.request_id.clone())
            .unwrap_or_else(|| "unknown".to_owned());
        let detail = problem
            .as_ref()
            .and_then(|p| p.detail.clone())
            .unwrap_or_else(|| format!("HTTP {status}"));
        let kind = problem
            .as_ref()
            .and_then(|p| problem_type_of(&p.problem_type));

        match (kind, status) {
            (Some(ProblemType::TotpRequired), _) => ClientError::TotpRequired { detail },
            (Some(ProblemType::Unauthenticated), _) | (None, 401) => match credential {
                CredentialUsed::Session => ClientError::SessionExpired,
                CredentialUsed::ApiToken => ClientError::TokenRejected,
                CredentialUsed::Password => ClientError::SignInFailed,
            },
            (Some(ProblemType::Forbidden), _) | (None, 403) => {
                ClientError::PermissionDenied { detail }
            }
            (Some(ProblemType::NotFound), _) | (None, 404) => ClientError::NotFound { detail },
            (Some(ProblemType::Conflict), _) | (None, 409) => ClientError::Conflict { detail },
            (Some(ProblemType::InvalidRequest | ProblemType::UnsupportedMediaType), _)
            | (None, 400 | 415) => ClientError::InvalidRequest { detail },
            (Some(ProblemType::SignInLocked), _) => ClientError::SignInLocked { retry_after },
            (Some(ProblemType::RateLimited), _) | (None, 429) => {
                ClientError::RateLimited { retry_after }
            }
            (Some(ProblemType::Gone), _) | (None, 410) => ClientError::Gone,
            (Some(ProblemType::ChecksumMismatch), _) | (None, 460) => ClientError::ChecksumMismatch,
            (Some(ProblemType::PayloadTooLarge), _) | (None, 413) => {
                ClientError::PayloadTooLarge { detail }
            }
            (Some(ProblemType::Unavailable), _) | (None, 503) => {
                ClientError::Unavailable { request_id }
            }
            _ => ClientError::ServerProblem { status, request_id },
        }
    }
}

/// Kind of credential the failed request was authenticated with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CredentialUsed {
    /// A session token from signing in.
    Session,
    /// An API token.
    ApiToken,
    /// An email and password (signing in).
    Password,
}

/// The problem kinds this client maps, looked up by URN.
const KNOWN_PROBLEMS: [ProblemType; 15] = [
    ProblemType::InvalidRequest,
    ProblemType::Unauthenticated,
    ProblemType::TotpRequired,
    ProblemType::Forbidden,
    ProblemType::NotFound,
    ProblemType::Conflict,
    ProblemType::PayloadTooLarge,
    ProblemType::UnsupportedMediaType,
    ProblemType::RateLimited,
    ProblemType::SignInLocked,
    ProblemType::Internal,
    ProblemType::Unavailable,
    ProblemType::UnsupportedTusVersion,
    ProblemType::Gone,
    ProblemType::ChecksumMismatch,
];

fn problem_type_of(urn: &str) -> Option<ProblemType> {
    KNOWN_PROBLEMS.into_iter().find(|kind| kind.urn() == urn)
}

impl serde::Serialize for ClientError {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut state = serializer.serialize_struct("ClientError", 2)?;
        state.serialize_field("code", self.code())?;
        state.serialize_field("message", &self.to_string())?;
        state.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(kind: ProblemType, detail: &str) -> Problem {
        kind.problem(Some(detail.to_owned()), "req-7".to_owned())
    }

    #[test]
    fn unauthenticated_depends_on_credential() {
        let cases = [
            (CredentialUsed::Session, "auth.session_expired"),
            (CredentialUsed::ApiToken, "auth.token_rejected"),
            (CredentialUsed::Password, "auth.sign_in_failed"),
        ];
        for (credential, code) in cases {
            let p = problem(ProblemType::Unauthenticated, "invalid");
            let error = ClientError::from_response(401, Some(p), None, credential);
            assert_eq!(error.code(), code);
        }
    }

    #[test]
    fn session_expired_message_says_sign_in() {
        let error = ClientError::SessionExpired;
        assert!(error.to_string().contains("sign in again"), "{error}");
    }

    #[test]
    fn problem_types_map_to_codes() {
        let cases = [
            (ProblemType::Forbidden, "permission.denied"),
            (ProblemType::NotFound, "http.not_found"),
            (ProblemType::Conflict, "http.conflict"),
            (ProblemType::InvalidRequest, "http.invalid_request"),
            (ProblemType::RateLimited, "http.rate_limited"),
            (ProblemType::SignInLocked, "auth.sign_in_locked"),
            (ProblemType::TotpRequired, "auth.totp_required"),
            (ProblemType::Internal, "server.problem"),
            (ProblemType::Unavailable, "server.unavailable"),
            (ProblemType::Gone, "http.gone"),
            (ProblemType::ChecksumMismatch, "http.checksum_mismatch"),
        ];
        for (kind, code) in cases {
            let error = ClientError::from_response(
                kind.status(),
                Some(problem(kind, "x")),
                None,
                CredentialUsed::Session,
            );
            assert_eq!(error.code(), code, "{kind:?}");
        }
    }

    #[test]
    fn status_without_problem_still_maps() {
        let error = ClientError::from_response(403, None, None, CredentialUsed::Session);
        assert_eq!(error.code(), "permission.denied");
        let error = ClientError::from_response(502, None, None, CredentialUsed::Session);
        assert_eq!(error.code(), "server.problem");
        assert!(error.to_string().contains("HTTP 502"), "{error}");
    }

    #[test]
    fn forbidden_keeps_service_detail() {
        let p = problem(
            ProblemType::Forbidden,
            "this credential lacks the `audit:read` permission",
        );
        let error = ClientError::from_response(403, Some(p), None, CredentialUsed::Session);
        let message = error.to_string();
        assert!(message.contains("audit:read"), "{message}");
        assert!(message.contains("ask an admin"), "{message}");
    }

    #[test]
    fn rate_limit_message_has_wait() {
        let error = ClientError::from_response(
            429,
            Some(problem(ProblemType::RateLimited, "slow down")),
            Some(Duration::from_secs(17)),
            CredentialUsed::Session,
        );
        assert!(error.to_string().contains("17 seconds"), "{error}");
    }

    #[test]
    fn serializes_code_and_message() {
        let json = serde_json::to_value(ClientError::SessionExpired).unwrap();
        assert_eq!(json["code"], "auth.session_expired");
        assert!(json["message"].as_str().unwrap().contains("sign in again"));
    }

    #[test]
    fn tls_causes_have_distinct_codes() {
        let error = ClientError::Tls {
            host: "localhost".to_owned(),
            cause: TlsCause::UnknownIssuer,
        };
        assert_eq!(error.code(), "tls.unknown_issuer");
        assert!(error.to_string().contains("--ca-file"), "{error}");
    }
}
