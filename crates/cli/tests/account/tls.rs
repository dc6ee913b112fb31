use sealpost_api::Role;

use crate::harness::{Machine, Service, assert_success, error_code, path_text, stderr};

#[test]
fn unknown_ca_named_then_accepted() {
    let service = Service::start("");
    let machine = Machine::new();
    let member = service.member(Role::Marketer);
    let login = |extra: &[&str]| {
        let mut args = vec![
            "login",
            "--server",
            &service.url,
            "--email",
            &member.email,
            "--password-stdin",
            "--store",
            "none",
            "--format",
            "json",
        ];
        args.extend_from_slice(extra);
        machine.run_with_input(&args, &format!("{}\n", member.password), &[])
    };

    let rejected = login(&[]);
    assert_eq!(error_code(&rejected), "tls.unknown_issuer");
    let message = stderr(&rejected);
    assert!(
        message.contains("unknown certificate authority"),
        "{message}"
    );
    assert!(message.contains("--ca-file"), "{message}");

    let ca = path_text(&service.ca_file);
    assert_success(&login(&["--ca-file", &ca]));
}

#[test]
fn missing_ca_file_reported() {
    let machine = Machine::new();
    let output = machine.run_with_input(
        &[
            "login",
            "--server",
            "https://127.0.0.1:9",
            "--ca-file",
            "/nonexistent/ca.pem",
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
    assert_eq!(error_code(&output), "config.ca_file");
}
