//! Opening: the streaming [`Opener`] reader and header inspection.

use std::io::{self, Read, Write};

use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::format::{self, Header, TAG_LEN};
use crate::framer::Framer;
use crate::keys::{Identity, KeyId};
use crate::metadata::Metadata;
use crate::schedule::{self, PayloadKey};
use crate::secrets::UploadSecrets;

/// Decryption state shared by the blocking and async openers.
///
/// A chunk's plaintext becomes readable only after its tag verified and, for the last
/// chunk, after the plaintext size and SHA-256 matched the metadata.
pub(crate) struct OpenState {
    key: PayloadKey,
    metadata: Metadata,
    pub(crate) framer: Framer,
    index: u32,
    output: std::ops::Range<usize>,
    opened: u64,
    digest: Option<Sha256>,
    done: bool,
    failed: bool,
}

impl OpenState {
    /// Unwraps the data key and metadata of `header` with the identity among `identities`
    /// whose key id the header names.
    pub(crate) fn new(header: Header, identities: &[Identity]) -> Result<Self> {
        let found = header.key_id();
        let Some(identity) = identities
            .iter()
            .find(|identity| identity.key_id() == found)
        else {
            return Err(match identities {
                [only] => Error::KeyIdMismatch {
                    expected: only.key_id(),
                    found,
                },
                _ => Error::NoMatchingIdentity { found },
            });
        };
        let data_key = schedule::unwrap_data_key(&header, identity)?;
        let secrets = UploadSecrets::from_parts(data_key, header)?;
        let chunk_len = secrets.chunk_size() as usize + TAG_LEN;
        Ok(OpenState {
            key: secrets.payload_key(),
            digest: secrets.metadata().sha256.map(|_| Sha256::new()),
            metadata: secrets.metadata().clone(),
            framer: Framer::new(chunk_len),
            index: 0,
            output: 0..0,
            opened: 0,
            done: false,
            failed: false,
        })
    }

    /// Whether the caller must fill the framer and call [`OpenState::open_chunk`] next.
    pub(crate) fn needs_chunk(&self) -> Result<bool> {
        if self.failed {
            return Err(Error::Failed);
        }
        Ok(self.output.is_empty() && !self.done)
    }

    /// Copies released plaintext into `out` and returns how many bytes were copied.
    pub(crate) fn copy_output(&mut self, out: &mut [u8]) -> usize {
        let count = out.len().min(self.output.len());
        let start = self.output.start;
        out[..count].copy_from_slice(&self.framer.buf()[start..start + count]);
        self.output.start += count;
        count
    }

    /// Authenticates and decrypts the chunk buffered in the framer.
    pub(crate) fn open_chunk(&mut self) -> Result<()> {
        let result = self.try_open_chunk();
        if result.is_err() {
            self.failed = true;
            self.output = 0..0;
            zeroize::Zeroize::zeroize(self.framer.buf_mut());
        }
        result
    }

    fn try_open_chunk(&mut self) -> Result<()> {
        let (sealed_len, last) = self.framer.take();
        if sealed_len < TAG_LEN {
            return Err(if self.index == 0 && sealed_len == 0 {
                Error::TruncatedPayload
            } else {
                Error::ChunkAuthentication {
                    chunk: u64::from(self.index),
                }
            });
        }
        let plaintext_len =
            self.key
                .open_chunk(self.index, last, &mut self.framer.buf_mut()[..sealed_len])?;
        if last && plaintext_len == 0 && self.index > 0 {
            return Err(Error::EmptyFinalChunk(u64::from(self.index - 1)));
        }
        self.opened += plaintext_len as u64;
        if let Some(declared) = self.metadata.plaintext_size
            && (self.opened > declared || (last && self.opened != declared))
        {
            return Err(Error::SizeMismatch {
                declared,
                actual: self.opened,
            });
        }
        if let Some(hasher) = &mut self.digest {
            hasher.update(&self.framer.buf()[..plaintext_len]);
            if last {
                let computed: [u8; 32] = hasher.clone().finalize().into();
                if Some(computed) != self.metadata.sha256 {
                    return Err(Error::DigestMismatch);
                }
            }
        }
        if last {
            self.done = true;
        } else {
            self.index = self.index.checked_add(1).ok_or(Error::TooManyChunks)?;
        }
        self.output = 0..plaintext_len;
        Ok(())
    }

    pub(crate) fn metadata(&self) -> &Metadata {
        &self.metadata
    }

    /// Writes the released plaintext to `writer` and marks it consumed.
    fn write_output(&mut self, writer: &mut (impl Write + ?Sized)) -> Result<u64> {
        let released = &self.framer.buf()[self.output.clone()];
        writer.write_all(released)?;
        let count = released.len() as u64;
        self.output.start = self.output.end;
        Ok(count)
    }
}

/// A reader that opens an envelope read from `R` and yields its plaintext.
///
/// It buffers one chunk. Reads return an `io::Error` of kind `InvalidData`
/// wrapping an [`Error`] when the envelope fails to authenticate; [`from_io_error`]
/// recovers it. After any error it releases nothing more. A read that returns 0 means the
/// whole plaintext was opened and checked.
///
/// [`from_io_error`]: crate::from_io_error
pub struct Opener<R: Read> {
    reader: R,
    state: OpenState,
}

impl<R: Read> Opener<R> {
    /// Reads and authenticates the header with `identity`.
    ///
    /// Fails before reading further if the header is not addressed to `identity`.
    pub fn new(reader: R, identity: &Identity) -> Result<Self> {
        Self::with_identities(reader, std::slice::from_ref(identity))
    }

    /// Reads the header and opens it with whichever of `identities` it is addressed to,
    /// for a service that keeps its previous keys after a rotation.
    pub fn with_identities(mut reader: R, identities: &[Identity]) -> Result<Self> {
        let header = Header::read_from(&mut reader)?;
        Ok(Opener {
            reader,
            state: OpenState::new(header, identities)?,
        })
    }

    /// The metadata sealed in the header.
    pub fn metadata(&self) -> &Metadata {
        self.state.metadata()
    }

    /// Returns the inner reader.
    pub fn into_inner(self) -> R {
        self.reader
    }

    /// Opens the rest of the envelope into `writer` and returns the number of plaintext
    /// bytes written. It writes straight from the chunk buffer, saving the copy that
    /// `Read` needs, and releases only authenticated chunks, as `Read` does.
    pub fn write_to(&mut self, writer: &mut (impl Write + ?Sized)) -> Result<u64> {
        let mut written = self.state.write_output(writer)?;
        while self.state.needs_chunk()? {
            self.state.framer.fill(&mut self.reader)?;
            self.state.open_chunk()?;
            written += self.state.write_output(writer)?;
        }
        Ok(written)
    }
}

impl<R: Read> Read for Opener<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if out.is_empty() {
            return Ok(0);
        }
        while self.state.needs_chunk()? {
            self.state.framer.fill(&mut self.reader)?;
            self.state.open_chunk()?;
        }
        Ok(self.state.copy_output(out))
    }
}

impl<R: Read> std::fmt::Debug for Opener<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Opener")
            .field("next_chunk", &self.state.index)
            .field("opened", &self.state.opened)
            .finish_non_exhaustive()
    }
}

/// The public facts of an envelope header, read without any key and without decrypting.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct HeaderInfo {
    /// Format version.
    pub version: u8,
    /// Key id of the recipient the envelope is sealed to.
    pub key_id: KeyId,
    /// Plaintext chunk size in bytes.
    pub chunk_size: u32,
    /// Header length in bytes, including the encrypted metadata block.
    pub header_len: u64,
    /// Length of the encrypted metadata block in bytes (JSON plus tag).
    pub metadata_len: u64,
}

impl HeaderInfo {
    /// Returns the plaintext length implied by a total envelope length, or `None` if no
    /// plaintext seals to that length (the envelope is truncated or extended).
    pub fn plaintext_len(&self, envelope_len: u64) -> Option<u64> {
        format::plaintext_len(envelope_len.checked_sub(self.header_len)?, self.chunk_size)
    }
}

/// Reads and checks the header of an envelope without decrypting anything.
pub fn inspect(mut reader: impl Read) -> Result<HeaderInfo> {
    let header = Header::read_from(&mut reader)?;
    Ok(HeaderInfo {
        version: format::VERSION,
        key_id: header.key_id(),
        chunk_size: header.chunk_size(),
        header_len: header.bytes().len() as u64,
        metadata_len: header.encrypted_metadata().len() as u64,
    })
}
