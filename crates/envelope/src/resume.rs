//! Producing ciphertext as a reader, from the start or from any byte offset.
//!
//! Chunk `i`'s ciphertext depends only on the payload key, the nonce prefix, `i` and
//! plaintext chunk `i`, and the header is fixed once the secrets exist. So the bytes from
//! any ciphertext offset can be produced again by seeking the source to the start of the
//! matching plaintext chunk, sealing it, and skipping the bytes already sent.

use std::io::{self, Read, Seek, SeekFrom};

use crate::error::{Error, Result};
use crate::format::TAG_LEN;
use crate::framer::Framer;
use crate::schedule::PayloadKey;
use crate::secrets::UploadSecrets;

/// A reader that yields an upload's ciphertext: the header, then the sealed chunks of the
/// plaintext read from `R`.
///
/// [`ResumableSealer::new`] starts at offset 0 from any reader.
/// [`ResumableSealer::from_offset`] starts at any ciphertext offset by re-reading a
/// seekable source. It yields exactly the bytes a single pass would have yielded from
/// there, provided the source file is unchanged. Only the size is checked, because
/// checking the content would mean reading the whole file. It buffers one chunk.
pub struct ResumableSealer<R: Read> {
    source: R,
    key: PayloadKey,
    header: Vec<u8>,
    header_pos: usize,
    framer: Framer,
    chunk_size: usize,
    index: u32,
    output: std::ops::Range<usize>,
    /// Bytes of the next sealed chunk that were already sent before a resume.
    skip: usize,
    declared_size: Option<u64>,
    /// Plaintext bytes read from the source since the start of the plaintext.
    read_total: u64,
    done: bool,
}

impl<R: Read> ResumableSealer<R> {
    /// Yields the whole ciphertext of `source`, from the first header byte.
    pub fn new(secrets: &UploadSecrets, source: R) -> Self {
        let chunk_size = secrets.chunk_size() as usize;
        ResumableSealer {
            source,
            key: secrets.payload_key(),
            header: secrets.header_bytes().to_vec(),
            header_pos: 0,
            framer: Framer::new(chunk_size),
            chunk_size,
            index: 0,
            output: 0..0,
            skip: 0,
            declared_size: secrets.metadata().plaintext_size,
            read_total: 0,
            done: false,
        }
    }

    /// Returns the inner source.
    pub fn into_inner(self) -> R {
        self.source
    }

    fn seal_next_chunk(&mut self) -> Result<()> {
        self.framer.fill(&mut self.source)?;
        let (plaintext_len, last) = self.framer.take();
        self.read_total += plaintext_len as u64;
        if let Some(declared) = self.declared_size
            && (self.read_total > declared || (last && self.read_total != declared))
        {
            return Err(Error::SourceChanged(format!(
                "it now has at least {} bytes, the metadata records {declared}",
                self.read_total
            )));
        }
        if last && plaintext_len == 0 && self.index > 0 {
            return Err(Error::SourceChanged(
                "it ended earlier than when the upload started".into(),
            ));
        }
        if !last && self.index == u32::MAX {
            return Err(Error::TooManyChunks);
        }
        self.key
            .seal_chunk(self.index, last, self.framer.buf_mut(), plaintext_len);
        let sealed_len = plaintext_len + TAG_LEN;
        self.output = self.skip.min(sealed_len)..sealed_len;
        self.skip = 0;
        self.index = self.index.wrapping_add(1);
        self.done = last;
        Ok(())
    }
}

impl<R: Read + Seek> ResumableSealer<R> {
    /// Yields the ciphertext from `ciphertext_offset` onward, seeking `source` to the
    /// start of the plaintext chunk that offset falls in.
    ///
    /// `secrets` must be the ones saved when the upload started, and `source` the same
    /// unchanged file. Fails if the source size differs from the size in the metadata or
    /// the offset is past the end of the ciphertext.
    pub fn from_offset(
        secrets: &UploadSecrets,
        mut source: R,
        ciphertext_offset: u64,
    ) -> Result<Self> {
        let source_len = source.seek(SeekFrom::End(0))?;
        if let Some(declared) = secrets.metadata().plaintext_size
            && declared != source_len
        {
            return Err(Error::SourceChanged(format!(
                "it has {source_len} bytes, the metadata records {declared}"
            )));
        }
        let total = secrets.ciphertext_len(source_len)?;
        if ciphertext_offset > total {
            return Err(Error::OffsetOutOfRange {
                offset: ciphertext_offset,
                total,
            });
        }
        let header_len = secrets.header_bytes().len() as u64;
        let chunk_size = u64::from(secrets.chunk_size());
        let (header_pos, chunk, skip) = match ciphertext_offset.checked_sub(header_len) {
            None => (ciphertext_offset, 0, 0),
            Some(payload_offset) => {
                let sealed_chunk = chunk_size + TAG_LEN as u64;
                (
                    header_len,
                    payload_offset / sealed_chunk,
                    payload_offset % sealed_chunk,
                )
            }
        };
        source.seek(SeekFrom::Start(chunk * chunk_size))?;
        let mut sealer = ResumableSealer::new(secrets, source);
        sealer.header_pos =
            usize::try_from(header_pos).expect("the header is at most 16 KiB plus 144 bytes");
        sealer.index = u32::try_from(chunk).map_err(|_| Error::TooManyChunks)?;
        sealer.skip =
            usize::try_from(skip).expect("skip is below one sealed chunk of at most 1 MiB");
        sealer.read_total = chunk * chunk_size;
        sealer.done = ciphertext_offset == total;
        Ok(sealer)
    }
}

impl<R: Read> Read for ResumableSealer<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if out.is_empty() {
            return Ok(0);
        }
        if self.header_pos < self.header.len() {
            let count = out.len().min(self.header.len() - self.header_pos);
            out[..count].copy_from_slice(&self.header[self.header_pos..self.header_pos + count]);
            self.header_pos += count;
            return Ok(count);
        }
        while self.output.is_empty() && !self.done {
            self.seal_next_chunk()?;
        }
        let count = out.len().min(self.output.len());
        out[..count]
            .copy_from_slice(&self.framer.buf()[self.output.start..self.output.start + count]);
        self.output.start += count;
        Ok(count)
    }
}

impl<R: Read> std::fmt::Debug for ResumableSealer<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ResumableSealer")
            .field("chunk_size", &self.chunk_size)
            .field("next_chunk", &self.index)
            .field("done", &self.done)
            .finish_non_exhaustive()
    }
}
