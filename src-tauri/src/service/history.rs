//! Campaigns, upload history and timelines.

use reqwest::Method;
use sealpost_api::{CampaignPage, CampaignRequest, UploadPage as WirePage, UploadTimeline};
use sealpost_client::Connection;

use super::{parse_id, rfc3339};
use crate::types::{
    AppError, AppResult, Campaign, UploadDetail, UploadEvent, UploadListRequest, UploadPage,
    UploadSummary,
};

/// Most campaigns read for the campaign picker.
const CAMPAIGN_LIMIT: &str = "200";

/// Returns the newest campaigns visible to the member.
pub async fn list_campaigns(connection: &Connection) -> AppResult<Vec<Campaign>> {
    let page: CampaignPage = connection
        .send_json(
            connection
                .request(Method::GET, "/v1/campaigns")
                .query(&[("limit", CAMPAIGN_LIMIT)]),
        )
        .await?;
    Ok(page.campaigns.into_iter().map(campaign).collect())
}

/// Creates a campaign.
pub async fn create_campaign(connection: &Connection, name: &str) -> AppResult<Campaign> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(AppError::invalid_input(
            "a campaign name needs 1 to 200 characters",
        ));
    }
    let body = CampaignRequest {
        name: name.to_owned(),
    };
    let created: sealpost_api::Campaign = connection
        .send_json(
            connection
                .request(Method::POST, "/v1/campaigns")
                .json(&body),
        )
        .await?;
    Ok(campaign(created))
}

/// Returns one page of uploads, filtered as requested.
pub async fn list_uploads(
    connection: &Connection,
    request: &UploadListRequest,
) -> AppResult<UploadPage> {
    let mut query = Vec::new();
    if let Some(campaign) = non_empty(&request.campaign) {
        query.push(("campaign", parse_id("campaign", campaign)?.to_string()));
    }
    if let Some(owner) = non_empty(&request.owner) {
        query.push(("owner", parse_id("owner", owner)?.to_string()));
    }
    for (name, value) in [
        ("status", &request.status),
        ("from", &request.from),
        ("to", &request.to),
        ("cursor", &request.cursor),
    ] {
        if let Some(value) = non_empty(value) {
            query.push((name, value.to_owned()));
        }
    }
    let page: WirePage = connection
        .send_json(connection.request(Method::GET, "/v1/uploads").query(&query))
        .await?;
    Ok(UploadPage {
        items: page.uploads.into_iter().map(upload_summary).collect(),
        next_cursor: page.next_cursor,
    })
}

/// Returns an upload with its timeline and validation summary.
pub async fn get_upload(connection: &Connection, upload_id: &str) -> AppResult<UploadDetail> {
    let id = parse_id("upload id", upload_id)?;
    let timeline: UploadTimeline = connection
        .send_json(connection.request(Method::GET, &format!("/v1/uploads/{id}/events")))
        .await
        .map_err(|error| not_found_as_upload(error.into(), upload_id))?;
    Ok(UploadDetail {
        upload: upload_summary(timeline.upload),
        events: timeline.events.into_iter().map(upload_event).collect(),
        validation: timeline.validation,
    })
}

/// Returns an upload's timeline, oldest first.
pub async fn upload_events(
    connection: &Connection,
    upload_id: &str,
) -> AppResult<Vec<UploadEvent>> {
    Ok(get_upload(connection, upload_id).await?.events)
}

fn not_found_as_upload(error: AppError, upload_id: &str) -> AppError {
    if error.code == "http.not_found" {
        AppError::new(
            "upload.not_found",
            format!("no upload {upload_id} is visible to you; it may belong to another member"),
        )
    } else {
        error
    }
}

fn non_empty(value: &Option<String>) -> Option<&str> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|value| !value.is_empty())
}

fn campaign(wire: sealpost_api::Campaign) -> Campaign {
    Campaign {
        id: wire.id.to_string(),
        name: wire.name,
        owner_id: wire.owner_id.to_string(),
        status: wire.status,
        created_at: rfc3339(wire.created_at),
    }
}

/// Converts the service's upload summary.
pub fn upload_summary(wire: sealpost_api::UploadSummary) -> UploadSummary {
    UploadSummary {
        id: wire.id.to_string(),
        owner_id: wire.owner_id.to_string(),
        campaign_id: wire.campaign_id.map(|id| id.to_string()),
        state: wire.state,
        length: wire.length,
        offset: wire.offset,
        reason: wire.reason,
        created_at: rfc3339(wire.created_at),
    }
}

fn upload_event(wire: sealpost_api::UploadEvent) -> UploadEvent {
    UploadEvent {
        at: rfc3339(wire.at),
        kind: wire.kind,
        request_id: wire.request_id,
        details: wire.details,
    }
}
