//! A chunk buffer with one byte of lookahead, shared by the readers.
//!
//! A reader knows a chunk is the last one only when the input ends right after it, so it
//! requests one byte more than a full chunk. That extra byte, when present, is carried to
//! the start of the next chunk. The buffer is allocated once and zeroized on drop because
//! it holds plaintext.

use std::io::{self, Read};

use zeroize::Zeroizing;

use crate::format::TAG_LEN;

pub(crate) struct Framer {
    buf: Zeroizing<Vec<u8>>,
    /// Bytes in a full chunk as read from the input.
    chunk_len: usize,
    filled: usize,
    eof: bool,
    carry: Option<u8>,
    /// Whether a chunk is being filled; `take` ends it.
    in_chunk: bool,
}

impl Framer {
    /// Creates a buffer for input chunks of `chunk_len` bytes, with room to append a tag.
    pub(crate) fn new(chunk_len: usize) -> Self {
        Framer {
            buf: Zeroizing::new(vec![0; chunk_len + TAG_LEN + 1]),
            chunk_len,
            filled: 0,
            eof: false,
            carry: None,
            in_chunk: false,
        }
    }

    /// Starts a new chunk unless one is being filled, moving the lookahead byte of the
    /// previous chunk to the front. Filling may stop and restart (an async read that is
    /// pending), so only `take` ends a chunk.
    pub(crate) fn begin_if_idle(&mut self) {
        if self.in_chunk {
            return;
        }
        self.in_chunk = true;
        self.filled = 0;
        if let Some(byte) = self.carry.take() {
            self.buf[0] = byte;
            self.filled = 1;
        }
    }

    /// Whether more input is needed before [`Framer::take`].
    pub(crate) fn needs_input(&self) -> bool {
        !self.eof && self.filled < self.chunk_len + 1
    }

    /// The free part of the buffer to read into.
    pub(crate) fn spare(&mut self) -> &mut [u8] {
        &mut self.buf[self.filled..self.chunk_len + 1]
    }

    /// Records `read` new bytes; zero means the input ended.
    pub(crate) fn advance(&mut self, read: usize) {
        if read == 0 {
            self.eof = true;
        } else {
            self.filled += read;
        }
    }

    /// Reads from `reader` until a chunk and its lookahead byte are buffered or it ends.
    pub(crate) fn fill(&mut self, reader: &mut impl Read) -> io::Result<()> {
        self.begin_if_idle();
        while self.needs_input() {
            match reader.read(self.spare()) {
                Ok(read) => self.advance(read),
                Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
                Err(error) => return Err(error),
            }
        }
        Ok(())
    }

    /// Returns the buffered chunk's length and whether it is the last one, setting aside
    /// the lookahead byte.
    pub(crate) fn take(&mut self) -> (usize, bool) {
        self.in_chunk = false;
        if self.filled > self.chunk_len {
            self.carry = Some(self.buf[self.chunk_len]);
            (self.chunk_len, false)
        } else {
            (self.filled, true)
        }
    }

    pub(crate) fn buf_mut(&mut self) -> &mut [u8] {
        &mut self.buf
    }

    pub(crate) fn buf(&self) -> &[u8] {
        &self.buf
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Splits `input` into chunks the way the readers do and returns (chunk, last) pairs.
    fn frames(input: &[u8], chunk_len: usize) -> Vec<(Vec<u8>, bool)> {
        let mut framer = Framer::new(chunk_len);
        let mut reader = input;
        let mut out = Vec::new();
        loop {
            framer.fill(&mut reader).unwrap();
            let (len, last) = framer.take();
            out.push((framer.buf()[..len].to_vec(), last));
            if last {
                return out;
            }
        }
    }

    /// One case: input, then the expected (chunk, last) pairs.
    type FramingCase = (&'static [u8], Vec<(&'static [u8], bool)>);

    #[test]
    fn framing_table() {
        let cases: [FramingCase; 4] = [
            (b"", vec![(b"", true)]),
            (b"ab", vec![(b"ab", true)]),
            (b"abcd", vec![(b"abcd", true)]),
            (
                b"abcdefghi",
                vec![(b"abcd", false), (b"efgh", false), (b"i", true)],
            ),
        ];
        for (input, expected) in cases {
            let expected: Vec<(Vec<u8>, bool)> = expected
                .into_iter()
                .map(|(bytes, last)| (bytes.to_vec(), last))
                .collect();
            assert_eq!(frames(input, 4), expected, "input {input:?}");
        }
    }

    #[test]
    fn exact_multiple_ends_with_full_last_chunk() {
        let frames = frames(b"abcdefgh", 4);
        assert_eq!(
            frames,
            vec![(b"abcd".to_vec(), false), (b"efgh".to_vec(), true)]
        );
    }
}
