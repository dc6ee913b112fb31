//! Any change to an envelope fails to open and releases no plaintext of a failing chunk.

mod common;

use common::{metadata_for, open_all, open_partial, plaintext, seal_with_writer};
use proptest::prelude::*;
use sealpost_envelope::{Error, Identity, Metadata, UploadSecrets, inspect};

const CHUNK: u32 = 64;
const SEALED_CHUNK: usize = CHUNK as usize + 16;

fn identity() -> Identity {
    Identity::derive(&[7; 32])
}

/// Plaintext bytes of the chunks that end before `offset` in the payload.
fn releasable_before(offset: usize, header_len: usize) -> usize {
    offset.saturating_sub(header_len) / SEALED_CHUNK * CHUNK as usize
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn every_bit_flip_fails(len in 0usize..400, position in any::<prop::sample::Index>(), bit in 0u8..8) {
        let identity = identity();
        let plaintext = plaintext(len);
        let secrets = UploadSecrets::new(identity.recipient(), metadata_for(&plaintext), CHUNK).unwrap();
        let mut envelope = seal_with_writer(&secrets, &plaintext, 33);
        let header_len = secrets.header_bytes().len();
        let offset = position.index(envelope.len());
        envelope[offset] ^= 1 << bit;
        let (released, result) = open_partial(&envelope, &identity);
        prop_assert!(result.is_err(), "flip at {} opened", offset);
        prop_assert!(released.len() <= releasable_before(offset, header_len), "released {} bytes, flip at {}", released.len(), offset);
        prop_assert_eq!(&released[..], &plaintext[..released.len()]);
    }

    #[test]
    fn every_truncation_fails(len in 0usize..400, cut in any::<prop::sample::Index>()) {
        let identity = identity();
        let plaintext = plaintext(len);
        let secrets = UploadSecrets::new(identity.recipient(), Metadata::default(), CHUNK).unwrap();
        let envelope = seal_with_writer(&secrets, &plaintext, 100);
        let keep = cut.index(envelope.len());
        let (released, result) = open_partial(&envelope[..keep], &identity);
        prop_assert!(result.is_err(), "truncated to {} of {} bytes opened", keep, envelope.len());
        prop_assert_eq!(&released[..], &plaintext[..released.len()]);
    }
}

#[test]
fn extension_fails() {
    let identity = identity();
    for len in [0, 1, 63, 64, 65, 128] {
        let plaintext = plaintext(len);
        let secrets = UploadSecrets::new(identity.recipient(), Metadata::default(), CHUNK).unwrap();
        let envelope = seal_with_writer(&secrets, &plaintext, 100);
        for extra in [&[0u8][..], &[0; 16], &envelope[envelope.len() - 16..]] {
            let extended = [&envelope[..], extra].concat();
            assert!(
                open_all(&extended, &identity).is_err(),
                "len {len} extended by {}",
                extra.len()
            );
        }
    }
}

#[test]
fn opener_stops_after_failure() {
    let identity = identity();
    let plaintext = plaintext(300);
    let secrets = UploadSecrets::new(identity.recipient(), Metadata::default(), CHUNK).unwrap();
    let mut envelope = seal_with_writer(&secrets, &plaintext, 100);
    let header_len = inspect(&envelope[..]).unwrap().header_len as usize;
    envelope[header_len + SEALED_CHUNK + 1] ^= 1;
    let mut opener = sealpost_envelope::Opener::new(&envelope[..], &identity).unwrap();
    let mut buf = [0u8; 1024];
    let mut total = 0;
    let first_error = loop {
        match std::io::Read::read(&mut opener, &mut buf) {
            Ok(read) => total += read,
            Err(error) => break sealpost_envelope::from_io_error(error),
        }
    };
    assert_eq!(total, CHUNK as usize);
    assert!(
        matches!(first_error, Error::ChunkAuthentication { chunk: 1 }),
        "{first_error:?}"
    );
    let again = std::io::Read::read(&mut opener, &mut buf).unwrap_err();
    assert!(matches!(
        sealpost_envelope::from_io_error(again),
        Error::Failed
    ));
}

#[test]
fn sealer_rejects_size_other_than_declared() {
    let identity = identity();
    let plaintext = plaintext(100);
    let mut metadata = metadata_for(&plaintext);
    metadata.plaintext_size = Some(99);
    let secrets = UploadSecrets::new(identity.recipient(), metadata, CHUNK).unwrap();
    let mut sealer = sealpost_envelope::Sealer::new(&secrets, Vec::new()).unwrap();
    let error = std::io::Write::write_all(&mut sealer, &plaintext).unwrap_err();
    assert!(matches!(
        sealpost_envelope::from_io_error(error),
        Error::SizeMismatch {
            declared: 99,
            actual: 100
        }
    ));

    let mut metadata = metadata_for(&plaintext);
    metadata.plaintext_size = Some(101);
    let secrets = UploadSecrets::new(identity.recipient(), metadata, CHUNK).unwrap();
    let mut sealer = sealpost_envelope::Sealer::new(&secrets, Vec::new()).unwrap();
    std::io::Write::write_all(&mut sealer, &plaintext).unwrap();
    assert!(matches!(
        sealer.finish(),
        Err(Error::SizeMismatch {
            declared: 101,
            actual: 100
        })
    ));
}

#[test]
fn opener_rejects_wrong_digest_before_last_chunk_release() {
    let identity = identity();
    let plaintext = plaintext(150);
    let mut metadata = metadata_for(&plaintext);
    metadata.sha256 = Some([0; 32]);
    let secrets = UploadSecrets::new(identity.recipient(), metadata, CHUNK).unwrap();
    let envelope = seal_with_writer(&secrets, &plaintext, 100);
    let (released, result) = open_partial(&envelope, &identity);
    assert!(matches!(result, Err(Error::DigestMismatch)), "{result:?}");
    assert_eq!(released.len(), 128, "the last chunk must be withheld");
}

#[test]
fn header_limits_checked_before_allocation() {
    let identity = identity();
    let secrets = UploadSecrets::new(identity.recipient(), Metadata::default(), CHUNK).unwrap();
    let mut header = secrets.header_bytes().to_vec();
    header[140..144].copy_from_slice(&u32::MAX.to_be_bytes());
    assert!(matches!(
        inspect(&header[..]),
        Err(Error::InvalidMetadataLength(_))
    ));
    header[136..140].copy_from_slice(&u32::MAX.to_be_bytes());
    assert!(matches!(
        inspect(&header[..]),
        Err(Error::InvalidChunkSize(u32::MAX))
    ));
}

#[test]
fn not_an_envelope_for_other_input() {
    for input in [&b""[..], b"name,postcode\n", b"SEAL"] {
        let result = inspect(input);
        let expected = if input.is_empty() || input == b"SEAL" {
            "truncated"
        } else {
            "not"
        };
        match (expected, result) {
            ("truncated", Err(Error::TruncatedHeader(_))) | ("not", Err(Error::NotAnEnvelope)) => {}
            (_, other) => panic!("input {input:?} gave {other:?}"),
        }
    }
}

#[test]
fn write_to_stops_before_bad_chunk() {
    let identity = identity();
    let plaintext = plaintext(300);
    let secrets = UploadSecrets::new(identity.recipient(), Metadata::default(), CHUNK).unwrap();
    let mut envelope = seal_with_writer(&secrets, &plaintext, 100);
    let header_len = inspect(&envelope[..]).unwrap().header_len as usize;
    envelope[header_len + 2 * SEALED_CHUNK + 1] ^= 1;
    let mut opener = sealpost_envelope::Opener::new(&envelope[..], &identity).unwrap();
    let mut released = Vec::new();
    let error = opener.write_to(&mut released).unwrap_err();
    assert!(
        matches!(error, Error::ChunkAuthentication { chunk: 2 }),
        "{error:?}"
    );
    assert_eq!(released, plaintext[..2 * CHUNK as usize]);
}
