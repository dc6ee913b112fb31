//! An S3-compatible blob store, through the `object_store` crate.
//!
//! S3 objects cannot be appended to, so each synced tus write becomes one segment
//! object, `PREFIX/ID/part/OFFSET`, with OFFSET as 20 zero-padded digits so that names
//! sort by offset. A segment is written with a multipart upload while the bytes arrive,
//! so one write buffers at most [`PART_SIZE`] bytes plus [`MAX_PARTS_IN_FLIGHT`] parts in
//! transit, never a whole PATCH body. A segment exists only once its multipart upload
//! completes, so the listed segments are exactly the durable bytes.
//!
//! Completing an upload writes the manifest `PREFIX/ID/complete`, one `OFFSET LENGTH`
//! line per segment. [`BlobStore::read`] needs the manifest, so a reader never sees a
//! partial upload.

use std::sync::Arc;

use futures_util::{StreamExt, TryStreamExt};
use object_store::aws::AmazonS3Builder;
use object_store::path::Path;
use object_store::{ObjectStore, PutPayload, WriteMultipart};
use tokio::io::AsyncRead;
use uuid::Uuid;

use super::{BlobError, BlobStore, PartWriter};
use crate::keyprovider::BoxFuture;

/// The multipart part size: S3's minimum for every part but the last.
const PART_SIZE: usize = 5 * 1024 * 1024;
/// Parts one write may have in transit before it waits.
const MAX_PARTS_IN_FLIGHT: usize = 2;

/// The bucket, endpoint and credentials of an [`S3Store`].
#[derive(Clone)]
pub struct S3Settings {
    /// `s3://BUCKET` or `s3://BUCKET/PREFIX`.
    pub url: String,
    /// The endpoint of an S3-compatible service; AWS's own when absent.
    pub endpoint: Option<String>,
    /// The region; `us-east-1` when absent.
    pub region: Option<String>,
    /// The access key id.
    pub access_key_id: String,
    /// The secret access key.
    pub secret_access_key: String,
    /// A session token for temporary credentials.
    pub session_token: Option<String>,
    /// Allows an `http://` endpoint, for a test server on the loopback interface.
    pub allow_http: bool,
}

impl std::fmt::Debug for S3Settings {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("S3Settings")
            .field("url", &self.url)
            .field("endpoint", &self.endpoint)
            .field("region", &self.region)
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"<redacted>")
            .field(
                "session_token",
                &self.session_token.as_ref().map(|_| "<redacted>"),
            )
            .field("allow_http", &self.allow_http)
            .finish()
    }
}

/// Splits `s3://BUCKET/PREFIX` into the bucket and the prefix (possibly empty).
pub fn parse_s3_url(url: &str) -> Result<(String, String), String> {
    let rest = url
        .strip_prefix("s3://")
        .ok_or_else(|| format!("{url:?} does not start with s3://"))?;
    let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
    if bucket.is_empty() {
        return Err(format!("{url:?} names no bucket; write s3://BUCKET/PREFIX"));
    }
    Ok((bucket.to_owned(), prefix.trim_matches('/').to_owned()))
}

/// Uploads as objects in an S3-compatible bucket.
#[derive(Debug, Clone)]
pub struct S3Store {
    store: Arc<dyn ObjectStore>,
    prefix: String,
}

fn store_error(id: Uuid) -> impl Fn(object_store::Error) -> BlobError {
    move |source| BlobError::Store { id, source }
}

fn layout_error(id: Uuid, detail: String) -> BlobError {
    BlobError::Layout { id, detail }
}

/// One segment: its offset in the upload and its length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Segment {
    offset: u64,
    length: u64,
}

impl S3Store {
    /// Connects to the bucket `settings` names. Only the given credentials are used:
    /// the builder never falls back to instance metadata or other ambient sources.
    pub fn new(settings: &S3Settings) -> Result<Self, String> {
        let (bucket, prefix) = parse_s3_url(&settings.url)?;
        let mut builder = AmazonS3Builder::new()
            .with_bucket_name(bucket)
            .with_region(settings.region.as_deref().unwrap_or("us-east-1"))
            .with_access_key_id(&settings.access_key_id)
            .with_secret_access_key(&settings.secret_access_key)
            .with_allow_http(settings.allow_http);
        if let Some(endpoint) = &settings.endpoint {
            builder = builder.with_endpoint(endpoint);
        }
        if let Some(token) = &settings.session_token {
            builder = builder.with_token(token);
        }
        let store = builder
            .build()
            .map_err(|error| format!("the S3 settings are invalid: {error}"))?;
        Ok(Self {
            store: Arc::new(store),
            prefix,
        })
    }

    fn base(&self, id: Uuid) -> String {
        if self.prefix.is_empty() {
            id.to_string()
        } else {
            format!("{}/{id}", self.prefix)
        }
    }

    fn parts_dir(&self, id: Uuid) -> Path {
        Path::from(format!("{}/part", self.base(id)))
    }

    fn segment_path(&self, id: Uuid, offset: u64) -> Path {
        Path::from(format!("{}/part/{offset:020}", self.base(id)))
    }

    fn manifest_path(&self, id: Uuid) -> Path {
        Path::from(format!("{}/complete", self.base(id)))
    }

    /// Lists the upload's segments in offset order.
    async fn segments(&self, id: Uuid) -> Result<Vec<Segment>, BlobError> {
        let metas: Vec<_> = self
            .store
            .list(Some(&self.parts_dir(id)))
            .try_collect()
            .await
            .map_err(store_error(id))?;
        let mut segments = Vec::with_capacity(metas.len());
        for meta in metas {
            let name = meta.location.filename().unwrap_or_default();
            let offset = name.parse().map_err(|_| {
                layout_error(
                    id,
                    format!("unexpected object {} among the segments", meta.location),
                )
            })?;
            segments.push(Segment {
                offset,
                length: meta.size,
            });
        }
        segments.sort_by_key(|segment| segment.offset);
        Ok(segments)
    }
}

/// Returns the length the segments cover from offset 0, or an error at a gap or overlap.
fn contiguous_length(id: Uuid, segments: &[Segment]) -> Result<u64, BlobError> {
    let mut end = 0;
    for segment in segments {
        if segment.offset != end {
            return Err(layout_error(
                id,
                format!(
                    "a segment starts at {} where {end} was expected",
                    segment.offset
                ),
            ));
        }
        end += segment.length;
    }
    Ok(end)
}

#[derive(Debug)]
struct S3Part {
    store: S3Store,
    id: Uuid,
    /// The offset of the segment being written: every byte before it is durable.
    start: u64,
    /// Bytes written to the current segment.
    written: u64,
    writer: Option<WriteMultipart>,
}

impl S3Part {
    async fn abort_current(&mut self) {
        if let Some(writer) = self.writer.take() {
            // A failed abort leaves an incomplete multipart upload, which is not an
            // object and is invisible to listings; bucket lifecycle rules reap them.
            if let Err(error) = writer.abort().await {
                tracing::warn!(upload = %self.id, error = %error, "aborting an S3 multipart upload failed");
            }
        }
        self.written = 0;
    }
}

impl PartWriter for S3Part {
    fn write<'a>(&'a mut self, bytes: &'a [u8]) -> BoxFuture<'a, Result<(), BlobError>> {
        Box::pin(async move {
            if bytes.is_empty() {
                return Ok(());
            }
            let id = self.id;
            if self.writer.is_none() {
                let path = self.store.segment_path(id, self.start);
                let upload = self
                    .store
                    .store
                    .put_multipart(&path)
                    .await
                    .map_err(store_error(id))?;
                self.writer = Some(WriteMultipart::new_with_chunk_size(upload, PART_SIZE));
            }
            if let Some(writer) = self.writer.as_mut() {
                writer
                    .wait_for_capacity(MAX_PARTS_IN_FLIGHT)
                    .await
                    .map_err(store_error(id))?;
                writer.write(bytes);
            }
            self.written += u64::try_from(bytes.len()).unwrap_or(u64::MAX);
            Ok(())
        })
    }

    fn sync(&mut self) -> BoxFuture<'_, Result<u64, BlobError>> {
        Box::pin(async move {
            if let Some(writer) = self.writer.take() {
                writer.finish().await.map_err(store_error(self.id))?;
                self.start += self.written;
                self.written = 0;
            }
            Ok(self.start)
        })
    }

    fn truncate(&mut self, offset: u64) -> BoxFuture<'_, Result<(), BlobError>> {
        Box::pin(async move {
            self.abort_current().await;
            let id = self.id;
            for segment in self.store.segments(id).await? {
                if segment.offset >= offset {
                    let path = self.store.segment_path(id, segment.offset);
                    self.store
                        .store
                        .delete(&path)
                        .await
                        .map_err(store_error(id))?;
                } else if segment.offset + segment.length > offset {
                    return Err(layout_error(
                        id,
                        format!("cannot truncate to {offset} inside a durable segment"),
                    ));
                }
            }
            self.start = offset;
            Ok(())
        })
    }
}

impl BlobStore for S3Store {
    fn append_at(
        &self,
        id: Uuid,
        offset: u64,
    ) -> BoxFuture<'_, Result<Box<dyn PartWriter>, BlobError>> {
        Box::pin(async move {
            let segments = self.segments(id).await?;
            // Segments at or past the recorded offset were synced but never recorded.
            let (kept, unrecorded): (Vec<_>, Vec<_>) = segments
                .into_iter()
                .partition(|segment| segment.offset < offset);
            let found = contiguous_length(id, &kept)?;
            if found < offset {
                return Err(BlobError::Short {
                    id,
                    found,
                    expected: offset,
                });
            }
            if found > offset {
                return Err(layout_error(
                    id,
                    format!("the recorded offset {offset} falls inside a durable segment"),
                ));
            }
            for segment in unrecorded {
                let path = self.segment_path(id, segment.offset);
                self.store.delete(&path).await.map_err(store_error(id))?;
            }
            Ok(Box::new(S3Part {
                store: self.clone(),
                id,
                start: offset,
                written: 0,
                writer: None,
            }) as Box<dyn PartWriter>)
        })
    }

    fn complete(&self, id: Uuid) -> BoxFuture<'_, Result<(), BlobError>> {
        Box::pin(async move {
            let segments = self.segments(id).await?;
            contiguous_length(id, &segments)?;
            let manifest: String = segments
                .iter()
                .map(|segment| format!("{} {}\n", segment.offset, segment.length))
                .collect();
            self.store
                .put(&self.manifest_path(id), PutPayload::from(manifest))
                .await
                .map_err(store_error(id))?;
            Ok(())
        })
    }

    fn read(
        &self,
        id: Uuid,
    ) -> BoxFuture<'_, Result<Box<dyn AsyncRead + Send + Unpin>, BlobError>> {
        Box::pin(async move {
            let manifest = self
                .store
                .get(&self.manifest_path(id))
                .await
                .map_err(store_error(id))?
                .bytes()
                .await
                .map_err(store_error(id))?;
            let text = String::from_utf8_lossy(&manifest);
            let mut paths = Vec::new();
            for line in text.lines() {
                let offset = line
                    .split_once(' ')
                    .and_then(|(offset, _)| offset.parse::<u64>().ok())
                    .ok_or_else(|| {
                        layout_error(id, format!("manifest line {line:?} is invalid"))
                    })?;
                paths.push(self.segment_path(id, offset));
            }
            let store = Arc::clone(&self.store);
            let bytes = futures_util::stream::iter(paths)
                .then(move |path| {
                    let store = Arc::clone(&store);
                    async move { store.get(&path).await }
                })
                .map_ok(object_store::GetResult::into_stream)
                .try_flatten()
                .map_err(std::io::Error::other)
                .boxed();
            Ok(Box::new(tokio_util::io::StreamReader::new(bytes))
                as Box<dyn AsyncRead + Send + Unpin>)
        })
    }

    fn remove(&self, id: Uuid) -> BoxFuture<'_, Result<(), BlobError>> {
        Box::pin(async move {
            let base = Path::from(self.base(id));
            let metas: Vec<_> = self
                .store
                .list(Some(&base))
                .try_collect()
                .await
                .map_err(store_error(id))?;
            for meta in metas {
                match self.store.delete(&meta.location).await {
                    Ok(()) | Err(object_store::Error::NotFound { .. }) => {}
                    Err(error) => return Err(store_error(id)(error)),
                }
            }
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn s3_urls_split_into_bucket_and_prefix() {
        assert_eq!(
            parse_s3_url("s3://uploads/sealpost/prod/"),
            Ok(("uploads".to_owned(), "sealpost/prod".to_owned()))
        );
        assert_eq!(
            parse_s3_url("s3://uploads"),
            Ok(("uploads".to_owned(), String::new()))
        );
        assert!(parse_s3_url("https://uploads").is_err());
        assert!(parse_s3_url("s3:///prefix").is_err());
    }

    #[test]
    fn segments_must_be_contiguous() {
        let id = Uuid::new_v4();
        let whole = [
            Segment {
                offset: 0,
                length: 5,
            },
            Segment {
                offset: 5,
                length: 3,
            },
        ];
        assert_eq!(contiguous_length(id, &whole).unwrap(), 8);
        let gap = [
            Segment {
                offset: 0,
                length: 5,
            },
            Segment {
                offset: 6,
                length: 3,
            },
        ];
        assert!(contiguous_length(id, &gap).is_err());
    }
}
