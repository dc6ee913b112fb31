//! The public entry point: open a list from a path or bytes, then read its rows.

use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

use crate::format::{Container, sniff_container};
use crate::sheet::SheetReader;
use crate::source::Source;
use crate::text::TextReader;
use crate::{Format, Limits, ReadError, Record};

/// The sheet of a workbook to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SheetChoice {
    /// The sheet with this name (exact match).
    Name(String),
    /// The sheet at this 0-based position in the workbook.
    Index(usize),
}

/// The part of a text file read to settle on UTF-8, for a file that starts as valid UTF-8
/// and has no byte order mark and no encoding given.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum EncodingCheck {
    /// Reads the whole file once before the first row and takes Windows-1252 when any
    /// byte is not UTF-8, so opening costs one extra read of the file.
    #[default]
    WholeFile,
    /// Takes UTF-8 from the first 64 KiB, and from the rows read to find the header
    /// (Windows-1252 when one of those is not UTF-8). A later row that is not UTF-8 fails
    /// with [`ReadError::Utf8GuessFailed`], so reading the whole list still checks the
    /// choice. Opening reads only the sample and the rows up to the header.
    Sample,
}

/// Choices that override detection; the default detects everything.
#[derive(Debug, Clone, Default)]
pub struct OpenOptions {
    /// Sheet to read; default: the first visible sheet with data (a hidden one only when
    /// no visible sheet has data). Ignored for text.
    pub sheet: Option<SheetChoice>,
    /// Text encoding label (WHATWG names such as `utf-8`, `utf-16le`, `windows-1252`);
    /// default: detected. Ignored for spreadsheets.
    pub encoding: Option<String>,
    /// The part of a text file that settles the choice of UTF-8; default: the whole file.
    /// Ignored for spreadsheets, and when `encoding` or a byte order mark names the
    /// encoding.
    pub encoding_check: EncodingCheck,
    /// Field delimiter byte; default: detected among `,` `;` TAB `|`. Ignored for
    /// spreadsheets.
    pub delimiter: Option<u8>,
    /// 1-based row that contains the column headings; default: detected. The first non-blank
    /// row at or after this one is used.
    pub header_row: Option<u64>,
    /// Resource caps.
    pub limits: Limits,
}

/// A merged cell region of a sheet, in spreadsheet coordinates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct MergedRegion {
    /// First row, 1-based.
    pub first_row: u64,
    /// Last row, 1-based, inclusive.
    pub last_row: u64,
    /// First column, 1-based (column A is 1).
    pub first_column: u32,
    /// Last column, 1-based, inclusive.
    pub last_column: u32,
}

/// The facts detected about an opened list.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ListInfo {
    /// Container format, from content.
    pub format: Format,
    /// Text encoding used (e.g. `UTF-8`, `UTF-16LE`, `windows-1252`); `None` for
    /// spreadsheets.
    pub encoding: Option<String>,
    /// True when UTF-8 was taken from the start of the file alone
    /// ([`EncodingCheck::Sample`]), so a later row may still fail with
    /// [`ReadError::Utf8GuessFailed`].
    pub encoding_from_sample: bool,
    /// Field delimiter used; `None` for spreadsheets.
    pub delimiter: Option<char>,
    /// Name of the sheet read; `None` for text.
    pub sheet: Option<String>,
    /// Names of all sheets in workbook order; empty for text.
    pub sheets: Vec<String>,
    /// 1-based row of the column headings; `None` for a sheet with no data.
    pub header_row: Option<u64>,
    /// Column headings as they appear, trimmed of a byte order mark but not of spaces.
    pub headers: Vec<String>,
    /// Merged regions of the sheet read (XLSX, XLS and ODS; XLSB reports none).
    pub merged: Vec<MergedRegion>,
    /// Formula cells of the sheet read that the file stores without a calculated value,
    /// which read as empty (XLSX only; none for other formats).
    pub uncalculated_formulas: UncalculatedFormulas,
}

/// Formula cells stored without a calculated value, as files written by generators such
/// as openpyxl have them until a spreadsheet program recalculates and saves the file.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct UncalculatedFormulas {
    /// Number of such cells.
    pub count: u64,
    /// The first ten of them in A1 notation (such as `E2`), in sheet order.
    pub cells: Vec<String>,
}

/// Unit of a [`Progress`] count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ProgressUnit {
    /// Bytes of the file (text lists).
    Bytes,
    /// Rows of the sheet (spreadsheets, which are loaded before reading starts).
    Rows,
}

/// The progress of [`ListReader::read_record`] through the list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Progress {
    /// Units done.
    pub done: u64,
    /// Units in total.
    pub total: u64,
    /// The unit counted.
    pub unit: ProgressUnit,
}

/// Reads the rows of a CSV, text or spreadsheet list.
///
/// Text is streamed with bounded memory. A spreadsheet's chosen sheet is loaded once,
/// within the [`Limits`].
///
/// ```
/// use sealpost_lists::{ListReader, OpenOptions, Record};
///
/// let text = b"Spring mailing\n\nname;postcode\nAda;LS1 1AA\n\nBo;YO1 7HH\n".to_vec();
/// let mut reader = ListReader::from_bytes(text, &OpenOptions::default())?;
/// assert_eq!(reader.info().header_row, Some(3));
/// assert_eq!(reader.info().headers, ["name", "postcode"]);
///
/// let mut record = Record::new();
/// let mut rows = Vec::new();
/// while reader.read_record(&mut record)? {
///     rows.push((record.row(), record.get(1).map(str::to_owned)));
/// }
/// assert_eq!(rows, [(4, Some("LS1 1AA".into())), (5, None), (6, Some("YO1 7HH".into()))]);
/// # Ok::<(), sealpost_lists::ReadError>(())
/// ```
#[derive(Debug)]
pub struct ListReader {
    info: ListInfo,
    inner: Inner,
}

#[derive(Debug)]
enum Inner {
    Text(Box<TextReader>),
    Sheet(Box<SheetReader>),
}

impl ListReader {
    /// Opens the list at `path`, detecting its format from content.
    ///
    /// Text files are streamed from disk; spreadsheets are read into memory whole, up to
    /// [`Limits::max_spreadsheet_bytes`].
    pub fn open(path: &Path, options: &OpenOptions) -> Result<ListReader, ReadError> {
        let source = Source::File(path.to_path_buf());
        let head = source
            .head(8)
            .map_err(|error| ReadError::from_io(path, error))?;
        match sniff_container(&head)? {
            Container::Text => Self::from_text(source, options),
            container => {
                let size = source
                    .len()
                    .map_err(|error| ReadError::from_io(path, error))?;
                let max = options.limits.max_spreadsheet_bytes;
                if size > max {
                    let what = crate::error::Limit::SpreadsheetBytes;
                    return Err(ReadError::limit(what, size, max, None));
                }
                let bytes = std::fs::read(path).map_err(|error| ReadError::from_io(path, error))?;
                Self::from_sheet(container, bytes, options)
            }
        }
    }

    /// Opens a list held in memory, detecting its format from content.
    pub fn from_bytes(bytes: Vec<u8>, options: &OpenOptions) -> Result<ListReader, ReadError> {
        match sniff_container(&bytes)? {
            Container::Text => Self::from_text(Source::Memory(Arc::from(bytes)), options),
            container => {
                let max = options.limits.max_spreadsheet_bytes;
                if bytes.len() as u64 > max {
                    let what = crate::error::Limit::SpreadsheetBytes;
                    return Err(ReadError::limit(what, bytes.len() as u64, max, None));
                }
                Self::from_sheet(container, bytes, options)
            }
        }
    }

    fn from_text(source: Source, options: &OpenOptions) -> Result<ListReader, ReadError> {
        let reader = TextReader::open(source, options)?;
        let header = reader.header();
        let info = ListInfo {
            format: Format::Csv,
            encoding: Some(reader.encoding_name().to_owned()),
            encoding_from_sample: reader.encoding_from_sample(),
            delimiter: Some(char::from(reader.delimiter())),
            sheet: None,
            sheets: Vec::new(),
            header_row: (header.row() > 0).then_some(header.row()),
            headers: header.iter().map(str::to_owned).collect(),
            merged: Vec::new(),
            uncalculated_formulas: UncalculatedFormulas::default(),
        };
        Ok(ListReader {
            info,
            inner: Inner::Text(Box::new(reader)),
        })
    }

    fn from_sheet(
        container: Container,
        bytes: Vec<u8>,
        options: &OpenOptions,
    ) -> Result<ListReader, ReadError> {
        let (reader, info) = SheetReader::open(container, bytes, options)?;
        Ok(ListReader {
            info,
            inner: Inner::Sheet(Box::new(reader)),
        })
    }

    /// Returns what was detected about the list.
    pub fn info(&self) -> &ListInfo {
        &self.info
    }

    /// Fills `record` with the next data row after the header, blank rows included (as
    /// records with no cells). Returns `Ok(false)` at the end.
    ///
    /// Errors that concern one row (invalid text, a field over a limit) carry its row
    /// number; reading cannot continue after an error.
    pub fn read_record(&mut self, record: &mut Record) -> Result<bool, ReadError> {
        match &mut self.inner {
            Inner::Text(reader) => reader.read_record(record),
            Inner::Sheet(reader) => Ok(reader.read_record(record)),
        }
    }

    /// Returns how far reading has got: bytes for text, rows for spreadsheets.
    pub fn progress(&self) -> Progress {
        match &self.inner {
            Inner::Text(reader) => {
                let (done, total) = reader.progress();
                Progress {
                    done,
                    total,
                    unit: ProgressUnit::Bytes,
                }
            }
            Inner::Sheet(reader) => {
                let (done, total) = reader.progress();
                Progress {
                    done,
                    total,
                    unit: ProgressUnit::Rows,
                }
            }
        }
    }

    /// Returns the data rows whose row numbers fall in `rows` (for example `2..102`),
    /// blank rows included, without disturbing [`read_record`](Self::read_record).
    ///
    /// Text is read from the nearest indexed record at or before `rows.start`. Rows past
    /// what has been read so far are reached by reading forward from the last checkpoint.
    /// The result holds every row of the range, so callers page in small ranges.
    pub fn rows(&mut self, rows: Range<u64>) -> Result<Vec<Record>, ReadError> {
        match &mut self.inner {
            Inner::Text(reader) => reader.rows(rows),
            Inner::Sheet(reader) => Ok(reader.rows(rows)),
        }
    }
}
