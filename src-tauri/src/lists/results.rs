//! Results of a finished validation: counts, the first issues and the flagged rows.

use sealpost_lists::{ColumnMapping, Issue};

use crate::types::{self, AppError, IssuePage, IssuesRequest, ValidationSummary};

/// Most issues kept per list; later ones are only counted. At about 150 bytes each this
/// bounds the memory of a list with an issue on every row to some 15 MB.
pub(crate) const ISSUE_LIMIT: usize = 100_000;

/// Most issues returned by one `validation_issues` call.
const MAX_ISSUE_PAGE: u32 = 1000;

/// The outcome of one full validation.
#[derive(Debug, Default)]
pub struct ValidationResults {
    /// Counts for the UI.
    pub summary: ValidationSummary,
    /// The first [`ISSUE_LIMIT`] issues, in row order.
    pub issues: Vec<Issue>,
    /// Issues found after the limit.
    pub omitted: u64,
    /// Every row with at least one issue, ascending.
    pub flagged_rows: Vec<u64>,
    /// The number of the last row read (blank rows included), or 0 for no rows.
    pub last_row: u64,
    /// The mapping validated against.
    pub mapping: ColumnMapping,
}

impl ValidationResults {
    /// Returns the kept issues of `row`.
    pub fn issues_of_row(&self, row: u64) -> &[Issue] {
        let start = self.issues.partition_point(|issue| issue.row < row);
        let end = self.issues.partition_point(|issue| issue.row <= row);
        &self.issues[start..end]
    }
}

/// Returns one page of the issues of `results`, optionally of one code.
pub fn issue_page(
    results: &ValidationResults,
    request: &IssuesRequest,
) -> Result<IssuePage, AppError> {
    if request.limit > MAX_ISSUE_PAGE {
        return Err(AppError::invalid_input(format!(
            "the issue page limit {} is over the maximum of {MAX_ISSUE_PAGE}; ask for fewer",
            request.limit
        )));
    }
    let code = request.code.as_deref().filter(|code| !code.is_empty());
    let matching = results
        .issues
        .iter()
        .filter(|issue| code.is_none_or(|code| issue.code.as_str() == code));
    let total = matching.clone().count() as u32;
    let issues = matching
        .skip(request.offset as usize)
        .take(request.limit as usize)
        .map(|issue| convert_issue(issue, &results.mapping))
        .collect();
    Ok(IssuePage {
        total,
        omitted: results.omitted,
        issues,
    })
}

fn convert_issue(issue: &Issue, mapping: &ColumnMapping) -> types::Issue {
    types::Issue {
        row_number: issue.row,
        column: issue.column.map(|column| column as u32),
        field: issue
            .column
            .and_then(|column| mapping.field(column))
            .map(|field| field.as_str().to_owned()),
        code: issue.code.as_str().to_owned(),
        severity: issue.severity.into(),
        message: issue.message.clone(),
        suggestion: issue.suggestion.clone(),
    }
}
