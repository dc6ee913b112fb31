//! Authentication: the [`Principal`] extractor turns an `Authorization: Bearer` header
//! into the member, account and permissions the request acts with.

use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;
use sealpost_api::{CredentialKind, Permission, ProblemType, Role};
use uuid::Uuid;

use super::error::ApiError;
use super::middleware::RequestContext;
use crate::audit::AuditEvent;
use crate::db::now;
use crate::permissions::{allows, permissions_of};
use crate::secrets::{TokenKind, token_hash};
use crate::state::SharedState;
use crate::store::{sessions, tokens};

/// The credential behind a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Credential {
    /// A session, by id.
    Session(Uuid),
    /// An API token, by id.
    ApiToken(Uuid),
}

/// An authenticated caller. The account id comes only from here, never from the
/// request.
#[derive(Debug, Clone)]
pub struct Principal {
    /// The caller's account.
    pub account_id: Uuid,
    /// The caller.
    pub member_id: Uuid,
    /// The caller's current role.
    pub role: Role,
    /// What this credential may do.
    pub permissions: Vec<Permission>,
    /// The credential.
    pub credential: Credential,
    /// Request id and address.
    pub context: RequestContext,
}

impl Principal {
    /// Fails with 403 unless the credential holds `permission`.
    pub fn require(&self, permission: Permission) -> Result<(), ApiError> {
        if self.permissions.contains(&permission) {
            Ok(())
        } else {
            Err(ApiError::new(
                ProblemType::Forbidden,
                format!("this credential lacks the `{permission}` permission"),
            ))
        }
    }

    /// Whether the credential holds `permission`.
    pub fn has(&self, permission: Permission) -> bool {
        self.permissions.contains(&permission)
    }

    /// The audit actor: the member, and the token when one was used.
    pub fn actor(&self) -> String {
        match self.credential {
            Credential::Session(_) => format!("member:{}", self.member_id),
            Credential::ApiToken(id) => format!("member:{} token:{id}", self.member_id),
        }
    }

    /// The credential kind for `/v1/me`.
    pub fn credential_kind(&self) -> CredentialKind {
        match self.credential {
            Credential::Session(_) => CredentialKind::Session,
            Credential::ApiToken(_) => CredentialKind::ApiToken,
        }
    }

    /// An audit event by this principal in its account, with address and request id.
    pub fn event(&self, action: &'static str, outcome: crate::audit::Outcome) -> AuditEvent {
        let mut event = AuditEvent::new(Some(self.account_id), self.actor(), action, outcome);
        event.client_address = Some(self.context.client_address.to_string());
        event.request_id = Some(self.context.request_id.clone());
        event
    }
}

/// The request context, or a 500 if the middleware did not run.
pub fn context_of(parts: &Parts) -> Result<RequestContext, ApiError> {
    parts
        .extensions
        .get::<RequestContext>()
        .cloned()
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("request context middleware missing")))
}

impl FromRequestParts<SharedState> for RequestContext {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        _: &SharedState,
    ) -> Result<Self, Self::Rejection> {
        context_of(parts)
    }
}

fn bearer(parts: &Parts) -> Result<&str, ApiError> {
    let value = parts
        .headers
        .get(header::AUTHORIZATION)
        .ok_or_else(|| ApiError::unauthenticated("send Authorization: Bearer TOKEN"))?;
    let value = value
        .to_str()
        .map_err(|_| ApiError::unauthenticated("the Authorization header is not valid text"))?;
    match value.split_once(' ') {
        Some((scheme, token))
            if scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty() =>
        {
            Ok(token.trim())
        }
        _ => Err(ApiError::unauthenticated(
            "the Authorization header must be `Bearer TOKEN`",
        )),
    }
}

fn rejected() -> ApiError {
    // One message for unknown, expired, idle, revoked and rotated-out credentials, so
    // the answer does not help guess which tokens once existed.
    ApiError::unauthenticated("the credential is invalid, expired or revoked; sign in again")
}

impl FromRequestParts<SharedState> for Principal {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &SharedState,
    ) -> Result<Self, Self::Rejection> {
        let context = context_of(parts)?;
        let token = bearer(parts)?;
        let hash = token_hash(token);
        let at = now();
        let principal = match TokenKind::of(token) {
            Some(TokenKind::Session) => session_principal(state, &hash, at, context).await?,
            Some(TokenKind::Api) => token_principal(state, &hash, at, context).await?,
            _ => return Err(rejected()),
        };
        let limit_key = match principal.credential {
            Credential::Session(id) | Credential::ApiToken(id) => id.to_string(),
        };
        if let Err(limited) = state.limits.check_credential(&limit_key) {
            tracing::info!(member_id = %principal.member_id, "rate limit reached for credential");
            return Err(ApiError::limited(limited));
        }
        Ok(principal)
    }
}

async fn session_principal(
    state: &SharedState,
    hash: &str,
    at: i64,
    context: RequestContext,
) -> Result<Principal, ApiError> {
    let session = sessions::find(&state.db, hash)
        .await?
        .ok_or_else(rejected)?;
    let idle = i64::try_from(state.config.sessions.idle_timeout_seconds).unwrap_or(i64::MAX);
    let usable = session.revoked_at.is_none()
        && session.member_active
        && at < session.expires_at
        && at < session.last_seen_at.saturating_add(idle);
    if !usable {
        return Err(rejected());
    }
    if at > session.last_seen_at {
        sessions::touch(&state.db, session.id, at).await?;
    }
    Ok(Principal {
        account_id: session.account_id,
        member_id: session.member_id,
        role: session.role,
        permissions: permissions_of(session.role),
        credential: Credential::Session(session.id),
        context,
    })
}

async fn token_principal(
    state: &SharedState,
    hash: &str,
    at: i64,
    context: RequestContext,
) -> Result<Principal, ApiError> {
    let record = tokens::find_by_hash(&state.db, hash)
        .await?
        .ok_or_else(rejected)?;
    let info = &record.info;
    let idle = i64::try_from(state.config.tokens.idle_disable_seconds).unwrap_or(i64::MAX);
    let last_activity = info
        .last_used_at
        .unwrap_or(info.created_at)
        .unix_timestamp();
    let usable = info.revoked_at.is_none()
        && record.member_active
        && info
            .expires_at
            .is_none_or(|expires| at < expires.unix_timestamp())
        && at < last_activity.saturating_add(idle);
    if !usable {
        return Err(rejected());
    }
    if info
        .last_used_at
        .is_none_or(|last| at > last.unix_timestamp())
    {
        tokens::touch(&state.db, info.id, at).await?;
    }
    // A token never grants more than its member's current role, so demoting a member
    // also narrows their tokens.
    let permissions = info
        .permissions
        .iter()
        .copied()
        .filter(|permission| allows(record.role, *permission))
        .collect();
    Ok(Principal {
        account_id: record.account_id,
        member_id: info.member_id,
        role: record.role,
        permissions,
        credential: Credential::ApiToken(info.id),
        context,
    })
}
