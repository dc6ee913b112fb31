//! Throughput of sealing and opening in memory, with the default 64 KiB chunks.
//!
//! `scripts/bench-envelope` measures the `sealpost` binary on a 1 GiB file against
//! OpenSSL, age and gpg; this benchmark isolates the library from file I/O.

use std::hint::black_box;
use std::io::{Read, Write};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use sealpost_envelope::{DEFAULT_CHUNK_SIZE, Identity, Metadata, Opener, Sealer, UploadSecrets};

const PLAINTEXT_LEN: usize = 16 * 1024 * 1024;

fn seal_and_open(c: &mut Criterion) {
    let identity = Identity::derive(&[1; 32]);
    let plaintext = vec![0x5a_u8; PLAINTEXT_LEN];
    let secrets = UploadSecrets::new(
        identity.recipient(),
        Metadata::default(),
        DEFAULT_CHUNK_SIZE,
    )
    .unwrap();

    let mut group = c.benchmark_group("envelope");
    group.throughput(Throughput::Bytes(PLAINTEXT_LEN as u64));
    group.sample_size(20);

    let mut envelope = Vec::with_capacity(PLAINTEXT_LEN + PLAINTEXT_LEN / 1024);
    group.bench_function("seal 16 MiB", |b| {
        b.iter(|| {
            envelope.clear();
            let mut sealer = Sealer::new(&secrets, &mut envelope).unwrap();
            sealer.write_all(black_box(&plaintext)).unwrap();
            sealer.finish().unwrap();
        });
    });

    let mut opened = vec![0u8; PLAINTEXT_LEN];
    group.bench_function("open 16 MiB", |b| {
        b.iter(|| {
            let mut opener = Opener::new(black_box(&envelope[..]), &identity).unwrap();
            opener.read_exact(&mut opened).unwrap();
        });
    });
    group.finish();
}

criterion_group!(benches, seal_and_open);
criterion_main!(benches);
