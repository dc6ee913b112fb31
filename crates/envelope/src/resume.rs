//! Producing ciphertext as a reader, from the start or from any byte offset.
//!
//! Chunk `i`'s ciphertext depends only on the payload key, the nonce prefix, `i` and
//! plaintext chunk `i`, and the header is fixed once the secrets exist. So the bytes from
//! any ciphertext offset can be produced again by seeking the source to the start of the
//! matching plaintext chunk, sealing it, and skipping the bytes already sent.

use std::io::{self, Read, Seek, SeekFrom, Write};

use crate::error::{Error, Result};
use crate::format::TAG_LEN;
use crate::framer::Framer;
use crate::schedule::PayloadKey;
use crate::secrets::UploadSecrets;

/// Where a resumed ciphertext stream starts.
pub(crate) struct ResumePoint {
    /// Header bytes already sent.
    header_pos: usize,
    /// First chunk to seal.
    chunk: u32,
    /// Bytes of that chunk's ciphertext already sent.
    skip: usize,
    /// Plaintext offset to seek the source to.
    pub(crate) source_offset: u64,
    /// Whether the whole ciphertext was already sent.
    done: bool,
}

impl ResumePoint {
    /// Maps a ciphertext offset to a resume point, checking the source length against the
    /// metadata and the offset against the ciphertext length.
    pub(crate) fn locate(
        secrets: &UploadSecrets,
        source_len: u64,
        ciphertext_offset: u64,
    ) -> Result<Self> {
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
        Ok(ResumePoint {
            header_pos: usize::try_from(header_pos)
                .expect("the header is at most 16 KiB plus 144 bytes"),
            chunk: u32::try_from(chunk).map_err(|_| Error::TooManyChunks)?,
            skip: usize::try_from(skip).expect("skip is below one sealed chunk of at most 1 MiB"),
            source_offset: chunk * chunk_size,
            done: ciphertext_offset == total,
        })
    }
}

/// Sealing state shared by the blocking and async resumable sealers.
pub(crate) struct SealState {
    key: PayloadKey,
    header: Vec<u8>,
    header_pos: usize,
    pub(crate) framer: Framer,
    index: u32,
    output: std::ops::Range<usize>,
    /// Bytes of the next sealed chunk that were already sent before a resume.
    skip: usize,
    declared_size: Option<u64>,
    /// Plaintext bytes read from the source since the start of the plaintext.
    read_total: u64,
    done: bool,
    failed: bool,
}

impl SealState {
    pub(crate) fn new(secrets: &UploadSecrets) -> Self {
        SealState {
            key: secrets.payload_key(),
            header: secrets.header_bytes().to_vec(),
            header_pos: 0,
            framer: Framer::new(secrets.chunk_size() as usize),
            index: 0,
            output: 0..0,
            skip: 0,
            declared_size: secrets.metadata().plaintext_size,
            read_total: 0,
            done: false,
            failed: false,
        }
    }

    pub(crate) fn resume_at(&mut self, point: &ResumePoint) {
        self.header_pos = point.header_pos;
        self.index = point.chunk;
        self.skip = point.skip;
        self.read_total = point.source_offset;
        self.done = point.done;
    }

    /// Whether the caller must fill the framer and call [`SealState::seal_chunk`] next.
    pub(crate) fn needs_chunk(&self) -> Result<bool> {
        if self.failed {
            return Err(Error::Failed);
        }
        Ok(self.header_pos == self.header.len() && self.output.is_empty() && !self.done)
    }

    /// Returns the pending header or ciphertext bytes without consuming them.
    fn pending(&self) -> &[u8] {
        if self.header_pos < self.header.len() {
            &self.header[self.header_pos..]
        } else {
            &self.framer.buf()[self.output.clone()]
        }
    }

    /// Marks all pending bytes as consumed.
    fn consume_pending(&mut self) {
        if self.header_pos < self.header.len() {
            self.header_pos = self.header.len();
        } else {
            self.output.start = self.output.end;
        }
    }

    /// Copies pending header or ciphertext bytes into `out` and returns how many.
    pub(crate) fn copy_output(&mut self, out: &mut [u8]) -> usize {
        if self.header_pos < self.header.len() {
            let count = out.len().min(self.header.len() - self.header_pos);
            out[..count].copy_from_slice(&self.header[self.header_pos..self.header_pos + count]);
            self.header_pos += count;
            return count;
        }
        let count = out.len().min(self.output.len());
        let start = self.output.start;
        out[..count].copy_from_slice(&self.framer.buf()[start..start + count]);
        self.output.start += count;
        count
    }

    /// Seals the plaintext chunk buffered in the framer. After an error it yields nothing
    /// more, because the ciphertext would no longer match a single pass.
    pub(crate) fn seal_chunk(&mut self) -> Result<()> {
        let result = self.try_seal_chunk();
        if result.is_err() {
            self.failed = true;
            self.output = 0..0;
        }
        result
    }

    fn try_seal_chunk(&mut self) -> Result<()> {
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
    state: SealState,
}

impl<R: Read> ResumableSealer<R> {
    /// Yields the whole ciphertext of `source`, from the first header byte.
    pub fn new(secrets: &UploadSecrets, source: R) -> Self {
        ResumableSealer {
            source,
            state: SealState::new(secrets),
        }
    }

    /// Returns the inner source.
    pub fn into_inner(self) -> R {
        self.source
    }

    /// Writes all remaining ciphertext to `writer` and returns the number of bytes
    /// written. It writes straight from the chunk buffer, saving the copy that `Read`
    /// needs.
    pub fn write_to(&mut self, writer: &mut (impl Write + ?Sized)) -> Result<u64> {
        let mut written = 0u64;
        loop {
            let pending = self.state.pending();
            if !pending.is_empty() {
                writer.write_all(pending)?;
                written += pending.len() as u64;
                self.state.consume_pending();
            }
            if !self.state.needs_chunk()? {
                return Ok(written);
            }
            self.state.framer.fill(&mut self.source)?;
            self.state.seal_chunk()?;
        }
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
        let point = ResumePoint::locate(secrets, source_len, ciphertext_offset)?;
        source.seek(SeekFrom::Start(point.source_offset))?;
        let mut sealer = ResumableSealer::new(secrets, source);
        sealer.state.resume_at(&point);
        Ok(sealer)
    }
}

impl<R: Read> Read for ResumableSealer<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if out.is_empty() {
            return Ok(0);
        }
        while self.state.needs_chunk()? {
            self.state.framer.fill(&mut self.source)?;
            self.state.seal_chunk()?;
        }
        Ok(self.state.copy_output(out))
    }
}

impl<R: Read> std::fmt::Debug for ResumableSealer<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ResumableSealer")
            .field("next_chunk", &self.state.index)
            .field("done", &self.state.done)
            .finish_non_exhaustive()
    }
}
