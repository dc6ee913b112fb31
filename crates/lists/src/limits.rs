//! Caps that keep a hostile or accidental file from exhausting memory or time.

/// Resource caps applied while reading a list.
///
/// Every cap is checked before the memory it guards is allocated, where the format allows
/// it, and a file over a cap is rejected with [`ReadError::LimitExceeded`], which names
/// the cap, the value found and the limit.
///
/// The defaults fit mailing lists of up to a million recipients with generous margins.
///
/// [`ReadError::LimitExceeded`]: crate::ReadError::LimitExceeded
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Maximum size in bytes of a spreadsheet file, which is loaded into memory whole.
    /// Text files are streamed and not limited by this. Default: 256 MiB.
    pub max_spreadsheet_bytes: u64,
    /// Maximum total uncompressed size in bytes of all entries of a zip-based workbook
    /// (XLSX, XLSB, ODS), checked both against the sizes the zip central directory
    /// declares and against the bytes actually inflated. Default: 1 GiB.
    pub max_decompressed_bytes: u64,
    /// Maximum number of entries in a zip-based workbook. Default: 10,000.
    pub max_zip_entries: usize,
    /// Maximum number of cells one sheet may hold. XLSX and XLSB sheets count their
    /// non-empty cells (merged-region copies included). XLS and ODS sheets count the
    /// rectangle from the first to the last used cell, because their parser allocates it
    /// whole. Default: 50 million.
    pub max_cells: u64,
    /// Maximum number of rows (text records or sheet rows, blank ones included).
    /// Default: 2,000,000.
    pub max_rows: u64,
    /// Maximum number of fields in one row. Default: 1,000.
    pub max_fields_per_row: usize,
    /// Maximum length in bytes (UTF-8) of one field. Default: 64 KiB.
    pub max_field_bytes: usize,
    /// Maximum length in bytes of one text record, all fields and delimiters included;
    /// checked while the record is still being read. Default: 1 MiB.
    pub max_record_bytes: usize,
}

impl Limits {
    /// The default caps; see each field for its value.
    pub const DEFAULT: Limits = Limits {
        max_spreadsheet_bytes: 256 * 1024 * 1024,
        max_decompressed_bytes: 1024 * 1024 * 1024,
        max_zip_entries: 10_000,
        max_cells: 50_000_000,
        max_rows: 2_000_000,
        max_fields_per_row: 1_000,
        max_field_bytes: 64 * 1024,
        max_record_bytes: 1024 * 1024,
    };
}

impl Default for Limits {
    fn default() -> Self {
        Self::DEFAULT
    }
}
