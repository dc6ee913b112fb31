//! Session token storage: the OS keyring, a passphrase-encrypted file, or only
//! the running process. A token is never written in plain text.
//!
//! The keyring calls block (they talk to D-Bus on Linux), so async callers should run
//! them with `tokio::task::spawn_blocking`.

pub mod file;
pub mod keyring;

pub use file::{load_token_file, save_token_file, token_file_path};
pub use keyring::{KeyringStore, keyring_status};
