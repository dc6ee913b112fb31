//! `AsyncRead` adapters for tokio, built on the same state as the blocking readers: the
//! service opens uploads with [`AsyncOpener`], and the desktop client can stream an upload
//! body from [`AsyncResumableSealer`].

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use tokio::io::{AsyncRead, AsyncReadExt, AsyncSeek, AsyncSeekExt, ReadBuf};

use crate::error::{Error, Result};
use crate::format::{FIXED_HEADER_LEN, Header, parse_fixed};
use crate::framer::Framer;
use crate::keys::Identity;
use crate::metadata::Metadata;
use crate::open::OpenState;
use crate::resume::{ResumePoint, SealState};
use crate::secrets::UploadSecrets;

/// The async counterpart of [`Opener`](crate::Opener): reads an envelope from `R` and
/// yields its plaintext, with the same checks and the same error reporting.
pub struct AsyncOpener<R> {
    reader: R,
    state: OpenState,
}

impl<R: AsyncRead + Unpin> AsyncOpener<R> {
    /// Reads and authenticates the header with `identity`.
    pub async fn new(reader: R, identity: &Identity) -> Result<Self> {
        Self::with_identities(reader, std::slice::from_ref(identity)).await
    }

    /// Reads the header and opens it with whichever of `identities` it is addressed to.
    pub async fn with_identities(mut reader: R, identities: &[Identity]) -> Result<Self> {
        let header = read_header(&mut reader).await?;
        Ok(AsyncOpener {
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
}

impl<R: AsyncRead + Unpin> AsyncRead for AsyncOpener<R> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        out: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if out.remaining() == 0 {
            return Poll::Ready(Ok(()));
        }
        while this.state.needs_chunk()? {
            ready!(poll_fill(&mut this.reader, &mut this.state.framer, cx))?;
            this.state.open_chunk()?;
        }
        let count = this.state.copy_output(out.initialize_unfilled());
        out.advance(count);
        Poll::Ready(Ok(()))
    }
}

impl<R> std::fmt::Debug for AsyncOpener<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AsyncOpener").finish_non_exhaustive()
    }
}

/// The async counterpart of [`ResumableSealer`](crate::ResumableSealer): yields an
/// upload's ciphertext from the start or from any offset, reading the plaintext from `R`.
pub struct AsyncResumableSealer<R> {
    source: R,
    state: SealState,
}

impl<R: AsyncRead + Unpin> AsyncResumableSealer<R> {
    /// Yields the whole ciphertext of `source`, from the first header byte.
    pub fn new(secrets: &UploadSecrets, source: R) -> Self {
        AsyncResumableSealer {
            source,
            state: SealState::new(secrets),
        }
    }

    /// Returns the inner source.
    pub fn into_inner(self) -> R {
        self.source
    }
}

impl<R: AsyncRead + AsyncSeek + Unpin> AsyncResumableSealer<R> {
    /// Yields the ciphertext from `ciphertext_offset` onward, with the same checks as
    /// [`ResumableSealer::from_offset`](crate::ResumableSealer::from_offset).
    pub async fn from_offset(
        secrets: &UploadSecrets,
        mut source: R,
        ciphertext_offset: u64,
    ) -> Result<Self> {
        let source_len = source.seek(std::io::SeekFrom::End(0)).await?;
        let point = ResumePoint::locate(secrets, source_len, ciphertext_offset)?;
        source
            .seek(std::io::SeekFrom::Start(point.source_offset))
            .await?;
        let mut sealer = AsyncResumableSealer::new(secrets, source);
        sealer.state.resume_at(&point);
        Ok(sealer)
    }
}

impl<R: AsyncRead + Unpin> AsyncRead for AsyncResumableSealer<R> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        out: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if out.remaining() == 0 {
            return Poll::Ready(Ok(()));
        }
        while this.state.needs_chunk()? {
            ready!(poll_fill(&mut this.source, &mut this.state.framer, cx))?;
            this.state.seal_chunk()?;
        }
        let count = this.state.copy_output(out.initialize_unfilled());
        out.advance(count);
        Poll::Ready(Ok(()))
    }
}

impl<R> std::fmt::Debug for AsyncResumableSealer<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AsyncResumableSealer")
            .finish_non_exhaustive()
    }
}

/// Polls `reader` until the framer holds a chunk and its lookahead byte, or the input
/// ends. The framer keeps partial progress, so a `Pending` loses nothing.
fn poll_fill<R: AsyncRead + Unpin>(
    reader: &mut R,
    framer: &mut Framer,
    cx: &mut Context<'_>,
) -> Poll<io::Result<()>> {
    framer.begin_if_idle();
    while framer.needs_input() {
        let mut buf = ReadBuf::new(framer.spare());
        ready!(Pin::new(&mut *reader).poll_read(cx, &mut buf))?;
        let read = buf.filled().len();
        framer.advance(read);
    }
    Poll::Ready(Ok(()))
}

/// Reads one header, checking every limit before allocating.
async fn read_header<R: AsyncRead + Unpin>(reader: &mut R) -> Result<Header> {
    let mut fixed = [0u8; FIXED_HEADER_LEN];
    read_exact_or_truncated(reader, &mut fixed, 0).await?;
    let metadata_len = parse_fixed(&fixed)?;
    let mut bytes = vec![0u8; FIXED_HEADER_LEN + metadata_len];
    bytes[..FIXED_HEADER_LEN].copy_from_slice(&fixed);
    read_exact_or_truncated(reader, &mut bytes[FIXED_HEADER_LEN..], FIXED_HEADER_LEN).await?;
    Header::from_bytes(bytes)
}

async fn read_exact_or_truncated<R: AsyncRead + Unpin>(
    reader: &mut R,
    buf: &mut [u8],
    offset: usize,
) -> Result<()> {
    let mut filled = 0;
    while filled < buf.len() {
        let read = reader.read(&mut buf[filled..]).await?;
        if read == 0 {
            if offset == 0 && buf[..filled.min(8)] != crate::format::MAGIC[..filled.min(8)] {
                return Err(Error::NotAnEnvelope);
            }
            return Err(Error::TruncatedHeader(offset + filled));
        }
        filled += read;
    }
    Ok(())
}
