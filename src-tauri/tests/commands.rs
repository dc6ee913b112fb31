//! Checks that every registered command has a permission and that the capability grants
//! nothing else.

use std::collections::BTreeSet;
use std::path::Path;

fn read(relative: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(relative)).unwrap()
}

/// Returns the strings quoted on the lines of `text` between `start` and the next `end`.
fn quoted_between(text: &str, start: &str, end: &str) -> BTreeSet<String> {
    let from = text.find(start).unwrap() + start.len();
    let to = from + text[from..].find(end).unwrap();
    text[from..to]
        .split('"')
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect()
}

fn registered_commands() -> BTreeSet<String> {
    let lib = read("src/lib.rs");
    let from = lib.find("generate_handler![").unwrap();
    let to = from + lib[from..].find(']').unwrap();
    lib[from..to]
        .split(',')
        .filter_map(|path| path.trim().rsplit("::").next())
        .filter(|name| !name.is_empty() && !name.contains('['))
        .map(str::to_owned)
        .collect()
}

#[test]
fn build_script_lists_every_command() {
    let listed = quoted_between(&read("build.rs"), "const COMMANDS: &[&str] = &[", "];");
    assert_eq!(listed, registered_commands());
}

#[test]
fn permission_set_allows_every_command() {
    let allowed = quoted_between(
        &read("permissions/app-commands.toml"),
        "permissions = [",
        "]",
    );
    let expected: BTreeSet<String> = registered_commands()
        .iter()
        .map(|name| format!("allow-{}", name.replace('_', "-")))
        .collect();
    assert_eq!(allowed, expected);
}

#[test]
fn capability_has_no_remote_urls() {
    let capability = read("capabilities/default.json");
    assert!(!capability.contains("\"remote\""), "{capability}");
    assert!(!capability.contains("http"), "{capability}");
}

#[test]
fn csp_allows_no_remote_sources() {
    let config: serde_json::Value = serde_json::from_str(&read("tauri.conf.json")).unwrap();
    let csp = &config["app"]["security"]["csp"];
    for (directive, value) in csp.as_object().unwrap() {
        let value = value.as_str().unwrap();
        for source in value.split_whitespace() {
            let local = source.starts_with('\'')
                || source == "data:"
                || source == "ipc:"
                || source == "http://ipc.localhost";
            assert!(local, "{directive} allows {source}");
        }
    }
    assert!(config["build"].get("devUrl").is_none());
}
