//! Upload history: `GET /v1/uploads`, `GET /v1/uploads/{id}` and its events.

use reqwest::Method;
use sealpost_api::{UploadDetail, UploadPage, UploadTimeline};
use time::OffsetDateTime;
use uuid::Uuid;

use super::{query, rfc3339};
use crate::connection::Connection;
use crate::error::ClientError;

/// Filters and paging of the upload history.
#[derive(Debug, Clone, Default)]
pub struct UploadFilter {
    /// Only this campaign's uploads.
    pub campaign: Option<Uuid>,
    /// Only uploads in this state, such as `accepted` or `rejected`.
    pub status: Option<String>,
    /// Only this member's uploads (admin and support).
    pub owner: Option<Uuid>,
    /// Only uploads created at or after this time.
    pub from: Option<OffsetDateTime>,
    /// Only uploads created before this time.
    pub to: Option<OffsetDateTime>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Page size, 1 to 200.
    pub limit: Option<u16>,
}

/// Lists one page of uploads, newest first.
pub async fn list(
    connection: &Connection,
    filter: &UploadFilter,
) -> Result<UploadPage, ClientError> {
    let pairs = query(&[
        ("campaign", filter.campaign.map(|id| id.to_string())),
        ("status", filter.status.clone()),
        ("owner", filter.owner.map(|id| id.to_string())),
        ("from", rfc3339(filter.from)),
        ("to", rfc3339(filter.to)),
        ("cursor", filter.cursor.clone()),
        ("limit", filter.limit.map(|limit| limit.to_string())),
    ]);
    let builder = connection.request(Method::GET, "/v1/uploads").query(&pairs);
    connection.send_json(builder).await
}

/// Fetches one upload with its outcome (`GET /v1/uploads/{id}`).
pub async fn show(connection: &Connection, id: Uuid) -> Result<UploadDetail, ClientError> {
    let builder = connection.request(Method::GET, &format!("/v1/uploads/{id}"));
    connection.send_json(builder).await
}

/// Fetches an upload's timeline.
pub async fn events(connection: &Connection, id: Uuid) -> Result<UploadTimeline, ClientError> {
    let builder = connection.request(Method::GET, &format!("/v1/uploads/{id}/events"));
    connection.send_json(builder).await
}
