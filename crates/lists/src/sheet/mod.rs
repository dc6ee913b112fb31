//! Reader for spreadsheet lists (XLSX, XLSM, XLS, XLSB, ODS) through calamine.

mod formulas;
mod grid;
mod guard;
mod header;
mod load;
mod markers;
mod number_format;
mod ods_scan;
mod render;
mod xls_formats;
mod xls_guard;

use std::ops::Range;

use self::grid::Grid;
use self::load::{LoadedSheet, Workbook};
use self::xls_formats::XlsDigitFormats;
use crate::format::Container;
use crate::{CellKind, Format, ListInfo, MergedRegion, OpenOptions, ReadError, Record};

#[derive(Debug)]
pub(crate) struct SheetReader {
    grid: Grid,
    /// 0-based header row, `None` when the sheet is empty.
    header_row: Option<u32>,
    /// 0-based column of the first cell of every record.
    first_column: u32,
    /// Column past the last heading; shorter rows are padded with empty cells to here.
    header_end: u32,
    /// 0-based row that the next call to `read_record` returns.
    next_row: u32,
}

impl SheetReader {
    pub(crate) fn open(
        container: Container,
        bytes: Vec<u8>,
        options: &OpenOptions,
    ) -> Result<(Self, ListInfo), ReadError> {
        let (format, sheets, loaded) = load_guarded(container, bytes, options)?;
        let grid = loaded.grid;

        let header_row = match options.header_row {
            Some(row) => {
                let wanted = u32::try_from(row.max(1) - 1).unwrap_or(u32::MAX);
                let found = header::first_filled_from(&grid, wanted);
                if found.is_none() {
                    let last = u64::from(grid.rows());
                    return Err(ReadError::HeaderRowMissing { row, last });
                }
                found
            }
            None => header::find_header_row(&grid),
        };
        let header_cells = header_row.map(|row| grid.row(row)).unwrap_or_default();
        let first_column = header_row
            .map(|row| {
                (row..grid.rows())
                    .filter_map(|row| grid.row(row).first())
                    .map(|cell| cell.column)
                    .min()
            })
            .unwrap_or_default()
            .unwrap_or(0);
        let header_end = header_cells
            .last()
            .map_or(first_column, |cell| cell.column + 1);

        let reader = Self {
            grid,
            header_row,
            first_column,
            header_end,
            next_row: header_row.map_or(0, |row| row + 1),
        };
        let mut header = Record::new();
        if let Some(row) = header_row {
            reader.fill(row, &mut header);
        }
        let info = ListInfo {
            format,
            encoding: None,
            encoding_from_sample: false,
            delimiter: None,
            sheet: Some(loaded.name),
            sheets,
            header_row: header_row.map(|row| u64::from(row) + 1),
            headers: header.iter().map(str::to_owned).collect(),
            merged: loaded
                .merged
                .iter()
                .map(|region| MergedRegion {
                    first_row: u64::from(region.start.0) + 1,
                    last_row: u64::from(region.end.0) + 1,
                    first_column: region.start.1 + 1,
                    last_column: region.end.1 + 1,
                })
                .collect(),
            uncalculated_formulas: loaded.uncalculated,
        };
        Ok((reader, info))
    }

    /// Fills `record` with 0-based sheet row `row`: no cells when the row is blank, else
    /// every cell from the first data column to the last heading or the row's last
    /// cell, whichever is further right.
    fn fill(&self, row: u32, record: &mut Record) {
        record.clear(u64::from(row) + 1);
        let cells = self.grid.row(row);
        let Some(last) = cells.last() else {
            return;
        };
        let end = self.header_end.max(last.column + 1);
        let mut cells = cells
            .iter()
            .filter(|cell| cell.column >= self.first_column)
            .peekable();
        for column in self.first_column..end {
            match cells.next_if(|cell| cell.column == column) {
                Some(cell) => record.push(self.grid.text(cell), cell.kind),
                None => record.push("", CellKind::Empty),
            }
        }
    }

    pub(crate) fn read_record(&mut self, record: &mut Record) -> bool {
        if self.header_row.is_none() || self.next_row >= self.grid.rows() {
            return false;
        }
        self.fill(self.next_row, record);
        self.next_row += 1;
        true
    }

    /// Returns (data rows read, data rows in the sheet).
    pub(crate) fn progress(&self) -> (u64, u64) {
        let Some(header) = self.header_row else {
            return (0, 0);
        };
        let total = self.grid.rows().saturating_sub(header + 1);
        let done = self.next_row.saturating_sub(header + 1);
        (u64::from(done), u64::from(total))
    }

    pub(crate) fn rows(&self, rows: Range<u64>) -> Vec<Record> {
        let Some(header) = self.header_row else {
            return Vec::new();
        };
        // Sheet rows are 0-based; row numbers are 1-based.
        let first = rows.start.max(u64::from(header) + 2) - 1;
        let end = rows.end.saturating_sub(1).min(u64::from(self.grid.rows()));
        (first..end)
            .map(|row| {
                let mut record = Record::new();
                self.fill(row as u32, &mut record);
                record
            })
            .collect()
    }
}

/// Checks the workbook against the limits, then opens it and loads the chosen sheet.
///
/// calamine is called inside `catch_unwind`: the checks cover the hostile inputs known to
/// make it allocate without bound, and a panic on some other malformed input becomes a
/// [`ReadError::Spreadsheet`] instead of taking the application down.
fn load_guarded(
    container: Container,
    bytes: Vec<u8>,
    options: &OpenOptions,
) -> Result<(Format, Vec<String>, LoadedSheet), ReadError> {
    let (format, zip, xls_formats) = match container {
        Container::Ole => {
            let formats = xls_guard::inspect_ole(&bytes, &options.limits)?;
            (Format::Xls, None, formats)
        }
        Container::Zip | Container::Text => {
            let inspection = guard::inspect_zip(&bytes, &options.limits)?;
            (
                inspection.format,
                Some(inspection),
                XlsDigitFormats::default(),
            )
        }
    };
    let load = move || {
        let mut workbook = match zip {
            None => Workbook::open_xls(bytes, xls_formats)?,
            Some(inspection) => Workbook::open_zip(inspection, bytes)?,
        };
        let sheets = workbook.sheet_names();
        let loaded = workbook.load(options.sheet.as_ref(), options.limits)?;
        Ok((format, sheets, loaded))
    };
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(load)).unwrap_or_else(|_| {
        Err(ReadError::Spreadsheet {
            format,
            reason: "the spreadsheet parser failed on malformed content".to_owned(),
        })
    })
}
