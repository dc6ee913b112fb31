//! AES-256-GCM over one 64 KiB chunk: ring, which the payload uses, against the RustCrypto
//! `aes-gcm` crate. The comparison is the reason for that choice, so it stays measurable.

use std::hint::black_box;

use aes_gcm::aead::AeadInPlace;
use aes_gcm::{Aes256Gcm, KeyInit};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use ring::aead::{AES_256_GCM, Aad, LessSafeKey, Nonce, UnboundKey};

const CHUNK_LEN: usize = 64 * 1024;

fn aes_256_gcm_chunk(c: &mut Criterion) {
    let key = [0x42u8; 32];
    let mut chunk = vec![0x5a_u8; CHUNK_LEN];
    let mut group = c.benchmark_group("aes-256-gcm 64 KiB chunk");
    group.throughput(Throughput::Bytes(CHUNK_LEN as u64));

    let ring_key = LessSafeKey::new(UnboundKey::new(&AES_256_GCM, &key).unwrap());
    group.bench_function("ring 0.17", |b| {
        b.iter(|| {
            let nonce = Nonce::assume_unique_for_key([0; 12]);
            let _tag = black_box(
                ring_key
                    .seal_in_place_separate_tag(nonce, Aad::empty(), &mut chunk)
                    .unwrap(),
            );
        });
    });

    let rust_crypto = Aes256Gcm::new_from_slice(&key).unwrap();
    group.bench_function("aes-gcm 0.10", |b| {
        b.iter(|| {
            let nonce = aes_gcm::Nonce::from_slice(&[0; 12]);
            let _tag = black_box(
                rust_crypto
                    .encrypt_in_place_detached(nonce, b"", &mut chunk)
                    .unwrap(),
            );
        });
    });
    group.finish();
}

criterion_group!(benches, aes_256_gcm_chunk);
criterion_main!(benches);
