//! The `demo` subcommand as a user runs it, with its logs captured and searched for
//! every secret the run handled.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use reqwest::Method;
use sealpost_server::ops::DemoCredential;
use serde_json::{Value, json};

use crate::harness::client_for;

struct Demo {
    child: Child,
    base: String,
    client: reqwest::Client,
}

/// Starts `sealpost-server demo` on a free port with logs going to `DIR/../LOG.*`.
async fn start_demo(dir: &Path, log_name: &str) -> Demo {
    let logs = dir.parent().unwrap();
    let stdout = std::fs::File::create(logs.join(format!("{log_name}.out"))).unwrap();
    let stderr = std::fs::File::create(logs.join(format!("{log_name}.err"))).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_sealpost-server"))
        .args(["demo", "--listen", "127.0.0.1:0", "--data-dir"])
        .arg(dir)
        .env("SEALPOST_LOG", "debug")
        .stdout(Stdio::from(stdout))
        .stderr(Stdio::from(stderr))
        .spawn()
        .unwrap();
    // Seeding hashes six passwords at full cost, which takes a while in a debug build.
    for _ in 0..1200 {
        let out = std::fs::read_to_string(logs.join(format!("{log_name}.out"))).unwrap_or_default();
        if let Some(url) = out.lines().find_map(|line| {
            line.split_whitespace()
                .find(|word| word.starts_with("https://"))
        }) {
            let port = url.rsplit(':').next().unwrap();
            let client = client_for(&dir.join("tls").join("ca.pem"), None);
            return Demo {
                child,
                base: format!("https://localhost:{port}"),
                client,
            };
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    child.kill().unwrap();
    child.wait().unwrap();
    panic!("demo did not print its URL within 120 s");
}

impl Demo {
    async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (u16, Value) {
        let mut request = self.client.request(method, format!("{}{path}", self.base));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let text = response.text().await.unwrap();
        (
            status,
            if text.is_empty() {
                Value::Null
            } else {
                serde_json::from_str(&text).unwrap()
            },
        )
    }

    /// Stops the demo with SIGTERM, as a service manager would, and waits for it.
    fn stop(mut self) {
        let status = Command::new("kill")
            .arg("-TERM")
            .arg(self.child.id().to_string())
            .status()
            .unwrap();
        assert!(status.success());
        for _ in 0..200 {
            if self.child.try_wait().unwrap().is_some() {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        self.child.kill().unwrap();
        self.child.wait().unwrap();
        panic!("demo did not stop within 20 s of SIGTERM");
    }
}

fn token_of(value: &Value) -> String {
    value["token"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn demo_serves_and_logs_no_secret() {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("data");
    let demo = start_demo(&dir, "first").await;

    let credentials_path = dir.join("demo-credentials.json");
    let mode = std::fs::metadata(&credentials_path).unwrap().permissions();
    assert_eq!(
        std::os::unix::fs::PermissionsExt::mode(&mode) & 0o777,
        0o600
    );
    let credentials: Vec<DemoCredential> =
        serde_json::from_slice(&std::fs::read(&credentials_path).unwrap()).unwrap();
    assert_eq!(credentials.len(), 6);
    let accounts: std::collections::BTreeSet<&str> =
        credentials.iter().map(|c| c.account.as_str()).collect();
    assert_eq!(
        accounts.into_iter().collect::<Vec<_>>(),
        ["Acme Mail", "Globex Post"]
    );

    let mut secrets: Vec<String> = credentials.iter().map(|c| c.password.clone()).collect();
    let mut admin = String::new();
    for credential in &credentials {
        let body = json!({ "email": credential.email, "password": credential.password });
        let (status, session) = demo
            .call(Method::POST, "/v1/sessions", None, Some(body))
            .await;
        assert_eq!(status, 201, "{}: {session}", credential.email);
        secrets.push(token_of(&session));
        if credential.account == "Acme Mail" && credential.role == sealpost_api::Role::Admin {
            admin = token_of(&session);
        }
    }
    let wrong = "Wrong-Password-7f3a9c1e".to_owned();
    let (status, _) = demo
        .call(
            Method::POST,
            "/v1/sessions",
            None,
            Some(json!({ "email": "admin@acme.example", "password": wrong })),
        )
        .await;
    assert_eq!(status, 401);
    secrets.push(wrong);

    let body = json!({ "name": "logs", "permissions": ["tokens:own"] });
    let (status, created) = demo
        .call(Method::POST, "/v1/tokens", Some(&admin), Some(body))
        .await;
    assert_eq!(status, 201);
    let api_token = token_of(&created);
    let (status, rotated) = demo
        .call(
            Method::POST,
            &format!(
                "/v1/tokens/{}/rotate",
                created["info"]["id"].as_str().unwrap()
            ),
            Some(&api_token),
            Some(json!({})),
        )
        .await;
    assert_eq!(status, 201);
    secrets.extend([api_token, token_of(&rotated)]);

    let body = json!({ "email": "invited@acme.example", "role": "support" });
    let (status, invitation) = demo
        .call(Method::POST, "/v1/invitations", Some(&admin), Some(body))
        .await;
    assert_eq!(status, 201);
    let invitation_token = token_of(&invitation);
    let new_password = "Invited-Password-19ab2c".to_owned();
    let body = json!({ "token": invitation_token, "name": "Invited", "password": new_password });
    let (status, _) = demo
        .call(Method::POST, "/v1/invitations/accept", None, Some(body))
        .await;
    assert_eq!(status, 201);
    secrets.extend([invitation_token, new_password]);

    let (status, enrolment) = demo
        .call(Method::POST, "/v1/me/totp", Some(&admin), None)
        .await;
    assert_eq!(status, 201);
    secrets.push(enrolment["secret"].as_str().unwrap().to_owned());
    let (status, _) = demo
        .call(Method::DELETE, "/v1/sessions/current", Some(&admin), None)
        .await;
    assert_eq!(status, 204);
    demo.stop();

    let logs = std::fs::read_to_string(root.path().join("first.out")).unwrap()
        + &std::fs::read_to_string(root.path().join("first.err")).unwrap();
    assert!(
        logs.contains("request finished"),
        "the logs were not captured"
    );
    assert!(
        logs.contains("service stopped"),
        "no graceful shutdown in the logs"
    );
    for secret in &secrets {
        assert!(
            !logs.contains(secret.as_str()),
            "a secret appears in the logs"
        );
    }

    // A second run reuses the data directory: same CA, same passwords.
    let ca_before = std::fs::read(dir.join("tls").join("ca.pem")).unwrap();
    let demo = start_demo(&dir, "second").await;
    assert_eq!(
        std::fs::read(dir.join("tls").join("ca.pem")).unwrap(),
        ca_before
    );
    let support = credentials
        .iter()
        .find(|c| c.role == sealpost_api::Role::Support)
        .unwrap();
    let body = json!({ "email": support.email, "password": support.password });
    let (status, _) = demo
        .call(Method::POST, "/v1/sessions", None, Some(body))
        .await;
    assert_eq!(status, 201);
    demo.stop();
}
