//! Settings, start-up information and the signed-in session.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Colour scheme of the window.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum Theme {
    /// Follow the desktop's setting.
    #[default]
    System,
    /// Light colours.
    Light,
    /// Dark colours.
    Dark,
}

/// Minimum level written to the log files.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum LogLevel {
    /// Errors only.
    Error,
    /// Errors and warnings.
    Warn,
    /// Errors, warnings and progress messages.
    #[default]
    Info,
    /// Everything, for diagnosing a problem.
    Debug,
}

/// Settings kept in the app's config folder between runs.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
pub struct Settings {
    /// The service's base URL, `https://` only.
    #[ts(optional)]
    pub server_url: Option<String>,
    /// A PEM file of extra certificate authorities to trust for the service.
    #[ts(optional)]
    pub ca_file: Option<String>,
    /// An HTTPS proxy URL.
    #[ts(optional)]
    pub proxy: Option<String>,
    /// Colour scheme.
    pub theme: Theme,
    /// Log file level.
    pub log_level: LogLevel,
    /// The email address last used to sign in.
    #[ts(optional)]
    pub email: Option<String>,
}

/// Whether the operating system's keyring can hold the session secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct KeyringStatus {
    /// True when the keyring answered at start-up.
    pub available: bool,
    /// Why it is not available, in plain words.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub reason: Option<String>,
}

/// Facts about the running app.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AppInfo {
    /// The app's version.
    pub version: String,
    /// The folder that contains the log files.
    pub log_dir: String,
    /// Keyring availability.
    pub keyring: KeyringStatus,
    /// Defaults for the sign-in screen from `SEALPOST_SERVER_URL` and `SEALPOST_CA_FILE`.
    pub defaults: SignInDefaults,
    /// A session kept in a passphrase-protected file, which `unlock_session` opens.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub locked_session: Option<LockedSession>,
}

/// A session kept in a passphrase-protected file from an earlier run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct LockedSession {
    /// The server the session belongs to.
    pub server_url: String,
    /// The email of the last sign-in, when saved.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub email: Option<String>,
}

/// Sign-in defaults taken from the environment, then from the saved settings.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SignInDefaults {
    /// Service base URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub server_url: Option<String>,
    /// Extra certificate authority file.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub ca_file: Option<String>,
}

/// Where the session secret is kept between runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum SecretStorage {
    /// The operating system's keyring.
    Keyring,
    /// Memory only: signing out or quitting forgets it.
    Session,
    /// A file in the app data folder, encrypted with a passphrase.
    PassphraseFile,
}

/// The `sign_in` request.
#[derive(Clone, PartialEq, Eq, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SignInRequest {
    /// The service's base URL.
    pub server_url: String,
    /// Extra certificate authority file.
    #[serde(default)]
    #[ts(optional)]
    pub ca_file: Option<String>,
    /// The member's email.
    pub email: String,
    /// The member's password.
    pub password: String,
    /// The current six-digit code, when the service asked for one.
    #[serde(default)]
    #[ts(optional)]
    pub totp: Option<String>,
    /// Where to keep the session secret.
    pub storage: SecretStorage,
    /// The passphrase for `passphrase_file` storage.
    #[serde(default)]
    #[ts(optional)]
    pub passphrase: Option<String>,
}

impl std::fmt::Debug for SignInRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignInRequest")
            .field("server_url", &self.server_url)
            .field("ca_file", &self.ca_file)
            .field("email", &self.email)
            .field("storage", &self.storage)
            .finish_non_exhaustive()
    }
}

/// A member's role within the account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Manages members, tokens and settings, and uploads.
    Admin,
    /// Uploads lists and follows their own uploads.
    Marketer,
    /// Reads upload history and timelines across the account.
    Support,
}

impl From<sealpost_api::Role> for Role {
    fn from(role: sealpost_api::Role) -> Self {
        match role {
            sealpost_api::Role::Admin => Role::Admin,
            sealpost_api::Role::Marketer => Role::Marketer,
            sealpost_api::Role::Support => Role::Support,
        }
    }
}

impl From<Role> for sealpost_api::Role {
    fn from(role: Role) -> Self {
        match role {
            Role::Admin => sealpost_api::Role::Admin,
            Role::Marketer => sealpost_api::Role::Marketer,
            Role::Support => sealpost_api::Role::Support,
        }
    }
}

/// The signed-in member.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SessionInfo {
    /// The member's email.
    pub email: String,
    /// The member's id.
    pub member_id: String,
    /// The member's role.
    pub role: Role,
    /// The account's display name.
    pub account_name: String,
    /// When the session expires (RFC 3339), if the service said.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub expires_at: Option<String>,
    /// Minutes without activity after which the app signs out.
    pub idle_timeout_minutes: u32,
}
