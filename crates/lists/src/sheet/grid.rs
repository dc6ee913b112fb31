//! A loaded sheet: its non-empty cells rendered once into one text buffer, sorted by
//! position, with random access by row.

use crate::error::Limit;
use crate::{CellKind, Limits, ReadError};

#[derive(Debug, Clone, Copy)]
pub(crate) struct GridCell {
    pub(crate) row: u32,
    pub(crate) column: u32,
    start: u32,
    len: u32,
    pub(crate) kind: CellKind,
}

/// Collects cells in any order and checks each against the limits as it arrives, so an
/// oversized sheet fails before it is held in memory.
#[derive(Debug)]
pub(crate) struct GridBuilder {
    limits: Limits,
    text: String,
    cells: Vec<GridCell>,
    /// Merged regions to fill down, as (row, column, last row).
    fills: Vec<(u32, u32, u32)>,
}

impl GridBuilder {
    pub(crate) fn new(limits: Limits) -> Self {
        Self {
            limits,
            text: String::new(),
            cells: Vec::new(),
            fills: Vec::new(),
        }
    }

    /// Adds the cell at 0-based (`row`, `column`), whose text `render` appends to the
    /// buffer and whose kind it returns (`None` for an empty cell, which is not stored).
    pub(crate) fn push(
        &mut self,
        row: u32,
        column: u32,
        render: impl FnOnce(&mut String) -> Option<CellKind>,
    ) -> Result<(), ReadError> {
        let start = self.text.len();
        let Some(kind) = render(&mut self.text) else {
            self.text.truncate(start);
            return Ok(());
        };
        let len = self.text.len() - start;

        // Empty cells are skipped first: formatting often reaches far past the data.
        let excel_row = self.check_position(row, column)?;

        let limits = self.limits;
        if len > limits.max_field_bytes {
            let max = limits.max_field_bytes as u64;
            let found = len as u64;
            return Err(ReadError::limit(
                Limit::FieldBytes,
                found,
                max,
                Some(excel_row),
            ));
        }
        if self.cells.len() as u64 >= limits.max_cells {
            let found = self.cells.len() as u64 + 1;
            return Err(ReadError::limit(
                Limit::Cells,
                found,
                limits.max_cells,
                None,
            ));
        }
        let (Ok(start), Ok(len)) = (u32::try_from(start), u32::try_from(len)) else {
            // The text buffer is indexed with 32 bits. The decompressed-size cap keeps real
            // sheets far below 4 GiB.
            let found = (start + len) as u64;
            let max = u64::from(u32::MAX);
            return Err(ReadError::limit(Limit::DecompressedBytes, found, max, None));
        };
        self.cells.push(GridCell {
            row,
            column,
            start,
            len,
            kind,
        });
        Ok(())
    }

    /// Checks a 0-based cell position against the row and row-length limits and returns
    /// its 1-based row.
    fn check_position(&self, row: u32, column: u32) -> Result<u64, ReadError> {
        let limits = self.limits;
        let excel_row = u64::from(row) + 1;
        if excel_row > limits.max_rows {
            return Err(ReadError::limit(
                Limit::Rows,
                excel_row,
                limits.max_rows,
                None,
            ));
        }
        if column as usize >= limits.max_fields_per_row {
            let found = u64::from(column) + 1;
            let max = limits.max_fields_per_row as u64;
            return Err(ReadError::limit(
                Limit::FieldsPerRow,
                found,
                max,
                Some(excel_row),
            ));
        }
        Ok(excel_row)
    }

    /// Asks for the value of the cell at (`row`, `column`), if any, to be copied down to
    /// the rows below it up to `last_row`, for a region merged across rows. The copies
    /// share the cell's text.
    pub(crate) fn fill_down(&mut self, row: u32, column: u32, last_row: u32) {
        self.fills.push((row, column, last_row));
    }

    pub(crate) fn finish(mut self) -> Result<Grid, ReadError> {
        let by_position = |cell: &GridCell| (cell.row, cell.column);
        self.cells.sort_by_key(by_position);
        if !self.fills.is_empty() {
            let own = self.cells.len();
            for (row, column, last_row) in std::mem::take(&mut self.fills) {
                let Ok(found) = self.cells[..own].binary_search_by_key(&(row, column), by_position)
                else {
                    continue;
                };
                let source = self.cells[found];
                let copies = u64::from(last_row.saturating_sub(row));
                let total = self.cells.len() as u64 + copies;
                if total > self.limits.max_cells {
                    return Err(ReadError::limit(
                        Limit::Cells,
                        total,
                        self.limits.max_cells,
                        None,
                    ));
                }
                for below in row.saturating_add(1)..=last_row {
                    self.cells.push(GridCell {
                        row: below,
                        ..source
                    });
                }
            }
            // A stable sort keeps a cell's own value ahead of a copy at the same position,
            // and the dedup keeps the first.
            self.cells.sort_by_key(by_position);
        }
        self.cells.dedup_by_key(|cell| by_position(cell));
        let rows = self.cells.last().map_or(0, |cell| cell.row as usize + 1);
        let mut row_starts = Vec::with_capacity(rows + 1);
        let mut next = 0;
        for row in 0..=rows {
            while next < self.cells.len() && (self.cells[next].row as usize) < row {
                next += 1;
            }
            row_starts.push(next);
        }
        Ok(Grid {
            text: self.text,
            cells: self.cells,
            row_starts,
        })
    }
}

#[derive(Debug, Default)]
pub(crate) struct Grid {
    text: String,
    cells: Vec<GridCell>,
    /// Index into `cells` of each row's first cell; one entry past the last row.
    row_starts: Vec<usize>,
}

impl Grid {
    /// Returns the number of rows up to the last one with a cell.
    pub(crate) fn rows(&self) -> u32 {
        self.row_starts.len().saturating_sub(1) as u32
    }

    /// Returns the cells of a 0-based row in column order.
    pub(crate) fn row(&self, row: u32) -> &[GridCell] {
        let row = row as usize;
        match (self.row_starts.get(row), self.row_starts.get(row + 1)) {
            (Some(&start), Some(&end)) => &self.cells[start..end],
            _ => &[],
        }
    }

    pub(crate) fn text(&self, cell: &GridCell) -> &str {
        let start = cell.start as usize;
        &self.text[start..start + cell.len as usize]
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.cells.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text_cell(text: &'static str) -> impl FnOnce(&mut String) -> Option<CellKind> {
        move |out: &mut String| {
            out.push_str(text);
            (!text.is_empty()).then_some(CellKind::Text)
        }
    }

    #[test]
    fn grid_sorts_rows_and_fills_down() {
        let mut builder = GridBuilder::new(Limits::default());
        builder.push(3, 1, text_cell("d")).unwrap();
        builder.push(0, 0, text_cell("a")).unwrap();
        builder.push(0, 1, text_cell("")).unwrap();
        builder.push(1, 0, text_cell("b")).unwrap();
        builder.fill_down(1, 0, 3);
        let grid = builder.finish().unwrap();
        assert_eq!(grid.rows(), 4);
        let texts = |row| {
            grid.row(row)
                .iter()
                .map(|cell| grid.text(cell))
                .collect::<Vec<_>>()
        };
        assert_eq!(texts(0), ["a"]);
        assert_eq!(texts(2), ["b"]);
        assert_eq!(texts(3), ["b", "d"]);
        assert!(grid.row(9).is_empty());
    }

    #[test]
    fn grid_rejects_cells_over_limit() {
        let limits = Limits {
            max_cells: 2,
            ..Limits::default()
        };
        let mut builder = GridBuilder::new(limits);
        builder.push(0, 0, text_cell("a")).unwrap();
        builder.push(0, 1, text_cell("b")).unwrap();
        let error = builder.push(0, 2, text_cell("c")).unwrap_err();
        assert!(error.to_string().contains("over the limit of 2"), "{error}");
    }

    #[test]
    fn grid_skips_empty_cell_past_limit() {
        let mut builder = GridBuilder::new(Limits::default());
        builder.push(1_048_575, 16_383, text_cell("")).unwrap();
        assert_eq!(builder.finish().unwrap().rows(), 0);
    }

    #[test]
    fn grid_rejects_column_past_limit() {
        let mut builder = GridBuilder::new(Limits::default());
        let error = builder.push(4, 16_383, text_cell("x")).unwrap_err();
        assert!(error.to_string().contains("row 5"), "{error}");
    }
}
