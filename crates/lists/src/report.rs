//! Totals and a bounded list of issues for a whole list.

use std::collections::BTreeMap;

use crate::validate::{Issue, IssueCode, RowStatus, ValidateOptions, Validator};
use crate::{ColumnMapping, ListReader, ReadError, Record};

/// Issues kept by default before only counting the rest.
pub const DEFAULT_ISSUE_LIMIT: usize = 10_000;

/// Row totals. Blank rows are not data and are counted in none of these.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct RowCounts {
    /// Data rows.
    pub total: u64,
    /// Data rows without errors (they may have warnings).
    pub valid: u64,
    /// Data rows with at least one error.
    pub invalid: u64,
}

/// Accumulates the outcome of validating a list row by row, keeping at most
/// `issue_limit` issues in memory and only counting the rest.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ValidationReport {
    /// Row totals.
    pub rows: RowCounts,
    /// The first issues found, in row order, up to `issue_limit`.
    pub issues: Vec<Issue>,
    /// The maximum number of issues kept in `issues`.
    pub issue_limit: usize,
    /// Issues counted in `summary` but not kept, because the limit was reached.
    pub issues_omitted: u64,
    /// Number of issues per code, with every code present.
    pub summary: BTreeMap<IssueCode, u64>,
}

impl Default for ValidationReport {
    fn default() -> Self {
        Self::new(DEFAULT_ISSUE_LIMIT)
    }
}

impl ValidationReport {
    /// Creates an empty report that keeps up to `issue_limit` issues.
    pub fn new(issue_limit: usize) -> Self {
        Self {
            rows: RowCounts::default(),
            issues: Vec::new(),
            issue_limit,
            issues_omitted: 0,
            summary: IssueCode::all().map(|code| (code, 0)).collect(),
        }
    }

    /// Adds one row's status and moves its issues out of `issues`.
    pub fn add_row(&mut self, status: RowStatus, issues: &mut Vec<Issue>) {
        match status {
            RowStatus::Blank => {}
            RowStatus::Clean | RowStatus::Warnings => {
                self.rows.total += 1;
                self.rows.valid += 1;
            }
            RowStatus::Errors => {
                self.rows.total += 1;
                self.rows.invalid += 1;
            }
        }
        for issue in issues.drain(..) {
            *self.summary.entry(issue.code).or_default() += 1;
            if self.issues.len() < self.issue_limit {
                self.issues.push(issue);
            } else {
                self.issues_omitted += 1;
            }
        }
    }

    /// Returns true when any data row has an error.
    pub fn has_errors(&self) -> bool {
        self.rows.invalid > 0
    }

    /// Returns the number of issues with `code`, kept or omitted.
    pub fn count(&self, code: IssueCode) -> u64 {
        self.summary.get(&code).copied().unwrap_or_default()
    }
}

/// Validates every remaining row of `reader` with the columns mapped as `mapping`, and
/// returns the report, keeping at most `issue_limit` issues.
///
/// Fails only when the file cannot be read further; problems in rows become issues.
pub fn validate_list(
    reader: &mut ListReader,
    mapping: ColumnMapping,
    options: ValidateOptions,
    issue_limit: usize,
) -> Result<ValidationReport, ReadError> {
    let mut validator = Validator::new(mapping, options);
    let mut report = ValidationReport::new(issue_limit);
    let mut record = Record::new();
    let mut issues = Vec::new();
    while reader.read_record(&mut record)? {
        let status = validator.validate(&record, &mut issues);
        report.add_row(status, &mut issues);
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::Severity;

    fn issue(row: u64, code: IssueCode) -> Issue {
        Issue {
            row,
            column: None,
            code,
            severity: code.severity(),
            message: String::new(),
            suggestion: None,
        }
    }

    #[test]
    fn report_caps_kept_issues() {
        let mut report = ValidationReport::new(2);
        let mut issues = vec![
            issue(2, IssueCode::Duplicate),
            issue(2, IssueCode::MissingRequired),
        ];
        report.add_row(RowStatus::Errors, &mut issues);
        assert!(issues.is_empty());
        let mut issues = vec![issue(3, IssueCode::MissingRequired)];
        report.add_row(RowStatus::Errors, &mut issues);
        report.add_row(RowStatus::Clean, &mut Vec::new());
        let mut issues = vec![issue(5, IssueCode::EmptyRow)];
        report.add_row(RowStatus::Blank, &mut issues);

        assert_eq!(
            report.rows,
            RowCounts {
                total: 3,
                valid: 1,
                invalid: 2
            }
        );
        assert_eq!(report.issues.len(), 2);
        assert_eq!(report.issues_omitted, 2);
        assert_eq!(report.count(IssueCode::MissingRequired), 2);
        assert_eq!(report.count(IssueCode::EmptyRow), 1);
        assert_eq!(report.count(IssueCode::RaggedRow), 0);
        assert!(report.has_errors());
        assert_eq!(report.issues[0].severity, Severity::Warning);
    }
}
