//! The account's upload public key and its rotation.

use axum::extract::State;
use axum::http::StatusCode;
use sealpost_api::{Permission, Problem, ProblemType, UploadKey};

use super::auth::Principal;
use super::error::ApiError;
use super::extract::ApiPath;
use crate::audit::Outcome;
use crate::db::to_time;
use crate::state::SharedState;
use crate::upload_keys::{PublicUploadKey, RetireOutcome, UploadKeyError};

fn body(key: &PublicUploadKey) -> UploadKey {
    UploadKey {
        public_key: key.recipient.to_string(),
        key_id: key.recipient.key_id().to_string(),
        generation: key.generation,
        created_at: to_time(key.created_at),
        retired_at: None,
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

/// Retires an older upload key, so that uploads sealed to it are rejected from now on.
/// The current key cannot be retired: rotate first, then retire the previous key.
/// Retiring a retired key again changes nothing.
#[utoipa::path(
    post, path = "/v1/upload-key/{key_id}/retire", tag = "uploads",
    security(("bearer" = [])),
    params(("key_id" = String, Path, pattern = "^[0-9a-f]{64}$", description = "The key id: 64 lowercase hex digits")),
    responses(
        (status = 200, description = "The retired key", body = UploadKey),
        (status = 403, description = "Lacks account:manage", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such key in the account", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The key is the current one; rotate first", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn retire(
    State(state): State<SharedState>,
    principal: Principal,
    ApiPath(key_id): ApiPath<String>,
) -> Result<axum::Json<UploadKey>, ApiError> {
    principal.require(Permission::AccountManage)?;
    let well_formed = key_id.len() == 64
        && key_id
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    if !well_formed {
        return Err(ApiError::invalid(
            "the key id must be 64 lowercase hex digits, as `key_id` in GET /v1/upload-key",
        ));
    }

    let (key, retired_at) = match state
        .upload_keys
        .retire(principal.account_id, &key_id)
        .await?
    {
        RetireOutcome::NotFound => return Err(ApiError::not_found("upload key")),
        RetireOutcome::Current => {
            return Err(ApiError::new(
                ProblemType::Conflict,
                "this is the current upload key; rotate with POST /v1/upload-key/rotate first, then retire it",
            ));
        }
        RetireOutcome::AlreadyRetired(key, at) => (key, at),
        RetireOutcome::Retired(key, at) => {
            let event = principal
                .event("upload_key.retired", Outcome::Success)
                .target(format!("upload_key:{key_id}"))
                .details(serde_json::json!({ "generation": key.generation }));
            state.audit.append(event).await?;
            (key, at)
        }
    };
    let mut retired = body(&key);
    retired.retired_at = Some(to_time(retired_at));
    Ok(axum::Json(retired))
}
