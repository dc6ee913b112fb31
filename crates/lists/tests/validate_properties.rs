//! Property tests: validation never panics on arbitrary cells, and every postcode
//! suggestion is itself accepted.

use proptest::prelude::*;
use sealpost_lists::{
    CellKind, ColumnMapping, IssueCode, Record, RowStatus, Severity, ValidateOptions, Validator,
};

const HEADERS: [&str; 8] = [
    "Name",
    "Company",
    "Address 1",
    "City",
    "State",
    "Postcode",
    "Country",
    "Notes",
];

const COUNTRIES: [&str; 22] = [
    "GB", "US", "CA", "IE", "AU", "NZ", "DE", "FR", "NL", "ES", "IT", "BE", "DK", "SE", "NO", "CH",
    "AT", "PT", "PL", "PR", "JP", "HK",
];

fn record_of(cells: &[(String, bool)]) -> Record {
    let mut record = Record::new();
    record.clear(2);
    for (text, numeric) in cells {
        let kind = if *numeric {
            CellKind::Number
        } else {
            CellKind::Text
        };
        record.push(text, kind);
    }
    record
}

/// Validates one row with a fresh validator and returns its issues.
fn issues_of(cells: &[(String, bool)]) -> (RowStatus, Vec<sealpost_lists::Issue>) {
    let mut validator = Validator::new(
        ColumnMapping::automatic(&HEADERS),
        ValidateOptions::default(),
    );
    let mut issues = Vec::new();
    let status = validator.validate(&record_of(cells), &mut issues);
    (status, issues)
}

proptest! {
    #[test]
    fn arbitrary_rows_do_not_panic(cells in prop::collection::vec((any::<String>(), any::<bool>()), 0..12)) {
        let (status, issues) = issues_of(&cells);
        let has_error = issues.iter().any(|issue| issue.severity == Severity::Error);
        prop_assert_eq!(status == RowStatus::Errors, has_error);
        for issue in &issues {
            prop_assert_eq!(issue.row, 2);
            prop_assert!(issue.column.is_none_or(|column| column < cells.len().max(HEADERS.len())));
            prop_assert!(!issue.message.is_empty());
        }
    }

    #[test]
    fn postcode_suggestions_are_accepted(
        country in prop::sample::select(&COUNTRIES[..]),
        postcode in prop_oneof![
            "[A-Za-z0-9 -]{1,10}",
            "[0-9 -]{3,10}",
            ".{0,12}",
            // UK-shaped: outward code, optional space, inward code, any case, O for 0.
            "[A-Za-z]{1,2}[0-9O][A-Za-z0-9]? ?[0-9O][A-Za-z]{2}",
        ],
        state in prop::sample::select(&["", "NJ", "MA", "PR", "TX"][..]),
    ) {
        let row = |postcode: &str| -> Vec<(String, bool)> {
            ["Ada Lovelace", "", "1 High St", "Leeds", state, postcode, country, ""]
                .iter()
                .map(|cell| ((*cell).to_owned(), false))
                .collect()
        };
        let (_, issues) = issues_of(&row(&postcode));
        let postcode_issue = issues.iter().find(|issue| {
            matches!(issue.code, IssueCode::InvalidPostcode | IssueCode::LeadingZeroLost)
        });
        if let Some(suggestion) = postcode_issue.and_then(|issue| issue.suggestion.clone()) {
            let (_, again) = issues_of(&row(&suggestion));
            let still_flagged = again.iter().any(|issue| {
                matches!(issue.code, IssueCode::InvalidPostcode | IssueCode::LeadingZeroLost)
            });
            prop_assert!(!still_flagged, "{} {:?} -> {:?}: {:?}", country, postcode, suggestion, again);
        }
    }
}
