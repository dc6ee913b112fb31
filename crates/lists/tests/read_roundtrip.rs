//! Property test: records written with the `csv` crate read back as the same cells,
//! whatever the delimiter, quoting and line ending.

use proptest::prelude::*;
use sealpost_lists::{ListReader, OpenOptions, Record};

/// Generates a field: empty, plain, or with delimiters, quotes, line breaks or non-ASCII text.
fn field() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        "[a-zA-Z0-9 ]{1,12}",
        "[a-z,;|\t\"\r\n]{1,8}",
        "[a-zé€ü’ß漢字 ]{1,10}",
    ]
}

/// Generates rows of one width (so the delimiter can be detected), a delimiter and the
/// quoting and line-ending choices.
fn list() -> impl Strategy<Value = (Vec<Vec<String>>, u8, bool, bool)> {
    (1usize..6)
        .prop_flat_map(|width| {
            (
                prop::collection::vec(prop::collection::vec(field(), width), 1..30),
                prop::sample::select(vec![b',', b';', b'\t', b'|']),
                any::<bool>(),
                any::<bool>(),
            )
        })
        .prop_filter(
            "a data row that is one empty field is a blank line",
            |(rows, _, _, _)| rows.iter().all(|row| row.len() > 1 || !row[0].is_empty()),
        )
}

fn write(rows: &[Vec<String>], delimiter: u8, quote_all: bool, crlf: bool) -> Vec<u8> {
    let terminator = if crlf {
        csv::Terminator::CRLF
    } else {
        csv::Terminator::Any(b'\n')
    };
    let style = if quote_all {
        csv::QuoteStyle::Always
    } else {
        csv::QuoteStyle::Necessary
    };
    let mut writer = csv::WriterBuilder::new()
        .delimiter(delimiter)
        .quote_style(style)
        .terminator(terminator)
        .from_writer(Vec::new());
    let width = rows[0].len();
    let header: Vec<String> = (0..width).map(|index| format!("column{index}")).collect();
    writer.write_record(&header).unwrap();
    for row in rows {
        writer.write_record(row).unwrap();
    }
    writer.into_inner().unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn written_records_read_back((rows, delimiter, quote_all, crlf) in list()) {
        let bytes = write(&rows, delimiter, quote_all, crlf);
        let options = OpenOptions { delimiter: Some(delimiter), ..OpenOptions::default() };
        let mut reader = ListReader::from_bytes(bytes.clone(), &options).unwrap();
        let mut record = Record::new();
        let mut read = Vec::new();
        while reader.read_record(&mut record).unwrap() {
            read.push((record.row(), record.iter().map(str::to_owned).collect::<Vec<_>>()));
        }
        let expected: Vec<_> = rows.iter().cloned().enumerate().map(|(index, row)| (index as u64 + 2, row)).collect();
        prop_assert_eq!(&read, &expected);

        // Detection finds the same delimiter when the rows are wide enough to show it.
        if rows[0].len() > 1 {
            let detected = ListReader::from_bytes(bytes, &OpenOptions::default()).unwrap();
            prop_assert_eq!(detected.info().delimiter, Some(char::from(delimiter)));
        }
    }
}
