//! Throughput of validation alone and of reading plus validation, on a synthetic CSV
//! list held in memory. `scripts/bench-lists` measures the release binary on a large
//! file against Python peers; this benchmark tracks the library's own cost.

use std::fmt::Write as _;
use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use sealpost_lists::{
    ColumnMapping, ListReader, OpenOptions, Record, ValidateOptions, ValidationReport, Validator,
};

const ROWS: usize = 20_000;

/// Builds a CSV list in the generator's Stannp-style layout: 60% UK and 40% US
/// addresses, from a fixed-seed linear congruential generator so every run is the same.
fn synthetic_csv(rows: usize) -> Vec<u8> {
    const FIRST: [&str; 8] = [
        "Ada", "Grace", "Alan", "Joan", "Tim", "Edsger", "Barbara", "Ken",
    ];
    const LAST: [&str; 8] = [
        "Lovelace", "Hopper", "Turing", "Clarke", "Lee", "Dijkstra", "Liskov", "Thompson",
    ];
    const STREETS: [&str; 6] = [
        "High Street",
        "Station Road",
        "Main St",
        "Church Lane",
        "Elm Avenue",
        "Mill Road",
    ];
    const UK_TOWNS: [(&str, &str, &str); 4] = [
        ("London", "Greater London", "SW1A 1AA"),
        ("Leeds", "West Yorkshire", "LS1 4AP"),
        ("Bristol", "Avon", "BS1 5TR"),
        ("Glasgow", "Lanarkshire", "G2 3BZ"),
    ];
    const US_TOWNS: [(&str, &str, &str); 4] = [
        ("Boston", "MA", "02108"),
        ("Austin", "TX", "73301"),
        ("Newark", "NJ", "07102"),
        ("Denver", "CO", "80202-1234"),
    ];

    let mut state: u64 = 0x5EA1_9057;
    let mut next = |bound: usize| {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((state >> 33) as usize) % bound
    };
    let mut text = String::from(
        "title,firstname,lastname,company,address1,address2,city,county,postcode,country,email,ref_id\n",
    );
    for index in 0..rows {
        let (first, last) = (FIRST[next(8)], LAST[next(8)]);
        let (town, region, postcode, country) = if next(10) < 6 {
            let (town, region, postcode) = UK_TOWNS[next(4)];
            (town, region, postcode, "GB")
        } else {
            let (town, region, postcode) = US_TOWNS[next(4)];
            (town, region, postcode, "US")
        };
        let company = if next(10) < 3 { "Example Ltd" } else { "" };
        let _ = writeln!(
            text,
            "Mr,{first},{last},{company},{} {},,{town},{region},{postcode},{country},{}.{}@example.com,REF{index:08}",
            next(200) + 1,
            STREETS[next(6)],
            first.to_lowercase(),
            last.to_lowercase(),
        );
    }
    text.into_bytes()
}

fn read_all(bytes: &[u8]) -> (ColumnMapping, Vec<Record>) {
    let mut reader = ListReader::from_bytes(bytes.to_vec(), &OpenOptions::default()).unwrap();
    let mapping = ColumnMapping::automatic(&reader.info().headers);
    let mut records = Vec::new();
    let mut record = Record::new();
    while reader.read_record(&mut record).unwrap() {
        records.push(record.clone());
    }
    (mapping, records)
}

fn validate_records(mapping: &ColumnMapping, records: &[Record]) -> ValidationReport {
    let mut validator = Validator::new(mapping.clone(), ValidateOptions::default());
    let mut report = ValidationReport::default();
    let mut issues = Vec::new();
    for record in records {
        let status = validator.validate(record, &mut issues);
        report.add_row(status, &mut issues);
    }
    report
}

fn read_and_validate(bytes: &[u8]) -> ValidationReport {
    let mut reader = ListReader::from_bytes(bytes.to_vec(), &OpenOptions::default()).unwrap();
    let mapping = ColumnMapping::automatic(&reader.info().headers);
    let mut validator = Validator::new(mapping, ValidateOptions::default());
    let mut report = ValidationReport::default();
    let mut record = Record::new();
    let mut issues = Vec::new();
    while reader.read_record(&mut record).unwrap() {
        let status = validator.validate(&record, &mut issues);
        report.add_row(status, &mut issues);
    }
    report
}

fn benchmarks(c: &mut Criterion) {
    let bytes = synthetic_csv(ROWS);
    let (mapping, records) = read_all(&bytes);
    assert_eq!(records.len(), ROWS);

    let mut group = c.benchmark_group("lists");
    group.throughput(Throughput::Bytes(bytes.len() as u64));
    group.bench_function("validate_records", |b| {
        b.iter(|| validate_records(black_box(&mapping), black_box(&records)))
    });
    group.bench_function("read_and_validate_csv", |b| {
        b.iter(|| read_and_validate(black_box(&bytes)))
    });
    group.finish();
}

criterion_group!(benches, benchmarks);
criterion_main!(benches);
