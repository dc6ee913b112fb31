//! Campaigns: `GET`/`POST /v1/campaigns` and `GET`/`PATCH /v1/campaigns/{id}`.

use reqwest::Method;
use sealpost_api::{
    Campaign, CampaignDetail, CampaignPage, CampaignRequest, CampaignStatusRequest,
};
use uuid::Uuid;

use super::query;
use crate::connection::Connection;
use crate::error::ClientError;

/// Filters and paging of the campaign list.
#[derive(Debug, Clone, Default)]
pub struct CampaignFilter {
    /// Only campaigns in this status (`draft`, `ready`, `submitted`, `archived`).
    pub status: Option<String>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Page size, 1 to 200.
    pub limit: Option<u16>,
}

/// Lists one page of campaigns, newest first.
pub async fn list(
    connection: &Connection,
    filter: &CampaignFilter,
) -> Result<CampaignPage, ClientError> {
    let pairs = query(&[
        ("status", filter.status.clone()),
        ("cursor", filter.cursor.clone()),
        ("limit", filter.limit.map(|limit| limit.to_string())),
    ]);
    let builder = connection
        .request(Method::GET, "/v1/campaigns")
        .query(&pairs);
    connection.send_json(builder).await
}

/// Creates a draft campaign.
pub async fn create(connection: &Connection, name: &str) -> Result<Campaign, ClientError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(ClientError::InvalidInput {
            message: "a campaign name must be 1 to 200 characters".to_owned(),
        });
    }
    let body = CampaignRequest {
        name: name.to_owned(),
    };
    let builder = connection
        .request(Method::POST, "/v1/campaigns")
        .json(&body);
    connection.send_json(builder).await
}

/// Fetches one campaign with its uploads (`GET /v1/campaigns/{id}`).
pub async fn show(connection: &Connection, id: Uuid) -> Result<CampaignDetail, ClientError> {
    let builder = connection.request(Method::GET, &format!("/v1/campaigns/{id}"));
    connection.send_json(builder).await
}

/// Changes a campaign's status (`PATCH /v1/campaigns/{id}`): `draft` and `ready` move
/// to each other, `submitted` follows `ready`, and any campaign may be `archived`.
pub async fn set_status(
    connection: &Connection,
    id: Uuid,
    status: &str,
) -> Result<Campaign, ClientError> {
    let body = CampaignStatusRequest {
        status: status.trim().to_owned(),
    };
    let builder = connection
        .request(Method::PATCH, &format!("/v1/campaigns/{id}"))
        .json(&body);
    connection.send_json(builder).await
}
