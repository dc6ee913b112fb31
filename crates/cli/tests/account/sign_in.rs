use std::time::Duration;

use sealpost_api::Role;

use crate::harness::{Machine, Service, assert_success, error_code, json, path_text, stderr};

/// Returns the arguments of `sealpost login` that keep no token and print JSON. Without
/// `server`, the address comes from SEALPOST_SERVER or the last sign-in.
fn login_args_without_store<'a>(
    server: Option<&'a str>,
    ca_file: &'a str,
    email: &'a str,
) -> Vec<&'a str> {
    let mut args = vec!["login"];
    if let Some(server) = server {
        args.extend(["--server", server]);
    }
    args.extend([
        "--ca-file",
        ca_file,
        "--email",
        email,
        "--password-stdin",
        "--store",
        "none",
        "--format",
        "json",
    ]);
    args
}

#[test]
fn login_each_role_then_whoami() {
    let service = Service::start("");
    for role in Role::ALL {
        let machine = Machine::new();
        let env = machine.login(&service, role);
        let me = json(&machine.run(&["whoami", "--format", "json"], &env));
        assert_eq!(me["role"], role.as_str());
        assert_eq!(me["credential"], "session");
        assert_eq!(me["member"]["email"], service.member(role).email.as_str());
    }
}

#[test]
fn wrong_password_rejected() {
    let service = Service::start("");
    let machine = Machine::new();
    let member = service.member(Role::Marketer);
    let ca = path_text(&service.ca_file);
    let output = machine.run_with_input(
        &login_args_without_store(Some(&service.url), &ca, &member.email),
        "not the password\n",
        &[],
    );
    assert_eq!(error_code(&output), "auth.sign_in_failed");
    assert!(stderr(&output).contains("password"), "{}", stderr(&output));
}

#[test]
fn login_reads_server_from_env() {
    let service = Service::start("");
    let machine = Machine::new();
    let member = service.member(Role::Marketer);
    let ca = path_text(&service.ca_file);
    let output = machine.run_with_input(
        &login_args_without_store(None, &ca, &member.email),
        &format!("{}\n", member.password),
        &[("SEALPOST_SERVER", service.url.as_str())],
    );
    assert_success(&output);
    assert_eq!(json(&output)["server"], service.url.as_str());
}

#[test]
fn http_url_rejected() {
    let machine = Machine::new();
    let output = machine.run_with_input(
        &[
            "login",
            "--server",
            "http://127.0.0.1:9",
            "--email",
            "a@acme.example",
            "--password-stdin",
            "--store",
            "none",
            "--format",
            "json",
        ],
        "whatever\n",
        &[],
    );
    assert_eq!(error_code(&output), "config.insecure_url");
    assert!(stderr(&output).contains("https://"), "{}", stderr(&output));
}

#[test]
fn expired_session_says_sign_in_again() {
    let service =
        Service::start("[sessions]\nidle_timeout_seconds = 1\nabsolute_lifetime_seconds = 60\n");
    let machine = Machine::new();
    let env = machine.login(&service, Role::Marketer);
    std::thread::sleep(Duration::from_millis(2500));
    let output = machine.run(&["whoami", "--format", "json"], &env);
    assert_eq!(error_code(&output), "auth.session_expired");
    assert!(
        stderr(&output).contains("sign in again"),
        "{}",
        stderr(&output)
    );
    let text = machine.run(&["whoami"], &env);
    assert!(
        stderr(&text).contains("sealpost login"),
        "{}",
        stderr(&text)
    );
}

#[test]
fn login_again_reuses_server_ca_and_email() {
    let service = Service::start("");
    let machine = Machine::new();
    let env = machine.login(&service, Role::Marketer);
    let member = service.member(Role::Marketer);
    let output = machine.run_with_input(
        &[
            "login",
            "--password-stdin",
            "--store",
            "file",
            "--format",
            "json",
        ],
        &format!("{}\n", member.password),
        &env,
    );
    assert_success(&output);
    let result = json(&output);
    assert_eq!(result["email"], member.email.as_str());
    assert_eq!(result["server"], service.url.as_str());

    let fresh = Machine::new();
    let output = fresh.run_with_input(
        &[
            "login",
            "--password-stdin",
            "--store",
            "none",
            "--format",
            "json",
        ],
        "password\n",
        &[],
    );
    assert_eq!(error_code(&output), "input.invalid");
    assert!(stderr(&output).contains("--server"), "{}", stderr(&output));
}

#[test]
fn logout_revokes_session() {
    let service = Service::start("");
    let machine = Machine::new();
    let env = machine.login(&service, Role::Support);
    let token_file = sealpost_client::secrets::token_file_path(&machine.config_dir(), &service.url)
        .expect("token file path");
    let token =
        sealpost_client::secrets::load_token_file(&token_file, &service.url, "test passphrase 1")
            .expect("token file opens");
    assert_success(&machine.run(&["logout"], &env));
    assert!(!token_file.exists(), "the token file is deleted");

    let output = machine.run(&["whoami", "--format", "json"], &env);
    assert_eq!(error_code(&output), "auth.not_signed_in");

    // The old token no longer works on the service either.
    let ca = path_text(&service.ca_file);
    let reuse = machine.run(
        &[
            "whoami",
            "--server",
            &service.url,
            "--ca-file",
            &ca,
            "--format",
            "json",
        ],
        &[("SEALPOST_TOKEN", token.expose())],
    );
    assert_eq!(error_code(&reuse), "auth.session_expired");
}

#[test]
fn api_token_works_without_login() {
    let service = Service::start("");
    let admin = Machine::new();
    let env = admin.login(&service, Role::Admin);
    let created = json(&admin.run(
        &[
            "tokens",
            "create",
            "--name",
            "nightly export",
            "--scope",
            "uploads:read_all",
            "--format",
            "json",
        ],
        &env,
    ));
    let token = created["token"].as_str().expect("token text").to_owned();
    assert!(token.starts_with("spt_"), "API token prefix");

    let robot = Machine::new();
    let ca = path_text(&service.ca_file);
    let env = [
        ("SEALPOST_TOKEN", token.as_str()),
        ("SEALPOST_SERVER", service.url.as_str()),
    ];
    let me = json(&robot.run(&["whoami", "--ca-file", &ca, "--format", "json"], &env));
    assert_eq!(me["credential"], "api_token");
    assert_eq!(me["permissions"], serde_json::json!(["uploads:read_all"]));
    let uploads = json(&robot.run(
        &["uploads", "list", "--ca-file", &ca, "--format", "json"],
        &env,
    ));
    assert!(uploads["uploads"].is_array(), "{uploads}");
    let rejected = robot.run(
        &["members", "list", "--ca-file", &ca, "--format", "json"],
        &env,
    );
    assert_eq!(error_code(&rejected), "permission.denied");
}

#[test]
fn no_keyring_offers_choices() {
    let service = Service::start("");
    let machine = Machine::new();
    let member = service.member(Role::Marketer);
    let ca = path_text(&service.ca_file);
    let output = machine.run_with_input(
        &[
            "login",
            "--server",
            &service.url,
            "--ca-file",
            &ca,
            "--email",
            &member.email,
            "--password-stdin",
            "--format",
            "json",
        ],
        &format!("{}\n", member.password),
        &[],
    );
    assert_eq!(error_code(&output), "input.invalid");
    let message = stderr(&output);
    assert!(message.contains("keyring is not available"), "{message}");
    assert!(message.contains("--store file"), "{message}");
    assert!(message.contains("--store none"), "{message}");
}

#[test]
fn token_file_wrong_passphrase() {
    let service = Service::start("");
    let machine = Machine::new();
    machine.login(&service, Role::Marketer);
    let output = machine.run(
        &["whoami", "--format", "json"],
        &[("SEALPOST_PASSPHRASE", "not the passphrase")],
    );
    assert_eq!(error_code(&output), "secrets.wrong_passphrase");
}

/// Computes the authenticator code of `secret` for the time step after the current one,
/// which the service accepts (one step of clock skew) and which no earlier sign-in used.
fn next_totp_code(secret: &str, email: &str) -> String {
    let bytes = totp_rs::Secret::Encoded(secret.to_owned())
        .to_bytes()
        .expect("base32 secret");
    let totp = totp_rs::TOTP::new(
        totp_rs::Algorithm::SHA1,
        6,
        1,
        30,
        bytes,
        Some("Sealpost".to_owned()),
        email.to_owned(),
    )
    .expect("TOTP parameters");
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock after 1970")
        .as_secs();
    totp.generate(now + 30)
}

#[test]
fn second_factor_prompted_and_accepted() {
    use reqwest::Method;
    use sealpost_client::{Connection, Credential, ServerConfig};

    let service = Service::start("");
    let machine = Machine::new();
    machine.login(&service, Role::Marketer);
    let member = service.member(Role::Marketer);

    // Enrol a second factor through the API with the stored session.
    let token_file = sealpost_client::secrets::token_file_path(&machine.config_dir(), &service.url)
        .expect("token file path");
    let token =
        sealpost_client::secrets::load_token_file(&token_file, &service.url, "test passphrase 1")
            .expect("token file opens");
    let config = ServerConfig::new(service.url.clone()).with_ca_file(Some(service.ca_file.clone()));
    let connection = Connection::new(&config, Credential::Session(token)).expect("connection");
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let secret = runtime.block_on(async {
        let enrollment: serde_json::Value = connection
            .send_json(connection.request(Method::POST, "/v1/me/totp"))
            .await
            .expect("enrolment starts");
        let secret = enrollment["secret"].as_str().expect("secret").to_owned();
        let bytes = totp_rs::Secret::Encoded(secret.clone()).to_bytes().unwrap();
        let code = totp_rs::TOTP::new(
            totp_rs::Algorithm::SHA1,
            6,
            1,
            30,
            bytes,
            Some("Sealpost".to_owned()),
            member.email.clone(),
        )
        .unwrap()
        .generate_current()
        .unwrap();
        connection
            .send_empty(
                connection
                    .request(Method::POST, "/v1/me/totp/confirm")
                    .json(&serde_json::json!({ "code": code })),
            )
            .await
            .expect("enrolment confirmed");
        secret
    });

    let ca = path_text(&service.ca_file);
    let args = login_args_without_store(Some(&service.url), &ca, &member.email);
    let without_code = machine.run_with_input(&args, &format!("{}\n", member.password), &[]);
    assert_eq!(error_code(&without_code), "auth.totp_required");

    let code = next_totp_code(&secret, &member.email);
    let with_code = machine.run_with_input(&args, &format!("{}\n{code}\n", member.password), &[]);
    assert_success(&with_code);
}
