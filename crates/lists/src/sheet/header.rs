//! Finding the header row of a sheet, which may sit below a title block or blank rows.

use super::grid::Grid;
use crate::header::{RowShape, SEARCH_ROWS, pick_header};

/// Returns the 0-based header row, chosen by [`pick_header`] among the first
/// [`SEARCH_ROWS`] rows.
pub(crate) fn find_header_row(grid: &Grid) -> Option<u32> {
    let window = grid.rows().min(SEARCH_ROWS as u32);
    let shapes: Vec<RowShape> = (0..window)
        .map(|row| {
            RowShape::of(
                grid.row(row)
                    .iter()
                    .map(|cell| (grid.text(cell), cell.kind)),
            )
        })
        .collect();
    match pick_header(&shapes) {
        Some(index) => Some(index as u32),
        None => first_filled_from(grid, window),
    }
}

/// Returns the first non-empty row at or after the 0-based `row`.
pub(crate) fn first_filled_from(grid: &Grid, row: u32) -> Option<u32> {
    (row..grid.rows()).find(|&candidate| !grid.row(candidate).is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sheet::grid::GridBuilder;
    use crate::{CellKind, Limits};

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
