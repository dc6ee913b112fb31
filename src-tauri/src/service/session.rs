//! Signing in and out, and the signed-in session held in memory.

use std::path::PathBuf;
use std::time::Duration;

use reqwest::Method;
use sealpost_api::{Me, SessionCreated};
use sealpost_client::secrets::KeyringStore;
use sealpost_client::{Connection, Credential, ServerConfig};
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
    /// The server URL whose keyring entry holds the token, when it is kept there.
    pub stored_in: Option<String>,
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
        // NOTE: the client library's passphrase-protected store is not available to the
        // app yet, so only memory and the keyring are offered.
        return Err(AppError::new(
            "keyring.unavailable",
            "keeping the session in a passphrase-protected file is not supported yet; choose \"this session only\"",
        ));
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
        stored_in: None,
    })
}

/// Keeps the session token in the OS keyring under the server URL.
pub fn store_in_keyring(active: &mut Active, server_url: &str) -> AppResult<()> {
    if let Some(token) = active.connection.credential().token() {
        KeyringStore::new(server_url).save(token)?;
        active.stored_in = Some(server_url.to_owned());
    }
    Ok(())
}

/// Deletes a token kept in the keyring; a failure is logged, since signing out goes on.
pub fn forget_stored(server_url: &str) {
    if let Err(error) = KeyringStore::new(server_url).delete() {
        log::warn!("deleting the stored session failed: {}", error.code());
    }
}

/// Restores the session whose token the keyring keeps for `server_url`, checking it with
/// the service. A token the service no longer accepts is deleted.
pub async fn restore(server_url: &str, ca_file: Option<&str>) -> AppResult<Option<Active>> {
    let store = KeyringStore::new(server_url);
    let Some(token) = store.load()? else {
        return Ok(None);
    };
    let config = ServerConfig::new(server_url)
        .with_ca_file(ca_file.filter(|path| !path.is_empty()).map(PathBuf::from));
    let connection = Connection::new(&config, Credential::Session(token))?;
    let me: Me = match connection
        .send_json(connection.request(Method::GET, "/v1/me"))
        .await
    {
        Ok(me) => me,
        Err(error) if matches!(error.code(), "auth.session_expired" | "auth.token_rejected") => {
            forget_stored(server_url);
            return Ok(None);
        }
        Err(error) => return Err(error.into()),
    };
    Ok(Some(Active {
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
        stored_in: Some(server_url.to_owned()),
    }))
}

/// Revokes the session on the service. The caller drops the connection afterwards,
/// which wipes the token from memory.
pub async fn revoke(connection: &Connection) -> AppResult<()> {
    connection
        .send_empty(connection.request(Method::DELETE, "/v1/sessions/current"))
        .await?;
    Ok(())
}
