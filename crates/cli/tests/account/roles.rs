use sealpost_api::Role;

use crate::harness::{Machine, Service, error_code, stderr};

#[test]
fn marketer_cannot_manage_members() {
    let service = Service::start("");
    let machine = Machine::new();
    let env = machine.login(&service, Role::Marketer);
    let output = machine.run(&["members", "list", "--format", "json"], &env);
    assert_eq!(error_code(&output), "permission.denied");

    let text = machine.run(&["members"], &env);
    let message = stderr(&text);
    assert!(message.contains("members:read"), "{message}");
    assert!(message.contains("ask an admin"), "{message}");

    let audit = machine.run(&["audit", "list", "--format", "json"], &env);
    assert_eq!(error_code(&audit), "permission.denied");
}

#[test]
fn support_cannot_create_campaigns() {
    let service = Service::start("");
    let machine = Machine::new();
    let env = machine.login(&service, Role::Support);
    let output = machine.run(&["campaigns", "create", "Spring", "--format", "json"], &env);
    assert_eq!(error_code(&output), "permission.denied");
    let invite = machine.run(
        &[
            "members",
            "invite",
            "new@acme.example",
            "--role",
            "marketer",
            "--format",
            "json",
        ],
        &env,
    );
    assert_eq!(error_code(&invite), "permission.denied");
}

#[test]
fn marketer_token_scope_limited() {
    let service = Service::start("");
    let machine = Machine::new();
    let env = machine.login(&service, Role::Marketer);
    // A marketer cannot give a token a scope the role lacks.
    let output = machine.run(
        &[
            "tokens",
            "create",
            "--name",
            "x",
            "--scope",
            "audit:read",
            "--format",
            "json",
        ],
        &env,
    );
    assert_eq!(error_code(&output), "permission.denied");
    assert!(
        stderr(&output).contains("audit:read"),
        "{}",
        stderr(&output)
    );
}
