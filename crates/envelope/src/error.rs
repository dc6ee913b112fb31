//! The error type for every envelope operation.

use std::io;

use crate::KeyId;

/// Error from sealing, opening, inspecting or resuming an envelope.
///
/// Every authentication failure is reported without detail beyond the chunk index, and no
/// variant ever carries key material or plaintext.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Reading the input or writing the output failed.
    #[error("reading or writing the envelope failed")]
    Io(#[source] io::Error),

    /// The input does not start with the envelope magic bytes, so it is not an envelope.
    #[error("not a Sealpost envelope: the input does not start with the \"SEALPOST\" magic bytes")]
    NotAnEnvelope,

    /// The envelope uses a format version this build does not support.
    #[error(
        "unsupported envelope version {0}; this build reads version 1 only, so upgrade sealpost"
    )]
    UnsupportedVersion(u8),

    /// The header names an algorithm suite this build does not implement.
    #[error(
        "unsupported algorithm suite (KEM {kem:#06x}, KDF {kdf:#06x}, AEAD {aead:#06x}, \
         payload {payload:#06x}); this build supports X25519/HKDF-SHA256/AES-256-GCM only"
    )]
    UnsupportedSuite {
        /// HPKE KEM identifier from the header.
        kem: u16,
        /// HPKE KDF identifier from the header.
        kdf: u16,
        /// HPKE AEAD identifier from the header.
        aead: u16,
        /// Payload construction identifier from the header.
        payload: u16,
    },

    /// The input ends inside the header, or is empty (0 bytes).
    #[error("{}", truncated_header_message(*.0))]
    TruncatedHeader(usize),

    /// A chunk size is outside the supported range.
    #[error("invalid chunk size {0} bytes: it must be between 64 bytes and 1 MiB")]
    InvalidChunkSize(u32),

    /// The encrypted metadata block is larger than the format allows (or smaller than a tag).
    #[error("invalid metadata length {0} bytes: the encrypted block must be 16 bytes to 16 KiB")]
    InvalidMetadataLength(usize),

    /// The metadata to seal does not fit in the metadata block.
    #[error(
        "metadata too large: {0} bytes encoded, the maximum is 16368 bytes; shorten the file name, media type or column mapping"
    )]
    MetadataTooLarge(usize),

    /// The envelope was sealed to a different recipient key than the identity given.
    #[error(
        "the envelope is sealed to key {found}, but the identity given is key {expected}; open it with the matching private key"
    )]
    KeyIdMismatch {
        /// Key id of the identity used to open.
        expected: KeyId,
        /// Key id recorded in the envelope header.
        found: KeyId,
    },

    /// None of the identities given matches the key id in the header.
    #[error(
        "the envelope is sealed to key {found}, which none of the identities given matches; add the private key with that key id"
    )]
    NoMatchingIdentity {
        /// Key id recorded in the envelope header.
        found: KeyId,
    },

    /// The data key could not be unwrapped: the header was modified or the key does not match.
    #[error(
        "could not unwrap the data key: the header was modified or the identity does not match"
    )]
    UnwrapFailed,

    /// The encrypted metadata block failed authentication.
    #[error("the header failed authentication: it was modified or belongs to another data key")]
    HeaderAuthentication,

    /// The metadata decrypted but is not valid metadata JSON.
    #[error("the envelope metadata is invalid: {0}")]
    InvalidMetadata(String),

    /// A payload chunk failed authentication. Its plaintext is discarded, never released.
    #[error(
        "chunk {chunk} failed authentication: the envelope was modified, reordered, truncated or extended"
    )]
    ChunkAuthentication {
        /// Zero-based index of the failing chunk.
        chunk: u64,
    },

    /// The header is followed by no chunk at all.
    #[error("the envelope payload is truncated: no chunk follows the header")]
    TruncatedPayload,

    /// The last chunk is empty although earlier chunks exist, which no valid sealer emits.
    #[error(
        "the envelope ends with an empty chunk after chunk {0}, which the format does not allow"
    )]
    EmptyFinalChunk(u64),

    /// The plaintext would need more chunks than the 32-bit chunk counter allows.
    #[error("the plaintext needs more than 2^32 chunks; use a larger chunk size or split the file")]
    TooManyChunks,

    /// The opened plaintext size differs from the size recorded in the metadata.
    #[error(
        "the plaintext size {actual} bytes differs from the {declared} bytes recorded in the metadata"
    )]
    SizeMismatch {
        /// Size recorded in the metadata.
        declared: u64,
        /// Size actually sealed or opened (so far, if larger).
        actual: u64,
    },

    /// The opened plaintext's SHA-256 differs from the digest recorded in the metadata.
    #[error("the plaintext SHA-256 differs from the digest recorded in the metadata")]
    DigestMismatch,

    /// The source file changed since sealing began, so resuming would produce a different file.
    #[error("the source changed since sealing began: {0}; start a new upload")]
    SourceChanged(String),

    /// A resume offset lies beyond the end of the ciphertext.
    #[error("resume offset {offset} is beyond the end of the ciphertext ({total} bytes)")]
    OffsetOutOfRange {
        /// Requested ciphertext offset.
        offset: u64,
        /// Total ciphertext length.
        total: u64,
    },

    /// A recipient public key could not be used for HPKE.
    #[error("invalid recipient public key: it is not a usable X25519 key")]
    InvalidRecipient,

    /// A key file or key string is not in the expected text form.
    #[error("invalid key: {0}")]
    InvalidKey(&'static str),

    /// Saved upload secrets are damaged or from another version.
    #[error("invalid saved upload secrets: {0}; start a new upload")]
    InvalidSecrets(&'static str),

    /// An earlier error stopped the stream; it releases nothing more.
    #[error("the envelope stream already failed; no further output is released")]
    Failed,
}

impl From<io::Error> for Error {
    fn from(error: io::Error) -> Self {
        Error::Io(error)
    }
}

impl From<Error> for io::Error {
    fn from(error: Error) -> Self {
        match error {
            Error::Io(inner) => inner,
            other => io::Error::new(io::ErrorKind::InvalidData, other),
        }
    }
}

/// An empty input is usually a wrong file name or an empty pipe rather than a damaged
/// envelope, so it gets its own wording.
fn truncated_header_message(read: usize) -> String {
    if read == 0 {
        "the input is empty, so it is not an envelope; check the file name or the command that \
         produced the input"
            .into()
    } else {
        format!("the envelope header is truncated: the input ended after {read} bytes")
    }
}

/// Result alias for this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Recovers an [`Error`] that travelled through an `io::Error`, as `Read` and `Write`
/// adapters return them; other I/O errors become [`Error::Io`].
pub fn from_io_error(error: io::Error) -> Error {
    if error.get_ref().is_some_and(|inner| inner.is::<Error>()) {
        let inner = error
            .into_inner()
            .expect("checked above that an inner error exists");
        match inner.downcast::<Error>() {
            Ok(envelope_error) => *envelope_error,
            Err(other) => Error::Io(io::Error::new(io::ErrorKind::InvalidData, other)),
        }
    } else {
        Error::Io(error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncated_header_messages() {
        let cases = [
            (0, "the input is empty, so it is not an envelope"),
            (
                100,
                "the envelope header is truncated: the input ended after 100 bytes",
            ),
        ];
        for (read, expected) in cases {
            let message = Error::TruncatedHeader(read).to_string();
            assert!(message.starts_with(expected), "{read}: {message}");
        }
    }

    #[test]
    fn metadata_too_large_names_every_field() {
        let message = Error::MetadataTooLarge(20_000).to_string();
        for field in ["file name", "media type", "column mapping"] {
            assert!(message.contains(field), "{field}: {message}");
        }
    }
}
