//! Campaigns and the upload history: each role sees exactly its slice.

use std::collections::HashSet;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use reqwest::{Method, StatusCode};
use sealpost_api::Role;
use serde_json::{Value, json};

use crate::harness::TestServer;
use crate::tus::patch;

pub(crate) async fn upload(
    server: &TestServer,
    token: &str,
    campaign: Option<&str>,
    body: &[u8],
) -> String {
    let mut request = server
        .client
        .post(format!("{}/v1/uploads", server.base))
        .bearer_auth(token)
        .header("Tus-Resumable", "1.0.0")
        .header("Upload-Length", body.len().to_string());
    if let Some(campaign) = campaign {
        request = request.header(
            "Upload-Metadata",
            format!("campaign {}", STANDARD.encode(campaign)),
        );
    }
    let response = request.send().await.unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let done = patch(server, token, &location, 0, body, None).await;
    assert_eq!(done.status(), StatusCode::NO_CONTENT);
    location.rsplit('/').next().unwrap().to_owned()
}

async fn ids(server: &TestServer, token: &str, query: &str) -> (StatusCode, HashSet<String>) {
    let (status, page) = server
        .call(
            Method::GET,
            &format!("/v1/uploads{query}"),
            Some(token),
            None,
        )
        .await;
    let ids = page["uploads"]
        .as_array()
        .map(|uploads| {
            uploads
                .iter()
                .map(|upload| upload["id"].as_str().unwrap().to_owned())
                .collect()
        })
        .unwrap_or_default();
    (status, ids)
}

fn set(items: &[&String]) -> HashSet<String> {
    items.iter().map(|item| (*item).clone()).collect()
}

#[tokio::test]
async fn each_role_sees_its_history_slice() {
    let server = TestServer::start("").await;
    let marketer = server.token_for("acme.example", Role::Marketer).await;
    let admin = server.token_for("acme.example", Role::Admin).await;
    let support = server.token_for("acme.example", Role::Support).await;
    let stranger = server.token_for("globex.example", Role::Admin).await;

    let (status, campaign) = server
        .call(
            Method::POST,
            "/v1/campaigns",
            Some(&marketer),
            Some(json!({ "name": "Spring mailing" })),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{campaign}");
    assert_eq!(campaign["status"], "draft");
    let campaign_id = campaign["id"].as_str().unwrap().to_owned();
    let (status, _) = server
        .call(
            Method::POST,
            "/v1/campaigns",
            Some(&support),
            Some(json!({ "name": "No" })),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let in_campaign = upload(&server, &marketer, Some(&campaign_id), b"first list").await;
    let plain = upload(&server, &marketer, None, b"second list").await;
    let by_admin = upload(&server, &admin, None, b"admin list").await;
    let foreign = upload(&server, &stranger, None, b"other account").await;

    let everything = set(&[&in_campaign, &plain, &by_admin]);
    assert_eq!(
        ids(&server, &marketer, "").await,
        (StatusCode::OK, set(&[&in_campaign, &plain]))
    );
    assert_eq!(
        ids(&server, &admin, "").await,
        (StatusCode::OK, everything.clone())
    );
    assert_eq!(
        ids(&server, &support, "").await,
        (StatusCode::OK, everything)
    );
    assert_eq!(
        ids(&server, &stranger, "").await,
        (StatusCode::OK, set(&[&foreign]))
    );

    let admin_id = {
        let (_, me) = server.call(Method::GET, "/v1/me", Some(&admin), None).await;
        me["member"]["id"].as_str().unwrap().to_owned()
    };
    assert!(
        ids(&server, &marketer, &format!("?owner={admin_id}"))
            .await
            .1
            .is_empty()
    );
    assert_eq!(
        ids(&server, &support, &format!("?owner={admin_id}"))
            .await
            .1,
        set(&[&by_admin])
    );
    assert_eq!(
        ids(&server, &admin, &format!("?campaign={campaign_id}"))
            .await
            .1,
        set(&[&in_campaign])
    );
    // Completed uploads move on to processing; one left unfinished stays `receiving`.
    let (_, unfinished) = crate::tus::create(&server, &marketer, 10).await;
    let unfinished = unfinished.rsplit('/').next().unwrap().to_owned();
    assert_eq!(
        ids(&server, &admin, "?status=receiving").await.1,
        set(&[&unfinished])
    );
    assert!(ids(&server, &admin, "?status=accepted").await.1.is_empty());
    assert!(
        ids(&server, &admin, "?from=2999-01-01T00:00:00Z")
            .await
            .1
            .is_empty()
    );
    for bad in [
        "?status=lost",
        "?from=yesterday",
        "?cursor=abc",
        "?limit=0",
        "?colour=red",
    ] {
        assert_eq!(
            ids(&server, &admin, bad).await.0,
            StatusCode::BAD_REQUEST,
            "{bad}"
        );
    }

    let (_, campaigns) = server
        .call(Method::GET, "/v1/campaigns", Some(&support), None)
        .await;
    assert_eq!(campaigns["campaigns"][0]["id"], campaign_id.as_str());
    let (_, theirs) = server
        .call(Method::GET, "/v1/campaigns", Some(&stranger), None)
        .await;
    assert_eq!(theirs["campaigns"], json!([]));
    server.stop().await;
}

#[tokio::test]
async fn pages_follow_the_cursor_without_repeats() {
    let server = TestServer::start("").await;
    let marketer = server.token_for("acme.example", Role::Marketer).await;
    let mut created = HashSet::new();
    for index in 0..5 {
        created.insert(upload(&server, &marketer, None, format!("list {index}").as_bytes()).await);
    }
    let mut seen = HashSet::new();
    let mut query = "?limit=2".to_owned();
    for _ in 0..5 {
        let (status, page) = server
            .call(
                Method::GET,
                &format!("/v1/uploads{query}"),
                Some(&marketer),
                None,
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        for upload in page["uploads"].as_array().unwrap() {
            assert!(
                seen.insert(upload["id"].as_str().unwrap().to_owned()),
                "repeated"
            );
        }
        match page["next_cursor"].as_str() {
            Some(cursor) => query = format!("?limit=2&cursor={cursor}"),
            None => break,
        }
    }
    assert_eq!(seen, created);
    server.stop().await;
}

#[tokio::test]
async fn timeline_lists_requests_for_support() {
    let server = TestServer::start("").await;
    let marketer = server.token_for("acme.example", Role::Marketer).await;
    let support = server.token_for("acme.example", Role::Support).await;
    let stranger = server.token_for("globex.example", Role::Admin).await;
    let id = upload(&server, &marketer, None, b"name\nAda\n").await;
    let path = format!("/v1/uploads/{id}/events");

    let (status, timeline) = server.call(Method::GET, &path, Some(&support), None).await;
    assert_eq!(status, StatusCode::OK, "{timeline}");
    let kinds: Vec<&str> = timeline["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|event| event["kind"].as_str().unwrap())
        .collect();
    // Processing events may follow once the worker takes the upload.
    assert_eq!(kinds[..3], ["created", "patch", "received"]);
    let patch_event: &Value = &timeline["events"][1];
    assert_eq!(patch_event["details"]["offset"], 0);
    assert_eq!(patch_event["details"]["bytes"], 9);
    assert!(
        patch_event["request_id"]
            .as_str()
            .is_some_and(|id| !id.is_empty())
    );

    let (status, _) = server.call(Method::GET, &path, Some(&marketer), None).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = server.call(Method::GET, &path, Some(&stranger), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = server
        .call(
            Method::GET,
            "/v1/uploads/not-an-id/events",
            Some(&support),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    server.stop().await;
}

#[tokio::test]
async fn one_upload_is_scoped_like_the_list() {
    let server = TestServer::start("").await;
    let marketer = server.token_for("acme.example", Role::Marketer).await;
    let admin = server.token_for("acme.example", Role::Admin).await;
    let support = server.token_for("acme.example", Role::Support).await;
    let stranger = server.token_for("globex.example", Role::Admin).await;
    let own = upload(&server, &marketer, None, b"name\nAda\n").await;
    let by_admin = upload(&server, &admin, None, b"name\nGrace\n").await;
    // Stand in for a finished validation, so that the test does not need a scanner.
    let finished = format!(
        "UPDATE uploads SET state = 'rejected', reason = 'the list has no address column', \
         validation = '{{\"rows\": 1, \"samples\": [\"row 2\"]}}' WHERE id = '{own}'"
    );
    crate::harness::run_sql(&server, &[&finished])
        .await
        .unwrap();
    let path = format!("/v1/uploads/{own}");

    let (status, detail) = server.call(Method::GET, &path, Some(&marketer), None).await;
    assert_eq!(status, StatusCode::OK, "{detail}");
    assert_eq!(detail["id"], own.as_str());
    assert_eq!(detail["state"], "rejected");
    assert_eq!(detail["reason"], "the list has no address column");
    assert_eq!(detail["validation"]["rows"], 1);
    assert_eq!(detail["length"], 9);
    assert_eq!(detail["offset"], 9);
    assert!(detail["completed_at"].is_string(), "{detail}");
    assert!(detail.get("expires_at").is_none(), "{detail}");

    let (status, detail) = server.call(Method::GET, &path, Some(&admin), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(detail["validation"]["samples"][0], "row 2");

    let (status, detail) = server.call(Method::GET, &path, Some(&support), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(detail["reason"], "the list has no address column");
    assert!(detail.get("validation").is_none(), "{detail}");

    let (status, _) = server.call(Method::GET, &path, Some(&stranger), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = server
        .call(
            Method::GET,
            &format!("/v1/uploads/{by_admin}"),
            Some(&marketer),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = server.call(Method::GET, &path, None, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = server
        .call(Method::GET, "/v1/uploads/not-an-id", Some(&support), None)
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    // The tus HEAD on the same path still returns the offset.
    let head = server
        .client
        .head(format!("{}{path}", server.base))
        .bearer_auth(&marketer)
        .header("Tus-Resumable", "1.0.0")
        .send()
        .await
        .unwrap();
    assert_eq!(head.status(), StatusCode::OK);
    assert_eq!(head.headers()["upload-offset"], "9");
    server.stop().await;
}

#[tokio::test]
async fn unfinished_upload_shows_its_expiry() {
    let server = TestServer::start("").await;
    let marketer = server.token_for("acme.example", Role::Marketer).await;
    let (_, location) = crate::tus::create(&server, &marketer, 10).await;
    let (status, detail) = server
        .call(Method::GET, &location, Some(&marketer), None)
        .await;
    assert_eq!(status, StatusCode::OK, "{detail}");
    assert_eq!(detail["state"], "receiving");
    assert_eq!(detail["offset"], 0);
    assert!(detail["expires_at"].is_string(), "{detail}");
    assert!(detail.get("completed_at").is_none(), "{detail}");
    server.stop().await;
}
