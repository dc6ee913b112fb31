//! Sealing: the streaming [`Sealer`] writer and the one-call [`seal`].

use std::io::{self, Read, Write};

use zeroize::Zeroizing;

use crate::error::{Error, Result};
use crate::format::TAG_LEN;
use crate::keys::Recipient;
use crate::metadata::Metadata;
use crate::schedule::PayloadKey;
use crate::secrets::UploadSecrets;

/// A writer that seals everything written to it into an envelope on `W`.
///
/// It buffers at most one chunk. **Call [`Sealer::finish`]**: without it the last chunk is
/// never written and the envelope cannot be opened.
pub struct Sealer<W: Write> {
    writer: W,
    key: PayloadKey,
    /// Plaintext of the current chunk, with room for its tag.
    buf: Zeroizing<Vec<u8>>,
    chunk_size: usize,
    index: u32,
    written: u64,
    declared_size: Option<u64>,
}

impl<W: Write> Sealer<W> {
    /// Writes the header of `secrets` to `writer` and returns a sealer for the plaintext.
    pub fn new(secrets: &UploadSecrets, mut writer: W) -> Result<Self> {
        writer.write_all(secrets.header_bytes())?;
        let chunk_size = secrets.chunk_size() as usize;
        Ok(Sealer {
            writer,
            key: secrets.payload_key(),
            buf: Zeroizing::new(Vec::with_capacity(chunk_size + TAG_LEN)),
            chunk_size,
            index: 0,
            written: 0,
            declared_size: secrets.metadata().plaintext_size,
        })
    }

    /// Seals and writes the buffered chunk. A chunk is sealed only once it is known
    /// whether more plaintext follows, because the last chunk carries a flag.
    fn write_chunk(&mut self, last: bool) -> Result<()> {
        if !last && self.index == u32::MAX {
            return Err(Error::TooManyChunks);
        }
        let plaintext_len = self.buf.len();
        self.buf.resize(plaintext_len + TAG_LEN, 0);
        self.key
            .seal_chunk(self.index, last, &mut self.buf, plaintext_len);
        self.writer.write_all(&self.buf)?;
        self.buf.clear();
        self.index = self.index.wrapping_add(1);
        Ok(())
    }

    /// Seals the last chunk, flushes and returns the inner writer.
    ///
    /// Fails if the metadata declares a plaintext size other than the bytes written.
    pub fn finish(mut self) -> Result<W> {
        if let Some(declared) = self.declared_size
            && declared != self.written
        {
            return Err(Error::SizeMismatch {
                declared,
                actual: self.written,
            });
        }
        self.write_chunk(true)?;
        self.writer.flush()?;
        Ok(self.writer)
    }
}

impl<W: Write> Write for Sealer<W> {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        if data.is_empty() {
            return Ok(0);
        }
        if self.buf.len() == self.chunk_size {
            self.write_chunk(false)?;
        }
        let taken = data.len().min(self.chunk_size - self.buf.len());
        if let Some(declared) = self.declared_size
            && self.written + taken as u64 > declared
        {
            return Err(Error::SizeMismatch {
                declared,
                actual: self.written + taken as u64,
            }
            .into());
        }
        self.buf.extend_from_slice(&data[..taken]);
        self.written += taken as u64;
        Ok(taken)
    }

    /// Flushes the inner writer; the buffered chunk stays until more data or `finish`.
    fn flush(&mut self) -> io::Result<()> {
        self.writer.flush()
    }
}

impl<W: Write> std::fmt::Debug for Sealer<W> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sealer")
            .field("chunk_size", &self.chunk_size)
            .field("next_chunk", &self.index)
            .field("written", &self.written)
            .finish_non_exhaustive()
    }
}

/// Seals all of `source` to `recipient` into `destination` with fresh secrets, and returns
/// the number of plaintext bytes sealed.
pub fn seal(
    recipient: &Recipient,
    metadata: Metadata,
    chunk_size: u32,
    mut source: impl Read,
    destination: impl Write,
) -> Result<u64> {
    let secrets = UploadSecrets::new(recipient, metadata, chunk_size)?;
    let mut sealer = Sealer::new(&secrets, destination)?;
    let copied = io::copy(&mut source, &mut sealer).map_err(crate::error::from_io_error)?;
    sealer.finish()?;
    Ok(copied)
}
