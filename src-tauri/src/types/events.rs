//! Payloads of the events the app emits to the window.

use std::collections::BTreeMap;

use serde::Serialize;
use ts_rs::TS;

use super::upload::{UploadFinalState, UploadPhase};

/// Event names, shared with the UI through these constants' values.
pub mod names {
    /// [`super::ValidationProgress`].
    pub const VALIDATION_PROGRESS: &str = "validation-progress";
    /// [`super::ValidationDone`].
    pub const VALIDATION_DONE: &str = "validation-done";
    /// [`super::UploadProgress`].
    pub const UPLOAD_PROGRESS: &str = "upload-progress";
    /// [`super::UploadFinished`].
    pub const UPLOAD_FINISHED: &str = "upload-finished";
    /// [`super::SessionEnded`].
    pub const SESSION_ENDED: &str = "session-ended";
}

/// Progress of a background validation, sent at most about ten times a second.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ValidationProgress {
    /// The list.
    pub list_id: String,
    /// Data rows checked so far.
    pub rows_done: u64,
    /// Bytes read so far (rows, for workbooks, which are loaded whole).
    pub bytes_done: u64,
    /// Total bytes (rows, for workbooks).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub total_bytes: Option<u64>,
}

/// Counts from a finished validation.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ValidationSummary {
    /// Data rows checked, blank rows excluded.
    pub rows: u64,
    /// Rows with at least one error.
    pub rows_with_errors: u64,
    /// Rows with warnings but no error.
    pub rows_with_warnings: u64,
    /// Issues found per code.
    #[ts(type = "Record<string, number>")]
    pub counts_by_code: BTreeMap<String, u64>,
}

/// A validation ended, finished or cancelled.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ValidationDone {
    /// The list.
    pub list_id: String,
    /// True when cancelled before the end; the summary then covers the rows done.
    pub cancelled: bool,
    /// Counts.
    pub summary: ValidationSummary,
    /// Why reading stopped early, when the file could not be read to the end.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub error: Option<String>,
}

/// Progress of an upload job.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct UploadProgress {
    /// The job.
    pub job_id: String,
    /// Current stage.
    pub phase: UploadPhase,
    /// Bytes the service has confirmed.
    pub bytes_acknowledged: u64,
    /// Size of the sealed upload (0 until known).
    pub total_bytes: u64,
    /// Recent sending rate.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub bytes_per_second: Option<f64>,
    /// Estimated seconds left.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub eta_seconds: Option<f64>,
    /// True while paused.
    pub paused: bool,
}

/// An upload job ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct UploadFinished {
    /// The job.
    pub job_id: String,
    /// The service's upload id, once created.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub upload_id: Option<String>,
    /// How it ended.
    pub state: UploadFinalState,
    /// Why, in plain words, for every state but `accepted`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub reason: Option<String>,
    /// The service's validation summary.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional, type = "Record<string, unknown>")]
    pub summary: Option<serde_json::Value>,
}

/// Why a session ended without the member choosing to sign out in this window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum SessionEndReason {
    /// No activity for the idle period.
    IdleTimeout,
    /// The service no longer accepts the session.
    Expired,
    /// Signed out.
    SignedOut,
}

/// The session ended; the secret is wiped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SessionEnded {
    /// Why.
    pub reason: SessionEndReason,
}
