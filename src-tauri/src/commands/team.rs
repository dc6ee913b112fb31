//! Team administration: members, tokens, the upload key and the audit log.

use tauri::AppHandle;

use super::session::with_session;
use crate::service::team;
use crate::types::{
    AppResult, AuditPage, AuditRequest, AuditVerification, CreateTokenRequest, Invitation,
    InviteRequest, Member, SetRoleRequest, TokenCreated, TokenInfo, UploadKeyInfo,
};

/// Returns the account's members.
#[tauri::command]
pub async fn list_members(app: AppHandle) -> AppResult<Vec<Member>> {
    with_session(&app, |connection| async move {
        team::list_members(&connection).await
    })
    .await
}

/// Invites a member; the invitation token is returned once.
#[tauri::command]
pub async fn invite_member(app: AppHandle, request: InviteRequest) -> AppResult<Invitation> {
    with_session(&app, |connection| async move {
        team::invite(&connection, &request).await
    })
    .await
}

/// Changes a member's role.
#[tauri::command]
pub async fn set_member_role(app: AppHandle, request: SetRoleRequest) -> AppResult<Member> {
    with_session(&app, |connection| async move {
        team::set_role(&connection, &request).await
    })
    .await
}

/// Deactivates a member.
#[tauri::command]
pub async fn deactivate_member(app: AppHandle, member_id: String) -> AppResult<Member> {
    with_session(&app, |connection| async move {
        team::deactivate(&connection, &member_id).await
    })
    .await
}

/// Returns the member's API tokens.
#[tauri::command]
pub async fn list_tokens(app: AppHandle) -> AppResult<Vec<TokenInfo>> {
    with_session(&app, |connection| async move {
        team::list_tokens(&connection).await
    })
    .await
}

/// Creates an API token; the token is returned once.
#[tauri::command]
pub async fn create_token(app: AppHandle, request: CreateTokenRequest) -> AppResult<TokenCreated> {
    with_session(&app, |connection| async move {
        team::create_token(&connection, &request).await
    })
    .await
}

/// Rotates an API token; the new token is returned once.
#[tauri::command]
pub async fn rotate_token(app: AppHandle, token_id: String) -> AppResult<TokenCreated> {
    with_session(&app, |connection| async move {
        team::rotate_token(&connection, &token_id).await
    })
    .await
}

/// Revokes an API token.
#[tauri::command]
pub async fn revoke_token(app: AppHandle, token_id: String) -> AppResult<()> {
    with_session(&app, |connection| async move {
        team::revoke_token(&connection, &token_id).await
    })
    .await
}

/// Rotates the account's upload key.
#[tauri::command]
pub async fn rotate_upload_key(app: AppHandle) -> AppResult<UploadKeyInfo> {
    with_session(&app, |connection| async move {
        team::rotate_upload_key(&connection).await
    })
    .await
}

/// Returns a page of the audit log.
#[tauri::command]
pub async fn audit_list(app: AppHandle, request: AuditRequest) -> AppResult<AuditPage> {
    with_session(&app, |connection| async move {
        team::audit_list(&connection, &request).await
    })
    .await
}

/// Checks the audit log's hash links.
#[tauri::command]
pub async fn audit_verify(app: AppHandle) -> AppResult<AuditVerification> {
    with_session(&app, |connection| async move {
        team::audit_verify(&connection).await
    })
    .await
}
