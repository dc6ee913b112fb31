//! Upload intake over tus 1.0 (<https://tus.io/protocols/resumable-upload>): the core
//! protocol with the creation, creation-with-upload, checksum, termination and
//! expiration extensions.
//!
//! Written here rather than taken from a generic tus server because each request must
//! be authorised per member, recorded in the upload's timeline and audit log, and
//! streamed into this service's [`crate::blob::BlobStore`].

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sealpost_api::{Permission, Problem, ProblemType};
use uuid::Uuid;

use super::auth::Principal;
use super::error::ApiError;
use super::extract::ApiPath;
use super::tus_headers::{Checksum, UploadMetadata, http_date, parse_checksum, parse_metadata};
use crate::audit::Outcome;
use crate::db::now;
use crate::state::SharedState;
use crate::store::uploads::{self, UploadRecord};

const TUS_VERSION: &str = "1.0.0";
const EXTENSIONS: &str = "creation,creation-with-upload,checksum,termination,expiration";
const OFFSET_CONTENT_TYPE: &str = "application/offset+octet-stream";

/// Adds `Tus-Resumable` to every response of the upload routes.
pub async fn tus_resumable(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    response
        .headers_mut()
        .insert("tus-resumable", HeaderValue::from_static(TUS_VERSION));
    response
}

fn header_str<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|value| value.to_str().ok())
}

/// Fails with 412 unless the client speaks tus 1.0.0.
fn require_version(headers: &HeaderMap) -> Result<(), ApiError> {
    if header_str(headers, "tus-resumable") == Some(TUS_VERSION) {
        Ok(())
    } else {
        Err(ApiError::new(
            ProblemType::UnsupportedTusVersion,
            "send `Tus-Resumable: 1.0.0`; it is the only tus version served",
        ))
    }
}

fn parse_u64(headers: &HeaderMap, name: &str) -> Result<Option<u64>, ApiError> {
    header_str(headers, name)
        .map(|text| {
            text.parse::<u64>()
                .map_err(|_| ApiError::invalid(format!("`{name}` must be a non-negative integer")))
        })
        .transpose()
}

/// Describes the protocol version, extensions and limits.
#[utoipa::path(
    options, path = "/v1/uploads", tag = "uploads",
    responses(
        (status = 204, description = "The tus version, extensions and limits", headers(
            ("Tus-Resumable" = String, description = "Always `1.0.0`"),
            ("Tus-Version" = String, description = "The protocol versions served: `1.0.0`"),
            ("Tus-Extension" = String, description = "`creation,creation-with-upload,checksum,termination,expiration`"),
            ("Tus-Checksum-Algorithm" = String, description = "`sha256,sha1`"),
            ("Tus-Max-Size" = u64, description = "The largest `Upload-Length` accepted, in bytes"),
        )),
    )
)]
pub async fn options(State(state): State<SharedState>) -> Response {
    let mut response = StatusCode::NO_CONTENT.into_response();
    let headers = response.headers_mut();
    headers.insert("tus-version", HeaderValue::from_static(TUS_VERSION));
    headers.insert("tus-extension", HeaderValue::from_static(EXTENSIONS));
    headers.insert(
        "tus-checksum-algorithm",
        HeaderValue::from_static("sha256,sha1"),
    );
    headers.insert(
        "tus-max-size",
        HeaderValue::from(state.config.uploads.max_size_bytes),
    );
    response
}

/// Creates an upload, and stores the body too when one is sent (creation-with-upload):
/// the first bytes as `Content-Type: application/offset+octet-stream`.
///
/// The description leaves the body and the `Tus-Resumable` requirement out of the
/// schema, because OpenAPI fuzzers cannot send `application/offset+octet-stream` and
/// treat the protocol's 412 as an undocumented rejection.
#[utoipa::path(
    post, path = "/v1/uploads", tag = "uploads",
    security(("bearer" = [])),
    params(
        ("Tus-Resumable" = Option<String>, Header, nullable = false, example = "1.0.0", description = "Required: `1.0.0`, the only version served, else 412"),
        ("Upload-Length" = String, Header, pattern = "^[0-9]{1,19}$", description = "The size of the whole upload in bytes, at most `Tus-Max-Size`"),
        ("Upload-Metadata" = Option<String>, Header, nullable = false, description = "Comma-separated `KEY BASE64VALUE` pairs; keys `campaign` (a campaign id of your account), `fingerprint` (at most 128 bytes) and `filename` (at most 255 bytes)"),
        ("Upload-Checksum" = Option<String>, Header, nullable = false, description = "`sha256 BASE64` or `sha1 BASE64` of the body sent with the creation"),
    ),
    responses(
        (status = 201, description = "Created", headers(
            ("Location" = String, description = "The upload's path, `/v1/uploads/{upload_id}`"),
            ("Upload-Offset" = u64, description = "The bytes stored so far"),
            ("Upload-Expires" = Option<String>, description = "When an unfinished upload is removed, as an HTTP date"),
            ("Tus-Resumable" = String, description = "Always `1.0.0`"),
        )),
        (status = 403, description = "Lacks uploads:create", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "`Tus-Resumable` is not `1.0.0`", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "`Upload-Length` above `Tus-Max-Size`, or a body past it", body = Problem, content_type = "application/problem+json"),
        (status = 460, description = "The body does not match `Upload-Checksum`", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create(
    State(state): State<SharedState>,
    principal: Principal,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    principal.require(Permission::UploadsCreate)?;
    if headers.contains_key("upload-defer-length") {
        return Err(ApiError::invalid(
            "`Upload-Defer-Length` is not supported; send `Upload-Length`",
        ));
    }
    let length = parse_u64(&headers, "upload-length")?
        .ok_or_else(|| ApiError::invalid("`Upload-Length` is required"))?;
    // Malformed headers get their 400 before the version check's 412.
    require_version(&headers)?;
    let max = state.config.uploads.max_size_bytes;
    if length > max {
        return Err(ApiError::new(
            ProblemType::PayloadTooLarge,
            format!("the upload has {length} bytes; the most this service accepts is {max}"),
        ));
    }
    let metadata = parse_metadata(header_str(&headers, "upload-metadata"))
        .map_err(|problem| ApiError::invalid(problem.to_string()))?;
    let campaign_id = campaign_of(&state, &principal, &metadata).await?;
    let checksum = checksum_of(&headers)?;
    let at = now();
    let expires_at = at.saturating_add_unsigned(state.config.uploads.expire_seconds);
    let record = UploadRecord {
        id: Uuid::new_v4(),
        account_id: principal.account_id,
        owner_id: principal.member_id,
        campaign_id,
        fingerprint: metadata.fingerprint.clone(),
        length: i64::try_from(length)
            .map_err(|_| ApiError::invalid("`Upload-Length` is too large"))?,
        offset: 0,
        state: "receiving".to_owned(),
        created_at: at,
        expires_at: Some(expires_at),
    };
    uploads::create(&state.db, &record).await?;
    // The empty part exists from creation, so a later PATCH at offset 0 resumes it.
    let mut part = state
        .blobs
        .append_at(record.id, 0)
        .await
        .map_err(ApiError::internal)?;
    part.sync().await.map_err(ApiError::internal)?;
    drop(part);
    let request_id = principal.context.request_id.clone();
    uploads::add_event(
        &state.db,
        record.id,
        "created",
        Some(&request_id),
        serde_json::json!({ "length": length, "campaign": campaign_id }),
    )
    .await?;
    let event = principal
        .event("upload.created", Outcome::Success)
        .target(format!("upload:{}", record.id))
        .details(serde_json::json!({ "length": length }));
    state.audit.append(event).await?;
    let address = principal.context.client_address.to_string();
    let detected = state
        .alerts
        .after_upload_created(principal.account_id, &address, &request_id)
        .await;
    if let Err(error) = detected {
        tracing::error!(error = %error, request_id = %request_id, "the upload-volume alert detector failed");
    }

    let offset = if header_str(&headers, "content-type") == Some(OFFSET_CONTENT_TYPE) {
        let content_length = parse_u64(&headers, "content-length")?;
        super::tus_append::append(&state, &principal, &record, content_length, checksum, body)
            .await?
    } else {
        0
    };
    let mut response = StatusCode::CREATED.into_response();
    let out = response.headers_mut();
    let location = format!("/v1/uploads/{}", record.id);
    out.insert(
        header::LOCATION,
        HeaderValue::from_str(&location).map_err(ApiError::internal)?,
    );
    out.insert("upload-offset", HeaderValue::from(offset));
    if offset < length {
        insert_expires(out, expires_at)?;
    }
    Ok(response)
}

async fn campaign_of(
    state: &SharedState,
    principal: &Principal,
    metadata: &UploadMetadata,
) -> Result<Option<Uuid>, ApiError> {
    let Some(campaign) = metadata.campaign else {
        return Ok(None);
    };
    match uploads::campaign_status(&state.db, principal.account_id, campaign)
        .await?
        .as_deref()
    {
        None => Err(ApiError::invalid(
            "the campaign chosen for this upload is not one of your account's campaigns; \
             choose one from the campaign list or create a new one",
        )),
        // A submitted list has gone to print and an archived campaign is closed, so a new
        // upload there would be silently ignored by whoever works from the campaign.
        Some(status @ ("submitted" | "archived")) => Err(ApiError::new(
            ProblemType::Conflict,
            format!(
                "the campaign is {status} and takes no new uploads; choose another campaign or create a new one"
            ),
        )),
        Some(_) => Ok(Some(campaign)),
    }
}

fn checksum_of(headers: &HeaderMap) -> Result<Option<Checksum>, ApiError> {
    let Some(value) = headers.get("upload-checksum") else {
        return Ok(None);
    };
    let text = value
        .to_str()
        .map_err(|_| ApiError::invalid("`Upload-Checksum` is not valid text"))?;
    parse_checksum(text)
        .map(Some)
        .map_err(|problem| ApiError::invalid(problem.to_string()))
}

fn insert_expires(headers: &mut HeaderMap, expires_at: i64) -> Result<(), ApiError> {
    let date = http_date(expires_at).map_err(ApiError::internal)?;
    headers.insert(
        "upload-expires",
        HeaderValue::from_str(&date).map_err(ApiError::internal)?,
    );
    Ok(())
}

/// Finds an upload the caller may write to: only its creator's own. Anything else is a
/// 404; an upload that expired or was terminated is a 410.
pub(crate) async fn writable(
    state: &SharedState,
    principal: &Principal,
    id: Uuid,
) -> Result<UploadRecord, ApiError> {
    principal.require(Permission::UploadsCreate)?;
    let record = uploads::get(&state.db, principal.account_id, id)
        .await?
        .filter(|record| record.owner_id == principal.member_id)
        .ok_or_else(|| ApiError::not_found("upload"))?;
    if record.state == "terminated" || record.state == "expired" {
        return Err(ApiError::new(
            ProblemType::Gone,
            format!("the upload was {}; create a new one", record.state),
        ));
    }
    Ok(record)
}

/// Reports the bytes stored durably, so the client knows where to resume.
#[utoipa::path(
    head, path = "/v1/uploads/{upload_id}", tag = "uploads",
    security(("bearer" = [])),
    params(
        ("upload_id" = Uuid, Path, description = "The upload id"),
        ("Tus-Resumable" = Option<String>, Header, nullable = false, example = "1.0.0", description = "Required: `1.0.0`, the only version served, else 412"),
    ),
    responses(
        (status = 200, description = "The upload's offset and length", headers(
            ("Upload-Offset" = u64, description = "The bytes stored durably: resume from here"),
            ("Upload-Length" = u64, description = "The size of the whole upload"),
            ("Upload-Expires" = Option<String>, description = "When an unfinished upload is removed, as an HTTP date"),
            ("Tus-Resumable" = String, description = "Always `1.0.0`"),
        )),
        (status = 403, description = "Lacks uploads:create"),
        (status = 404, description = "No such upload of the caller's"),
        (status = 410, description = "The upload was terminated or expired"),
        (status = 412, description = "`Tus-Resumable` is not `1.0.0`"),
    )
)]
pub async fn head(
    State(state): State<SharedState>,
    principal: Principal,
    headers: HeaderMap,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Response, ApiError> {
    require_version(&headers)?;
    let record = writable(&state, &principal, id).await?;
    let mut response = StatusCode::OK.into_response();
    let out = response.headers_mut();
    out.insert("upload-offset", HeaderValue::from(record.offset));
    out.insert("upload-length", HeaderValue::from(record.length));
    out.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let (Some(expires_at), "receiving") = (record.expires_at, record.state.as_str()) {
        insert_expires(out, expires_at)?;
    }
    Ok(response)
}

/// Appends the body, sent as `Content-Type: application/offset+octet-stream`, at
/// `Upload-Offset`.
#[utoipa::path(
    patch, path = "/v1/uploads/{upload_id}", tag = "uploads",
    security(("bearer" = [])),
    params(
        ("upload_id" = Uuid, Path, description = "The upload id"),
        ("Tus-Resumable" = Option<String>, Header, nullable = false, example = "1.0.0", description = "Required: `1.0.0`, the only version served, else 412"),
        ("Upload-Offset" = String, Header, pattern = "^[0-9]{1,19}$", description = "The offset this body starts at; must equal the stored offset"),
        ("Upload-Checksum" = Option<String>, Header, nullable = false, description = "`sha256 BASE64` or `sha1 BASE64` of this body"),
    ),
    responses(
        (status = 204, description = "Stored", headers(
            ("Upload-Offset" = u64, description = "The new offset"),
            ("Upload-Expires" = Option<String>, description = "When an unfinished upload is removed, as an HTTP date"),
            ("Tus-Resumable" = String, description = "Always `1.0.0`"),
        )),
        (status = 403, description = "Lacks uploads:create", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such upload of the caller's", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "The body is not `application/offset+octet-stream`", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`Upload-Offset` differs from the stored offset, the upload is complete, or another request is writing it", body = Problem, content_type = "application/problem+json"),
        (status = 410, description = "The upload was terminated or expired", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "`Tus-Resumable` is not `1.0.0`", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "The body goes past `Upload-Length`", body = Problem, content_type = "application/problem+json"),
        (status = 460, description = "The body does not match `Upload-Checksum`; its bytes are discarded", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn patch(
    State(state): State<SharedState>,
    principal: Principal,
    headers: HeaderMap,
    ApiPath(id): ApiPath<Uuid>,
    body: Body,
) -> Result<Response, ApiError> {
    let offset = parse_u64(&headers, "upload-offset")?
        .ok_or_else(|| ApiError::invalid("`Upload-Offset` is required"))?;
    require_version(&headers)?;
    let record = writable(&state, &principal, id).await?;
    if header_str(&headers, "content-type") != Some(OFFSET_CONTENT_TYPE) {
        return Err(ApiError::new(
            ProblemType::UnsupportedMediaType,
            format!("a PATCH body must have `Content-Type: {OFFSET_CONTENT_TYPE}`"),
        ));
    }
    let checksum = checksum_of(&headers)?;
    if record.state != "receiving" || i64::try_from(offset).ok() != Some(record.offset) {
        return Err(ApiError::new(
            ProblemType::Conflict,
            format!(
                "`Upload-Offset` is {offset} but the service holds {} bytes; send HEAD and resume from there",
                record.offset
            ),
        ));
    }
    let content_length = parse_u64(&headers, "content-length")?;
    let new_offset =
        super::tus_append::append(&state, &principal, &record, content_length, checksum, body)
            .await?;
    let mut response = StatusCode::NO_CONTENT.into_response();
    let out = response.headers_mut();
    out.insert("upload-offset", HeaderValue::from(new_offset));
    if let (Some(expires_at), true) = (record.expires_at, new_offset < record.length.unsigned_abs())
    {
        insert_expires(out, expires_at)?;
    }
    Ok(response)
}

/// Terminates an unfinished upload and deletes its bytes.
#[utoipa::path(
    delete, path = "/v1/uploads/{upload_id}", tag = "uploads",
    security(("bearer" = [])),
    params(
        ("upload_id" = Uuid, Path, description = "The upload id"),
        ("Tus-Resumable" = Option<String>, Header, nullable = false, example = "1.0.0", description = "Required: `1.0.0`, the only version served, else 412"),
    ),
    responses(
        (status = 204, description = "Terminated", headers(
            ("Tus-Resumable" = String, description = "Always `1.0.0`"),
        )),
        (status = 403, description = "Lacks uploads:create", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such upload of the caller's", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The upload is complete, or another request is writing it", body = Problem, content_type = "application/problem+json"),
        (status = 410, description = "The upload was already terminated or expired", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "`Tus-Resumable` is not `1.0.0`", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn delete(
    State(state): State<SharedState>,
    principal: Principal,
    headers: HeaderMap,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<StatusCode, ApiError> {
    require_version(&headers)?;
    let record = writable(&state, &principal, id).await?;
    let _writing = super::tus_append::WriteGuard::take(&state, id)?;
    if !uploads::transition(&state.db, id, "receiving", "terminated").await? {
        return Err(ApiError::new(
            ProblemType::Conflict,
            format!(
                "the upload is {} and can no longer be terminated",
                record.state
            ),
        ));
    }
    state.blobs.remove(id).await.map_err(ApiError::internal)?;
    let request_id = principal.context.request_id.clone();
    uploads::add_event(
        &state.db,
        id,
        "terminated",
        Some(&request_id),
        serde_json::json!({ "offset": record.offset }),
    )
    .await?;
    let event = principal
        .event("upload.deleted", Outcome::Success)
        .target(format!("upload:{id}"))
        .details(serde_json::json!({ "reason": "terminated" }));
    state.audit.append(event).await?;
    Ok(StatusCode::NO_CONTENT)
}
