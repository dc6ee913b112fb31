//! Choice of the text encoding: byte order mark first, then an override label, then
//! UTF-8 if the sample is valid UTF-8, else Windows-1252. Unless asked to trust the
//! sample, the text reader then checks the rest of the file with [`is_utf8_stream`]
//! before it settles on UTF-8.

use std::io::{self, Read};

use encoding_rs::{Encoding, UTF_8, UTF_16BE, UTF_16LE, WINDOWS_1252};

use crate::ReadError;

/// The way the text of a file becomes UTF-8 fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Decoding {
    /// UTF-8 bytes are parsed as they are and each field is validated.
    Utf8,
    /// Bytes of a single-byte, ASCII-compatible encoding are parsed as they are (so byte
    /// offsets are file offsets) and each field is decoded.
    SingleByte(&'static Encoding),
    /// The stream is transcoded to UTF-8 before parsing, because delimiter, quote and
    /// newline bytes can occur inside the encoding's multi-byte characters (UTF-16,
    /// Shift_JIS and the like).
    Transcode(&'static Encoding),
}

/// The encoding chosen for a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TextEncoding {
    pub(crate) encoding: &'static Encoding,
    /// Bytes to skip at the start of the file: the byte order mark, if any, and an Excel
    /// `sep=` line once one is found.
    pub(crate) skip_len: usize,
}

impl TextEncoding {
    pub(crate) fn decoding(&self) -> Decoding {
        if self.encoding == UTF_8 {
            Decoding::Utf8
        } else if self.encoding.is_single_byte() {
            Decoding::SingleByte(self.encoding)
        } else {
            Decoding::Transcode(self.encoding)
        }
    }
}

/// Chooses the encoding of a file from its first bytes and an optional override label.
///
/// `truncated` is true when `sample` stops before the end of the file, so that an
/// incomplete UTF-8 sequence at its end is not held against the file.
pub(crate) fn detect_encoding(
    sample: &[u8],
    truncated: bool,
    label: Option<&str>,
) -> Result<TextEncoding, ReadError> {
    let bom = Encoding::for_bom(sample);
    if let Some(label) = label {
        let encoding = Encoding::for_label(label.trim().as_bytes()).ok_or_else(|| {
            ReadError::UnknownEncoding {
                label: label.to_owned(),
            }
        })?;
        // A byte order mark that matches the requested encoding is never content.
        let skip_len = match bom {
            Some((found, len)) if found == encoding => len,
            _ => 0,
        };
        return Ok(TextEncoding { encoding, skip_len });
    }
    if let Some((encoding, skip_len)) = bom {
        return Ok(TextEncoding { encoding, skip_len });
    }
    if let Some(encoding) = utf16_without_bom(sample) {
        return Ok(TextEncoding {
            encoding,
            skip_len: 0,
        });
    }
    reject_binary(sample)?;
    let encoding = match std::str::from_utf8(sample) {
        Ok(_) => UTF_8,
        // The sample may end inside a character when it was cut from a longer file.
        Err(error) if truncated && error.error_len().is_none() => UTF_8,
        Err(_) => WINDOWS_1252,
    };
    Ok(TextEncoding {
        encoding,
        skip_len: 0,
    })
}

/// Bytes checked at a time by [`is_utf8_stream`]; it holds one such buffer in memory.
const CHECK_CHUNK_BYTES: usize = 64 * 1024;

/// Returns whether the whole stream is valid UTF-8, reading it in chunks so memory stays
/// bounded whatever the file size.
pub(crate) fn is_utf8_stream(reader: impl Read) -> io::Result<bool> {
    is_utf8_chunked(reader, CHECK_CHUNK_BYTES)
}

fn is_utf8_chunked(mut reader: impl Read, chunk_bytes: usize) -> io::Result<bool> {
    // A character may straddle two chunks, so the up to 3 bytes of an incomplete
    // sequence at the end of a chunk move to the front of the buffer.
    let mut buffer = vec![0; chunk_bytes + 3];
    let mut carried = 0;
    loop {
        let read = reader.read(&mut buffer[carried..])?;
        if read == 0 {
            return Ok(carried == 0);
        }
        let filled = carried + read;
        carried = match std::str::from_utf8(&buffer[..filled]) {
            Ok(_) => 0,
            Err(error) if error.error_len().is_none() => {
                let valid = error.valid_up_to();
                buffer.copy_within(valid..filled, 0);
                filled - valid
            }
            Err(_) => return Ok(false),
        };
    }
}

/// Recognises UTF-16 without a byte order mark from the zero high bytes of ASCII text:
/// when most code units of the sample have one zero byte on the same side.
fn utf16_without_bom(sample: &[u8]) -> Option<&'static Encoding> {
    let units = sample.len() / 2;
    if units < 4 {
        return None;
    }
    let zero_even = sample.iter().step_by(2).filter(|&&byte| byte == 0).count();
    let zero_odd = sample
        .iter()
        .skip(1)
        .step_by(2)
        .filter(|&&byte| byte == 0)
        .count();
    if zero_odd * 10 >= units * 7 && zero_even * 10 < units {
        Some(UTF_16LE)
    } else if zero_even * 10 >= units * 7 && zero_odd * 10 < units {
        Some(UTF_16BE)
    } else {
        None
    }
}

/// Control characters (NUL included, tab, line feed, carriage return, form feed and
/// escape excluded) that a sample needs before it can count as binary. A stray NUL or
/// two in a short text file is a data defect that the `control_characters` rule reports
/// with its row, not a reason to reject the whole file.
const MIN_BINARY_CONTROLS: usize = 4;

/// Rejects content that is not text: at least [`MIN_BINARY_CONTROLS`] control characters
/// that also make up more than 1 in 100 bytes of the sample. Known binary signatures are
/// rejected earlier, by the format check.
fn reject_binary(sample: &[u8]) -> Result<(), ReadError> {
    let control = sample
        .iter()
        .filter(|&&byte| byte < 0x20 && !matches!(byte, b'\t' | b'\n' | b'\r' | 0x0C | 0x1B))
        .count();
    if control >= MIN_BINARY_CONTROLS && control * 100 > sample.len() {
        return Err(ReadError::UnsupportedFormat {
            found: "binary data, not text",
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detect_encoding_table() {
        // (sample, truncated, label, expected encoding, expected BOM length)
        type Case = (
            &'static [u8],
            bool,
            Option<&'static str>,
            &'static str,
            usize,
        );
        let cases: &[Case] = &[
            (b"name,town\nAda,Leeds\n", false, None, "UTF-8", 0),
            (b"\xEF\xBB\xBFname\n", false, None, "UTF-8", 3),
            (b"\xFF\xFEn\x00a\x00", false, None, "UTF-16LE", 2),
            (b"\xFE\xFF\x00n\x00a", false, None, "UTF-16BE", 2),
            (b"price\n\x80 5\n", false, None, "windows-1252", 0),
            (b"O\x92Brien\n", false, None, "windows-1252", 0),
            // A sample cut inside a two-byte character is still UTF-8.
            (b"Z\xC3\xBCrich,\xC3", true, None, "UTF-8", 0),
            (b"Z\xC3\xBCrich,\xC3", false, None, "windows-1252", 0),
            (
                b"n\x00a\x00m\x00e\x00,\x00x\x00",
                false,
                None,
                "UTF-16LE",
                0,
            ),
            (b"name\n", false, Some("latin1"), "windows-1252", 0),
            (b"\xEF\xBB\xBFname\n", false, Some("utf-8"), "UTF-8", 3),
            (
                b"\xEF\xBB\xBFname\n",
                false,
                Some("windows-1252"),
                "windows-1252",
                0,
            ),
        ];
        for (sample, truncated, label, name, skip_len) in cases {
            let got = detect_encoding(sample, *truncated, *label).unwrap();
            assert_eq!(got.encoding.name(), *name, "sample {sample:?}");
            assert_eq!(got.skip_len, *skip_len, "sample {sample:?}");
        }
    }

    #[test]
    fn detect_encoding_rejects_unknown_label() {
        let error = detect_encoding(b"a", false, Some("klingon")).unwrap_err();
        assert!(
            matches!(error, ReadError::UnknownEncoding { .. }),
            "{error}"
        );
    }

    #[test]
    fn detect_encoding_rejects_binary() {
        let noise: Vec<u8> = (0..512u32).map(|i| (i * 7919 % 251) as u8).collect();
        let error = detect_encoding(&noise, true, None).unwrap_err();
        assert!(
            matches!(error, ReadError::UnsupportedFormat { .. }),
            "{error}"
        );
    }

    #[test]
    fn detect_encoding_keeps_stray_nul() {
        let cases: &[&[u8]] = &[b"Name,Street\nAda,Lon\0don\n", b"Name,Street\nAda,\0\0\0\n"];
        for sample in cases {
            let got = detect_encoding(sample, false, None);
            assert!(got.is_ok(), "sample {sample:?}");
        }
        let dense = b"\0\0a\0\0b";
        assert!(detect_encoding(dense, false, None).is_err());
    }

    #[test]
    fn is_utf8_chunked_table() {
        // (bytes, valid): chunks of 4 bytes split the two- and four-byte characters.
        let cases: &[(&[u8], bool)] = &[
            (b"", true),
            (b"name,town\n", true),
            (b"Zo\xC3\xAB,K\xC3\xB6ln", true),
            (b"abc\xF0\x9F\x93\xAEdef", true),
            (b"abcdefgh,O\x92Brien", false),
            (b"abc\xC3", false),
            (b"abc\xF0\x9F\x93", false),
        ];
        for (bytes, valid) in cases {
            let got = is_utf8_chunked(*bytes, 4).unwrap();
            assert_eq!(got, *valid, "bytes {bytes:?}");
        }
    }

    #[test]
    fn decoding_for_each_encoding() {
        let utf16 = TextEncoding {
            encoding: UTF_16LE,
            skip_len: 2,
        };
        let latin = TextEncoding {
            encoding: WINDOWS_1252,
            skip_len: 0,
        };
        assert_eq!(utf16.decoding(), Decoding::Transcode(UTF_16LE));
        assert_eq!(latin.decoding(), Decoding::SingleByte(WINDOWS_1252));
    }
}
