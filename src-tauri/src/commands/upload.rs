//! Upload jobs and the diagnostics export.

use std::path::PathBuf;
use std::sync::Arc;

use tauri::{AppHandle, Emitter, Manager, State};

use super::session::with_session;
use crate::lists::ListStore;
use crate::saved_uploads;
use crate::service::session::SessionState;
use crate::types::{
    AppError, AppResult, PendingUpload, StartUploadRequest, UploadFinished, UploadProgress, names,
};
use crate::uploads::{JobSpec, UploadEvents, UploadJobs};

/// Seals the opened list and uploads it; progress and the end arrive as events.
#[tauri::command]
pub async fn start_upload(
    app: AppHandle,
    request: StartUploadRequest,
    store: State<'_, Arc<ListStore>>,
    jobs: State<'_, Arc<UploadJobs>>,
) -> AppResult<String> {
    let list = store.get(&request.list_id)?;
    let campaign = crate::service::parse_id("campaign", &request.campaign)?.to_string();
    let allow_errors = request
        .allow_errors
        .iter()
        .map(|code| {
            sealpost_client::upload::parse_issue_code(code)
                .ok_or_else(|| AppError::invalid_input(format!("{code:?} is not an issue code")))
        })
        .collect::<AppResult<Vec<_>>>()?;
    let state_dir = state_dir(&app)?;
    std::fs::create_dir_all(&state_dir)
        .map_err(|error| AppError::io("creating the upload state folder", &error))?;
    let mapping_file = state_dir.join(format!("{}-mapping.json", list.id));
    write_mapping(&list.mapping(), &mapping_file)?;

    let spec = JobSpec {
        file: list.path.clone(),
        file_name: list.file_name.clone(),
        campaign,
        mapping_file: Some(mapping_file),
        allow_errors,
        state_dir,
    };
    let jobs = Arc::clone(&jobs);
    with_session(&app.clone(), |connection| async move {
        let id = jobs.start(connection, spec, Arc::new(WindowEvents { app }));
        log::info!("upload {id} started");
        Ok(id)
    })
    .await
}

/// Pauses an upload; it stays resumable on the service.
#[tauri::command]
pub fn pause_upload(job_id: String, jobs: State<'_, Arc<UploadJobs>>) -> AppResult<()> {
    jobs.pause(&job_id)
}

/// Returns the folder of the client library's upload resume states.
pub(crate) fn state_dir(app: &AppHandle) -> AppResult<PathBuf> {
    let data_dir = app.path().app_data_dir().map_err(|error| {
        AppError::new(
            "io.error",
            format!("the app data folder is unknown: {error}"),
        )
    })?;
    Ok(data_dir.join("uploads"))
}

/// Resumes a paused upload, or one an earlier run left unfinished, from the offset the
/// service holds.
#[tauri::command]
pub async fn resume_upload(
    app: AppHandle,
    job_id: String,
    jobs: State<'_, Arc<UploadJobs>>,
) -> AppResult<()> {
    let jobs = Arc::clone(&jobs);
    let state_dir = state_dir(&app)?;
    with_session(&app.clone(), |connection| async move {
        jobs.resume(
            &job_id,
            connection,
            &state_dir,
            Arc::new(WindowEvents { app }),
        )
    })
    .await
}

/// Cancels an upload and discards what it left: the saved state and the bytes the
/// service holds.
#[tauri::command]
pub async fn cancel_upload(
    app: AppHandle,
    job_id: String,
    jobs: State<'_, Arc<UploadJobs>>,
) -> AppResult<()> {
    let jobs = Arc::clone(&jobs);
    let state_dir = state_dir(&app)?;
    if !jobs.has_job(&job_id) && saved_uploads::state_file_of(&job_id, &state_dir).is_some() {
        return with_session(&app, |connection| async move {
            jobs.discard_saved(&job_id, &connection, &state_dir).await
        })
        .await;
    }
    let paused = jobs.cancel(&job_id, &WindowEvents { app: app.clone() })?;
    if let Some(spec) = paused {
        with_session(&app, |connection| async move {
            crate::uploads::discard_spec(&connection, &spec).await;
            Ok(())
        })
        .await?;
    }
    Ok(())
}

/// Returns the uploads that can be resumed: paused in this run, or left by an earlier
/// run for the signed-in server.
#[tauri::command]
pub async fn pending_uploads(
    app: AppHandle,
    jobs: State<'_, Arc<UploadJobs>>,
    sessions: State<'_, SessionState>,
) -> AppResult<Vec<PendingUpload>> {
    let Some(active) = sessions.current().await else {
        return Ok(Vec::new());
    };
    let state_dir = state_dir(&app)?;
    Ok(jobs.pending(active.connection.base_url().as_str(), &state_dir))
}

/// Writes the list's mapping as the heading-to-field JSON the client library reads.
fn write_mapping(mapping: &sealpost_lists::ColumnMapping, path: &std::path::Path) -> AppResult<()> {
    let object: serde_json::Map<String, serde_json::Value> = mapping
        .columns()
        .iter()
        .map(|column| {
            let field = column
                .field
                .map_or(serde_json::Value::Null, |field| field.as_str().into());
            (column.header.clone(), field)
        })
        .collect();
    let text = serde_json::to_string_pretty(&object).map_err(|error| {
        AppError::new("io.error", format!("encoding the mapping failed: {error}"))
    })?;
    std::fs::write(path, text).map_err(|error| AppError::io("writing the mapping file", &error))
}

/// Forwards upload events to the window.
struct WindowEvents {
    app: AppHandle,
}

impl UploadEvents for WindowEvents {
    fn progress(&self, progress: UploadProgress) {
        if let Err(error) = self.app.emit(names::UPLOAD_PROGRESS, progress) {
            log::warn!("sending upload progress failed: {error}");
        }
    }

    fn finished(&self, finished: UploadFinished) {
        if let Err(error) = self.app.emit(names::UPLOAD_FINISHED, finished) {
            log::warn!("sending the upload result failed: {error}");
        }
    }
}
