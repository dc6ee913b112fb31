//! One row of a list, stored in reusable buffers so that readers can fill the same
//! `Record` for every row without allocating per cell.

use std::ops::Range;

/// What a cell held in its source before it became text.
///
/// Text files only produce [`CellKind::Text`] and [`CellKind::Empty`]; spreadsheets
/// report the stored type so rules can tell a ZIP typed as text from one Excel stored as
/// a number (which is how leading zeros get lost).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CellKind {
    /// No value.
    #[default]
    Empty,
    /// A string cell, or any field of a text file.
    Text,
    /// A numeric cell, rendered as the number Excel displays (integers without `.0`).
    Number,
    /// A date or date-time cell, rendered as an ISO 8601 date or date-time.
    Date,
    /// A boolean cell, rendered as `TRUE` or `FALSE`.
    Boolean,
    /// An error cell such as `#N/A`, rendered as Excel shows it.
    Error,
}

/// One row of a list: its cells as text, each with the kind it had in the source.
///
/// Cells are kept exactly as the source held them: a row with more or fewer fields than
/// the header is not padded or cut, so validation can report it as ragged.
#[derive(Debug, Clone, Default)]
pub struct Record {
    row: u64,
    text: String,
    bounds: Vec<Range<usize>>,
    kinds: Vec<CellKind>,
}

impl Record {
    /// Creates an empty record.
    pub fn new() -> Self {
        Self::default()
    }

    /// Returns the 1-based row number as Excel shows it for this record's first line.
    pub fn row(&self) -> u64 {
        self.row
    }

    /// Returns the number of cells.
    pub fn len(&self) -> usize {
        self.bounds.len()
    }

    /// Returns true when the record has no cells.
    pub fn is_empty(&self) -> bool {
        self.bounds.is_empty()
    }

    /// Returns true when every cell is empty or only whitespace.
    pub fn is_blank(&self) -> bool {
        self.iter().all(|cell| cell.trim().is_empty())
    }

    /// Returns the text of cell `index`, or `None` past the last cell.
    pub fn get(&self, index: usize) -> Option<&str> {
        self.bounds
            .get(index)
            .map(|range| &self.text[range.clone()])
    }

    /// Returns the source kind of cell `index`, or `None` past the last cell.
    pub fn kind(&self, index: usize) -> Option<CellKind> {
        self.kinds.get(index).copied()
    }

    /// Iterates over the cells' text in column order.
    pub fn iter(&self) -> impl Iterator<Item = &str> + '_ {
        self.bounds.iter().map(|range| &self.text[range.clone()])
    }

    /// Removes all cells and sets the row number, keeping the allocated buffers.
    pub fn clear(&mut self, row: u64) {
        self.row = row;
        self.text.clear();
        self.bounds.clear();
        self.kinds.clear();
    }

    /// Appends a cell.
    pub fn push(&mut self, text: &str, kind: CellKind) {
        let start = self.text.len();
        self.text.push_str(text);
        self.bounds.push(start..self.text.len());
        self.kinds.push(kind);
    }

    /// Appends a cell whose text `write` appends to the record's buffer, so a reader can
    /// decode or format a cell without a temporary string.
    pub fn push_with(&mut self, kind: CellKind, write: impl FnOnce(&mut String)) {
        let start = self.text.len();
        write(&mut self.text);
        self.bounds.push(start..self.text.len());
        self.kinds.push(kind);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_reuses_buffers() {
        let mut record = Record::new();
        record.clear(2);
        record.push("Ada", CellKind::Text);
        record.push("", CellKind::Empty);
        assert_eq!(record.len(), 2);
        assert_eq!(record.get(0), Some("Ada"));
        assert_eq!(record.kind(1), Some(CellKind::Empty));
        assert!(!record.is_blank());

        record.clear(3);
        record.push(" ", CellKind::Text);
        assert_eq!(record.row(), 3);
        assert_eq!(record.len(), 1);
        assert!(record.is_blank());
        assert_eq!(record.get(1), None);
    }
}
