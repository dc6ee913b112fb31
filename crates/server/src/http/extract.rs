//! Extractors whose rejections are problem documents: JSON bodies, path ids and query
//! strings. The body types reject unknown fields through `serde(deny_unknown_fields)`.

use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use sealpost_api::ProblemType;
use serde::de::DeserializeOwned;

use super::error::ApiError;

/// A JSON request body.
#[derive(Debug, Clone, Copy, Default)]
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(request, state).await {
            Ok(axum::Json(value)) => Ok(Self(value)),
            Err(rejection) => Err(json_rejection(&rejection)),
        }
    }
}

fn json_rejection(rejection: &JsonRejection) -> ApiError {
    match rejection.status().as_u16() {
        413 => ApiError::new(
            ProblemType::PayloadTooLarge,
            "the request body is larger than the service accepts",
        ),
        415 => ApiError::new(
            ProblemType::UnsupportedMediaType,
            "send the body as JSON with Content-Type: application/json",
        ),
        _ => ApiError::invalid(describe_body_error(&rejection.body_text())),
    }
}

/// Rewrites a JSON body rejection so that it names the field and what was expected but
/// never the value sent. serde's own messages quote the offending value (for a password
/// sent as a number, "invalid type: integer `123...`"), and a problem document must not
/// echo a secret back or into logs.
fn describe_body_error(text: &str) -> String {
    let detail = text
        .split_once("target type: ")
        .map_or(text, |(_, detail)| detail);
    let detail = detail
        .rsplit_once(" at line ")
        .map_or(detail, |(detail, _)| detail);
    for marker in [
        "invalid type: ",
        "invalid value: ",
        "unknown variant ",
        "invalid length ",
    ] {
        let Some(index) = detail.find(marker) else {
            continue;
        };
        let field = detail[..index].trim_end_matches(": ").trim();
        let expected = detail
            .rsplit_once(", expected ")
            .map_or("a different value", |(_, expected)| expected);
        return if field.is_empty() || field == "." {
            format!("the body has the wrong shape; expected {expected}")
        } else {
            format!("field `{field}` has the wrong type or value; expected {expected}")
        };
    }
    // The remaining messages ("missing field `x`", "unknown field `x`, expected one of
    // ...", syntax errors with their position) name fields and positions only.
    detail.to_owned()
}

/// A typed path parameter, such as a UUID id.
#[derive(Debug, Clone, Copy)]
pub struct ApiPath<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for ApiPath<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(value)) => Ok(Self(value)),
            Err(rejection) => Err(path_rejection(&rejection)),
        }
    }
}

fn path_rejection(rejection: &PathRejection) -> ApiError {
    ApiError::invalid(format!("invalid path parameter: {}", rejection.body_text()))
}

/// A typed query string.
#[derive(Debug, Clone, Copy)]
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(value)) => Ok(Self(value)),
            Err(rejection) => Err(query_rejection(&rejection)),
        }
    }
}

fn query_rejection(rejection: &QueryRejection) -> ApiError {
    ApiError::invalid(rejection.body_text())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use axum::http::header::CONTENT_TYPE;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct SignIn {
        email: String,
        password: String,
        role: Option<sealpost_api::Role>,
    }

    async fn reject(body: &str) -> String {
        let request = Request::builder()
            .method("POST")
            .header(CONTENT_TYPE, "application/json")
            .body(Body::from(body.to_owned()))
            .unwrap();
        let rejection = axum::Json::<SignIn>::from_request(request, &())
            .await
            .unwrap_err();
        describe_body_error(&rejection.body_text())
    }

    #[tokio::test]
    async fn body_errors_never_echo_values() {
        let cases = [
            (
                r#"{"email":"a@b.example","password":12345678901234567}"#,
                "12345678901234567",
                "field `password`",
            ),
            (
                r#"{"email":"a@b.example","password":"p","role":"hunter2-secret"}"#,
                "hunter2-secret",
                "field `role`",
            ),
            (r#"["correct horse battery"]"#, "correct horse", "expected"),
        ];
        for (body, secret, expected) in cases {
            let message = reject(body).await;
            assert!(!message.contains(secret), "{message}");
            assert!(message.contains(expected), "{message}");
        }
    }

    #[tokio::test]
    async fn body_errors_name_missing_and_unknown_fields() {
        let missing = reject(r#"{"email":"a@b.example"}"#).await;
        assert!(missing.contains("missing field `password`"), "{missing}");

        let unknown = reject(r#"{"email":"a","password":"p","admin":true}"#).await;
        assert!(unknown.contains("unknown field `admin`"), "{unknown}");
    }
}
