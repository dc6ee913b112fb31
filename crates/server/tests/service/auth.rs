//! Sign-in, sessions, lockout and the second factor.

use std::time::Duration;

use reqwest::{Method, StatusCode};
use sealpost_api::Role;
use serde_json::json;

use crate::harness::TestServer;

#[tokio::test]
async fn sign_in_then_me_then_sign_out() {
    let server = TestServer::start("").await;
    let credential = server.credential("acme.example", Role::Marketer);
    let session = server
        .sign_in(&credential.email, &credential.password)
        .await;
    assert!(session.token.starts_with("sps_"));
    assert_eq!(session.idle_timeout_seconds, 1800);
    assert_eq!(session.member.role, Role::Marketer);

    let (status, me) = server
        .call(Method::GET, "/v1/me", Some(&session.token), None)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(me["account"]["name"], "Acme Mail");
    assert_eq!(me["role"], "marketer");
    assert_eq!(me["credential"], "session");

    let (status, _) = server
        .call(
            Method::DELETE,
            "/v1/sessions/current",
            Some(&session.token),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, problem) = server
        .call(Method::GET, "/v1/me", Some(&session.token), None)
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(problem["type"], "urn:sealpost:problem:unauthenticated");
    server.stop().await;
}

#[tokio::test]
async fn unknown_email_and_wrong_password_answer_alike() {
    let server = TestServer::start("").await;
    let known = &server.credential("acme.example", Role::Admin).email;
    let mut answers = Vec::new();
    for email in [known.as_str(), "nobody@acme.example"] {
        let body = json!({ "email": email, "password": "wrong password 123" });
        let (status, problem) = server
            .call(Method::POST, "/v1/sessions", None, Some(body))
            .await;
        answers.push((status, problem["type"].clone(), problem["detail"].clone()));
    }
    assert_eq!(answers[0].0, StatusCode::UNAUTHORIZED);
    assert_eq!(answers[0], answers[1]);
    server.stop().await;
}

#[tokio::test]
async fn missing_and_malformed_credentials_refused() {
    let server = TestServer::start("").await;
    let cases = [
        None,
        Some("sps_not-a-real-token"),
        Some("spt_nope"),
        Some("random"),
    ];
    for token in cases {
        let response = server.send(Method::GET, "/v1/me", token, None).await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{token:?}");
        assert_eq!(response.headers()["www-authenticate"], "Bearer");
        assert_eq!(
            response.headers()["content-type"],
            "application/problem+json"
        );
    }
    server.stop().await;
}

// Stored times are whole seconds, so the timeouts and waits in these tests leave a
// second or more of slack for a loaded machine.
#[tokio::test]
async fn idle_session_expires() {
    let server = TestServer::start(
        "[sessions]\nidle_timeout_seconds = 4\nabsolute_lifetime_seconds = 3600\n",
    )
    .await;
    let token = server.token_for("acme.example", Role::Support).await;
    let (status, _) = server.call(Method::GET, "/v1/me", Some(&token), None).await;
    assert_eq!(status, StatusCode::OK);
    tokio::time::sleep(Duration::from_millis(5100)).await;
    let (status, _) = server.call(Method::GET, "/v1/me", Some(&token), None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    server.stop().await;
}

#[tokio::test]
async fn session_ends_at_absolute_lifetime_despite_activity() {
    let server =
        TestServer::start("[sessions]\nidle_timeout_seconds = 5\nabsolute_lifetime_seconds = 6\n")
            .await;
    let token = server.token_for("acme.example", Role::Support).await;
    // Active every second for four seconds; the last use at about 4 s keeps the idle
    // limit (4 + 5 s) beyond the check at about 7 s, so only the absolute lifetime (6 s)
    // can end the session there.
    for _ in 0..5 {
        let (status, _) = server.call(Method::GET, "/v1/me", Some(&token), None).await;
        assert_eq!(status, StatusCode::OK);
        tokio::time::sleep(Duration::from_millis(1000)).await;
    }
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let (status, _) = server.call(Method::GET, "/v1/me", Some(&token), None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    server.stop().await;
}

#[tokio::test]
async fn lockout_locks_known_and_unknown_emails_alike() {
    let server = TestServer::start(
        "[lockout]\nmax_failures = 3\nbase_lock_seconds = 60\nmax_lock_seconds = 600\n",
    )
    .await;
    let credential = server.credential("globex.example", Role::Admin);
    for email in [credential.email.as_str(), "ghost@globex.example"] {
        for attempt in 1..=3 {
            let body = json!({ "email": email, "password": "definitely wrong" });
            let response = server
                .send(Method::POST, "/v1/sessions", None, Some(body))
                .await;
            let expected = if attempt < 3 {
                StatusCode::UNAUTHORIZED
            } else {
                StatusCode::TOO_MANY_REQUESTS
            };
            assert_eq!(response.status(), expected, "{email} attempt {attempt}");
        }
        let body = json!({ "email": email, "password": "another wrong one" });
        let response = server
            .send(Method::POST, "/v1/sessions", None, Some(body))
            .await;
        assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS, "{email}");
        let retry_after: u64 = response.headers()["retry-after"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!((1..=60).contains(&retry_after), "{retry_after}");
        let problem: serde_json::Value = response.json().await.unwrap();
        assert_eq!(problem["type"], "urn:sealpost:problem:sign-in-locked");
    }
    // Even the right password is refused while locked.
    let body = json!({ "email": credential.email, "password": credential.password });
    let (status, _) = server
        .call(Method::POST, "/v1/sessions", None, Some(body))
        .await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);

    // The lock raised an alert that the account's admin can read.
    let acme_admin = server.token_for("acme.example", Role::Admin).await;
    let (_, page) = server
        .call(
            Method::GET,
            "/v1/audit?action=alert.sign_in_locked",
            Some(&acme_admin),
            None,
        )
        .await;
    assert_eq!(
        page["entries"].as_array().unwrap().len(),
        0,
        "Acme must not see Globex alerts"
    );
    let entries = server.audit_entries("alert.sign_in_locked").await;
    assert_eq!(entries.len(), 2, "one lockout alert per email");
    server.stop().await;
}

#[tokio::test]
async fn deactivated_member_loses_session() {
    let server = TestServer::start("").await;
    let admin = server.token_for("acme.example", Role::Admin).await;
    let marketer = server.credential("acme.example", Role::Marketer);
    let session = server.sign_in(&marketer.email, &marketer.password).await;
    let path = format!("/v1/members/{}/deactivate", session.member.id);
    let (status, member) = server.call(Method::POST, &path, Some(&admin), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(member["active"], false);
    let (status, _) = server
        .call(Method::GET, "/v1/me", Some(&session.token), None)
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let body = json!({ "email": marketer.email, "password": marketer.password });
    let (status, _) = server
        .call(Method::POST, "/v1/sessions", None, Some(body))
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    server.stop().await;
}

#[tokio::test]
async fn reactivated_member_signs_in_again() {
    let server = TestServer::start("").await;
    let admin = server.token_for("acme.example", Role::Admin).await;
    let marketer = server.credential("acme.example", Role::Marketer);
    let old_session = server.sign_in(&marketer.email, &marketer.password).await;
    let member_path = format!("/v1/members/{}", old_session.member.id);
    let (status, _) = server
        .call(
            Method::POST,
            &format!("{member_path}/deactivate"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);

    // Only members:manage may reactivate.
    let support = server.token_for("acme.example", Role::Support).await;
    let reactivate = format!("{member_path}/reactivate");
    let (status, _) = server
        .call(Method::POST, &reactivate, Some(&support), None)
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let (status, member) = server
        .call(Method::POST, &reactivate, Some(&admin), None)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(member["active"], true);
    let entries = server.audit_entries("member.reactivated").await;
    assert_eq!(entries.len(), 1);

    // The session revoked at deactivation stays revoked; a new sign-in works.
    let (status, _) = server
        .call(Method::GET, "/v1/me", Some(&old_session.token), None)
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let new_session = server.sign_in(&marketer.email, &marketer.password).await;
    let (status, me) = server
        .call(Method::GET, "/v1/me", Some(&new_session.token), None)
        .await;
    assert_eq!(status, StatusCode::OK, "{me}");
    server.stop().await;
}

#[tokio::test]
async fn totp_enrolment_then_required_at_sign_in() {
    let server = TestServer::start("").await;
    let credential = server.credential("acme.example", Role::Admin);
    let token = server
        .sign_in(&credential.email, &credential.password)
        .await
        .token;
    let (status, enrolment) = server
        .call(Method::POST, "/v1/me/totp", Some(&token), None)
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let secret = enrolment["secret"].as_str().unwrap();
    let (status, _) = server
        .call(
            Method::POST,
            "/v1/me/totp/confirm",
            Some(&token),
            Some(json!({ "code": "000000" })),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let code = sealpost_server::totp::current_code(secret, &credential.email).unwrap();
    let (status, _) = server
        .call(
            Method::POST,
            "/v1/me/totp/confirm",
            Some(&token),
            Some(json!({ "code": code })),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);

    let body = json!({ "email": credential.email, "password": credential.password });
    let (status, problem) = server
        .call(Method::POST, "/v1/sessions", None, Some(body))
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(problem["type"], "urn:sealpost:problem:totp-required");

    // The code used for the confirmation cannot be used again.
    let body = json!({ "email": credential.email, "password": credential.password, "totp": code });
    let (status, problem) = server
        .call(Method::POST, "/v1/sessions", None, Some(body.clone()))
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{problem}");

    // The next step's code works once.
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let next = sealpost_server::totp::code_at(secret, &credential.email, now + 30).unwrap();
    let body = json!({ "email": credential.email, "password": credential.password, "totp": next });
    let (status, _) = server
        .call(Method::POST, "/v1/sessions", None, Some(body.clone()))
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, _) = server
        .call(Method::POST, "/v1/sessions", None, Some(body))
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // Requiring admin TOTP now works for this admin. A second admin without a factor
    // can then no longer sign in, while Globex's admin is unaffected.
    let support = server.credential("acme.example", Role::Support);
    let support_id = server
        .sign_in(&support.email, &support.password)
        .await
        .member
        .id;
    let path = format!("/v1/members/{support_id}");
    let (status, _) = server
        .call(
            Method::PATCH,
            &path,
            Some(&token),
            Some(json!({ "role": "admin" })),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, account) = server
        .call(
            Method::PATCH,
            "/v1/account",
            Some(&token),
            Some(json!({ "require_admin_totp": true })),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(account["require_admin_totp"], true);
    let body = json!({ "email": support.email, "password": support.password });
    let (status, problem) = server
        .call(Method::POST, "/v1/sessions", None, Some(body))
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(problem["type"], "urn:sealpost:problem:totp-required");
    server.token_for("globex.example", Role::Admin).await;
    server.stop().await;
}

#[tokio::test]
async fn admin_totp_requirement_needs_own_factor() {
    let server = TestServer::start("").await;
    let token = server.token_for("acme.example", Role::Admin).await;
    let (status, problem) = server
        .call(
            Method::PATCH,
            "/v1/account",
            Some(&token),
            Some(json!({ "require_admin_totp": true })),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{problem}");
    server.stop().await;
}

#[tokio::test]
async fn repeated_lockouts_grow_longer() {
    let server = TestServer::start(
        "[lockout]\nmax_failures = 2\nbase_lock_seconds = 1\nmax_lock_seconds = 600\n",
    )
    .await;
    let mut lock_lengths = Vec::new();
    for _ in 0..3 {
        let mut last = None;
        for _ in 0..2 {
            let body = json!({ "email": "admin@acme.example", "password": "wrong password 1" });
            last = Some(
                server
                    .send(Method::POST, "/v1/sessions", None, Some(body))
                    .await,
            );
        }
        let response = last.unwrap();
        assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
        let seconds: u64 = response.headers()["retry-after"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        lock_lengths.push(seconds);
        // Wait out the lock; stored times are whole seconds.
        tokio::time::sleep(Duration::from_millis(seconds * 1000 + 1100)).await;
    }
    assert_eq!(lock_lengths, [1, 2, 4]);
    let entries = server.audit_entries("alert.sign_in_locked").await;
    assert_eq!(entries.len(), 3);
    server.stop().await;
}
