//! Upload jobs: one client-library upload per job, with pause, resume and cancel.
//!
//! Pausing cancels the running upload, which leaves it resumable on the service.
//! Resuming runs it again in resume mode, so it continues from the offset the service
//! holds.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use sealpost_client::upload::{
    self, CancellationToken, EventSink, ResumeKeyStore, ResumeMode, UploadError, UploadEvent,
    UploadOutcome, UploadRequest,
};
use sealpost_client::{Connection, FinalState, ProgressEvent};
use time::OffsetDateTime;

use crate::service::rfc3339;
use crate::types::{
    AppError, AppResult, PendingUpload, UploadFinalState, UploadFinished, UploadPhase,
    UploadProgress,
};

/// Receives a job's progress and its end.
pub trait UploadEvents: Send + Sync + 'static {
    /// Called for each progress step.
    fn progress(&self, progress: UploadProgress);
    /// Called once when the job ends (not when it is paused).
    fn finished(&self, finished: UploadFinished);
}

/// What a job needs to run (again).
#[derive(Debug, Clone)]
pub struct JobSpec {
    /// The list file.
    pub file: PathBuf,
    /// The list's file name, for the UI.
    pub file_name: String,
    /// The campaign id.
    pub campaign: String,
    /// The mapping file written for this job.
    pub mapping_file: PathBuf,
    /// Error codes accepted.
    pub allow_errors: Vec<sealpost_lists::IssueCode>,
    /// Folder of the client library's resume states.
    pub state_dir: PathBuf,
}

#[derive(Debug)]
struct Job {
    spec: JobSpec,
    cancel: CancellationToken,
    paused: bool,
    cancelled: bool,
    running: bool,
    bytes_acknowledged: u64,
    total_bytes: u64,
    saved_at: OffsetDateTime,
}

/// The upload jobs of this run.
#[derive(Debug)]
pub struct UploadJobs {
    jobs: Mutex<HashMap<String, Job>>,
    next_id: AtomicU64,
    resume_keys: Arc<dyn ResumeKeyStore>,
}

impl UploadJobs {
    /// Creates the job table with the store that keeps resume keys.
    pub fn new(resume_keys: Arc<dyn ResumeKeyStore>) -> Self {
        Self {
            jobs: Mutex::new(HashMap::new()),
            next_id: AtomicU64::new(0),
            resume_keys,
        }
    }

    /// Starts a job and returns its id.
    pub fn start(
        self: &Arc<Self>,
        connection: Connection,
        spec: JobSpec,
        events: Arc<dyn UploadEvents>,
    ) -> String {
        let id = format!("job-{}", self.next_id.fetch_add(1, Ordering::Relaxed) + 1);
        let cancel = CancellationToken::new();
        lock(&self.jobs).insert(
            id.clone(),
            Job {
                spec: spec.clone(),
                cancel: cancel.clone(),
                paused: false,
                cancelled: false,
                running: true,
                bytes_acknowledged: 0,
                total_bytes: 0,
                saved_at: OffsetDateTime::now_utc(),
            },
        );
        self.spawn(
            id.clone(),
            connection,
            spec,
            ResumeMode::Auto,
            cancel,
            events,
        );
        id
    }

    /// Pauses a running job.
    pub fn pause(&self, id: &str) -> AppResult<()> {
        let mut jobs = lock(&self.jobs);
        let job = jobs.get_mut(id).ok_or_else(|| not_found(id))?;
        if job.running {
            job.paused = true;
            job.cancel.cancel();
        }
        Ok(())
    }

    /// Resumes a paused job.
    pub fn resume(
        self: &Arc<Self>,
        id: &str,
        connection: Connection,
        events: Arc<dyn UploadEvents>,
    ) -> AppResult<()> {
        let (spec, cancel) = {
            let mut jobs = lock(&self.jobs);
            let job = jobs.get_mut(id).ok_or_else(|| not_found(id))?;
            if job.running {
                return Ok(());
            }
            job.paused = false;
            job.running = true;
            job.cancel = CancellationToken::new();
            (job.spec.clone(), job.cancel.clone())
        };
        self.spawn(
            id.to_owned(),
            connection,
            spec,
            ResumeMode::Require,
            cancel,
            events,
        );
        Ok(())
    }

    /// Cancels a job; a paused one ends at once.
    pub fn cancel(&self, id: &str, events: &dyn UploadEvents) -> AppResult<()> {
        let mut jobs = lock(&self.jobs);
        let job = jobs.get_mut(id).ok_or_else(|| not_found(id))?;
        job.cancelled = true;
        job.cancel.cancel();
        if !job.running {
            let job = jobs.remove(id);
            drop(jobs);
            if let Some(job) = job {
                let _ = std::fs::remove_file(&job.spec.mapping_file);
            }
            events.finished(finished(
                id,
                None,
                UploadFinalState::Cancelled,
                Some("cancelled".into()),
                None,
            ));
        }
        Ok(())
    }

    /// Returns the paused jobs, which can be resumed or cancelled.
    ///
    /// NOTE: only jobs of this run are listed. An upload interrupted in an earlier run
    /// resumes when the same file goes to the same campaign again, because the client
    /// library continues it from its saved state.
    pub fn pending(&self) -> Vec<PendingUpload> {
        lock(&self.jobs)
            .iter()
            .filter(|(_, job)| job.paused && !job.running)
            .map(|(id, job)| PendingUpload {
                job_id: id.clone(),
                file_name: job.spec.file_name.clone(),
                campaign: job.spec.campaign.clone(),
                bytes_acknowledged: job.bytes_acknowledged,
                total_bytes: job.total_bytes,
                saved_at: rfc3339(job.saved_at),
            })
            .collect()
    }

    fn spawn(
        self: &Arc<Self>,
        id: String,
        connection: Connection,
        spec: JobSpec,
        resume: ResumeMode,
        cancel: CancellationToken,
        events: Arc<dyn UploadEvents>,
    ) {
        let jobs = Arc::clone(self);
        tauri::async_runtime::spawn(async move {
            let mut request = UploadRequest::new(
                spec.file.clone(),
                spec.campaign.clone(),
                spec.state_dir.clone(),
                Arc::clone(&jobs.resume_keys),
            );
            request.list.mapping = Some(spec.mapping_file.clone());
            request.allow_errors = spec.allow_errors.clone();
            request.resume = resume;

            let (sender, mut receiver) = tokio::sync::mpsc::unbounded_channel();
            let sink = EventSink::new(sender);
            let forward = {
                let jobs = Arc::clone(&jobs);
                let events = Arc::clone(&events);
                let id = id.clone();
                tauri::async_runtime::spawn(async move {
                    let mut rate = Rate::default();
                    while let Some(event) = receiver.recv().await {
                        if let Some(progress) = jobs.progress_of(&id, &event, &mut rate) {
                            events.progress(progress);
                        }
                    }
                })
            };
            let result = upload::run(&connection, &request, &sink, &cancel).await;
            drop(sink);
            let _ = forward.await;
            jobs.ended(&id, result, events.as_ref());
        });
    }

    /// Converts a client event to a progress event, remembering the byte counts.
    fn progress_of(
        &self,
        id: &str,
        event: &UploadEvent,
        rate: &mut Rate,
    ) -> Option<UploadProgress> {
        let UploadEvent::Progress(event) = event else {
            return None;
        };
        let mut jobs = lock(&self.jobs);
        let job = jobs.get_mut(id)?;
        let phase = match event {
            ProgressEvent::Validating { .. } => UploadPhase::Validating,
            ProgressEvent::SealingAndSending {
                bytes_acknowledged,
                bytes_total,
                ..
            } => {
                job.bytes_acknowledged = *bytes_acknowledged;
                job.total_bytes = *bytes_total;
                job.saved_at = OffsetDateTime::now_utc();
                UploadPhase::SealingAndSending
            }
            ProgressEvent::WaitingForScan { .. } => UploadPhase::WaitingForScan,
            ProgressEvent::ValidatingOnService { .. } => UploadPhase::ValidatingOnService,
            // The end is reported from the job's result, which also distinguishes a pause.
            ProgressEvent::Done { .. } => return None,
        };
        let (bytes_per_second, eta_seconds) = rate.update(job.bytes_acknowledged, job.total_bytes);
        Some(UploadProgress {
            job_id: id.to_owned(),
            phase,
            bytes_acknowledged: job.bytes_acknowledged,
            total_bytes: job.total_bytes,
            bytes_per_second,
            eta_seconds,
            paused: false,
        })
    }

    fn ended(
        &self,
        id: &str,
        result: Result<UploadOutcome, UploadError>,
        events: &dyn UploadEvents,
    ) {
        let mut jobs = lock(&self.jobs);
        let Some(job) = jobs.get_mut(id) else {
            return;
        };
        job.running = false;
        if matches!(result, Err(UploadError::Cancelled { .. })) && job.paused && !job.cancelled {
            log::info!(
                "upload {id} paused at {} of {} bytes",
                job.bytes_acknowledged,
                job.total_bytes
            );
            events.progress(UploadProgress {
                job_id: id.to_owned(),
                phase: UploadPhase::SealingAndSending,
                bytes_acknowledged: job.bytes_acknowledged,
                total_bytes: job.total_bytes,
                bytes_per_second: None,
                eta_seconds: None,
                paused: true,
            });
            return;
        }
        let job = jobs.remove(id);
        drop(jobs);
        if let Some(job) = &job {
            let _ = std::fs::remove_file(&job.spec.mapping_file);
        }
        let finished = match result {
            Ok(outcome) => outcome_event(id, outcome),
            Err(UploadError::Cancelled { .. }) => finished(
                id,
                None,
                UploadFinalState::Cancelled,
                Some("cancelled".into()),
                None,
            ),
            Err(error) => {
                log::warn!("upload {id} failed: {}", error.code());
                finished(
                    id,
                    None,
                    UploadFinalState::Failed,
                    Some(error.to_string()),
                    None,
                )
            }
        };
        log::info!("upload {id} ended: {:?}", finished.state);
        events.finished(finished);
    }
}

fn outcome_event(id: &str, outcome: UploadOutcome) -> UploadFinished {
    let state = match outcome.final_state {
        Some(FinalState::Accepted) => UploadFinalState::Accepted,
        Some(FinalState::Rejected) => UploadFinalState::Rejected,
        Some(FinalState::Quarantined) => UploadFinalState::Quarantined,
        Some(_) => UploadFinalState::Failed,
        // The service had not decided when the client stopped following it, which
        // happens while no scanner is reachable.
        None => UploadFinalState::ScanPending,
    };
    let reason = outcome.reason.or_else(|| {
        (state == UploadFinalState::ScanPending).then(|| {
            format!(
                "the service is still processing the list (state {})",
                outcome.state
            )
        })
    });
    finished(
        id,
        Some(outcome.upload_id.to_string()),
        state,
        reason,
        outcome.service_validation,
    )
}

fn finished(
    id: &str,
    upload_id: Option<String>,
    state: UploadFinalState,
    reason: Option<String>,
    summary: Option<serde_json::Value>,
) -> UploadFinished {
    UploadFinished {
        job_id: id.to_owned(),
        upload_id,
        state,
        reason,
        summary,
    }
}

fn not_found(id: &str) -> AppError {
    AppError::new(
        "upload.not_found",
        format!("no upload job has id {id:?}; it may have ended"),
    )
}

/// The sending rate over the whole job, for the ETA.
#[derive(Debug, Default)]
struct Rate {
    first: Option<(Instant, u64)>,
}

impl Rate {
    fn update(&mut self, acknowledged: u64, total: u64) -> (Option<f64>, Option<f64>) {
        let (started, base) = *self.first.get_or_insert((Instant::now(), acknowledged));
        let seconds = started.elapsed().as_secs_f64();
        if seconds < 0.5 || acknowledged <= base {
            return (None, None);
        }
        let rate = (acknowledged - base) as f64 / seconds;
        let eta = total.saturating_sub(acknowledged) as f64 / rate;
        (Some(rate), Some(eta))
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}
