//! Campaigns, upload history and timelines.

use tauri::AppHandle;

use super::session::with_session;
use crate::service::history;
use crate::types::{AppResult, Campaign, UploadDetail, UploadEvent, UploadListRequest, UploadPage};

/// Returns the campaigns visible to the member.
#[tauri::command]
pub async fn list_campaigns(app: AppHandle) -> AppResult<Vec<Campaign>> {
    with_session(&app, |connection| async move {
        history::list_campaigns(&connection).await
    })
    .await
}

/// Creates a campaign.
#[tauri::command]
pub async fn create_campaign(app: AppHandle, name: String) -> AppResult<Campaign> {
    with_session(&app, |connection| async move {
        history::create_campaign(&connection, &name).await
    })
    .await
}

/// Returns a page of uploads.
#[tauri::command]
pub async fn list_uploads(app: AppHandle, request: UploadListRequest) -> AppResult<UploadPage> {
    with_session(&app, |connection| async move {
        history::list_uploads(&connection, &request).await
    })
    .await
}

/// Returns an upload with its timeline.
#[tauri::command]
pub async fn get_upload(app: AppHandle, upload_id: String) -> AppResult<UploadDetail> {
    with_session(&app, |connection| async move {
        history::get_upload(&connection, &upload_id).await
    })
    .await
}

/// Returns an upload's timeline, with request ids.
#[tauri::command]
pub async fn upload_events(app: AppHandle, upload_id: String) -> AppResult<Vec<UploadEvent>> {
    with_session(&app, |connection| async move {
        history::upload_events(&connection, &upload_id).await
    })
    .await
}
