//! The account's upload public key and its rotation.

use axum::extract::State;
use axum::http::StatusCode;
use sealpost_api::{Permission, Problem, ProblemType, UploadKey};

use super::auth::Principal;
use super::error::ApiError;
use crate::audit::Outcome;
use crate::db::to_time;
use crate::state::SharedState;
use crate::upload_keys::{PublicUploadKey, UploadKeyError};

fn body(key: &PublicUploadKey) -> UploadKey {
    UploadKey {
        public_key: key.recipient.to_string(),
        key_id: key.recipient.key_id().to_string(),
        generation: key.generation,
        created_at: to_time(key.created_at),
    }
}

impl From<UploadKeyError> for ApiError {
    fn from(error: UploadKeyError) -> Self {
        match error {
            UploadKeyError::Concurrent => ApiError::new(
                ProblemType::Conflict,
                "another rotation of the upload key finished first; read the current key",
            ),
            other => ApiError::internal(other),
        }
    }
}

/// Returns the public key to seal uploads to, creating the account's first key pair on
/// first use.
#[utoipa::path(
    get, path = "/v1/upload-key", tag = "uploads",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The current upload public key", body = UploadKey),
        (status = 403, description = "Lacks uploads:create", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn current(
    State(state): State<SharedState>,
    principal: Principal,
) -> Result<axum::Json<UploadKey>, ApiError> {
    principal.require(Permission::UploadsCreate)?;
    let (key, created) = state.upload_keys.current(principal.account_id).await?;
    if created {
        let event = principal
            .event("upload_key.created", Outcome::Success)
            .target(format!("upload_key:{}", key.recipient.key_id()));
        state.audit.append(event).await?;
    }
    Ok(axum::Json(body(&key)))
}

/// Replaces the current upload key pair with a new one. Uploads sealed to older keys
/// still open, since their private keys stay stored.
#[utoipa::path(
    post, path = "/v1/upload-key/rotate", tag = "uploads",
    security(("bearer" = [])),
    responses(
        (status = 201, description = "The new current upload public key", body = UploadKey),
        (status = 403, description = "Lacks account:manage", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A concurrent rotation finished first", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn rotate(
    State(state): State<SharedState>,
    principal: Principal,
) -> Result<(StatusCode, axum::Json<UploadKey>), ApiError> {
    principal.require(Permission::AccountManage)?;
    let (previous, next) = state.upload_keys.rotate(principal.account_id).await?;
    let event = principal
        .event("upload_key.rotated", Outcome::Success)
        .target(format!("upload_key:{}", next.recipient.key_id()))
        .details(serde_json::json!({
            "previous_key_id": previous.recipient.key_id().to_string(),
            "generation": next.generation,
        }));
    state.audit.append(event).await?;
    Ok((StatusCode::CREATED, axum::Json(body(&next))))
}
