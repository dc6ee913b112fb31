//! Members and invitations.

use reqwest::Method;
use sealpost_api::{
    InvitationCreated, InvitationRequest, Member, MemberList, Role, RoleChangeRequest,
};
use uuid::Uuid;

use crate::connection::Connection;
use crate::error::ClientError;

/// Lists the account's members, oldest first.
pub async fn list(connection: &Connection) -> Result<MemberList, ClientError> {
    connection
        .send_json(connection.request(Method::GET, "/v1/members"))
        .await
}

/// Invites a person by email; the returned one-time token goes to the invitee.
pub async fn invite(
    connection: &Connection,
    email: &str,
    role: Role,
) -> Result<InvitationCreated, ClientError> {
    let email = email.trim();
    if !email.contains('@') {
        return Err(ClientError::InvalidInput {
            message: format!("invalid email address {email:?}: expected name@example.com"),
        });
    }
    let body = InvitationRequest {
        email: email.to_owned(),
        role,
    };
    let builder = connection
        .request(Method::POST, "/v1/invitations")
        .json(&body);
    connection.send_json(builder).await
}

/// Changes a member's role.
pub async fn set_role(
    connection: &Connection,
    member: Uuid,
    role: Role,
) -> Result<Member, ClientError> {
    let builder = connection
        .request(Method::PATCH, &format!("/v1/members/{member}"))
        .json(&RoleChangeRequest { role });
    connection.send_json(builder).await
}

/// Deactivates a member; their sessions and tokens stop working.
pub async fn deactivate(connection: &Connection, member: Uuid) -> Result<Member, ClientError> {
    let path = format!("/v1/members/{member}/deactivate");
    connection
        .send_json(connection.request(Method::POST, &path))
        .await
}

/// Reactivates a deactivated member; their old sessions and tokens stay revoked.
pub async fn reactivate(connection: &Connection, member: Uuid) -> Result<Member, ClientError> {
    let path = format!("/v1/members/{member}/reactivate");
    connection
        .send_json(connection.request(Method::POST, &path))
        .await
}
