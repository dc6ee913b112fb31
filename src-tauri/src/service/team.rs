//! Members, API tokens, the upload key and the audit log, for admins.

use reqwest::Method;
use sealpost_api::{
    ApiTokenCreated, ApiTokenInfo, ApiTokenList, ApiTokenRequest, AuditPage as WireAuditPage,
    InvitationCreated, InvitationRequest, MemberList, Permission, RoleChangeRequest,
    RotateTokenRequest, UploadKey,
};
use sealpost_client::Connection;

use super::{parse_id, rfc3339};
use crate::types::{
    AppError, AppResult, AuditEntry, AuditPage, AuditRequest, AuditVerification,
    CreateTokenRequest, Invitation, InviteRequest, Member, SetRoleRequest, TokenCreated, TokenInfo,
    UploadKeyInfo,
};

/// Entries read per audit page.
const AUDIT_PAGE: &str = "100";

/// Returns the account's members.
pub async fn list_members(connection: &Connection) -> AppResult<Vec<Member>> {
    let list: MemberList = connection
        .send_json(connection.request(Method::GET, "/v1/members"))
        .await?;
    Ok(list.members.into_iter().map(member).collect())
}

/// Invites someone; the returned token is shown once.
pub async fn invite(connection: &Connection, request: &InviteRequest) -> AppResult<Invitation> {
    let body = InvitationRequest {
        email: request.email.trim().to_owned(),
        role: request.role.into(),
    };
    let created: InvitationCreated = connection
        .send_json(
            connection
                .request(Method::POST, "/v1/invitations")
                .json(&body),
        )
        .await?;
    Ok(Invitation {
        id: created.id.to_string(),
        email: created.email.clone(),
        role: created.role.into(),
        token: created.token.clone(),
        expires_at: rfc3339(created.expires_at),
    })
}

/// Changes a member's role.
pub async fn set_role(connection: &Connection, request: &SetRoleRequest) -> AppResult<Member> {
    let id = parse_id("member id", &request.member_id)?;
    let body = RoleChangeRequest {
        role: request.role.into(),
    };
    let updated: sealpost_api::Member = connection
        .send_json(
            connection
                .request(Method::PATCH, &format!("/v1/members/{id}"))
                .json(&body),
        )
        .await?;
    Ok(member(updated))
}

/// Deactivates a member; their sessions and tokens stop working.
pub async fn deactivate(connection: &Connection, member_id: &str) -> AppResult<Member> {
    let id = parse_id("member id", member_id)?;
    let updated: sealpost_api::Member = connection
        .send_json(connection.request(Method::POST, &format!("/v1/members/{id}/deactivate")))
        .await?;
    Ok(member(updated))
}

/// Returns the member's own API tokens.
pub async fn list_tokens(connection: &Connection) -> AppResult<Vec<TokenInfo>> {
    let list: ApiTokenList = connection
        .send_json(connection.request(Method::GET, "/v1/tokens"))
        .await?;
    Ok(list.tokens.into_iter().map(token_info).collect())
}

/// Creates an API token with the given scopes.
pub async fn create_token(
    connection: &Connection,
    request: &CreateTokenRequest,
) -> AppResult<TokenCreated> {
    let permissions = request
        .scopes
        .iter()
        .map(|scope| {
            scope.parse::<Permission>().map_err(|_| {
                AppError::invalid_input(format!("{scope:?} is not a known permission"))
            })
        })
        .collect::<AppResult<Vec<_>>>()?;
    let body = ApiTokenRequest {
        name: request.name.trim().to_owned(),
        permissions,
        expires_in_days: request.expires_in_days,
    };
    let created: ApiTokenCreated = connection
        .send_json(connection.request(Method::POST, "/v1/tokens").json(&body))
        .await?;
    Ok(token_created(created))
}

/// Rotates a token: a new secret now, the old one working for the service's grace period.
pub async fn rotate_token(connection: &Connection, token_id: &str) -> AppResult<TokenCreated> {
    let id = parse_id("token id", token_id)?;
    let body = RotateTokenRequest {
        grace_period_seconds: None,
    };
    let created: ApiTokenCreated = connection
        .send_json(
            connection
                .request(Method::POST, &format!("/v1/tokens/{id}/rotate"))
                .json(&body),
        )
        .await?;
    Ok(token_created(created))
}

/// Revokes a token at once.
pub async fn revoke_token(connection: &Connection, token_id: &str) -> AppResult<()> {
    let id = parse_id("token id", token_id)?;
    connection
        .send_empty(connection.request(Method::DELETE, &format!("/v1/tokens/{id}")))
        .await?;
    Ok(())
}

/// Rotates the account's upload key; lists sealed from now on use the new key.
pub async fn rotate_upload_key(connection: &Connection) -> AppResult<UploadKeyInfo> {
    let key: UploadKey = connection
        .send_json(connection.request(Method::POST, "/v1/upload-key/rotate"))
        .await?;
    Ok(UploadKeyInfo {
        public_key: key.public_key,
        key_id: key.key_id,
        generation: key.generation,
        created_at: rfc3339(key.created_at),
    })
}

/// Returns one page of the audit log, newest first.
pub async fn audit_list(connection: &Connection, request: &AuditRequest) -> AppResult<AuditPage> {
    let mut query = vec![("limit", AUDIT_PAGE.to_owned())];
    if let Some(action) = non_empty(&request.action) {
        query.push(("action", action.to_owned()));
    }
    if let Some(member) = non_empty(&request.member) {
        query.push((
            "actor",
            format!("member:{}", parse_id("member id", member)?),
        ));
    }
    if let Some(from) = non_empty(&request.from) {
        query.push(("since", from.to_owned()));
    }
    if let Some(cursor) = non_empty(&request.cursor) {
        let before = cursor.parse::<i64>().map_err(|_| {
            AppError::invalid_input(format!("the audit cursor {cursor:?} is not a number"))
        })?;
        query.push(("before", before.to_string()));
    }
    // NOTE: the service filters by start time only, so `to` is not sent.
    let page: WireAuditPage = connection
        .send_json(connection.request(Method::GET, "/v1/audit").query(&query))
        .await?;
    Ok(AuditPage {
        items: page.entries.into_iter().map(audit_entry).collect(),
        next_cursor: page.next_before.map(|before| before.to_string()),
    })
}

/// Checks that each audit entry names the hash of the entry before it in the chain,
/// wherever both are visible (the chain may contain other accounts' entries in between).
///
/// NOTE: this checks the links between entries, not each entry's own hash, because the
/// hashes cover the service's canonical encoding. `sealpost-server audit verify`
/// recomputes every hash.
pub async fn audit_verify(connection: &Connection) -> AppResult<AuditVerification> {
    let mut entries = 0u64;
    let mut newer: Option<sealpost_api::AuditEntry> = None;
    let mut cursor: Option<i64> = None;
    loop {
        let mut query = vec![("limit", "200".to_owned())];
        if let Some(before) = cursor {
            query.push(("before", before.to_string()));
        }
        let page: WireAuditPage = connection
            .send_json(connection.request(Method::GET, "/v1/audit").query(&query))
            .await?;
        for entry in page.entries {
            entries += 1;
            if let Some(later) = &newer
                && later.seq == entry.seq + 1
                && later.prev_hash != entry.hash
            {
                return Ok(AuditVerification {
                    ok: false,
                    entries,
                    first_bad_entry: Some(later.seq as u64),
                });
            }
            newer = Some(entry);
        }
        match page.next_before {
            Some(before) => cursor = Some(before),
            None => break,
        }
    }
    Ok(AuditVerification {
        ok: true,
        entries,
        first_bad_entry: None,
    })
}

fn non_empty(value: &Option<String>) -> Option<&str> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|value| !value.is_empty())
}

fn member(wire: sealpost_api::Member) -> Member {
    Member {
        id: wire.id.to_string(),
        email: wire.email,
        name: wire.name,
        role: wire.role.into(),
        active: wire.active,
        totp_enabled: wire.totp_enabled,
        created_at: rfc3339(wire.created_at),
    }
}

fn token_info(wire: ApiTokenInfo) -> TokenInfo {
    TokenInfo {
        id: wire.id.to_string(),
        member_id: wire.member_id.to_string(),
        name: wire.name,
        permissions: wire.permissions.iter().map(ToString::to_string).collect(),
        created_at: rfc3339(wire.created_at),
        last_used_at: wire.last_used_at.map(rfc3339),
        expires_at: wire.expires_at.map(rfc3339),
        revoked_at: wire.revoked_at.map(rfc3339),
    }
}

fn token_created(created: ApiTokenCreated) -> TokenCreated {
    TokenCreated {
        token: created.token.clone(),
        info: token_info(created.info.clone()),
    }
}

fn audit_entry(wire: sealpost_api::AuditEntry) -> AuditEntry {
    AuditEntry {
        seq: wire.seq,
        at: rfc3339(wire.at),
        actor: wire.actor,
        action: wire.action,
        target: wire.target,
        outcome: wire.outcome,
        client_address: wire.client_address,
        details: wire.details,
        request_id: wire.request_id,
    }
}
