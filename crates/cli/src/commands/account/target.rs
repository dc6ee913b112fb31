//! The server and credential an account command uses.
//!
//! `SEALPOST_TOKEN` (an API token) wins over a stored session, so scripts work without
//! signing in. Otherwise the session token comes from where `sealpost login` stored it.

use std::path::PathBuf;

use sealpost_client::profile::{self, Profile, TokenStorage};
use sealpost_client::secrets::{KeyringStore, load_token_file, token_file_path};
use sealpost_client::{ClientError, Connection, Credential, ServerConfig};
use zeroize::Zeroizing;

use super::Format;

/// The environment variable that supplies the token file's passphrase without a prompt.
pub(crate) const PASSPHRASE_ENV: &str = "SEALPOST_PASSPHRASE";

/// Options shared by the account commands.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct Target {
    /// The service's https:// URL [default: the server of the last `sealpost login`].
    #[arg(long, env = "SEALPOST_SERVER", value_name = "URL", global = true)]
    pub(crate) server: Option<String>,

    /// A PEM file of CA certificates to trust besides the system's, for a service with a
    /// private CA [default: the file given at login].
    #[arg(long, value_name = "FILE", global = true)]
    pub(crate) ca_file: Option<PathBuf>,

    /// Output format.
    #[arg(long, value_enum, default_value_t, global = true)]
    pub(crate) format: Format,
}

impl Target {
    /// Builds the connection with the credential to use.
    pub(crate) fn connect(&self) -> Result<Connection, ClientError> {
        let dir = profile::config_dir()?;
        let profile = profile::load(&dir, self.server.as_deref())?;
        if let Some(credential) = Credential::from_env() {
            let url = match (&self.server, &profile) {
                (Some(url), _) => url.clone(),
                (None, Some(profile)) => profile.url.clone(),
                (None, None) => {
                    return Err(ClientError::InvalidInput {
                        message: "SEALPOST_TOKEN is set but no server is known; pass \
                                  --server URL or set SEALPOST_SERVER"
                            .to_owned(),
                    });
                }
            };
            let ca_file = self
                .ca_file
                .clone()
                .or_else(|| profile.as_ref().and_then(|p| p.ca_file.clone()));
            let config = ServerConfig::new(url).with_ca_file(ca_file);
            return Connection::new(&config, credential);
        }
        let Some(profile) = profile else {
            return Err(ClientError::NotSignedIn {
                server: self.server.clone().unwrap_or_else(|| "URL".to_owned()),
            });
        };
        let credential = stored_session(&dir, &profile)?;
        let mut config = profile.server_config();
        if self.ca_file.is_some() {
            config.ca_file = self.ca_file.clone();
        }
        Connection::new(&config, credential)
    }
}

/// Reads the session token that `sealpost login` stored for `profile`.
pub(crate) fn stored_session(
    dir: &std::path::Path,
    profile: &Profile,
) -> Result<Credential, ClientError> {
    let not_signed_in = || ClientError::NotSignedIn {
        server: profile.url.clone(),
    };
    match profile.token_storage {
        TokenStorage::Keyring => match KeyringStore::new(&profile.url).load()? {
            Some(token) => Ok(Credential::Session(token)),
            None => Err(not_signed_in()),
        },
        TokenStorage::EncryptedFile => {
            let path = token_file_path(dir, &profile.url)?;
            if !path.exists() {
                return Err(not_signed_in());
            }
            let passphrase = passphrase("Passphrase of the token file: ")?;
            let token = load_token_file(&path, &profile.url, &passphrase)?;
            Ok(Credential::Session(token))
        }
        TokenStorage::Process => Err(not_signed_in()),
    }
}

/// Reads the token file passphrase from `SEALPOST_PASSPHRASE`, or prompts for it without
/// echo.
pub(crate) fn passphrase(prompt: &str) -> Result<Zeroizing<String>, ClientError> {
    if let Ok(value) = std::env::var(PASSPHRASE_ENV) {
        return Ok(Zeroizing::new(value));
    }
    rpassword::prompt_password(prompt)
        .map(Zeroizing::new)
        .map_err(|error| ClientError::InvalidInput {
            message: format!(
                "cannot read the passphrase from the terminal ({error}); set {PASSPHRASE_ENV} \
                 when no terminal is available"
            ),
        })
}
