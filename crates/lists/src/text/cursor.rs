//! One forward pass over delimited records: CSV parsing, row numbering with blank lines,
//! field decoding and the per-row limits.

use std::io::{self, Read};

use crate::error::Limit;
use crate::index::Checkpoint;
use crate::text::encoding::Decoding;
use crate::text::tracker::{RecordTooLong, Tracker};
use crate::{CellKind, Limits, ReadError, Record};

/// Bytes the CSV parser reads at a time.
const PARSE_BUFFER: usize = 64 * 1024;

pub(crate) struct RecordCursor {
    csv: csv::Reader<Tracker<Box<dyn Read + Send>>>,
    decoding: Decoding,
    limits: Limits,
    /// Stream offset of the tracker's first byte.
    base: u64,
    /// Row of the last record read; the next line is `last_row + 1`.
    last_row: u64,
    /// Tracker offset just past the last record.
    last_end: u64,
    raw: csv::ByteRecord,
    /// Blank rows still to yield before the record held in `raw`.
    blank_left: u64,
    pending: bool,
    /// The checkpoint from which the rows up to the pending record can be read again.
    pending_checkpoint: Checkpoint,
    /// The checkpoint of the record returned last, `None` for a blank row.
    last_checkpoint: Option<Checkpoint>,
}

impl std::fmt::Debug for RecordCursor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RecordCursor")
            .field("decoding", &self.decoding)
            .field("last_row", &self.last_row)
            .finish_non_exhaustive()
    }
}

impl RecordCursor {
    /// Starts a pass over `stream`, whose first byte is at the place `start` describes.
    pub(crate) fn new(
        stream: Box<dyn Read + Send>,
        start: Checkpoint,
        delimiter: u8,
        decoding: Decoding,
        limits: Limits,
    ) -> Self {
        let csv = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter)
            .buffer_capacity(PARSE_BUFFER)
            .from_reader(Tracker::new(
                stream,
                limits.max_record_bytes,
                start.at_line_start,
                delimiter,
            ));
        Self {
            csv,
            decoding,
            limits,
            base: start.offset,
            last_row: start.row.saturating_sub(1),
            last_end: 0,
            raw: csv::ByteRecord::new(),
            blank_left: 0,
            pending: false,
            pending_checkpoint: start,
            last_checkpoint: None,
        }
    }

    /// Fills `record` with the next row, blank rows included. Returns `Ok(false)` at the
    /// end of the text; blank lines at the very end are not rows.
    pub(crate) fn next(&mut self, record: &mut Record) -> Result<bool, ReadError> {
        if !self.pending && !self.read_raw()? {
            return Ok(false);
        }
        if self.blank_left > 0 {
            self.blank_left -= 1;
            self.last_row += 1;
            self.last_checkpoint = None;
            record.clear(self.last_row);
            return Ok(true);
        }
        self.pending = false;
        self.last_row += 1;
        self.last_checkpoint = Some(self.pending_checkpoint);
        self.fill(record)?;
        Ok(true)
    }

    /// Returns where the record returned last, and the blank rows before it, can be read
    /// again from; `None` after a blank row.
    pub(crate) fn last_checkpoint(&self) -> Option<Checkpoint> {
        self.last_checkpoint
    }

    /// Returns the stream offset just past the records read so far.
    pub(crate) fn offset(&self) -> u64 {
        self.base + self.csv.position().byte()
    }

    fn read_raw(&mut self) -> Result<bool, ReadError> {
        let row = self.last_row + 1;
        let more = self
            .csv
            .read_byte_record(&mut self.raw)
            .map_err(|error| csv_error(error, row, self.limits))?;
        if !more {
            return Ok(false);
        }

        let end = self.csv.position().byte();
        let tracker = self.csv.get_mut();
        self.blank_left = tracker.take_blank_lines(self.last_end);
        tracker.set_record_start(end);
        if tracker.unclosed_quote().is_some_and(|quote| quote < end) {
            // The parser ended the field at the end of the text, so this record holds
            // every line after its opening quote.
            // NOTE: a stray quote that a later stray quote closes still joins the rows
            // between them into one cell without an error.
            let row = self.last_row + self.blank_left + 1;
            return Err(ReadError::UnclosedQuote { row });
        }
        if self.last_end > 0 {
            // Resume at the previous record's terminator, so its line ending is read again
            // as the end of a line with content.
            self.pending_checkpoint = Checkpoint {
                row: self.last_row + 1,
                offset: self.base + self.last_end - 1,
                at_line_start: false,
            };
        }
        self.last_end = end;
        self.pending = true;

        let last = self.last_row + self.blank_left + 1;
        if last > self.limits.max_rows {
            return Err(ReadError::limit(
                Limit::Rows,
                last,
                self.limits.max_rows,
                Some(last),
            ));
        }
        Ok(true)
    }

    fn fill(&mut self, record: &mut Record) -> Result<(), ReadError> {
        let row = self.last_row;
        record.clear(row);
        if self.raw.len() > self.limits.max_fields_per_row {
            let max = self.limits.max_fields_per_row as u64;
            return Err(ReadError::limit(
                Limit::FieldsPerRow,
                self.raw.len() as u64,
                max,
                Some(row),
            ));
        }
        // One UTF-8 check of the whole record is much cheaper than one per field. The
        // fields are valid UTF-8 exactly when the record is and every field starts on a
        // character boundary, which `str::get` checks.
        let whole = match self.decoding {
            Decoding::Utf8 | Decoding::Transcode(_) => std::str::from_utf8(self.raw.as_slice())
                .map_err(|_| ReadError::InvalidText {
                    row,
                    encoding: "UTF-8",
                })?,
            Decoding::SingleByte(_) => "",
        };
        let mut start = 0;
        for field in &self.raw {
            let end = start + field.len();
            if field.len() > self.limits.max_field_bytes {
                let max = self.limits.max_field_bytes as u64;
                return Err(ReadError::limit(
                    Limit::FieldBytes,
                    field.len() as u64,
                    max,
                    Some(row),
                ));
            }
            let kind = if field.is_empty() {
                CellKind::Empty
            } else {
                CellKind::Text
            };
            match self.decoding {
                Decoding::Utf8 | Decoding::Transcode(_) => {
                    let text = whole.get(start..end).ok_or(ReadError::InvalidText {
                        row,
                        encoding: "UTF-8",
                    })?;
                    record.push(text, kind);
                }
                Decoding::SingleByte(encoding) => {
                    record.push_with(kind, |text| {
                        let mut decoder = encoding.new_decoder_without_bom_handling();
                        let needed = decoder
                            .max_utf8_buffer_length_without_replacement(field.len())
                            .unwrap_or(field.len() * 3);
                        text.reserve(needed);
                        // Single-byte encodings map every byte, so nothing is replaced.
                        let _ = decoder.decode_to_string(field, text, true);
                    });
                }
            }
            start = end;
        }
        Ok(())
    }
}

/// Turns a CSV parser error into a [`ReadError`], recovering the record cap that the
/// tracker raises as an I/O error.
fn csv_error(error: csv::Error, row: u64, limits: Limits) -> ReadError {
    let reason = error.to_string();
    match error.into_kind() {
        csv::ErrorKind::Io(io_error) => {
            let too_long = io_error
                .get_ref()
                .and_then(|inner| inner.downcast_ref::<RecordTooLong>())
                .map(|inner| inner.length);
            match too_long {
                Some(length) => ReadError::limit(
                    Limit::RecordBytes,
                    length,
                    limits.max_record_bytes as u64,
                    Some(row),
                ),
                None => ReadError::Io(io_error),
            }
        }
        _ => ReadError::Csv { row, reason },
    }
}

/// Skips `count` bytes of a stream that cannot seek, such as a transcoding reader.
pub(crate) fn skip(stream: &mut dyn Read, count: u64) -> io::Result<()> {
    let skipped = io::copy(&mut stream.take(count), &mut io::sink())?;
    if skipped < count {
        return Err(io::Error::new(
            io::ErrorKind::UnexpectedEof,
            "file shrank while reading",
        ));
    }
    Ok(())
}
