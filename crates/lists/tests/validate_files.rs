//! Validation through the reader, on fixture files.

use std::path::{Path, PathBuf};

use sealpost_lists::{
    ColumnMapping, DEFAULT_ISSUE_LIMIT, Field, IssueCode, ListReader, OpenOptions, Severity,
    ValidateOptions, ValidationReport, validate_list,
};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/validate")
        .join(name)
}

fn validate_file(name: &str) -> (ValidationReport, ColumnMapping) {
    validate_path(&fixture(name))
}

fn validate_path(path: &Path) -> (ValidationReport, ColumnMapping) {
    let mut reader = ListReader::open(path, &OpenOptions::default()).unwrap();
    let mapping = ColumnMapping::automatic(&reader.info().headers);
    let options = ValidateOptions::default();
    let report = validate_list(&mut reader, mapping.clone(), options, DEFAULT_ISSUE_LIMIT).unwrap();
    (report, mapping)
}

fn row_codes(report: &ValidationReport) -> Vec<(u64, IssueCode, Severity)> {
    report
        .issues
        .iter()
        .map(|issue| (issue.row, issue.code, issue.severity))
        .collect()
}

#[test]
fn defects_fixture_issues() {
    use IssueCode::*;
    use Severity::{Error as E, Warning as W};
    let (report, _) = validate_file("defects.csv");
    let expected = vec![
        (3, LeadingZeroLost, E),
        (4, InvalidPostcode, E),
        (5, EmptyRow, W),
        (6, EncodingSuspect, W),
        (7, FormulaInjection, E),
        (8, PrecisionLost, E),
        (9, UnknownCountry, E),
        (10, InvalidPostcode, W),
        (10, Duplicate, W),
        (11, MissingRequired, E),
        (12, RaggedRow, E),
        (13, RaggedRow, E),
        (14, ControlCharacters, E),
    ];
    assert_eq!(row_codes(&report), expected);
    assert_eq!(report.rows.total, 12);
    assert_eq!(report.rows.invalid, 9);
    assert_eq!(report.rows.valid, 3);
    assert_eq!(report.count(Duplicate), 1);
    let duplicate = report
        .issues
        .iter()
        .find(|issue| issue.code == Duplicate)
        .unwrap();
    assert!(duplicate.message.contains("row 2"), "{}", duplicate.message);
}

#[test]
fn sample_csv_and_xlsx() {
    for name in ["sample-500.csv", "sample-500.xlsx"] {
        let (report, mapping) = validate_file(name);
        assert_eq!(mapping.position(Field::FirstName), Some(1), "{name}");
        assert_eq!(mapping.position(Field::State), Some(7), "{name}");
        assert!(mapping.missing_required().is_empty(), "{name}");
        assert_eq!(report.rows.total, 500, "{name}");
        assert_eq!(report.rows.valid + report.rows.invalid, 500, "{name}");
        assert!(report.rows.invalid > 0, "{name}");
        // The generator's defects: truncated postcodes, empty first lines and repeats.
        assert!(report.count(IssueCode::InvalidPostcode) > 0, "{name}");
        assert!(report.count(IssueCode::MissingRequired) > 0, "{name}");
        assert!(report.count(IssueCode::Duplicate) > 0, "{name}");
        assert_eq!(report.count(IssueCode::UnknownCountry), 0, "{name}");
        assert_eq!(report.count(IssueCode::EmptyRow), 0, "{name}");
        for issue in &report.issues {
            assert!((2..=501).contains(&issue.row), "{name}: {issue:?}");
        }
    }
}

#[test]
fn sample_csv_known_rows() {
    let (report, _) = validate_file("sample-500.csv");
    let codes = row_codes(&report);
    assert!(codes.contains(&(139, IssueCode::FormulaInjection, Severity::Error)));
    assert!(codes.contains(&(234, IssueCode::MissingRequired, Severity::Error)));
    assert!(codes.contains(&(355, IssueCode::Duplicate, Severity::Warning)));
    let truncated = report
        .issues
        .iter()
        .find(|issue| issue.row == 41)
        .expect("row 41 has a truncated postcode");
    assert_eq!(truncated.code, IssueCode::InvalidPostcode);
    assert!(
        truncated.message.contains("L14 6R"),
        "{}",
        truncated.message
    );
}

#[test]
fn spreadsheet_numbers_and_title_rows() {
    use IssueCode::*;
    use Severity::{Error as E, Warning as W};
    let (report, mapping) = validate_file("numbers.xlsx");
    assert_eq!(mapping.position(Field::Postcode), Some(4));
    assert_eq!(mapping.field(6), None);
    let expected = vec![
        (4, PrecisionLost, E),
        (4, LeadingZeroLost, E),
        (5, InvalidPostcode, E),
        (6, EmptyRow, W),
        (7, EncodingSuspect, W),
    ];
    assert_eq!(row_codes(&report), expected);
    assert_eq!(report.rows.total, 4);
    assert_eq!(report.rows.invalid, 2);

    assert_eq!(report.issues[0].column, Some(6));
    let zip = &report.issues[1];
    assert_eq!(zip.suggestion.as_deref(), Some("07102"));
    assert!(
        zip.message.contains("stored as a number"),
        "{}",
        zip.message
    );
    assert_eq!(report.issues[4].suggestion.as_deref(), Some("Hans Müller"));
}

#[test]
fn reader_fixtures_validate() {
    let read_fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/read");

    let (survey, mapping) = validate_path(&read_fixtures.join("uk-500-survey.csv"));
    assert_eq!(
        mapping.position(Field::Postcode),
        Some(8),
        "heading `postal`"
    );
    assert_eq!(mapping.position(Field::Phone), Some(9), "heading `phone1`");
    assert_eq!(survey.rows.total, 500);
    assert_eq!(survey.rows.invalid, 0, "{:?}", survey.issues.first());

    let (ragged, _) = validate_path(&read_fixtures.join("ragged.csv"));
    assert_eq!(ragged.count(IssueCode::RaggedRow), 2);

    let (newlines, _) = validate_path(&read_fixtures.join("quoted-newlines.csv"));
    assert_eq!(newlines.count(IssueCode::ControlCharacters), 2);

    for name in ["title-block.xlsx", "title-block.ods", "title-block.xls"] {
        let (report, _) = validate_path(&read_fixtures.join(name));
        assert_eq!(report.rows.total, 2, "{name}");
        assert_eq!(report.rows.invalid, 0, "{name}: {:?}", report.issues);
        assert_eq!(report.count(IssueCode::EmptyRow), 1, "{name}");
    }
}

fn validate_bytes(bytes: &[u8]) -> ValidationReport {
    let mut reader = ListReader::from_bytes(bytes.to_vec(), &OpenOptions::default()).unwrap();
    let mapping = ColumnMapping::automatic(&reader.info().headers);
    let options = ValidateOptions::default();
    validate_list(&mut reader, mapping, options, DEFAULT_ISSUE_LIMIT).unwrap()
}

#[test]
fn stray_nul_is_control_character() {
    let report = validate_bytes(b"Name,Street\nAda,Lon\0don\n");
    let codes: Vec<_> = report
        .issues
        .iter()
        .map(|issue| (issue.row, issue.code))
        .collect();
    assert!(
        codes.contains(&(2, IssueCode::ControlCharacters)),
        "{codes:?}"
    );
}
