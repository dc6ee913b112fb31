//! One campaign with its uploads, and its status changes, for each role.

use std::collections::HashSet;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use reqwest::{Method, StatusCode};
use sealpost_api::Role;
use serde_json::{Value, json};

use crate::harness::TestServer;
use crate::history::upload;

async fn create_campaign(server: &TestServer, token: &str, name: &str) -> String {
    let (status, campaign) = server
        .call(
            Method::POST,
            "/v1/campaigns",
            Some(token),
            Some(json!({ "name": name })),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{campaign}");
    campaign["id"].as_str().unwrap().to_owned()
}

fn upload_ids(detail: &Value) -> HashSet<String> {
    detail["uploads"]
        .as_array()
        .unwrap()
        .iter()
        .map(|upload| upload["id"].as_str().unwrap().to_owned())
        .collect()
}

async fn set_status(
    server: &TestServer,
    token: &str,
    campaign: &str,
    status: &str,
) -> (StatusCode, Value) {
    server
        .call(
            Method::PATCH,
            &format!("/v1/campaigns/{campaign}"),
            Some(token),
            Some(json!({ "status": status })),
        )
        .await
}

#[tokio::test]
async fn campaign_lists_uploads_by_role() {
    let server = TestServer::start("").await;
    let marketer = server.token_for("acme.example", Role::Marketer).await;
    let admin = server.token_for("acme.example", Role::Admin).await;
    let support = server.token_for("acme.example", Role::Support).await;
    let stranger = server.token_for("globex.example", Role::Admin).await;
    let campaign = create_campaign(&server, &marketer, "Autumn mailing").await;
    let admins_campaign = create_campaign(&server, &admin, "Admin's mailing").await;
    let own = upload(&server, &marketer, Some(&campaign), b"name\nAda\n").await;
    let by_admin = upload(&server, &admin, Some(&campaign), b"name\nGrace\n").await;
    let elsewhere = upload(&server, &marketer, None, b"name\nLin\n").await;
    let path = format!("/v1/campaigns/{campaign}");

    let (status, detail) = server.call(Method::GET, &path, Some(&marketer), None).await;
    assert_eq!(status, StatusCode::OK, "{detail}");
    assert_eq!(detail["campaign"]["name"], "Autumn mailing");
    assert_eq!(detail["campaign"]["status"], "draft");
    assert_eq!(upload_ids(&detail), HashSet::from([own.clone()]));
    assert_eq!(detail["more_uploads"], false);

    let both = HashSet::from([own.clone(), by_admin.clone()]);
    let (status, detail) = server.call(Method::GET, &path, Some(&admin), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(upload_ids(&detail), both);
    assert!(!upload_ids(&detail).contains(&elsewhere));
    let (status, detail) = server.call(Method::GET, &path, Some(&support), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(upload_ids(&detail), both);

    let (status, _) = server.call(Method::GET, &path, Some(&stranger), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = server
        .call(
            Method::GET,
            &format!("/v1/campaigns/{admins_campaign}"),
            Some(&marketer),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = server
        .call(Method::GET, "/v1/campaigns/nope", Some(&admin), None)
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) = server.call(Method::GET, &path, None, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    server.stop().await;
}

#[tokio::test]
async fn campaign_status_follows_lifecycle() {
    let server = TestServer::start("").await;
    let marketer = server.token_for("acme.example", Role::Marketer).await;
    let admin = server.token_for("acme.example", Role::Admin).await;
    let campaign = create_campaign(&server, &marketer, "Winter mailing").await;

    let (status, body) = set_status(&server, &marketer, &campaign, "submitted").await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(
        body["detail"],
        "a draft campaign cannot become submitted; it can become ready or archived"
    );
    let (status, body) = set_status(&server, &marketer, &campaign, "ready").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "ready");
    let (status, body) = set_status(&server, &marketer, &campaign, "ready").await;
    assert_eq!(
        status,
        StatusCode::OK,
        "setting the same status again: {body}"
    );
    let (status, _) = set_status(&server, &marketer, &campaign, "submitted").await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = set_status(&server, &marketer, &campaign, "draft").await;
    assert_eq!(status, StatusCode::CONFLICT);

    // An admin may change a marketer's campaign.
    let (status, body) = set_status(&server, &admin, &campaign, "archived").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = set_status(&server, &marketer, &campaign, "ready").await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(
        body["detail"],
        "the campaign is archived and can no longer change status"
    );
    let (_, detail) = server
        .call(
            Method::GET,
            &format!("/v1/campaigns/{campaign}"),
            Some(&marketer),
            None,
        )
        .await;
    assert_eq!(detail["campaign"]["status"], "archived");

    let changes = server.audit_entries("campaign.status_changed").await;
    assert_eq!(changes.len(), 3, "one entry per real change");
    let last: Value = serde_json::from_str(changes[2].details.as_deref().unwrap()).unwrap();
    assert_eq!(last["from"], "submitted");
    assert_eq!(last["to"], "archived");
    server.stop().await;
}

#[tokio::test]
async fn campaign_status_needs_owner_or_admin() {
    let server = TestServer::start("").await;
    let marketer = server.token_for("acme.example", Role::Marketer).await;
    let admin = server.token_for("acme.example", Role::Admin).await;
    let support = server.token_for("acme.example", Role::Support).await;
    let stranger = server.token_for("globex.example", Role::Admin).await;
    let campaign = create_campaign(&server, &marketer, "Summer mailing").await;
    let admins_campaign = create_campaign(&server, &admin, "Admin's mailing").await;

    let (status, _) = set_status(&server, &support, &campaign, "ready").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = set_status(&server, &stranger, &campaign, "ready").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = set_status(&server, &marketer, &admins_campaign, "ready").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, body) = set_status(&server, &marketer, &campaign, "done").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        body["detail"],
        "`status` must be one of draft, ready, submitted, archived"
    );
    let (status, _) = server
        .call(
            Method::PATCH,
            &format!("/v1/campaigns/{campaign}"),
            Some(&marketer),
            Some(json!({ "status": "ready", "name": "Renamed" })),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::BAD_REQUEST,
        "unknown fields are rejected"
    );

    let (_, detail) = server
        .call(
            Method::GET,
            &format!("/v1/campaigns/{campaign}"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(detail["campaign"]["status"], "draft", "nothing changed");
    server.stop().await;
}

#[tokio::test]
async fn closed_campaigns_take_no_uploads() {
    let server = TestServer::start("").await;
    let marketer = server.token_for("acme.example", Role::Marketer).await;
    let campaign = create_campaign(&server, &marketer, "Closed mailing").await;
    let (status, _) = set_status(&server, &marketer, &campaign, "archived").await;
    assert_eq!(status, StatusCode::OK);

    let response = server
        .client
        .post(format!("{}/v1/uploads", server.base))
        .bearer_auth(&marketer)
        .header("Tus-Resumable", "1.0.0")
        .header("Upload-Length", "10")
        .header(
            "Upload-Metadata",
            format!("campaign {}", STANDARD.encode(&campaign)),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CONFLICT);
    let body: Value = response.json().await.unwrap();
    assert_eq!(
        body["detail"],
        "the campaign is archived and takes no new uploads; choose another campaign or create a new one"
    );
    let (_, detail) = server
        .call(
            Method::GET,
            &format!("/v1/campaigns/{campaign}"),
            Some(&marketer),
            None,
        )
        .await;
    assert!(upload_ids(&detail).is_empty(), "{detail}");
}
