//! Finding the campaign an upload belongs to, by id or by name.

use reqwest::Method;
use sealpost_api::{Campaign, CampaignPage, CampaignRequest};
use uuid::Uuid;

use super::error::UploadError;
use super::events::{EventSink, UploadNotice};
use crate::connection::Connection;

/// Pages read while looking for a campaign by name, at most 200 campaigns each.
const MAX_PAGES: usize = 50;

/// Returns the id of the campaign named `name_or_id`: the text itself when it is a
/// campaign id, else the newest campaign with exactly that name. When none has it, a
/// draft campaign with that name is created and reported in a notice.
pub(crate) async fn resolve(
    connection: &Connection,
    name_or_id: &str,
    events: &EventSink,
) -> Result<Uuid, UploadError> {
    let name = name_or_id.trim();
    if name.is_empty() {
        return Err(UploadError::InvalidRequest(
            "the campaign name is empty; give the name or id of a campaign".to_owned(),
        ));
    }
    if let Ok(id) = name.parse::<Uuid>() {
        return Ok(id);
    }
    if let Some(found) = find_by_name(connection, name).await? {
        return Ok(found);
    }
    let request = connection
        .request(Method::POST, "/v1/campaigns")
        .json(&CampaignRequest {
            name: name.to_owned(),
        });
    let created: Campaign = connection.send_json(request).await?;
    tracing::info!(campaign = %created.id, "created a campaign for the upload");
    events.notice(UploadNotice::CampaignCreated {
        name: created.name,
        id: created.id,
    });
    Ok(created.id)
}

async fn find_by_name(connection: &Connection, name: &str) -> Result<Option<Uuid>, UploadError> {
    let mut cursor: Option<String> = None;
    for _ in 0..MAX_PAGES {
        let mut request = connection
            .request(Method::GET, "/v1/campaigns")
            .query(&[("limit", "200")]);
        if let Some(cursor) = &cursor {
            request = request.query(&[("cursor", cursor.as_str())]);
        }
        let page: CampaignPage = connection.send_json(request).await?;
        // Pages are newest first, so the first match is the newest campaign of that name.
        if let Some(found) = page.campaigns.iter().find(|campaign| campaign.name == name) {
            return Ok(Some(found.id));
        }
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => return Ok(None),
        }
    }
    // NOTE: an account with more than 10,000 campaigns gets a new campaign rather than an
    // older one of the same name.
    Ok(None)
}
