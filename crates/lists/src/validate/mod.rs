//! Row-by-row validation against table-driven rules.
//!
//! A [`Validator`] checks one [`Record`] at a time. Between rows it keeps only a hash
//! per distinct recipient, for duplicate detection. Issues go to a caller-owned vector,
//! so a caller streaming a large file decides how many to keep.

mod address;
mod cell;
mod country;
mod duplicate;
mod postcode;
mod rules;
mod zip;

pub use country::Country;
pub use rules::{IssueCode, RULES, Rule, Severity};

use std::fmt::Write as _;

use crate::mapping::ColumnMapping;
use crate::{Field, Record};

/// Settings for a [`Validator`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ValidateOptions {
    /// Country for rows without one (no country column, or an empty cell).
    pub default_country: Country,
    /// Maximum characters of a printed field before `field_too_long`.
    pub max_field_length: usize,
}

impl ValidateOptions {
    /// Sets the country for rows without one.
    pub fn with_default_country(mut self, country: Country) -> Self {
        self.default_country = country;
        self
    }

    /// Sets the maximum characters of a printed field.
    pub fn with_max_field_length(mut self, characters: usize) -> Self {
        self.max_field_length = characters;
        self
    }
}

impl Default for ValidateOptions {
    fn default() -> Self {
        Self {
            default_country: Country::GB,
            max_field_length: 50,
        }
    }
}

/// One problem found in one row.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Issue {
    /// Row number as Excel shows it.
    pub row: u64,
    /// 0-based column, or `None` when the issue concerns the whole row or a field that
    /// no column provides.
    pub column: Option<usize>,
    /// Kind of problem.
    pub code: IssueCode,
    /// Seriousness.
    pub severity: Severity,
    /// Explanation and remedy, quoting at most the cell concerned.
    pub message: String,
    /// A corrected value, when one can be worked out.
    pub suggestion: Option<String>,
}

/// The result of validating one row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowStatus {
    /// Every cell was empty; the row is not data.
    Blank,
    /// A data row with no issue.
    Clean,
    /// A data row with warnings only.
    Warnings,
    /// A data row with at least one error.
    Errors,
}

/// Checks records against the rules, keeping only duplicate-detection state.
#[derive(Debug)]
pub struct Validator {
    mapping: ColumnMapping,
    options: ValidateOptions,
    duplicates: duplicate::DuplicateIndex,
    /// Reused buffer for the normalised recipient key.
    key: Vec<u8>,
    /// Recent country cells and the countries they name.
    countries: address::CountryCache,
}

impl Validator {
    /// Creates a validator for records laid out as `mapping` describes.
    pub fn new(mapping: ColumnMapping, options: ValidateOptions) -> Self {
        Self {
            mapping,
            options,
            duplicates: duplicate::DuplicateIndex::default(),
            key: Vec::new(),
            countries: address::CountryCache::default(),
        }
    }

    /// Returns the mapping the validator applies.
    pub fn mapping(&self) -> &ColumnMapping {
        &self.mapping
    }

    /// Checks one record, appending its issues to `issues`.
    pub fn validate(&mut self, record: &Record, issues: &mut Vec<Issue>) -> RowStatus {
        let first_issue = issues.len();
        if record.is_blank() {
            issues.push(Issue {
                row: record.row(),
                column: None,
                code: IssueCode::EmptyRow,
                severity: Severity::Warning,
                message: "the row is empty and was skipped; delete it to silence this warning"
                    .to_owned(),
                suggestion: None,
            });
            return RowStatus::Blank;
        }

        let mut sink = IssueSink {
            row: record.row(),
            issues,
        };
        self.check_shape(record, &mut sink);
        self.check_cells(record, &mut sink);
        self.check_address(record, &mut sink);

        let new_issues = &issues[first_issue..];
        if new_issues
            .iter()
            .any(|issue| issue.severity == Severity::Error)
        {
            RowStatus::Errors
        } else if new_issues.is_empty() {
            RowStatus::Clean
        } else {
            RowStatus::Warnings
        }
    }

    fn check_shape(&self, record: &Record, sink: &mut IssueSink<'_>) {
        let width = self.mapping.width();
        // Trailing empty fields beyond the header are ignored: many exports pad rows.
        let used = (0..record.len())
            .rev()
            .find(|&index| record.get(index).is_some_and(|cell| !cell.is_empty()))
            .map_or(0, |last| last + 1);
        let count = record.len();
        if used > width {
            sink.push(
                None,
                IssueCode::RaggedRow,
                format!(
                    "the row has {} but the header has {width}; quote fields that contain the delimiter or remove the extra fields",
                    count_fields(used)
                ),
                None,
            );
        } else if count < width {
            sink.push(
                None,
                IssueCode::RaggedRow,
                format!(
                    "the row has {} but the header has {width}, so later cells may be under the wrong headings; add the missing fields",
                    count_fields(count)
                ),
                None,
            );
        }
    }

    fn check_cells(&self, record: &Record, sink: &mut IssueSink<'_>) {
        for (index, cell) in record.iter().enumerate() {
            if cell.is_empty() {
                continue;
            }
            let field = self.mapping.field(index);
            let printed = field.is_some_and(Field::is_printed);
            let scan = cell::scan(cell);

            if scan.control {
                sink.push(
                    Some(index),
                    IssueCode::ControlCharacters,
                    format!(
                        "{} contains control characters; remove them",
                        self.describe(index, cell)
                    ),
                    None,
                );
            } else if scan.layout_control && printed {
                sink.push(
                    Some(index),
                    IssueCode::ControlCharacters,
                    format!(
                        "{} contains a line break or tab, which cannot be printed in one line; {}",
                        self.describe(index, cell),
                        if is_address_line(field) {
                            "put each part in its own address line"
                        } else {
                            "replace it with a space"
                        }
                    ),
                    None,
                );
            }

            if cell::is_formula_risk(cell) {
                sink.push(
                    Some(index),
                    IssueCode::FormulaInjection,
                    format!(
                        "{} starts with a character that makes spreadsheets run it as a formula; remove the leading character",
                        self.describe(index, cell)
                    ),
                    None,
                );
            }

            if scan.non_ascii
                && let Some(repaired) = cell::repair_mojibake(cell)
            {
                sink.push(
                    Some(index),
                    IssueCode::EncodingSuspect,
                    format!(
                        "{} looks like UTF-8 text read as Windows-1252; reopen the file with the right encoding or use the suggestion",
                        self.describe(index, cell)
                    ),
                    Some(repaired),
                );
            }

            let kind = record.kind(index).unwrap_or_default();
            if cell::is_precision_lost(cell, kind) {
                sink.push(
                    Some(index),
                    IssueCode::PrecisionLost,
                    format!(
                        "{} was rounded by a spreadsheet and its original digits are lost; export the column as text from the source",
                        self.describe(index, cell)
                    ),
                    None,
                );
            }

            let limit = self.options.max_field_length;
            if printed && cell.len() > limit {
                let length = cell.chars().count();
                if length > limit {
                    sink.push(
                        Some(index),
                        IssueCode::FieldTooLong,
                        format!(
                            "{} has {length} characters, more than the {limit} that fit on a printed line; {}",
                            self.column_name(index),
                            if is_address_line(field) {
                                "shorten it or move part to another address line"
                            } else {
                                "shorten it"
                            }
                        ),
                        None,
                    );
                }
            }
        }
    }

    /// Names a column for messages: its heading, or its position past the header.
    fn column_name(&self, index: usize) -> String {
        match self.mapping.columns().get(index) {
            Some(column) if !column.header.trim().is_empty() => {
                format!("column {:?}", column.header)
            }
            _ => format!("column {}", index + 1),
        }
    }

    /// Names a column and quotes its cell, shortened to 60 characters.
    fn describe(&self, index: usize, cell: &str) -> String {
        let mut text = self.column_name(index);
        let _ = write!(text, " value {:?}", shorten(cell, 60));
        text
    }
}

/// Returns the first `limit` characters of `text`, with `…` when cut.
fn shorten(text: &str, limit: usize) -> std::borrow::Cow<'_, str> {
    match text.char_indices().nth(limit) {
        Some((end, _)) => format!("{}…", &text[..end]).into(),
        None => text.into(),
    }
}

/// Returns "1 field" or "N fields" for messages about a row's shape.
fn count_fields(count: usize) -> String {
    if count == 1 {
        "1 field".to_owned()
    } else {
        format!("{count} fields")
    }
}

/// Returns true for the address lines, where part of a value can move to the next line.
fn is_address_line(field: Option<Field>) -> bool {
    matches!(
        field,
        Some(Field::Address1 | Field::Address2 | Field::Address3)
    )
}

/// Appends issues for one row, filling in the row number and each code's severity.
struct IssueSink<'a> {
    row: u64,
    issues: &'a mut Vec<Issue>,
}

impl IssueSink<'_> {
    fn push(
        &mut self,
        column: Option<usize>,
        code: IssueCode,
        message: String,
        suggestion: Option<String>,
    ) {
        self.push_with_severity(column, code, code.severity(), message, suggestion);
    }

    fn push_with_severity(
        &mut self,
        column: Option<usize>,
        code: IssueCode,
        severity: Severity,
        message: String,
        suggestion: Option<String>,
    ) {
        self.issues.push(Issue {
            row: self.row,
            column,
            code,
            severity,
            message,
            suggestion,
        });
    }
}
