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

/// One line of a generated list: a record of fields, or a blank line.
#[derive(Debug, Clone)]
enum Line {
    Record(Vec<String>),
    Blank,
}

/// Generates up to 3000 lines, two fields wide, some blank, with a line-ending style.
fn lines() -> impl Strategy<Value = (Vec<Line>, &'static str)> {
    let line = prop_oneof![
        8 => prop::collection::vec(field(), 2).prop_map(Line::Record),
        1 => Just(Line::Blank),
    ];
    (
        prop::collection::vec(line, 0..3000),
        prop::sample::select(vec!["\n", "\r\n", "\r"]),
    )
}

/// Writes the lines after a header, quoting every field so that a field that is one
/// empty string is not mistaken for a blank line.
fn write_lines(lines: &[Line], ending: &str) -> Vec<u8> {
    let mut text = format!("first,second{ending}");
    for line in lines {
        if let Line::Record(fields) = line {
            let quoted: Vec<String> = fields
                .iter()
                .map(|field| format!("\"{}\"", field.replace('"', "\"\"")))
                .collect();
            text.push_str(&quoted.join(","));
        }
        text.push_str(ending);
    }
    text.into_bytes()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn preview_pages_match_full_read((lines, ending) in lines(), starts in prop::collection::vec(0u64..3200, 4)) {
        let bytes = write_lines(&lines, ending);
        let mut reader = ListReader::from_bytes(bytes.clone(), &OpenOptions::default()).unwrap();

        // Expected rows: the header is row 1 and every line after it is one row, except
        // trailing blank lines, which end the text.
        let last_record = lines.iter().rposition(|line| matches!(line, Line::Record(_)));
        let expected: Vec<(u64, Vec<String>)> = lines
            .iter()
            .take(last_record.map_or(0, |index| index + 1))
            .enumerate()
            .map(|(index, line)| match line {
                Line::Record(fields) => (index as u64 + 2, fields.clone()),
                Line::Blank => (index as u64 + 2, Vec::new()),
            })
            .collect();

        // Half of the cases ask for pages before the main pass, half after it.
        let mut pages_first = Vec::new();
        if starts[0] % 2 == 0 {
            for &start in &starts {
                pages_first.push((start, reader.rows(start..start + 40).unwrap()));
            }
        }
        let mut record = Record::new();
        let mut read = Vec::new();
        while reader.read_record(&mut record).unwrap() {
            read.push((record.row(), record.iter().map(str::to_owned).collect::<Vec<_>>()));
        }
        prop_assert_eq!(&read, &expected);

        let mut fresh = ListReader::from_bytes(bytes, &OpenOptions::default()).unwrap();
        for &start in &starts {
            let page = reader.rows(start..start + 40).unwrap();
            let fresh_page = fresh.rows(start..start + 40).unwrap();
            let want: Vec<_> = expected.iter().filter(|(row, _)| (start..start + 40).contains(row)).cloned().collect();
            let got: Vec<_> = page.iter().map(|r| (r.row(), r.iter().map(str::to_owned).collect::<Vec<_>>())).collect();
            let got_fresh: Vec<_> = fresh_page.iter().map(|r| (r.row(), r.iter().map(str::to_owned).collect::<Vec<_>>())).collect();
            prop_assert_eq!(&got, &want);
            prop_assert_eq!(&got_fresh, &want);
        }
        for (start, page) in pages_first {
            let want: Vec<_> = expected.iter().filter(|(row, _)| (start..start + 40).contains(row)).cloned().collect();
            let got: Vec<_> = page.iter().map(|r| (r.row(), r.iter().map(str::to_owned).collect::<Vec<_>>())).collect();
            prop_assert_eq!(&got, &want);
        }
    }
}
