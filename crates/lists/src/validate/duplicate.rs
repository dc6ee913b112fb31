//! Duplicate detection that keeps one small entry per distinct recipient, not the rows.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// Remembers, for every recipient key seen so far, the row where it first appeared.
///
/// Each entry is a 64-bit hash of the normalised key split into two `u32`s, plus a
/// `u32` row, 12 bytes in all (a `u64` key would be padded to 16). One million distinct
/// recipients take about 27 MB. Two different recipients share a 64-bit hash with
/// probability about n²/2⁶⁵, about 3 in 100 million for a million rows, which is
/// accepted: the result is one false duplicate warning.
#[derive(Debug, Default)]
pub(crate) struct DuplicateIndex {
    first_rows: HashMap<[u32; 2], u32, BuildHasherDefault<PassThroughHasher>>,
}

impl DuplicateIndex {
    /// Records the key's hash for `row`; returns the earlier row if the key was seen.
    pub(crate) fn insert(&mut self, key_hash: u64, row: u64) -> Option<u64> {
        let key = [(key_hash >> 32) as u32, key_hash as u32];
        // NOTE: rows past u32::MAX are stored as u32::MAX; no spreadsheet has that many.
        let row = u32::try_from(row).unwrap_or(u32::MAX);
        match self.first_rows.entry(key) {
            std::collections::hash_map::Entry::Occupied(entry) => Some(u64::from(*entry.get())),
            std::collections::hash_map::Entry::Vacant(entry) => {
                entry.insert(row);
                None
            }
        }
    }
}

/// Keys are already SipHash outputs, so the table's hasher only folds their bits
/// together instead of hashing them a second time.
#[derive(Debug, Default)]
pub(crate) struct PassThroughHasher(u64);

impl Hasher for PassThroughHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(byte);
        }
    }

    fn write_u32(&mut self, value: u32) {
        self.0 = self.0.rotate_left(32) ^ u64::from(value);
    }

    // The array's length prefix carries no information.
    fn write_usize(&mut self, _: usize) {}
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn later_rows_point_at_first() {
        let mut index = DuplicateIndex::default();
        assert_eq!(index.insert(0xDEAD_BEEF_0000_0001, 2), None);
        assert_eq!(index.insert(0xDEAD_BEEF_0000_0002, 3), None);
        assert_eq!(index.insert(0xDEAD_BEEF_0000_0001, 7), Some(2));
        assert_eq!(index.insert(0xDEAD_BEEF_0000_0001, 9), Some(2));
    }

    #[test]
    fn entry_is_twelve_bytes() {
        assert_eq!(std::mem::size_of::<([u32; 2], u32)>(), 12);
    }
}
