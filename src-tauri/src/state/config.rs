//! Settings and mapping templates, kept as JSON files in the app's config folder.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use sealpost_lists::TemplateStore;

use crate::types::{AppError, Settings, SignInDefaults};

/// The settings file and the template file, with the settings cached in memory.
#[derive(Debug)]
pub struct ConfigStore {
    directory: PathBuf,
    settings: Mutex<Settings>,
    templates: Mutex<()>,
}

impl ConfigStore {
    /// Loads the settings from `directory`; a missing or invalid file gives the defaults
    /// (an invalid one is logged, then replaced on the next save).
    pub fn load(directory: &Path) -> Self {
        let settings = match std::fs::read_to_string(directory.join(SETTINGS_FILE)) {
            Ok(text) => serde_json::from_str(&text).unwrap_or_else(|error| {
                log::warn!("ignoring the invalid settings file: {error}");
                Settings::default()
            }),
            Err(_) => Settings::default(),
        };
        Self {
            directory: directory.to_owned(),
            settings: Mutex::new(settings),
            templates: Mutex::new(()),
        }
    }

    /// Returns the folder of the settings file, which also contains the session token files.
    pub fn directory(&self) -> &Path {
        &self.directory
    }

    /// Returns the current settings.
    pub fn settings(&self) -> Settings {
        lock(&self.settings).clone()
    }

    /// Validates and saves `settings`.
    pub fn save(&self, settings: Settings) -> Result<(), AppError> {
        if let Some(url) = settings.server_url.as_deref()
            && !url.is_empty()
            && !url.starts_with("https://")
        {
            return Err(AppError::new(
                "config.http_url_refused",
                format!(
                    "the server URL {url:?} does not start with https://; use the service's https address"
                ),
            ));
        }
        let text = serde_json::to_string_pretty(&settings).map_err(|error| {
            AppError::new("io.error", format!("encoding settings failed: {error}"))
        })?;
        write_atomically(&self.directory, SETTINGS_FILE, &text)?;
        *lock(&self.settings) = settings;
        Ok(())
    }

    /// Returns the sign-in defaults: the environment's, else the saved ones.
    pub fn sign_in_defaults(&self) -> SignInDefaults {
        let settings = self.settings();
        let from_env = |name| {
            std::env::var(name)
                .ok()
                .filter(|value: &String| !value.is_empty())
        };
        SignInDefaults {
            server_url: from_env("SEALPOST_SERVER_URL").or(settings.server_url),
            ca_file: from_env("SEALPOST_CA_FILE").or(settings.ca_file),
        }
    }

    /// Loads the templates, runs `change` on them and saves them when it returns `true`.
    pub fn with_templates<T>(
        &self,
        change: impl FnOnce(&mut TemplateStore) -> Result<(T, bool), AppError>,
    ) -> Result<T, AppError> {
        let _guard = lock(&self.templates);
        let path = self.directory.join(TEMPLATES_FILE);
        let mut store = TemplateStore::load(&path).map_err(|error| {
            AppError::new(
                "io.error",
                format!("loading mapping templates failed: {error}"),
            )
        })?;
        let (value, changed) = change(&mut store)?;
        if changed {
            std::fs::create_dir_all(&self.directory)
                .map_err(|error| AppError::io("creating the config folder", &error))?;
            store.save(&path).map_err(|error| {
                AppError::new(
                    "io.error",
                    format!("saving mapping templates failed: {error}"),
                )
            })?;
        }
        Ok(value)
    }
}

const SETTINGS_FILE: &str = "settings.json";
const TEMPLATES_FILE: &str = "mapping-templates.json";

fn write_atomically(directory: &Path, name: &str, text: &str) -> Result<(), AppError> {
    std::fs::create_dir_all(directory)
        .map_err(|error| AppError::io("creating the config folder", &error))?;
    let temporary = directory.join(format!("{name}.tmp"));
    std::fs::write(&temporary, text).map_err(|error| AppError::io("writing settings", &error))?;
    std::fs::rename(&temporary, directory.join(name))
        .map_err(|error| AppError::io("replacing settings", &error))
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_round_trip() {
        let directory = tempfile::tempdir().unwrap();
        let store = ConfigStore::load(directory.path());
        let settings = Settings {
            server_url: Some("https://127.0.0.1:8443".into()),
            email: Some("marketer@acme.example".into()),
            ..Settings::default()
        };
        store.save(settings.clone()).unwrap();
        let reloaded = ConfigStore::load(directory.path());
        assert_eq!(reloaded.settings(), settings);
    }

    #[test]
    fn plain_http_url_is_refused() {
        let directory = tempfile::tempdir().unwrap();
        let store = ConfigStore::load(directory.path());
        let settings = Settings {
            server_url: Some("http://127.0.0.1:8080".into()),
            ..Settings::default()
        };
        let error = store.save(settings).unwrap_err();
        assert_eq!(error.code, "config.http_url_refused");
    }

    #[test]
    fn invalid_settings_file_gives_defaults() {
        let directory = tempfile::tempdir().unwrap();
        std::fs::write(directory.path().join(SETTINGS_FILE), "{not json").unwrap();
        let store = ConfigStore::load(directory.path());
        assert_eq!(store.settings(), Settings::default());
    }
}
