//! Tracking of CSV quoting over the raw stream, to find a quoted field that is still
//! open at the end of the text.
//!
//! The `csv` parser ends such a field silently at the end of the input, so every line
//! after the opening quote becomes part of one cell. This follows the same rules as the
//! parser's defaults (quote `"`, a doubled quote inside a quoted field is a literal
//! quote, a quote inside an unquoted field is literal, no escape character) so that the
//! reader can name the row where the quote opened.

/// Where the parser is relative to quoting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// At the start of a field, where a quote opens a quoted field.
    FieldStart,
    /// Inside an unquoted field, where quotes are literal.
    Unquoted,
    /// Inside a quoted field.
    Quoted,
    /// Just after a quote inside a quoted field: a second quote is a literal quote, and
    /// anything else closes the field.
    QuoteInQuoted,
}

#[derive(Debug)]
pub(crate) struct QuoteTracker {
    delimiter: u8,
    state: State,
    /// Stream offset of the quote that opened the current quoted field.
    opened_at: u64,
}

impl QuoteTracker {
    /// Starts at the start of a field; a stream resumed at a record terminator is there
    /// too.
    pub(crate) fn new(delimiter: u8) -> Self {
        Self {
            delimiter,
            state: State::FieldStart,
            opened_at: 0,
        }
    }

    /// Follows the quoting through `chunk`, whose first byte is at stream offset `base`.
    pub(crate) fn scan(&mut self, chunk: &[u8], base: u64) {
        let mut index = 0;
        while index < chunk.len() {
            if self.state == State::Quoted {
                // Only a quote changes the state, so skip to the next one.
                match memchr::memchr(b'"', &chunk[index..]) {
                    Some(found) => {
                        index += found + 1;
                        self.state = State::QuoteInQuoted;
                        continue;
                    }
                    None => return,
                }
            }
            let byte = chunk[index];
            let ends_field = byte == self.delimiter || byte == b'\r' || byte == b'\n';
            self.state = match self.state {
                State::FieldStart | State::QuoteInQuoted if ends_field => State::FieldStart,
                State::Unquoted if ends_field => State::FieldStart,
                State::FieldStart if byte == b'"' => {
                    self.opened_at = base + index as u64;
                    State::Quoted
                }
                State::QuoteInQuoted if byte == b'"' => State::Quoted,
                _ => State::Unquoted,
            };
            index += 1;
        }
    }

    /// Returns the stream offset of the opening quote when the text so far ends inside a
    /// quoted field.
    pub(crate) fn open_quote(&self) -> Option<u64> {
        (self.state == State::Quoted).then_some(self.opened_at)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn open_quote_table() {
        // (text, offset of the quote left open)
        let cases: &[(&str, Option<u64>)] = &[
            ("a,b\nc,d\n", None),
            ("a,\"b\nc\",d\n", None),
            ("a,\"1 Main\nBo,2 Main\n", Some(2)),
            ("a,\"say \"\"hi\"\"\"\n", None),
            ("a,\"say \"\"hi\n", Some(2)),
            ("a,5\"\n", None),
            ("a,\"x\"y\"\n", None),
            ("a,\"x\"\n\"open", Some(6)),
            ("\"", Some(0)),
        ];
        for (text, expected) in cases {
            // Chunks of 3 bytes split quote pairs and field starts.
            let mut tracker = QuoteTracker::new(b',');
            for (number, chunk) in text.as_bytes().chunks(3).enumerate() {
                tracker.scan(chunk, number as u64 * 3);
            }
            assert_eq!(tracker.open_quote(), *expected, "text {text:?}");
        }
    }
}
