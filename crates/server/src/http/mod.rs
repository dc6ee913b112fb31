//! The HTTP API: routes, middleware and the OpenAPI description.

pub mod audit;
pub mod auth;
pub mod campaigns;
pub mod error;
pub mod extract;
pub mod history;
pub mod me;
pub mod members;
pub mod middleware;
pub mod sessions;
pub mod tokens;
pub mod tus;
mod tus_append;
pub mod tus_headers;
pub mod upload_key;

use axum::Router;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::StatusCode;
use axum::routing::{get, patch, post};
use sealpost_api::{Health, Problem, ProblemType};
use utoipa::OpenApi;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};

use crate::state::SharedState;
use error::ApiError;

/// The OpenAPI description, generated from the handlers and the `sealpost-api` types.
#[derive(Debug, OpenApi)]
#[openapi(
    info(title = "Sealpost platform API", description = "Accounts, members, credentials, upload keys and the audit log."),
    paths(
        sessions::sign_in, sessions::sign_out, me::me, me::enrol_totp, me::confirm_totp,
        members::list, members::get, members::change_role, members::deactivate, members::reactivate,
        members::invite, members::accept, members::update_account,
        tokens::create, tokens::list_own, tokens::list_account, tokens::revoke, tokens::rotate,
        upload_key::current, upload_key::rotate, upload_key::retire,
        campaigns::create_campaign, campaigns::list_campaigns, campaigns::get_campaign,
        campaigns::change_status, history::list_uploads, history::get_upload, history::events,
        tus::options, tus::create, tus::head, tus::patch, tus::delete,
        audit::read, healthz, readyz,
    ),
    components(schemas(Problem)),
    modifiers(&BearerScheme, &CommonProblems),
)]
pub struct ApiDoc;

struct BearerScheme;

impl utoipa::Modify for BearerScheme {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// Documents the error responses that middleware can send for any operation, so that
/// the description lists every status the service really sends.
struct CommonProblems;

impl utoipa::Modify for CommonProblems {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};

        let problem = |description: &str| {
            ResponseBuilder::new()
                .description(description)
                .content(
                    sealpost_api::PROBLEM_CONTENT_TYPE,
                    ContentBuilder::new()
                        .schema(Some(Ref::from_schema_name("Problem")))
                        .build(),
                )
                .build()
        };
        for (path, item) in &mut openapi.paths.paths {
            let operations = [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.patch,
                &mut item.head,
                &mut item.options,
            ];
            for operation in operations.into_iter().flatten() {
                let has_body = operation.request_body.is_some();
                let has_input =
                    has_body || operation.parameters.as_ref().is_some_and(|p| !p.is_empty());
                let authenticated = operation.security.as_ref().is_some_and(|s| !s.is_empty());
                let responses = &mut operation.responses.responses;
                let mut add = |status: &str, description: &str| {
                    responses
                        .entry(status.to_owned())
                        .or_insert_with(|| problem(description).into());
                };
                if has_input {
                    add("400", "Malformed body or parameter");
                }
                if authenticated {
                    add("401", "No valid credential");
                }
                if has_body {
                    add("413", "Body larger than the service accepts");
                    add("415", "Body is not JSON");
                }
                if path.starts_with("/v1/") {
                    add("429", "Rate limited; see Retry-After");
                }
                add(
                    "500",
                    "The service failed; the request id identifies the logged cause",
                );
            }
        }
    }
}

/// Liveness: the process responds.
#[utoipa::path(get, path = "/healthz", tag = "health", responses((status = 200, description = "Alive", body = Health)))]
pub async fn healthz() -> axum::Json<Health> {
    axum::Json(Health {
        status: "ok".to_owned(),
    })
}

/// Readiness: the database responds.
#[utoipa::path(
    get, path = "/readyz", tag = "health",
    responses(
        (status = 200, description = "Ready", body = Health),
        (status = 503, description = "The database does not answer", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn readyz(State(state): State<SharedState>) -> Result<axum::Json<Health>, ApiError> {
    match state.db.ping().await {
        Ok(()) => Ok(axum::Json(Health {
            status: "ok".to_owned(),
        })),
        Err(error) => {
            tracing::warn!(error = %error, "readiness check failed");
            Err(ApiError::new(
                ProblemType::Unavailable,
                "the database does not answer",
            ))
        }
    }
}

async fn openapi_json() -> axum::Json<utoipa::openapi::OpenApi> {
    axum::Json(ApiDoc::openapi())
}

async fn not_found() -> StatusCode {
    StatusCode::NOT_FOUND
}

/// Builds the application with all middleware.
pub fn router(state: SharedState) -> Router {
    let max_body = state.config.limits.max_body_bytes;
    let v1 = Router::new()
        .route("/v1/sessions", post(sessions::sign_in))
        .route(
            "/v1/sessions/current",
            axum::routing::delete(sessions::sign_out),
        )
        .route("/v1/me", get(me::me))
        .route("/v1/me/totp", post(me::enrol_totp))
        .route("/v1/me/totp/confirm", post(me::confirm_totp))
        .route("/v1/members", get(members::list))
        .route(
            "/v1/members/{member_id}",
            get(members::get).patch(members::change_role),
        )
        .route(
            "/v1/members/{member_id}/deactivate",
            post(members::deactivate),
        )
        .route(
            "/v1/members/{member_id}/reactivate",
            post(members::reactivate),
        )
        .route("/v1/invitations", post(members::invite))
        .route("/v1/invitations/accept", post(members::accept))
        .route("/v1/account", patch(members::update_account))
        .route("/v1/account/tokens", get(tokens::list_account))
        .route("/v1/tokens", get(tokens::list_own).post(tokens::create))
        .route(
            "/v1/tokens/{token_id}",
            axum::routing::delete(tokens::revoke),
        )
        .route("/v1/tokens/{token_id}/rotate", post(tokens::rotate))
        .route("/v1/upload-key", get(upload_key::current))
        .route("/v1/upload-key/rotate", post(upload_key::rotate))
        .route("/v1/upload-key/{key_id}/retire", post(upload_key::retire))
        .route(
            "/v1/campaigns",
            get(campaigns::list_campaigns).post(campaigns::create_campaign),
        )
        .route(
            "/v1/campaigns/{campaign_id}",
            get(campaigns::get_campaign).patch(campaigns::change_status),
        )
        .route("/v1/uploads", get(history::list_uploads))
        // HEAD, PATCH and DELETE on this path are the tus routes below; GET stays here,
        // behind authentication, the rate limits and the buffering layers.
        .route("/v1/uploads/{upload_id}", get(history::get_upload))
        .route("/v1/uploads/{upload_id}/events", get(history::events))
        .route("/v1/audit", get(audit::read))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            middleware::limit_by_address,
        ));
    // The upload routes stream their bodies, so they sit outside the buffering and
    // body-size layers; the tus headers bound their sizes instead.
    let uploads = Router::new()
        .route("/v1/uploads", post(tus::create).options(tus::options))
        .route(
            "/v1/uploads/{upload_id}",
            axum::routing::head(tus::head)
                .patch(tus::patch)
                .delete(tus::delete),
        )
        .layer(axum::middleware::from_fn(tus::tus_resumable))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            middleware::limit_by_address,
        ));
    Router::new()
        .merge(v1)
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/openapi.json", get(openapi_json))
        .fallback(not_found)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            middleware::buffer_body,
        ))
        .layer(DefaultBodyLimit::max(max_body))
        .layer(tower_http::limit::RequestBodyLimitLayer::new(max_body))
        .merge(uploads.layer(DefaultBodyLimit::disable()))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            middleware::render_problems,
        ))
        .layer(axum::middleware::from_fn(middleware::request_context))
        .with_state(state)
}
