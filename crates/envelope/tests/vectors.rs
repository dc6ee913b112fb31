//! Known-answer and failure vectors under `tests/vectors/`.
//!
//! `known_answer.json` fixes every random input (data key, nonce prefix, HPKE ephemeral
//! key material), so sealing must reproduce each envelope byte for byte and opening must
//! return the plaintext. `failures.json` holds damaged envelopes, named `fail_*`, with the
//! error each must raise and how much plaintext may be released before it. Regenerate both
//! with `cargo test -p sealpost-envelope --test vectors -- --ignored` after a deliberate
//! format change, and review the diff.

mod common;

use std::path::PathBuf;

use common::{error_code, open_partial, plaintext, seal_with_writer};
use sealpost_envelope::{Identity, Metadata, UploadSecrets, inspect};
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize)]
struct KnownAnswerFile {
    description: String,
    identity_secret_key: String,
    recipient_public_key: String,
    key_id: String,
    vectors: Vec<KnownAnswer>,
}

#[derive(Serialize, Deserialize)]
struct KnownAnswer {
    name: String,
    chunk_size: u32,
    data_key: String,
    nonce_prefix: String,
    ephemeral_ikm: String,
    metadata_json: String,
    plaintext: String,
    envelope: String,
}

#[derive(Serialize, Deserialize)]
struct FailureFile {
    description: String,
    identity_secret_key: String,
    vectors: Vec<Failure>,
}

#[derive(Serialize, Deserialize)]
struct Failure {
    name: String,
    description: String,
    expected_error: String,
    /// Plaintext bytes an opener may release before failing: the chunks before the bad one.
    released_plaintext: String,
    envelope: String,
}

fn vectors_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/vectors")
}

/// The recipient of every known-answer vector.
fn identity() -> Identity {
    Identity::derive(&std::array::from_fn(|i| i as u8))
}

/// A second recipient, for the wrong-recipient vectors.
fn other_identity() -> Identity {
    Identity::derive(&std::array::from_fn(|i| 0x80 + i as u8))
}

fn full_metadata(plaintext: &[u8]) -> Metadata {
    let mut metadata = common::metadata_for(plaintext);
    metadata
        .column_mapping
        .insert("Post Code".into(), "postal_code".into());
    metadata
        .column_mapping
        .insert("Surname".into(), "last_name".into());
    metadata
}

/// Seals one known-answer case from its fixed inputs.
fn seal_case(
    recipient: &Identity,
    name: &str,
    chunk_size: u32,
    len: usize,
    seed: u8,
    with_metadata: bool,
) -> (KnownAnswer, Vec<u8>) {
    let plaintext = plaintext(len);
    let metadata = if with_metadata {
        full_metadata(&plaintext)
    } else {
        Metadata::default()
    };
    let data_key = [seed; 32];
    let nonce_prefix = [seed.wrapping_add(1); 7];
    let ephemeral_ikm = [seed.wrapping_add(2); 32];
    let secrets = UploadSecrets::new_for_test_vectors(
        recipient.recipient(),
        metadata.clone(),
        chunk_size,
        data_key,
        nonce_prefix,
        ephemeral_ikm,
    )
    .unwrap();
    let envelope = seal_with_writer(&secrets, &plaintext, 50);
    let case = KnownAnswer {
        name: name.into(),
        chunk_size,
        data_key: hex::encode(data_key),
        nonce_prefix: hex::encode(nonce_prefix),
        ephemeral_ikm: hex::encode(ephemeral_ikm),
        metadata_json: serde_json::to_string(&metadata).unwrap(),
        plaintext: hex::encode(&plaintext),
        envelope: hex::encode(&envelope),
    };
    (case, envelope)
}

fn known_answers() -> Vec<KnownAnswer> {
    let identity = identity();
    [
        ("empty", 64, 0, false),
        ("one_byte", 64, 1, true),
        ("chunk_minus_one", 64, 63, true),
        ("exact_chunk", 64, 64, true),
        ("chunk_plus_one", 64, 65, true),
        ("multi_chunk", 64, 200, true),
        ("default_chunk_size", 65536, 100, true),
    ]
    .into_iter()
    .enumerate()
    .map(|(i, (name, chunk, len, with_metadata))| {
        seal_case(
            &identity,
            name,
            chunk,
            len,
            0x10 * (i as u8 + 1),
            with_metadata,
        )
        .0
    })
    .collect()
}

/// Returns a copy of `bytes` with bit 0 of the byte at `offset` flipped.
fn flipped(bytes: &[u8], offset: usize) -> Vec<u8> {
    let mut copy = bytes.to_vec();
    copy[offset] ^= 1;
    copy
}

fn failures() -> Vec<Failure> {
    let identity = identity();
    let (_, base) = seal_case(&identity, "multi_chunk", 64, 200, 0x60, true);
    let (_, other_file) = seal_case(&identity, "other_file", 64, 200, 0x70, true);
    let (_, other_recipient) = seal_case(&other_identity(), "other_recipient", 64, 200, 0x60, true);
    let plaintext = plaintext(200);
    let header_len = inspect(&base[..]).unwrap().header_len as usize;
    let sealed_chunk = 64 + 16;
    let chunk_start = |i: usize| header_len + i * sealed_chunk;
    let last_chunk = chunk_start(3);

    let mut reordered = base.clone();
    reordered[chunk_start(0)..chunk_start(2)].copy_from_slice(
        &[
            &base[chunk_start(1)..chunk_start(2)],
            &base[chunk_start(0)..chunk_start(1)],
        ]
        .concat(),
    );
    let mut swapped_in = base.clone();
    swapped_in[chunk_start(1)..chunk_start(2)]
        .copy_from_slice(&other_file[chunk_start(1)..chunk_start(2)]);
    let mut forged_key_id = other_recipient.clone();
    forged_key_id[17..49].copy_from_slice(identity.key_id().as_bytes());

    let cases: Vec<(&str, &str, &str, usize, Vec<u8>)> = vec![
        (
            "fail_truncated_header",
            "cut inside the fixed header",
            "truncated_header",
            0,
            base[..100].to_vec(),
        ),
        (
            "fail_truncated_metadata",
            "cut inside the encrypted metadata",
            "truncated_header",
            0,
            base[..header_len - 1].to_vec(),
        ),
        (
            "fail_truncated_no_payload",
            "header only, no chunk",
            "truncated_payload",
            0,
            base[..header_len].to_vec(),
        ),
        (
            "fail_truncated_at_chunk_boundary",
            "last chunk removed",
            "chunk_authentication",
            128,
            base[..last_chunk].to_vec(),
        ),
        (
            "fail_truncated_mid_chunk",
            "cut inside the second chunk",
            "chunk_authentication",
            64,
            base[..chunk_start(1) + 30].to_vec(),
        ),
        (
            "fail_truncated_tag",
            "last chunk shorter than a tag",
            "chunk_authentication",
            192,
            base[..last_chunk + 10].to_vec(),
        ),
        (
            "fail_extended_byte",
            "one byte appended",
            "chunk_authentication",
            192,
            [&base[..], &[0]].concat(),
        ),
        (
            "fail_extended_chunk",
            "the last chunk appended again",
            "chunk_authentication",
            192,
            [&base[..], &base[last_chunk..]].concat(),
        ),
        (
            "fail_reordered_chunks",
            "chunks 0 and 1 swapped",
            "chunk_authentication",
            0,
            reordered,
        ),
        (
            "fail_chunk_from_other_file",
            "chunk 1 taken from another envelope to the same recipient",
            "chunk_authentication",
            64,
            swapped_in,
        ),
        (
            "fail_flip_magic",
            "bit flipped in the magic",
            "not_an_envelope",
            0,
            flipped(&base, 0),
        ),
        (
            "fail_flip_version",
            "bit flipped in the version",
            "unsupported_version",
            0,
            flipped(&base, 8),
        ),
        (
            "fail_flip_suite",
            "bit flipped in the KEM id",
            "unsupported_suite",
            0,
            flipped(&base, 10),
        ),
        (
            "fail_flip_key_id",
            "bit flipped in the key id",
            "key_id_mismatch",
            0,
            flipped(&base, 17),
        ),
        (
            "fail_flip_encapsulated_key",
            "bit flipped in the HPKE encapsulated key",
            "unwrap_failed",
            0,
            flipped(&base, 49),
        ),
        (
            "fail_flip_wrapped_key",
            "bit flipped in the wrapped data key",
            "unwrap_failed",
            0,
            flipped(&base, 81),
        ),
        (
            "fail_flip_wrapped_key_tag",
            "bit flipped in the wrapped data key's tag",
            "unwrap_failed",
            0,
            flipped(&base, 128),
        ),
        (
            "fail_flip_nonce_prefix",
            "bit flipped in the nonce prefix",
            "header_authentication",
            0,
            flipped(&base, 129),
        ),
        (
            "fail_flip_chunk_size",
            "chunk size changed from 64 to 65",
            "header_authentication",
            0,
            flipped(&base, 139),
        ),
        (
            "fail_flip_metadata_len",
            "metadata length one larger",
            "header_authentication",
            0,
            flipped(&base, 143),
        ),
        (
            "fail_flip_metadata",
            "bit flipped in the encrypted metadata",
            "header_authentication",
            0,
            flipped(&base, 150),
        ),
        (
            "fail_flip_first_chunk",
            "bit flipped in chunk 0's ciphertext",
            "chunk_authentication",
            0,
            flipped(&base, chunk_start(0) + 5),
        ),
        (
            "fail_flip_first_chunk_tag",
            "bit flipped in chunk 0's tag",
            "chunk_authentication",
            0,
            flipped(&base, chunk_start(1) - 1),
        ),
        (
            "fail_flip_last_chunk",
            "bit flipped in the last chunk",
            "chunk_authentication",
            192,
            flipped(&base, last_chunk + 3),
        ),
        (
            "fail_wrong_recipient",
            "sealed to another recipient",
            "key_id_mismatch",
            0,
            other_recipient,
        ),
        (
            "fail_forged_key_id",
            "sealed to another recipient, key id replaced by this identity's",
            "unwrap_failed",
            0,
            forged_key_id,
        ),
    ];
    cases
        .into_iter()
        .map(|(name, description, error, released, envelope)| Failure {
            name: name.into(),
            description: description.into(),
            expected_error: error.into(),
            released_plaintext: hex::encode(&plaintext[..released]),
            envelope: hex::encode(envelope),
        })
        .collect()
}

fn read_json<T: for<'de> Deserialize<'de>>(name: &str) -> T {
    let path = vectors_dir().join(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()));
    serde_json::from_str(&text).unwrap()
}

#[test]
fn known_answers_seal_byte_for_byte() {
    let file: KnownAnswerFile = read_json("known_answer.json");
    let identity: Identity = format!("sealpost-identity-v1:{}", file.identity_secret_key)
        .parse()
        .unwrap();
    assert_eq!(
        hex::encode(identity.recipient().to_bytes()),
        file.recipient_public_key
    );
    assert_eq!(identity.key_id().to_string(), file.key_id);
    assert!(!file.vectors.is_empty());
    for case in &file.vectors {
        let metadata: Metadata = serde_json::from_str(&case.metadata_json).unwrap();
        let secrets = UploadSecrets::new_for_test_vectors(
            identity.recipient(),
            metadata,
            case.chunk_size,
            hex::decode(&case.data_key).unwrap().try_into().unwrap(),
            hex::decode(&case.nonce_prefix).unwrap().try_into().unwrap(),
            hex::decode(&case.ephemeral_ikm)
                .unwrap()
                .try_into()
                .unwrap(),
        )
        .unwrap();
        let plaintext = hex::decode(&case.plaintext).unwrap();
        let envelope = seal_with_writer(&secrets, &plaintext, 50);
        assert_eq!(
            hex::encode(&envelope),
            case.envelope,
            "vector {}",
            case.name
        );
    }
}

#[test]
fn known_answers_open() {
    let file: KnownAnswerFile = read_json("known_answer.json");
    let identity: Identity = format!("sealpost-identity-v1:{}", file.identity_secret_key)
        .parse()
        .unwrap();
    for case in &file.vectors {
        let envelope = hex::decode(&case.envelope).unwrap();
        let (released, result) = open_partial(&envelope, &identity);
        assert!(result.is_ok(), "vector {}: {result:?}", case.name);
        assert_eq!(
            hex::encode(released),
            case.plaintext,
            "vector {}",
            case.name
        );
    }
}

#[test]
fn failure_vectors_fail_without_releasing_bad_chunks() {
    let file: FailureFile = read_json("failures.json");
    let identity: Identity = format!("sealpost-identity-v1:{}", file.identity_secret_key)
        .parse()
        .unwrap();
    assert!(file.vectors.len() >= 20);
    for case in &file.vectors {
        assert!(case.name.starts_with("fail_"), "vector {}", case.name);
        let envelope = hex::decode(&case.envelope).unwrap();
        let (released, result) = open_partial(&envelope, &identity);
        let error = result.expect_err(&case.name);
        assert_eq!(
            error_code(&error),
            case.expected_error,
            "vector {}: {error}",
            case.name
        );
        assert_eq!(
            hex::encode(released),
            case.released_plaintext,
            "vector {}",
            case.name
        );
    }
}

/// Writes the vector files. Run it only after a deliberate format change.
#[test]
#[ignore = "rewrites tests/vectors; run explicitly after a format change"]
fn regenerate_vectors() {
    let identity = identity();
    let secret = identity.to_secret_string();
    let secret_hex = secret
        .trim_start_matches("sealpost-identity-v1:")
        .to_string();
    let known = KnownAnswerFile {
        description: "Sealpost envelope v1 known-answer vectors. Hex throughout. metadata_json is the exact \
                      metadata plaintext; ephemeral_ikm is the input of HPKE DeriveKeyPair for the ephemeral key."
            .into(),
        identity_secret_key: secret_hex.clone(),
        recipient_public_key: hex::encode(identity.recipient().to_bytes()),
        key_id: identity.key_id().to_string(),
        vectors: known_answers(),
    };
    let failures = FailureFile {
        description: "Sealpost envelope v1 failure vectors: each envelope must fail to open with \
                      identity_secret_key, raising expected_error after releasing at most released_plaintext."
            .into(),
        identity_secret_key: secret_hex,
        vectors: failures(),
    };
    let dir = vectors_dir();
    std::fs::write(
        dir.join("known_answer.json"),
        serde_json::to_string_pretty(&known).unwrap() + "\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("failures.json"),
        serde_json::to_string_pretty(&failures).unwrap() + "\n",
    )
    .unwrap();
}
