//! `sealpost login`, `logout` and `whoami`.

use std::io::{BufRead as _, IsTerminal as _};
use std::path::PathBuf;
use std::process::ExitCode;

use sealpost_api::Me;
use sealpost_client::profile::{self, Profile, TokenStorage};
use sealpost_client::secrets::{KeyringStore, keyring_status, save_token_file, token_file_path};
use sealpost_client::{ClientError, ServerConfig, Token, auth};
use serde::Serialize;
use zeroize::Zeroizing;

use super::target::{Target, passphrase, stored_session};
use super::{Format, block_on, finish};

/// Storage for the session token that `login` receives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub(crate) enum Store {
    /// The system keyring when it is available; otherwise ask (or fail without a
    /// terminal, naming the other choices).
    #[default]
    Auto,
    /// The system keyring (Secret Service on Linux).
    Keyring,
    /// A file in the config directory encrypted under a passphrase (prompted, or from
    /// SEALPOST_PASSPHRASE).
    File,
    /// Nowhere: only check that the sign-in works.
    None,
}

#[derive(Debug, clap::Args)]
pub(crate) struct LoginArgs {
    /// The service's https:// URL; by default SEALPOST_SERVER, then the server of the last
    /// sign-in.
    #[arg(long, env = "SEALPOST_SERVER", value_name = "URL")]
    server: Option<String>,

    /// A PEM file of CA certificates to trust besides the system's; by default the one
    /// the last sign-in to the same server used.
    #[arg(long, value_name = "FILE")]
    ca_file: Option<PathBuf>,

    /// The member's email address; by default the one of the last sign-in to the server.
    #[arg(long)]
    email: Option<String>,

    /// Read the password from the first line of standard input instead of prompting;
    /// a second line, if present, is the second-factor code.
    #[arg(long)]
    password_stdin: bool,

    /// The current code of your authenticator app, when you have a second factor.
    #[arg(long, value_name = "CODE")]
    totp: Option<String>,

    /// Storage for the session token.
    #[arg(long, value_enum, default_value_t)]
    store: Store,

    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

#[derive(Debug, Serialize)]
struct LoginResult {
    server: String,
    email: String,
    role: String,
    token_storage: TokenStorage,
    #[serde(with = "time::serde::rfc3339")]
    expires_at: time::OffsetDateTime,
    idle_timeout_seconds: u64,
}

pub(crate) fn login(args: LoginArgs) -> ExitCode {
    let format = args.format;
    finish(format, run_login(args), |result| {
        let storage = match result.token_storage {
            TokenStorage::Keyring => "in the system keyring".to_owned(),
            TokenStorage::EncryptedFile => "in a passphrase-protected file".to_owned(),
            TokenStorage::Process => {
                "nowhere (--store none), so later commands need SEALPOST_TOKEN or a new login"
                    .to_owned()
            }
        };
        format!(
            "Signed in to {} as {} ({}).\nThe session token is stored {storage}.\n\
             The session ends at {} or after {} minutes without a request.\n",
            result.server,
            result.email,
            result.role,
            super::table::time(Some(result.expires_at)),
            result.idle_timeout_seconds / 60,
        )
    })
}

fn run_login(args: LoginArgs) -> Result<LoginResult, ClientError> {
    let ca_file = absolute_ca_file(args.ca_file.as_ref())?;
    // Signing in again after a session expired needs only `sealpost login`: the server,
    // its CA file and the email come from the saved profile unless given.
    let dir = profile::config_dir()?;
    let wanted = args
        .server
        .as_deref()
        .map(|url| url.trim().trim_end_matches('/'));
    let saved = profile::load(&dir, wanted)?;
    let url = match (wanted, &saved) {
        (Some(url), _) => url.to_owned(),
        (None, Some(saved)) => saved.url.clone(),
        (None, None) => {
            return Err(ClientError::InvalidInput {
                message: "no earlier sign-in to reuse; pass --server https://HOST and --email"
                    .to_owned(),
            });
        }
    };
    let ca_file = ca_file.or_else(|| saved.as_ref().and_then(|saved| saved.ca_file.clone()));
    let email = match args
        .email
        .clone()
        .or_else(|| saved.and_then(|saved| saved.email))
    {
        Some(email) => email,
        None => {
            return Err(ClientError::InvalidInput {
                message: format!("pass --email for the first sign-in to {url}"),
            });
        }
    };
    let server = ServerConfig::new(url).with_ca_file(ca_file);
    // Check the URL before prompting for anything.
    sealpost_client::connection::parse_base_url(&server.url)?;
    let mut stdin_lines = args.password_stdin.then(|| std::io::stdin().lock().lines());
    let password = match stdin_lines.as_mut() {
        Some(lines) => {
            Zeroizing::new(next_line(lines).ok_or_else(|| ClientError::InvalidInput {
                message: "--password-stdin was given but standard input is empty".to_owned(),
            })?)
        }
        None => prompt_secret(&format!("Password for {email}: "))?,
    };
    let storage = choose_storage(args.store)?;

    let mut totp = args.totp.clone().map(Zeroizing::new);
    let signed_in = loop {
        let attempt = block_on(auth::login(
            &server,
            &email,
            &password,
            totp.as_deref().map(String::as_str),
        ))?;
        match attempt {
            Err(ClientError::TotpRequired { detail }) if totp.is_none() => {
                let code = match stdin_lines.as_mut() {
                    Some(lines) => next_line(lines),
                    None if std::io::stdin().is_terminal() => {
                        Some(prompt_secret("Second-factor code: ")?.to_string())
                    }
                    None => None,
                };
                match code {
                    Some(code) => totp = Some(Zeroizing::new(code)),
                    None => return Err(ClientError::TotpRequired { detail }),
                }
            }
            other => break other?,
        }
    };
    let (_, session) = signed_in;
    let token = Token::new(session.token.clone());

    let previous = profile::load(&dir, Some(&server.url))?;
    match storage {
        TokenStorage::Keyring => KeyringStore::new(&server.url).save(&token)?,
        TokenStorage::EncryptedFile => {
            let passphrase = new_passphrase()?;
            let path = token_file_path(&dir, &server.url)?;
            save_token_file(&path, &server.url, &passphrase, &token)?;
        }
        TokenStorage::Process => {}
    }
    let profile = Profile {
        url: server.url.clone(),
        ca_file: server.ca_file.clone(),
        email: Some(session.member.email.clone()),
        upload_key_id: previous.and_then(|p| p.upload_key_id),
        token_storage: storage,
    };
    profile::save(&dir, &profile)?;
    Ok(LoginResult {
        server: server.url,
        email: session.member.email.clone(),
        role: session.member.role.to_string(),
        token_storage: storage,
        expires_at: session.expires_at,
        idle_timeout_seconds: session.idle_timeout_seconds,
    })
}

/// Makes a `--ca-file` path absolute, so the saved profile still finds it from another
/// working directory.
pub(crate) fn absolute_ca_file(path: Option<&PathBuf>) -> Result<Option<PathBuf>, ClientError> {
    let Some(path) = path else {
        return Ok(None);
    };
    let absolute = std::path::absolute(path).map_err(|source| ClientError::Io {
        action: "find",
        path: path.clone(),
        source,
    })?;
    Ok(Some(absolute))
}

fn next_line(lines: &mut std::io::Lines<std::io::StdinLock<'_>>) -> Option<String> {
    lines
        .next()
        .and_then(Result::ok)
        .map(|line| line.trim_end_matches(['\r', '\n']).to_owned())
        .filter(|line| !line.is_empty())
}

fn prompt_secret(prompt: &str) -> Result<Zeroizing<String>, ClientError> {
    rpassword::prompt_password(prompt)
        .map(Zeroizing::new)
        .map_err(|error| ClientError::InvalidInput {
            message: format!(
                "cannot read from the terminal ({error}); use --password-stdin when no \
                 terminal is available"
            ),
        })
}

/// Picks the token storage, checking the keyring first.
fn choose_storage(store: Store) -> Result<TokenStorage, ClientError> {
    match store {
        Store::Keyring => keyring_status().map(|()| TokenStorage::Keyring),
        Store::File => Ok(TokenStorage::EncryptedFile),
        Store::None => Ok(TokenStorage::Process),
        Store::Auto => match keyring_status() {
            Ok(()) => Ok(TokenStorage::Keyring),
            Err(error) if std::io::stdin().is_terminal() => {
                eprintln!("{error}.");
                eprint!("Store the session token in a passphrase-protected file instead? [y/N] ");
                let mut answer = String::new();
                std::io::stdin()
                    .read_line(&mut answer)
                    .map_err(|source| ClientError::Io {
                        action: "read",
                        path: PathBuf::from("standard input"),
                        source,
                    })?;
                if answer.trim().eq_ignore_ascii_case("y") {
                    Ok(TokenStorage::EncryptedFile)
                } else {
                    Ok(TokenStorage::Process)
                }
            }
            Err(ClientError::KeyringUnavailable { reason }) => Err(ClientError::InvalidInput {
                message: format!(
                    "the system keyring is not available ({reason}); choose --store file to \
                     keep the session token in a passphrase-protected file, or --store none \
                     to keep it nowhere"
                ),
            }),
            Err(error) => Err(error),
        },
    }
}

fn new_passphrase() -> Result<Zeroizing<String>, ClientError> {
    let first = passphrase("New passphrase for the token file: ")?;
    if std::env::var_os(super::target::PASSPHRASE_ENV).is_none() {
        let second = passphrase("Repeat the passphrase: ")?;
        if *first != *second {
            return Err(ClientError::InvalidInput {
                message: "the two passphrases differ; run login again".to_owned(),
            });
        }
    }
    Ok(first)
}

#[derive(Debug, clap::Args)]
pub(crate) struct LogoutArgs {
    #[command(flatten)]
    target: Target,
}

pub(crate) fn logout(args: LogoutArgs) -> ExitCode {
    let format = args.target.format;
    finish(format, run_logout(&args.target), |server| {
        format!("Signed out of {server}.\n")
    })
}

fn run_logout(target: &Target) -> Result<String, ClientError> {
    let dir = profile::config_dir()?;
    let Some(profile) = profile::load(&dir, target.server.as_deref())? else {
        return Err(ClientError::NotSignedIn {
            server: target.server.clone().unwrap_or_else(|| "URL".to_owned()),
        });
    };
    match stored_session(&dir, &profile) {
        Ok(credential) => {
            let config = profile.server_config();
            let connection = sealpost_client::Connection::new(&config, credential)?;
            block_on(auth::logout(&connection))??;
        }
        // Nothing to revoke; still clear what is stored locally.
        Err(ClientError::NotSignedIn { .. }) => {}
        Err(error) => return Err(error),
    }
    match profile.token_storage {
        TokenStorage::Keyring => KeyringStore::new(&profile.url).delete()?,
        TokenStorage::EncryptedFile => {
            let path = token_file_path(&dir, &profile.url)?;
            match std::fs::remove_file(&path) {
                Ok(()) => {}
                Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
                Err(source) => {
                    return Err(ClientError::Io {
                        action: "delete",
                        path,
                        source,
                    });
                }
            }
        }
        TokenStorage::Process => {}
    }
    Ok(profile.url)
}

#[derive(Debug, clap::Args)]
pub(crate) struct WhoamiArgs {
    #[command(flatten)]
    target: Target,
}

pub(crate) fn whoami(args: WhoamiArgs) -> ExitCode {
    let format = args.target.format;
    let result = args
        .target
        .connect()
        .and_then(|connection| block_on(auth::whoami(&connection))?);
    finish(format, result, whoami_text)
}

fn whoami_text(me: &Me) -> String {
    let permissions: Vec<&str> = me.permissions.iter().map(|p| p.as_str()).collect();
    format!(
        "{} <{}>\naccount: {}\nrole: {}\ncredential: {}\npermissions: {}\n",
        me.member.name,
        me.member.email,
        me.account.name,
        me.role,
        match me.credential {
            sealpost_api::CredentialKind::Session => "session",
            sealpost_api::CredentialKind::ApiToken => "API token",
        },
        permissions.join(", ")
    )
}
