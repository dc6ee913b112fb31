//! Finding formula cells that an XLSX workbook stores without a calculated value.
//!
//! Generators such as openpyxl write the formula alone; Excel and LibreOffice add the
//! cached value when they recalculate and save. calamine reads such a cell as empty.

use calamine::{DataRef, Xlsx};

use super::load::Bytes;
use crate::{Format, ReadError, UncalculatedFormulas};

/// Cells listed by reference in [`UncalculatedFormulas::cells`]; the rest are counted.
const LISTED_CELLS: usize = 10;

/// Streams the sheet's cells again with their formulas, and returns the formula cells
/// that have no value.
pub(super) fn uncalculated_xlsx(
    book: &mut Xlsx<Bytes>,
    name: &str,
) -> Result<UncalculatedFormulas, ReadError> {
    let failed = |error| ReadError::spreadsheet(Format::Xlsx, error);
    let mut cells = book.worksheet_cells_reader(name).map_err(failed)?;
    let mut found = UncalculatedFormulas::default();
    // The metadata variant does not expand shared formulas, which are not needed here.
    while let Some(cell) = cells.next_cell_with_formula_metadata().map_err(failed)? {
        let without_value = matches!(cell.value, DataRef::Empty);
        if cell.formula.is_some() && without_value {
            found.count += 1;
            if found.cells.len() < LISTED_CELLS {
                found.cells.push(cell_reference(cell.pos.0, cell.pos.1));
            }
        }
    }
    Ok(found)
}

/// Returns the A1 reference of a 0-based position, such as `E2` or `AA10`.
fn cell_reference(row: u32, column: u32) -> String {
    let mut letters = Vec::new();
    let mut rest = u64::from(column) + 1;
    while rest > 0 {
        let digit = (rest - 1) % 26;
        letters.push(b'A' + digit as u8);
        rest = (rest - 1) / 26;
    }
    letters.reverse();
    let letters = String::from_utf8(letters).unwrap_or_default();
    format!("{letters}{}", u64::from(row) + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cell_reference_table() {
        let cases = [
            ((0, 0), "A1"),
            ((1, 4), "E2"),
            ((9, 25), "Z10"),
            ((0, 26), "AA1"),
            ((0, 701), "ZZ1"),
            ((0, 702), "AAA1"),
            ((1_048_575, 16_383), "XFD1048576"),
        ];
        for ((row, column), expected) in cases {
            assert_eq!(cell_reference(row, column), expected, "{row},{column}");
        }
    }
}
