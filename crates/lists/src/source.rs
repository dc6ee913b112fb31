//! The source of a list's bytes: a file on disk, streamed, or bytes in memory.

use std::fs::File;
use std::io::{self, Cursor, Read, Seek, SeekFrom};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// A re-openable byte source, so a preview can read from a checkpoint while the main
/// pass goes on.
#[derive(Debug, Clone)]
pub(crate) enum Source {
    File(PathBuf),
    Memory(Arc<[u8]>),
}

impl Source {
    /// Opens the source positioned at byte `offset`.
    pub(crate) fn open_at(&self, offset: u64) -> io::Result<Box<dyn Read + Send>> {
        match self {
            Source::File(path) => {
                let mut file = File::open(path)?;
                file.seek(SeekFrom::Start(offset))?;
                Ok(Box::new(io::BufReader::with_capacity(64 * 1024, file)))
            }
            Source::Memory(bytes) => {
                let mut cursor = Cursor::new(Arc::clone(bytes));
                cursor.set_position(offset);
                Ok(Box::new(cursor))
            }
        }
    }

    /// Returns the length of the source in bytes.
    pub(crate) fn len(&self) -> io::Result<u64> {
        match self {
            Source::File(path) => Ok(std::fs::metadata(path)?.len()),
            Source::Memory(bytes) => Ok(bytes.len() as u64),
        }
    }

    /// Reads up to `max` bytes from the start, for format and encoding detection.
    pub(crate) fn head(&self, max: usize) -> io::Result<Vec<u8>> {
        let mut head = Vec::with_capacity(max.min(64 * 1024));
        self.open_at(0)?.take(max as u64).read_to_end(&mut head)?;
        Ok(head)
    }
}

/// A reader that counts the bytes read through it into a shared counter, for progress.
#[derive(Debug)]
pub(crate) struct Counted<R> {
    pub(crate) inner: R,
    pub(crate) count: Arc<AtomicU64>,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let read = self.inner.read(buf)?;
        self.count.fetch_add(read as u64, Ordering::Relaxed);
        Ok(read)
    }
}
