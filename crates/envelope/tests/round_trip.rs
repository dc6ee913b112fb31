//! Seal/open round trips, streaming equivalence and resume from every offset.

mod common;

use std::io::{Cursor, Read};

use common::{metadata_for, open_all, plaintext, seal_with_reader, seal_with_writer};
use proptest::prelude::*;
use sealpost_envelope::{Identity, Metadata, ResumableSealer, UploadSecrets, ciphertext_len};

fn identity() -> Identity {
    Identity::derive(&[42; 32])
}

/// Plaintext lengths around chunk boundaries plus multi-chunk ones.
fn boundary_lengths(chunk: usize) -> Vec<usize> {
    vec![0, 1, chunk - 1, chunk, chunk + 1, 2 * chunk, 3 * chunk + 5]
}

#[test]
fn round_trip_boundary_sizes() {
    let identity = identity();
    for chunk in [64u32, 100, 65536] {
        for len in boundary_lengths(chunk as usize) {
            let plaintext = plaintext(len);
            let secrets =
                UploadSecrets::new(identity.recipient(), metadata_for(&plaintext), chunk).unwrap();
            let envelope = seal_with_writer(&secrets, &plaintext, 1000);
            assert_eq!(
                envelope.len() as u64,
                secrets.ciphertext_len(len as u64).unwrap(),
                "chunk {chunk} len {len}"
            );
            assert_eq!(
                open_all(&envelope, &identity).unwrap(),
                plaintext,
                "chunk {chunk} len {len}"
            );
        }
    }
}

#[test]
fn opener_returns_metadata() {
    let identity = identity();
    let plaintext = plaintext(10);
    let mut metadata = metadata_for(&plaintext);
    metadata
        .column_mapping
        .insert("Postcode".into(), "postal_code".into());
    let secrets = UploadSecrets::new(identity.recipient(), metadata.clone(), 64).unwrap();
    let envelope = seal_with_writer(&secrets, &plaintext, 3);
    let opener = sealpost_envelope::Opener::new(&envelope[..], &identity).unwrap();
    assert_eq!(opener.metadata(), &metadata);
}

#[test]
fn seal_function_round_trip() {
    let identity = identity();
    let plaintext = plaintext(5000);
    let mut envelope = Vec::new();
    let sealed = sealpost_envelope::seal(
        identity.recipient(),
        Metadata::default(),
        256,
        &plaintext[..],
        &mut envelope,
    )
    .unwrap();
    assert_eq!(sealed, 5000);
    assert_eq!(open_all(&envelope, &identity).unwrap(), plaintext);
    assert_eq!(
        envelope.len() as u64
            - sealpost_envelope::inspect(&envelope[..])
                .unwrap()
                .header_len,
        ciphertext_len(5000, 256).unwrap()
    );
}

#[test]
fn resume_from_every_chunk_boundary() {
    let identity = identity();
    let chunk = 64u32;
    let sealed_chunk = chunk as u64 + 16;
    for len in boundary_lengths(chunk as usize) {
        let plaintext = plaintext(len);
        let secrets =
            UploadSecrets::new(identity.recipient(), metadata_for(&plaintext), chunk).unwrap();
        let single_pass = seal_with_reader(&secrets, &plaintext);
        let header_len = secrets.header_bytes().len() as u64;
        let total = single_pass.len() as u64;
        let mut offsets: Vec<u64> = (0..)
            .map(|i| header_len + i * sealed_chunk)
            .take_while(|&o| o <= total)
            .collect();
        offsets.extend([0, 1, header_len - 1, total]);
        for offset in offsets {
            let mut resumed = Vec::new();
            ResumableSealer::from_offset(&secrets, Cursor::new(&plaintext), offset)
                .unwrap()
                .read_to_end(&mut resumed)
                .unwrap();
            assert_eq!(
                resumed,
                single_pass[offset as usize..],
                "len {len} offset {offset}"
            );
        }
    }
}

#[test]
fn resume_rejects_offset_past_end() {
    let identity = identity();
    let plaintext = plaintext(100);
    let secrets = UploadSecrets::new(identity.recipient(), metadata_for(&plaintext), 64).unwrap();
    let total = secrets.ciphertext_len(100).unwrap();
    let result = ResumableSealer::from_offset(&secrets, Cursor::new(&plaintext), total + 1);
    assert!(matches!(
        result,
        Err(sealpost_envelope::Error::OffsetOutOfRange { .. })
    ));
}

#[test]
fn resume_rejects_changed_source() {
    let identity = identity();
    let plaintext = plaintext(100);
    let secrets = UploadSecrets::new(identity.recipient(), metadata_for(&plaintext), 64).unwrap();
    let longer = common::plaintext(101);
    let result = ResumableSealer::from_offset(&secrets, Cursor::new(&longer), 0);
    assert!(matches!(
        result,
        Err(sealpost_envelope::Error::SourceChanged(_))
    ));
}

#[test]
fn resume_after_restoring_saved_secrets() {
    let identity = identity();
    let plaintext = plaintext(1000);
    let secrets = UploadSecrets::new(identity.recipient(), metadata_for(&plaintext), 128).unwrap();
    let single_pass = seal_with_reader(&secrets, &plaintext);
    let restored = UploadSecrets::from_bytes(&secrets.to_bytes()).unwrap();
    let mut resumed = Vec::new();
    ResumableSealer::from_offset(&restored, Cursor::new(&plaintext), 500)
        .unwrap()
        .read_to_end(&mut resumed)
        .unwrap();
    assert_eq!(resumed, single_pass[500..]);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn round_trip_random_sizes(chunk in 64u32..300, len in 0usize..2000, piece in 1usize..700) {
        let identity = identity();
        let plaintext = plaintext(len);
        let secrets = UploadSecrets::new(identity.recipient(), metadata_for(&plaintext), chunk).unwrap();
        let written = seal_with_writer(&secrets, &plaintext, piece);
        let read = seal_with_reader(&secrets, &plaintext);
        prop_assert_eq!(&written, &read);
        prop_assert_eq!(written.len() as u64, secrets.ciphertext_len(len as u64).unwrap());
        prop_assert_eq!(open_all(&written, &identity).unwrap(), plaintext);
    }

    #[test]
    fn resume_any_offset_matches_single_pass(chunk in 64u32..200, len in 0usize..1500, fraction in 0.0f64..=1.0) {
        let identity = identity();
        let plaintext = plaintext(len);
        let secrets = UploadSecrets::new(identity.recipient(), Metadata::default(), chunk).unwrap();
        let single_pass = seal_with_reader(&secrets, &plaintext);
        let offset = (single_pass.len() as f64 * fraction) as usize;
        let mut resumed = Vec::new();
        ResumableSealer::from_offset(&secrets, Cursor::new(&plaintext), offset as u64)
            .unwrap()
            .read_to_end(&mut resumed)
            .unwrap();
        prop_assert_eq!(&resumed[..], &single_pass[offset..]);
    }
}

#[test]
fn write_to_matches_read() {
    let identity = identity();
    for len in boundary_lengths(64) {
        let plaintext = plaintext(len);
        let secrets =
            UploadSecrets::new(identity.recipient(), metadata_for(&plaintext), 64).unwrap();
        let single_pass = seal_with_reader(&secrets, &plaintext);

        let mut sealed = Vec::new();
        let written = ResumableSealer::new(&secrets, &plaintext[..])
            .write_to(&mut sealed)
            .unwrap();
        assert_eq!(sealed, single_pass, "len {len}");
        assert_eq!(written, single_pass.len() as u64, "len {len}");

        let mut resumed = Vec::new();
        let offset = single_pass.len() / 2;
        ResumableSealer::from_offset(&secrets, Cursor::new(&plaintext), offset as u64)
            .unwrap()
            .write_to(&mut resumed)
            .unwrap();
        assert_eq!(resumed, single_pass[offset..], "len {len}");

        let mut opened = Vec::new();
        let mut opener = sealpost_envelope::Opener::new(&single_pass[..], &identity).unwrap();
        let opened_len = opener.write_to(&mut opened).unwrap();
        assert_eq!(opened, plaintext, "len {len}");
        assert_eq!(opened_len, len as u64, "len {len}");
    }
}

#[test]
fn opener_picks_identity_by_key_id() {
    let old_key = Identity::derive(&[1; 32]);
    let new_key = Identity::derive(&[2; 32]);
    let unrelated = Identity::derive(&[3; 32]);
    let plaintext = plaintext(100);
    let secrets = UploadSecrets::new(old_key.recipient(), Metadata::default(), 64).unwrap();
    let envelope = seal_with_reader(&secrets, &plaintext);

    let identities = [new_key.clone(), old_key.clone()];
    let mut opener =
        sealpost_envelope::Opener::with_identities(&envelope[..], &identities).unwrap();
    let mut opened = Vec::new();
    opener.read_to_end(&mut opened).unwrap();
    assert_eq!(opened, plaintext);

    let result = sealpost_envelope::Opener::with_identities(&envelope[..], &[new_key, unrelated]);
    assert!(
        matches!(result, Err(sealpost_envelope::Error::NoMatchingIdentity { found }) if found == old_key.key_id())
    );
}
