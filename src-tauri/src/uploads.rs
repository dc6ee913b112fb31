//! Upload jobs: one client-library upload per job, with pause, resume and cancel.
//!
//! Pausing cancels the running upload, which leaves it resumable on the service.
//! Resuming runs it again in resume mode, so it continues from the offset the service
//! holds.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use sealpost_client::upload::saved::{self, SavedUpload};
use sealpost_client::upload::{
    self, CancellationToken, EventSink, PassphraseFileResumeKey, ResumeKeyStore, ResumeMode,
    UploadError, UploadEvent, UploadOutcome, UploadRequest,
};
use sealpost_client::{Connection, FinalState, ProgressEvent};
use time::OffsetDateTime;
use zeroize::Zeroizing;

use crate::saved_uploads::{self, JobIndex, JobRecord};
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
    /// The mapping file written for this job; `None` maps the columns automatically.
    pub mapping_file: Option<PathBuf>,
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

/// The file, in the upload state folder, that keeps the resume key under the session
/// passphrase when there is no keyring (the name `sealpost upload` also uses).
const RESUME_KEY_FILE: &str = "resume-key.json";

/// The upload jobs of this run.
#[derive(Debug)]
pub struct UploadJobs {
    jobs: Mutex<HashMap<String, Job>>,
    next_id: AtomicU64,
    /// The store the next job uses.
    resume_keys: Mutex<Arc<dyn ResumeKeyStore>>,
    /// The store chosen at start-up: the keyring, or this process's memory.
    startup_keys: Arc<dyn ResumeKeyStore>,
}

impl UploadJobs {
    /// Creates the job table with the store that keeps resume keys.
    pub fn new(resume_keys: Arc<dyn ResumeKeyStore>) -> Self {
        Self {
            jobs: Mutex::new(HashMap::new()),
            next_id: AtomicU64::new(0),
            resume_keys: Mutex::new(Arc::clone(&resume_keys)),
            startup_keys: resume_keys,
        }
    }

    /// Keeps the resume key in a file in `state_dir` encrypted under `passphrase`, for
    /// machines without a keyring.
    pub fn use_passphrase_file(&self, state_dir: &Path, passphrase: &str) {
        let store = PassphraseFileResumeKey::new(
            state_dir.join(RESUME_KEY_FILE),
            Zeroizing::new(passphrase.to_owned()),
        );
        *lock(&self.resume_keys) = Arc::new(store);
    }

    /// Returns to the start-up store, dropping a passphrase held for the key file.
    pub fn forget_passphrase_file(&self) {
        *lock(&self.resume_keys) = Arc::clone(&self.startup_keys);
    }

    fn current_keys(&self) -> Arc<dyn ResumeKeyStore> {
        Arc::clone(&lock(&self.resume_keys))
    }

    /// Starts a job and returns its id.
    pub fn start(
        self: &Arc<Self>,
        connection: Connection,
        spec: JobSpec,
        events: Arc<dyn UploadEvents>,
    ) -> String {
        let id = format!("job-{}", self.next_id.fetch_add(1, Ordering::Relaxed) + 1);
        remember_job(&spec);
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

    /// Resumes a paused job, or an upload an earlier run left in `state_dir`.
    pub fn resume(
        self: &Arc<Self>,
        id: &str,
        connection: Connection,
        state_dir: &Path,
        events: Arc<dyn UploadEvents>,
    ) -> AppResult<()> {
        if !lock(&self.jobs).contains_key(id) {
            let spec = saved_spec(id, connection.base_url().as_str(), state_dir)?;
            self.insert_job(id, spec);
        }
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

    fn insert_job(&self, id: &str, spec: JobSpec) {
        lock(&self.jobs).insert(
            id.to_owned(),
            Job {
                spec,
                cancel: CancellationToken::new(),
                paused: true,
                cancelled: false,
                running: false,
                bytes_acknowledged: 0,
                total_bytes: 0,
                saved_at: OffsetDateTime::now_utc(),
            },
        );
    }

    /// Cancels a job; a paused one ends at once and its spec is returned, so the caller
    /// can discard the saved upload. A running one discards it when its run stops.
    pub fn cancel(&self, id: &str, events: &dyn UploadEvents) -> AppResult<Option<JobSpec>> {
        let mut jobs = lock(&self.jobs);
        let job = jobs.get_mut(id).ok_or_else(|| not_found(id))?;
        job.cancelled = true;
        job.cancel.cancel();
        if job.running {
            return Ok(None);
        }
        let job = jobs.remove(id);
        drop(jobs);
        events.finished(finished(
            id,
            None,
            UploadFinalState::Cancelled,
            Some("cancelled".into()),
            None,
        ));
        Ok(job.map(|job| {
            forget_job(&job.spec);
            job.spec
        }))
    }

    /// Returns whether `id` is a job of this run.
    pub fn has_job(&self, id: &str) -> bool {
        lock(&self.jobs).contains_key(id)
    }

    /// Returns the paused jobs of this run and the uploads earlier runs left in
    /// `state_dir` for `server`, which can be resumed or discarded.
    pub fn pending(&self, server: &str, state_dir: &Path) -> Vec<PendingUpload> {
        let jobs = lock(&self.jobs);
        let mut pending: Vec<PendingUpload> = jobs
            .iter()
            .filter(|(_, job)| job.paused && !job.running)
            .map(|(id, job)| PendingUpload {
                job_id: id.clone(),
                file_name: job.spec.file_name.clone(),
                file_path: job.spec.file.display().to_string(),
                campaign: job.spec.campaign.clone(),
                bytes_acknowledged: job.bytes_acknowledged,
                total_bytes: job.total_bytes,
                saved_at: rfc3339(job.saved_at),
                earlier_run: false,
                starts_over: false,
            })
            .collect();
        let saved = match saved::list_saved(state_dir, server) {
            Ok(saved) => saved,
            Err(error) => {
                log::warn!("listing the saved uploads failed: {}", error.code());
                Vec::new()
            }
        };
        let starts_over = !self.current_keys().is_persistent();
        for upload in saved {
            // A job of this run (running or paused) already stands for its state file.
            let known = jobs.iter().any(|(id, job)| {
                *id == saved_uploads::saved_job_id(&upload)
                    || saved_uploads::matches(&upload, &job.spec.file, &job.spec.campaign)
            });
            if !known {
                pending.push(saved_uploads::pending_of(&upload, starts_over));
            }
        }
        pending
    }

    /// Abandons an upload an earlier run left: terminates it on the service and deletes
    /// its state and the app's record of it.
    pub async fn discard_saved(
        &self,
        id: &str,
        connection: &Connection,
        state_dir: &Path,
    ) -> AppResult<()> {
        let state_file =
            saved_uploads::state_file_of(id, state_dir).ok_or_else(|| not_found(id))?;
        let found = find_saved(connection.base_url().as_str(), state_dir, |saved| {
            saved.state_file == state_file
        });
        if let Some(found) = &found
            && let Some(campaign) = found.campaign_id
        {
            forget_record(state_dir, &found.source, &campaign.to_string());
        }
        saved::discard_saved(connection, &state_file)
            .await
            .map_err(upload_error)?;
        log::info!("discarded the saved upload {id}");
        Ok(())
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
                jobs.current_keys(),
            );
            request.list.mapping = spec.mapping_file.clone();
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
            if matches!(result, Err(UploadError::Cancelled { .. })) && jobs.was_cancelled(&id) {
                discard_spec(&connection, &spec).await;
            }
            jobs.ended(&id, result, events.as_ref());
        });
    }

    fn was_cancelled(&self, id: &str) -> bool {
        lock(&self.jobs).get(id).is_some_and(|job| job.cancelled)
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
        // A failure the client left resumable (retries spent, a dropped connection) keeps
        // its saved state, so the job's record stays for the resume it is offered.
        let resumable = matches!(
            &result,
            Err(error) if error.is_resumable() && !matches!(error, UploadError::Cancelled { .. })
        );
        if let Some(job) = &job
            && !resumable
        {
            forget_job(&job.spec);
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

/// Records the job's choices so a later run can resume it the same way.
fn remember_job(spec: &JobSpec) {
    let Some(mapping_file) = spec.mapping_file.clone() else {
        return;
    };
    let record = JobRecord {
        file: std::fs::canonicalize(&spec.file).unwrap_or_else(|_| spec.file.clone()),
        campaign: spec.campaign.clone(),
        mapping_file,
        allow_errors: spec
            .allow_errors
            .iter()
            .map(|code| code.to_string())
            .collect(),
    };
    if let Err(error) = JobIndex::new(&spec.state_dir).put(record) {
        log::warn!("recording the upload job failed: {}", error.message);
    }
}

/// Deletes the job's mapping file and its record once the job ended.
fn forget_job(spec: &JobSpec) {
    let file = std::fs::canonicalize(&spec.file).unwrap_or_else(|_| spec.file.clone());
    forget_record(&spec.state_dir, &file, &spec.campaign);
    if let Some(mapping_file) = &spec.mapping_file {
        let _ = std::fs::remove_file(mapping_file);
    }
}

fn forget_record(state_dir: &Path, file: &Path, campaign: &str) {
    if let Some(record) = JobIndex::new(state_dir).remove(file, campaign) {
        let _ = std::fs::remove_file(record.mapping_file);
    }
}

/// Returns the first saved upload of `server` in `state_dir` that `accept` accepts.
fn find_saved(
    server: &str,
    state_dir: &Path,
    accept: impl Fn(&SavedUpload) -> bool,
) -> Option<SavedUpload> {
    match saved::list_saved(state_dir, server) {
        Ok(saved) => saved.into_iter().find(accept),
        Err(error) => {
            log::warn!("listing the saved uploads failed: {}", error.code());
            None
        }
    }
}

/// Builds the spec that resumes the saved upload `id`, with the mapping and accepted
/// codes the earlier run recorded.
fn saved_spec(id: &str, server: &str, state_dir: &Path) -> AppResult<JobSpec> {
    let state_file = saved_uploads::state_file_of(id, state_dir).ok_or_else(|| not_found(id))?;
    let found = find_saved(server, state_dir, |saved| saved.state_file == state_file)
        .ok_or_else(|| not_found(id))?;
    let campaign = found
        .campaign_id
        .map(|id| id.to_string())
        .ok_or_else(|| not_found(id))?;
    let record = JobIndex::new(state_dir).find(&found.source, &campaign);
    let allow_errors = record
        .as_ref()
        .map(|record| {
            record
                .allow_errors
                .iter()
                .filter_map(|code| upload::parse_issue_code(code))
                .collect()
        })
        .unwrap_or_default();
    let mapping_file = record
        .map(|record| record.mapping_file)
        .filter(|path| path.exists());
    if mapping_file.is_none() {
        log::info!("resuming {id} with the automatic column mapping: its mapping file is gone");
    }
    Ok(JobSpec {
        file_name: found
            .source
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_default(),
        file: found.source,
        campaign,
        mapping_file,
        allow_errors,
        state_dir: state_dir.to_owned(),
    })
}

/// Terminates the saved upload of a cancelled job and deletes its state, so it is not
/// offered again on the next start.
pub async fn discard_spec(connection: &Connection, spec: &JobSpec) {
    let found = find_saved(connection.base_url().as_str(), &spec.state_dir, |saved| {
        saved_uploads::matches(saved, &spec.file, &spec.campaign)
    });
    if let Some(found) = found
        && let Err(error) = saved::discard_saved(connection, &found.state_file).await
    {
        log::warn!("discarding the cancelled upload failed: {}", error.code());
    }
}

fn upload_error(error: UploadError) -> AppError {
    AppError::new(error.code(), error.to_string())
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
