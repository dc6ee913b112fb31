use std::io::Read as _;

use sealpost_api::Role;

use crate::harness::{
    Machine, Service, assert_success, error_code, json, path_text, stderr, stdout,
};

#[test]
fn campaigns_create_list_show() {
    let service = Service::start("");
    let machine = Machine::new();
    let env = machine.login(&service, Role::Marketer);
    let created = json(&machine.run(
        &["campaigns", "create", "Spring mailing", "--format", "json"],
        &env,
    ));
    assert_eq!(created["name"], "Spring mailing");
    assert_eq!(created["status"], "draft");
    let id = created["id"].as_str().expect("campaign id").to_owned();

    let page = json(&machine.run(&["campaigns", "list", "--format", "json"], &env));
    let ids: Vec<&str> = page["campaigns"]
        .as_array()
        .expect("campaigns array")
        .iter()
        .filter_map(|c| c["id"].as_str())
        .collect();
    assert!(ids.contains(&id.as_str()), "{page}");

    let detail = json(&machine.run(&["campaigns", "show", &id, "--format", "json"], &env));
    assert_eq!(detail["campaign"]["id"], id.as_str());
    assert!(detail["uploads"].is_array(), "{detail}");

    let table = machine.run(&["campaigns"], &env);
    assert_success(&table);
    assert!(
        stdout(&table).contains("Spring mailing"),
        "{}",
        stdout(&table)
    );

    let empty = machine.run(&["campaigns", "create", "  ", "--format", "json"], &env);
    assert_eq!(error_code(&empty), "input.invalid");
}

#[test]
fn uploads_list_and_bad_ids() {
    let service = Service::start("");
    let machine = Machine::new();
    let env = machine.login(&service, Role::Support);
    let page = json(&machine.run(
        &[
            "uploads", "list", "--status", "rejected", "--format", "json",
        ],
        &env,
    ));
    assert_eq!(page["uploads"], serde_json::json!([]));

    let malformed = machine.run(&["uploads", "show", "42", "--format", "json"], &env);
    assert_eq!(error_code(&malformed), "input.invalid");
    let missing = machine.run(
        &[
            "uploads",
            "events",
            "123e4567-e89b-12d3-a456-426614174000",
            "--format",
            "json",
        ],
        &env,
    );
    assert_eq!(error_code(&missing), "http.not_found");
    let bad_time = machine.run(
        &["uploads", "list", "--from", "yesterday", "--format", "json"],
        &env,
    );
    assert_eq!(error_code(&bad_time), "input.invalid");
}

#[test]
fn members_invite_and_roles() {
    let service = Service::start("");
    let machine = Machine::new();
    let env = machine.login(&service, Role::Admin);
    let list = json(&machine.run(&["members", "list", "--format", "json"], &env));
    let members = list["members"].as_array().expect("members array");
    assert_eq!(members.len(), 3, "{list}");

    let invitation = json(&machine.run(
        &[
            "members",
            "invite",
            "new.person@acme.example",
            "--role",
            "support",
            "--format",
            "json",
        ],
        &env,
    ));
    assert!(
        invitation["token"]
            .as_str()
            .is_some_and(|t| t.starts_with("spi_")),
        "{invitation}"
    );
    assert_eq!(invitation["role"], "support");

    let marketer = members
        .iter()
        .find(|m| m["role"] == "marketer")
        .expect("marketer");
    let id = marketer["id"].as_str().expect("member id");
    let changed = json(&machine.run(
        &["members", "set-role", id, "support", "--format", "json"],
        &env,
    ));
    assert_eq!(changed["role"], "support");
    let deactivated = json(&machine.run(&["members", "deactivate", id, "--format", "json"], &env));
    assert_eq!(deactivated["active"], false);
    let reactivated = json(&machine.run(&["members", "reactivate", id, "--format", "json"], &env));
    assert_eq!(reactivated["active"], true);

    let bad_role = machine.run(&["members", "set-role", id, "owner"], &env);
    assert_eq!(bad_role.status.code(), Some(2));
}

#[test]
fn tokens_create_rotate_revoke() {
    let service = Service::start("");
    let machine = Machine::new();
    let env = machine.login(&service, Role::Marketer);
    let created = json(&machine.run(
        &[
            "tokens",
            "create",
            "--name",
            "ci",
            "--scope",
            "uploads:create",
            "--scope",
            "uploads:read_own",
            "--expires-in-days",
            "30",
            "--format",
            "json",
        ],
        &env,
    ));
    let id = created["info"]["id"].as_str().expect("token id").to_owned();
    let rotated = json(&machine.run(
        &[
            "tokens",
            "rotate",
            &id,
            "--grace-period",
            "60",
            "--format",
            "json",
        ],
        &env,
    ));
    assert_ne!(rotated["token"], created["token"]);
    let new_id = rotated["info"]["id"]
        .as_str()
        .expect("new token id")
        .to_owned();

    let list = json(&machine.run(&["tokens", "list", "--format", "json"], &env));
    assert_eq!(
        list["tokens"].as_array().expect("tokens").len(),
        2,
        "{list}"
    );

    let revoked = json(&machine.run(&["tokens", "revoke", &new_id, "--format", "json"], &env));
    assert_eq!(revoked["revoked"], new_id.as_str());
    let table = machine.run(&["tokens"], &env);
    assert!(stdout(&table).contains("revoked"), "{}", stdout(&table));

    let unknown_scope = machine.run(
        &[
            "tokens",
            "create",
            "--name",
            "x",
            "--scope",
            "uploads:delete",
        ],
        &env,
    );
    assert_eq!(unknown_scope.status.code(), Some(2));
}

#[test]
fn audit_list_and_verify() {
    let service = Service::start("");
    let machine = Machine::new();
    let env = machine.login(&service, Role::Admin);
    let page = json(&machine.run(&["audit", "list", "--limit", "5", "--format", "json"], &env));
    let entries = page["entries"].as_array().expect("entries");
    assert!(!entries.is_empty(), "{page}");
    assert!(entries.len() <= 5, "{page}");

    let report = json(&machine.run(&["audit", "verify", "--format", "json"], &env));
    assert_eq!(report["failures"], serde_json::json!([]), "{report}");
    assert!(
        report["entries_checked"].as_u64().unwrap_or(0) > 0,
        "{report}"
    );
    assert!(
        report["links_checked"].as_u64().unwrap_or(0) > 0,
        "{report}"
    );
    let text = machine.run(&["audit", "verify"], &env);
    assert!(
        stdout(&text).contains("Checked on this computer"),
        "{}",
        stdout(&text)
    );
}

#[test]
fn diagnostics_bundle_has_no_secrets() {
    let service = Service::start("");
    let machine = Machine::new();
    let env = machine.login(&service, Role::Support);
    assert_success(&machine.run(&["whoami"], &env));
    let bundle = machine.home.path().join("bundle.zip");
    let bundle_text = bundle.to_str().expect("UTF-8 path");
    let summary = json(&machine.run(
        &["diagnostics", "--output", bundle_text, "--format", "json"],
        &env,
    ));
    let files: Vec<&str> = summary["files"]
        .as_array()
        .expect("files")
        .iter()
        .filter_map(|f| f.as_str())
        .collect();
    for expected in ["client.json", "config.toml", "log.txt", "whoami.json"] {
        assert!(files.contains(&expected), "{expected} in {files:?}");
    }

    let token_file = sealpost_client::secrets::token_file_path(&machine.config_dir(), &service.url)
        .expect("token file path");
    let token =
        sealpost_client::secrets::load_token_file(&token_file, &service.url, "test passphrase 1")
            .expect("token file opens");
    let mut archive =
        zip::ZipArchive::new(std::fs::File::open(&bundle).expect("bundle")).expect("zip");
    for index in 0..archive.len() {
        let mut file = archive.by_index(index).expect("entry");
        let name = format!("{:?}", file.name());
        let mut text = String::new();
        file.read_to_string(&mut text).expect("text entry");
        assert!(
            !text.contains(token.expose()),
            "{name} contains the session token"
        );
        assert!(
            !text.contains("test passphrase 1"),
            "{name} contains the passphrase"
        );
    }
}

#[test]
fn upload_key_rotate_and_retire() {
    let service = Service::start("");
    let admin = Machine::new();
    let env = admin.login(&service, Role::Admin);
    let first = json(&admin.run(&["upload-key", "show", "--format", "json"], &env));
    let first_id = first["key_id"].as_str().expect("key id").to_owned();
    assert_eq!(first["generation"], 1);

    let current = admin.run(
        &["upload-key", "retire", &first_id, "--format", "json"],
        &env,
    );
    assert_eq!(error_code(&current), "http.conflict");

    let second = json(&admin.run(&["upload-key", "rotate", "--format", "json"], &env));
    assert_eq!(second["generation"], 2);
    assert_ne!(second["key_id"], first["key_id"]);
    let retired = json(&admin.run(
        &["upload-key", "retire", &first_id, "--format", "json"],
        &env,
    ));
    assert!(retired["retired_at"].is_string(), "{retired}");

    let malformed = admin.run(&["upload-key", "retire", "abc", "--format", "json"], &env);
    assert_eq!(error_code(&malformed), "input.invalid");

    let marketer = Machine::new();
    let env = marketer.login(&service, Role::Marketer);
    let rejected = marketer.run(&["upload-key", "rotate", "--format", "json"], &env);
    assert_eq!(error_code(&rejected), "permission.denied");
}

#[test]
fn campaign_status_changes() {
    let service = Service::start("");
    let machine = Machine::new();
    let env = machine.login(&service, Role::Marketer);
    let created = json(&machine.run(&["campaigns", "create", "Autumn", "--format", "json"], &env));
    let id = created["id"].as_str().expect("campaign id").to_owned();
    for status in ["ready", "submitted", "archived"] {
        let changed = json(&machine.run(
            &["campaigns", "set-status", &id, status, "--format", "json"],
            &env,
        ));
        assert_eq!(changed["status"], status);
    }
    let back = machine.run(
        &["campaigns", "set-status", &id, "draft", "--format", "json"],
        &env,
    );
    assert_eq!(error_code(&back), "http.conflict");
}

#[test]
fn invitation_accept_then_sign_in() {
    let service = Service::start("");
    let admin = Machine::new();
    let env = admin.login(&service, Role::Admin);
    let email = "joiner@acme.example";
    let invitation = json(&admin.run(
        &[
            "members", "invite", email, "--role", "marketer", "--format", "json",
        ],
        &env,
    ));
    let token = invitation["token"].as_str().expect("invitation token");

    // The invitee uses another machine, with no earlier sign-in.
    let invitee = Machine::new();
    let ca = path_text(&service.ca_file);
    let accept_args = [
        "accept-invite",
        "--server",
        &service.url,
        "--ca-file",
        &ca,
        "--name",
        "Jo Iner",
        "--secrets-stdin",
    ];
    let password = "a long enough password";
    let short = invitee.run_with_input(&accept_args, &format!("{token}\nshort\n"), &[]);
    assert_eq!(short.status.code(), Some(1), "{}", stderr(&short));
    assert!(stderr(&short).contains("12"), "{}", stderr(&short));

    let accepted = invitee.run_with_input(&accept_args, &format!("{token}\n{password}\n"), &[]);
    assert_success(&accepted);
    let text = stdout(&accepted);
    assert!(text.contains(email), "{text}");
    assert!(text.contains("sealpost login"), "{text}");
    assert!(text.contains(&format!("--ca-file {ca}")), "{text}");
    assert!(!text.contains(token), "{text}");
    assert!(!stderr(&accepted).contains(password));

    let again = invitee.run_with_input(&accept_args, &format!("{token}\n{password}\n"), &[]);
    assert_eq!(again.status.code(), Some(1));
    assert!(
        stderr(&again).contains("ask for a new one"),
        "{}",
        stderr(&again)
    );

    let login = invitee.run_with_input(
        &[
            "login",
            "--server",
            &service.url,
            "--ca-file",
            &ca,
            "--email",
            email,
            "--password-stdin",
            "--store",
            "file",
            "--format",
            "json",
        ],
        &format!("{password}\n"),
        &[("SEALPOST_PASSPHRASE", "joiner passphrase")],
    );
    let signed_in = json(&login);
    assert_eq!(signed_in["email"], email);
    assert_eq!(signed_in["role"], "marketer");
    let me = json(&invitee.run(
        &["whoami", "--format", "json"],
        &[("SEALPOST_PASSPHRASE", "joiner passphrase")],
    ));
    assert_eq!(me["member"]["name"], "Jo Iner");
}

#[test]
fn invitation_secrets_not_in_argv() {
    let machine = Machine::new();
    let no_input = machine.run(
        &[
            "accept-invite",
            "--server",
            "https://127.0.0.1:9",
            "--name",
            "Someone",
        ],
        &[],
    );
    assert_eq!(no_input.status.code(), Some(1));
    assert!(
        stderr(&no_input).contains("--secrets-stdin"),
        "{}",
        stderr(&no_input)
    );
    let token_flag = machine.run(
        &[
            "accept-invite",
            "--server",
            "https://127.0.0.1:9",
            "--name",
            "Someone",
            "--token",
            "spi_x",
        ],
        &[],
    );
    assert_eq!(token_flag.status.code(), Some(2));
    let not_a_token = machine.run_with_input(
        &[
            "accept-invite",
            "--server",
            "https://127.0.0.1:9",
            "--name",
            "Someone",
            "--secrets-stdin",
        ],
        "sps_session_token\na long enough password\n",
        &[],
    );
    assert_eq!(not_a_token.status.code(), Some(1));
    assert!(
        stderr(&not_a_token).contains("spi_"),
        "{}",
        stderr(&not_a_token)
    );
}
