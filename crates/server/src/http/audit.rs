//! `GET /v1/audit`: the account's audit log, filtered and paged.

use axum::extract::State;
use sealpost_api::{AuditPage, Permission, Problem};
use serde::Deserialize;
use time::OffsetDateTime;
use utoipa::IntoParams;

use super::auth::Principal;
use super::error::ApiError;
use super::extract::ApiQuery;
use crate::audit::{AuditFilter, list};
use crate::state::SharedState;

const DEFAULT_LIMIT: i64 = 50;
const MAX_LIMIT: i64 = 200;

/// Filters and paging for the audit log.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct AuditQuery {
    /// Only this action, such as `session.created`.
    action: Option<String>,
    /// Only this actor, such as `member:ID`.
    actor: Option<String>,
    /// Only entries at or after this RFC 3339 time.
    #[param(format = DateTime)]
    since: Option<String>,
    /// Only entries older than this sequence number; pass `next_before` of the previous
    /// page.
    before: Option<i64>,
    /// Entries per page, 1 to 200; 50 by default.
    #[param(minimum = 1, maximum = 200)]
    limit: Option<i64>,
}

/// Reads the account's audit log, newest first.
#[utoipa::path(
    get, path = "/v1/audit", tag = "audit",
    security(("bearer" = [])),
    params(AuditQuery),
    responses(
        (status = 200, description = "A page of entries", body = AuditPage),
        (status = 400, description = "Invalid filter", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Lacks audit:read", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn read(
    State(state): State<SharedState>,
    principal: Principal,
    ApiQuery(query): ApiQuery<AuditQuery>,
) -> Result<axum::Json<AuditPage>, ApiError> {
    principal.require(Permission::AuditRead)?;
    super::history::count_history_read(&state, &principal).await;
    let limit = query.limit.unwrap_or(DEFAULT_LIMIT);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(ApiError::invalid(format!(
            "`limit` must be 1 to {MAX_LIMIT}"
        )));
    }
    let since = query
        .since
        .as_deref()
        .map(|text| OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339))
        .transpose()
        .map_err(|_| {
            ApiError::invalid("`since` must be an RFC 3339 time such as 2026-01-31T00:00:00Z")
        })?;
    let filter = AuditFilter {
        action: query.action,
        actor: query.actor,
        since: since.map(OffsetDateTime::unix_timestamp),
        before: query.before,
    };
    let entries = list(&state.db, principal.account_id, &filter, limit).await?;
    let next_before = if i64::try_from(entries.len()).unwrap_or(0) == limit {
        entries.last().map(|e| e.seq)
    } else {
        None
    };
    Ok(axum::Json(AuditPage {
        entries,
        next_before,
    }))
}
