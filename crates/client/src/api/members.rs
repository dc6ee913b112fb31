//! Members and invitations.

use reqwest::Method;
use sealpost_api::{
    AcceptInvitationRequest, InvitationCreated, InvitationRequest, Member, MemberList, Role,
    RoleChangeRequest,
};
use uuid::Uuid;
use zeroize::Zeroizing;

use crate::connection::{Connection, ServerConfig};
use crate::credential::Credential;
use crate::error::ClientError;

/// The prefix of invitation tokens, as `members invite` prints them.
const INVITATION_PREFIX: &str = "spi_";

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

/// Accepts an invitation without signing in: creates the invited member with `name`
/// and `password` and returns it. The member then signs in with the invitation's email.
///
/// An unknown, used or expired token is [`ClientError::NotFound`]; a password the
/// service rejects (fewer than 12 characters, or more than 1024 bytes) is
/// [`ClientError::InvalidRequest`].
pub async fn accept_invitation(
    server: &ServerConfig,
    token: &str,
    name: &str,
    password: &str,
) -> Result<Member, ClientError> {
    let token = token.trim();
    if !token.starts_with(INVITATION_PREFIX) {
        return Err(ClientError::InvalidInput {
            message: format!(
                "that is not an invitation token: invitation tokens start with \
                 {INVITATION_PREFIX}; copy the whole token the admin sent you"
            ),
        });
    }

    let name = name.trim();
    if name.is_empty() {
        return Err(ClientError::InvalidInput {
            message: "the name is empty; pass the name other members see with --name".to_owned(),
        });
    }
    if password.is_empty() {
        return Err(ClientError::InvalidInput {
            message: "the password is empty".to_owned(),
        });
    }

    let anonymous = Connection::new(server, Credential::None)?;
    let request = AcceptInvitationRequest {
        token: token.to_owned(),
        name: name.to_owned(),
        password: password.to_owned(),
    };
    // Wipe the serialized body and the request's copies of the secrets once encoded.
    let body = Zeroizing::new(serde_json::to_vec(&request).map_err(|error| {
        ClientError::InvalidInput {
            message: format!("cannot encode the invitation request: {error}"),
        }
    })?);
    drop(Zeroizing::new(request.token));
    drop(Zeroizing::new(request.password));

    let builder = anonymous
        .request(Method::POST, "/v1/invitations/accept")
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .body(body.to_vec());
    let member: Member = anonymous.send_json(builder).await?;
    tracing::info!(member = %member.id, "accepted an invitation");
    Ok(member)
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
