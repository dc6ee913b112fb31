//! Signing in and out, and asking the service who the credential belongs to.

use reqwest::Method;
use sealpost_api::{Me, SessionCreated, SignInRequest};
use zeroize::Zeroizing;

use crate::connection::{Connection, ServerConfig};
use crate::credential::Credential;
use crate::error::ClientError;

/// Signs in with an email and password, and a second-factor code when the member has one.
///
/// A member with a second factor who sends no code gets [`ClientError::TotpRequired`]:
/// prompt for the code and call again with it. A wrong email, password or code is
/// [`ClientError::SignInFailed`].
pub async fn login(
    server: &ServerConfig,
    email: &str,
    password: &str,
    totp: Option<&str>,
) -> Result<(Connection, SessionCreated), ClientError> {
    let email = email.trim();
    if email.is_empty() {
        return Err(ClientError::InvalidInput {
            message: "the email address is empty; pass it with --email".to_owned(),
        });
    }
    if password.is_empty() {
        return Err(ClientError::InvalidInput {
            message: "the password is empty".to_owned(),
        });
    }
    let anonymous = Connection::new(server, Credential::None)?;
    // The request body is the only copy of the password that this function makes, so
    // wipe its serialized form once sent.
    let request = SignInRequest {
        email: email.to_owned(),
        password: password.to_owned(),
        totp: totp.map(|code| code.trim().to_owned()),
    };
    let body = Zeroizing::new(serde_json::to_vec(&request).map_err(|error| {
        ClientError::InvalidInput {
            message: format!("cannot encode the sign-in request: {error}"),
        }
    })?);
    drop(Zeroizing::new(request.password));
    let builder = anonymous
        .request(Method::POST, "/v1/sessions")
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .body(body.to_vec());
    let session: SessionCreated = anonymous.send_json(builder).await?;
    tracing::info!(member = %session.member.id, "signed in");
    let connection = anonymous.with_credential(Credential::from_token(&session.token));
    Ok((connection, session))
}

/// Ends the session on the service. An already expired session counts as signed out.
pub async fn logout(connection: &Connection) -> Result<(), ClientError> {
    if !matches!(connection.credential(), Credential::Session(_)) {
        return Err(ClientError::InvalidInput {
            message: "only a session can be signed out; revoke an API token with \
                      `sealpost tokens revoke ID` instead"
                .to_owned(),
        });
    }
    let builder = connection.request(Method::DELETE, "/v1/sessions/current");
    match connection.send_empty(builder).await {
        Ok(()) | Err(ClientError::SessionExpired) => Ok(()),
        Err(error) => Err(error),
    }
}

/// Fetches the member, account, role and permissions of the credential (`GET /v1/me`).
pub async fn whoami(connection: &Connection) -> Result<Me, ClientError> {
    connection
        .send_json(connection.request(Method::GET, "/v1/me"))
        .await
}
