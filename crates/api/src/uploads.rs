//! Campaigns, uploads and upload timelines.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;
use uuid::Uuid;

/// The body of `POST /v1/campaigns`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CampaignRequest {
    /// A name to recognise the campaign by, 1 to 200 characters.
    pub name: String,
}

/// A campaign: a group of uploads for one mailing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Campaign {
    /// The campaign id; send it as `campaign` in tus `Upload-Metadata`.
    pub id: Uuid,
    /// The name.
    pub name: String,
    /// The member who created it.
    pub owner_id: Uuid,
    /// `draft`, `ready`, `submitted` or `archived`.
    pub status: String,
    /// When it was created.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

/// A page of `GET /v1/campaigns`, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CampaignPage {
    /// The campaigns.
    pub campaigns: Vec<Campaign>,
    /// Pass as `cursor` for the next page; absent on the last page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

/// The history's view of an upload: metadata only, never list contents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UploadSummary {
    /// The upload id.
    pub id: Uuid,
    /// The member who uploaded it.
    pub owner_id: Uuid,
    /// The campaign, if the client named one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub campaign_id: Option<Uuid>,
    /// `receiving`, `received`, `scanning`, `scan_pending`, `validating`, `accepted`,
    /// `rejected`, `quarantined`, `terminated` or `expired`.
    pub state: String,
    /// The announced size in bytes.
    pub length: i64,
    /// Bytes received so far.
    pub offset: i64,
    /// The plain-words cause of a rejection or quarantine, or of waiting for the scanner.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// When the upload was created.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

/// A page of `GET /v1/uploads`, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UploadPage {
    /// The uploads.
    pub uploads: Vec<UploadSummary>,
    /// Pass as `cursor` for the next page; absent on the last page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

/// One entry of an upload's timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UploadEvent {
    /// When it happened.
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    /// The event kind: `created`, `patch`, `patch_interrupted`, `checksum_failed`,
    /// `received`, `terminated` or `expired`.
    pub kind: String,
    /// The request that caused it, to match with the client's and the service's logs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// Facts such as the offset and byte count, as a JSON object.
    #[schema(value_type = Object)]
    pub details: serde_json::Value,
}

/// The body of `GET /v1/uploads/{upload_id}/events`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UploadTimeline {
    /// The upload.
    pub upload: UploadSummary,
    /// Its events, oldest first.
    pub events: Vec<UploadEvent>,
    /// The validation summary (row counts, issue counts, first issues); absent before
    /// validation and for support, whose view excludes list contents.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub validation: Option<serde_json::Value>,
}

/// The body of `GET /v1/uploads/{upload_id}`: one upload with its outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UploadDetail {
    /// The upload id.
    pub id: Uuid,
    /// The member who uploaded it.
    pub owner_id: Uuid,
    /// The campaign, if the client named one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub campaign_id: Option<Uuid>,
    /// `receiving`, `received`, `scanning`, `scan_pending`, `validating`, `accepted`,
    /// `rejected`, `quarantined`, `terminated` or `expired`.
    pub state: String,
    /// The announced size in bytes.
    pub length: i64,
    /// Bytes stored durably so far.
    pub offset: i64,
    /// The plain-words cause of a rejection or quarantine, or of waiting for the scanner.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The validation summary (row counts, issue counts, first issues); absent before
    /// validation and for support, whose view excludes list contents.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub validation: Option<serde_json::Value>,
    /// When the upload was created.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// When its state or offset last changed.
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
    /// When the last byte arrived; absent while receiving.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(with = "time::serde::rfc3339::option")]
    pub completed_at: Option<OffsetDateTime>,
    /// When an unfinished upload will be removed; absent once complete.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(with = "time::serde::rfc3339::option")]
    pub expires_at: Option<OffsetDateTime>,
}

/// The body of `PATCH /v1/campaigns/{campaign_id}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CampaignStatusRequest {
    /// The new status: `draft`, `ready`, `submitted` or `archived`. A draft and a ready
    /// campaign may move to each other, and only a ready campaign may be submitted. Any
    /// campaign may be archived, and an archived campaign keeps that status.
    pub status: String,
}

/// The body of `GET /v1/campaigns/{campaign_id}`: the campaign and its uploads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CampaignDetail {
    /// The campaign.
    pub campaign: Campaign,
    /// Its uploads that the caller may see, newest first, at most 200.
    pub uploads: Vec<UploadSummary>,
    /// True when the campaign has more uploads than listed here; page through them with
    /// `GET /v1/uploads?campaign=ID`.
    pub more_uploads: bool,
}
