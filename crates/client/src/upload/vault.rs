//! Sealing the envelope's upload secrets (data key, nonce prefix, header) before they are
//! saved in a resume state file, with AES-256-GCM under the resume key.

use aes_gcm::aead::{Aead, Payload};
use aes_gcm::{Aes256Gcm, KeyInit, Nonce};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use rand_core::{OsRng, RngCore, UnwrapErr};
use sealpost_envelope::UploadSecrets;
use zeroize::Zeroizing;

/// The 256-bit key that seals resume secrets. It never leaves the OS keyring (or the
/// fallback store) except in memory, wiped on drop.
pub type ResumeKey = Zeroizing<[u8; 32]>;

const NONCE_LEN: usize = 12;

/// Why sealed secrets could not be opened.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum VaultError {
    #[error("the saved secrets are not valid base64")]
    Encoding,
    #[error(
        "the saved secrets do not open with the resume key (the key in the keyring changed, or the file was altered)"
    )]
    Authentication,
    #[error("the saved secrets are invalid: {0}")]
    Secrets(String),
}

/// Seals `secrets` under `key`, binding them to `context` (the state file's identity),
/// and returns base64 of the nonce followed by the ciphertext and tag.
pub(crate) fn seal(key: &ResumeKey, secrets: &UploadSecrets, context: &str) -> String {
    let cipher = Aes256Gcm::new(key.as_ref().into());
    let mut nonce = [0u8; NONCE_LEN];
    UnwrapErr(OsRng).fill_bytes(&mut nonce);
    let plaintext = secrets.to_bytes();
    let payload = Payload {
        msg: plaintext.as_slice(),
        aad: context.as_bytes(),
    };
    // AES-GCM encryption fails only for inputs over 64 GiB; the secrets are below 17 KiB.
    let sealed = cipher
        .encrypt(Nonce::from_slice(&nonce), payload)
        .expect("AES-GCM seals any input under 64 GiB");
    let mut out = Vec::with_capacity(NONCE_LEN + sealed.len());
    out.extend_from_slice(&nonce);
    out.extend_from_slice(&sealed);
    STANDARD.encode(out)
}

/// Opens secrets sealed by [`seal`] with the same key and context.
pub(crate) fn open(
    key: &ResumeKey,
    sealed: &str,
    context: &str,
) -> Result<UploadSecrets, VaultError> {
    let bytes = STANDARD
        .decode(sealed.trim())
        .map_err(|_| VaultError::Encoding)?;
    if bytes.len() < NONCE_LEN {
        return Err(VaultError::Authentication);
    }
    let (nonce, body) = bytes.split_at(NONCE_LEN);
    let cipher = Aes256Gcm::new(key.as_ref().into());
    let payload = Payload {
        msg: body,
        aad: context.as_bytes(),
    };
    let plaintext = Zeroizing::new(
        cipher
            .decrypt(Nonce::from_slice(nonce), payload)
            .map_err(|_| VaultError::Authentication)?,
    );
    UploadSecrets::from_bytes(&plaintext).map_err(|error| VaultError::Secrets(error.to_string()))
}

/// Makes a fresh random resume key.
pub(crate) fn generate_key() -> ResumeKey {
    let mut key = Zeroizing::new([0u8; 32]);
    UnwrapErr(OsRng).fill_bytes(key.as_mut());
    key
}

#[cfg(test)]
mod tests {
    use sealpost_envelope::{Identity, Metadata};

    use super::*;

    fn secrets() -> UploadSecrets {
        let identity = Identity::derive(&[9; 32]);
        UploadSecrets::new(identity.recipient(), Metadata::default(), 4096).unwrap()
    }

    #[test]
    fn vault_round_trip() {
        let key = generate_key();
        let secrets = secrets();
        let sealed = seal(&key, &secrets, "upload-a");
        let opened = open(&key, &sealed, "upload-a").unwrap();
        assert_eq!(opened.header_bytes(), secrets.header_bytes());
    }

    #[test]
    fn vault_hides_the_data_key() {
        let key = generate_key();
        let secrets = secrets();
        let plain = secrets.to_bytes();
        let sealed = STANDARD.decode(seal(&key, &secrets, "upload-a")).unwrap();
        // The data key is bytes 1..33 of the encoding; it must not appear in the output.
        let data_key = &plain[1..33];
        assert!(!sealed.windows(32).any(|window| window == data_key));
    }

    #[test]
    fn vault_rejects_other_key_or_context() {
        let key = generate_key();
        let sealed = seal(&key, &secrets(), "upload-a");
        assert_eq!(
            open(&generate_key(), &sealed, "upload-a").unwrap_err(),
            VaultError::Authentication
        );
        assert_eq!(
            open(&key, &sealed, "upload-b").unwrap_err(),
            VaultError::Authentication
        );
        assert_eq!(
            open(&key, "not base64!", "upload-a").unwrap_err(),
            VaultError::Encoding
        );
    }
}
