//! `GET /v1/me` and second-factor enrolment.

use axum::extract::State;
use axum::http::StatusCode;
use sealpost_api::{Me, Problem, ProblemType, TotpConfirmRequest, TotpEnrollment};

use super::auth::Principal;
use super::error::ApiError;
use super::extract::ApiJson;
use crate::audit::Outcome;
use crate::state::SharedState;
use crate::store::{accounts, members};
use crate::totp;

/// Describes the caller: member, role, account and the credential's permissions.
#[utoipa::path(
    get, path = "/v1/me", tag = "members",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The caller", body = Me),
        (status = 401, description = "No valid credential", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn me(
    State(state): State<SharedState>,
    principal: Principal,
) -> Result<axum::Json<Me>, ApiError> {
    let record = members::get(&state.db, principal.account_id, principal.member_id)
        .await?
        .ok_or_else(|| ApiError::unauthenticated("the member no longer exists"))?;
    let account = accounts::get(&state.db, principal.account_id)
        .await?
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("member without account")))?;
    Ok(axum::Json(Me {
        member: record.member,
        account,
        role: principal.role,
        permissions: principal.permissions.clone(),
        credential: principal.credential_kind(),
    }))
}

/// Starts second-factor enrolment: returns a new secret that the next confirmation
/// activates. The secret is shown only here.
#[utoipa::path(
    post, path = "/v1/me/totp", tag = "members",
    security(("bearer" = [])),
    responses(
        (status = 201, description = "A new, unconfirmed secret", body = TotpEnrollment),
        (status = 401, description = "No valid credential", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A second factor is already enrolled", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn enrol_totp(
    State(state): State<SharedState>,
    principal: Principal,
) -> Result<(StatusCode, axum::Json<TotpEnrollment>), ApiError> {
    let record = members::get(&state.db, principal.account_id, principal.member_id)
        .await?
        .ok_or_else(|| ApiError::not_found("member"))?;
    if record.totp_secret.is_some() {
        return Err(ApiError::new(
            ProblemType::Conflict,
            "a second factor is already enrolled",
        ));
    }
    let secret = totp::generate_secret();
    let otpauth_url = totp::otpauth_url(&secret, &record.member.email)
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("TOTP URL construction failed")))?;
    members::set_totp_pending(&state.db, principal.member_id, &secret).await?;
    state
        .audit
        .append(principal.event("member.totp_enrolment_started", Outcome::Success))
        .await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(TotpEnrollment {
            secret,
            otpauth_url,
        }),
    ))
}

/// Confirms enrolment with a current code; from then on sign-in needs a code.
#[utoipa::path(
    post, path = "/v1/me/totp/confirm", tag = "members",
    security(("bearer" = [])),
    request_body = TotpConfirmRequest,
    responses(
        (status = 204, description = "Second factor active"),
        (status = 400, description = "Wrong code or no enrolment started", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid credential", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn confirm_totp(
    State(state): State<SharedState>,
    principal: Principal,
    ApiJson(request): ApiJson<TotpConfirmRequest>,
) -> Result<StatusCode, ApiError> {
    let record = members::get(&state.db, principal.account_id, principal.member_id)
        .await?
        .ok_or_else(|| ApiError::not_found("member"))?;
    let Some(pending) = record.totp_pending_secret else {
        return Err(ApiError::invalid(
            "start enrolment with POST /v1/me/totp first",
        ));
    };
    let step = totp::matching_step(&pending, &record.member.email, &request.code);
    let fresh = match step {
        Some(step) => members::use_totp_step(&state.db, principal.member_id, step).await?,
        None => false,
    };
    if !fresh {
        state
            .audit
            .append(principal.event("member.totp_enabled", Outcome::Failure))
            .await?;
        return Err(ApiError::invalid(
            "the code is wrong; check the device clock and try the next code",
        ));
    }
    members::confirm_totp(&state.db, principal.member_id, &pending).await?;
    state
        .audit
        .append(principal.event("member.totp_enabled", Outcome::Success))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
