//! Errors raised while opening or reading a list.

use std::fmt;
use std::io;
use std::path::PathBuf;

use crate::Format;

/// A list could not be opened or read.
///
/// Messages state what is wrong with the file and what the user can do. They never
/// quote cell contents, because lists contain personal data.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReadError {
    /// The file does not exist.
    #[error("not found: {}", path.display())]
    NotFound {
        /// The path that was opened.
        path: PathBuf,
    },

    /// The file could not be opened or read from disk.
    #[error("the file could not be read; check that you may open it")]
    Io(#[source] io::Error),

    /// The file has no content at all (a text file may have a byte order mark).
    #[error("the file is empty; export the list again and choose a file that contains rows")]
    Empty,

    /// A text file has content, but only blank lines and empty fields.
    #[error(
        "the file has no rows with data, only blank lines or empty fields; check that \
         you exported the right list"
    )]
    NoRowsWithData,

    /// The content is not a CSV/text list or a supported spreadsheet.
    #[error(
        "the file is not a list: its content looks like {found}; \
         choose a CSV, text, XLSX, XLSM, XLS, XLSB or ODS file"
    )]
    UnsupportedFormat {
        /// Description of the content, e.g. "a PNG image".
        found: &'static str,
    },

    /// A workbook (zip archive) is cut short or damaged so that its parts cannot be
    /// listed, for example after an interrupted download or copy.
    #[error(
        "the {format} workbook is damaged or incomplete; export it again from your \
         spreadsheet program, or copy the whole file again"
    )]
    DamagedWorkbook {
        /// The format the start of the archive shows.
        format: Format,
    },

    /// The workbook is encrypted with a password.
    #[error(
        "the workbook is protected with a password; open it in your spreadsheet program, \
         remove the password (or save an unprotected copy) and try again"
    )]
    PasswordProtected,

    /// The requested text encoding label is unknown.
    #[error(
        "unknown text encoding {label:?}; use a label such as utf-8, utf-16le, utf-16be \
         or windows-1252"
    )]
    UnknownEncoding {
        /// The label given in the options.
        label: String,
    },

    /// The delimiter given in the options cannot separate fields.
    #[error(
        "invalid delimiter byte 0x{byte:02X}; use an ASCII character other than a quote, \
         carriage return or line feed, such as ',' ';' '|' or a tab"
    )]
    InvalidDelimiter {
        /// The delimiter byte given in the options.
        byte: u8,
    },

    /// The text is not valid in the detected or requested encoding.
    #[error(
        "row {row} is not valid {encoding} text; save the file as UTF-8, or choose its \
         encoding (for example windows-1252) explicitly"
    )]
    InvalidText {
        /// The 1-based row number as a spreadsheet program shows it.
        row: u64,
        /// The encoding the text was read with.
        encoding: &'static str,
    },

    /// A row is not valid UTF-8, but UTF-8 was taken from the start of the file alone
    /// ([`EncodingCheck::Sample`](crate::EncodingCheck::Sample)), so the list is in
    /// another encoding.
    #[error(
        "row {row} is not valid UTF-8 text, although the start of the file is, so the \
         list is in another encoding; open it again and choose its encoding \
         (windows-1252 for most files saved by Excel on Windows)"
    )]
    Utf8GuessFailed {
        /// The 1-based row number as a spreadsheet program shows it.
        row: u64,
    },

    /// A cap from [`Limits`](crate::Limits) was exceeded.
    #[error("{what} is {found}, over the limit of {limit}{at}; {advice}", at = RowSuffix(*row), advice = what.advice())]
    LimitExceeded {
        /// The cap that was exceeded.
        what: Limit,
        /// The value found (or claimed by the file), at least `limit + 1`.
        found: u64,
        /// The cap.
        limit: u64,
        /// The row where the cap was exceeded, when it applies to one row.
        row: Option<u64>,
    },

    /// The requested sheet does not exist.
    #[error("the workbook has no sheet {wanted}; it has {available}")]
    SheetNotFound {
        /// The requested sheet, quoted name or index.
        wanted: String,
        /// The sheet names in the workbook, comma separated.
        available: String,
    },

    /// The workbook contains no sheet with data.
    #[error("the workbook has no sheet with data; check that you exported the right file")]
    NoData,

    /// The requested header row is past the end of the list.
    #[error("the list has no row {row} to use as the header row; it ends at row {last}")]
    HeaderRowMissing {
        /// The requested 1-based header row.
        row: u64,
        /// The last row of the list.
        last: u64,
    },

    /// The spreadsheet is damaged or uses a feature the reader does not support.
    #[error(
        "the {format} file could not be read ({reason}); open it in your spreadsheet \
         program and save it again, or export it as CSV"
    )]
    Spreadsheet {
        /// The detected spreadsheet format.
        format: Format,
        /// The parser's description of the problem, without cell contents.
        reason: String,
    },

    /// A quoted field is still open at the end of the text, so every line after its
    /// opening quote would be read as one cell.
    #[error(
        "row {row} has a quoted field that is never closed, so the rest of the file \
         would be read as one cell; add the missing closing quote (\") in row {row}, or \
         remove the opening one"
    )]
    UnclosedQuote {
        /// The 1-based row whose field opens the quote.
        row: u64,
    },

    /// The text could not be parsed as delimited records.
    #[error("row {row} could not be read as CSV: {reason}")]
    Csv {
        /// The 1-based row number where parsing failed.
        row: u64,
        /// The parser's description of the problem.
        reason: String,
    },
}

/// The cap named in a [`ReadError::LimitExceeded`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Limit {
    /// [`Limits::max_spreadsheet_bytes`](crate::Limits::max_spreadsheet_bytes).
    SpreadsheetBytes,
    /// [`Limits::max_decompressed_bytes`](crate::Limits::max_decompressed_bytes).
    DecompressedBytes,
    /// [`Limits::max_zip_entries`](crate::Limits::max_zip_entries).
    ZipEntries,
    /// [`Limits::max_cells`](crate::Limits::max_cells).
    Cells,
    /// [`Limits::max_rows`](crate::Limits::max_rows).
    Rows,
    /// [`Limits::max_fields_per_row`](crate::Limits::max_fields_per_row).
    FieldsPerRow,
    /// [`Limits::max_field_bytes`](crate::Limits::max_field_bytes).
    FieldBytes,
    /// [`Limits::max_record_bytes`](crate::Limits::max_record_bytes).
    RecordBytes,
}

impl Limit {
    fn advice(self) -> &'static str {
        match self {
            Limit::SpreadsheetBytes | Limit::DecompressedBytes | Limit::ZipEntries => {
                "export the list as CSV or split it into smaller files"
            }
            Limit::Cells | Limit::Rows => "split the list into smaller files",
            Limit::FieldsPerRow | Limit::FieldBytes | Limit::RecordBytes => {
                "check the delimiter and quoting, or remove the oversized data"
            }
        }
    }
}

impl fmt::Display for Limit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Limit::SpreadsheetBytes => "the spreadsheet file size in bytes",
            Limit::DecompressedBytes => "the uncompressed workbook size in bytes",
            Limit::ZipEntries => "the number of parts in the workbook",
            Limit::Cells => "the number of cells in the sheet",
            Limit::Rows => "the number of rows",
            Limit::FieldsPerRow => "the number of fields in a row",
            Limit::FieldBytes => "the length of a field in bytes",
            Limit::RecordBytes => "the length of a row in bytes",
        })
    }
}

struct RowSuffix(Option<u64>);

impl fmt::Display for RowSuffix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(row) => write!(f, " at row {row}"),
            None => Ok(()),
        }
    }
}

impl ReadError {
    /// Wraps an I/O error met while reading `path`, telling a missing file apart.
    pub(crate) fn from_io(path: &std::path::Path, error: io::Error) -> Self {
        if error.kind() == io::ErrorKind::NotFound {
            ReadError::NotFound {
                path: path.to_path_buf(),
            }
        } else {
            ReadError::Io(error)
        }
    }

    /// Builds a [`ReadError::Spreadsheet`] from a parser's message, which sits mid-sentence
    /// in ours, so a capitalised first word is lower-cased (unless it is an acronym).
    pub(crate) fn spreadsheet(format: Format, reason: impl fmt::Display) -> Self {
        ReadError::Spreadsheet {
            format,
            reason: mid_sentence(&reason.to_string()),
        }
    }

    pub(crate) fn limit(what: Limit, found: u64, limit: u64, row: Option<u64>) -> Self {
        ReadError::LimitExceeded {
            what,
            found,
            limit,
            row,
        }
    }
}

/// Lower-cases the first letter of `text` unless the second is upper case too, as in
/// "XML" or "OLE".
fn mid_sentence(text: &str) -> String {
    let mut chars = text.chars();
    let (Some(first), second) = (chars.next(), chars.next()) else {
        return text.to_owned();
    };
    if second.is_some_and(char::is_uppercase) {
        return text.to_owned();
    }
    first
        .to_lowercase()
        .chain(text[first.len_utf8()..].chars())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mid_sentence_table() {
        let cases = [
            (
                "File is larger than declared",
                "file is larger than declared",
            ),
            ("XML error at 3", "XML error at 3"),
            ("invalid zip", "invalid zip"),
            ("", ""),
            ("É", "é"),
        ];
        for (text, expected) in cases {
            assert_eq!(mid_sentence(text), expected, "text {text:?}");
        }
    }

    #[test]
    fn spreadsheet_message_reads_mid_sentence() {
        let error = ReadError::spreadsheet(Format::Xlsx, "File is larger than its size");
        let message = error.to_string();
        assert!(message.contains("(file is larger"), "{message}");
    }

    #[test]
    fn limit_message_names_value_limit_and_row() {
        let error = ReadError::limit(Limit::FieldBytes, 70_000, 65_536, Some(12));
        let message = error.to_string();
        assert!(message.contains("70000"), "{message}");
        assert!(message.contains("65536"), "{message}");
        assert!(message.contains("row 12"), "{message}");
    }

    #[test]
    fn limit_message_without_row() {
        let error = ReadError::limit(Limit::Cells, 17_000_000_000, 50_000_000, None);
        let message = error.to_string();
        assert!(message.contains("17000000000"), "{message}");
        assert!(!message.contains("row"), "{message}");
    }
}
