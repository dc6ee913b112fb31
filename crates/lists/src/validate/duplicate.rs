//! Duplicate detection that keeps one small entry per distinct recipient, not the rows.

/// Remembers, for every recipient key seen so far, the row where it first appeared.
///
/// This is a hand-written open-addressing table with linear probing rather than a
/// `HashMap`, because the lookup is one of the most expensive steps per row on large
/// lists. Each slot stores the key's 64-bit hash as two `u32`s and the row as a third,
/// 12 bytes in one place, so most lookups touch one cache line. `HashMap` keeps its
/// control bytes apart from the slots and pads a `u64` key to 16 bytes. One million
/// distinct recipients take about 25 MB.
///
/// Two different recipients share a 64-bit hash with probability about n²/2⁶⁵ (about 3
/// in 100 million for a million rows), which is accepted: the result is one false
/// duplicate warning.
#[derive(Debug, Default)]
pub(crate) struct DuplicateIndex {
    /// `[hash high, hash low, row]`; a row of 0 marks an empty slot. The length is zero or
    /// a power of two.
    slots: Vec<[u32; 3]>,
    len: usize,
}

impl DuplicateIndex {
    const INITIAL_SLOTS: usize = 1024;

    /// Records the key's hash for `row`; returns the earlier row if the key was seen.
    pub(crate) fn insert(&mut self, key_hash: u64, row: u64) -> Option<u64> {
        // Keep the load below 70%, where linear probing stays short.
        if (self.len + 1) * 10 > self.slots.len() * 7 {
            self.grow();
        }
        let high = (key_hash >> 32) as u32;
        let low = key_hash as u32;
        // Row numbers start at 1, so 0 can mark empty slots. NOTE: rows past u32::MAX
        // are stored as u32::MAX; no spreadsheet or row limit allows that many.
        let row = u32::try_from(row).unwrap_or(u32::MAX).max(1);

        let mask = self.slots.len() - 1;
        let mut index = (key_hash as usize) & mask;
        loop {
            let slot = &mut self.slots[index];
            if slot[2] == 0 {
                *slot = [high, low, row];
                self.len += 1;
                return None;
            }
            if slot[0] == high && slot[1] == low {
                return Some(u64::from(slot[2]));
            }
            index = (index + 1) & mask;
        }
    }

    fn grow(&mut self) {
        let size = (self.slots.len() * 2).max(Self::INITIAL_SLOTS);
        let old = std::mem::replace(&mut self.slots, vec![[0; 3]; size]);
        let mask = size - 1;
        for slot in old.into_iter().filter(|slot| slot[2] != 0) {
            let key_hash = (u64::from(slot[0]) << 32) | u64::from(slot[1]);
            let mut index = (key_hash as usize) & mask;
            while self.slots[index][2] != 0 {
                index = (index + 1) & mask;
            }
            self.slots[index] = slot;
        }
    }
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
        // Same low bits (same slot), different high bits: not a duplicate.
        assert_eq!(index.insert(0xFEED_0000_0000_0001, 10), None);
    }

    #[test]
    fn entries_survive_growth() {
        let mut index = DuplicateIndex::default();
        // Multiplying by an odd constant gives distinct, well-spread hashes.
        let hash = |n: u64| n.wrapping_mul(0x9E37_79B9_7F4A_7C15);
        for row in 2..50_000 {
            assert_eq!(index.insert(hash(row), row), None, "row {row}");
        }
        assert!(index.slots.len().is_power_of_two());
        assert!(index.len * 10 <= index.slots.len() * 7);
        for row in 2..50_000 {
            assert_eq!(
                index.insert(hash(row), row + 100_000),
                Some(row),
                "row {row}"
            );
        }
        assert_eq!(index.len, 49_998);
    }

    #[test]
    fn slot_is_twelve_bytes() {
        assert_eq!(std::mem::size_of::<[u32; 3]>(), 12);
    }
}
