//! API tokens.

use reqwest::Method;
use sealpost_api::{
    ApiTokenCreated, ApiTokenList, ApiTokenRequest, Permission, RotateTokenRequest,
};
use uuid::Uuid;

use crate::connection::Connection;
use crate::error::ClientError;

/// Lists the caller's own tokens, or with `all_in_account` every token in the account
/// (needs `tokens:manage`).
pub async fn list(
    connection: &Connection,
    all_in_account: bool,
) -> Result<ApiTokenList, ClientError> {
    let path = if all_in_account {
        "/v1/account/tokens"
    } else {
        "/v1/tokens"
    };
    connection
        .send_json(connection.request(Method::GET, path))
        .await
}

/// Creates a token with the given scopes. The token text is in the result only.
pub async fn create(
    connection: &Connection,
    name: &str,
    permissions: Vec<Permission>,
    expires_in_days: Option<u32>,
) -> Result<ApiTokenCreated, ClientError> {
    if name.trim().is_empty() {
        return Err(ClientError::InvalidInput {
            message: "a token needs a name, such as \"nightly export\"; pass it with --name"
                .to_owned(),
        });
    }
    if permissions.is_empty() {
        return Err(ClientError::InvalidInput {
            message: "a token needs at least one scope; pass --scope, such as \
                      --scope uploads:read_own"
                .to_owned(),
        });
    }
    let body = ApiTokenRequest {
        name: name.trim().to_owned(),
        permissions,
        expires_in_days,
    };
    let builder = connection.request(Method::POST, "/v1/tokens").json(&body);
    connection.send_json(builder).await
}

/// Replaces a token; the old one keeps working for the grace period.
pub async fn rotate(
    connection: &Connection,
    id: Uuid,
    grace_period_seconds: Option<u32>,
) -> Result<ApiTokenCreated, ClientError> {
    let builder = connection
        .request(Method::POST, &format!("/v1/tokens/{id}/rotate"))
        .json(&RotateTokenRequest {
            grace_period_seconds,
        });
    connection.send_json(builder).await
}

/// Revokes a token at once.
pub async fn revoke(connection: &Connection, id: Uuid) -> Result<(), ClientError> {
    connection
        .send_empty(connection.request(Method::DELETE, &format!("/v1/tokens/{id}")))
        .await
}
