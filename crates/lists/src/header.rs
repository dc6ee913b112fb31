//! The header-row heuristic shared by text and spreadsheet lists, for headings that sit
//! below a title block, notes or blank rows.

use crate::CellKind;
use crate::mapping::is_known_heading;

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
    /// Cells whose text is a heading of the column-mapping synonym table, such as
    /// `Post Code` or `Town`.
    pub(crate) known: usize,
}

impl RowShape {
    /// Describes a row from its non-empty cells' text and kind.
    pub(crate) fn of<'a>(cells: impl Iterator<Item = (&'a str, CellKind)>) -> Self {
        let mut filled = 0;
        let mut short_text = true;
        let mut letters = false;
        let mut known = 0;
        for (text, kind) in cells {
            if text.trim().is_empty() {
                continue;
            }
            filled += 1;
            let short = kind == CellKind::Text && text.len() <= MAX_HEADING_BYTES;
            short_text &= short;
            letters |= text.chars().any(char::is_alphabetic);
            if short && is_known_heading(text) {
                known += 1;
            }
        }
        Self {
            filled,
            headings: filled > 0 && short_text && letters,
            known,
        }
    }
}

/// Returns the index of the header among `rows`.
///
/// Candidates are rows of headings that fill at least half of the data width and at
/// least two cells, unless the data is one column wide. The data width is the most
/// non-empty cells any of these rows has. The first candidate wins unless a later one
/// [`is_clearly_headings`] and has more [`known`](RowShape::known) headings, because a
/// title row such as `Report:,Spring,Generated:,2026-03-01` also looks like headings.
/// Falls back to the first non-empty row, and returns `None` when every row is empty.
pub(crate) fn pick_header(rows: &[RowShape]) -> Option<usize> {
    let width = rows.iter().map(|row| row.filled).max().unwrap_or(0);
    let needed = width.div_ceil(2).max(2).min(width).max(1);
    let mut best: Option<(usize, usize)> = None;
    for (index, row) in rows.iter().enumerate() {
        if !(row.headings && row.filled >= needed) {
            continue;
        }
        let better = match best {
            None => true,
            Some((_, known)) => is_clearly_headings(row) && row.known > known,
        };
        if better {
            best = Some((index, row.known));
        }
    }
    best.map(|(index, _)| index)
        .or_else(|| rows.iter().position(|row| row.filled > 0))
}

/// Returns whether at least two cells, and at least half of the filled ones, are known
/// headings. A data row below generic headings such as `column1` can hold one word like
/// `id` by chance, which must not make it the header.
fn is_clearly_headings(row: &RowShape) -> bool {
    row.known >= 2 && row.known * 2 >= row.filled
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
        let title_row = vec![
            shape(&[
                ("Report:", T),
                ("Spring", T),
                ("Generated:", T),
                ("2026-03-01", T),
            ]),
            shape(&[]),
            shape(&[("Name", T), ("Street", T), ("Town", T), ("Post Code", T)]),
            shape(&[("Ada", T), ("1 Main", T), ("London", T), ("SW1A 1AA", T)]),
        ];
        let generic_headings = vec![
            shape(&[("column0", T), ("column1", T), ("column2", T)]),
            shape(&[("id", T), ("a", T)]),
        ];
        let unknown_headings = vec![
            shape(&[("Kunde", T), ("Strasse", T)]),
            shape(&[("Ada", T), ("Main", T)]),
        ];
        let cases: &[(&str, &[RowShape], Option<usize>)] = &[
            ("title block", &title_block, Some(3)),
            ("plain", &plain, Some(0)),
            ("numbers first", &numbers_first, Some(1)),
            ("numeric text first", &numeric_text_first, Some(1)),
            ("one column", &one_column, Some(1)),
            ("only numbers", &only_numbers, Some(1)),
            ("title row", &title_row, Some(2)),
            ("unknown headings", &unknown_headings, Some(0)),
            ("generic headings", &generic_headings, Some(0)),
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
                headings: true,
                known: 1,
            }
        );
    }
}
