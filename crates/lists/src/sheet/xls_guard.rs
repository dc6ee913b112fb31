//! Checks of an OLE2 compound file made before calamine parses it.
//!
//! calamine parses every sheet of an XLS workbook when it opens it, and sizes its cell
//! buffers from the positions and dimensions the records claim. So this module walks the
//! same BIFF records first (a record is a 2-byte type, a 2-byte length and the data) and
//! rejects a workbook whose claims exceed the limits or would overflow calamine's
//! arithmetic. It also recognises encrypted OOXML packages, which are OLE2 files.

use std::io::{Cursor, Read};

use super::xls_formats::{XlsDigitFormats, read_digit_formats};
use crate::error::Limit;
use crate::{Format, Limits, ReadError};

pub(super) const BOF: u16 = 0x0809;
pub(super) const EOF: u16 = 0x000A;
pub(super) const BOUND_SHEET: u16 = 0x0085;
const EXTERN_SHEET: u16 = 0x0017;
const DIMENSIONS: u16 = 0x0200;
pub(super) const MUL_RK: u16 = 0x00BD;
const FORMULA: u16 = 0x0006;
/// Records that calamine turns into one cell at (row, column) read from their first
/// four bytes: Number, Label, RString, BoolErr, RK and LabelSst.
const SINGLE_CELLS: [u16; 6] = [0x0203, 0x0204, 0x00D6, 0x0205, 0x027E, 0x00FD];

/// Checks an OLE2 file and returns the digit formats of its numeric cells.
pub(crate) fn inspect_ole(bytes: &[u8], limits: &Limits) -> Result<XlsDigitFormats, ReadError> {
    let invalid = |reason: &str| ReadError::Spreadsheet {
        format: Format::Xls,
        reason: reason.to_owned(),
    };
    let mut file = cfb::CompoundFile::open(Cursor::new(bytes))
        .map_err(|_| invalid("the OLE2 container is damaged"))?;
    if file.exists("/EncryptedPackage") || file.exists("/EncryptionInfo") {
        return Err(ReadError::PasswordProtected);
    }
    let name = ["/Workbook", "/Book"]
        .into_iter()
        .find(|name| file.is_stream(name));
    let Some(name) = name else {
        return Err(ReadError::UnsupportedFormat {
            found: "an Office document that holds no workbook, such as a Word .doc file",
        });
    };
    let mut stream = Vec::new();
    file.open_stream(name)
        .map_err(|_| invalid("the workbook stream could not be read"))?
        .take(limits.max_decompressed_bytes + 1)
        .read_to_end(&mut stream)
        .map_err(|_| invalid("the workbook stream could not be read"))?;
    if stream.len() as u64 > limits.max_decompressed_bytes {
        let found = stream.len() as u64;
        let max = limits.max_decompressed_bytes;
        return Err(ReadError::limit(Limit::DecompressedBytes, found, max, None));
    }
    check_sheets(&stream, limits)?;
    Ok(read_digit_formats(&stream))
}

/// Iterates over (type, data) of the BIFF records from the start of `stream`, stopping
/// at the first record that runs past the end.
pub(super) fn records(stream: &[u8]) -> impl Iterator<Item = (u16, &[u8])> {
    let mut rest = stream;
    std::iter::from_fn(move || {
        let header = rest.get(..4)?;
        let kind = u16::from_le_bytes([header[0], header[1]]);
        let len = usize::from(u16::from_le_bytes([header[2], header[3]]));
        let data = rest.get(4..4 + len)?;
        rest = &rest[4 + len..];
        Some((kind, data))
    })
}

pub(super) fn u16_at(data: &[u8], at: usize) -> Option<u32> {
    data.get(at..at + 2)
        .map(|bytes| u32::from(u16::from_le_bytes([bytes[0], bytes[1]])))
}

pub(super) fn u32_at(data: &[u8], at: usize) -> Option<u32> {
    data.get(at..at + 4)
        .map(|bytes| u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]))
}

/// Finds each sheet the workbook globals list and checks its records from the position
/// they give, the way calamine will read them.
fn check_sheets(stream: &[u8], limits: &Limits) -> Result<(), ReadError> {
    let mut positions = Vec::new();
    for (kind, data) in records(stream) {
        match kind {
            BOUND_SHEET => positions.extend(u32_at(data, 0)),
            // calamine reads the 2-byte count of an ExternSheet record without a length
            // check.
            EXTERN_SHEET if data.len() < 2 => {
                return Err(ReadError::Spreadsheet {
                    format: Format::Xls,
                    reason: "an external sheet record is too short".to_owned(),
                });
            }
            EOF => break,
            _ => {}
        }
    }
    for position in positions {
        let Some(sheet) = stream.get(position as usize..) else {
            return Err(ReadError::Spreadsheet {
                format: Format::Xls,
                reason: "a sheet starts past the end of the workbook stream".to_owned(),
            });
        };
        check_sheet(sheet, limits)?;
    }
    Ok(())
}

/// The smallest rectangle holding every cell of a sheet seen so far.
#[derive(Debug, Default)]
struct Extent {
    rows: Option<(u32, u32)>,
    columns: Option<(u32, u32)>,
}

impl Extent {
    fn add(&mut self, row: u32, first_column: u32, last_column: u32) {
        let widen = |range: Option<(u32, u32)>, low: u32, high: u32| {
            Some(range.map_or((low, high), |(min, max)| (min.min(low), max.max(high))))
        };
        self.rows = widen(self.rows, row, row);
        self.columns = widen(self.columns, first_column, last_column);
    }

    fn cells(&self) -> u64 {
        let span =
            |range: Option<(u32, u32)>| range.map_or(0, |(min, max)| u64::from(max - min) + 1);
        span(self.rows) * span(self.columns)
    }
}

fn check_sheet(sheet: &[u8], limits: &Limits) -> Result<(), ReadError> {
    let too_many = |claimed: u64| {
        if claimed > limits.max_cells {
            return Err(ReadError::limit(
                Limit::Cells,
                claimed,
                limits.max_cells,
                None,
            ));
        }
        Ok(())
    };
    let invalid = |reason: &str| ReadError::Spreadsheet {
        format: Format::Xls,
        reason: reason.to_owned(),
    };
    let mut extent = Extent::default();
    let mut seen_bof = false;
    let mut depth = 0usize;
    for (kind, data) in records(sheet) {
        if depth > 0 {
            // calamine skips nested substreams such as embedded charts.
            match kind {
                BOF => depth += 1,
                EOF => depth -= 1,
                _ => {}
            }
            continue;
        }
        match kind {
            BOF if seen_bof => depth += 1,
            BOF => seen_bof = true,
            EOF => break,
            DIMENSIONS => too_many(
                dimensions_claim(data).ok_or_else(|| invalid("invalid sheet dimensions"))?,
            )?,
            MUL_RK => {
                let (Some(row), Some(first), Some(last)) = (
                    u16_at(data, 0),
                    u16_at(data, 2),
                    data.len().checked_sub(2).and_then(|at| u16_at(data, at)),
                ) else {
                    continue;
                };
                if last < first {
                    return Err(invalid("a multiple-number record ends before it starts"));
                }
                extent.add(row, first, last);
            }
            FORMULA => {
                if let (Some(row), Some(column)) = (u16_at(data, 0), u16_at(data, 2)) {
                    extent.add(row, column, column);
                }
            }
            kind if SINGLE_CELLS.contains(&kind) => {
                if let (Some(row), Some(column)) = (u16_at(data, 0), u16_at(data, 2)) {
                    extent.add(row, column, column);
                }
            }
            _ => {}
        }
    }
    too_many(extent.cells())
}

/// Returns the number of cells calamine reserves for a Dimensions record, reading the
/// BIFF5 (10-byte) and BIFF8 (14 or 16-byte) layouts as calamine does. Returns `None`
/// when the last row or column comes before the first, which calamine cannot handle.
fn dimensions_claim(data: &[u8]) -> Option<u64> {
    let (first_row, row_end, mut first_column, column_end) = match data.len() {
        10 => (
            u16_at(data, 0)?,
            u16_at(data, 2)?,
            u16_at(data, 4)?,
            u16_at(data, 6)?,
        ),
        14 | 16 => (
            u32_at(data, 0)?,
            u32_at(data, 4)?,
            u16_at(data, 8)?,
            u16_at(data, 10)?,
        ),
        _ => return Some(0),
    };
    // A first column past the format's 256 columns is read as column 0.
    if first_column > 0xFF || column_end < first_column {
        first_column = 0;
    }
    if row_end == 0 || column_end == 0 {
        return Some(1);
    }
    let rows = (row_end - 1).checked_sub(first_row)?;
    let columns = (column_end - 1).checked_sub(first_column)?;
    Some((u64::from(rows) + 1) * (u64::from(columns) + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(kind: u16, data: &[u8]) -> Vec<u8> {
        let mut bytes = kind.to_le_bytes().to_vec();
        bytes.extend((data.len() as u16).to_le_bytes());
        bytes.extend(data);
        bytes
    }

    fn cell(kind: u16, row: u16, column: u16) -> Vec<u8> {
        let mut data = row.to_le_bytes().to_vec();
        data.extend(column.to_le_bytes());
        data.extend([0; 6]);
        record(kind, &data)
    }

    fn sheet(records: &[Vec<u8>]) -> Vec<u8> {
        let mut bytes = record(BOF, &[0; 16]);
        for part in records {
            bytes.extend(part);
        }
        bytes.extend(record(EOF, &[]));
        bytes
    }

    #[test]
    fn sheet_extent_table() {
        let limits = Limits {
            max_cells: 10_000,
            ..Limits::default()
        };
        let mut backwards_mul_rk = 3u16.to_le_bytes().to_vec();
        backwards_mul_rk.extend(9u16.to_le_bytes());
        backwards_mul_rk.extend([0; 6]);
        backwards_mul_rk.extend(2u16.to_le_bytes());
        let cases: Vec<(&str, Vec<u8>, bool)> = vec![
            (
                "small",
                sheet(&[cell(0x0203, 0, 0), cell(0x027E, 99, 99)]),
                true,
            ),
            (
                "far apart",
                sheet(&[cell(0x0203, 0, 0), cell(0x00FD, 60_000, 200)]),
                false,
            ),
            (
                "backwards mulrk",
                sheet(&[record(MUL_RK, &backwards_mul_rk)]),
                false,
            ),
            (
                "huge dimensions",
                sheet(&[record(
                    DIMENSIONS,
                    &[0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0],
                )]),
                false,
            ),
            (
                "inverted dimensions",
                sheet(&[record(
                    DIMENSIONS,
                    &[9, 0, 0, 0, 2, 0, 0, 0, 0, 0, 4, 0, 0, 0],
                )]),
                false,
            ),
            (
                "chart cells skipped",
                sheet(&[sheet(&[cell(0x0203, 60_000, 200)]), cell(0x0203, 1, 1)]),
                true,
            ),
        ];
        for (name, bytes, ok) in cases {
            assert_eq!(check_sheet(&bytes, &limits).is_ok(), ok, "case {name}");
        }
    }

    #[test]
    fn short_extern_sheet_rejected() {
        let mut globals = record(BOF, &[0; 16]);
        globals.extend(record(EXTERN_SHEET, &[1]));
        globals.extend(record(EOF, &[]));
        assert!(check_sheets(&globals, &Limits::default()).is_err());
    }

    #[test]
    fn sheet_position_past_end() {
        let mut globals = record(BOF, &[0; 16]);
        globals.extend(record(BOUND_SHEET, &[0xFF, 0xFF, 0, 0, 0, 0, 1, 0]));
        globals.extend(record(EOF, &[]));
        assert!(check_sheets(&globals, &Limits::default()).is_err());
    }
}
