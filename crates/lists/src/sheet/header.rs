//! Finding the header row of a sheet, which may sit below a title block or blank rows.

use super::grid::Grid;
use crate::CellKind;

/// Rows looked at when searching for the header.
const SEARCH_ROWS: u32 = 100;

/// Longest text that still looks like a column heading, in bytes.
const MAX_HEADING_BYTES: usize = 100;

/// Returns the 0-based header row: the first row, among the first [`SEARCH_ROWS`], whose
/// cells are all short text and cover at least half of the data width (the most
/// non-empty cells any row in that window has, and at least two cells unless the data
/// is one column wide). Falls back to the first non-empty row.
pub(crate) fn find_header_row(grid: &Grid) -> Option<u32> {
    let window = grid.rows().min(SEARCH_ROWS);
    let width = (0..window)
        .map(|row| grid.row(row).len())
        .max()
        .unwrap_or(0);
    let needed = width.div_ceil(2).max(2).min(width);
    let looks_like_header = |row: u32| {
        let cells = grid.row(row);
        cells.len() >= needed.max(1)
            && cells.iter().all(|cell| {
                cell.kind == CellKind::Text && grid.text(cell).len() <= MAX_HEADING_BYTES
            })
    };
    (0..window)
        .find(|&row| looks_like_header(row))
        .or_else(|| (0..grid.rows()).find(|&row| !grid.row(row).is_empty()))
}

/// Returns the first non-empty row at or after the 0-based `row`.
pub(crate) fn first_filled_from(grid: &Grid, row: u32) -> Option<u32> {
    (row..grid.rows()).find(|&candidate| !grid.row(candidate).is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Limits;
    use crate::sheet::grid::GridBuilder;

    fn grid(rows: &[&[(&'static str, CellKind)]]) -> Grid {
        let mut builder = GridBuilder::new(Limits::default());
        for (row, cells) in rows.iter().enumerate() {
            for (column, (text, kind)) in cells.iter().enumerate() {
                let kind = *kind;
                builder
                    .push(row as u32, column as u32, |out| {
                        out.push_str(text);
                        (!text.is_empty()).then_some(kind)
                    })
                    .unwrap();
            }
        }
        builder.finish().unwrap()
    }

    const T: CellKind = CellKind::Text;
    const N: CellKind = CellKind::Number;

    #[test]
    fn header_table() {
        let title_block = grid(&[
            &[("Mailing list, spring", T)],
            &[("Exported 2024-03-01", T)],
            &[],
            &[("Name", T), ("Address", T), ("Postcode", T)],
            &[("Ada", T), ("1 High St", T), ("LS1 1AA", T)],
        ]);
        let plain = grid(&[&[("Name", T), ("Zip", T)], &[("Bo", T), ("2101", N)]]);
        let numeric_first = grid(&[&[("1", N), ("2", N)], &[("Name", T), ("Zip", T)]]);
        let one_column = grid(&[&[], &[("Email", T)], &[("a@example.com", T)]]);
        let cases: &[(&Grid, Option<u32>)] = &[
            (&title_block, Some(3)),
            (&plain, Some(0)),
            (&numeric_first, Some(1)),
            (&one_column, Some(1)),
        ];
        for (index, (grid, expected)) in cases.iter().enumerate() {
            assert_eq!(find_header_row(grid), *expected, "case {index}");
        }
    }

    #[test]
    fn header_falls_back_to_first_filled_row() {
        let numbers = grid(&[&[], &[("1", N), ("2", N)], &[("3", N), ("4", N)]]);
        assert_eq!(find_header_row(&numbers), Some(1));
        assert_eq!(first_filled_from(&numbers, 0), Some(1));
        assert_eq!(find_header_row(&grid(&[])), None);
    }
}
