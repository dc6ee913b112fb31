//! Sparse index of text record offsets, for random access to row ranges.

/// A place in the text where reading can start again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Checkpoint {
    /// The 1-based row of the first line read from here.
    pub(crate) row: u64,
    /// Offset in the decoded stream (after any byte order mark): the start of the text,
    /// or the first terminator byte of the record before `row`.
    pub(crate) offset: u64,
    /// True at the start of the text, false at a record's terminator.
    pub(crate) at_line_start: bool,
}

/// Checkpoints at least [`RowIndex::INTERVAL`] rows apart, in ascending order, so the
/// index of a million-row file has about a thousand entries.
#[derive(Debug, Clone, Default)]
pub(crate) struct RowIndex {
    checkpoints: Vec<Checkpoint>,
}

impl RowIndex {
    /// Rows between checkpoints: a preview reads at most this many rows before the
    /// first one it returns.
    pub(crate) const INTERVAL: u64 = 1024;

    /// Offers a record start to the index, which keeps it when it is far enough past the
    /// last checkpoint (or is the first).
    pub(crate) fn offer(&mut self, checkpoint: Checkpoint) {
        let keep = match self.checkpoints.last() {
            None => true,
            Some(last) => checkpoint.row >= last.row + Self::INTERVAL,
        };
        if keep {
            self.checkpoints.push(checkpoint);
        }
    }

    /// Returns the last checkpoint at or before `row`.
    pub(crate) fn floor(&self, row: u64) -> Option<Checkpoint> {
        let after = self
            .checkpoints
            .partition_point(|checkpoint| checkpoint.row <= row);
        after.checked_sub(1).map(|index| self.checkpoints[index])
    }

    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.checkpoints.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_keeps_sparse_checkpoints() {
        let mut index = RowIndex::default();
        for row in 1..=5000 {
            index.offer(Checkpoint {
                row,
                offset: row * 10,
                at_line_start: false,
            });
        }
        assert_eq!(index.len(), 5);
        assert_eq!(
            index.floor(1),
            Some(Checkpoint {
                row: 1,
                offset: 10,
                at_line_start: false
            })
        );
        assert_eq!(index.floor(2000).map(|c| c.row), Some(1025));
        assert_eq!(index.floor(5000).map(|c| c.row), Some(4097));
        assert_eq!(index.floor(0), None);
    }
}
