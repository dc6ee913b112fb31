//! A real service on 127.0.0.1 with a certificate made for the test, and an HTTPS client
//! that trusts only the test CA.
//!
//! The database is a fresh SQLite file per test, or, when `SEALPOST_TEST_DATABASE_URL`
//! names a PostgreSQL server, a fresh database created on it per test.

use std::path::{Path, PathBuf};

use reqwest::{Method, StatusCode};
use sealpost_api::{Role, SessionCreated};
use sealpost_server::config::Config;
use sealpost_server::keyprovider::LocalKeyFile;
use sealpost_server::ops::{self, DemoCredential};
use sealpost_server::server::{self, RunningServer};
use sealpost_server::tls::DemoPki;
use serde_json::Value;

/// A running service and everything a test needs to talk to it.
pub(crate) struct TestServer {
    pub(crate) running: Option<RunningServer>,
    pub(crate) base: String,
    pub(crate) client: reqwest::Client,
    pub(crate) dir: tempfile::TempDir,
    pub(crate) pki: DemoPki,
    pub(crate) credentials: Vec<DemoCredential>,
}

/// Tests hash with a cheap Argon2id cost so that the suite stays fast in debug builds;
/// the default (OWASP) cost has its own unit test and is what `demo` uses.
const TEST_HASH_COST: &str =
    "[password_hash]\nmemory_kib = 1024\niterations = 1\nparallelism = 1\n";

/// A fresh database URL for one test.
pub(crate) async fn fresh_database_url(dir: &Path) -> String {
    match std::env::var("SEALPOST_TEST_DATABASE_URL") {
        Ok(admin_url) if !admin_url.is_empty() => {
            sqlx::any::install_default_drivers();
            let name = format!("sealpost_test_{}", uuid::Uuid::new_v4().simple());
            let admin = sqlx::AnyPool::connect(&admin_url)
                .await
                .expect("connect to SEALPOST_TEST_DATABASE_URL");
            // CREATE DATABASE takes no bind parameters; the name is generated above
            // from a UUID, never from input.
            sqlx::query(&format!("CREATE DATABASE {name}"))
                .execute(&admin)
                .await
                .expect("create test database");
            admin.close().await;
            let mut url =
                reqwest::Url::parse(&admin_url).expect("SEALPOST_TEST_DATABASE_URL is a URL");
            url.set_path(&format!("/{name}"));
            url.to_string()
        }
        _ => format!("sqlite://{}", dir.join("sealpost.db").display()),
    }
}

/// Whether the tests run against PostgreSQL.
pub(crate) fn on_postgres() -> bool {
    std::env::var("SEALPOST_TEST_DATABASE_URL").is_ok_and(|url| !url.is_empty())
}

/// The configuration file text for a test service in `dir`.
pub(crate) fn config_text(dir: &Path, database_url: &str, extra: &str) -> String {
    let tls = dir.join("tls");
    format!(
        "listen = \"127.0.0.1:0\"\ndatabase_url = \"{database_url}\"\n{extra}\n[tls]\ncert = \"{}\"\nkey = \"{}\"\n{TEST_HASH_COST}",
        tls.join("server.pem").display(),
        tls.join("server-key.pem").display(),
    )
}

impl TestServer {
    /// Starts a service with the defaults plus `extra` TOML (top-level sections such as
    /// `[lockout]`), seeded with the two demo accounts.
    pub(crate) async fn start(extra: &str) -> Self {
        let dir = tempfile::tempdir().expect("temporary directory");
        let pki = DemoPki::in_dir(&dir.path().join("tls"));
        pki.generate().expect("test certificates");
        let database_url = fresh_database_url(dir.path()).await;
        let text = config_text(dir.path(), &database_url, extra);
        let config_path = dir.path().join("sealpost.toml");
        std::fs::write(&config_path, &text).expect("write config");
        let config = Config::load(&config_path).expect("valid test configuration");
        LocalKeyFile::create_if_missing(config.upload_keys.kek_path().expect("key file path"))
            .expect("create the key-encryption key");
        let running = server::start(config).await.expect("service starts");
        let credentials_file = dir.path().join("demo-credentials.json");
        ops::seed_demo(&running.state.db, &running.state.hasher, &credentials_file)
            .await
            .expect("seed");
        let credentials =
            serde_json::from_slice(&std::fs::read(&credentials_file).unwrap()).unwrap();
        let base = format!("https://localhost:{}", running.local_addr.port());
        let client = client_for(&pki.ca_cert, None);
        Self {
            running: Some(running),
            base,
            client,
            dir,
            pki,
            credentials,
        }
    }

    /// The path of the configuration file.
    pub(crate) fn config_path(&self) -> PathBuf {
        self.dir.path().join("sealpost.toml")
    }

    /// The seeded credential of `role` in the account with email domain `domain`
    /// (`acme.example` or `globex.example`).
    pub(crate) fn credential(&self, domain: &str, role: Role) -> &DemoCredential {
        self.credentials
            .iter()
            .find(|c| c.role == role && c.email.ends_with(domain))
            .expect("seeded credential")
    }

    /// Sends a request with an optional bearer token and JSON body.
    pub(crate) async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let response = self.send(method, path, token, body).await;
        let status = response.status();
        let text = response.text().await.expect("response body");
        let value = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).expect("JSON response")
        };
        (status, value)
    }

    /// Sends a request and returns the raw response.
    pub(crate) async fn send(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> reqwest::Response {
        let mut request = self.client.request(method, format!("{}{path}", self.base));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        request.send().await.expect("request reaches the service")
    }

    /// Signs in and returns the session.
    pub(crate) async fn sign_in(&self, email: &str, password: &str) -> SessionCreated {
        let body = serde_json::json!({ "email": email, "password": password });
        let (status, value) = self
            .call(Method::POST, "/v1/sessions", None, Some(body))
            .await;
        assert_eq!(
            status,
            StatusCode::CREATED,
            "sign-in of {email} failed: {value}"
        );
        serde_json::from_value(value).expect("session body")
    }

    /// Signs in as the seeded member of `role` at `domain`; returns the token.
    pub(crate) async fn token_for(&self, domain: &str, role: Role) -> String {
        let credential = self.credential(domain, role);
        self.sign_in(&credential.email, &credential.password)
            .await
            .token
    }

    /// Stops the service.
    pub(crate) async fn stop(mut self) {
        if let Some(running) = self.running.take() {
            running.shutdown().await;
        }
    }
}

/// An HTTPS client that trusts only `ca` (plus nothing built in), optionally pinned to
/// one TLS version.
pub(crate) fn client_for(ca: &Path, version: Option<reqwest::tls::Version>) -> reqwest::Client {
    let ca = reqwest::Certificate::from_pem(&std::fs::read(ca).expect("CA file")).expect("CA PEM");
    let mut builder = reqwest::Client::builder()
        .use_rustls_tls()
        .tls_built_in_root_certs(false)
        .add_root_certificate(ca)
        .resolve("localhost", std::net::SocketAddr::from(([127, 0, 0, 1], 0)));
    if let Some(version) = version {
        builder = builder.min_tls_version(version).max_tls_version(version);
    }
    builder.build().expect("HTTPS client")
}

impl TestServer {
    /// Every audit entry with `action`, across accounts, read from the database.
    pub(crate) async fn audit_entries(&self, action: &str) -> Vec<sealpost_api::AuditEntry> {
        let db = &self.running.as_ref().unwrap().state.db;
        let mut all = Vec::new();
        sealpost_server::audit::export(db, &mut all).await.unwrap();
        String::from_utf8(all)
            .unwrap()
            .lines()
            .map(|line| serde_json::from_str::<sealpost_api::AuditEntry>(line).unwrap())
            .filter(|entry| entry.action == action)
            .collect()
    }
}

/// Runs a SQL statement on the test database outside the service, as an operator with
/// direct access could.
pub(crate) async fn run_sql(server: &TestServer, statements: &[&str]) -> Result<(), sqlx::Error> {
    let db = &server.running.as_ref().unwrap().state.db;
    for statement in statements {
        sqlx::query(statement).execute(db.pool()).await?;
    }
    Ok(())
}
