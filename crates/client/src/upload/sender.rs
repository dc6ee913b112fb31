//! Sealing the list while sending it: bounded PATCH requests, each with its checksum,
//! and HEAD-and-resume after any failure that retrying can fix.

use std::fs::File;
use std::io::Read;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use sealpost_envelope::{ResumableSealer, UploadSecrets};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::error::UploadError;
use super::events::{EventSink, UploadNotice};
use super::retry::Backoff;
use super::tus::{self, TusError};
use crate::connection::Connection;
use crate::error::ClientError;

/// One PATCH body: ciphertext bytes and the offset they start at.
struct Chunk {
    offset: u64,
    bytes: Vec<u8>,
}

/// The failures a producer reports.
enum ProduceError {
    Open(std::io::Error),
    Seal(sealpost_envelope::Error),
}

/// Seals PATCH bodies on a blocking thread, one ahead of the request in flight, so
/// sealing and sending overlap. Memory stays at about three bodies: one being sealed,
/// one queued and one being sent.
struct Producer {
    chunks: mpsc::Receiver<Result<Chunk, ProduceError>>,
}

impl Producer {
    fn start(source: PathBuf, secrets: Arc<UploadSecrets>, offset: u64, body_size: usize) -> Self {
        let (sender, chunks) = mpsc::channel(1);
        tokio::task::spawn_blocking(move || {
            let result = produce(&source, &secrets, offset, body_size, &sender);
            if let Err(error) = result {
                // A closed channel means the transfer stopped listening; nothing to report.
                let _ = sender.blocking_send(Err(error));
            }
        });
        Self { chunks }
    }

    async fn next(&mut self) -> Option<Result<Chunk, ProduceError>> {
        self.chunks.recv().await
    }
}

fn produce(
    source: &std::path::Path,
    secrets: &UploadSecrets,
    offset: u64,
    body_size: usize,
    sender: &mpsc::Sender<Result<Chunk, ProduceError>>,
) -> Result<(), ProduceError> {
    let file = File::open(source).map_err(ProduceError::Open)?;
    let mut sealer =
        ResumableSealer::from_offset(secrets, file, offset).map_err(ProduceError::Seal)?;
    let mut position = offset;
    loop {
        let mut bytes = vec![0u8; body_size];
        let mut filled = 0;
        while filled < body_size {
            match sealer.read(&mut bytes[filled..]) {
                Ok(0) => break,
                Ok(read) => filled += read,
                Err(error) if error.kind() == std::io::ErrorKind::Interrupted => {}
                Err(error) => {
                    return Err(ProduceError::Seal(sealpost_envelope::from_io_error(error)));
                }
            }
        }
        if filled == 0 {
            return Ok(());
        }
        bytes.truncate(filled);
        let chunk = Chunk {
            offset: position,
            bytes,
        };
        if sender.blocking_send(Ok(chunk)).is_err() {
            return Ok(());
        }
        position += filled as u64;
    }
}

/// What one transfer sends and how.
pub(crate) struct Transfer<'a> {
    pub(crate) connection: &'a Connection,
    pub(crate) source: PathBuf,
    pub(crate) secrets: Arc<UploadSecrets>,
    pub(crate) upload_path: String,
    pub(crate) total: u64,
    pub(crate) body_size: usize,
    pub(crate) patch_timeout: Duration,
    pub(crate) events: &'a EventSink,
    pub(crate) cancel: &'a CancellationToken,
}

/// How a transfer ended without an error.
#[derive(Debug)]
pub(crate) enum TransferEnd {
    /// The service stored every byte.
    Complete,
    /// The service no longer has the upload (404 or 410), for the reason given.
    Forgotten(String),
}

/// What to do about a failed request.
enum Recovery {
    /// HEAD and resume, after backoff or the service's `Retry-After`.
    Retry(Option<Duration>),
    /// The upload is gone; start a new one.
    Forgotten,
    /// Retrying cannot help.
    Fatal,
}

fn recovery_for(error: &TusError) -> Recovery {
    match error {
        TusError::Protocol(_) => Recovery::Retry(None),
        TusError::Client(client) => match client {
            ClientError::NotFound { .. } | ClientError::Gone => Recovery::Forgotten,
            ClientError::RateLimited { retry_after } => Recovery::Retry(*retry_after),
            ClientError::Conflict { .. }
            | ClientError::ChecksumMismatch
            | ClientError::Timeout { .. }
            | ClientError::Network { .. }
            | ClientError::Unreachable { .. }
            | ClientError::Unavailable { .. } => Recovery::Retry(None),
            ClientError::ServerProblem { status, .. } if *status >= 500 => Recovery::Retry(None),
            _ => Recovery::Fatal,
        },
    }
}

impl Transfer<'_> {
    fn cancelled(&self, acknowledged: u64) -> UploadError {
        UploadError::Cancelled {
            upload_id: self
                .upload_path
                .rsplit('/')
                .next()
                .and_then(|id| id.parse().ok()),
            acknowledged,
            total: self.total,
        }
    }

    /// Sends everything from `offset` on. `on_progress` runs after each acknowledged
    /// PATCH with the new offset, to save the resume state and report progress.
    pub(crate) async fn run(
        &self,
        mut offset: u64,
        backoff: &mut Backoff,
        mut on_progress: impl FnMut(u64) -> Result<(), UploadError>,
    ) -> Result<TransferEnd, UploadError> {
        loop {
            if offset >= self.total {
                return Ok(TransferEnd::Complete);
            }
            let failure = self.send_from(offset, backoff, &mut on_progress).await;
            let failure = match failure {
                Ok(new_offset) if new_offset >= self.total => return Ok(TransferEnd::Complete),
                Ok(new_offset) => {
                    // The sealer checks the size recorded in the metadata, so this means
                    // the file shrank in a way that check missed.
                    return Err(UploadError::SourceChanged {
                        path: self.source.clone(),
                        reason: format!(
                            "its ciphertext ended at byte {new_offset} of {}",
                            self.total
                        ),
                    });
                }
                Err(SendStop::Fatal(error)) => return Err(error),
                Err(SendStop::Request(error, acknowledged)) => {
                    offset = acknowledged;
                    error
                }
            };
            if let TusError::Client(ClientError::NotFound { .. } | ClientError::Gone) = failure {
                return Ok(TransferEnd::Forgotten(failure.to_string()));
            }
            match self.resynchronise(Some(failure), offset, backoff).await? {
                Some(head_offset) => offset = head_offset,
                None => {
                    return Ok(TransferEnd::Forgotten(
                        "the service answered that the upload no longer exists (it expired, was terminated or was never stored)".to_owned(),
                    ));
                }
            }
        }
    }

    /// Sends PATCH requests from `offset` until the producer runs out or a request fails.
    async fn send_from(
        &self,
        mut offset: u64,
        backoff: &mut Backoff,
        on_progress: &mut impl FnMut(u64) -> Result<(), UploadError>,
    ) -> Result<u64, SendStop> {
        let mut producer = Producer::start(
            self.source.clone(),
            self.secrets.clone(),
            offset,
            self.body_size,
        );
        loop {
            let next = tokio::select! {
                () = self.cancel.cancelled() => return Err(SendStop::Fatal(self.cancelled(offset))),
                next = producer.next() => next,
            };
            let chunk = match next {
                None => return Ok(offset),
                Some(Ok(chunk)) => chunk,
                Some(Err(ProduceError::Open(source))) => {
                    return Err(SendStop::Fatal(UploadError::SourceUnreadable {
                        path: self.source.clone(),
                        source,
                    }));
                }
                Some(Err(ProduceError::Seal(sealpost_envelope::Error::SourceChanged(reason)))) => {
                    return Err(SendStop::Fatal(UploadError::SourceChanged {
                        path: self.source.clone(),
                        reason,
                    }));
                }
                Some(Err(ProduceError::Seal(error))) => {
                    return Err(SendStop::Fatal(UploadError::Seal(error)));
                }
            };
            debug_assert_eq!(chunk.offset, offset);
            let request = tus::patch(
                self.connection,
                &self.upload_path,
                chunk.offset,
                chunk.bytes,
                self.patch_timeout,
            );
            // Dropping the request on cancellation closes its connection mid-body; the
            // service discards a body that ends early, because it carries a checksum.
            let result = tokio::select! {
                () = self.cancel.cancelled() => return Err(SendStop::Fatal(self.cancelled(offset))),
                result = request => result,
            };
            match result {
                Ok(new_offset) => {
                    offset = new_offset;
                    backoff.reset();
                    on_progress(offset).map_err(SendStop::Fatal)?;
                }
                Err(error) => return Err(SendStop::Request(error, offset)),
            }
        }
    }

    /// Asks the service for the upload's offset with HEAD, retrying as a failed PATCH
    /// would. Returns `None` when the service no longer has the upload.
    pub(crate) async fn current_offset(
        &self,
        backoff: &mut Backoff,
    ) -> Result<Option<u64>, UploadError> {
        self.resynchronise(None, 0, backoff).await
    }

    /// Waits as `failure` calls for (when there is one), then requests the upload's
    /// offset with HEAD. Returns `None` when the service no longer has the upload.
    async fn resynchronise(
        &self,
        mut failure: Option<TusError>,
        acknowledged: u64,
        backoff: &mut Backoff,
    ) -> Result<Option<u64>, UploadError> {
        loop {
            if let Some(failure) = failure.take() {
                self.wait_after(failure, acknowledged, backoff).await?;
            }
            let head = tokio::select! {
                () = self.cancel.cancelled() => return Err(self.cancelled(acknowledged)),
                head = tus::head(self.connection, &self.upload_path) => head,
            };
            match head {
                Ok(position) if position.length != self.total => {
                    return Err(UploadError::Protocol(format!(
                        "the service's upload is {} bytes long, but this sealed list is {} bytes; run the command again with --restart",
                        position.length, self.total
                    )));
                }
                Ok(position) if position.offset > self.total => {
                    return Err(UploadError::Protocol(format!(
                        "the service reports offset {} past the upload's {} bytes",
                        position.offset, self.total
                    )));
                }
                Ok(position) => return Ok(Some(position.offset)),
                Err(error) => match recovery_for(&error) {
                    Recovery::Forgotten => return Ok(None),
                    _ => failure = Some(error),
                },
            }
        }
    }

    /// Waits before the next attempt, or fails when `failure` cannot be retried or the
    /// retry budget is spent.
    async fn wait_after(
        &self,
        failure: TusError,
        acknowledged: u64,
        backoff: &mut Backoff,
    ) -> Result<(), UploadError> {
        let retry_after = match recovery_for(&failure) {
            Recovery::Retry(retry_after) => retry_after,
            Recovery::Forgotten | Recovery::Fatal => return Err(failure.into()),
        };
        let Some(delay) = backoff.next_delay(retry_after) else {
            return Err(UploadError::RetriesExhausted {
                attempts: backoff.attempts(),
                last: failure.to_string(),
            });
        };
        tracing::info!(attempt = backoff.attempts(), delay_ms = delay.as_millis(), error = %failure, "upload request failed; retrying");
        self.events.notice(UploadNotice::Retrying {
            attempt: backoff.attempts(),
            delay,
            reason: failure.to_string(),
        });
        tokio::select! {
            () = self.cancel.cancelled() => Err(self.cancelled(acknowledged)),
            () = tokio::time::sleep(delay) => Ok(()),
        }
    }
}

/// Why [`Transfer::send_from`] stopped early.
enum SendStop {
    /// Nothing more to try.
    Fatal(UploadError),
    /// A request failed with this many bytes acknowledged.
    Request(TusError, u64),
}
