//! The permission matrix, tenancy and member management.

use reqwest::{Method, StatusCode};
use sealpost_api::{Permission, Role};
use sealpost_server::permissions::{allows, permissions_of};
use serde_json::{Value, json};

use crate::harness::TestServer;

/// One route guarded by one permission, with a body that passes validation.
struct Guarded {
    method: Method,
    path: &'static str,
    body: Option<Value>,
    permission: Permission,
}

fn guarded_routes() -> Vec<Guarded> {
    vec![
        Guarded {
            method: Method::GET,
            path: "/v1/members",
            body: None,
            permission: Permission::MembersRead,
        },
        Guarded {
            method: Method::GET,
            path: "/v1/audit",
            body: None,
            permission: Permission::AuditRead,
        },
        Guarded {
            method: Method::GET,
            path: "/v1/account/tokens",
            body: None,
            permission: Permission::TokensManage,
        },
        Guarded {
            method: Method::GET,
            path: "/v1/tokens",
            body: None,
            permission: Permission::TokensOwn,
        },
        Guarded {
            method: Method::POST,
            path: "/v1/tokens",
            body: Some(json!({ "name": "matrix", "permissions": ["tokens:own"] })),
            permission: Permission::TokensOwn,
        },
        Guarded {
            method: Method::POST,
            path: "/v1/invitations",
            body: Some(json!({ "email": "matrix-invitee@acme.example", "role": "support" })),
            permission: Permission::MembersManage,
        },
        Guarded {
            method: Method::PATCH,
            path: "/v1/account",
            body: Some(json!({ "require_admin_totp": false })),
            permission: Permission::AccountManage,
        },
    ]
}

#[tokio::test]
async fn each_role_gets_exactly_its_matrix() {
    let server = TestServer::start("").await;
    for role in Role::ALL {
        let token = server.token_for("acme.example", role).await;
        let (status, me) = server.call(Method::GET, "/v1/me", Some(&token), None).await;
        assert_eq!(status, StatusCode::OK);
        let granted: Vec<Permission> = serde_json::from_value(me["permissions"].clone()).unwrap();
        assert_eq!(granted, permissions_of(role), "{role}");

        for route in guarded_routes() {
            let (status, body) = server
                .call(
                    route.method.clone(),
                    route.path,
                    Some(&token),
                    route.body.clone(),
                )
                .await;
            if allows(role, route.permission) {
                assert!(
                    status.is_success(),
                    "{role} {} {}: {status} {body}",
                    route.method,
                    route.path
                );
            } else {
                assert_eq!(
                    status,
                    StatusCode::FORBIDDEN,
                    "{role} {} {}: {body}",
                    route.method,
                    route.path
                );
                assert_eq!(body["type"], "urn:sealpost:problem:forbidden");
            }
        }
        // Role changes need members:manage.
        let member_id = me["member"]["id"].as_str().unwrap();
        let path = format!("/v1/members/{member_id}");
        let (status, _) = server
            .call(
                Method::PATCH,
                &path,
                Some(&token),
                Some(json!({ "role": role })),
            )
            .await;
        let expected = if allows(role, Permission::MembersManage) {
            StatusCode::OK
        } else {
            StatusCode::FORBIDDEN
        };
        assert_eq!(status, expected, "{role} changing a role");
    }
    server.stop().await;
}

#[tokio::test]
async fn other_accounts_objects_answer_404() {
    let server = TestServer::start("").await;
    let acme = server.token_for("acme.example", Role::Admin).await;
    let globex_marketer = server.credential("globex.example", Role::Marketer);
    let globex_session = server
        .sign_in(&globex_marketer.email, &globex_marketer.password)
        .await;
    let globex_member = globex_session.member.id;
    let (status, token) = server
        .call(
            Method::POST,
            "/v1/tokens",
            Some(&globex_session.token),
            Some(json!({ "name": "globex", "permissions": ["tokens:own"] })),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let globex_token_id = token["info"]["id"].as_str().unwrap().to_owned();
    let random = uuid::Uuid::new_v4();

    let cases = [
        (Method::GET, format!("/v1/members/{globex_member}"), None),
        (
            Method::PATCH,
            format!("/v1/members/{globex_member}"),
            Some(json!({ "role": "admin" })),
        ),
        (
            Method::POST,
            format!("/v1/members/{globex_member}/deactivate"),
            None,
        ),
        (
            Method::POST,
            format!("/v1/members/{globex_member}/reactivate"),
            None,
        ),
        (
            Method::DELETE,
            format!("/v1/tokens/{globex_token_id}"),
            None,
        ),
        (
            Method::POST,
            format!("/v1/tokens/{globex_token_id}/rotate"),
            Some(json!({})),
        ),
    ];
    for (method, path, body) in cases {
        let (status, problem) = server
            .call(method.clone(), &path, Some(&acme), body.clone())
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{method} {path}: {problem}");
        // Same answer as for an id that exists nowhere.
        let unknown = path
            .replace(&globex_member.to_string(), &random.to_string())
            .replace(&globex_token_id, &random.to_string());
        let (status, other) = server
            .call(method.clone(), &unknown, Some(&acme), body)
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert_eq!(problem["detail"], other["detail"], "{method} {path}");
    }
    // Nothing changed in Globex.
    let (status, me) = server
        .call(Method::GET, "/v1/me", Some(&globex_session.token), None)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(me["role"], "marketer");
    let (_, members) = server
        .call(Method::GET, "/v1/members", Some(&acme), None)
        .await;
    for member in members["members"].as_array().unwrap() {
        assert!(
            member["email"].as_str().unwrap().ends_with("@acme.example"),
            "{member}"
        );
    }
    server.stop().await;
}

#[tokio::test]
async fn last_admin_keeps_admin_role() {
    let server = TestServer::start("").await;
    let session = {
        let credential = server.credential("acme.example", Role::Admin);
        server
            .sign_in(&credential.email, &credential.password)
            .await
    };
    let path = format!("/v1/members/{}", session.member.id);
    let (status, problem) = server
        .call(
            Method::PATCH,
            &path,
            Some(&session.token),
            Some(json!({ "role": "marketer" })),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{problem}");
    let (status, _) = server
        .call(
            Method::POST,
            &format!("{path}/deactivate"),
            Some(&session.token),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);

    // With a second admin, stepping down works.
    let support = server.credential("acme.example", Role::Support);
    let support_id = server
        .sign_in(&support.email, &support.password)
        .await
        .member
        .id;
    let (status, _) = server
        .call(
            Method::PATCH,
            &format!("/v1/members/{support_id}"),
            Some(&session.token),
            Some(json!({ "role": "admin" })),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, member) = server
        .call(
            Method::PATCH,
            &path,
            Some(&session.token),
            Some(json!({ "role": "marketer" })),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(member["role"], "marketer");
    let entries = server.audit_entries("member.role_changed").await;
    assert_eq!(entries.len(), 2);
    server.stop().await;
}

#[tokio::test]
async fn invitation_is_single_use() {
    let server = TestServer::start("").await;
    let admin = server.token_for("acme.example", Role::Admin).await;
    let (status, invitation) = server
        .call(
            Method::POST,
            "/v1/invitations",
            Some(&admin),
            Some(json!({ "email": "New.Person@Acme.example", "role": "marketer" })),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let token = invitation["token"].as_str().unwrap();
    assert_eq!(invitation["email"], "new.person@acme.example");

    let weak = json!({ "token": token, "name": "New Person", "password": "short" });
    let (status, _) = server
        .call(Method::POST, "/v1/invitations/accept", None, Some(weak))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let body =
        json!({ "token": token, "name": "New Person", "password": "a long enough password" });
    let (status, member) = server
        .call(
            Method::POST,
            "/v1/invitations/accept",
            None,
            Some(body.clone()),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{member}");
    assert_eq!(member["role"], "marketer");
    let (status, _) = server
        .call(Method::POST, "/v1/invitations/accept", None, Some(body))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let session = server
        .sign_in("new.person@acme.example", "a long enough password")
        .await;
    assert_eq!(
        session.member.account_id.to_string(),
        member["account_id"].as_str().unwrap()
    );
    server.stop().await;
}

#[tokio::test]
async fn malformed_path_id_is_400() {
    let server = TestServer::start("").await;
    let admin = server.token_for("acme.example", Role::Admin).await;
    let (status, problem) = server
        .call(Method::GET, "/v1/members/not-a-uuid", Some(&admin), None)
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(problem["type"], "urn:sealpost:problem:invalid-request");
    server.stop().await;
}

#[tokio::test]
async fn invitation_hides_other_accounts_emails() {
    let server = TestServer::start("").await;
    let globex_admin = server.token_for("globex.example", Role::Admin).await;
    let acme_marketer = server
        .credential("acme.example", Role::Marketer)
        .email
        .clone();
    let globex_marketer = server
        .credential("globex.example", Role::Marketer)
        .email
        .clone();

    // Another account's member looks like any new address to this admin.
    let (status, invitation) = server
        .call(
            Method::POST,
            "/v1/invitations",
            Some(&globex_admin),
            Some(json!({ "email": acme_marketer.to_uppercase(), "role": "marketer" })),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{invitation}");

    // Accepting it cannot take over or duplicate the existing member.
    let token = invitation["token"].as_str().unwrap();
    let body = json!({ "token": token, "name": "Someone", "password": "a long enough password" });
    let (status, _) = server
        .call(Method::POST, "/v1/invitations/accept", None, Some(body))
        .await;
    assert_eq!(status, StatusCode::CONFLICT);

    // A member of the admin's own account is still reported.
    let (status, problem) = server
        .call(
            Method::POST,
            "/v1/invitations",
            Some(&globex_admin),
            Some(json!({ "email": globex_marketer, "role": "marketer" })),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{problem}");
    server.stop().await;
}
