//! The key schedule: HPKE key wrapping, HKDF-derived metadata and payload keys, and the
//! STREAM nonce.
//!
//! The payload and metadata use ring's AES-256-GCM, because the throughput target is 0.7
//! times OpenSSL's and the RustCrypto `aes-gcm` 0.10 crate reaches only about 0.34 times.
//! On one AMD EPYC core with VAES, 64 KiB chunks, by CPU time: ring 0.17 about 8.9 GB/s,
//! `aes-gcm` 1.5 GB/s, OpenSSL 3.0 4.4 GB/s (`benches/aead.rs` and docs/benchmarks.md).
//! HPKE stays with the `hpke` crate, which wraps only 32 bytes per upload.

use hkdf::Hkdf;
use hpke::{Deserializable, Serializable};
use rand_core::CryptoRng;
use ring::aead::{AES_256_GCM, Aad, LessSafeKey, Nonce, UnboundKey};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::error::{Error, Result};
use crate::format::{ENC_LEN, Header, NONCE_PREFIX_LEN, TAG_LEN, WRAPPED_KEY_LEN};
use crate::keys::{Identity, Kem, Recipient};

type HpkeAead = hpke::aead::AesGcm256;
type HpkeKdf = hpke::kdf::HkdfSha256;
type EncappedKey = <Kem as hpke::Kem>::EncappedKey;

/// HPKE `info`, binding the wrapped key to this format and version.
const HPKE_INFO: &[u8] = b"sealpost-envelope v1 data key";
/// HKDF `info` for the metadata key.
const METADATA_KEY_INFO: &[u8] = b"sealpost-envelope v1 metadata key";
/// HKDF `info` prefix for the payload key; the SHA-256 of the whole header follows it.
const PAYLOAD_KEY_INFO: &[u8] = b"sealpost-envelope v1 payload key";

/// A fresh 256-bit key per upload, from which the metadata and payload keys derive.
pub(crate) type DataKey = Zeroizing<[u8; 32]>;

/// Seals `data_key` to `recipient` with HPKE base mode; `aad` is the header up to the key id.
pub(crate) fn wrap_data_key(
    recipient: &Recipient,
    data_key: &DataKey,
    aad: &[u8],
    rng: &mut impl CryptoRng,
) -> Result<([u8; ENC_LEN], [u8; WRAPPED_KEY_LEN])> {
    let mut sealed = [0u8; WRAPPED_KEY_LEN];
    sealed[..32].copy_from_slice(data_key.as_ref());
    let (enc, tag) = hpke::single_shot_seal_in_place_detached::<HpkeAead, HpkeKdf, Kem, _>(
        &hpke::OpModeS::Base,
        &recipient.hpke_key()?,
        HPKE_INFO,
        &mut sealed[..32],
        aad,
        rng,
    )
    .map_err(|_| Error::InvalidRecipient)?;
    sealed[32..].copy_from_slice(&tag.to_bytes());
    let mut enc_bytes = [0u8; ENC_LEN];
    enc_bytes.copy_from_slice(&enc.to_bytes());
    Ok((enc_bytes, sealed))
}

/// Opens the HPKE-wrapped data key in `header` with `identity`.
pub(crate) fn unwrap_data_key(header: &Header, identity: &Identity) -> Result<DataKey> {
    let found = header.key_id();
    if found != identity.key_id() {
        return Err(Error::KeyIdMismatch {
            expected: identity.key_id(),
            found,
        });
    }
    let enc = EncappedKey::from_bytes(header.enc()).map_err(|_| Error::UnwrapFailed)?;
    let wrapped = header.wrapped_key();
    let tag = hpke::aead::AeadTag::<HpkeAead>::from_bytes(&wrapped[32..])
        .map_err(|_| Error::UnwrapFailed)?;
    let mut data_key = Zeroizing::new([0u8; 32]);
    data_key.copy_from_slice(&wrapped[..32]);
    let aad = &header.bytes()[..crate::format::KEY_ID_END];
    hpke::single_shot_open_in_place_detached::<HpkeAead, HpkeKdf, Kem>(
        &hpke::OpModeR::Base,
        &identity.hpke_key()?,
        &enc,
        HPKE_INFO,
        data_key.as_mut(),
        aad,
        &tag,
    )
    .map_err(|_| Error::UnwrapFailed)?;
    Ok(data_key)
}

/// HKDF-SHA256 with the nonce prefix as salt and the data key as input keying material.
fn derive_key(
    data_key: &DataKey,
    nonce_prefix: &[u8; NONCE_PREFIX_LEN],
    info: &[&[u8]],
) -> LessSafeKey {
    let mut okm = Zeroizing::new([0u8; 32]);
    Hkdf::<Sha256>::new(Some(nonce_prefix), data_key.as_ref())
        .expand_multi_info(info, okm.as_mut())
        .expect("32 bytes is far below HKDF-SHA256's 8160-byte output limit");
    let key = UnboundKey::new(&AES_256_GCM, okm.as_ref()).expect("AES-256-GCM takes a 32-byte key");
    LessSafeKey::new(key)
}

/// Encrypts the metadata JSON; the fixed header part is the associated data.
///
/// The all-zero nonce is safe because the metadata key derives from a data key used for
/// exactly one header.
pub(crate) fn seal_metadata(
    data_key: &DataKey,
    nonce_prefix: &[u8; NONCE_PREFIX_LEN],
    fixed_header: &[u8],
    json: &[u8],
) -> Vec<u8> {
    let key = derive_key(data_key, nonce_prefix, &[METADATA_KEY_INFO]);
    let mut block = Vec::with_capacity(json.len() + TAG_LEN);
    block.extend_from_slice(json);
    key.seal_in_place_append_tag(
        Nonce::assume_unique_for_key([0; 12]),
        Aad::from(fixed_header),
        &mut block,
    )
    .expect("AES-GCM seals any input below 64 GiB");
    block
}

/// Decrypts and returns the metadata JSON of `header`.
pub(crate) fn open_metadata(data_key: &DataKey, header: &Header) -> Result<Zeroizing<Vec<u8>>> {
    let key = derive_key(data_key, &header.nonce_prefix(), &[METADATA_KEY_INFO]);
    let mut block = Zeroizing::new(header.encrypted_metadata().to_vec());
    let json_len = key
        .open_in_place(
            Nonce::assume_unique_for_key([0; 12]),
            Aad::from(header.fixed_part()),
            &mut block,
        )
        .map_err(|_| Error::HeaderAuthentication)?
        .len();
    block.truncate(json_len);
    Ok(block)
}

/// The AES-256-GCM key and nonce prefix for the payload chunks of one envelope.
///
/// NOTE: ring 0.17 does not zeroize its expanded AES key schedule on drop, and the
/// temporary `hpke` key objects rely on x25519-dalek, so only the raw key bytes this crate
/// holds (data key, identity, derived key material) are certain to be wiped.
pub(crate) struct PayloadKey {
    key: LessSafeKey,
    nonce_prefix: [u8; NONCE_PREFIX_LEN],
}

impl PayloadKey {
    /// Derives the payload key from the data key and the SHA-256 of the whole header.
    /// A change to any header byte therefore changes the key, and the first chunk fails.
    pub(crate) fn derive(data_key: &DataKey, header: &Header) -> Self {
        let header_hash: [u8; 32] = Sha256::digest(header.bytes()).into();
        let nonce_prefix = header.nonce_prefix();
        PayloadKey {
            key: derive_key(data_key, &nonce_prefix, &[PAYLOAD_KEY_INFO, &header_hash]),
            nonce_prefix,
        }
    }

    /// STREAM nonce: prefix (7 bytes), counter (4 bytes big-endian), last-chunk flag (1 byte).
    fn nonce(&self, index: u32, last: bool) -> Nonce {
        let mut nonce = [0u8; 12];
        nonce[..NONCE_PREFIX_LEN].copy_from_slice(&self.nonce_prefix);
        nonce[NONCE_PREFIX_LEN..11].copy_from_slice(&index.to_be_bytes());
        nonce[11] = u8::from(last);
        Nonce::assume_unique_for_key(nonce)
    }

    /// Encrypts `chunk[..plaintext_len]` in place and writes the tag after it.
    /// `chunk` must have room for [`TAG_LEN`] more bytes.
    pub(crate) fn seal_chunk(
        &self,
        index: u32,
        last: bool,
        chunk: &mut [u8],
        plaintext_len: usize,
    ) {
        let (plaintext, rest) = chunk.split_at_mut(plaintext_len);
        let tag = self
            .key
            .seal_in_place_separate_tag(self.nonce(index, last), Aad::empty(), plaintext)
            .expect("chunks are at most 1 MiB, far below AES-GCM's 64 GiB limit");
        rest[..TAG_LEN].copy_from_slice(tag.as_ref());
    }

    /// Decrypts a sealed chunk (ciphertext and tag) in place and returns the plaintext
    /// length. On failure the buffer is zeroed so no unauthenticated plaintext remains.
    pub(crate) fn open_chunk(&self, index: u32, last: bool, chunk: &mut [u8]) -> Result<usize> {
        match self
            .key
            .open_in_place(self.nonce(index, last), Aad::empty(), chunk)
        {
            Ok(plaintext) => Ok(plaintext.len()),
            Err(_) => {
                zeroize::Zeroize::zeroize(chunk);
                Err(Error::ChunkAuthentication {
                    chunk: u64::from(index),
                })
            }
        }
    }
}

impl std::fmt::Debug for PayloadKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PayloadKey(<redacted>)")
    }
}
