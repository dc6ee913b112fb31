//! Per-server settings kept in the user's config directory: never secrets.
//!
//! Each server has one TOML file under `servers/`, named after its host and port, and
//! the file `current` names the server that commands use when none is given.
//! `SEALPOST_CONFIG_DIR` overrides the directory, for tests and portable set-ups.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::connection::{ServerConfig, parse_base_url};
use crate::error::ClientError;

/// The environment variable that overrides the config directory.
pub const CONFIG_DIR_ENV: &str = "SEALPOST_CONFIG_DIR";

/// Storage place of a server's session token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenStorage {
    /// The operating system's keyring (Secret Service on Linux).
    Keyring,
    /// A file encrypted under a passphrase, next to the profile.
    EncryptedFile,
    /// Nowhere: the token lived only in the process that signed in.
    Process,
}

/// The settings of one server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    /// The service's base URL.
    pub url: String,
    /// An extra CA bundle trusted for this server.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ca_file: Option<PathBuf>,
    /// The email last used to sign in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// The upload key id seen at the last upload, to notice a rotation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upload_key_id: Option<String>,
    /// Storage place of the session token.
    pub token_storage: TokenStorage,
}

impl Profile {
    /// Returns the connection settings of this profile.
    pub fn server_config(&self) -> ServerConfig {
        ServerConfig::new(self.url.clone()).with_ca_file(self.ca_file.clone())
    }
}

/// The config directory: `SEALPOST_CONFIG_DIR`, else `sealpost` in the user's config
/// directory (`$XDG_CONFIG_HOME` or `~/.config` on Linux).
pub fn config_dir() -> Result<PathBuf, ClientError> {
    if let Some(dir) = std::env::var_os(CONFIG_DIR_ENV).filter(|dir| !dir.is_empty()) {
        return Ok(PathBuf::from(dir));
    }
    dirs::config_dir()
        .map(|dir| dir.join("sealpost"))
        .ok_or_else(|| ClientError::InvalidInput {
            message: format!(
                "cannot find the user's config directory; set {CONFIG_DIR_ENV} to a directory"
            ),
        })
}

/// The file-name stem of a server: its host and port, such as `127.0.0.1_8443`.
pub fn server_slug(url: &str) -> Result<String, ClientError> {
    let parsed = parse_base_url(url)?;
    let host = parsed.host_str().unwrap_or("server");
    let port = parsed.port_or_known_default().unwrap_or(443);
    let slug: String = format!("{host}_{port}")
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    Ok(slug)
}

/// Returns the profile file of a server.
pub fn profile_path(dir: &Path, url: &str) -> Result<PathBuf, ClientError> {
    Ok(dir
        .join("servers")
        .join(format!("{}.toml", server_slug(url)?)))
}

/// Saves a profile and makes it the current server.
pub fn save(dir: &Path, profile: &Profile) -> Result<(), ClientError> {
    let path = profile_path(dir, &profile.url)?;
    let text = toml::to_string_pretty(profile).map_err(|error| ClientError::ConfigFile {
        path: path.clone(),
        reason: error.to_string(),
    })?;
    write_private(&path, text.as_bytes())?;
    write_private(&dir.join("current"), server_slug(&profile.url)?.as_bytes())
}

/// Loads the profile of `url`, or of the current server when `url` is `None`. Returns
/// `None` when there is no such profile.
pub fn load(dir: &Path, url: Option<&str>) -> Result<Option<Profile>, ClientError> {
    let path = match url {
        Some(url) => profile_path(dir, url)?,
        None => {
            let current = dir.join("current");
            match std::fs::read_to_string(&current) {
                Ok(slug) => dir.join("servers").join(format!("{}.toml", slug.trim())),
                Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
                Err(source) => {
                    return Err(ClientError::Io {
                        action: "read",
                        path: current,
                        source,
                    });
                }
            }
        }
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => {
            return Err(ClientError::Io {
                action: "read",
                path,
                source,
            });
        }
    };
    toml::from_str(&text)
        .map(Some)
        .map_err(|error| ClientError::ConfigFile {
            path,
            reason: error.to_string(),
        })
}

/// Writes a file readable by its owner only (mode 0600 on Unix), creating its directory.
pub(crate) fn write_private(path: &Path, bytes: &[u8]) -> Result<(), ClientError> {
    let io_error = |action: &'static str, source| ClientError::Io {
        action,
        path: path.to_owned(),
        source,
    };
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .map_err(|source| io_error("create the directory of", source))?;
    }
    // Write a temporary file and rename it, so a crash never leaves half a file.
    let temporary = path.with_extension("tmp");
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    let mut file = options
        .open(&temporary)
        .map_err(|source| io_error("write", source))?;
    file.write_all(bytes)
        .and_then(|()| file.sync_all())
        .map_err(|source| io_error("write", source))?;
    std::fs::rename(&temporary, path).map_err(|source| io_error("write", source))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn profile(url: &str) -> Profile {
        Profile {
            url: url.to_owned(),
            ca_file: Some(PathBuf::from("/tmp/ca.pem")),
            email: Some("admin@acme.example".to_owned()),
            upload_key_id: None,
            token_storage: TokenStorage::Keyring,
        }
    }

    #[test]
    fn save_then_load_current() {
        let dir = tempfile::tempdir().unwrap();
        let saved = profile("https://127.0.0.1:8443");
        save(dir.path(), &saved).unwrap();
        let loaded = load(dir.path(), None).unwrap().unwrap();
        assert_eq!(loaded, saved);
        let by_url = load(dir.path(), Some("https://127.0.0.1:8443/")).unwrap();
        assert_eq!(by_url, Some(saved));
    }

    #[test]
    fn missing_profile_is_none() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(load(dir.path(), None).unwrap(), None);
        let other = load(dir.path(), Some("https://other.example")).unwrap();
        assert_eq!(other, None);
    }

    #[test]
    fn malformed_profile_is_reported() {
        let dir = tempfile::tempdir().unwrap();
        let path = profile_path(dir.path(), "https://host.example").unwrap();
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, "url = [").unwrap();
        let error = load(dir.path(), Some("https://host.example")).unwrap_err();
        assert_eq!(error.code(), "config.invalid_file");
    }

    #[cfg(unix)]
    #[test]
    fn profile_file_is_private() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = tempfile::tempdir().unwrap();
        save(dir.path(), &profile("https://host.example")).unwrap();
        let path = profile_path(dir.path(), "https://host.example").unwrap();
        let mode = std::fs::metadata(path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    #[test]
    fn slug_has_host_and_port() {
        assert_eq!(
            server_slug("https://127.0.0.1:8443").unwrap(),
            "127.0.0.1_8443"
        );
        assert_eq!(server_slug("https://[::1]:9/x").unwrap(), "___1__9");
        assert_eq!(
            server_slug("https://host.example").unwrap(),
            "host.example_443"
        );
    }
}
