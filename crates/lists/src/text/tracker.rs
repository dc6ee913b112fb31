//! A reader adapter between the byte source and the CSV parser that finds blank lines
//! and stops oversized records before the parser buffers them.
//!
//! The `csv` crate skips empty lines without reporting them, but row numbers must count
//! them as a spreadsheet program does. The tracker records every line break that directly
//! follows another one (a CR LF pair is one break); such a break ends a blank line.
//!
//! The parser reports where a record ends (just past the first byte of its line
//! terminator) but not where the next one starts. So each recorded break also carries
//! the offset where its run of terminator bytes began: the blank lines before record
//! k+1 are the breaks at or after record k's end whose run began at or before it. Breaks
//! inside a quoted field belong to a later run and are dropped once passed.

use std::collections::VecDeque;
use std::io::{self, Read};

use crate::text::quotes::QuoteTracker;

/// Evenly spaced blank-line breaks inside one run of terminator bytes.
#[derive(Debug, Clone, Copy)]
struct Run {
    /// Offset of the first break.
    first: u64,
    /// Bytes between breaks: 1 for LF or CR endings, 2 for CR LF; 0 while `count` is 1.
    step: u64,
    count: u64,
    /// Offset of the first terminator byte of the enclosing run of terminators.
    terminators_start: u64,
}

/// The message of the I/O error raised when a record grows over its cap; the reader
/// turns it back into [`ReadError::LimitExceeded`](crate::ReadError::LimitExceeded).
#[derive(Debug)]
pub(crate) struct RecordTooLong {
    pub(crate) length: u64,
}

impl std::fmt::Display for RecordTooLong {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "record of at least {} bytes", self.length)
    }
}

impl std::error::Error for RecordTooLong {}

#[derive(Debug)]
pub(crate) struct Tracker<R> {
    inner: R,
    /// Bytes delivered so far, which is the stream offset of the next byte.
    offset: u64,
    /// Offset where the record being parsed starts.
    record_start: u64,
    max_record_bytes: u64,
    after_break: bool,
    after_cr: bool,
    /// Offset of the first byte of the current run of terminator bytes.
    terminators_start: u64,
    runs: VecDeque<Run>,
    quotes: QuoteTracker,
    /// Whether the inner reader has reported the end of its data.
    at_end: bool,
}

impl<R: Read> Tracker<R> {
    /// Wraps `inner`. `at_line_start` is true when the stream starts at the start of a
    /// line (the start of a file), so that a leading break ends a blank line. A stream
    /// resumed at a record's terminator starts after content instead. `delimiter` is the
    /// field delimiter, needed to follow the quoting.
    pub(crate) fn new(
        inner: R,
        max_record_bytes: usize,
        at_line_start: bool,
        delimiter: u8,
    ) -> Self {
        Self {
            inner,
            offset: 0,
            record_start: 0,
            max_record_bytes: max_record_bytes as u64,
            after_break: at_line_start,
            after_cr: false,
            terminators_start: 0,
            runs: VecDeque::new(),
            quotes: QuoteTracker::new(delimiter),
            at_end: false,
        }
    }

    /// Returns the offset of the opening quote when the text ended inside a quoted
    /// field; `None` before the end of the text has been read.
    pub(crate) fn unclosed_quote(&self) -> Option<u64> {
        if self.at_end {
            self.quotes.open_quote()
        } else {
            None
        }
    }

    /// Tells the tracker that the parser has consumed everything before `offset`, so the
    /// next record starts there.
    pub(crate) fn set_record_start(&mut self, offset: u64) {
        self.record_start = offset;
    }

    /// Returns the number of blank lines between the record that ended at `previous_end`
    /// (0 for none) and the record the parser returned since, and drops the breaks
    /// recorded inside both.
    pub(crate) fn take_blank_lines(&mut self, previous_end: u64) -> u64 {
        let mut blank = 0;
        while let Some(run) = self.runs.front() {
            if run.first >= previous_end && run.terminators_start > previous_end {
                // A run after the record's first byte: inside a quoted field of it.
                break;
            }
            if run.first >= previous_end {
                blank += run.count;
            }
            self.runs.pop_front();
        }
        blank
    }

    fn scan(&mut self, chunk: &[u8]) {
        let base = self.offset;
        let mut expected = 0;
        for index in memchr::memchr2_iter(b'\r', b'\n', chunk) {
            if index != expected {
                // Other bytes came between this break and the previous one.
                self.after_break = false;
                self.after_cr = false;
            }
            let byte = chunk[index];
            if !self.after_break {
                self.terminators_start = base + index as u64;
            }
            if byte == b'\n' && self.after_cr {
                self.after_cr = false;
            } else {
                if self.after_break {
                    self.push_break(base + index as u64);
                }
                self.after_break = true;
                self.after_cr = byte == b'\r';
            }
            expected = index + 1;
        }
        if expected != chunk.len() {
            self.after_break = false;
            self.after_cr = false;
        }
    }

    /// Adds a break to the last run when it continues it at a spacing of one (LF or CR
    /// endings) or two (CR LF endings) bytes.
    fn push_break(&mut self, at: u64) {
        if let Some(run) = self.runs.back_mut() {
            let gap = at - (run.first + run.step * (run.count - 1));
            let continues = if run.count == 1 {
                gap == 1 || gap == 2
            } else {
                gap == run.step
            };
            if continues && run.terminators_start == self.terminators_start {
                run.step = gap;
                run.count += 1;
                return;
            }
        }
        self.runs.push_back(Run {
            first: at,
            step: 0,
            count: 1,
            terminators_start: self.terminators_start,
        });
    }
}

impl<R: Read> Read for Tracker<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let pending = self.offset - self.record_start;
        if pending > self.max_record_bytes {
            return Err(io::Error::other(RecordTooLong { length: pending }));
        }
        let read = self.inner.read(buf)?;
        if read == 0 && !buf.is_empty() {
            self.at_end = true;
        }
        self.scan(&buf[..read]);
        self.quotes.scan(&buf[..read], self.offset);
        self.offset += read as u64;
        Ok(read)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Returns the blank lines between each pair of records, given the offsets where the
    /// parser reports each record's end.
    fn blank_lines(text: &str, ends: &[u64]) -> Vec<u64> {
        let mut tracker = Tracker::new(text.as_bytes(), usize::MAX, true, b',');
        // Small reads split break pairs across chunks.
        let mut buf = [0u8; 3];
        while tracker.read(&mut buf).unwrap() > 0 {}
        let mut previous = 0;
        let mut found = Vec::new();
        for &end in ends {
            found.push(tracker.take_blank_lines(previous));
            previous = end;
        }
        found
    }

    #[test]
    fn blank_lines_table() {
        let cases: &[(&str, &[u64], &[u64])] = &[
            ("a\nb\n", &[2, 4], &[0, 0]),
            ("a\n\nb\n", &[2, 5], &[0, 1]),
            ("a\r\n\r\nb\r\n", &[2, 7], &[0, 1]),
            ("a\r\rb\r", &[2, 5], &[0, 1]),
            ("a\n\n\n\nb\n", &[2, 7], &[0, 3]),
            ("\n\nname\n", &[7], &[2]),
            ("a\r\n\r\n\r\n\r\nb", &[2, 10], &[0, 3]),
            ("a\n\r\nb", &[2, 5], &[0, 1]),
            // Breaks inside a quoted field belong to that record.
            ("h\n\"x\n\ny\"\nb\n", &[2, 9, 11], &[0, 0, 0]),
            ("h\n\n\"x\n\ny\"\nb\n", &[2, 10, 12], &[0, 1, 0]),
        ];
        for (text, ends, expected) in cases {
            assert_eq!(blank_lines(text, ends), *expected, "text {text:?}");
        }
    }

    #[test]
    fn resumed_stream_starts_after_content() {
        let mut tracker = Tracker::new(&b"\n\nb\n"[..], usize::MAX, false, b',');
        let mut buf = [0u8; 16];
        while tracker.read(&mut buf).unwrap() > 0 {}
        assert_eq!(tracker.take_blank_lines(0), 1);
    }

    #[test]
    fn record_over_cap_fails_before_reading_more() {
        let text = "x".repeat(100);
        let mut tracker = Tracker::new(text.as_bytes(), 10, true, b',');
        let mut buf = [0u8; 8];
        assert_eq!(tracker.read(&mut buf).unwrap(), 8);
        assert_eq!(tracker.read(&mut buf).unwrap(), 8);
        let error = tracker.read(&mut buf).unwrap_err();
        assert!(error.get_ref().unwrap().is::<RecordTooLong>());
    }
}
