//! API tokens: create, list, revoke and rotate.

use axum::extract::State;
use axum::http::StatusCode;
use sealpost_api::{
    ApiTokenCreated, ApiTokenList, ApiTokenRequest, Permission, Problem, ProblemType,
    RotateTokenRequest,
};
use uuid::Uuid;

use super::auth::Principal;
use super::error::ApiError;
use super::extract::{ApiJson, ApiPath};
use crate::audit::Outcome;
use crate::config::MAX_ROTATION_GRACE_SECONDS;
use crate::db::now;
use crate::secrets::{TokenKind, new_token, token_hash};
use crate::state::SharedState;
use crate::store::tokens::{self, NewToken, TokenRecord};

const MAX_TOKEN_NAME_CHARS: usize = 100;
const MAX_EXPIRY_DAYS: u32 = 3650;

/// Creates an API token for the caller, scoped to a subset of the caller's permissions.
#[utoipa::path(
    post, path = "/v1/tokens", tag = "tokens",
    security(("bearer" = [])),
    request_body = ApiTokenRequest,
    responses(
        (status = 201, description = "The token; shown only here", body = ApiTokenCreated),
        (status = 400, description = "Invalid name, scopes or expiry", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "A scope the caller does not hold", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create(
    State(state): State<SharedState>,
    principal: Principal,
    ApiJson(request): ApiJson<ApiTokenRequest>,
) -> Result<(StatusCode, axum::Json<ApiTokenCreated>), ApiError> {
    principal.require(Permission::TokensOwn)?;
    let name = request.name.trim();
    if name.is_empty() || name.chars().count() > MAX_TOKEN_NAME_CHARS {
        return Err(ApiError::invalid(format!(
            "`name` must have 1 to {MAX_TOKEN_NAME_CHARS} characters"
        )));
    }
    if request.permissions.is_empty() {
        return Err(ApiError::invalid(
            "`permissions` must list at least one permission",
        ));
    }
    let mut permissions = request.permissions.clone();
    permissions.sort();
    permissions.dedup();
    if let Some(missing) = permissions
        .iter()
        .find(|permission| !principal.has(**permission))
    {
        return Err(ApiError::new(
            ProblemType::Forbidden,
            format!("a token cannot hold `{missing}` because this credential does not"),
        ));
    }
    let expires_at = match request.expires_in_days {
        Some(days) if days == 0 || days > MAX_EXPIRY_DAYS => {
            return Err(ApiError::invalid(format!(
                "`expires_in_days` must be 1 to {MAX_EXPIRY_DAYS}"
            )));
        }
        Some(days) => Some(now() + i64::from(days) * 86_400),
        None => None,
    };
    let token = new_token(TokenKind::Api);
    let info = tokens::create(
        &state.db,
        NewToken {
            token_hash: &token_hash(&token),
            account_id: principal.account_id,
            member_id: principal.member_id,
            name,
            permissions: &permissions,
            expires_at,
        },
    )
    .await?;
    let scopes: Vec<&str> = permissions.iter().map(|p| p.as_str()).collect();
    let event = principal
        .event("token.created", Outcome::Success)
        .target(format!("token:{}", info.id))
        .details(serde_json::json!({ "permissions": scopes }));
    state.audit.append(event).await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(ApiTokenCreated {
            token: token.to_string(),
            info,
        }),
    ))
}

/// Lists the caller's own tokens.
#[utoipa::path(
    get, path = "/v1/tokens", tag = "tokens",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The caller's tokens, newest first", body = ApiTokenList),
        (status = 401, description = "No valid credential", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_own(
    State(state): State<SharedState>,
    principal: Principal,
) -> Result<axum::Json<ApiTokenList>, ApiError> {
    principal.require(Permission::TokensOwn)?;
    let tokens = tokens::list(&state.db, principal.account_id, Some(principal.member_id)).await?;
    Ok(axum::Json(ApiTokenList { tokens }))
}

/// Lists every token in the account.
#[utoipa::path(
    get, path = "/v1/account/tokens", tag = "tokens",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "All tokens of the account, newest first", body = ApiTokenList),
        (status = 403, description = "Lacks tokens:manage", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_account(
    State(state): State<SharedState>,
    principal: Principal,
) -> Result<axum::Json<ApiTokenList>, ApiError> {
    principal.require(Permission::TokensManage)?;
    let tokens = tokens::list(&state.db, principal.account_id, None).await?;
    Ok(axum::Json(ApiTokenList { tokens }))
}

/// Finds a token the caller may act on: their own with `tokens:own`, any in the account
/// with `tokens:manage`. Anything else is a 404, like a token that does not exist.
async fn find_for(
    state: &SharedState,
    principal: &Principal,
    token_id: Uuid,
    others: bool,
) -> Result<TokenRecord, ApiError> {
    let record = tokens::get(&state.db, principal.account_id, token_id)
        .await?
        .ok_or_else(|| ApiError::not_found("token"))?;
    let own = record.info.member_id == principal.member_id && principal.has(Permission::TokensOwn);
    let managed = others && principal.has(Permission::TokensManage);
    if own || managed {
        Ok(record)
    } else {
        Err(ApiError::not_found("token"))
    }
}

/// Revokes a token at once.
#[utoipa::path(
    delete, path = "/v1/tokens/{token_id}", tag = "tokens",
    security(("bearer" = [])),
    params(("token_id" = Uuid, Path, description = "The token id")),
    responses(
        (status = 204, description = "Revoked"),
        (status = 404, description = "No such token that the caller may manage", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn revoke(
    State(state): State<SharedState>,
    principal: Principal,
    ApiPath(token_id): ApiPath<Uuid>,
) -> Result<StatusCode, ApiError> {
    let record = find_for(&state, &principal, token_id, true).await?;
    if record.info.revoked_at.is_none() {
        tokens::revoke(&state.db, principal.account_id, token_id).await?;
        let event = principal
            .event("token.revoked", Outcome::Success)
            .target(format!("token:{token_id}"));
        state.audit.append(event).await?;
    }
    Ok(StatusCode::NO_CONTENT)
}

/// Replaces one of the caller's tokens with a new one with the same name, scopes and
/// expiry. The old token keeps working for the grace period.
#[utoipa::path(
    post, path = "/v1/tokens/{token_id}/rotate", tag = "tokens",
    security(("bearer" = [])),
    params(("token_id" = Uuid, Path, description = "The token id")),
    request_body = RotateTokenRequest,
    responses(
        (status = 201, description = "The new token; shown only here", body = ApiTokenCreated),
        (status = 404, description = "No such token of the caller", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The token is revoked or expired", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn rotate(
    State(state): State<SharedState>,
    principal: Principal,
    ApiPath(token_id): ApiPath<Uuid>,
    ApiJson(request): ApiJson<RotateTokenRequest>,
) -> Result<(StatusCode, axum::Json<ApiTokenCreated>), ApiError> {
    // Only the owner rotates: the new secret goes to whoever calls, and an admin must
    // never receive a token that acts as someone else.
    let old = find_for(&state, &principal, token_id, false).await?;
    let at = now();
    if old.info.revoked_at.is_some()
        || old
            .info
            .expires_at
            .is_some_and(|e| e.unix_timestamp() <= at)
    {
        return Err(ApiError::new(
            ProblemType::Conflict,
            "the token is revoked or expired; create a new one",
        ));
    }
    let grace = u64::from(request.grace_period_seconds.unwrap_or(0));
    let grace = if request.grace_period_seconds.is_some() {
        grace
    } else {
        state.config.tokens.rotation_grace_seconds
    };
    if grace > MAX_ROTATION_GRACE_SECONDS {
        return Err(ApiError::invalid(format!(
            "`grace_period_seconds` must be at most {MAX_ROTATION_GRACE_SECONDS}"
        )));
    }
    let token = new_token(TokenKind::Api);
    let info = tokens::create(
        &state.db,
        NewToken {
            token_hash: &token_hash(&token),
            account_id: principal.account_id,
            member_id: principal.member_id,
            name: &old.info.name,
            permissions: &old.info.permissions,
            expires_at: old.info.expires_at.map(|e| e.unix_timestamp()),
        },
    )
    .await?;
    let grace_end = at + i64::try_from(grace).unwrap_or(0);
    tokens::expire_at(&state.db, principal.account_id, token_id, grace_end).await?;
    let event = principal
        .event("token.rotated", Outcome::Success)
        .target(format!("token:{token_id}"))
        .details(serde_json::json!({ "new_token": info.id, "grace_period_seconds": grace }));
    state.audit.append(event).await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(ApiTokenCreated {
            token: token.to_string(),
            info,
        }),
    ))
}
