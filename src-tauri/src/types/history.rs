//! Campaigns, upload history and timelines, mirroring the service's wire types.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A campaign: a group of uploads for one mailing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Campaign {
    /// Campaign id.
    pub id: String,
    /// Name.
    pub name: String,
    /// The member who created it.
    pub owner_id: String,
    /// `draft`, `ready`, `submitted` or `archived`.
    pub status: String,
    /// When it was created (RFC 3339).
    pub created_at: String,
}

/// The `list_uploads` request; every field narrows the result.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
pub struct UploadListRequest {
    /// Campaign id.
    #[ts(optional)]
    pub campaign: Option<String>,
    /// Upload state such as `accepted`.
    #[ts(optional)]
    pub status: Option<String>,
    /// Owner member id.
    #[ts(optional)]
    pub owner: Option<String>,
    /// Earliest creation time (RFC 3339).
    #[ts(optional)]
    pub from: Option<String>,
    /// Latest creation time (RFC 3339).
    #[ts(optional)]
    pub to: Option<String>,
    /// The `nextCursor` of the previous page.
    #[ts(optional)]
    pub cursor: Option<String>,
}

/// The history's view of an upload: metadata only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct UploadSummary {
    /// Upload id.
    pub id: String,
    /// The member who uploaded it.
    pub owner_id: String,
    /// The campaign id.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub campaign_id: Option<String>,
    /// `receiving`, `received`, `scanning`, `scan_pending`, `validating`, `accepted`,
    /// `rejected`, `quarantined`, `terminated` or `expired`.
    pub state: String,
    /// Announced size in bytes.
    pub length: i64,
    /// Bytes received.
    pub offset: i64,
    /// Cause of a rejection, a quarantine or a wait for the scanner.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub reason: Option<String>,
    /// When it was created (RFC 3339).
    pub created_at: String,
}

/// A page of uploads, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct UploadPage {
    /// The uploads.
    pub items: Vec<UploadSummary>,
    /// Pass as `cursor` for the next page.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub next_cursor: Option<String>,
}

/// One entry of an upload's timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct UploadEvent {
    /// When it happened (RFC 3339).
    pub at: String,
    /// Event kind such as `created`, `patch` or `received`.
    pub kind: String,
    /// The request that caused it, to match with logs.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub request_id: Option<String>,
    /// Facts such as the offset and byte count.
    #[ts(type = "Record<string, unknown>")]
    pub details: serde_json::Value,
}

/// An upload with its timeline and service-side validation summary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct UploadDetail {
    /// The upload.
    pub upload: UploadSummary,
    /// Its events, oldest first.
    pub events: Vec<UploadEvent>,
    /// Row and issue counts from the service's validation; absent before validation and
    /// for support, whose view excludes list contents.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional, type = "Record<string, unknown>")]
    pub validation: Option<serde_json::Value>,
}
