//! Members, roles, invitations and account settings.

use axum::extract::State;
use axum::http::StatusCode;
use sealpost_api::{
    AcceptInvitationRequest, Account, AccountSettingsRequest, InvitationCreated, InvitationRequest,
    Member, MemberList, Permission, Problem, ProblemType, Role, RoleChangeRequest,
};
use uuid::Uuid;
use zeroize::Zeroizing;

use super::auth::Principal;
use super::error::ApiError;
use super::extract::{ApiJson, ApiPath};
use super::middleware::RequestContext;
use super::sessions::MAX_EMAIL_BYTES;
use crate::audit::{AuditEvent, Outcome};
use crate::db::{now, to_time};
use crate::secrets::{TokenKind, check_new_password, new_token, token_hash};
use crate::state::SharedState;
use crate::store::members::{NewMember, normalise_email};
use crate::store::{accounts, invitations, members};

/// Longest display name, in characters.
const MAX_NAME_CHARS: usize = 200;

/// Lists the account's members.
#[utoipa::path(
    get, path = "/v1/members", tag = "members",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The members", body = MemberList),
        (status = 401, description = "No valid credential", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Lacks members:read", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list(
    State(state): State<SharedState>,
    principal: Principal,
) -> Result<axum::Json<MemberList>, ApiError> {
    principal.require(Permission::MembersRead)?;
    let members = members::list(&state.db, principal.account_id).await?;
    Ok(axum::Json(MemberList { members }))
}

/// Reads one member of the account.
#[utoipa::path(
    get, path = "/v1/members/{member_id}", tag = "members",
    security(("bearer" = [])),
    params(("member_id" = Uuid, Path, description = "The member id")),
    responses(
        (status = 200, description = "The member", body = Member),
        (status = 403, description = "Lacks members:read", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such member in the account", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get(
    State(state): State<SharedState>,
    principal: Principal,
    ApiPath(member_id): ApiPath<Uuid>,
) -> Result<axum::Json<Member>, ApiError> {
    principal.require(Permission::MembersRead)?;
    let record = members::get(&state.db, principal.account_id, member_id)
        .await?
        .ok_or_else(|| ApiError::not_found("member"))?;
    Ok(axum::Json(record.member))
}

/// Fails with 409 when removing `member` from the admin role would leave the account
/// without an active admin.
async fn keep_an_admin(state: &SharedState, member: &Member) -> Result<(), ApiError> {
    if member.role == Role::Admin
        && member.active
        && members::count_active_admins(&state.db, member.account_id).await? <= 1
    {
        return Err(ApiError::new(
            ProblemType::Conflict,
            "this is the account's last active admin; make another member admin first",
        ));
    }
    Ok(())
}

/// Changes a member's role.
#[utoipa::path(
    patch, path = "/v1/members/{member_id}", tag = "members",
    security(("bearer" = [])),
    params(("member_id" = Uuid, Path, description = "The member id")),
    request_body = RoleChangeRequest,
    responses(
        (status = 200, description = "The changed member", body = Member),
        (status = 403, description = "Lacks members:manage", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such member in the account", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Would remove the last admin", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn change_role(
    State(state): State<SharedState>,
    principal: Principal,
    ApiPath(member_id): ApiPath<Uuid>,
    ApiJson(request): ApiJson<RoleChangeRequest>,
) -> Result<axum::Json<Member>, ApiError> {
    principal.require(Permission::MembersManage)?;
    let record = members::get(&state.db, principal.account_id, member_id)
        .await?
        .ok_or_else(|| ApiError::not_found("member"))?;
    let previous = record.member.role;
    if previous != request.role {
        if request.role != Role::Admin {
            keep_an_admin(&state, &record.member).await?;
        }
        members::set_role(&state.db, principal.account_id, member_id, request.role).await?;
        let event = principal
            .event("member.role_changed", Outcome::Success)
            .target(format!("member:{member_id}"))
            .details(serde_json::json!({ "from": previous.as_str(), "to": request.role.as_str() }));
        state.audit.append(event).await?;
    }
    let mut member = record.member;
    member.role = request.role;
    Ok(axum::Json(member))
}

/// Deactivates a member and revokes their sessions and API tokens.
#[utoipa::path(
    post, path = "/v1/members/{member_id}/deactivate", tag = "members",
    security(("bearer" = [])),
    params(("member_id" = Uuid, Path, description = "The member id")),
    responses(
        (status = 200, description = "The deactivated member", body = Member),
        (status = 403, description = "Lacks members:manage", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such member in the account", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Would remove the last admin", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn deactivate(
    State(state): State<SharedState>,
    principal: Principal,
    ApiPath(member_id): ApiPath<Uuid>,
) -> Result<axum::Json<Member>, ApiError> {
    set_active(&state, &principal, member_id, false).await
}

/// Reactivates a deactivated member, who then signs in again with their password.
#[utoipa::path(
    post, path = "/v1/members/{member_id}/reactivate", tag = "members",
    security(("bearer" = [])),
    params(("member_id" = Uuid, Path, description = "The member id")),
    responses(
        (status = 200, description = "The reactivated member", body = Member),
        (status = 403, description = "Lacks members:manage", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such member in the account", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn reactivate(
    State(state): State<SharedState>,
    principal: Principal,
    ApiPath(member_id): ApiPath<Uuid>,
) -> Result<axum::Json<Member>, ApiError> {
    set_active(&state, &principal, member_id, true).await
}

/// Deactivates or reactivates a member of the principal's account. Setting the state a
/// member already has changes nothing and records no audit entry.
async fn set_active(
    state: &SharedState,
    principal: &Principal,
    member_id: Uuid,
    active: bool,
) -> Result<axum::Json<Member>, ApiError> {
    principal.require(Permission::MembersManage)?;
    let record = members::get(&state.db, principal.account_id, member_id)
        .await?
        .ok_or_else(|| ApiError::not_found("member"))?;
    if record.member.active != active {
        let action = if active {
            members::reactivate(&state.db, principal.account_id, member_id).await?;
            "member.reactivated"
        } else {
            keep_an_admin(state, &record.member).await?;
            members::deactivate(&state.db, principal.account_id, member_id).await?;
            "member.deactivated"
        };
        let event = principal
            .event(action, Outcome::Success)
            .target(format!("member:{member_id}"));
        state.audit.append(event).await?;
    }
    let mut member = record.member;
    member.active = active;
    Ok(axum::Json(member))
}

/// Invites someone to the account with a one-time token.
#[utoipa::path(
    post, path = "/v1/invitations", tag = "members",
    security(("bearer" = [])),
    request_body = InvitationRequest,
    responses(
        (status = 201, description = "The invitation; its token is shown only here", body = InvitationCreated),
        (status = 403, description = "Lacks members:manage", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The email already belongs to a member of this account", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn invite(
    State(state): State<SharedState>,
    principal: Principal,
    ApiJson(request): ApiJson<InvitationRequest>,
) -> Result<(StatusCode, axum::Json<InvitationCreated>), ApiError> {
    principal.require(Permission::MembersManage)?;
    let email = normalise_email(&request.email);
    if email.len() > MAX_EMAIL_BYTES
        || !email.contains('@')
        || email.starts_with('@')
        || email.ends_with('@')
    {
        return Err(ApiError::invalid("`email` is not a valid email address"));
    }
    // Emails are unique across the service because sign-in is by email. Only a member of
    // the admin's own account gets a 409, because a 409 for another account's member
    // would tell this tenant that the address exists elsewhere. Such an invitation is
    // created as usual and fails on acceptance, where only the email's owner learns why.
    let existing = members::find_by_email(&state.db, &email).await?;
    if existing.is_some_and(|record| record.member.account_id == principal.account_id) {
        return Err(ApiError::new(
            ProblemType::Conflict,
            "this email already belongs to a member of this account",
        ));
    }
    let token = new_token(TokenKind::Invitation);
    let lifetime =
        i64::try_from(state.config.tokens.invitation_lifetime_seconds).unwrap_or(i64::MAX);
    let expires_at = now().saturating_add(lifetime);
    let id = invitations::create(
        &state.db,
        &token_hash(&token),
        principal.account_id,
        &email,
        request.role,
        principal.member_id,
        expires_at,
    )
    .await?;
    let event = principal
        .event("member.invited", Outcome::Success)
        .target(format!("invitation:{id}"))
        .details(serde_json::json!({ "email": email, "role": request.role.as_str() }));
    state.audit.append(event).await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(InvitationCreated {
            id,
            email,
            role: request.role,
            token: token.to_string(),
            expires_at: to_time(expires_at),
        }),
    ))
}

/// Accepts an invitation: creates the member with the invited email and role.
#[utoipa::path(
    post, path = "/v1/invitations/accept", tag = "members",
    request_body = AcceptInvitationRequest,
    responses(
        (status = 201, description = "The new member; sign in with POST /v1/sessions", body = Member),
        (status = 400, description = "Weak password or malformed body", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown, used or expired invitation", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn accept(
    State(state): State<SharedState>,
    context: RequestContext,
    ApiJson(request): ApiJson<AcceptInvitationRequest>,
) -> Result<(StatusCode, axum::Json<Member>), ApiError> {
    let AcceptInvitationRequest {
        token,
        name,
        password,
    } = request;
    let token = Zeroizing::new(token);
    let password = Zeroizing::new(password);
    let name = name.trim().to_owned();
    if name.is_empty() || name.chars().count() > MAX_NAME_CHARS {
        return Err(ApiError::invalid(format!(
            "`name` must have 1 to {MAX_NAME_CHARS} characters"
        )));
    }
    check_new_password(&password).map_err(|error| ApiError::invalid(error.to_string()))?;
    let unusable = || {
        ApiError::new(
            ProblemType::NotFound,
            "the invitation is unknown, used or expired; ask for a new one",
        )
    };
    if TokenKind::of(&token) != Some(TokenKind::Invitation) {
        return Err(unusable());
    }
    let invitation = invitations::find(&state.db, &token_hash(&token))
        .await?
        .ok_or_else(unusable)?;
    if invitation.accepted_at.is_some() || invitation.expires_at <= now() {
        return Err(unusable());
    }
    let password_hash = state
        .hasher
        .hash(password)
        .await
        .map_err(ApiError::internal)?;
    if !invitations::mark_accepted(&state.db, invitation.id).await? {
        return Err(unusable());
    }
    let created = members::create(
        &state.db,
        NewMember {
            account_id: invitation.account_id,
            email: &invitation.email,
            name: &name,
            role: invitation.role,
            password_hash: &password_hash,
        },
    )
    .await;
    let member = match created {
        Ok(member) => member,
        Err(sqlx::Error::Database(error)) if error.is_unique_violation() => {
            return Err(ApiError::new(
                ProblemType::Conflict,
                "this email already belongs to a member",
            ));
        }
        Err(error) => return Err(error.into()),
    };
    let mut event = AuditEvent::new(
        Some(member.account_id),
        format!("member:{}", member.id),
        "member.joined",
        Outcome::Success,
    )
    .target(format!("invitation:{}", invitation.id))
    .details(serde_json::json!({ "role": member.role.as_str() }));
    event.client_address = Some(context.client_address.to_string());
    event.request_id = Some(context.request_id);
    state.audit.append(event).await?;
    Ok((StatusCode::CREATED, axum::Json(member)))
}

/// Changes account settings.
#[utoipa::path(
    patch, path = "/v1/account", tag = "members",
    security(("bearer" = [])),
    request_body = AccountSettingsRequest,
    responses(
        (status = 200, description = "The account", body = Account),
        (status = 403, description = "Lacks account:manage", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Requiring a second factor before enrolling one yourself", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn update_account(
    State(state): State<SharedState>,
    principal: Principal,
    ApiJson(request): ApiJson<AccountSettingsRequest>,
) -> Result<axum::Json<Account>, ApiError> {
    principal.require(Permission::AccountManage)?;
    let mut account = accounts::get(&state.db, principal.account_id)
        .await?
        .ok_or_else(|| ApiError::not_found("account"))?;
    if request.require_admin_totp && !account.require_admin_totp {
        let me = members::get(&state.db, principal.account_id, principal.member_id)
            .await?
            .ok_or_else(|| ApiError::not_found("member"))?;
        if me.totp_secret.is_none() {
            return Err(ApiError::new(
                ProblemType::Conflict,
                "enrol a second factor yourself (POST /v1/me/totp) before requiring one for admins",
            ));
        }
    }
    if account.require_admin_totp != request.require_admin_totp {
        accounts::set_require_admin_totp(
            &state.db,
            principal.account_id,
            request.require_admin_totp,
        )
        .await?;
        let event = principal
            .event("account.settings_changed", Outcome::Success)
            .target(format!("account:{}", principal.account_id))
            .details(serde_json::json!({ "require_admin_totp": request.require_admin_totp }));
        state.audit.append(event).await?;
        account.require_admin_totp = request.require_admin_totp;
    }
    Ok(axum::Json(account))
}
