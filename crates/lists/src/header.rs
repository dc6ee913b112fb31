//! The header-row heuristic shared by text and spreadsheet lists, for headings that sit
//! below a title block, notes or blank rows.

use crate::CellKind;

/// Rows looked at when searching for the header.
pub(crate) const SEARCH_ROWS: usize = 100;

/// Maximum length of a column heading, in bytes.
const MAX_HEADING_BYTES: usize = 100;

/// The facts about one row that the heuristic uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RowShape {
    /// Non-empty cells.
    pub(crate) filled: usize,
    /// True when every non-empty cell is short text and at least one contains a letter.
    pub(crate) headings: bool,
}

impl RowShape {
    /// Describes a row from its non-empty cells' text and kind.
    pub(crate) fn of<'a>(cells: impl Iterator<Item = (&'a str, CellKind)>) -> Self {
        let mut filled = 0;
        let mut short_text = true;
        let mut letters = false;
        for (text, kind) in cells {
            if text.trim().is_empty() {
                continue;
            }
            filled += 1;
            short_text &= kind == CellKind::Text && text.len() <= MAX_HEADING_BYTES;
            letters |= text.chars().any(char::is_alphabetic);
        }
        Self {
            filled,
            headings: filled > 0 && short_text && letters,
        }
    }
}

/// Returns the index of the header among `rows`: the first row of headings that fills at
/// least half of the data width and at least two cells, unless the data is one column
/// wide. The data width is the most non-empty cells any of these rows has. Falls back to
/// the first non-empty row, and returns `None` when every row is empty.
pub(crate) fn pick_header(rows: &[RowShape]) -> Option<usize> {
    let width = rows.iter().map(|row| row.filled).max().unwrap_or(0);
    let needed = width.div_ceil(2).max(2).min(width).max(1);
    rows.iter()
        .position(|row| row.headings && row.filled >= needed)
        .or_else(|| rows.iter().position(|row| row.filled > 0))
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: CellKind = CellKind::Text;
    const N: CellKind = CellKind::Number;

    fn shape(cells: &[(&str, CellKind)]) -> RowShape {
        RowShape::of(cells.iter().copied())
    }

    #[test]
    fn pick_header_table() {
        let title_block = vec![
            shape(&[("Mailing list, spring", T)]),
            shape(&[("Exported 2024-03-01", T)]),
            shape(&[]),
            shape(&[("Name", T), ("Address", T), ("Postcode", T)]),
            shape(&[("Ada", T), ("1 High St", T), ("LS1 1AA", T)]),
        ];
        let plain = vec![
            shape(&[("Name", T), ("Zip", T)]),
            shape(&[("Bo", T), ("2101", N)]),
        ];
        let numbers_first = vec![
            shape(&[("1", N), ("2", N)]),
            shape(&[("Name", T), ("Zip", T)]),
        ];
        let numeric_text_first = vec![
            shape(&[("1", T), ("2", T)]),
            shape(&[("Name", T), ("Zip", T)]),
        ];
        let one_column = vec![
            shape(&[]),
            shape(&[("Email", T)]),
            shape(&[("a@example.com", T)]),
        ];
        let only_numbers = vec![shape(&[]), shape(&[("1", N), ("2", N)])];
        let cases: &[(&str, &[RowShape], Option<usize>)] = &[
            ("title block", &title_block, Some(3)),
            ("plain", &plain, Some(0)),
            ("numbers first", &numbers_first, Some(1)),
            ("numeric text first", &numeric_text_first, Some(1)),
            ("one column", &one_column, Some(1)),
            ("only numbers", &only_numbers, Some(1)),
            ("empty", &[], None),
        ];
        for (name, rows, expected) in cases {
            assert_eq!(pick_header(rows), *expected, "case {name}");
        }
    }

    #[test]
    fn row_shape_ignores_blank_cells() {
        let row = shape(&[("Name", T), ("  ", T), ("", CellKind::Empty)]);
        assert_eq!(
            row,
            RowShape {
                filled: 1,
                headings: true
            }
        );
    }
}
