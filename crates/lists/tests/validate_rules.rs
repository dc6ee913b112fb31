//! Every validation rule through the public API, on hand-built records.

use sealpost_lists::{
    CellKind, ColumnMapping, Country, Issue, IssueCode, Record, RowStatus, Severity,
    ValidateOptions, Validator,
};

const HEADERS: [&str; 10] = [
    "First Name",
    "Last Name",
    "Company",
    "Address 1",
    "Address 2",
    "City",
    "State",
    "Postcode",
    "Country",
    "Notes",
];

/// A clean UK row in the column order of `HEADERS`.
const GOOD_ROW: [&str; 10] = [
    "Ada",
    "Lovelace",
    "",
    "12 St James's Square",
    "",
    "London",
    "",
    "SW1Y 4JH",
    "GB",
    "",
];

fn validator() -> Validator {
    Validator::new(
        ColumnMapping::automatic(&HEADERS),
        ValidateOptions::default(),
    )
}

fn record(row: u64, cells: &[&str]) -> Record {
    let mut record = Record::new();
    record.clear(row);
    for cell in cells {
        let kind = if cell.is_empty() {
            CellKind::Empty
        } else {
            CellKind::Text
        };
        record.push(cell, kind);
    }
    record
}

/// Returns `GOOD_ROW` with the cell under `header` replaced.
fn row_with(changes: &[(&str, &str)]) -> Vec<String> {
    let mut cells: Vec<String> = GOOD_ROW.iter().map(|cell| (*cell).to_owned()).collect();
    for (header, value) in changes {
        let index = HEADERS
            .iter()
            .position(|h| h == header)
            .expect("known header");
        cells[index] = (*value).to_owned();
    }
    cells
}

fn check(cells: &[String]) -> (RowStatus, Vec<Issue>) {
    let cells: Vec<&str> = cells.iter().map(String::as_str).collect();
    let mut issues = Vec::new();
    let status = validator().validate(&record(2, &cells), &mut issues);
    (status, issues)
}

fn codes(issues: &[Issue]) -> Vec<(IssueCode, Severity)> {
    issues
        .iter()
        .map(|issue| (issue.code, issue.severity))
        .collect()
}

#[test]
fn good_row_is_clean() {
    let (status, issues) = check(&row_with(&[]));
    assert_eq!(status, RowStatus::Clean, "{issues:?}");
}

/// A rule case: name, cells changed from `GOOD_ROW`, expected codes, first suggestion.
type Case<'a> = (
    &'a str,
    Vec<(&'a str, &'a str)>,
    Vec<(IssueCode, Severity)>,
    Option<&'a str>,
);

#[test]
fn rule_cases() {
    use IssueCode::*;
    use Severity::{Error as E, Warning as W};
    let long_51 = "x".repeat(51);
    let accented_50 = "é".repeat(50);
    let long_200 = "x".repeat(200);
    let cases: Vec<Case<'_>> = vec![
        // missing_required
        (
            "no name",
            vec![("First Name", ""), ("Last Name", "")],
            vec![(MissingRequired, E)],
            None,
        ),
        (
            "first name only",
            vec![("Last Name", "")],
            vec![(MissingRequired, E)],
            None,
        ),
        (
            "company is a name",
            vec![
                ("First Name", ""),
                ("Last Name", ""),
                ("Company", "Acme Ltd"),
            ],
            vec![],
            None,
        ),
        (
            "no street",
            vec![("Address 1", "  ")],
            vec![(MissingRequired, E)],
            None,
        ),
        (
            "no city",
            vec![("City", "")],
            vec![(MissingRequired, E)],
            None,
        ),
        (
            "no postcode in GB",
            vec![("Postcode", "")],
            vec![(MissingRequired, E)],
            None,
        ),
        (
            "no postcode in HK",
            vec![("Postcode", ""), ("Country", "Hong Kong")],
            vec![],
            None,
        ),
        (
            "no postcode in AE",
            vec![("Postcode", ""), ("Country", "AE")],
            vec![],
            None,
        ),
        (
            "no Eircode in IE",
            vec![("Postcode", ""), ("Country", "Ireland")],
            vec![],
            None,
        ),
        (
            "no postcode in JP",
            vec![("Postcode", ""), ("Country", "JP")],
            vec![(MissingRequired, E)],
            None,
        ),
        // invalid_postcode
        (
            "truncated postcode",
            vec![("Postcode", "SW1Y 4J")],
            vec![(InvalidPostcode, E)],
            None,
        ),
        (
            "lower case postcode",
            vec![("Postcode", "sw1y4jh")],
            vec![(InvalidPostcode, W)],
            Some("SW1Y 4JH"),
        ),
        (
            "letter O for zero",
            vec![("Postcode", "SW1A OAA")],
            vec![(InvalidPostcode, E)],
            Some("SW1A 0AA"),
        ),
        ("GIR 0AA", vec![("Postcode", "GIR 0AA")], vec![], None),
        ("BFPO", vec![("Postcode", "BFPO 801")], vec![], None),
        (
            "Eircode",
            vec![("Postcode", "D02 X285"), ("Country", "IE")],
            vec![],
            None,
        ),
        (
            "bad Eircode",
            vec![("Postcode", "D02 X28"), ("Country", "IE")],
            vec![(InvalidPostcode, E)],
            None,
        ),
        (
            "German postcode",
            vec![("Postcode", "10115"), ("Country", "Deutschland")],
            vec![],
            None,
        ),
        (
            "Dutch postcode spacing",
            vec![("Postcode", "1012js"), ("Country", "NL")],
            vec![(InvalidPostcode, W)],
            Some("1012 JS"),
        ),
        (
            "ZIP+4",
            vec![
                ("Postcode", "20500-0003"),
                ("Country", "USA"),
                ("State", "DC"),
            ],
            vec![],
            None,
        ),
        (
            "unchecked country",
            vec![("Postcode", "100-0001"), ("Country", "Japan")],
            vec![],
            None,
        ),
        // leading_zero_lost
        (
            "New Jersey ZIP lost zero",
            vec![("Postcode", "7102"), ("Country", "US"), ("State", "NJ")],
            vec![(LeadingZeroLost, E)],
            Some("07102"),
        ),
        (
            "Texas 4-digit ZIP",
            vec![("Postcode", "7501"), ("Country", "US"), ("State", "TX")],
            vec![(InvalidPostcode, E)],
            None,
        ),
        (
            "Puerto Rico lost two zeros",
            vec![("Postcode", "901"), ("Country", "PR")],
            vec![(LeadingZeroLost, E)],
            Some("00901"),
        ),
        // precision_lost
        (
            "scientific ref",
            vec![("Notes", "4.4E+11")],
            vec![(PrecisionLost, E)],
            None,
        ),
        (
            "rounded ref",
            vec![("Notes", "1.23457E+11")],
            vec![(PrecisionLost, E)],
            None,
        ),
        // unknown_country
        (
            "country variant",
            vec![("Country", "United Kingdom")],
            vec![],
            None,
        ),
        (
            "country England",
            vec![("Country", "england")],
            vec![],
            None,
        ),
        (
            "unknown country",
            vec![("Country", "Untied Kingdom")],
            vec![(UnknownCountry, E)],
            None,
        ),
        // formula_injection
        (
            "formula in company",
            vec![("Company", "=HYPERLINK(\"http://example.invalid\",\"x\")")],
            vec![(FormulaInjection, E)],
            None,
        ),
        (
            "at sign",
            vec![("Notes", "@SUM(A1)")],
            vec![(FormulaInjection, E)],
            None,
        ),
        (
            "phone number",
            vec![("Notes", "+44 7700 900123")],
            vec![],
            None,
        ),
        ("negative number", vec![("Notes", "-12.5")], vec![], None),
        // field_too_long
        (
            "long street",
            vec![("Address 1", &long_51)],
            vec![(FieldTooLong, E)],
            None,
        ),
        (
            "street at limit",
            vec![("Address 1", &accented_50)],
            vec![],
            None,
        ),
        (
            "long custom field",
            vec![("Notes", &long_200)],
            vec![],
            None,
        ),
        // control_characters
        (
            "NUL in notes",
            vec![("Notes", "a\0b")],
            vec![(ControlCharacters, E)],
            None,
        ),
        (
            "escape in name",
            vec![("First Name", "Ada\u{1b}")],
            vec![(ControlCharacters, E)],
            None,
        ),
        (
            "line break in street",
            vec![("Address 1", "12 High St\nFlat 2")],
            vec![(ControlCharacters, E)],
            None,
        ),
        (
            "carriage return in street",
            vec![("Address 1", "12 High St\rFlat 2")],
            vec![(ControlCharacters, E)],
            None,
        ),
        (
            "line break in notes",
            vec![("Notes", "call first\nthen post")],
            vec![],
            None,
        ),
        // encoding_suspect
        (
            "mojibake umlaut",
            vec![("Last Name", "MÃ¼ller")],
            vec![(EncodingSuspect, W)],
            Some("Müller"),
        ),
        (
            "mojibake apostrophe",
            vec![("Last Name", "Oâ€™Brien")],
            vec![(EncodingSuspect, W)],
            Some("O’Brien"),
        ),
        ("real umlaut", vec![("Last Name", "Müller")], vec![], None),
    ];
    for (name, changes, expected, suggestion) in cases {
        let (status, issues) = check(&row_with(&changes));
        assert_eq!(codes(&issues), expected, "{name}: {issues:#?}");
        let expected_status = if expected.is_empty() {
            RowStatus::Clean
        } else if expected.iter().any(|(_, severity)| *severity == E) {
            RowStatus::Errors
        } else {
            RowStatus::Warnings
        };
        assert_eq!(status, expected_status, "{name}");
        if let Some(suggestion) = suggestion {
            assert_eq!(issues[0].suggestion.as_deref(), Some(suggestion), "{name}");
        }
        for issue in &issues {
            assert_eq!(issue.row, 2, "{name}");
            assert!(!issue.message.is_empty(), "{name}");
        }
    }
}

#[test]
fn zip_stored_as_number() {
    let mut cells: Vec<String> = row_with(&[("Country", "US"), ("State", "MA")]);
    let postcode = HEADERS.iter().position(|h| *h == "Postcode").unwrap();
    cells[postcode] = String::new();
    let mut record = Record::new();
    record.clear(5);
    for (index, cell) in cells.iter().enumerate() {
        if index == postcode {
            record.push("2134", CellKind::Number);
        } else {
            record.push(cell, CellKind::Text);
        }
    }
    let mut issues = Vec::new();
    validator().validate(&record, &mut issues);
    assert_eq!(
        codes(&issues),
        vec![(IssueCode::LeadingZeroLost, Severity::Error)]
    );
    assert_eq!(issues[0].column, Some(postcode));
    assert_eq!(issues[0].suggestion.as_deref(), Some("02134"));
    assert!(
        issues[0].message.contains("stored as a number"),
        "{}",
        issues[0].message
    );
}

#[test]
fn number_beyond_fifteen_digits() {
    let mut record = record(3, &GOOD_ROW[..9]);
    record.push("1234567890123456789", CellKind::Number);
    let mut issues = Vec::new();
    validator().validate(&record, &mut issues);
    assert_eq!(
        codes(&issues),
        vec![(IssueCode::PrecisionLost, Severity::Error)]
    );
    assert_eq!(issues[0].column, Some(9));
}

#[test]
fn empty_and_ragged_rows() {
    let mut validator = validator();
    let mut issues = Vec::new();

    let blank = record(4, &["", " ", "", "", "", "", "", "", "", ""]);
    assert_eq!(validator.validate(&blank, &mut issues), RowStatus::Blank);
    assert_eq!(
        codes(&issues),
        vec![(IssueCode::EmptyRow, Severity::Warning)]
    );
    issues.clear();

    let mut long: Vec<&str> = GOOD_ROW.to_vec();
    long.push("extra");
    assert_eq!(
        validator.validate(&record(5, &long), &mut issues),
        RowStatus::Errors
    );
    assert_eq!(
        codes(&issues),
        vec![(IssueCode::RaggedRow, Severity::Error)]
    );
    assert_eq!(issues[0].column, None);
    issues.clear();

    // Trailing empty fields beyond the header are dropped silently.
    let mut padded: Vec<&str> = GOOD_ROW.to_vec();
    padded.extend(["", "", ""]);
    let padded_row = record(6, &padded);
    let status = self::validator().validate(&padded_row, &mut issues);
    assert_eq!(status, RowStatus::Clean, "{issues:?}");

    let short = record(7, &GOOD_ROW[..8]);
    let status = self::validator().validate(&short, &mut issues);
    assert_eq!(status, RowStatus::Errors);
    assert_eq!(
        codes(&issues),
        vec![(IssueCode::RaggedRow, Severity::Error)]
    );
}

#[test]
fn duplicates_point_at_first_row() {
    let mut validator = validator();
    let mut issues = Vec::new();
    let first = row_with(&[]);
    let same = row_with(&[
        ("First Name", "  ADA "),
        ("Last Name", "lovelace"),
        ("Address 1", "12  st james's square"),
        ("Postcode", "sw1y4jh"),
        ("Country", "United Kingdom"),
    ]);
    let other = row_with(&[("First Name", "Charles"), ("Last Name", "Babbage")]);

    let as_record = |row, cells: &Vec<String>| {
        let cells: Vec<&str> = cells.iter().map(String::as_str).collect();
        record(row, &cells)
    };
    validator.validate(&as_record(2, &first), &mut issues);
    validator.validate(&as_record(3, &other), &mut issues);
    assert!(issues.is_empty(), "{issues:?}");

    validator.validate(&as_record(9, &same), &mut issues);
    let duplicate: Vec<&Issue> = issues
        .iter()
        .filter(|issue| issue.code == IssueCode::Duplicate)
        .collect();
    assert_eq!(duplicate.len(), 1, "{issues:?}");
    assert_eq!(duplicate[0].severity, Severity::Warning);
    assert_eq!(duplicate[0].row, 9);
    assert!(
        duplicate[0].message.contains("row 2"),
        "{}",
        duplicate[0].message
    );
    assert!(
        !duplicate[0].message.contains("Ada"),
        "{}",
        duplicate[0].message
    );
}

#[test]
fn default_country_applies() {
    let headers = ["Name", "Street", "Town", "ZIP"];
    let options = ValidateOptions::default().with_default_country(Country::US);
    let mut validator = Validator::new(ColumnMapping::automatic(&headers), options);
    let mut issues = Vec::new();
    let us_row = record(
        2,
        &[
            "Ada Lovelace",
            "1600 Pennsylvania Ave NW",
            "Washington",
            "20500",
        ],
    );
    assert_eq!(
        validator.validate(&us_row, &mut issues),
        RowStatus::Clean,
        "{issues:?}"
    );
    let uk_row = record(3, &["Ada Lovelace", "10 Downing St", "London", "SW1A 2AA"]);
    assert_eq!(validator.validate(&uk_row, &mut issues), RowStatus::Errors);
    assert_eq!(issues[0].code, IssueCode::InvalidPostcode);
}

#[test]
fn message_quotes_only_its_cell() {
    let long = format!("={}", "y".repeat(200));
    let (_, issues) = check(&row_with(&[("Notes", &long)]));
    assert_eq!(issues.len(), 1);
    let message = &issues[0].message;
    assert!(message.chars().count() < 200, "{message}");
    assert!(!message.contains("Lovelace"), "{message}");
    assert!(message.contains("\"Notes\""), "{message}");
}

#[test]
fn messages_fit_the_field() {
    let short = record(2, &GOOD_ROW[..1]);
    let mut issues = Vec::new();
    validator().validate(&short, &mut issues);
    let ragged = issues
        .iter()
        .find(|issue| issue.code == IssueCode::RaggedRow)
        .expect("a one-field row is ragged");
    assert!(
        ragged.message.starts_with("the row has 1 field but"),
        "{}",
        ragged.message
    );

    // Advice about address lines is given for address lines only.
    let long_name = "N".repeat(60);
    let (_, issues) = check(&row_with(&[("First Name", &long_name)]));
    assert_eq!(issues.len(), 1, "{issues:?}");
    assert_eq!(issues[0].code, IssueCode::FieldTooLong);
    assert!(
        !issues[0].message.contains("address line"),
        "{}",
        issues[0].message
    );

    let long_street = "S".repeat(60);
    let (_, issues) = check(&row_with(&[("Address 1", &long_street)]));
    assert_eq!(issues.len(), 1, "{issues:?}");
    assert!(
        issues[0].message.contains("another address line"),
        "{}",
        issues[0].message
    );

    let (_, issues) = check(&row_with(&[("Last Name", "Love\nlace")]));
    assert_eq!(issues.len(), 1, "{issues:?}");
    assert_eq!(issues[0].code, IssueCode::ControlCharacters);
    assert!(
        !issues[0].message.contains("address line"),
        "{}",
        issues[0].message
    );

    let (_, issues) = check(&row_with(&[("Address 1", "12 High St\nFlat 2")]));
    assert_eq!(issues.len(), 1, "{issues:?}");
    assert!(
        issues[0].message.contains("own address line"),
        "{}",
        issues[0].message
    );
}
