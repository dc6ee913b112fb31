//! Campaigns: creating, listing, reading one with its uploads, and changing its status.
//! A marketer sees their own campaigns; admin and support see the account's.

use axum::extract::State;
use axum::http::StatusCode;
use sealpost_api::{
    Campaign, CampaignDetail, CampaignPage, CampaignRequest, CampaignStatusRequest, Permission,
    Problem, ProblemType, Role,
};
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

use super::auth::Principal;
use super::error::ApiError;
use super::extract::{ApiJson, ApiPath, ApiQuery};
use super::history::{MAX_LIMIT, count_history_read, cursor_of, limit_of, one_of, scope};
use crate::audit::Outcome;
use crate::state::SharedState;
use crate::store::history::{self, Cursor, UploadFilter};

const MAX_CAMPAIGN_NAME_CHARS: usize = 200;
const CAMPAIGN_STATUSES: [&str; 4] = ["draft", "ready", "submitted", "archived"];

/// Creates a draft campaign.
#[utoipa::path(
    post, path = "/v1/campaigns", tag = "uploads",
    security(("bearer" = [])),
    request_body = CampaignRequest,
    responses(
        (status = 201, description = "The new campaign", body = Campaign),
        (status = 403, description = "Lacks campaigns:create", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create_campaign(
    State(state): State<SharedState>,
    principal: Principal,
    ApiJson(request): ApiJson<CampaignRequest>,
) -> Result<(StatusCode, axum::Json<Campaign>), ApiError> {
    principal.require(Permission::CampaignsCreate)?;
    let name = request.name.trim();
    if name.is_empty()
        || name.chars().count() > MAX_CAMPAIGN_NAME_CHARS
        || name.chars().any(char::is_control)
    {
        return Err(ApiError::invalid(format!(
            "`name` must have 1 to {MAX_CAMPAIGN_NAME_CHARS} characters and no control characters"
        )));
    }
    let campaign =
        history::create_campaign(&state.db, principal.account_id, principal.member_id, name)
            .await?;
    let event = principal
        .event("campaign.created", Outcome::Success)
        .target(format!("campaign:{}", campaign.id));
    state.audit.append(event).await?;
    Ok((StatusCode::CREATED, axum::Json(campaign)))
}

/// Filters of `GET /v1/campaigns`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct CampaignQuery {
    /// Only campaigns with this status.
    status: Option<String>,
    /// The `next_cursor` of the previous page.
    cursor: Option<String>,
    /// Page size.
    #[param(minimum = 1, maximum = 200)]
    limit: Option<u16>,
}

/// Lists campaigns, newest first: a marketer's own, or the account's for admin and
/// support.
#[utoipa::path(
    get, path = "/v1/campaigns", tag = "uploads",
    security(("bearer" = [])),
    params(CampaignQuery),
    responses(
        (status = 200, description = "A page of campaigns", body = CampaignPage),
        (status = 403, description = "Lacks campaigns:read", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_campaigns(
    State(state): State<SharedState>,
    principal: Principal,
    ApiQuery(query): ApiQuery<CampaignQuery>,
) -> Result<axum::Json<CampaignPage>, ApiError> {
    principal.require(Permission::CampaignsRead)?;
    count_history_read(&state, &principal).await;
    let owner = scope(&principal).unwrap_or(Some(principal.member_id));
    one_of(query.status.as_deref(), &CAMPAIGN_STATUSES, "status")?;
    let limit = limit_of(query.limit)?;
    let cursor = cursor_of(query.cursor.as_deref())?;
    let campaigns = history::campaigns(
        &state.db,
        principal.account_id,
        owner,
        query.status.as_deref(),
        cursor,
        limit,
    )
    .await?;
    let next_cursor = (campaigns.len() == usize::from(limit))
        .then(|| campaigns.last())
        .flatten()
        .map(|last| {
            Cursor {
                created_at: last.created_at.unix_timestamp(),
                id: last.id,
            }
            .encode()
        });
    Ok(axum::Json(CampaignPage {
        campaigns,
        next_cursor,
    }))
}

/// Checks whether a campaign may move from status `from` to `to`: draft and ready move to each
/// other, `submitted` follows `ready`, and anything not yet archived may be archived.
fn allowed_transition(from: &str, to: &str) -> bool {
    matches!(
        (from, to),
        ("draft", "ready")
            | ("ready", "draft")
            | ("ready", "submitted")
            | ("draft" | "ready" | "submitted", "archived")
    )
}

/// Lists the statuses a campaign in status `from` may still move to, for error messages.
fn next_statuses(from: &str) -> Vec<&'static str> {
    CAMPAIGN_STATUSES
        .into_iter()
        .filter(|to| allowed_transition(from, to))
        .collect()
}

/// Finds a campaign the caller may see: a marketer only their own, admin and support
/// any in the account. Anything else is a 404.
async fn visible_campaign(
    state: &SharedState,
    principal: &Principal,
    campaign_id: Uuid,
) -> Result<Campaign, ApiError> {
    principal.require(Permission::CampaignsRead)?;
    let owner = scope(principal).unwrap_or(Some(principal.member_id));
    history::campaign(&state.db, principal.account_id, campaign_id)
        .await?
        .filter(|campaign| owner.is_none_or(|owner| owner == campaign.owner_id))
        .ok_or_else(|| ApiError::not_found("campaign"))
}

/// Returns a campaign with the summaries of its uploads that the caller may see: a
/// marketer's own uploads, or all of them for admin and support.
#[utoipa::path(
    get, path = "/v1/campaigns/{campaign_id}", tag = "uploads",
    security(("bearer" = [])),
    params(("campaign_id" = Uuid, Path, description = "The campaign id")),
    responses(
        (status = 200, description = "The campaign and its uploads", body = CampaignDetail),
        (status = 403, description = "Lacks campaigns:read", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such campaign that the caller may see", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get_campaign(
    State(state): State<SharedState>,
    principal: Principal,
    ApiPath(campaign_id): ApiPath<Uuid>,
) -> Result<axum::Json<CampaignDetail>, ApiError> {
    let campaign = visible_campaign(&state, &principal, campaign_id).await?;
    count_history_read(&state, &principal).await;
    // A support member or a token without upload permissions still sees the campaign,
    // with no uploads listed.
    let uploads = match scope(&principal) {
        Ok(owner) => {
            let filter = UploadFilter {
                owner,
                campaign: Some(campaign_id),
                ..UploadFilter::default()
            };
            // Fetching one more than the page size shows whether more exist.
            let mut uploads =
                history::uploads(&state.db, principal.account_id, &filter, MAX_LIMIT + 1).await?;
            let more_uploads = uploads.len() > usize::from(MAX_LIMIT);
            uploads.truncate(usize::from(MAX_LIMIT));
            (uploads, more_uploads)
        }
        Err(_) => (Vec::new(), false),
    };
    Ok(axum::Json(CampaignDetail {
        campaign,
        uploads: uploads.0,
        more_uploads: uploads.1,
    }))
}

/// Changes a campaign's status. The campaign's owner and admins may do so; setting the
/// status it already has changes nothing.
#[utoipa::path(
    patch, path = "/v1/campaigns/{campaign_id}", tag = "uploads",
    security(("bearer" = [])),
    params(("campaign_id" = Uuid, Path, description = "The campaign id")),
    request_body = CampaignStatusRequest,
    responses(
        (status = 200, description = "The campaign with its new status", body = Campaign),
        (status = 403, description = "Lacks campaigns:create, or neither the owner nor an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such campaign that the caller may see", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The campaign cannot move from its status to the requested one", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn change_status(
    State(state): State<SharedState>,
    principal: Principal,
    ApiPath(campaign_id): ApiPath<Uuid>,
    ApiJson(request): ApiJson<CampaignStatusRequest>,
) -> Result<axum::Json<Campaign>, ApiError> {
    principal.require(Permission::CampaignsCreate)?;
    let to = request.status.as_str();
    if !CAMPAIGN_STATUSES.contains(&to) {
        return Err(ApiError::invalid(format!(
            "`status` must be one of {}",
            CAMPAIGN_STATUSES.join(", ")
        )));
    }

    let mut campaign = visible_campaign(&state, &principal, campaign_id).await?;
    if campaign.owner_id != principal.member_id && principal.role != Role::Admin {
        return Err(ApiError::new(
            ProblemType::Forbidden,
            "only the campaign's owner or an admin may change its status",
        ));
    }
    if campaign.status == to {
        return Ok(axum::Json(campaign));
    }

    let from = campaign.status.clone();
    if !allowed_transition(&from, to) {
        let next = next_statuses(&from);
        let detail = if next.is_empty() {
            format!("the campaign is {from} and can no longer change status")
        } else {
            format!(
                "a {from} campaign cannot become {to}; it can become {}",
                next.join(" or ")
            )
        };
        return Err(ApiError::new(ProblemType::Conflict, detail));
    }
    if !history::set_campaign_status(&state.db, campaign_id, &from, to).await? {
        return Err(ApiError::new(
            ProblemType::Conflict,
            "the campaign's status changed during this request; read it and try again",
        ));
    }

    let event = principal
        .event("campaign.status_changed", Outcome::Success)
        .target(format!("campaign:{campaign_id}"))
        .details(serde_json::json!({ "from": from, "to": to }));
    state.audit.append(event).await?;
    campaign.status = to.to_owned();
    Ok(axum::Json(campaign))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transitions_follow_the_lifecycle() {
        assert!(allowed_transition("draft", "ready"));
        assert!(allowed_transition("ready", "submitted"));
        assert!(allowed_transition("submitted", "archived"));
        assert!(!allowed_transition("draft", "submitted"));
        assert!(!allowed_transition("submitted", "draft"));
        assert!(next_statuses("archived").is_empty());
        assert_eq!(next_statuses("ready"), ["draft", "submitted", "archived"]);
    }
}
