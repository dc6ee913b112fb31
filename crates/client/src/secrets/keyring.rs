//! Session tokens in the OS keyring through the `keyring` crate (version 4).
//!
//! On Linux that crate talks to the Secret Service over D-Bus (GNOME Keyring, KWallet).
//! It has no in-memory fallback: when no keyring is reachable, [`keyring_status`] returns
//! an error and the caller chooses another place for the token.

use keyring::Entry;

use crate::credential::Token;
use crate::error::ClientError;

/// The keyring service name under which tokens are stored; the entry's user is the
/// server's base URL.
pub const KEYRING_SERVICE: &str = "sealpost";

/// Checks that a keyring is usable now: a store was found at start-up and it is not
/// locked. The check reads an entry that does not exist.
pub fn keyring_status() -> Result<(), ClientError> {
    if let Err(error) = Entry::store_status() {
        return Err(ClientError::KeyringUnavailable {
            reason: error.to_string(),
        });
    }
    let probe = Entry::new(KEYRING_SERVICE, "sealpost-availability-check").map_err(unavailable)?;
    match probe.get_password() {
        Ok(_) | Err(keyring::Error::NoEntry) => Ok(()),
        Err(error) => Err(unavailable(error)),
    }
}

/// The keyring entries of one server.
#[derive(Debug, Clone)]
pub struct KeyringStore {
    account: String,
}

impl KeyringStore {
    /// Creates the store for the server at `url`.
    pub fn new(url: &str) -> KeyringStore {
        KeyringStore {
            account: url.trim().trim_end_matches('/').to_owned(),
        }
    }

    fn entry(&self) -> Result<Entry, ClientError> {
        Entry::new(KEYRING_SERVICE, &self.account).map_err(unavailable)
    }

    /// Stores the token, replacing an older one.
    pub fn save(&self, token: &Token) -> Result<(), ClientError> {
        self.entry()?.set_password(token.expose()).map_err(failed)
    }

    /// Reads the token; `None` when none is stored.
    pub fn load(&self) -> Result<Option<Token>, ClientError> {
        match self.entry()?.get_password() {
            Ok(token) => Ok(Some(Token::new(token))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(error) => Err(failed(error)),
        }
    }

    /// Deletes the token; deleting a missing token succeeds.
    pub fn delete(&self) -> Result<(), ClientError> {
        match self.entry()?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(error) => Err(failed(error)),
        }
    }
}

fn unavailable(error: keyring::Error) -> ClientError {
    ClientError::KeyringUnavailable {
        reason: error.to_string(),
    }
}

fn failed(error: keyring::Error) -> ClientError {
    match error {
        keyring::Error::NoStorageAccess(_)
        | keyring::Error::NoDefaultStore
        | keyring::Error::PlatformFailure(_) => unavailable(error),
        other => ClientError::Keyring {
            reason: other.to_string(),
        },
    }
}
