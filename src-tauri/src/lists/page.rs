//! Pages of rows read from the file on request.

use std::ops::Range;

use sealpost_lists::Record;

use super::{OpenList, ValidationResults, lock, open::unreadable};
use crate::types::{AppError, CellMark, Page, PageRequest, Row};

/// Most rows one page request may ask for.
pub(crate) const MAX_PAGE_ROWS: u32 = 500;

/// Rows closer together than this are read in one pass for an errors-only page, since
/// the reader restarts from a checkpoint at most this many rows back anyway.
const MERGE_GAP: u64 = 1024;

/// Reads one page. The cost is that of reading the page's rows from the nearest indexed
/// checkpoint, never the whole list, once the reader's row index covers the page. A page
/// past the index waits while the rows before it are read. A page fails once a row has
/// shown that the list is not in the encoding taken from its start.
pub fn read_page(list: &OpenList, request: &PageRequest) -> Result<Page, AppError> {
    if request.count > MAX_PAGE_ROWS {
        return Err(AppError::invalid_input(format!(
            "the page size {} is over the maximum of {MAX_PAGE_ROWS} rows; ask for fewer",
            request.count
        )));
    }
    let results = list.results();
    if request.only_errors {
        let Some(results) = results else {
            return Err(AppError::new(
                "list.not_validated",
                "the list has not been checked yet; run the check, then show rows with issues",
            ));
        };
        return flagged_page(list, &results, request);
    }

    // Rows are numbered as a spreadsheet shows them, so data row `start` (0-based) is
    // the one `start` rows after the first data row.
    let first = list.first_data_row() + u64::from(request.start);
    let records = read_rows(list, first..first + u64::from(request.count))?;
    let total_rows = results
        .as_ref()
        .map(|results| results.last_row.saturating_sub(list.first_data_row() - 1));
    Ok(Page {
        total_rows,
        rows: to_rows(records, results.as_deref()),
    })
}

fn flagged_page(
    list: &OpenList,
    results: &ValidationResults,
    request: &PageRequest,
) -> Result<Page, AppError> {
    let start = (request.start as usize).min(results.flagged_rows.len());
    let end = (start + request.count as usize).min(results.flagged_rows.len());
    let wanted = &results.flagged_rows[start..end];

    let mut records = Vec::with_capacity(wanted.len());
    let mut group_start = 0;
    while group_start < wanted.len() {
        let mut group_end = group_start + 1;
        while group_end < wanted.len() && wanted[group_end] - wanted[group_end - 1] <= MERGE_GAP {
            group_end += 1;
        }
        let group = &wanted[group_start..group_end];
        let span = group[0]..group[group.len() - 1] + 1;
        records.extend(
            read_rows(list, span)?
                .into_iter()
                .filter(|record| group.binary_search(&record.row()).is_ok()),
        );
        group_start = group_end;
    }
    Ok(Page {
        total_rows: Some(results.flagged_rows.len() as u64),
        rows: to_rows(records, Some(results)),
    })
}

fn read_rows(list: &OpenList, rows: Range<u64>) -> Result<Vec<Record>, AppError> {
    if let Some(reason) = list.encoding_failure() {
        return Err(unreadable(&list.path, &reason));
    }
    lock(&list.reader).rows(rows).map_err(|error| {
        list.note_read_error(&error);
        unreadable(&list.path, &error.to_string())
    })
}

fn to_rows(records: Vec<Record>, results: Option<&ValidationResults>) -> Vec<Row> {
    records
        .into_iter()
        .map(|record| {
            let marks = results
                .map(|results| {
                    results
                        .issues_of_row(record.row())
                        .iter()
                        .map(|issue| CellMark {
                            column: issue.column.map(|column| column as u32),
                            severity: issue.severity.into(),
                            code: issue.code.as_str().to_owned(),
                        })
                        .collect()
                })
                .unwrap_or_default();
            Row {
                row_number: record.row(),
                cells: record.iter().map(str::to_owned).collect(),
                marks,
            }
        })
        .collect()
}
