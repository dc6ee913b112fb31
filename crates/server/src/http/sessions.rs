//! `POST /v1/sessions` (sign in) and `DELETE /v1/sessions/current` (sign out).

use axum::extract::State;
use axum::http::StatusCode;
use sealpost_api::{Problem, ProblemType, Role, SessionCreated, SignInRequest};
use zeroize::Zeroizing;

use super::auth::{Credential, Principal};
use super::error::ApiError;
use super::extract::ApiJson;
use super::middleware::RequestContext;
use crate::alerts::{SIGN_IN_FAILED, SIGN_IN_SUCCEEDED};
use crate::audit::{AuditEvent, Outcome};
use crate::db::{now, to_time};
use crate::secrets::{MAX_PASSWORD_BYTES, TokenKind, new_token, token_hash};
use crate::state::SharedState;
use crate::store::members::{MemberRecord, normalise_email};
use crate::store::{accounts, lockout, members, sessions};
use crate::totp;

/// Longest accepted email address, in bytes (RFC 5321's path limit).
pub const MAX_EMAIL_BYTES: usize = 254;

const WRONG_CREDENTIALS: &str = "the email or password is wrong";

/// Signs in with email and password (and a TOTP code when enrolled).
#[utoipa::path(
    post, path = "/v1/sessions", tag = "sessions",
    request_body = SignInRequest,
    responses(
        (status = 201, description = "Signed in; the token is shown only here", body = SessionCreated),
        (status = 400, description = "Malformed body", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Wrong email, password or code", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Locked after repeated failures, or rate limited", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn sign_in(
    State(state): State<SharedState>,
    context: RequestContext,
    ApiJson(request): ApiJson<SignInRequest>,
) -> Result<(StatusCode, axum::Json<SessionCreated>), ApiError> {
    let SignInRequest {
        email,
        password,
        totp,
    } = request;
    let password = Zeroizing::new(password);
    if email.len() > MAX_EMAIL_BYTES || password.len() > MAX_PASSWORD_BYTES {
        return Err(ApiError::invalid("the email or password is too long"));
    }
    let email = normalise_email(&email);
    let at = now();
    if let Some(until) = lockout::locked_until(&state.db, &email, at).await? {
        let seconds = u64::try_from(until - at).unwrap_or(1);
        let mut event = failure_event(&context, None, &email, "session.sign_in_locked");
        event.outcome = Outcome::Denied;
        state.audit.append(event).await?;
        return Err(locked_error(seconds));
    }

    let record = members::find_by_email(&state.db, &email).await?;
    let stored_hash = record
        .as_ref()
        .filter(|r| r.member.active)
        .map(|r| r.password_hash.clone());
    let password_ok = state.hasher.verify(password, stored_hash).await;
    let record = match record {
        Some(record) if password_ok => record,
        other => {
            let account_id = other.map(|r| r.member.account_id);
            return Err(fail(&state, &context, account_id, &email, at, WRONG_CREDENTIALS).await);
        }
    };
    check_second_factor(&state, &context, &record, totp.as_deref(), at).await?;

    lockout::record_success(&state.db, &email).await?;
    let token = new_token(TokenKind::Session);
    let expires_at = at.saturating_add(
        i64::try_from(state.config.sessions.absolute_lifetime_seconds).unwrap_or(i64::MAX),
    );
    let member = record.member;
    let session_id = sessions::create(
        &state.db,
        &token_hash(&token),
        member.account_id,
        member.id,
        expires_at,
    )
    .await?;
    let mut event = AuditEvent::new(
        Some(member.account_id),
        format!("member:{}", member.id),
        SIGN_IN_SUCCEEDED,
        Outcome::Success,
    )
    .target(format!("session:{session_id}"));
    event.client_address = Some(context.client_address.to_string());
    event.request_id = Some(context.request_id.clone());
    state.audit.append(event).await?;
    state
        .alerts
        .after_success(&context.client_address.to_string(), &context.request_id)
        .await?;
    tracing::info!(member_id = %member.id, account_id = %member.account_id, "signed in");
    Ok((
        StatusCode::CREATED,
        axum::Json(SessionCreated {
            token: token.to_string(),
            expires_at: to_time(expires_at),
            idle_timeout_seconds: state.config.sessions.idle_timeout_seconds,
            member,
        }),
    ))
}

async fn check_second_factor(
    state: &SharedState,
    context: &RequestContext,
    record: &MemberRecord,
    code: Option<&str>,
    at: i64,
) -> Result<(), ApiError> {
    let member = &record.member;
    let Some(secret) = &record.totp_secret else {
        let account = accounts::get(&state.db, member.account_id).await?;
        if member.role == Role::Admin && account.is_some_and(|a| a.require_admin_totp) {
            let event = failure_event(
                context,
                Some(member.account_id),
                &member.email,
                SIGN_IN_FAILED,
            )
            .details(
                serde_json::json!({ "reason": "admin second factor required but not enrolled" }),
            );
            state.audit.append(event).await?;
            return Err(ApiError::new(
                ProblemType::TotpRequired,
                "this account requires admins to use a second factor, and none is enrolled; \
                 ask another admin to change your role so that you can enrol one",
            ));
        }
        return Ok(());
    };
    let Some(code) = code else {
        return Err(ApiError::new(
            ProblemType::TotpRequired,
            "send the current code of your authenticator app in `totp`",
        ));
    };
    // A code is accepted once: a replay within its validity window fails like a wrong
    // code.
    if let Some(step) = totp::matching_step(secret, &member.email, code)
        && members::use_totp_step(&state.db, member.id, step).await?
    {
        return Ok(());
    }
    Err(fail(
        state,
        context,
        Some(member.account_id),
        &member.email,
        at,
        "the second-factor code is wrong",
    )
    .await)
}

fn failure_event(
    context: &RequestContext,
    account_id: Option<uuid::Uuid>,
    email: &str,
    action: &'static str,
) -> AuditEvent {
    let mut event = AuditEvent::new(
        account_id,
        format!("email:{email}"),
        action,
        Outcome::Failure,
    )
    .target(format!("email:{email}"));
    event.client_address = Some(context.client_address.to_string());
    event.request_id = Some(context.request_id.clone());
    event
}

fn locked_error(seconds: u64) -> ApiError {
    ApiError::retry_after(
        ProblemType::SignInLocked,
        "sign-in for this email is locked after repeated failures; retry after the Retry-After delay",
        seconds,
    )
}

/// Records a failed attempt, locks and alerts when due, and returns the answer. Known
/// and unknown emails take the same path, so the answer reveals nothing.
async fn fail(
    state: &SharedState,
    context: &RequestContext,
    account_id: Option<uuid::Uuid>,
    email: &str,
    at: i64,
    message: &'static str,
) -> ApiError {
    let result: Result<ApiError, sqlx::Error> = async {
        state
            .audit
            .append(failure_event(context, account_id, email, SIGN_IN_FAILED))
            .await?;
        let outcome = lockout::record_failure(&state.db, &state.config.lockout, email, at).await?;
        let address = context.client_address.to_string();
        state
            .alerts
            .after_failure(email, &address, &context.request_id)
            .await?;
        if let Some(until) = outcome.locked_until {
            let seconds = until - at;
            let event = failure_event(context, account_id, email, "session.email_locked").details(
                serde_json::json!({ "locked_seconds": seconds, "failures": outcome.failures }),
            );
            state.audit.append(event).await?;
            state
                .alerts
                .lockout(account_id, email, &address, &context.request_id, seconds)
                .await?;
            return Ok(locked_error(u64::try_from(seconds).unwrap_or(1)));
        }
        Ok(ApiError::unauthenticated(message))
    }
    .await;
    result.unwrap_or_else(ApiError::internal)
}

/// Signs out: revokes the session used for this request.
#[utoipa::path(
    delete, path = "/v1/sessions/current", tag = "sessions",
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Signed out"),
        (status = 400, description = "Called with an API token; revoke it through /v1/tokens", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid credential", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn sign_out(
    State(state): State<SharedState>,
    principal: Principal,
) -> Result<StatusCode, ApiError> {
    let Credential::Session(session_id) = principal.credential else {
        return Err(ApiError::invalid(
            "this request used an API token; revoke it with DELETE /v1/tokens/{token_id}",
        ));
    };
    sessions::revoke(&state.db, session_id).await?;
    state
        .audit
        .append(
            principal
                .event("session.revoked", Outcome::Success)
                .target(format!("session:{session_id}")),
        )
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
