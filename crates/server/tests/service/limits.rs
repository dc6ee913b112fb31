//! Rate limits, body limits, strict bodies and error documents.

use reqwest::{Method, StatusCode};
use sealpost_api::Role;
use serde_json::json;

use crate::harness::{TestServer, on_postgres, run_sql};

#[tokio::test]
async fn address_limit_answers_429() {
    let server =
        TestServer::start("[limits]\nper_address_per_minute = 1\nper_address_burst = 3\n").await;
    let mut statuses = Vec::new();
    for _ in 0..4 {
        let body = json!({ "email": "x@example.com", "password": "wrong password" });
        let response = server
            .send(Method::POST, "/v1/sessions", None, Some(body))
            .await;
        statuses.push(response.status());
        if response.status() == StatusCode::TOO_MANY_REQUESTS {
            let retry_after: u64 = response.headers()["retry-after"]
                .to_str()
                .unwrap()
                .parse()
                .unwrap();
            assert!((1..=60).contains(&retry_after), "{retry_after}");
            assert!(
                response.headers()["ratelimit"]
                    .to_str()
                    .unwrap()
                    .contains("r=0")
            );
            assert!(
                response.headers()["ratelimit-policy"]
                    .to_str()
                    .unwrap()
                    .contains("q=1")
            );
            let problem: serde_json::Value = response.json().await.unwrap();
            assert_eq!(problem["type"], "urn:sealpost:problem:rate-limited");
        }
    }
    assert_eq!(statuses[..3], [StatusCode::UNAUTHORIZED; 3]);
    assert_eq!(statuses[3], StatusCode::TOO_MANY_REQUESTS);
    // Health checks are not limited.
    let (status, _) = server.call(Method::GET, "/healthz", None, None).await;
    assert_eq!(status, StatusCode::OK);
    server.stop().await;
}

#[tokio::test]
async fn credential_limit_answers_429() {
    let server =
        TestServer::start("[limits]\nper_credential_per_minute = 1\nper_credential_burst = 2\n")
            .await;
    let token = server.token_for("acme.example", Role::Marketer).await;
    let other = server.token_for("acme.example", Role::Support).await;
    for _ in 0..2 {
        let (status, _) = server.call(Method::GET, "/v1/me", Some(&token), None).await;
        assert_eq!(status, StatusCode::OK);
    }
    let response = server.send(Method::GET, "/v1/me", Some(&token), None).await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(response.headers().contains_key("retry-after"));
    // Another credential from the same address is unaffected.
    let (status, _) = server.call(Method::GET, "/v1/me", Some(&other), None).await;
    assert_eq!(status, StatusCode::OK);
    server.stop().await;
}

#[tokio::test]
async fn unknown_fields_rejected() {
    let server = TestServer::start("").await;
    let admin = server.token_for("acme.example", Role::Admin).await;
    let cases = [
        (
            "/v1/sessions",
            json!({ "email": "a@b.c", "password": "x", "remember_me": true }),
        ),
        (
            "/v1/tokens",
            json!({ "name": "n", "permissions": ["tokens:own"], "owner": "someone" }),
        ),
        (
            "/v1/invitations",
            json!({ "email": "z@acme.example", "role": "support", "account_id": "x" }),
        ),
        (
            "/v1/tokens",
            json!({ "name": "n", "permissions": ["tokens:everything"] }),
        ),
    ];
    for (path, body) in cases {
        let (status, problem) = server
            .call(Method::POST, path, Some(&admin), Some(body.clone()))
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{path} {body}: {problem}");
        assert_eq!(problem["type"], "urn:sealpost:problem:invalid-request");
        assert!(
            problem["request_id"]
                .as_str()
                .is_some_and(|id| !id.is_empty())
        );
    }
    server.stop().await;
}

#[tokio::test]
async fn oversized_and_non_json_bodies_rejected() {
    let server = TestServer::start("[limits]\nmax_body_bytes = 2048\n").await;
    let big = json!({ "email": "a@b.c", "password": "p".repeat(4096) });
    let (status, problem) = server
        .call(Method::POST, "/v1/sessions", None, Some(big))
        .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{problem}");
    assert_eq!(problem["type"], "urn:sealpost:problem:payload-too-large");

    let response = server
        .client
        .post(format!("{}/v1/sessions", server.base))
        .header("content-type", "text/plain")
        .body("email=a")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    server.stop().await;
}

#[tokio::test]
async fn internal_error_reveals_nothing() {
    let server = TestServer::start("").await;
    let admin = server.token_for("acme.example", Role::Admin).await;
    // Break the database under the running service, as a failed disk or a bad manual
    // change would.
    let drop = if on_postgres() {
        "DROP TABLE api_tokens CASCADE"
    } else {
        "DROP TABLE api_tokens"
    };
    run_sql(&server, &[drop]).await.unwrap();
    let response = server
        .send(Method::GET, "/v1/tokens", Some(&admin), None)
        .await;
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(
        response.headers()["content-type"],
        "application/problem+json"
    );
    let header_id = response.headers()["x-request-id"]
        .to_str()
        .unwrap()
        .to_owned();
    let problem: serde_json::Value = response.json().await.unwrap();
    assert_eq!(problem["type"], "urn:sealpost:problem:internal");
    assert_eq!(problem["request_id"], header_id.as_str());
    assert!(problem.get("detail").is_none(), "{problem}");
    let text = problem.to_string().to_lowercase();
    for internal in ["api_tokens", "sql", "table", "sqlite", "postgres"] {
        assert!(!text.contains(internal), "{internal} leaked: {problem}");
    }
    server.stop().await;
}
