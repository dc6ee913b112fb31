//! Delimiter detection over a sample of the text.

/// The delimiters a list may use, in order of preference when they tie.
pub(crate) const CANDIDATES: [u8; 4] = [b',', b';', b'\t', b'|'];

/// Returns the delimiter and the length in bytes (line end included) of an Excel
/// `sep=;` line at the start of the sample. Excel writes such a line to name the
/// delimiter, and hides it when it opens the file.
pub(crate) fn separator_line(sample: &[u8]) -> Option<(u8, usize)> {
    let prefix = sample.get(..4)?;
    if !prefix.eq_ignore_ascii_case(b"sep=") {
        return None;
    }
    let delimiter = *sample.get(4)?;
    if !delimiter.is_ascii() || matches!(delimiter, b'"' | b'\r' | b'\n') {
        return None;
    }
    let line_end = match sample.get(5..7) {
        Some(b"\r\n") => 2,
        _ => match sample.get(5) {
            Some(b'\r' | b'\n') => 1,
            None => 0,
            Some(_) => return None,
        },
    };
    Some((delimiter, 5 + line_end))
}

/// Records of the sample to look at; enough to see a pattern, few enough to be quick.
const SAMPLE_RECORDS: usize = 200;

/// Chooses the candidate delimiter that splits the sample's records into the most
/// consistent number of fields (at least two), preferring more fields on a tie, then the
/// order of [`CANDIDATES`]. Returns `,` when no candidate splits any record.
///
/// `truncated` is true when the sample stops before the end of the text, and then its
/// last, possibly cut record is ignored.
pub(crate) fn sniff_delimiter(sample: &[u8], truncated: bool) -> u8 {
    let mut best = (b',', 0.0_f64, 0_usize);
    for delimiter in CANDIDATES {
        let (consistency, fields) = score(sample, truncated, delimiter);
        if fields < 2 {
            continue;
        }
        let better = consistency > best.1 + 1e-9
            || ((consistency - best.1).abs() <= 1e-9 && fields > best.2);
        if better {
            best = (delimiter, consistency, fields);
        }
    }
    best.0
}

/// Returns the share of non-blank sample records that have the most common field count,
/// and that count.
fn score(sample: &[u8], truncated: bool, delimiter: u8) -> (f64, usize) {
    let counts = field_counts(sample, truncated, delimiter);
    if counts.is_empty() {
        return (0.0, 0);
    }
    let (mode, frequency) = mode(&counts);
    (frequency as f64 / counts.len() as f64, mode)
}

/// Returns the field count of each non-blank record of the sample, without the last one
/// when the sample is truncated.
fn field_counts(sample: &[u8], truncated: bool, delimiter: u8) -> Vec<usize> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(sample);
    let mut counts = Vec::new();
    let mut record = csv::ByteRecord::new();
    while counts.len() <= SAMPLE_RECORDS {
        match reader.read_byte_record(&mut record) {
            Ok(true) => {
                let blank = record.len() == 1 && record[0].iter().all(u8::is_ascii_whitespace);
                if !blank {
                    counts.push(record.len());
                }
            }
            Ok(false) | Err(_) => break,
        }
    }

    if truncated && counts.len() > 1 {
        counts.pop();
    }
    counts
}

/// Returns the most frequent value of a non-empty slice and its frequency, preferring the
/// larger value on a tie.
fn mode(values: &[usize]) -> (usize, usize) {
    let mut sorted = values.to_vec();
    sorted.sort_unstable();
    let mut best = (sorted[0], 0);
    for run in sorted.chunk_by(|a, b| a == b) {
        if run.len() >= best.1 {
            best = (run[0], run.len());
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniff_delimiter_table() {
        let cases: &[(&str, u8)] = &[
            ("name,town\nAda,Leeds\nBo,York\n", b','),
            ("name;town;zip\nAda;Leeds, West;1\nBo;York;2\n", b';'),
            ("name\ttown\nAda\tLeeds\n", b'\t'),
            ("name|town|zip\nAda|Leeds|1\n", b'|'),
            ("name\nAda\nBo\n", b','),
            ("\"a;b\",c\n\"d;e\",f\n", b','),
            ("a,b;c;d\ne,f;g;h\n", b';'),
            ("name,town\r\nAda,Leeds\r\n", b','),
            ("name;town\rAda;Leeds\r", b';'),
        ];
        for (sample, expected) in cases {
            let got = sniff_delimiter(sample.as_bytes(), false);
            assert_eq!(got as char, *expected as char, "sample {sample:?}");
        }
    }

    #[test]
    fn separator_line_table() {
        // (sample, expected delimiter and line length)
        type Case = (&'static [u8], Option<(u8, usize)>);
        let cases: &[Case] = &[
            (b"sep=;\r\nname;zip\r\n", Some((b';', 7))),
            (b"sep=,\nname,zip\n", Some((b',', 6))),
            (b"SEP=|\rname|zip", Some((b'|', 6))),
            (b"sep=\t", Some((b'\t', 5))),
            (b"sep=;x\n", None),
            (b"sep=\"\n", None),
            (b"separator,zip\n", None),
            (b"sep", None),
        ];
        for (sample, expected) in cases {
            assert_eq!(separator_line(sample), *expected, "sample {sample:?}");
        }
    }

    #[test]
    fn sniff_delimiter_ignores_cut_last_record() {
        let sample = b"a;b;c\nd;e;f\ng,h,i,j,k,l";
        assert_eq!(sniff_delimiter(sample, true), b';');
    }
}
