//! Opens arbitrary or damaged envelopes; the opener must never panic, and whatever it
//! releases must be plaintext of the untouched envelope.
//!
//! The first byte picks the mode, so the fuzzer reaches past the header checks without a
//! seed corpus: 0-63 opens the input as an envelope, 64-127 flips bits of a valid
//! envelope at positions the input chooses, 128-191 truncates or extends a valid
//! envelope, and 192-255 decodes the input as saved upload secrets.

#![no_main]

use std::io::Read;
use std::sync::OnceLock;

use sealpost_envelope::{Identity, Metadata, Opener, UploadSecrets, digest_plaintext, inspect};

/// Plaintext of the valid envelope: several 64-byte chunks and a partial one.
const PLAINTEXT_LEN: usize = 300;

struct Fixture {
    identity: Identity,
    plaintext: Vec<u8>,
    envelope: Vec<u8>,
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let identity = Identity::derive(&[0x5e; 32]);
        let plaintext: Vec<u8> = (0..PLAINTEXT_LEN).map(|i| (i * 7) as u8).collect();
        let (digest, size) = digest_plaintext(&plaintext[..]).expect("reading memory cannot fail");
        let metadata = Metadata {
            file_name: Some("fuzz.csv".into()),
            plaintext_size: Some(size),
            sha256: Some(digest),
            ..Metadata::default()
        };
        let mut envelope = Vec::new();
        sealpost_envelope::seal(
            identity.recipient(),
            metadata,
            64,
            &plaintext[..],
            &mut envelope,
        )
        .expect("sealing into memory cannot fail");
        Fixture {
            identity,
            plaintext,
            envelope,
        }
    })
}

/// Opens `envelope` and returns the released plaintext and whether it opened completely.
fn open(envelope: &[u8], identity: &Identity) -> (Vec<u8>, bool) {
    let _ = inspect(envelope);
    let Ok(mut opener) = Opener::new(envelope, identity) else {
        return (Vec::new(), false);
    };
    let mut released = Vec::new();
    let mut buf = [0u8; 97];
    loop {
        match opener.read(&mut buf) {
            Ok(0) => return (released, true),
            Ok(read) => released.extend_from_slice(&buf[..read]),
            Err(_) => return (released, false),
        }
    }
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let fixture = fixture();
    match mode {
        0..=63 => {
            let _ = open(rest, &fixture.identity);
        }
        64..=127 => {
            let mut envelope = fixture.envelope.clone();
            for pair in rest.chunks_exact(3) {
                let position = usize::from(u16::from_le_bytes([pair[0], pair[1]])) % envelope.len();
                envelope[position] ^= pair[2];
            }
            let (released, complete) = open(&envelope, &fixture.identity);
            if envelope != fixture.envelope {
                assert!(!complete, "a modified envelope opened");
            }
            assert_eq!(
                released,
                fixture.plaintext[..released.len()],
                "released plaintext differs"
            );
        }
        128..=191 => {
            let cut = rest.first().map_or(0, |&byte| usize::from(byte) * 2);
            let mut envelope =
                fixture.envelope[..fixture.envelope.len().saturating_sub(cut)].to_vec();
            envelope.extend_from_slice(rest.get(1..).unwrap_or_default());
            let (released, complete) = open(&envelope, &fixture.identity);
            if envelope != fixture.envelope {
                assert!(!complete, "a truncated or extended envelope opened");
            }
            assert_eq!(
                released,
                fixture.plaintext[..released.len()],
                "released plaintext differs"
            );
        }
        _ => {
            if let Ok(secrets) = UploadSecrets::from_bytes(rest) {
                let _ = secrets.ciphertext_len(u64::from(mode));
            }
        }
    }
});
