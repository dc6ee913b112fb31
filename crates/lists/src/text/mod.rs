//! Streaming reader for delimited text lists (CSV, TSV, semicolon and pipe separated).

mod cursor;
mod encoding;
mod quotes;
mod sniff;
mod tracker;

use std::collections::VecDeque;
use std::io::Read;
use std::ops::Range;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use encoding_rs::{UTF_8, UTF_16BE, UTF_16LE, WINDOWS_1252};

use self::cursor::RecordCursor;
use self::encoding::{Decoding, TextEncoding, detect_encoding, is_utf8_stream};
use crate::header::{RowShape, SEARCH_ROWS, pick_header};
use crate::index::{Checkpoint, RowIndex};
use crate::source::{Counted, Source};
use crate::{CellKind, EncodingCheck, OpenOptions, ReadError, Record};

/// Bytes read from the start of a file to choose its encoding and delimiter.
const SAMPLE_BYTES: usize = 64 * 1024;

/// Cap on the text of the records read ahead to find the header, in bytes.
const LOOKAHEAD_BYTES: usize = 1024 * 1024;

/// A row read ahead of the caller, with the checkpoint it can be read again from.
type AheadRow = (Record, Option<Checkpoint>);

#[derive(Debug)]
pub(crate) struct TextReader {
    source: Source,
    encoding: TextEncoding,
    delimiter: u8,
    options_limits: crate::Limits,
    cursor: RecordCursor,
    header: Record,
    /// Rows after the header read ahead while looking for it, returned first.
    lookahead: VecDeque<AheadRow>,
    /// An error met while reading ahead, raised once the rows before it are returned.
    deferred: Option<ReadError>,
    index: RowIndex,
    /// Source bytes read by the main pass, for progress.
    consumed: Arc<AtomicU64>,
    total: u64,
    /// True when UTF-8 was taken from the start of the file alone, so a row that is not
    /// UTF-8 proves the choice wrong rather than the row.
    from_sample: bool,
}

impl TextReader {
    /// Detects the encoding and delimiter and reads up to the header row.
    pub(crate) fn open(source: Source, options: &OpenOptions) -> Result<Self, ReadError> {
        let total = source.len().map_err(ReadError::Io)?;
        let head = source.head(SAMPLE_BYTES).map_err(ReadError::Io)?;
        let truncated = (head.len() as u64) < total;
        let mut encoding = detect_encoding(&head, truncated, options.encoding.as_deref())?;
        let unsettled_utf8 = options.encoding.is_none() && truncated && sniffed_utf8(encoding);
        let sample_only = unsettled_utf8 && options.encoding_check == EncodingCheck::Sample;
        if unsettled_utf8 && !sample_only {
            // Exports often start with plain ASCII rows and hold Windows-1252 accents only
            // further down, so a valid sample is not enough: the rest of the file is
            // checked too, rather than failing with invalid UTF-8 mid-run.
            let rest = source.open_at(head.len() as u64).map_err(ReadError::Io)?;
            let tail_of_head = utf8_incomplete_tail(&head);
            if !is_utf8_stream(tail_of_head.chain(rest)).map_err(ReadError::Io)? {
                encoding.encoding = WINDOWS_1252;
            }
        }
        if !sample_only {
            return Self::open_with(source, options, &head, total, encoding, false);
        }

        // The rows read ahead for the header may reach past the sample. A byte there that
        // is not UTF-8 settles the encoding as the whole-file check would, before any
        // row is returned.
        let opened = Self::open_with(source.clone(), options, &head, total, encoding, true);
        let guess_failed = match &opened {
            Err(error) => matches!(error, ReadError::InvalidText { .. }),
            Ok(reader) => matches!(reader.deferred, Some(ReadError::InvalidText { .. })),
        };
        if !guess_failed {
            return opened;
        }
        encoding.encoding = WINDOWS_1252;
        Self::open_with(source, options, &head, total, encoding, false)
    }

    /// Finishes [`open`](Self::open) once the encoding is chosen. `from_sample` is true
    /// when UTF-8 was taken from `head` alone.
    fn open_with(
        source: Source,
        options: &OpenOptions,
        head: &[u8],
        total: u64,
        mut encoding: TextEncoding,
        from_sample: bool,
    ) -> Result<Self, ReadError> {
        let truncated = (head.len() as u64) < total;
        let mut sample = decoded_sample(&head[encoding.skip_len..], encoding.decoding());
        let hint = sniff::separator_line(&sample);
        if let Some((_, line_len)) = hint {
            // The line is ASCII, so it takes two bytes a character in UTF-16 and one in
            // every other supported encoding.
            let utf16 = [UTF_16LE, UTF_16BE].contains(&encoding.encoding);
            let unit = if utf16 { 2 } else { 1 };
            encoding.skip_len += line_len * unit;
            sample.drain(..line_len);
        }
        let delimiter = match (options.delimiter, hint) {
            (Some(byte), _) => check_delimiter(byte)?,
            (None, Some((byte, _))) => byte,
            (None, None) => sniff::sniff_delimiter(&sample, truncated),
        };

        let consumed = Arc::new(AtomicU64::new(0));
        let stream = open_stream(&source, encoding, 0, Some(&consumed))?;
        let start = Checkpoint {
            row: 1,
            offset: 0,
            at_line_start: true,
        };
        let cursor = RecordCursor::new(
            stream,
            start,
            delimiter,
            encoding.decoding(),
            options.limits,
        );
        let mut reader = Self {
            source,
            encoding,
            delimiter,
            options_limits: options.limits,
            cursor,
            header: Record::new(),
            lookahead: VecDeque::new(),
            deferred: None,
            index: RowIndex::default(),
            consumed,
            total,
            from_sample,
        };
        reader.read_header(options.header_row)?;
        Ok(reader)
    }

    /// Reads records up to the header: the first non-blank record at or after
    /// `header_row` when it is given, else the row [`pick_header`] chooses among the
    /// first [`SEARCH_ROWS`] non-blank records.
    fn read_header(&mut self, header_row: Option<u64>) -> Result<(), ReadError> {
        match header_row {
            Some(wanted) => self.read_header_at(wanted),
            None => self.detect_header(),
        }
    }

    fn read_header_at(&mut self, wanted: u64) -> Result<(), ReadError> {
        let mut record = Record::new();
        loop {
            if !self.cursor.next(&mut record)? {
                let last = record.row();
                return Err(ReadError::HeaderRowMissing { row: wanted, last });
            }
            if record.row() >= wanted && !record.is_blank() {
                self.header = record;
                return Ok(());
            }
        }
    }

    fn detect_header(&mut self) -> Result<(), ReadError> {
        let shapes = self.read_ahead()?;

        let rows: Vec<RowShape> = shapes.iter().map(|(_, shape)| *shape).collect();
        let Some(picked) = pick_header(&rows) else {
            // Only a byte order mark counts as no content at all.
            if self.total <= self.encoding.skip_len as u64 {
                return Err(ReadError::Empty);
            }
            return Err(ReadError::NoRowsWithData);
        };

        self.lookahead.drain(..shapes[picked].0);
        if let Some((header, _)) = self.lookahead.pop_front() {
            self.header = header;
        }
        Ok(())
    }

    /// Reads up to [`SEARCH_ROWS`] non-blank records (or [`LOOKAHEAD_BYTES`] of text) into
    /// the lookahead queue, and returns the position and shape of each non-blank one.
    fn read_ahead(&mut self) -> Result<Vec<(usize, RowShape)>, ReadError> {
        let mut shapes = Vec::new();
        let mut bytes = 0;
        while shapes.len() < SEARCH_ROWS && bytes < LOOKAHEAD_BYTES {
            let mut record = Record::new();
            match self.cursor.next(&mut record) {
                Ok(true) => {}
                Ok(false) => break,
                // A row error after the first rows waits until those rows are read.
                Err(error) if !shapes.is_empty() => {
                    self.deferred = Some(error);
                    break;
                }
                Err(error) => return Err(error),
            }

            if !record.is_blank() {
                bytes += record.iter().map(str::len).sum::<usize>();
                let cells = record.iter().map(|text| (text, CellKind::Text));
                shapes.push((self.lookahead.len(), RowShape::of(cells)));
            }
            let checkpoint = self.cursor.last_checkpoint();
            self.lookahead.push_back((record, checkpoint));
        }
        Ok(shapes)
    }

    pub(crate) fn encoding_name(&self) -> &'static str {
        self.encoding.encoding.name()
    }

    pub(crate) fn encoding_from_sample(&self) -> bool {
        self.from_sample
    }

    pub(crate) fn delimiter(&self) -> u8 {
        self.delimiter
    }

    pub(crate) fn header(&self) -> &Record {
        &self.header
    }

    pub(crate) fn read_record(&mut self, record: &mut Record) -> Result<bool, ReadError> {
        self.read_next(record)
            .map_err(|error| self.checked_guess(error))
    }

    fn read_next(&mut self, record: &mut Record) -> Result<bool, ReadError> {
        let checkpoint = match self.lookahead.pop_front() {
            Some((ahead, checkpoint)) => {
                *record = ahead;
                checkpoint
            }
            None => {
                if let Some(error) = self.deferred.take() {
                    return Err(error);
                }
                if !self.cursor.next(record)? {
                    return Ok(false);
                }
                self.cursor.last_checkpoint()
            }
        };
        if let Some(checkpoint) = checkpoint {
            self.index.offer(checkpoint);
        }
        Ok(true)
    }

    /// Returns (bytes of the file read, file size).
    pub(crate) fn progress(&self) -> (u64, u64) {
        let done = match self.encoding.decoding() {
            // The parser's position is exact for text parsed as raw bytes, while the shared
            // counter runs ahead by the parser's buffer.
            Decoding::Utf8 | Decoding::SingleByte(_) => {
                self.encoding.skip_len as u64 + self.cursor.offset()
            }
            Decoding::Transcode(_) => self.consumed.load(Ordering::Relaxed),
        };
        (done.min(self.total), self.total)
    }

    /// Returns the data rows whose numbers fall in `rows`, reading from the nearest
    /// checkpoint at or before `rows.start`.
    pub(crate) fn rows(&mut self, rows: Range<u64>) -> Result<Vec<Record>, ReadError> {
        self.read_rows(rows)
            .map_err(|error| self.checked_guess(error))
    }

    /// Reports invalid UTF-8 as [`ReadError::Utf8GuessFailed`] when UTF-8 was taken from
    /// the start of the file alone, since then the encoding is wrong, not the row.
    fn checked_guess(&self, error: ReadError) -> ReadError {
        match error {
            ReadError::InvalidText { row, .. } if self.from_sample => {
                ReadError::Utf8GuessFailed { row }
            }
            other => other,
        }
    }

    fn read_rows(&mut self, rows: Range<u64>) -> Result<Vec<Record>, ReadError> {
        let mut found = Vec::new();
        let header_row = self.header.row();
        if rows.start >= rows.end {
            return Ok(found);
        }
        // Before the first data row is indexed, read from the start of the text.
        let start = self.index.floor(rows.start).unwrap_or(Checkpoint {
            row: 1,
            offset: 0,
            at_line_start: true,
        });
        let stream = open_stream(&self.source, self.encoding, start.offset, None)?;
        let decoding = self.encoding.decoding();
        let mut cursor =
            RecordCursor::new(stream, start, self.delimiter, decoding, self.options_limits);
        let mut record = Record::new();
        while cursor.next(&mut record)? {
            let row = record.row();
            if row > header_row
                && let Some(checkpoint) = cursor.last_checkpoint()
            {
                self.index.offer(checkpoint);
            }
            if row >= rows.end {
                break;
            }
            if row > header_row && row >= rows.start {
                found.push(record.clone());
            }
            // Reading the next record would decode a row outside the range, which may
            // be the one that fails.
            if row + 1 >= rows.end {
                break;
            }
        }
        Ok(found)
    }
}

/// Returns whether UTF-8 was chosen from the content, without a byte order mark.
fn sniffed_utf8(encoding: TextEncoding) -> bool {
    encoding.encoding == UTF_8 && encoding.skip_len == 0
}

/// Returns the bytes of an incomplete UTF-8 sequence at the end of a valid sample, which
/// the check of the rest of the file must see again.
fn utf8_incomplete_tail(head: &[u8]) -> &[u8] {
    match std::str::from_utf8(head) {
        Ok(_) => &[],
        Err(error) => &head[error.valid_up_to()..],
    }
}

/// Rejects delimiters that the CSV parser would confuse with quoting or line ends.
fn check_delimiter(byte: u8) -> Result<u8, ReadError> {
    if !byte.is_ascii() || matches!(byte, b'"' | b'\r' | b'\n') {
        return Err(ReadError::InvalidDelimiter { byte });
    }
    Ok(byte)
}

/// Returns the sample as UTF-8 (or as raw bytes for an ASCII-compatible single-byte
/// encoding), which is what the delimiter sniffer parses.
fn decoded_sample(sample: &[u8], decoding: Decoding) -> Vec<u8> {
    match decoding {
        Decoding::Utf8 | Decoding::SingleByte(_) => sample.to_vec(),
        Decoding::Transcode(encoding) => {
            let (text, _) = encoding.decode_without_bom_handling(sample);
            text.into_owned().into_bytes()
        }
    }
}

/// Opens the decoded stream of `source` at stream offset `offset`.
///
/// Raw streams seek straight to the offset. A transcoded stream has no byte mapping back
/// to the file, so it is decoded again from the start and the first `offset` bytes are
/// dropped.
fn open_stream(
    source: &Source,
    encoding: TextEncoding,
    offset: u64,
    counter: Option<&Arc<AtomicU64>>,
) -> Result<Box<dyn Read + Send>, ReadError> {
    let skip_len = encoding.skip_len as u64;
    let decoding = encoding.decoding();
    let seek_to = match decoding {
        Decoding::Utf8 | Decoding::SingleByte(_) => skip_len + offset,
        Decoding::Transcode(_) => skip_len,
    };
    let mut stream = source.open_at(seek_to).map_err(ReadError::Io)?;
    if let Some(count) = counter {
        count.store(seek_to, Ordering::Relaxed);
        stream = Box::new(Counted {
            inner: stream,
            count: Arc::clone(count),
        });
    }
    if let Decoding::Transcode(encoding) = decoding {
        // NOTE: a preview of a UTF-16 file decodes again from the start up to the
        // checkpoint; UTF-8 and single-byte files seek directly.
        let mut decoded: Box<dyn Read + Send> = Box::new(
            encoding_rs_io::DecodeReaderBytesBuilder::new()
                .encoding(Some(encoding))
                .bom_sniffing(false)
                .build(stream),
        );
        cursor::skip(&mut decoded, offset).map_err(ReadError::Io)?;
        stream = decoded;
    }
    Ok(stream)
}
