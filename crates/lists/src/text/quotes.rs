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
    ///
    /// Only quotes change the state outside a quoted field, so the scan jumps from one
    /// quote to the next with `memchr` and looks at the byte before each one. Following
    /// every byte took about 13% of the CPU time of validating a 1,000,000-row CSV.
    pub(crate) fn scan(&mut self, chunk: &[u8], base: u64) {
        let mut index = 0;
        while index < chunk.len() {
            match self.state {
                State::Quoted => match memchr::memchr(b'"', &chunk[index..]) {
                    Some(found) => {
                        index += found + 1;
                        self.state = State::QuoteInQuoted;
                    }
                    None => return,
                },
                State::QuoteInQuoted => {
                    let byte = chunk[index];
                    self.state = if byte == b'"' {
                        State::Quoted
                    } else {
                        self.state_after(byte)
                    };
                    index += 1;
                }
                State::FieldStart | State::Unquoted => {
                    let Some(found) = memchr::memchr(b'"', &chunk[index..]) else {
                        self.state = self.state_after(chunk[chunk.len() - 1]);
                        return;
                    };
                    let at = index + found;
                    let field_start = if at == index {
                        self.state == State::FieldStart
                    } else {
                        self.state_after(chunk[at - 1]) == State::FieldStart
                    };
                    if field_start {
                        self.opened_at = base + at as u64;
                        self.state = State::Quoted;
                    } else {
                        self.state = State::Unquoted;
                    }
                    index = at + 1;
                }
            }
        }
    }

    /// Returns the state after `byte` outside a quoted field: a delimiter or line break
    /// starts a new field, anything else is part of an unquoted one.
    fn state_after(&self, byte: u8) -> State {
        if byte == self.delimiter || byte == b'\r' || byte == b'\n' {
            State::FieldStart
        } else {
            State::Unquoted
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

    /// Follows the quoting one byte at a time, as the parser does.
    fn reference_open_quote(text: &[u8], delimiter: u8) -> Option<u64> {
        let mut state = State::FieldStart;
        let mut opened_at = 0;
        for (index, &byte) in text.iter().enumerate() {
            let ends_field = byte == delimiter || byte == b'\r' || byte == b'\n';
            state = match state {
                State::Quoted if byte == b'"' => State::QuoteInQuoted,
                State::Quoted => State::Quoted,
                State::FieldStart | State::QuoteInQuoted | State::Unquoted if ends_field => {
                    State::FieldStart
                }
                State::FieldStart if byte == b'"' => {
                    opened_at = index as u64;
                    State::Quoted
                }
                State::QuoteInQuoted if byte == b'"' => State::Quoted,
                _ => State::Unquoted,
            };
        }
        (state == State::Quoted).then_some(opened_at)
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(20_000))]

        /// Compares the scan with the byte-by-byte rules on short texts of quotes,
        /// delimiters, line breaks and letters, fed in chunks of one to four bytes.
        #[test]
        fn jumping_scan_matches_byte_scan(
            text in proptest::collection::vec(
                proptest::sample::select(&b"\",\n\ra;"[..]),
                0..12,
            ),
            chunk_size in 1_usize..=4,
        ) {
            let mut tracker = QuoteTracker::new(b',');
            for (number, chunk) in text.chunks(chunk_size).enumerate() {
                tracker.scan(chunk, (number * chunk_size) as u64);
            }
            proptest::prop_assert_eq!(
                tracker.open_quote(),
                reference_open_quote(&text, b','),
                "text {:?} in chunks of {}",
                String::from_utf8_lossy(&text),
                chunk_size
            );
        }
    }
}
