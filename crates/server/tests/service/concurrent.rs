//! Several large uploads at once: every one completes and is stored byte for byte. A
//! small version of `scripts/bench-uploads`, which measures speed; this checks only
//! integrity.

use reqwest::StatusCode;
use sealpost_api::Role;
use tokio::io::AsyncReadExt;
use uuid::Uuid;

use crate::harness::TestServer;
use crate::tus::patch;

const UPLOADS: usize = 8;
const SIZE: usize = 4 * 1024 * 1024;

fn body_of(index: usize) -> Vec<u8> {
    (0..SIZE)
        .map(|i| u8::try_from((i * 7 + index * 13) % 251).unwrap())
        .collect()
}

#[tokio::test]
async fn concurrent_uploads_stored_intact() {
    let server = TestServer::start("").await;
    let marketer = server.token_for("acme.example", Role::Marketer).await;
    let mut locations = Vec::new();
    for _ in 0..UPLOADS {
        let (status, location) = crate::tus::create(&server, &marketer, SIZE).await;
        assert_eq!(status, StatusCode::CREATED);
        locations.push(location);
    }

    let sends = locations.iter().enumerate().map(|(index, location)| {
        let body = body_of(index);
        let server = &server;
        let marketer = &marketer;
        async move {
            patch(server, marketer, location, 0, &body, None)
                .await
                .status()
        }
    });
    let statuses = futures_util::future::join_all(sends).await;
    for (index, status) in statuses.iter().enumerate() {
        assert_eq!(*status, StatusCode::NO_CONTENT, "upload {index}");
    }

    let state = &server.running.as_ref().unwrap().state;
    for (index, location) in locations.iter().enumerate() {
        let id: Uuid = location.rsplit('/').next().unwrap().parse().unwrap();
        let mut stored = Vec::new();
        state
            .blobs
            .read(id)
            .await
            .unwrap()
            .read_to_end(&mut stored)
            .await
            .unwrap();
        assert_eq!(stored.len(), SIZE, "upload {index}");
        assert!(stored == body_of(index), "upload {index} differs");
    }
    server.stop().await;
}
