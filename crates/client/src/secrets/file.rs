//! Session tokens in a file encrypted under a passphrase, for machines without a keyring.
//!
//! The key is Argon2id of the passphrase with a random 16-byte salt. The token is sealed
//! with AES-256-GCM under a random 12-byte nonce. The server URL is the associated data,
//! so a file renamed to another server does not open. The file is JSON with the KDF
//! parameters, salt, nonce and ciphertext in base64, mode 0600.

use std::path::{Path, PathBuf};

use aes_gcm::aead::{Aead, Payload};
use aes_gcm::{Aes256Gcm, KeyInit, Nonce};
use argon2::{Algorithm, Argon2, Params, Version};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use rand::RngCore as _;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::credential::Token;
use crate::error::ClientError;
use crate::profile::{server_slug, write_private};

/// Argon2id memory cost in KiB (19 MiB).
const MEMORY_KIB: u32 = 19 * 1024;
/// Argon2id passes.
const ITERATIONS: u32 = 2;
/// Argon2id lanes.
const LANES: u32 = 1;
/// The highest memory cost accepted from a file, so a crafted file cannot exhaust memory.
const MAX_MEMORY_KIB: u32 = 1024 * 1024;
/// The highest pass count accepted from a file.
const MAX_ITERATIONS: u32 = 16;

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct TokenFile {
    format: String,
    kdf: String,
    memory_kib: u32,
    iterations: u32,
    lanes: u32,
    salt: String,
    nonce: String,
    ciphertext: String,
}

const FORMAT: &str = "sealpost-token-file-v1";

/// Returns the token file of a server inside the config directory.
pub fn token_file_path(config_dir: &Path, url: &str) -> Result<PathBuf, ClientError> {
    Ok(config_dir
        .join("tokens")
        .join(format!("{}.json", server_slug(url)?)))
}

/// Encrypts `token` under `passphrase` and writes it to `path`.
pub fn save_token_file(
    path: &Path,
    url: &str,
    passphrase: &str,
    token: &Token,
) -> Result<(), ClientError> {
    check_passphrase(passphrase)?;
    let mut salt = [0u8; 16];
    let mut nonce = [0u8; 12];
    rand::rngs::OsRng.fill_bytes(&mut salt);
    rand::rngs::OsRng.fill_bytes(&mut nonce);
    let key = derive_key(passphrase, &salt, MEMORY_KIB, ITERATIONS, LANES)?;
    let cipher = Aes256Gcm::new_from_slice(key.as_slice()).map_err(crypto_error)?;
    let aad = associated_data(url);
    let payload = Payload {
        msg: token.expose().as_bytes(),
        aad: aad.as_bytes(),
    };
    let ciphertext = cipher
        .encrypt(Nonce::from_slice(&nonce), payload)
        .map_err(|_| ClientError::InvalidInput {
            message: "cannot encrypt the token".to_owned(),
        })?;
    let file = TokenFile {
        format: FORMAT.to_owned(),
        kdf: "argon2id".to_owned(),
        memory_kib: MEMORY_KIB,
        iterations: ITERATIONS,
        lanes: LANES,
        salt: BASE64.encode(salt),
        nonce: BASE64.encode(nonce),
        ciphertext: BASE64.encode(ciphertext),
    };
    let text = serde_json::to_vec_pretty(&file).map_err(|error| ClientError::ConfigFile {
        path: path.to_owned(),
        reason: error.to_string(),
    })?;
    write_private(path, &text)
}

/// Reads and decrypts the token in `path`. A wrong passphrase, or a file that was
/// altered or belongs to another server, gives [`ClientError::WrongPassphrase`].
pub fn load_token_file(path: &Path, url: &str, passphrase: &str) -> Result<Token, ClientError> {
    let text = std::fs::read(path).map_err(|source| ClientError::Io {
        action: "read",
        path: path.to_owned(),
        source,
    })?;
    let invalid = |reason: &str| ClientError::ConfigFile {
        path: path.to_owned(),
        reason: reason.to_owned(),
    };
    let file: TokenFile =
        serde_json::from_slice(&text).map_err(|error| invalid(&error.to_string()))?;
    if file.format != FORMAT || file.kdf != "argon2id" {
        return Err(invalid("unknown token file format"));
    }
    if file.memory_kib > MAX_MEMORY_KIB || file.iterations > MAX_ITERATIONS || file.lanes > 16 {
        return Err(invalid("the key derivation parameters are out of range"));
    }
    let salt = BASE64
        .decode(&file.salt)
        .map_err(|_| invalid("the salt is not base64"))?;
    let nonce = BASE64
        .decode(&file.nonce)
        .map_err(|_| invalid("the nonce is not base64"))?;
    let ciphertext = BASE64
        .decode(&file.ciphertext)
        .map_err(|_| invalid("the ciphertext is not base64"))?;
    if nonce.len() != 12 {
        return Err(invalid("the nonce is not 12 bytes"));
    }
    let key = derive_key(
        passphrase,
        &salt,
        file.memory_kib,
        file.iterations,
        file.lanes,
    )?;
    let cipher = Aes256Gcm::new_from_slice(key.as_slice()).map_err(crypto_error)?;
    let aad = associated_data(url);
    let payload = Payload {
        msg: &ciphertext,
        aad: aad.as_bytes(),
    };
    let plaintext = Zeroizing::new(cipher.decrypt(Nonce::from_slice(&nonce), payload).map_err(
        |_| ClientError::WrongPassphrase {
            path: path.to_owned(),
        },
    )?);
    let token = std::str::from_utf8(&plaintext).map_err(|_| invalid("the token is not text"))?;
    Ok(Token::new(token))
}

fn check_passphrase(passphrase: &str) -> Result<(), ClientError> {
    if passphrase.chars().count() < 8 {
        return Err(ClientError::InvalidInput {
            message: "the passphrase is too short: use at least 8 characters".to_owned(),
        });
    }
    Ok(())
}

fn associated_data(url: &str) -> String {
    format!("{FORMAT}\n{}", url.trim().trim_end_matches('/'))
}

fn derive_key(
    passphrase: &str,
    salt: &[u8],
    memory_kib: u32,
    iterations: u32,
    lanes: u32,
) -> Result<Zeroizing<[u8; 32]>, ClientError> {
    let params = Params::new(memory_kib, iterations, lanes, Some(32)).map_err(crypto_error)?;
    let argon2 = Argon2::new(Algorithm::Argon2id, Version::V0x13, params);
    let mut key = Zeroizing::new([0u8; 32]);
    argon2
        .hash_password_into(passphrase.as_bytes(), salt, key.as_mut_slice())
        .map_err(crypto_error)?;
    Ok(key)
}

fn crypto_error(error: impl std::fmt::Display) -> ClientError {
    ClientError::InvalidInput {
        message: format!("cannot derive the token file key: {error}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const URL: &str = "https://127.0.0.1:8443";

    #[test]
    fn round_trip_with_right_passphrase() {
        let dir = tempfile::tempdir().unwrap();
        let path = token_file_path(dir.path(), URL).unwrap();
        let token = Token::new("sps_secret-session-token");
        save_token_file(&path, URL, "correct horse", &token).unwrap();
        let loaded = load_token_file(&path, URL, "correct horse").unwrap();
        assert_eq!(loaded.expose(), token.expose());
    }

    #[test]
    fn file_has_no_plaintext_and_mode_0600() {
        let dir = tempfile::tempdir().unwrap();
        let path = token_file_path(dir.path(), URL).unwrap();
        save_token_file(&path, URL, "correct horse", &Token::new("sps_plain-marker")).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(!text.contains("plain-marker"), "{text}");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn wrong_passphrase_is_clear() {
        let dir = tempfile::tempdir().unwrap();
        let path = token_file_path(dir.path(), URL).unwrap();
        save_token_file(&path, URL, "correct horse", &Token::new("sps_x")).unwrap();
        let error = load_token_file(&path, URL, "wrong horse").unwrap_err();
        assert_eq!(error.code(), "secrets.wrong_passphrase");
        assert!(error.to_string().contains("wrong passphrase"), "{error}");
    }

    #[test]
    fn other_server_does_not_open() {
        let dir = tempfile::tempdir().unwrap();
        let path = token_file_path(dir.path(), URL).unwrap();
        save_token_file(&path, URL, "correct horse", &Token::new("sps_x")).unwrap();
        let error = load_token_file(&path, "https://other.example", "correct horse").unwrap_err();
        assert_eq!(error.code(), "secrets.wrong_passphrase");
    }

    #[test]
    fn short_passphrase_rejected() {
        let dir = tempfile::tempdir().unwrap();
        let path = token_file_path(dir.path(), URL).unwrap();
        let error = save_token_file(&path, URL, "short", &Token::new("sps_x")).unwrap_err();
        assert_eq!(error.code(), "input.invalid");
        assert!(!path.exists());
    }

    #[test]
    fn oversized_parameters_rejected() {
        let dir = tempfile::tempdir().unwrap();
        let path = token_file_path(dir.path(), URL).unwrap();
        save_token_file(&path, URL, "correct horse", &Token::new("sps_x")).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        let edited = text.replace(
            &format!("\"memory_kib\": {MEMORY_KIB}"),
            "\"memory_kib\": 4000000000",
        );
        std::fs::write(&path, edited).unwrap();
        let error = load_token_file(&path, URL, "correct horse").unwrap_err();
        assert_eq!(error.code(), "config.invalid_file");
    }
}
