//! Signing in and out, and the idle sign-out.

use std::future::Future;
use std::time::Duration;

use sealpost_client::Connection;
use tauri::{AppHandle, Emitter, Manager, State};

use crate::service::session::{self, Active, SessionState};
use crate::state::{ConfigStore, IdleClock};
use crate::types::{
    AppError, AppResult, KeyringStatus, SecretStorage, SessionEndReason, SessionEnded, SessionInfo,
    SignInRequest, names,
};
use crate::uploads::UploadJobs;

/// How often the idle watcher looks at the clock.
const IDLE_CHECK_INTERVAL: Duration = Duration::from_secs(5);

/// Signs in and keeps the session for the following commands, storing the token where
/// `request.storage` names.
#[tauri::command]
pub async fn sign_in(
    app: AppHandle,
    request: SignInRequest,
    sessions: State<'_, SessionState>,
    keyring: State<'_, KeyringStatus>,
    config: State<'_, std::sync::Arc<ConfigStore>>,
    idle: State<'_, IdleClock>,
) -> AppResult<SessionInfo> {
    idle.touch();
    if request.storage == SecretStorage::Keyring && !keyring.available {
        return Err(AppError::new(
            "keyring.unavailable",
            format!(
                "the system keyring cannot be used ({}); choose \"this session only\" or \"a passphrase-protected file\"",
                keyring.reason.as_deref().unwrap_or("no reason given")
            ),
        ));
    }
    let server_url = request.server_url.trim();
    let mut active = session::sign_in(&request).await?;
    if let Err(error) = store_session(&app, &mut active, &request, &config, &keyring) {
        // A session the app cannot keep as asked is not left open on the service.
        revoke_quietly(&active.connection).await;
        return Err(error);
    }
    // A token file from an earlier sign-in to this server would otherwise ask for its
    // passphrase on the next start although this sign-in replaced it.
    if request.storage != SecretStorage::PassphraseFile {
        session::remove_token_file(&session::token_file(config.directory(), server_url)?);
    }
    let info = active.info.clone();
    if let Some(previous) = sessions.take().await {
        revoke_quietly(&previous.connection).await;
    }
    sessions.set(active).await;
    remember_sign_in(&config, &request);
    log::info!("signed in as member {} ({:?})", info.member_id, info.role);
    Ok(info)
}

/// Keeps the new session's token where the member chose.
fn store_session(
    app: &AppHandle,
    active: &mut Active,
    request: &SignInRequest,
    config: &ConfigStore,
    keyring: &KeyringStatus,
) -> AppResult<()> {
    let server_url = request.server_url.trim();
    match request.storage {
        SecretStorage::Keyring => session::store_in_keyring(active, server_url),
        SecretStorage::PassphraseFile => {
            let passphrase = request.passphrase.as_deref().unwrap_or_default();
            session::store_in_file(active, config.directory(), server_url, passphrase)?;
            use_passphrase_for_resume_key(app, keyring, passphrase);
            Ok(())
        }
        SecretStorage::Session => Ok(()),
    }
}

/// Without a keyring, keeps the upload resume key in a file under the same passphrase
/// as the session, so uploads interrupted in this run can resume in a later one.
fn use_passphrase_for_resume_key(app: &AppHandle, keyring: &KeyringStatus, passphrase: &str) {
    if keyring.available {
        return;
    }
    match super::upload::state_dir(app) {
        Ok(state_dir) => app
            .state::<std::sync::Arc<UploadJobs>>()
            .use_passphrase_file(&state_dir, passphrase),
        Err(error) => log::warn!("the resume key stays in memory: {}", error.message),
    }
}

/// Opens the session kept in the passphrase-protected file of the saved server.
#[tauri::command]
pub async fn unlock_session(
    app: AppHandle,
    passphrase: String,
    sessions: State<'_, SessionState>,
    keyring: State<'_, KeyringStatus>,
    config: State<'_, std::sync::Arc<ConfigStore>>,
    idle: State<'_, IdleClock>,
) -> AppResult<SessionInfo> {
    idle.touch();
    let settings = config.settings();
    let Some(server_url) = settings.server_url.filter(|url| !url.trim().is_empty()) else {
        return Err(AppError::new(
            "session.none",
            "no server is saved, so there is no session to unlock; sign in with your password",
        ));
    };
    let active = session::unlock(
        config.directory(),
        &server_url,
        settings.ca_file.as_deref(),
        &passphrase,
    )
    .await?;
    use_passphrase_for_resume_key(&app, &keyring, &passphrase);
    let info = active.info.clone();
    if let Some(previous) = sessions.take().await {
        revoke_quietly(&previous.connection).await;
    }
    sessions.set(active).await;
    log::info!("unlocked the saved session of member {}", info.member_id);
    Ok(info)
}

/// Returns the current session, restoring one the keyring keeps for the saved server,
/// or null when signed out.
#[tauri::command]
pub async fn current_session(
    sessions: State<'_, SessionState>,
    keyring: State<'_, KeyringStatus>,
    config: State<'_, std::sync::Arc<ConfigStore>>,
) -> AppResult<Option<SessionInfo>> {
    if let Some(active) = sessions.current().await {
        return Ok(Some(active.info));
    }
    let settings = config.settings();
    let Some(server_url) = settings.server_url.filter(|_| keyring.available) else {
        return Ok(None);
    };
    match session::restore(&server_url, settings.ca_file.as_deref()).await {
        Ok(Some(active)) => {
            let info = active.info.clone();
            sessions.set(active).await;
            log::info!("restored the session of member {}", info.member_id);
            Ok(Some(info))
        }
        Ok(None) => Ok(None),
        Err(error) => {
            log::warn!("restoring the stored session failed: {}", error.code);
            Ok(None)
        }
    }
}

/// Revokes the session on the service and discards it here.
#[tauri::command]
pub async fn sign_out(app: AppHandle, sessions: State<'_, SessionState>) -> AppResult<()> {
    end_session(&app, &sessions, SessionEndReason::SignedOut).await;
    Ok(())
}

/// Runs a service call with the current session's connection; a session the service no
/// longer accepts is ended with `session-ended { reason: "expired" }`.
pub(crate) async fn with_session<T, F, Fut>(app: &AppHandle, work: F) -> AppResult<T>
where
    F: FnOnce(Connection) -> Fut,
    Fut: Future<Output = AppResult<T>>,
{
    app.state::<IdleClock>().touch();
    let sessions = app.state::<SessionState>();
    let connection = sessions.connection().await?;
    let result = work(connection).await;
    if let Err(error) = &result
        && matches!(
            error.code.as_str(),
            "auth.session_expired" | "auth.token_rejected"
        )
    {
        end_session(app, &sessions, SessionEndReason::Expired).await;
    }
    result
}

/// Discards the session, revoking it on the service unless it already expired there,
/// and emits `session-ended`.
pub(crate) async fn end_session(
    app: &AppHandle,
    sessions: &SessionState,
    reason: SessionEndReason,
) {
    let Some(active) = sessions.take().await else {
        return;
    };
    if reason != SessionEndReason::Expired {
        revoke_quietly(&active.connection).await;
    }
    if let Some(stored) = &active.stored {
        session::forget_stored(stored);
    }
    app.state::<std::sync::Arc<UploadJobs>>()
        .forget_passphrase_file();
    // Dropping the connection wipes the token from memory.
    drop(active);
    log::info!("session ended: {reason:?}");
    if let Err(error) = app.emit(names::SESSION_ENDED, SessionEnded { reason }) {
        log::warn!("sending session-ended failed: {error}");
    }
}

/// Signs out after the service's idle period without a command from the member.
pub fn spawn_idle_watcher(app: AppHandle) {
    tauri::async_runtime::spawn(async move {
        loop {
            tokio::time::sleep(IDLE_CHECK_INTERVAL).await;
            let Some(active) = app.state::<SessionState>().current().await else {
                continue;
            };
            if app.state::<IdleClock>().idle_for() >= active.idle_timeout {
                let sessions = app.state::<SessionState>();
                end_session(&app, &sessions, SessionEndReason::IdleTimeout).await;
            }
        }
    });
}

async fn revoke_quietly(connection: &Connection) {
    if let Err(error) = session::revoke(connection).await {
        log::warn!("revoking the session on the service failed: {}", error.code);
    }
}

/// Saves the server, CA file and email (never the password) as the next defaults.
fn remember_sign_in(config: &ConfigStore, request: &SignInRequest) {
    let mut settings = config.settings();
    settings.server_url = Some(request.server_url.trim().to_owned());
    settings.ca_file = request
        .ca_file
        .clone()
        .filter(|path| !path.trim().is_empty());
    settings.email = Some(request.email.trim().to_owned());
    if let Err(error) = config.save(settings) {
        log::warn!("saving the sign-in defaults failed: {}", error.message);
    }
}
