//! The upload history, scoped by role: a marketer sees their own, admin
//! and support see the whole account. These routes return metadata only, never list
//! contents.

use axum::extract::State;
use sealpost_api::{Permission, Problem, UploadDetail, UploadEvent, UploadPage, UploadTimeline};
use serde::Deserialize;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use utoipa::IntoParams;
use uuid::Uuid;

use super::auth::Principal;
use super::error::ApiError;
use super::extract::{ApiPath, ApiQuery};
use crate::db::to_time;
use crate::state::SharedState;
use crate::store::history::{self, Cursor, UploadFilter};
use crate::store::uploads;

pub(super) const DEFAULT_LIMIT: u16 = 50;
pub(super) const MAX_LIMIT: u16 = 200;
const UPLOAD_STATES: [&str; 10] = [
    "receiving",
    "received",
    "scanning",
    "scan_pending",
    "validating",
    "accepted",
    "rejected",
    "quarantined",
    "terminated",
    "expired",
];

/// Whose items the caller may see: `Some(member)` for their own only, `None` for the
/// whole account.
pub(super) fn scope(principal: &Principal) -> Result<Option<Uuid>, ApiError> {
    if principal.has(Permission::UploadsReadAll) || principal.has(Permission::UploadsReadMetadata) {
        Ok(None)
    } else {
        principal.require(Permission::UploadsReadOwn)?;
        Ok(Some(principal.member_id))
    }
}

pub(super) fn limit_of(limit: Option<u16>) -> Result<u16, ApiError> {
    let limit = limit.unwrap_or(DEFAULT_LIMIT);
    if (1..=MAX_LIMIT).contains(&limit) {
        Ok(limit)
    } else {
        Err(ApiError::invalid(format!(
            "`limit` must be 1 to {MAX_LIMIT}"
        )))
    }
}

pub(super) fn cursor_of(text: Option<&str>) -> Result<Option<Cursor>, ApiError> {
    text.map(|text| {
        Cursor::decode(text).ok_or_else(|| {
            ApiError::invalid("`cursor` is not one this service issued; start without it")
        })
    })
    .transpose()
}

pub(super) fn time_of(text: Option<&str>, name: &str) -> Result<Option<i64>, ApiError> {
    text.map(|text| {
        OffsetDateTime::parse(text, &Rfc3339)
            .map(OffsetDateTime::unix_timestamp)
            .map_err(|_| {
                ApiError::invalid(format!(
                    "`{name}` must be an RFC 3339 time such as 2026-01-31T00:00:00Z"
                ))
            })
    })
    .transpose()
}

pub(super) fn one_of(value: Option<&str>, allowed: &[&str], name: &str) -> Result<(), ApiError> {
    match value {
        Some(value) if !allowed.contains(&value) => Err(ApiError::invalid(format!(
            "`{name}` must be one of {}",
            allowed.join(", ")
        ))),
        _ => Ok(()),
    }
}

/// Filters of `GET /v1/uploads`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct UploadQuery {
    /// Only this campaign's uploads.
    campaign: Option<Uuid>,
    /// Only uploads in this state.
    status: Option<String>,
    /// Only this member's uploads (admin and support).
    owner: Option<Uuid>,
    /// Only uploads created at or after this RFC 3339 time.
    #[param(format = DateTime)]
    from: Option<String>,
    /// Only uploads created before this RFC 3339 time.
    #[param(format = DateTime)]
    to: Option<String>,
    /// The `next_cursor` of the previous page.
    cursor: Option<String>,
    /// Page size.
    #[param(minimum = 1, maximum = 200)]
    limit: Option<u16>,
}

/// Lists uploads, newest first: a marketer's own, or the account's for admin and
/// support.
#[utoipa::path(
    get, path = "/v1/uploads", tag = "uploads",
    security(("bearer" = [])),
    params(UploadQuery),
    responses(
        (status = 200, description = "A page of uploads", body = UploadPage),
        (status = 403, description = "May not read uploads", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_uploads(
    State(state): State<SharedState>,
    principal: Principal,
    ApiQuery(query): ApiQuery<UploadQuery>,
) -> Result<axum::Json<UploadPage>, ApiError> {
    let own = scope(&principal)?;
    count_history_read(&state, &principal).await;
    one_of(query.status.as_deref(), &UPLOAD_STATES, "status")?;
    let limit = limit_of(query.limit)?;
    // A marketer asking for someone else's uploads gets an empty page, as for a member
    // with no uploads.
    let owner = match (own, query.owner) {
        (Some(me), Some(other)) if other != me => Some(Uuid::nil()),
        (Some(me), _) => Some(me),
        (None, owner) => owner,
    };
    let filter = UploadFilter {
        owner,
        campaign: query.campaign,
        state: query.status,
        from: time_of(query.from.as_deref(), "from")?,
        to: time_of(query.to.as_deref(), "to")?,
        cursor: cursor_of(query.cursor.as_deref())?,
    };
    let uploads = history::uploads(&state.db, principal.account_id, &filter, limit).await?;
    let next_cursor = (uploads.len() == usize::from(limit))
        .then(|| uploads.last())
        .flatten()
        .map(|last| {
            Cursor {
                created_at: last.created_at.unix_timestamp(),
                id: last.id,
            }
            .encode()
        });
    Ok(axum::Json(UploadPage {
        uploads,
        next_cursor,
    }))
}

/// Counts one history page read for the enumeration detector. A detector failure is
/// logged and does not fail the read.
pub(super) async fn count_history_read(state: &SharedState, principal: &Principal) {
    let address = principal.context.client_address.to_string();
    let request_id = &principal.context.request_id;
    let counted = state
        .alerts
        .after_history_read(
            principal.account_id,
            principal.member_id,
            &address,
            request_id,
        )
        .await;
    if let Err(error) = counted {
        tracing::error!(error = %error, request_id = %request_id, "the history-read alert detector failed");
    }
}

/// Checks whether the caller may see list contents such as validation samples: admins and the
/// uploads' own marketers, never support.
fn may_read_contents(principal: &Principal) -> bool {
    principal.has(Permission::UploadsReadAll) || principal.has(Permission::UploadsReadOwn)
}

/// Returns one upload: its state, the reason for a rejection or quarantine, the
/// validation summary, sizes, campaign, owner and times. Scoped like the list.
#[utoipa::path(
    get, path = "/v1/uploads/{upload_id}", tag = "uploads",
    security(("bearer" = [])),
    params(("upload_id" = Uuid, Path, description = "The upload id")),
    responses(
        (status = 200, description = "The upload", body = UploadDetail),
        (status = 403, description = "May not read uploads", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such upload that the caller may see", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get_upload(
    State(state): State<SharedState>,
    principal: Principal,
    ApiPath(upload_id): ApiPath<Uuid>,
) -> Result<axum::Json<UploadDetail>, ApiError> {
    let own = scope(&principal)?;
    count_history_read(&state, &principal).await;
    let row = uploads::detail(&state.db, principal.account_id, upload_id)
        .await?
        .filter(|row| own.is_none_or(|owner| owner == row.record.owner_id))
        .ok_or_else(|| ApiError::not_found("upload"))?;
    let validation = row
        .validation
        .filter(|_| may_read_contents(&principal))
        .and_then(|text| serde_json::from_str(&text).ok());
    let record = row.record;
    // The expiry applies only while bytes may still arrive.
    let expires_at = record.expires_at.filter(|_| record.state == "receiving");
    Ok(axum::Json(UploadDetail {
        id: record.id,
        owner_id: record.owner_id,
        campaign_id: record.campaign_id,
        state: record.state,
        length: record.length,
        offset: record.offset,
        reason: row.reason,
        validation,
        created_at: to_time(record.created_at),
        updated_at: to_time(row.updated_at),
        completed_at: row.completed_at.map(to_time),
        expires_at: expires_at.map(to_time),
    }))
}

/// Returns an upload's timeline for troubleshooting: each request with its offset and
/// request id, interruptions, checksum failures and state changes.
#[utoipa::path(
    get, path = "/v1/uploads/{upload_id}/events", tag = "uploads",
    security(("bearer" = [])),
    params(("upload_id" = Uuid, Path, description = "The upload id")),
    responses(
        (status = 200, description = "The upload and its events, oldest first", body = UploadTimeline),
        (status = 404, description = "No such upload that the caller may see", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn events(
    State(state): State<SharedState>,
    principal: Principal,
    ApiPath(upload_id): ApiPath<Uuid>,
) -> Result<axum::Json<UploadTimeline>, ApiError> {
    let own = scope(&principal)?;
    count_history_read(&state, &principal).await;
    let filter = UploadFilter {
        owner: own,
        ..UploadFilter::default()
    };
    let record = uploads::get(&state.db, principal.account_id, upload_id)
        .await?
        .filter(|record| filter.owner.is_none_or(|owner| owner == record.owner_id))
        .ok_or_else(|| ApiError::not_found("upload"))?;
    let events = uploads::events(&state.db, upload_id)
        .await?
        .into_iter()
        .map(|event| UploadEvent {
            at: to_time(event.at),
            kind: event.kind,
            request_id: event.request_id,
            details: serde_json::from_str(&event.details).unwrap_or(serde_json::Value::Null),
        })
        .collect();
    let (_, reason, validation) = uploads::outcome(&state.db, upload_id).await?;
    let validation = validation
        .filter(|_| may_read_contents(&principal))
        .and_then(|text| serde_json::from_str(&text).ok());
    let upload = sealpost_api::UploadSummary {
        id: record.id,
        owner_id: record.owner_id,
        campaign_id: record.campaign_id,
        state: record.state,
        length: record.length,
        offset: record.offset,
        reason,
        created_at: to_time(record.created_at),
    };
    Ok(axum::Json(UploadTimeline {
        upload,
        events,
        validation,
    }))
}
