//! Checks that ui/src/bindings/ matches the Rust types.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn checked_in() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/bindings")
}

fn read_folder(directory: &Path) -> BTreeMap<String, String> {
    let mut files = BTreeMap::new();
    let Ok(entries) = std::fs::read_dir(directory) else {
        return files;
    };
    for entry in entries {
        let entry = entry.unwrap();
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(".ts") {
            files.insert(name, std::fs::read_to_string(entry.path()).unwrap());
        }
    }
    files
}

#[test]
fn bindings_are_current() {
    let generated = tempfile::tempdir().unwrap();
    sealpost_app::bindings::export_all(generated.path()).unwrap();
    let expected = read_folder(generated.path());

    if std::env::var_os("SEALPOST_WRITE_BINDINGS").is_some() {
        let target = checked_in();
        std::fs::create_dir_all(&target).unwrap();
        for name in read_folder(&target).keys() {
            if !expected.contains_key(name) {
                std::fs::remove_file(target.join(name)).unwrap();
            }
        }
        for (name, text) in &expected {
            std::fs::write(target.join(name), text).unwrap();
        }
        return;
    }

    let actual = read_folder(&checked_in());
    let stale: Vec<&String> = expected
        .iter()
        .filter(|(name, text)| actual.get(*name) != Some(text))
        .map(|(name, _)| name)
        .collect();
    let extra: Vec<&String> = actual
        .keys()
        .filter(|name| !expected.contains_key(*name))
        .collect();
    assert!(
        stale.is_empty() && extra.is_empty(),
        "ui/src/bindings is stale (changed or missing: {stale:?}; not generated: {extra:?}); \
         run scripts/app-bindings-check --write"
    );
}
