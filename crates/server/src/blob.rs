//! Storage of uploaded ciphertext. Only sealed envelopes, exactly as received, are ever
//! written here.
//!
//! An upload grows as a partial object that tus requests append to; bytes count only
//! once [`PartWriter::sync`] has made them durable, and the database records that
//! length. A completed upload is moved to its final name, so a reader never sees a
//! partial object.

pub mod s3;

use std::io::SeekFrom;
use std::path::{Path, PathBuf};

use tokio::io::{AsyncRead, AsyncSeekExt, AsyncWriteExt};
use uuid::Uuid;

use crate::keyprovider::BoxFuture;

/// A storage failure.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BlobError {
    /// A file operation failed.
    #[error("blob storage failed for upload {id}")]
    Io {
        /// The upload.
        id: Uuid,
        /// The I/O failure.
        #[source]
        source: std::io::Error,
    },
    /// The partial object is shorter than the recorded offset, so bytes were lost.
    #[error("the stored part of upload {id} has {found} bytes, fewer than the recorded {expected}")]
    Short {
        /// The upload.
        id: Uuid,
        /// Bytes found.
        found: u64,
        /// Bytes recorded as durable.
        expected: u64,
    },
    /// An object store request failed.
    #[error("the object store failed for upload {id}")]
    Store {
        /// The upload.
        id: Uuid,
        /// The object store failure.
        #[source]
        source: object_store::Error,
    },
    /// The stored objects do not form the upload the database records.
    #[error("the stored objects of upload {id} are inconsistent: {detail}")]
    Layout {
        /// The upload.
        id: Uuid,
        /// What is wrong.
        detail: String,
    },
}

/// Appends to one partial object.
pub trait PartWriter: Send + std::fmt::Debug {
    /// Writes `bytes` after what was written before; not durable until [`Self::sync`].
    fn write<'a>(&'a mut self, bytes: &'a [u8]) -> BoxFuture<'a, Result<(), BlobError>>;

    /// Makes every written byte durable and returns the partial object's length.
    fn sync(&mut self) -> BoxFuture<'_, Result<u64, BlobError>>;

    /// Drops every byte past `offset` and makes that durable.
    fn truncate(&mut self, offset: u64) -> BoxFuture<'_, Result<(), BlobError>>;
}

/// Where uploads are stored.
pub trait BlobStore: Send + Sync + std::fmt::Debug {
    /// Opens the partial object of `id` for appending at `offset`, creating it when
    /// `offset` is 0 and dropping bytes past `offset` left by an unrecorded write.
    fn append_at(
        &self,
        id: Uuid,
        offset: u64,
    ) -> BoxFuture<'_, Result<Box<dyn PartWriter>, BlobError>>;

    /// Turns the partial object into the complete object.
    fn complete(&self, id: Uuid) -> BoxFuture<'_, Result<(), BlobError>>;

    /// Reads the complete object.
    fn read(&self, id: Uuid)
    -> BoxFuture<'_, Result<Box<dyn AsyncRead + Send + Unpin>, BlobError>>;

    /// Deletes the partial and the complete object; deleting a missing one succeeds.
    fn remove(&self, id: Uuid) -> BoxFuture<'_, Result<(), BlobError>>;
}

/// Objects as files in one local directory: `ID.part` while receiving, `ID.blob` once
/// complete.
#[derive(Debug, Clone)]
pub struct LocalDir {
    dir: PathBuf,
}

impl LocalDir {
    /// Uses `dir`, creating it with mode 0700 if missing.
    pub fn new(dir: &Path) -> std::io::Result<Self> {
        use std::os::unix::fs::DirBuilderExt;
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)?;
        Ok(Self {
            dir: dir.to_owned(),
        })
    }

    fn part(&self, id: Uuid) -> PathBuf {
        self.dir.join(format!("{id}.part"))
    }

    fn blob(&self, id: Uuid) -> PathBuf {
        self.dir.join(format!("{id}.blob"))
    }

    /// Returns whether any object of `id` exists; for tests and diagnostics.
    pub fn holds(&self, id: Uuid) -> bool {
        self.part(id).exists() || self.blob(id).exists()
    }
}

/// Buffer size of a local part's file writer, in bytes.
///
/// Each write to a `tokio::fs::File` is a round trip to the blocking thread pool, and an
/// HTTP/2 body arrives in 16 KiB frames by default, so an unbuffered 20 MiB upload made
/// over a thousand round trips. Under load these delayed the HTTP/2 window updates and
/// clients stalled waiting for them.
const LOCAL_WRITE_BUFFER_BYTES: usize = 256 * 1024;

#[derive(Debug)]
struct LocalPart {
    id: Uuid,
    file: tokio::io::BufWriter<tokio::fs::File>,
}

fn io_error(id: Uuid) -> impl Fn(std::io::Error) -> BlobError {
    move |source| BlobError::Io { id, source }
}

impl PartWriter for LocalPart {
    fn write<'a>(&'a mut self, bytes: &'a [u8]) -> BoxFuture<'a, Result<(), BlobError>> {
        Box::pin(async move { self.file.write_all(bytes).await.map_err(io_error(self.id)) })
    }

    fn sync(&mut self) -> BoxFuture<'_, Result<u64, BlobError>> {
        Box::pin(async move {
            let id = self.id;
            self.file.flush().await.map_err(io_error(id))?;
            let file = self.file.get_mut();
            file.sync_data().await.map_err(io_error(id))?;
            Ok(file.metadata().await.map_err(io_error(id))?.len())
        })
    }

    fn truncate(&mut self, offset: u64) -> BoxFuture<'_, Result<(), BlobError>> {
        Box::pin(async move {
            let id = self.id;
            self.file.flush().await.map_err(io_error(id))?;
            let file = self.file.get_mut();
            file.set_len(offset).await.map_err(io_error(id))?;
            file.seek(SeekFrom::Start(offset))
                .await
                .map_err(io_error(id))?;
            file.sync_data().await.map_err(io_error(id))
        })
    }
}

impl BlobStore for LocalDir {
    fn append_at(
        &self,
        id: Uuid,
        offset: u64,
    ) -> BoxFuture<'_, Result<Box<dyn PartWriter>, BlobError>> {
        Box::pin(async move {
            let mut file = tokio::fs::OpenOptions::new()
                .write(true)
                .create(offset == 0)
                .truncate(false)
                .open(self.part(id))
                .await
                .map_err(io_error(id))?;
            let found = file.metadata().await.map_err(io_error(id))?.len();
            if found < offset {
                return Err(BlobError::Short {
                    id,
                    found,
                    expected: offset,
                });
            }
            if found > offset {
                file.set_len(offset).await.map_err(io_error(id))?;
            }
            file.seek(SeekFrom::Start(offset))
                .await
                .map_err(io_error(id))?;
            let file = tokio::io::BufWriter::with_capacity(LOCAL_WRITE_BUFFER_BYTES, file);
            Ok(Box::new(LocalPart { id, file }) as Box<dyn PartWriter>)
        })
    }

    fn complete(&self, id: Uuid) -> BoxFuture<'_, Result<(), BlobError>> {
        Box::pin(async move {
            tokio::fs::rename(self.part(id), self.blob(id))
                .await
                .map_err(io_error(id))?;
            // The rename is durable only once the directory itself is synced.
            let dir = tokio::fs::File::open(&self.dir)
                .await
                .map_err(io_error(id))?;
            dir.sync_all().await.map_err(io_error(id))
        })
    }

    fn read(
        &self,
        id: Uuid,
    ) -> BoxFuture<'_, Result<Box<dyn AsyncRead + Send + Unpin>, BlobError>> {
        Box::pin(async move {
            let file = tokio::fs::File::open(self.blob(id))
                .await
                .map_err(io_error(id))?;
            Ok(Box::new(file) as Box<dyn AsyncRead + Send + Unpin>)
        })
    }

    fn remove(&self, id: Uuid) -> BoxFuture<'_, Result<(), BlobError>> {
        Box::pin(async move {
            for path in [self.part(id), self.blob(id)] {
                match tokio::fs::remove_file(&path).await {
                    Ok(()) => {}
                    Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
                    Err(error) => return Err(io_error(id)(error)),
                }
            }
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use tokio::io::AsyncReadExt;

    use super::*;

    #[tokio::test]
    async fn appends_resume_truncate_and_complete() {
        let dir = tempfile::tempdir().unwrap();
        let store = LocalDir::new(&dir.path().join("blobs")).unwrap();
        let id = Uuid::new_v4();
        let mut part = store.append_at(id, 0).await.unwrap();
        part.write(b"hello ").await.unwrap();
        assert_eq!(part.sync().await.unwrap(), 6);
        part.write(b"unrecorded").await.unwrap();
        drop(part);

        // Bytes past the recorded offset are dropped on the next append.
        let mut part = store.append_at(id, 6).await.unwrap();
        part.write(b"wrong").await.unwrap();
        part.truncate(6).await.unwrap();
        part.write(b"world").await.unwrap();
        assert_eq!(part.sync().await.unwrap(), 11);
        drop(part);
        assert!(matches!(
            store.append_at(id, 20).await,
            Err(BlobError::Short { found: 11, .. })
        ));

        store.complete(id).await.unwrap();
        let mut text = String::new();
        store
            .read(id)
            .await
            .unwrap()
            .read_to_string(&mut text)
            .await
            .unwrap();
        assert_eq!(text, "hello world");
        assert!(store.holds(id));
        store.remove(id).await.unwrap();
        assert!(!store.holds(id));
        store.remove(id).await.unwrap();
    }

    #[tokio::test]
    async fn a_missing_part_is_an_error_after_offset_zero() {
        let dir = tempfile::tempdir().unwrap();
        let store = LocalDir::new(dir.path()).unwrap();
        assert!(matches!(
            store.append_at(Uuid::new_v4(), 5).await,
            Err(BlobError::Io { .. })
        ));
    }
}
