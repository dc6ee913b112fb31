//! Helpers shared by the integration tests.

#![allow(dead_code, unreachable_pub)]

use std::io::{Cursor, Read, Write};

use sealpost_envelope::{
    Error, Identity, Metadata, Opener, ResumableSealer, Sealer, UploadSecrets,
};

/// Deterministic plaintext of `len` bytes that differs from chunk to chunk.
pub fn plaintext(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i % 251) as u8).collect()
}

/// Seals `plaintext` with the streaming writer, writing in pieces of `piece` bytes.
pub fn seal_with_writer(secrets: &UploadSecrets, plaintext: &[u8], piece: usize) -> Vec<u8> {
    let mut sealer = Sealer::new(secrets, Vec::new()).unwrap();
    for part in plaintext.chunks(piece.max(1)) {
        sealer.write_all(part).unwrap();
    }
    sealer.finish().unwrap()
}

/// Seals `plaintext` with the reader from offset 0.
pub fn seal_with_reader(secrets: &UploadSecrets, plaintext: &[u8]) -> Vec<u8> {
    let mut envelope = Vec::new();
    ResumableSealer::new(secrets, Cursor::new(plaintext))
        .read_to_end(&mut envelope)
        .unwrap();
    envelope
}

/// Opens `envelope` completely, or returns the first error.
pub fn open_all(envelope: &[u8], identity: &Identity) -> Result<Vec<u8>, Error> {
    let mut opener = Opener::new(envelope, identity)?;
    let mut plaintext = Vec::new();
    opener
        .read_to_end(&mut plaintext)
        .map_err(sealpost_envelope::from_io_error)?;
    Ok(plaintext)
}

/// Opens `envelope` and returns the plaintext released before the first error too.
pub fn open_partial(envelope: &[u8], identity: &Identity) -> (Vec<u8>, Result<(), Error>) {
    let mut released = Vec::new();
    let mut opener = match Opener::new(envelope, identity) {
        Ok(opener) => opener,
        Err(error) => return (released, Err(error)),
    };
    let mut buf = [0u8; 7];
    loop {
        match opener.read(&mut buf) {
            Ok(0) => return (released, Ok(())),
            Ok(read) => released.extend_from_slice(&buf[..read]),
            Err(error) => return (released, Err(sealpost_envelope::from_io_error(error))),
        }
    }
}

/// Metadata recording the size and SHA-256 of `plaintext`.
pub fn metadata_for(plaintext: &[u8]) -> Metadata {
    let (digest, len) = sealpost_envelope::digest_plaintext(plaintext).unwrap();
    Metadata {
        file_name: Some("list.csv".into()),
        plaintext_size: Some(len),
        sha256: Some(digest),
        content_type: Some("text/csv".into()),
        ..Metadata::default()
    }
}

/// A short stable name for each error, used by the failure vectors.
pub fn error_code(error: &Error) -> &'static str {
    match error {
        Error::Io(_) => "io",
        Error::NotAnEnvelope => "not_an_envelope",
        Error::UnsupportedVersion(_) => "unsupported_version",
        Error::UnsupportedSuite { .. } => "unsupported_suite",
        Error::TruncatedHeader(_) => "truncated_header",
        Error::InvalidChunkSize(_) => "invalid_chunk_size",
        Error::InvalidMetadataLength(_) => "invalid_metadata_length",
        Error::KeyIdMismatch { .. } => "key_id_mismatch",
        Error::NoMatchingIdentity { .. } => "no_matching_identity",
        Error::UnwrapFailed => "unwrap_failed",
        Error::HeaderAuthentication => "header_authentication",
        Error::InvalidMetadata(_) => "invalid_metadata",
        Error::ChunkAuthentication { .. } => "chunk_authentication",
        Error::TruncatedPayload => "truncated_payload",
        Error::EmptyFinalChunk(_) => "empty_final_chunk",
        Error::SizeMismatch { .. } => "size_mismatch",
        Error::DigestMismatch => "digest_mismatch",
        _ => "other",
    }
}
