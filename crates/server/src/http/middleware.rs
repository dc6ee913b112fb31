//! Middleware: request ids, problem documents, security headers and the per-address
//! rate limit.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderName, HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sealpost_api::{PROBLEM_CONTENT_TYPE, ProblemType};
use tracing::Instrument;
use uuid::Uuid;

use super::error::{ApiError, ProblemParts, kind_for_status};
use crate::state::SharedState;

/// The request id and client address of the current request.
#[derive(Debug, Clone)]
pub struct RequestContext {
    /// A fresh UUID per request; a client's own `x-request-id` is ignored so that log
    /// lines cannot be forged or correlated across requests by the client.
    pub request_id: String,
    /// The TCP peer address.
    // NOTE: behind a reverse proxy this is the proxy's address; forwarded headers are
    // not trusted because no trusted-proxy list is configurable yet.
    pub client_address: IpAddr,
}

static REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Assigns the request id, opens the request's log span and logs the outcome.
pub async fn request_context(mut request: Request, next: Next) -> Response {
    let request_id = Uuid::new_v4().to_string();
    let client_address = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::from([0, 0, 0, 0]), |ConnectInfo(address)| {
            address.ip()
        });
    request.extensions_mut().insert(RequestContext {
        request_id: request_id.clone(),
        client_address,
    });
    // The path only, never the query string, which may carry filter values.
    let span = tracing::info_span!(
        "request",
        request_id = %request_id,
        method = %request.method(),
        path = %request.uri().path(),
        client_address = %client_address,
    );
    async move {
        let started = std::time::Instant::now();
        let mut response = next.run(request).await;
        if let Ok(value) = HeaderValue::from_str(&request_id) {
            response.headers_mut().insert(REQUEST_ID.clone(), value);
        }
        tracing::info!(
            status = response.status().as_u16(),
            elapsed_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
            "request finished"
        );
        response
    }
    .instrument(span)
    .await
}

/// Writes problem documents for error responses and adds the security headers to every
/// response.
pub async fn render_problems(
    State(state): State<SharedState>,
    request: Request,
    next: Next,
) -> Response {
    let request_id = request
        .extensions()
        .get::<RequestContext>()
        .map(|context| context.request_id.clone())
        .unwrap_or_default();
    let http1 = request.version() <= axum::http::Version::HTTP_11;
    let mut response = next.run(request).await;
    let status = response.status();
    // A 413 may leave the body unread, so HTTP/1.1 cannot reuse the connection; saying
    // so stops the client from sending its next request into a closing connection.
    if status == axum::http::StatusCode::PAYLOAD_TOO_LARGE && http1 {
        response
            .headers_mut()
            .insert(header::CONNECTION, HeaderValue::from_static("close"));
    }
    if status.is_client_error() || status.is_server_error() {
        let parts = response.extensions_mut().remove::<ProblemParts>();
        let (kind, detail) = match parts {
            Some(parts) => {
                if let Some(internal) = &parts.internal {
                    tracing::error!(request_id = %request_id, error = format!("{internal:#}"), "request failed");
                }
                (parts.kind, parts.detail)
            }
            None => {
                let kind = kind_for_status(status);
                if status.is_server_error() {
                    tracing::error!(request_id = %request_id, status = status.as_u16(), "request failed without a described error");
                }
                (kind, default_detail(kind))
            }
        };
        let problem = kind.problem(detail, request_id);
        let body = serde_json::to_vec(&problem).unwrap_or_default();
        let headers = std::mem::take(response.headers_mut());
        response = (status, body).into_response();
        // Keep Retry-After, WWW-Authenticate, RateLimit and similar headers.
        for (name, value) in &headers {
            if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
                response.headers_mut().append(name, value.clone());
            }
        }
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(PROBLEM_CONTENT_TYPE),
        );
    }
    add_security_headers(&state, &mut response);
    response
}

fn default_detail(kind: ProblemType) -> Option<String> {
    match kind {
        ProblemType::NotFound => Some("no such route or method; see /openapi.json".to_owned()),
        ProblemType::PayloadTooLarge => {
            Some("the request body is larger than the service accepts".to_owned())
        }
        _ => None,
    }
}

fn add_security_headers(state: &SharedState, response: &mut Response) {
    let headers = response.headers_mut();
    let hsts = format!(
        "max-age={}; includeSubDomains",
        state.config.tls.hsts_max_age_seconds
    );
    if let Ok(value) = HeaderValue::from_str(&hsts) {
        headers.insert(header::STRICT_TRANSPORT_SECURITY, value);
    }
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'"),
    );
    headers.insert(
        HeaderName::from_static("cross-origin-resource-policy"),
        HeaderValue::from_static("same-origin"),
    );
}

/// Applies the per-address limit.
pub async fn limit_by_address(
    State(state): State<SharedState>,
    request: Request,
    next: Next,
) -> Response {
    let address = request
        .extensions()
        .get::<RequestContext>()
        .map_or(IpAddr::from([0, 0, 0, 0]), |context| context.client_address);
    if let Err(limited) = state.limits.check_address(address) {
        tracing::info!(client_address = %address, "rate limit reached for address");
        return ApiError::limited(limited).into_response();
    }
    next.run(request).await
}

/// Reads the whole request body (at most `limits.max_body_bytes`) before any handler
/// runs. A handler that rejects a request early, for example for a missing credential,
/// would otherwise leave the body unread, and HTTP/1.1 then closes the connection under
/// a client that may already be sending its next request on it.
pub async fn buffer_body(
    State(state): State<SharedState>,
    request: Request,
    next: Next,
) -> Response {
    let limit = state.config.limits.max_body_bytes;
    let (parts, body) = request.into_parts();
    match axum::body::to_bytes(body, limit).await {
        Ok(bytes) => {
            next.run(Request::from_parts(parts, axum::body::Body::from(bytes)))
                .await
        }
        Err(error) => {
            let too_large =
                std::iter::successors(Some(&error as &dyn std::error::Error), |e| e.source())
                    .any(|e| e.is::<http_body_util::LengthLimitError>());
            if too_large {
                ApiError::new(
                    ProblemType::PayloadTooLarge,
                    "the request body is larger than the service accepts",
                )
                .into_response()
            } else {
                tracing::debug!(error = %error, "reading the request body failed");
                ApiError::invalid("the request body could not be read").into_response()
            }
        }
    }
}
