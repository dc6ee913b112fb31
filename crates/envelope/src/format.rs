//! The byte layout of the envelope header and the payload size arithmetic.
//!
//! All integers are big-endian. The fixed part of the header is [`FIXED_HEADER_LEN`] bytes
//! and is followed by the encrypted metadata block; `docs/envelope.md` has the full table.

use std::io::{self, Read};

use crate::error::{Error, Result};
use crate::keys::KeyId;

/// First eight bytes of every envelope.
pub(crate) const MAGIC: [u8; 8] = *b"SEALPOST";
/// The only format version this build writes and reads.
pub(crate) const VERSION: u8 = 1;
/// HPKE KEM id of DHKEM(X25519, HKDF-SHA256), from RFC 9180 section 7.1.
pub(crate) const KEM_X25519_HKDF_SHA256: u16 = 0x0020;
/// HPKE KDF id of HKDF-SHA256, from RFC 9180 section 7.2.
pub(crate) const KDF_HKDF_SHA256: u16 = 0x0001;
/// HPKE AEAD id of AES-256-GCM, from RFC 9180 section 7.3.
pub(crate) const AEAD_AES_256_GCM: u16 = 0x0002;
/// This format's own id for the payload: AES-256-GCM STREAM with HKDF-SHA256 chunk keys.
pub(crate) const PAYLOAD_AES_256_GCM_STREAM: u16 = 0x0001;

/// Length of an AES-256-GCM tag.
pub(crate) const TAG_LEN: usize = 16;
/// Length of the random nonce prefix: 12-byte nonce minus 4 counter bytes and 1 flag byte.
pub(crate) const NONCE_PREFIX_LEN: usize = 7;
/// Length of the HPKE encapsulated key (an X25519 public key).
pub(crate) const ENC_LEN: usize = 32;
/// Length of the HPKE-sealed data key: 32 key bytes plus a tag.
pub(crate) const WRAPPED_KEY_LEN: usize = 32 + TAG_LEN;

const KEY_ID_OFFSET: usize = 17;
const ENC_OFFSET: usize = KEY_ID_OFFSET + KeyId::LEN;
const WRAPPED_OFFSET: usize = ENC_OFFSET + ENC_LEN;
const PREFIX_OFFSET: usize = WRAPPED_OFFSET + WRAPPED_KEY_LEN;
const CHUNK_SIZE_OFFSET: usize = PREFIX_OFFSET + NONCE_PREFIX_LEN;
const METADATA_LEN_OFFSET: usize = CHUNK_SIZE_OFFSET + 4;

/// Length of the header up to and including the key id; the HPKE associated data.
pub(crate) const KEY_ID_END: usize = ENC_OFFSET;
/// Length of the header before the encrypted metadata block.
pub const FIXED_HEADER_LEN: usize = METADATA_LEN_OFFSET + 4;
/// Largest encrypted metadata block (JSON plus tag) a reader accepts.
pub const MAX_METADATA_LEN: usize = 16 * 1024;
/// Largest header a reader accepts; it is checked before anything is allocated.
pub const MAX_HEADER_LEN: usize = FIXED_HEADER_LEN + MAX_METADATA_LEN;

/// Plaintext chunk size used unless the caller chooses another.
pub const DEFAULT_CHUNK_SIZE: u32 = 64 * 1024;
/// Smallest chunk size accepted; smaller chunks would spend most bytes on tags.
pub const MIN_CHUNK_SIZE: u32 = 64;
/// Largest chunk size accepted, which bounds a reader's buffers to about 1 MiB each.
pub const MAX_CHUNK_SIZE: u32 = 1024 * 1024;

/// Number of distinct chunk counter values (the counter is 32 bits).
const MAX_CHUNKS: u64 = 1 << 32;

/// A parsed header together with its exact bytes, which later steps authenticate.
#[derive(Clone)]
pub(crate) struct Header {
    bytes: Vec<u8>,
}

impl Header {
    /// Serialises the fixed header part; the encrypted metadata block of `metadata_len`
    /// bytes must be appended to it.
    pub(crate) fn build(fields: &HeaderFields, metadata_len: usize) -> Vec<u8> {
        let mut bytes = Vec::with_capacity(FIXED_HEADER_LEN + metadata_len);
        bytes.extend_from_slice(&MAGIC);
        bytes.push(VERSION);
        bytes.extend_from_slice(&KEM_X25519_HKDF_SHA256.to_be_bytes());
        bytes.extend_from_slice(&KDF_HKDF_SHA256.to_be_bytes());
        bytes.extend_from_slice(&AEAD_AES_256_GCM.to_be_bytes());
        bytes.extend_from_slice(&PAYLOAD_AES_256_GCM_STREAM.to_be_bytes());
        bytes.extend_from_slice(fields.key_id.as_bytes());
        bytes.extend_from_slice(&fields.enc);
        bytes.extend_from_slice(&fields.wrapped_key);
        bytes.extend_from_slice(&fields.nonce_prefix);
        bytes.extend_from_slice(&fields.chunk_size.to_be_bytes());
        let metadata_len = u32::try_from(metadata_len).unwrap_or(u32::MAX);
        bytes.extend_from_slice(&metadata_len.to_be_bytes());
        bytes
    }

    /// Parses a complete header held in memory; `bytes` must be exactly one header.
    pub(crate) fn from_bytes(bytes: Vec<u8>) -> Result<Self> {
        let fixed: &[u8; FIXED_HEADER_LEN] = bytes
            .get(..FIXED_HEADER_LEN)
            .and_then(|slice| slice.try_into().ok())
            .ok_or(Error::TruncatedHeader(bytes.len()))?;
        let metadata_len = parse_fixed(fixed)?;
        if bytes.len() != FIXED_HEADER_LEN + metadata_len {
            return Err(Error::TruncatedHeader(bytes.len()));
        }
        Ok(Header { bytes })
    }

    /// Reads exactly one header from `reader`, checking every limit before allocating.
    pub(crate) fn read_from(reader: &mut impl Read) -> Result<Self> {
        let mut fixed = [0u8; FIXED_HEADER_LEN];
        let read = read_up_to(reader, &mut fixed)?;
        if read < FIXED_HEADER_LEN {
            let compared = read.min(MAGIC.len());
            if fixed[..compared] != MAGIC[..compared] {
                return Err(Error::NotAnEnvelope);
            }
            return Err(Error::TruncatedHeader(read));
        }
        let metadata_len = parse_fixed(&fixed)?;
        let mut bytes = vec![0u8; FIXED_HEADER_LEN + metadata_len];
        bytes[..FIXED_HEADER_LEN].copy_from_slice(&fixed);
        let read = read_up_to(reader, &mut bytes[FIXED_HEADER_LEN..])?;
        if read < metadata_len {
            return Err(Error::TruncatedHeader(FIXED_HEADER_LEN + read));
        }
        Ok(Header { bytes })
    }

    pub(crate) fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    pub(crate) fn key_id(&self) -> KeyId {
        let mut id = [0u8; KeyId::LEN];
        id.copy_from_slice(&self.bytes[KEY_ID_OFFSET..ENC_OFFSET]);
        KeyId::from_bytes(id)
    }

    pub(crate) fn enc(&self) -> &[u8] {
        &self.bytes[ENC_OFFSET..WRAPPED_OFFSET]
    }

    pub(crate) fn wrapped_key(&self) -> &[u8] {
        &self.bytes[WRAPPED_OFFSET..PREFIX_OFFSET]
    }

    pub(crate) fn nonce_prefix(&self) -> [u8; NONCE_PREFIX_LEN] {
        let mut prefix = [0u8; NONCE_PREFIX_LEN];
        prefix.copy_from_slice(&self.bytes[PREFIX_OFFSET..CHUNK_SIZE_OFFSET]);
        prefix
    }

    pub(crate) fn chunk_size(&self) -> u32 {
        read_u32(&self.bytes, CHUNK_SIZE_OFFSET)
    }

    /// The header bytes that the metadata tag authenticates as associated data.
    pub(crate) fn fixed_part(&self) -> &[u8] {
        &self.bytes[..FIXED_HEADER_LEN]
    }

    pub(crate) fn encrypted_metadata(&self) -> &[u8] {
        &self.bytes[FIXED_HEADER_LEN..]
    }
}

/// The variable fields of a header, before serialisation.
pub(crate) struct HeaderFields {
    pub(crate) key_id: KeyId,
    pub(crate) enc: [u8; ENC_LEN],
    pub(crate) wrapped_key: [u8; WRAPPED_KEY_LEN],
    pub(crate) nonce_prefix: [u8; NONCE_PREFIX_LEN],
    pub(crate) chunk_size: u32,
}

/// Checks the fixed header part and returns the encrypted metadata length that follows.
pub(crate) fn parse_fixed(fixed: &[u8; FIXED_HEADER_LEN]) -> Result<usize> {
    if fixed[..MAGIC.len()] != MAGIC {
        return Err(Error::NotAnEnvelope);
    }
    if fixed[8] != VERSION {
        return Err(Error::UnsupportedVersion(fixed[8]));
    }
    let suite =
        [9, 11, 13, 15].map(|offset| u16::from_be_bytes([fixed[offset], fixed[offset + 1]]));
    let expected = [
        KEM_X25519_HKDF_SHA256,
        KDF_HKDF_SHA256,
        AEAD_AES_256_GCM,
        PAYLOAD_AES_256_GCM_STREAM,
    ];
    if suite != expected {
        return Err(Error::UnsupportedSuite {
            kem: suite[0],
            kdf: suite[1],
            aead: suite[2],
            payload: suite[3],
        });
    }
    check_chunk_size(read_u32(fixed, CHUNK_SIZE_OFFSET))?;
    let metadata_len = read_u32(fixed, METADATA_LEN_OFFSET) as usize;
    if !(TAG_LEN..=MAX_METADATA_LEN).contains(&metadata_len) {
        return Err(Error::InvalidMetadataLength(metadata_len));
    }
    Ok(metadata_len)
}

/// Rejects chunk sizes outside [`MIN_CHUNK_SIZE`]..=[`MAX_CHUNK_SIZE`].
pub(crate) fn check_chunk_size(chunk_size: u32) -> Result<()> {
    if (MIN_CHUNK_SIZE..=MAX_CHUNK_SIZE).contains(&chunk_size) {
        Ok(())
    } else {
        Err(Error::InvalidChunkSize(chunk_size))
    }
}

/// Returns the payload length (all chunks, without the header) for a plaintext length.
///
/// The payload is the plaintext plus one 16-byte tag per chunk. There are
/// `ceil(plaintext_len / chunk_size)` chunks, and one empty chunk for an empty plaintext.
/// Fails for chunk sizes outside the supported range and for plaintexts that need more
/// chunks than the 32-bit counter allows.
pub fn ciphertext_len(plaintext_len: u64, chunk_size: u32) -> Result<u64> {
    check_chunk_size(chunk_size)?;
    let chunks = plaintext_len.div_ceil(u64::from(chunk_size)).max(1);
    if chunks > MAX_CHUNKS {
        return Err(Error::TooManyChunks);
    }
    Ok(plaintext_len + chunks * TAG_LEN as u64)
}

/// Returns the plaintext length for a payload length, or `None` if no plaintext seals to
/// exactly that many bytes (so the payload is truncated or extended).
pub fn plaintext_len(payload_len: u64, chunk_size: u32) -> Option<u64> {
    check_chunk_size(chunk_size).ok()?;
    let sealed_chunk = u64::from(chunk_size) + TAG_LEN as u64;
    let full_chunks = payload_len / sealed_chunk;
    let rest = payload_len % sealed_chunk;
    let (chunks, plaintext) = if rest == 0 {
        (
            full_chunks,
            payload_len.checked_sub(full_chunks * TAG_LEN as u64)?,
        )
    } else if rest > TAG_LEN as u64 || (rest == TAG_LEN as u64 && full_chunks == 0) {
        (
            full_chunks + 1,
            payload_len - (full_chunks + 1) * TAG_LEN as u64,
        )
    } else {
        return None;
    };
    (1..=MAX_CHUNKS).contains(&chunks).then_some(plaintext)
}

fn read_u32(bytes: &[u8], offset: usize) -> u32 {
    u32::from_be_bytes([
        bytes[offset],
        bytes[offset + 1],
        bytes[offset + 2],
        bytes[offset + 3],
    ])
}

/// Reads until `buf` is full or the input ends, and returns how many bytes were read.
fn read_up_to(reader: &mut impl Read, buf: &mut [u8]) -> Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match reader.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(read) => filled += read,
            Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
            Err(error) => return Err(Error::Io(error)),
        }
    }
    Ok(filled)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ciphertext_len_table() {
        let chunk = 64;
        let cases = [
            (0, 16),
            (1, 17),
            (63, 79),
            (64, 80),
            (65, 64 + 16 + 1 + 16),
            (128, 128 + 32),
            (129, 129 + 48),
        ];
        for (plaintext, expected) in cases {
            assert_eq!(
                ciphertext_len(plaintext, chunk).unwrap(),
                expected,
                "plaintext {plaintext}"
            );
        }
    }

    #[test]
    fn plaintext_len_inverts_ciphertext_len() {
        for plaintext in 0..400 {
            let payload = ciphertext_len(plaintext, 64).unwrap();
            assert_eq!(
                plaintext_len(payload, 64),
                Some(plaintext),
                "plaintext {plaintext}"
            );
        }
    }

    #[test]
    fn plaintext_len_rejects_impossible_lengths() {
        for payload in [0, 1, 15, 80 + 1, 80 + 16] {
            assert_eq!(plaintext_len(payload, 64), None, "payload {payload}");
        }
    }

    #[test]
    fn ciphertext_len_rejects_counter_overflow() {
        let too_long = (MAX_CHUNKS + 1) * u64::from(MIN_CHUNK_SIZE);
        assert!(matches!(
            ciphertext_len(too_long, MIN_CHUNK_SIZE),
            Err(Error::TooManyChunks)
        ));
        let longest = MAX_CHUNKS * u64::from(MIN_CHUNK_SIZE);
        assert!(ciphertext_len(longest, MIN_CHUNK_SIZE).is_ok());
    }

    #[test]
    fn chunk_size_limits() {
        for (size, valid) in [
            (0, false),
            (63, false),
            (64, true),
            (65536, true),
            (1 << 20, true),
            ((1 << 20) + 1, false),
        ] {
            assert_eq!(check_chunk_size(size).is_ok(), valid, "size {size}");
        }
    }
}
