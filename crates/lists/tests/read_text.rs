//! Reading text lists from memory: encodings, delimiters, line endings, quoting, blank
//! and ragged rows, row numbers, limits and preview access.

use sealpost_lists::{
    CellKind, EncodingCheck, Format, Limits, ListReader, OpenOptions, ReadError, Record,
};

/// Reads every data row as (row number, cells).
fn read_all(reader: &mut ListReader) -> Vec<(u64, Vec<String>)> {
    let mut record = Record::new();
    let mut rows = Vec::new();
    while reader.read_record(&mut record).unwrap() {
        rows.push((record.row(), record.iter().map(str::to_owned).collect()));
    }
    rows
}

fn open(bytes: &[u8]) -> ListReader {
    ListReader::from_bytes(bytes.to_vec(), &OpenOptions::default()).unwrap()
}

fn cells(values: &[&str]) -> Vec<String> {
    values.iter().map(|value| (*value).to_owned()).collect()
}

#[test]
fn text_rows_table() {
    type Case = (
        &'static str,
        &'static [u8],
        char,
        &'static [(u64, &'static [&'static str])],
    );
    let cases: &[Case] = &[
        ("lf", b"name,zip\nAda,02101\nBo,10001\n", ',', &[(2, &["Ada", "02101"]), (3, &["Bo", "10001"])]),
        ("crlf", b"name;zip\r\nAda;02101\r\nBo;10001\r\n", ';', &[(2, &["Ada", "02101"]), (3, &["Bo", "10001"])]),
        ("cr only", b"name\tzip\rAda\t02101\rBo\t10001", '\t', &[(2, &["Ada", "02101"]), (3, &["Bo", "10001"])]),
        ("pipe", b"name|zip\nAda|02101\n", '|', &[(2, &["Ada", "02101"])]),
        (
            "quoted newline is one row",
            b"name,address,zip\n\"Ada\",\"1 High St\nLeeds\",LS1\nBo,\"2 \"\"Low\"\" Rd, York\",YO1\n",
            ',',
            &[(2, &["Ada", "1 High St\nLeeds", "LS1"]), (3, &["Bo", "2 \"Low\" Rd, York", "YO1"])],
        ),
        (
            "blank lines count as rows",
            b"name,zip\n\nAda,1\n\n\nBo,2\n\n",
            ',',
            &[(2, &[]), (3, &["Ada", "1"]), (4, &[]), (5, &[]), (6, &["Bo", "2"])],
        ),
        (
            "blank crlf lines",
            b"name,zip\r\n\r\nAda,1\r\n",
            ',',
            &[(2, &[]), (3, &["Ada", "1"])],
        ),
        (
            "ragged rows keep their cells",
            b"a,b,c\n1,2\n1,2,3,4\n",
            ',',
            &[(2, &["1", "2"]), (3, &["1", "2", "3", "4"])],
        ),
        ("header only", b"name,zip\n", ',', &[]),
        ("no final newline", b"name,zip\nAda,1", ',', &[(2, &["Ada", "1"])]),
    ];
    for (name, bytes, delimiter, expected) in cases {
        let mut reader = open(bytes);
        assert_eq!(reader.info().delimiter, Some(*delimiter), "case {name}");
        let expected: Vec<(u64, Vec<String>)> = expected
            .iter()
            .map(|(row, values)| (*row, cells(values)))
            .collect();
        assert_eq!(read_all(&mut reader), expected, "case {name}");
    }
}

#[test]
fn text_header_after_leading_blank_lines() {
    let reader = open(b"\n\nname,zip\nAda,1\n");
    assert_eq!(reader.info().header_row, Some(3));
    assert_eq!(reader.info().headers, ["name", "zip"]);
    assert_eq!(reader.info().format, Format::Csv);
}

#[test]
fn text_encodings_table() {
    let utf16le: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(
            "name,town\r\nZoë,Köln\r\n"
                .encode_utf16()
                .flat_map(u16::to_le_bytes),
        )
        .collect();
    let utf16be: Vec<u8> = [0xFE, 0xFF]
        .into_iter()
        .chain(
            "name\ttown\nZoë\t€\n"
                .encode_utf16()
                .flat_map(u16::to_be_bytes),
        )
        .collect();
    type Case = (
        &'static str,
        Vec<u8>,
        &'static str,
        Vec<&'static str>,
        Vec<&'static str>,
    );
    let cases: Vec<Case> = vec![
        (
            "utf-8 bom",
            b"\xEF\xBB\xBFname,town\nZo\xC3\xAB,K\xC3\xB6ln\n".to_vec(),
            "UTF-8",
            vec!["name", "town"],
            vec!["Zoë", "Köln"],
        ),
        (
            "windows-1252",
            b"name;price\nO\x92Brien;\x80 5\n".to_vec(),
            "windows-1252",
            vec!["name", "price"],
            vec!["O\u{2019}Brien", "€ 5"],
        ),
        (
            "utf-16le",
            utf16le,
            "UTF-16LE",
            vec!["name", "town"],
            vec!["Zoë", "Köln"],
        ),
        (
            "utf-16be",
            utf16be,
            "UTF-16BE",
            vec!["name", "town"],
            vec!["Zoë", "€"],
        ),
    ];
    for (name, bytes, encoding, headers, row) in cases {
        let mut reader = ListReader::from_bytes(bytes, &OpenOptions::default()).unwrap();
        assert_eq!(
            reader.info().encoding.as_deref(),
            Some(encoding),
            "case {name}"
        );
        assert_eq!(reader.info().headers, headers, "case {name}");
        let rows = read_all(&mut reader);
        assert_eq!(rows, vec![(2, cells(&row))], "case {name}");
    }
}

#[test]
fn text_encoding_override() {
    let options = OpenOptions {
        encoding: Some("windows-1252".into()),
        ..OpenOptions::default()
    };
    // Valid UTF-8 read as Windows-1252 gives the mojibake the user asked for.
    let mut reader = ListReader::from_bytes(b"name\nZo\xC3\xAB\n".to_vec(), &options).unwrap();
    assert_eq!(read_all(&mut reader), vec![(2, cells(&["ZoÃ«"]))]);
}

#[test]
fn text_invalid_utf8_names_row() {
    let mut text = b"name,town\n".to_vec();
    text.extend(b"Ada,Leeds\n".repeat(10_000));
    text.extend(b"Bo,K\xF6ln\n");
    let options = OpenOptions {
        encoding: Some("utf-8".into()),
        ..OpenOptions::default()
    };
    let mut reader = ListReader::from_bytes(text, &options).unwrap();
    let mut record = Record::new();
    let error = loop {
        match reader.read_record(&mut record) {
            Ok(true) => continue,
            Ok(false) => panic!("read past invalid text"),
            Err(error) => break error,
        }
    };
    assert!(
        matches!(error, ReadError::InvalidText { row: 10_002, .. }),
        "{error}"
    );
}

/// Reads `text` as UTF-8, checks that its first record (row 2) is read, and returns the
/// error the second record raises.
fn second_record_error(text: &[u8]) -> ReadError {
    let options = OpenOptions {
        encoding: Some("utf-8".into()),
        ..OpenOptions::default()
    };
    let mut reader = ListReader::from_bytes(text.to_vec(), &options).unwrap();
    let mut record = Record::new();
    assert!(reader.read_record(&mut record).unwrap());
    assert_eq!(record.row(), 2);
    reader.read_record(&mut record).unwrap_err()
}

#[test]
fn text_row_error_after_lookahead_rows() {
    let error = second_record_error(b"name,town\nAda,Leeds\nBo,K\xC3\nCy,York\n");
    assert!(
        matches!(error, ReadError::InvalidText { row: 3, .. }),
        "{error}"
    );
}

#[test]
fn text_character_split_by_delimiter_invalid() {
    // C3 and A9 make "é" when the fields are joined, but neither field is UTF-8 alone.
    let error = second_record_error(b"name,town\nAda,Leeds\nBo\xC3,\xA9\n");
    assert!(
        matches!(error, ReadError::InvalidText { row: 3, .. }),
        "{error}"
    );
}

#[test]
fn text_header_row_override() {
    let options = OpenOptions {
        header_row: Some(2),
        ..OpenOptions::default()
    };
    let mut reader = ListReader::from_bytes(b"a,b\nname,zip\nAda,1\n".to_vec(), &options).unwrap();
    assert_eq!(reader.info().header_row, Some(2));
    assert_eq!(reader.info().headers, ["name", "zip"]);
    assert_eq!(read_all(&mut reader), vec![(3, cells(&["Ada", "1"]))]);
    let options = OpenOptions {
        header_row: Some(9),
        ..OpenOptions::default()
    };
    let error = ListReader::from_bytes(b"a\nb\n".to_vec(), &options).unwrap_err();
    assert!(
        matches!(error, ReadError::HeaderRowMissing { row: 9, last: 2 }),
        "{error}"
    );
}

#[test]
fn text_excel_separator_line() {
    let utf16: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(
            "sep=|\r\nname|zip\r\nAda|1\r\n"
                .encode_utf16()
                .flat_map(u16::to_le_bytes),
        )
        .collect();
    let cases: Vec<(&str, Vec<u8>, char)> = vec![
        ("utf-8", b"sep=;\r\nname;zip\r\nAda;1\r\n".to_vec(), ';'),
        ("bom", b"\xEF\xBB\xBFsep=,\nname,zip\nAda,1\n".to_vec(), ','),
        ("utf-16", utf16, '|'),
    ];
    for (name, bytes, delimiter) in cases {
        let mut reader = ListReader::from_bytes(bytes, &OpenOptions::default()).unwrap();
        assert_eq!(reader.info().delimiter, Some(delimiter), "case {name}");
        // Excel hides the line, so the headings are row 1.
        assert_eq!(reader.info().header_row, Some(1), "case {name}");
        assert_eq!(reader.info().headers, ["name", "zip"], "case {name}");
        assert_eq!(
            read_all(&mut reader),
            vec![(2, cells(&["Ada", "1"]))],
            "case {name}"
        );
        assert_eq!(reader.rows(2..3).unwrap().len(), 1, "case {name}");
    }
}

#[test]
fn text_delimiter_override() {
    let options = OpenOptions {
        delimiter: Some(b';'),
        ..OpenOptions::default()
    };
    let mut reader = ListReader::from_bytes(b"a,b;c\n1,2;3\n".to_vec(), &options).unwrap();
    assert_eq!(read_all(&mut reader), vec![(2, cells(&["1,2", "3"]))]);
}

#[test]
fn text_cell_kinds() {
    let mut reader = open(b"a,b\n,x\n");
    let mut record = Record::new();
    assert!(reader.read_record(&mut record).unwrap());
    assert_eq!(record.kind(0), Some(CellKind::Empty));
    assert_eq!(record.kind(1), Some(CellKind::Text));
}

#[test]
fn text_limits_table() {
    let long_field = format!("a,b\n1,{}\n", "x".repeat(200));
    let many_fields = format!("a\n{}\n", ",".repeat(50));
    let long_record = format!("a\n\"{}\n", "y".repeat(300_000));
    let many_rows = "a\n1\n2\n3\n4\n".to_owned();
    let limits = Limits {
        max_field_bytes: 100,
        max_fields_per_row: 20,
        max_record_bytes: 100_000,
        max_rows: 4,
        ..Limits::default()
    };
    let cases: &[(&str, &str, &str)] = &[
        (
            "field",
            &long_field,
            "length of a field in bytes is 200, over the limit of 100 at row 2",
        ),
        (
            "fields",
            &many_fields,
            "number of fields in a row is 51, over the limit of 20 at row 2",
        ),
        ("record", &long_record, "over the limit of 100000 at row 2"),
        (
            "rows",
            &many_rows,
            "number of rows is 5, over the limit of 4 at row 5",
        ),
    ];
    for (name, text, message) in cases {
        let options = OpenOptions {
            limits,
            ..OpenOptions::default()
        };
        let mut reader = ListReader::from_bytes(text.as_bytes().to_vec(), &options).unwrap();
        let mut record = Record::new();
        let error = loop {
            match reader.read_record(&mut record) {
                Ok(true) => continue,
                Ok(false) => panic!("case {name}: no error"),
                Err(error) => break error,
            }
        };
        assert!(error.to_string().contains(message), "case {name}: {error}");
    }
}

#[test]
fn text_rejects_empty_and_binary() {
    // (case, content, expected error kind)
    let cases: &[(&str, &[u8], &str)] = &[
        ("empty", b"", "empty"),
        ("bom only", b"\xEF\xBB\xBF", "empty"),
        ("blank lines", b"\r\n\r\n\n", "no rows"),
        ("only newlines", b"\n\n\n", "no rows"),
        ("empty fields", b" , ,\n,,\n", "no rows"),
        ("png", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", "format"),
        ("pdf", b"%PDF-1.4\n%\xE2\xE3\xCF\xD3\n", "format"),
        ("binary", b"\x00\x01\x02\x03\x04\x05garbage\x00", "format"),
    ];
    for (name, bytes, expected) in cases {
        let result = ListReader::from_bytes(bytes.to_vec(), &OpenOptions::default());
        let error = result.err().unwrap_or_else(|| panic!("case {name} opened"));
        let kind = match error {
            ReadError::Empty => "empty",
            ReadError::NoRowsWithData => "no rows",
            ReadError::UnsupportedFormat { .. } => "format",
            _ => "other",
        };
        assert_eq!(kind, *expected, "case {name}: {error}");
    }
}

#[test]
fn text_preview_rows_from_index() {
    let mut text = String::from("id,name\n");
    for id in 0..5000 {
        if id % 1000 == 500 {
            text.push('\n');
        }
        text.push_str(&format!("{id},\"name\n{id}\"\n"));
    }
    let mut reader = open(text.as_bytes());
    let all = read_all(&mut reader);
    assert_eq!(all.len(), 5005);
    for range in [2..5, 3000..3010, 4990..6000, 1..3, 500..505] {
        let preview = reader.rows(range.clone()).unwrap();
        let expected: Vec<_> = all
            .iter()
            .filter(|(row, _)| range.contains(row))
            .cloned()
            .collect();
        let got: Vec<_> = preview
            .iter()
            .map(|record| {
                (
                    record.row(),
                    record.iter().map(str::to_owned).collect::<Vec<_>>(),
                )
            })
            .collect();
        assert_eq!(got, expected, "range {range:?}");
    }
}

#[test]
fn text_preview_before_reading() {
    let mut text = String::from("id\n");
    for id in 0..3000 {
        text.push_str(&format!("{id}\n"));
    }
    let mut reader = open(text.as_bytes());
    let preview = reader.rows(2500..2502).unwrap();
    let got: Vec<_> = preview
        .iter()
        .map(|record| (record.row(), record.get(0).map(str::to_owned)))
        .collect();
    assert_eq!(
        got,
        vec![
            (2500, Some("2498".to_owned())),
            (2501, Some("2499".to_owned()))
        ]
    );
    // The main pass is not disturbed.
    let mut record = Record::new();
    assert!(reader.read_record(&mut record).unwrap());
    assert_eq!(record.get(0), Some("0"));
}

#[test]
fn reader_is_send() {
    fn assert_send<T: Send>() {}
    assert_send::<ListReader>();
    assert_send::<ReadError>();
}

#[test]
fn missing_file_is_not_found() {
    let path = std::path::Path::new("/nonexistent/sealpost/list.csv");
    let error = ListReader::open(path, &OpenOptions::default()).unwrap_err();
    assert!(matches!(error, ReadError::NotFound { .. }), "{error}");
    assert_eq!(
        error.to_string(),
        "not found: /nonexistent/sealpost/list.csv"
    );
}

#[test]
fn directory_is_io_error() {
    let directory = tempfile::tempdir().unwrap();
    let error = ListReader::open(directory.path(), &OpenOptions::default()).unwrap_err();
    assert!(matches!(error, ReadError::Io(_)), "{error}");
    assert!(error.to_string().contains("could not be read"), "{error}");
    assert!(std::error::Error::source(&error).is_some());
}

#[test]
fn text_late_windows_1252_bytes() {
    let mut text = b"name,town\n".to_vec();
    text.extend(b"Ada,Leeds\n".repeat(10_000));
    text.extend(b"O\x92Brien,K\xF6ln\n");
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), &text).unwrap();
    let from_file = ListReader::open(file.path(), &OpenOptions::default()).unwrap();
    let from_memory = ListReader::from_bytes(text, &OpenOptions::default()).unwrap();
    for (name, mut reader) in [("file", from_file), ("memory", from_memory)] {
        let encoding = reader.info().encoding.clone();
        assert_eq!(encoding.as_deref(), Some("windows-1252"), "{name}");
        let rows = read_all(&mut reader);
        assert_eq!(rows.len(), 10_001, "{name}");
        let last = rows.last().unwrap();
        assert_eq!(last.1, cells(&["O\u{2019}Brien", "Köln"]), "{name}");
    }
}

#[test]
fn text_long_utf8_stays_utf8() {
    let mut text = b"name,town\n".to_vec();
    text.extend(b"Ada,Leeds\n".repeat(10_000));
    text.extend("Zoë,Köln\n".as_bytes());
    let reader = ListReader::from_bytes(text, &OpenOptions::default()).unwrap();
    assert_eq!(reader.info().encoding.as_deref(), Some("UTF-8"));
}

/// Reads every record and returns the error that stopped the reader, if any.
fn first_error(bytes: &[u8]) -> Option<ReadError> {
    let mut reader = match ListReader::from_bytes(bytes.to_vec(), &OpenOptions::default()) {
        Ok(reader) => reader,
        Err(error) => return Some(error),
    };
    let mut record = Record::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => continue,
            Ok(false) => return None,
            Err(error) => return Some(error),
        }
    }
}

#[test]
fn text_unclosed_quote_names_row() {
    // (case, content, row of the unclosed quote)
    let cases: &[(&str, &[u8], Option<u64>)] = &[
        (
            "near end",
            b"Name,Address\nAda,\"1 Main\nBo,2 Main\n",
            Some(2),
        ),
        (
            "no final newline",
            b"Name,Address\nAda,x\nBo,\"2 Main",
            Some(3),
        ),
        (
            "after blank line",
            b"Name,Address\n\nAda,\"1 Main\nBo,2\n",
            Some(3),
        ),
        ("in header", b"Name,\"Address\nAda,1 Main\n", Some(1)),
        (
            "after a closed one",
            b"Name,Address\nAda,\"1\nMain\"\nBo,\"2\n",
            Some(3),
        ),
        ("closed at end", b"Name,Address\nAda,\"1\nMain\"", None),
        ("literal quote", b"Name,Size\nAda,5\"\nBo,6\"\n", None),
        (
            "doubled quotes",
            b"Name,Note\nAda,\"say \"\"hi\"\"\"\n",
            None,
        ),
    ];
    for (name, bytes, row) in cases {
        let error = first_error(bytes);
        let got = match error {
            Some(ReadError::UnclosedQuote { row }) => Some(row),
            Some(other) => panic!("case {name}: {other}"),
            None => None,
        };
        assert_eq!(got, *row, "case {name}");
    }
}

#[test]
fn text_unclosed_quote_message() {
    let error = first_error(b"Name,Address\nAda,\"1 Main\nBo,2 Main\n").unwrap();
    let message = error.to_string();
    assert!(message.contains("row 2"), "{message}");
    assert!(message.contains("closing quote"), "{message}");
    assert!(!message.contains("Main"), "{message}");
}

fn sample_check() -> OpenOptions {
    OpenOptions {
        encoding_check: EncodingCheck::Sample,
        ..OpenOptions::default()
    }
}

/// Builds a list whose first 2 MB are ASCII, then one row with Windows-1252 bytes, and
/// returns it with that row's number.
fn late_windows_1252_list() -> (Vec<u8>, u64) {
    let mut text = b"name,town\n".to_vec();
    text.extend(b"Ada,Leeds\n".repeat(200_000));
    text.extend(b"O\x92Brien,K\xF6ln\n");
    text.extend(b"Cy,York\n");
    (text, 200_002)
}

/// Reads records until one fails, returning the last good row and the error.
fn read_until_error(reader: &mut ListReader) -> (u64, ReadError) {
    let mut record = Record::new();
    let mut last_good = 0;
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => last_good = record.row(),
            Ok(false) => panic!("read to the end without an error"),
            Err(error) => return (last_good, error),
        }
    }
}

#[test]
fn sample_check_fails_late_invalid_utf8() {
    let (text, bad_row) = late_windows_1252_list();
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), &text).unwrap();
    let from_file = ListReader::open(file.path(), &sample_check()).unwrap();
    let from_memory = ListReader::from_bytes(text, &sample_check()).unwrap();
    for (name, mut reader) in [("file", from_file), ("memory", from_memory)] {
        assert_eq!(reader.info().encoding.as_deref(), Some("UTF-8"), "{name}");
        assert!(reader.info().encoding_from_sample, "{name}");

        let first = reader.rows(2..4).unwrap();
        assert_eq!(first.len(), 2, "{name}");
        assert_eq!(first[0].get(0), Some("Ada"), "{name}");

        let (last_good, error) = read_until_error(&mut reader);
        assert_eq!(last_good, bad_row - 1, "{name}");
        assert!(
            matches!(error, ReadError::Utf8GuessFailed { row } if row == bad_row),
            "{name}: {error}"
        );
        let message = error.to_string();
        assert!(message.contains("row 200002"), "{name}: {message}");
        assert!(message.contains("windows-1252"), "{name}: {message}");
    }
}

#[test]
fn sample_check_page_past_bad_row_fails() {
    let (text, bad_row) = late_windows_1252_list();
    let mut reader = ListReader::from_bytes(text, &sample_check()).unwrap();
    let error = reader.rows(bad_row - 1..bad_row + 2).unwrap_err();
    assert!(
        matches!(error, ReadError::Utf8GuessFailed { row } if row == bad_row),
        "{error}"
    );
    // Rows before the bad one still read, from the checkpoints indexed on the way.
    let before = reader.rows(bad_row - 3..bad_row).unwrap();
    let numbers: Vec<u64> = before.iter().map(Record::row).collect();
    assert_eq!(numbers, [bad_row - 3, bad_row - 2, bad_row - 1]);
}

#[test]
fn whole_file_check_keeps_late_windows_1252() {
    let (text, bad_row) = late_windows_1252_list();
    let mut reader = ListReader::from_bytes(text, &OpenOptions::default()).unwrap();
    assert_eq!(reader.info().encoding.as_deref(), Some("windows-1252"));
    assert!(!reader.info().encoding_from_sample);
    let rows = read_all(&mut reader);
    assert_eq!(rows.len() as u64, bad_row);
    let bad = &rows[rows.len() - 2];
    assert_eq!(bad, &(bad_row, cells(&["O\u{2019}Brien", "Köln"])));
}

#[test]
fn sample_check_switches_in_header_rows() {
    // Rows of about 1 KB put row 90 past the 64 KiB sample but among the rows read to
    // find the header, so opening settles on Windows-1252 as the whole-file check does.
    let filler = "x".repeat(1000);
    let mut text = b"name,notes\n".to_vec();
    for _ in 0..88 {
        text.extend(format!("Ada,{filler}\n").as_bytes());
    }
    text.extend(b"O\x92Brien,K\xF6ln\n");
    text.extend(b"Cy,York\n");
    assert!(text.len() > 64 * 1024);

    for options in [sample_check(), OpenOptions::default()] {
        let check = options.encoding_check;
        let mut reader = ListReader::from_bytes(text.clone(), &options).unwrap();
        let info = reader.info();
        assert_eq!(info.encoding.as_deref(), Some("windows-1252"), "{check:?}");
        assert!(!info.encoding_from_sample, "{check:?}");
        let rows = read_all(&mut reader);
        assert_eq!(rows.len(), 90, "{check:?}");
        assert_eq!(
            rows[88],
            (90, cells(&["O\u{2019}Brien", "Köln"])),
            "{check:?}"
        );
    }
}

#[test]
fn sample_check_reads_valid_utf8_to_end() {
    let mut text = b"name,town\n".to_vec();
    // A two-byte character straddles the end of the 64 KiB sample.
    while text.len() < 64 * 1024 - 1 {
        text.push(b'A');
    }
    text.extend("\u{e9},Leeds\n".as_bytes());
    text.extend(b"Ada,Leeds\n".repeat(200_000));
    text.extend("Zoë,Köln\n".as_bytes());
    let mut reader = ListReader::from_bytes(text, &sample_check()).unwrap();
    assert_eq!(reader.info().encoding.as_deref(), Some("UTF-8"));
    assert!(reader.info().encoding_from_sample);
    let rows = read_all(&mut reader);
    assert_eq!(rows.len(), 200_002);
    assert_eq!(rows[0].1[0].len(), 64 * 1024 - 11 + 2);
    assert_eq!(rows.last().unwrap(), &(200_003, cells(&["Zoë", "Köln"])));
}

#[test]
fn sample_check_ignored_with_encoding_or_bom() {
    let (text, _) = late_windows_1252_list();
    let options = OpenOptions {
        encoding: Some("windows-1252".into()),
        ..sample_check()
    };
    let reader = ListReader::from_bytes(text.clone(), &options).unwrap();
    assert_eq!(reader.info().encoding.as_deref(), Some("windows-1252"));
    assert!(!reader.info().encoding_from_sample);

    let mut with_bom = b"\xEF\xBB\xBF".to_vec();
    with_bom.extend(&text);
    let mut reader = ListReader::from_bytes(with_bom, &sample_check()).unwrap();
    assert!(!reader.info().encoding_from_sample);
    // A byte order mark names UTF-8, so a bad row is the row's fault.
    let (_, error) = read_until_error(&mut reader);
    assert!(matches!(error, ReadError::InvalidText { .. }), "{error}");
}
