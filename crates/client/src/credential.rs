//! Credentials sent to the service: session tokens and API tokens.

use zeroize::Zeroizing;

use crate::error::CredentialUsed;

/// The environment variable that carries an API token for automation.
pub const TOKEN_ENV: &str = "SEALPOST_TOKEN";

/// A bearer token. `Debug` never shows it, and its memory is wiped on drop.
#[derive(Clone, PartialEq, Eq)]
pub struct Token(Zeroizing<String>);

impl Token {
    /// Wraps a token string.
    pub fn new(token: impl Into<String>) -> Self {
        Token(Zeroizing::new(token.into()))
    }

    /// The token text, for the `Authorization` header or the secret store. Callers must
    /// not log or print it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Token(<redacted>)")
    }
}

/// The credential a [`crate::Connection`] authenticates with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Credential {
    /// No credential, for signing in.
    None,
    /// A session token from signing in (prefix `sps_`).
    Session(Token),
    /// An API token (prefix `spt_`).
    ApiToken(Token),
}

impl Credential {
    /// Classifies a token by its prefix: `spt_` is an API token, anything else is treated
    /// as a session token. Surrounding white space (a newline from a file) is removed.
    pub fn from_token(token: &str) -> Credential {
        let token = token.trim();
        if token.starts_with("spt_") {
            Credential::ApiToken(Token::new(token))
        } else {
            Credential::Session(Token::new(token))
        }
    }

    /// Reads `SEALPOST_TOKEN`; `None` when it is unset or empty.
    pub fn from_env() -> Option<Credential> {
        let value = Zeroizing::new(std::env::var(TOKEN_ENV).ok()?);
        if value.trim().is_empty() {
            return None;
        }
        Some(Credential::from_token(&value))
    }

    /// The token, if any.
    pub fn token(&self) -> Option<&Token> {
        match self {
            Credential::None => None,
            Credential::Session(token) | Credential::ApiToken(token) => Some(token),
        }
    }

    /// How a rejection of this credential should be explained.
    pub fn used(&self) -> CredentialUsed {
        match self {
            Credential::None => CredentialUsed::Password,
            Credential::Session(_) => CredentialUsed::Session,
            Credential::ApiToken(_) => CredentialUsed::ApiToken,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_debug_is_redacted() {
        let credential = Credential::from_token("sps_very-secret-value");
        let debug = format!("{credential:?}");
        assert!(!debug.contains("very-secret-value"), "{debug}");
    }

    #[test]
    fn prefix_selects_kind() {
        assert!(matches!(
            Credential::from_token("spt_abc\n"),
            Credential::ApiToken(_)
        ));
        assert!(matches!(
            Credential::from_token("sps_abc"),
            Credential::Session(_)
        ));
        let credential = Credential::from_token("  spt_abc \n");
        assert_eq!(credential.token().unwrap().expose(), "spt_abc");
    }
}
