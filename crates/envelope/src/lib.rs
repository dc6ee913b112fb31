//! The Sealpost envelope: the encrypted upload format for mailing lists.
//!
//! A list is sealed on the user's machine to the receiving account's upload public key,
//! so it stays unreadable in transit and at rest until the service's processing step
//! opens it. Each upload gets a fresh 256-bit data key, wrapped to the recipient with HPKE
//! (RFC 9180, base mode, DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, AES-256-GCM). The
//! plaintext is sealed in fixed-size chunks with AES-256-GCM in the STREAM construction,
//! so truncation, extension, reordering and bit flips fail to open, and no plaintext of a
//! failing chunk is released. `docs/envelope.md` in the repository specifies the bytes.
//!
//! This crate does no network I/O, and each reader or writer buffers one chunk.
//!
//! ```
//! use std::io::Read;
//! use sealpost_envelope::{DEFAULT_CHUNK_SIZE, Identity, Metadata, Opener, seal};
//!
//! let identity = Identity::generate();
//! let mut envelope = Vec::new();
//! seal(identity.recipient(), Metadata::default(), DEFAULT_CHUNK_SIZE, &b"name,postcode\n"[..], &mut envelope)?;
//!
//! let mut plaintext = Vec::new();
//! Opener::new(&envelope[..], &identity)?.read_to_end(&mut plaintext)?;
//! assert_eq!(plaintext, b"name,postcode\n");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! To resume an interrupted upload, save [`UploadSecrets`] when it starts and later call
//! [`ResumableSealer::from_offset`] with the offset the service acknowledged.
//!
//! The `tokio` feature adds `AsyncOpener` and `AsyncResumableSealer`, which implement
//! tokio's `AsyncRead` with the same checks; it pulls in tokio's I/O traits only.

mod error;
mod format;
mod framer;
mod keys;
mod metadata;
mod open;
mod resume;
mod schedule;
mod seal;
mod secrets;
#[cfg(feature = "tokio")]
mod tokio_io;

pub use error::{Error, Result, from_io_error};
pub use format::{
    DEFAULT_CHUNK_SIZE, FIXED_HEADER_LEN, MAX_CHUNK_SIZE, MAX_HEADER_LEN, MAX_METADATA_LEN,
    MIN_CHUNK_SIZE, ciphertext_len, plaintext_len,
};
pub use keys::{Identity, KeyId, Recipient};
pub use metadata::{Metadata, digest_plaintext};
pub use open::{HeaderInfo, Opener, inspect};
pub use resume::ResumableSealer;
pub use seal::{Sealer, seal};
pub use secrets::UploadSecrets;
#[cfg(feature = "tokio")]
pub use tokio_io::{AsyncOpener, AsyncResumableSealer};
