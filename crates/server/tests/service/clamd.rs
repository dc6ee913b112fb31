//! The clamd client against a real clamd, started by scripts/test with a signature
//! database built there (see scripts/server-clamd.sh).

use std::time::Duration;

use sealpost_server::clamd::{Clamd, ClamdAddress, Verdict};

const MARKER: &str = "SEALPOST-CLAMD-TEST-MARKER";

fn eicar() -> Vec<u8> {
    // Assembled at run time so that this source file does not match EICAR signatures.
    let mut text = String::from("X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-");
    text.push_str("STANDARD-ANTIVIRUS-TEST-FILE!$H+H*");
    text.into_bytes()
}

/// The test clamd, or `None` (with the reason printed) when the stage did not start one.
fn clamd() -> Option<Clamd> {
    match std::env::var("SEALPOST_TEST_CLAMD") {
        Ok(address) if !address.is_empty() => {
            let address: ClamdAddress = address.parse().expect("SEALPOST_TEST_CLAMD is valid");
            Some(Clamd::new(address, Duration::from_secs(60)))
        }
        _ => {
            eprintln!(
                "skipped: SEALPOST_TEST_CLAMD is unset; scripts/test starts clamd and sets it"
            );
            None
        }
    }
}

#[tokio::test]
async fn clamd_finds_eicar_and_the_custom_marker() {
    let Some(clamd) = clamd() else { return };
    assert!(clamd.version().await.unwrap().starts_with("ClamAV"));
    assert_eq!(
        clamd.scan(&eicar()[..]).await.unwrap(),
        Verdict::Infected("Eicar-Test-Signature.UNOFFICIAL".to_owned())
    );
    // The marker straddles the client's 64 KiB chunk boundary, so the framing must be
    // right for clamd to see it whole.
    let mut list = b"name,postcode\n".repeat(5000);
    list.truncate(64 * 1024 - 10);
    list.extend_from_slice(MARKER.as_bytes());
    list.extend_from_slice(b"\nAda,NW1\n");
    assert_eq!(
        clamd.scan(&list[..]).await.unwrap(),
        Verdict::Infected("Sealpost-Test-Marker.UNOFFICIAL".to_owned())
    );
}

#[tokio::test]
async fn clamd_passes_a_clean_list() {
    let Some(clamd) = clamd() else { return };
    let list = b"name,address,postcode\nAda Lovelace,12 St James's Square,SW1Y 4JH\n".repeat(3000);
    assert_eq!(clamd.scan(&list[..]).await.unwrap(), Verdict::Clean);
}

#[tokio::test]
async fn stream_over_the_limit_is_never_clean() {
    let Some(clamd) = clamd() else { return };
    // The test clamd has StreamMaxLength 10M.
    let big = vec![b'a'; 11 * 1024 * 1024];
    let verdict = clamd.scan(&big[..]).await;
    assert!(matches!(verdict, Ok(Verdict::NotScanned(_))), "{verdict:?}");
}
