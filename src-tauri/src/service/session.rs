//! Signing in and out, and the signed-in session held in memory.

use std::path::{Path, PathBuf};
use std::time::Duration;

use reqwest::Method;
use sealpost_api::{Me, SessionCreated};
use sealpost_client::secrets::{KeyringStore, load_token_file, save_token_file, token_file_path};
use sealpost_client::{Connection, Credential, ServerConfig, Token};
use tokio::sync::Mutex;

use super::rfc3339;
use crate::types::{AppError, AppResult, SecretStorage, SessionInfo, SignInRequest};

/// The signed-in member's connection and what the UI shows about them.
#[derive(Debug, Clone)]
pub struct Active {
    /// A connection that sends the session token.
    pub connection: Connection,
    /// The member as the UI shows them.
    pub info: SessionInfo,
    /// Time without activity after which the app signs out, as the service set it.
    pub idle_timeout: Duration,
    /// The place that keeps the token between runs, if any.
    pub stored: Option<StoredSecret>,
}

/// A place that keeps the session token between runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoredSecret {
    /// The OS keyring entry of this server URL.
    Keyring(String),
    /// A passphrase-protected token file.
    File(PathBuf),
}

/// Idle period assumed for a session restored from the keyring, because the service
/// reports its own period only at sign-in.
const RESTORED_IDLE_TIMEOUT: Duration = Duration::from_secs(15 * 60);

/// The current session, if any. The token lives only inside the connection, in memory
/// that is wiped when the connection is dropped.
#[derive(Debug, Default)]
pub struct SessionState {
    active: Mutex<Option<Active>>,
}

impl SessionState {
    /// Returns the current session.
    pub async fn current(&self) -> Option<Active> {
        self.active.lock().await.clone()
    }

    /// Returns the current session's connection or `session.none`.
    pub async fn connection(&self) -> AppResult<Connection> {
        self.current()
            .await
            .map(|active| active.connection)
            .ok_or_else(AppError::not_signed_in)
    }

    /// Replaces the session.
    pub async fn set(&self, active: Active) {
        *self.active.lock().await = Some(active);
    }

    /// Removes and returns the session.
    pub async fn take(&self) -> Option<Active> {
        self.active.lock().await.take()
    }
}

/// Signs in with email and password (and a second-factor code when the service asks),
/// then reads who the member is.
pub async fn sign_in(request: &SignInRequest) -> AppResult<Active> {
    if request.storage == SecretStorage::PassphraseFile {
        check_new_passphrase(request.passphrase.as_deref())?;
    }
    let ca_file = request
        .ca_file
        .as_deref()
        .map(str::trim)
        .filter(|path| !path.is_empty())
        .map(PathBuf::from);
    let config = ServerConfig::new(request.server_url.trim()).with_ca_file(ca_file);
    let anonymous = Connection::new(&config, Credential::None)?;
    let body = sealpost_api::SignInRequest {
        email: request.email.trim().to_owned(),
        password: request.password.clone(),
        totp: request
            .totp
            .as_deref()
            .map(str::trim)
            .filter(|code| !code.is_empty())
            .map(str::to_owned),
    };
    let created: SessionCreated = anonymous
        .send_json(anonymous.request(Method::POST, "/v1/sessions").json(&body))
        .await?;
    let connection = anonymous.with_credential(Credential::from_token(&created.token));
    let me: Me = connection
        .send_json(connection.request(Method::GET, "/v1/me"))
        .await?;
    let idle_timeout = Duration::from_secs(created.idle_timeout_seconds);
    Ok(Active {
        connection,
        info: SessionInfo {
            email: me.member.email,
            member_id: me.member.id.to_string(),
            role: me.role.into(),
            account_name: me.account.name,
            expires_at: Some(rfc3339(created.expires_at)),
            idle_timeout_minutes: (created.idle_timeout_seconds / 60) as u32,
        },
        idle_timeout,
        stored: None,
    })
}

/// The minimum passphrase length, as the client library's token files require.
const MIN_PASSPHRASE_CHARS: usize = 8;

/// Rejects a missing or short passphrase before the service is asked, so a sign-in does
/// not open a session that cannot be kept as the member chose.
fn check_new_passphrase(passphrase: Option<&str>) -> AppResult<()> {
    let length = passphrase.map_or(0, |text| text.chars().count());
    if length < MIN_PASSPHRASE_CHARS {
        return Err(AppError::invalid_input(format!(
            "the passphrase is too short: use at least {MIN_PASSPHRASE_CHARS} characters"
        )));
    }
    Ok(())
}

/// Keeps the session token in the OS keyring under the server URL.
pub fn store_in_keyring(active: &mut Active, server_url: &str) -> AppResult<()> {
    if let Some(token) = active.connection.credential().token() {
        KeyringStore::new(server_url).save(token)?;
        active.stored = Some(StoredSecret::Keyring(server_url.to_owned()));
    }
    Ok(())
}

/// Returns the passphrase-protected token file of `server_url` in the app's config
/// folder.
pub fn token_file(config_dir: &Path, server_url: &str) -> AppResult<PathBuf> {
    Ok(token_file_path(config_dir, server_url.trim())?)
}

/// Keeps the session token in a file encrypted under `passphrase` (Argon2id and
/// AES-256-GCM, the format `sealpost login --store file` writes).
pub fn store_in_file(
    active: &mut Active,
    config_dir: &Path,
    server_url: &str,
    passphrase: &str,
) -> AppResult<()> {
    if let Some(token) = active.connection.credential().token() {
        let path = token_file(config_dir, server_url)?;
        save_token_file(&path, server_url.trim(), passphrase, token)?;
        active.stored = Some(StoredSecret::File(path));
    }
    Ok(())
}

/// Deletes a stored token; a failure is logged, since signing out goes on.
pub fn forget_stored(stored: &StoredSecret) {
    match stored {
        StoredSecret::Keyring(server_url) => {
            if let Err(error) = KeyringStore::new(server_url).delete() {
                log::warn!("deleting the stored session failed: {}", error.code());
            }
        }
        StoredSecret::File(path) => remove_token_file(path),
    }
}

/// Deletes a token file; a missing one is fine.
pub fn remove_token_file(path: &Path) {
    match std::fs::remove_file(path) {
        Ok(()) => log::info!("deleted the session file {}", path.display()),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
        Err(error) => log::warn!(
            "deleting the session file {} failed: {error}",
            path.display()
        ),
    }
}

/// Opens the token file of `server_url` with `passphrase` and checks the session with
/// the service. A session the service no longer accepts has its file deleted and gives
/// `auth.session_expired`. A wrong passphrase gives `secrets.wrong_passphrase` and keeps
/// the file, so the member can try again.
pub async fn unlock(
    config_dir: &Path,
    server_url: &str,
    ca_file: Option<&str>,
    passphrase: &str,
) -> AppResult<Active> {
    let path = token_file(config_dir, server_url)?;
    if !path.exists() {
        return Err(AppError::new(
            "session.none",
            "no saved session is kept in a passphrase-protected file for this server; sign in with your password",
        ));
    }
    let token = {
        let path = path.clone();
        let server_url = server_url.trim().to_owned();
        let passphrase = passphrase.to_owned();
        // Argon2id takes a noticeable moment, so it runs off the async threads.
        tokio::task::spawn_blocking(move || load_token_file(&path, &server_url, &passphrase))
            .await
            .map_err(|error| {
                AppError::new(
                    "internal",
                    format!("opening the session file stopped: {error}"),
                )
            })??
    };
    match check_token(server_url, ca_file, token).await {
        Ok(mut active) => {
            active.stored = Some(StoredSecret::File(path));
            Ok(active)
        }
        Err(error) if is_ended(&error.code) => {
            remove_token_file(&path);
            Err(AppError::new(
                "auth.session_expired",
                "the saved session has ended on the service, so its file was deleted; sign in with your password",
            ))
        }
        Err(error) => Err(error),
    }
}

/// Returns whether an error code means the service no longer accepts the session.
fn is_ended(code: &str) -> bool {
    matches!(code, "auth.session_expired" | "auth.token_rejected")
}

/// Builds a connection with `token` and reads who the member is.
async fn check_token(server_url: &str, ca_file: Option<&str>, token: Token) -> AppResult<Active> {
    let config = ServerConfig::new(server_url.trim())
        .with_ca_file(ca_file.filter(|path| !path.is_empty()).map(PathBuf::from));
    let connection = Connection::new(&config, Credential::Session(token))?;
    let me: Me = connection
        .send_json(connection.request(Method::GET, "/v1/me"))
        .await?;
    Ok(Active {
        connection,
        info: SessionInfo {
            email: me.member.email,
            member_id: me.member.id.to_string(),
            role: me.role.into(),
            account_name: me.account.name,
            expires_at: None,
            idle_timeout_minutes: (RESTORED_IDLE_TIMEOUT.as_secs() / 60) as u32,
        },
        idle_timeout: RESTORED_IDLE_TIMEOUT,
        stored: None,
    })
}

/// Restores the session whose token the keyring keeps for `server_url`, checking it with
/// the service. A token the service no longer accepts is deleted.
pub async fn restore(server_url: &str, ca_file: Option<&str>) -> AppResult<Option<Active>> {
    let store = KeyringStore::new(server_url);
    let Some(token) = store.load()? else {
        return Ok(None);
    };
    let stored = StoredSecret::Keyring(server_url.to_owned());
    match check_token(server_url, ca_file, token).await {
        Ok(mut active) => {
            active.stored = Some(stored);
            Ok(Some(active))
        }
        Err(error) if is_ended(&error.code) => {
            forget_stored(&stored);
            Ok(None)
        }
        Err(error) => Err(error),
    }
}

/// Revokes the session on the service. The caller drops the connection afterwards,
/// which wipes the token from memory.
pub async fn revoke(connection: &Connection) -> AppResult<()> {
    connection
        .send_empty(connection.request(Method::DELETE, "/v1/sessions/current"))
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::Role;

    // Only `unreachable_service_keeps_file` sends a request, and it expects no service on
    // this loopback port (9, the discard protocol's, which nothing serves in the tests).
    const SERVER: &str = "https://127.0.0.1:9";
    const PASSPHRASE: &str = "correct horse";

    fn signed_in() -> Active {
        let config = ServerConfig::new(SERVER);
        let credential = Credential::from_token("sps_session-token-for-tests");
        Active {
            connection: Connection::new(&config, credential).unwrap(),
            info: SessionInfo {
                email: "marketer@acme.example".to_owned(),
                member_id: "m1".to_owned(),
                role: Role::Marketer,
                account_name: "Acme".to_owned(),
                expires_at: None,
                idle_timeout_minutes: 30,
            },
            idle_timeout: Duration::from_secs(1800),
            stored: None,
        }
    }

    #[test]
    fn short_passphrase_rejected() {
        for passphrase in [None, Some(""), Some("seven77")] {
            let error = check_new_passphrase(passphrase).unwrap_err();
            assert_eq!(error.code, "input.invalid", "{passphrase:?}");
        }
        assert!(check_new_passphrase(Some("eight888")).is_ok());
    }

    #[test]
    fn token_file_is_encrypted() {
        let dir = tempfile::tempdir().unwrap();
        let mut active = signed_in();
        store_in_file(&mut active, dir.path(), SERVER, PASSPHRASE).unwrap();

        let path = token_file(dir.path(), SERVER).unwrap();
        assert_eq!(active.stored, Some(StoredSecret::File(path.clone())));
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(!text.contains("session-token-for-tests"), "{text}");
    }

    #[tokio::test]
    async fn wrong_passphrase_keeps_file() {
        let dir = tempfile::tempdir().unwrap();
        store_in_file(&mut signed_in(), dir.path(), SERVER, PASSPHRASE).unwrap();

        let error = unlock(dir.path(), SERVER, None, "wrong horse")
            .await
            .unwrap_err();

        assert_eq!(error.code, "secrets.wrong_passphrase");
        assert!(token_file(dir.path(), SERVER).unwrap().exists());
    }

    #[tokio::test]
    async fn missing_file_needs_password() {
        let dir = tempfile::tempdir().unwrap();
        let error = unlock(dir.path(), SERVER, None, PASSPHRASE)
            .await
            .unwrap_err();
        assert_eq!(error.code, "session.none");
    }

    #[tokio::test]
    async fn unreachable_service_keeps_file() {
        let dir = tempfile::tempdir().unwrap();
        store_in_file(&mut signed_in(), dir.path(), SERVER, PASSPHRASE).unwrap();

        let error = unlock(dir.path(), SERVER, None, PASSPHRASE)
            .await
            .unwrap_err();

        assert!(error.code.starts_with("net."), "{error:?}");
        assert!(token_file(dir.path(), SERVER).unwrap().exists());
    }

    #[test]
    fn forgetting_deletes_file() {
        let dir = tempfile::tempdir().unwrap();
        let mut active = signed_in();
        store_in_file(&mut active, dir.path(), SERVER, PASSPHRASE).unwrap();
        let stored = active.stored.clone().unwrap();

        forget_stored(&stored);

        assert!(!token_file(dir.path(), SERVER).unwrap().exists());
        forget_stored(&stored);
    }
}
