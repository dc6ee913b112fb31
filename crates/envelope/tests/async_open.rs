//! The tokio `AsyncRead` adapters yield the same bytes and errors as the blocking ones.

#![cfg(feature = "tokio")]

mod common;

use common::{metadata_for, plaintext, seal_with_writer};
use sealpost_envelope::{
    AsyncOpener, AsyncResumableSealer, Error, Identity, UploadSecrets, from_io_error,
};
use tokio::io::{AsyncReadExt, BufReader};

#[tokio::test]
async fn async_round_trip_in_small_reads() {
    let identity = Identity::derive(&[9; 32]);
    for len in [0, 1, 63, 64, 65, 1000] {
        let plaintext = plaintext(len);
        let secrets =
            UploadSecrets::new(identity.recipient(), metadata_for(&plaintext), 64).unwrap();
        let envelope = seal_with_writer(&secrets, &plaintext, 100);
        // A 7-byte buffered reader makes every chunk arrive in several partial reads.
        let reader = BufReader::with_capacity(7, &envelope[..]);
        let mut opener = AsyncOpener::new(reader, &identity).await.unwrap();
        assert_eq!(opener.metadata().plaintext_size, Some(len as u64));
        let mut opened = Vec::new();
        opener.read_to_end(&mut opened).await.unwrap();
        assert_eq!(opened, plaintext, "len {len}");
    }
}

#[tokio::test]
async fn async_tampered_chunk_fails() {
    let identity = Identity::derive(&[9; 32]);
    let plaintext = plaintext(300);
    let secrets = UploadSecrets::new(identity.recipient(), metadata_for(&plaintext), 64).unwrap();
    let mut envelope = seal_with_writer(&secrets, &plaintext, 100);
    let last = envelope.len() - 1;
    envelope[last] ^= 0x80;
    let mut opener = AsyncOpener::new(&envelope[..], &identity).await.unwrap();
    let mut opened = Vec::new();
    let error = opener.read_to_end(&mut opened).await.unwrap_err();
    assert!(matches!(
        from_io_error(error),
        Error::ChunkAuthentication { chunk: 4 }
    ));
    assert_eq!(opened, plaintext[..256]);
}

#[tokio::test]
async fn async_sealer_matches_blocking_from_any_offset() {
    let identity = Identity::derive(&[9; 32]);
    let plaintext = plaintext(1000);
    let secrets = UploadSecrets::new(identity.recipient(), metadata_for(&plaintext), 64).unwrap();
    let single_pass = common::seal_with_reader(&secrets, &plaintext);
    for offset in [
        0,
        1,
        secrets.header_bytes().len(),
        500,
        single_pass.len() - 1,
        single_pass.len(),
    ] {
        let source = std::io::Cursor::new(plaintext.clone());
        let mut sealer = AsyncResumableSealer::from_offset(&secrets, source, offset as u64)
            .await
            .unwrap();
        let mut resumed = Vec::new();
        sealer.read_to_end(&mut resumed).await.unwrap();
        assert_eq!(resumed, single_pass[offset..], "offset {offset}");
    }
}
