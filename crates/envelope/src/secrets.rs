//! Per-upload secrets: the data key and the finished header.

use std::fmt;

use rand_core::{CryptoRng, OsRng, RngCore, UnwrapErr};
use zeroize::Zeroizing;

use crate::error::{Error, Result};
use crate::format::{
    self, FIXED_HEADER_LEN, Header, HeaderFields, KEY_ID_END, NONCE_PREFIX_LEN, TAG_LEN,
};
use crate::keys::{KeyId, Recipient};
use crate::metadata::Metadata;
use crate::schedule::{self, DataKey, PayloadKey};

/// Version byte of the [`UploadSecrets::to_bytes`] encoding.
const SECRETS_VERSION: u8 = 1;

/// Everything needed to produce an upload's ciphertext again: the data key and the
/// finished header (which contains the nonce prefix, chunk size and metadata).
///
/// Create one per upload with [`UploadSecrets::new`]; **never reuse one for a different
/// plaintext**, because chunk nonces repeat under the same key. Store it with
/// [`UploadSecrets::to_bytes`] (for example in the OS keyring) to resume after a restart.
/// The data key is zeroized on drop and `Debug` never shows it.
#[derive(Clone)]
pub struct UploadSecrets {
    data_key: DataKey,
    header: Header,
    metadata: Metadata,
}

impl UploadSecrets {
    /// Creates the secrets for a new upload to `recipient`, with a fresh random data key
    /// and nonce prefix. `chunk_size` is the plaintext chunk size in bytes
    /// ([`DEFAULT_CHUNK_SIZE`](crate::DEFAULT_CHUNK_SIZE) unless there is a reason).
    pub fn new(recipient: &Recipient, metadata: Metadata, chunk_size: u32) -> Result<Self> {
        // UnwrapErr panics if the operating system's random source fails, as the
        // getrandom-based generators of the RustCrypto crates do; there is no safe fallback.
        let mut rng = UnwrapErr(OsRng);
        let mut data_key = Zeroizing::new([0u8; 32]);
        rng.fill_bytes(data_key.as_mut());
        let mut nonce_prefix = [0u8; NONCE_PREFIX_LEN];
        rng.fill_bytes(&mut nonce_prefix);
        Self::build(
            recipient,
            metadata,
            chunk_size,
            data_key,
            nonce_prefix,
            &mut rng,
        )
    }

    /// Creates secrets from fixed randomness, for known-answer test vectors only.
    ///
    /// `ephemeral_ikm` is the input keying material of HPKE's ephemeral key pair
    /// (`DeriveKeyPair`, RFC 9180 section 7.1.3). Reusing any of these values for real
    /// uploads destroys confidentiality.
    #[doc(hidden)]
    pub fn new_for_test_vectors(
        recipient: &Recipient,
        metadata: Metadata,
        chunk_size: u32,
        data_key: [u8; 32],
        nonce_prefix: [u8; NONCE_PREFIX_LEN],
        ephemeral_ikm: [u8; 32],
    ) -> Result<Self> {
        let mut rng = FixedBytes(ephemeral_ikm, 0);
        Self::build(
            recipient,
            metadata,
            chunk_size,
            Zeroizing::new(data_key),
            nonce_prefix,
            &mut rng,
        )
    }

    fn build(
        recipient: &Recipient,
        metadata: Metadata,
        chunk_size: u32,
        data_key: DataKey,
        nonce_prefix: [u8; NONCE_PREFIX_LEN],
        rng: &mut impl CryptoRng,
    ) -> Result<Self> {
        format::check_chunk_size(chunk_size)?;
        let json = Zeroizing::new(metadata.to_json()?);
        let mut fields = HeaderFields {
            key_id: recipient.key_id(),
            enc: [0; format::ENC_LEN],
            wrapped_key: [0; format::WRAPPED_KEY_LEN],
            nonce_prefix,
            chunk_size,
        };
        // The HPKE associated data is the header up to the key id, which does not depend
        // on the HPKE output, so a placeholder header supplies it.
        let draft = Header::build(&fields, json.len() + TAG_LEN);
        (fields.enc, fields.wrapped_key) =
            schedule::wrap_data_key(recipient, &data_key, &draft[..KEY_ID_END], rng)?;
        let mut bytes = Header::build(&fields, json.len() + TAG_LEN);
        let block =
            schedule::seal_metadata(&data_key, &nonce_prefix, &bytes[..FIXED_HEADER_LEN], &json);
        bytes.extend_from_slice(&block);
        Ok(UploadSecrets {
            data_key,
            header: Header::from_bytes(bytes)?,
            metadata,
        })
    }

    /// Rebuilds secrets from an opened header; the opener uses this.
    pub(crate) fn from_parts(data_key: DataKey, header: Header) -> Result<Self> {
        let json = schedule::open_metadata(&data_key, &header)?;
        let metadata = Metadata::from_json(&json)?;
        Ok(UploadSecrets {
            data_key,
            header,
            metadata,
        })
    }

    /// The exact header bytes every copy of this upload's ciphertext starts with.
    pub fn header_bytes(&self) -> &[u8] {
        self.header.bytes()
    }

    /// The metadata sealed in the header.
    pub fn metadata(&self) -> &Metadata {
        &self.metadata
    }

    /// Plaintext chunk size in bytes.
    pub fn chunk_size(&self) -> u32 {
        self.header.chunk_size()
    }

    /// Key id of the recipient the data key is wrapped to.
    pub fn key_id(&self) -> KeyId {
        self.header.key_id()
    }

    /// Total ciphertext length (header and payload) for a plaintext of `plaintext_len` bytes.
    pub fn ciphertext_len(&self, plaintext_len: u64) -> Result<u64> {
        Ok(self.header.bytes().len() as u64
            + format::ciphertext_len(plaintext_len, self.chunk_size())?)
    }

    /// Encodes the secrets for storage: a version byte, the 32-byte data key, then the
    /// header. The result contains the data key, so store it as a secret.
    pub fn to_bytes(&self) -> Zeroizing<Vec<u8>> {
        let mut bytes = Zeroizing::new(Vec::with_capacity(1 + 32 + self.header.bytes().len()));
        bytes.push(SECRETS_VERSION);
        bytes.extend_from_slice(self.data_key.as_ref());
        bytes.extend_from_slice(self.header.bytes());
        bytes
    }

    /// Decodes secrets stored with [`UploadSecrets::to_bytes`], checking that the data key
    /// opens the header's metadata.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        let (&version, rest) = bytes
            .split_first()
            .ok_or(Error::InvalidSecrets("the encoding is empty"))?;
        if version != SECRETS_VERSION {
            return Err(Error::InvalidSecrets("unknown encoding version"));
        }
        if rest.len() < 32 {
            return Err(Error::InvalidSecrets("the encoding is truncated"));
        }
        let (key_bytes, header_bytes) = rest.split_at(32);
        let mut data_key = Zeroizing::new([0u8; 32]);
        data_key.copy_from_slice(key_bytes);
        if header_bytes.len() > format::MAX_HEADER_LEN {
            return Err(Error::InvalidSecrets("the header is too long"));
        }
        let header = Header::from_bytes(header_bytes.to_vec())?;
        Self::from_parts(data_key, header).map_err(|error| match error {
            Error::HeaderAuthentication => {
                Error::InvalidSecrets("the data key does not match the header")
            }
            other => other,
        })
    }

    pub(crate) fn payload_key(&self) -> PayloadKey {
        PayloadKey::derive(&self.data_key, &self.header)
    }
}

impl fmt::Debug for UploadSecrets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UploadSecrets")
            .field("key_id", &self.key_id())
            .field("chunk_size", &self.chunk_size())
            .field("header_len", &self.header.bytes().len())
            .field("data_key", &"<redacted>")
            .finish()
    }
}

/// A "random" source that returns fixed bytes, so test vectors can pin HPKE's ephemeral
/// key. `hpke` 0.13 draws exactly one private key's worth (32 bytes) per encapsulation.
struct FixedBytes([u8; 32], usize);

impl RngCore for FixedBytes {
    fn next_u32(&mut self) -> u32 {
        let mut bytes = [0u8; 4];
        self.fill_bytes(&mut bytes);
        u32::from_le_bytes(bytes)
    }

    fn next_u64(&mut self) -> u64 {
        let mut bytes = [0u8; 8];
        self.fill_bytes(&mut bytes);
        u64::from_le_bytes(bytes)
    }

    fn fill_bytes(&mut self, dest: &mut [u8]) {
        // Past the fixed bytes it repeats them; a second draw would make the vectors
        // depend on hpke internals, which the known-answer test then detects.
        for byte in dest {
            *byte = self.0[self.1 % 32];
            self.1 += 1;
        }
    }
}

/// Only known-answer vectors use it, never a real upload.
impl CryptoRng for FixedBytes {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::Identity;

    #[test]
    fn secrets_bytes_round_trip() {
        let identity = Identity::derive(&[5; 32]);
        let metadata = Metadata {
            file_name: Some("list.csv".into()),
            ..Metadata::default()
        };
        let secrets = UploadSecrets::new(identity.recipient(), metadata.clone(), 4096).unwrap();
        let restored = UploadSecrets::from_bytes(&secrets.to_bytes()).unwrap();
        assert_eq!(restored.header_bytes(), secrets.header_bytes());
        assert_eq!(restored.metadata(), &metadata);
    }

    #[test]
    fn secrets_reject_wrong_data_key() {
        let identity = Identity::derive(&[5; 32]);
        let secrets = UploadSecrets::new(identity.recipient(), Metadata::default(), 4096).unwrap();
        let mut bytes = secrets.to_bytes();
        bytes[1] ^= 1;
        assert!(matches!(
            UploadSecrets::from_bytes(&bytes),
            Err(Error::InvalidSecrets(_))
        ));
    }

    #[test]
    fn secrets_debug_redacts_key() {
        let identity = Identity::derive(&[5; 32]);
        let secrets = UploadSecrets::new(identity.recipient(), Metadata::default(), 4096).unwrap();
        let key_hex = hex::encode(secrets.data_key.as_ref());
        let debug = format!("{secrets:?}");
        assert!(debug.contains("<redacted>"));
        assert!(!debug.contains(&key_hex));
    }

    #[test]
    fn fresh_secrets_differ() {
        let identity = Identity::derive(&[5; 32]);
        let first = UploadSecrets::new(identity.recipient(), Metadata::default(), 4096).unwrap();
        let second = UploadSecrets::new(identity.recipient(), Metadata::default(), 4096).unwrap();
        assert_ne!(first.header_bytes(), second.header_bytes());
    }
}
