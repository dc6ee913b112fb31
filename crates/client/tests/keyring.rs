//! The OS keyring through `KeyringStore`.
//!
//! `keyring_round_trip` needs a running, unlocked Secret Service, so it is skipped unless
//! `SEALPOST_TEST_KEYRING=1`; `scripts/client-keyring-check` provides one and runs it.

use sealpost_client::Token;
use sealpost_client::secrets::keyring::KEYRING_SERVICE;
use sealpost_client::secrets::{KeyringStore, keyring_status};

#[test]
fn keyring_round_trip() {
    if std::env::var("SEALPOST_TEST_KEYRING").as_deref() != Ok("1") {
        eprintln!("skipped: set SEALPOST_TEST_KEYRING=1 inside a D-Bus session with a keyring");
        return;
    }
    keyring_status().expect("the keyring is usable");
    let url = format!("https://127.0.0.1:{}", std::process::id());
    let store = KeyringStore::new(&url);
    let token = Token::new(format!("sps_keyring-test-{}", std::process::id()));
    store.save(&token).expect("token stored");

    // A second, independent entry reads what the first one wrote.
    let second = keyring::Entry::new(KEYRING_SERVICE, &url).expect("second entry");
    assert_eq!(
        second.get_password().expect("token read back"),
        token.expose()
    );
    let loaded = store.load().expect("load works").expect("token present");
    assert_eq!(loaded.expose(), token.expose());

    store.delete().expect("token deleted");
    assert!(
        store.load().expect("load works").is_none(),
        "token gone after delete"
    );
    assert!(matches!(
        second.get_password(),
        Err(keyring::Error::NoEntry)
    ));
}
