//! Reading the real and generated list files under `tests/fixtures/read`.

use std::path::{Path, PathBuf};

use sealpost_lists::{
    CellKind, Format, Limit, Limits, ListInfo, ListReader, OpenOptions, ReadError, Record,
    SheetChoice,
};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/read")
        .join(name)
}

fn open(name: &str) -> ListReader {
    ListReader::open(&fixture(name), &OpenOptions::default())
        .unwrap_or_else(|error| panic!("{name}: {error}"))
}

fn open_error(name: &str, options: &OpenOptions) -> ReadError {
    match ListReader::open(&fixture(name), options) {
        Ok(_) => panic!("{name} opened"),
        Err(error) => error,
    }
}

/// Reads every data row as (row number, cells, kinds).
fn read_all(reader: &mut ListReader) -> Vec<(u64, Vec<String>, Vec<CellKind>)> {
    let mut record = Record::new();
    let mut rows = Vec::new();
    while reader.read_record(&mut record).unwrap() {
        let cells = record.iter().map(str::to_owned).collect();
        let kinds = (0..record.len())
            .filter_map(|index| record.kind(index))
            .collect();
        rows.push((record.row(), cells, kinds));
    }
    rows
}

fn texts(reader: &mut ListReader) -> Vec<(u64, Vec<String>)> {
    read_all(reader)
        .into_iter()
        .map(|(row, cells, _)| (row, cells))
        .collect()
}

fn row(number: u64, cells: &[&str]) -> (u64, Vec<String>) {
    (
        number,
        cells.iter().map(|cell| (*cell).to_owned()).collect(),
    )
}

#[test]
fn text_fixtures_table() {
    // (file, encoding, delimiter, headers, rows)
    type Case = (
        &'static str,
        &'static str,
        char,
        &'static [&'static str],
        Vec<(u64, Vec<String>)>,
    );
    let cases: Vec<Case> = vec![
        (
            "utf8-bom.csv",
            "UTF-8",
            ',',
            &["name", "town", "postcode"],
            vec![
                row(2, &["Zoë Smith", "Köln", "50667"]),
                row(3, &["Åsa Berg", "Malmö", "211 22"]),
            ],
        ),
        (
            "windows-1252.csv",
            "windows-1252",
            ';',
            &["name", "price", "note"],
            vec![
                row(2, &["O\u{2019}Brien", "€ 5", "café"]),
                row(3, &["Duval", "€ 7", "naïve"]),
            ],
        ),
        (
            "utf16le-bom.txt",
            "UTF-16LE",
            '\t',
            &["name", "town", "postcode"],
            vec![
                row(2, &["Zoë Smith", "Köln", "50667"]),
                row(3, &["José Núñez", "Málaga", "29001"]),
            ],
        ),
        (
            "utf16be-bom.txt",
            "UTF-16BE",
            '\t',
            &["name", "town", "postcode"],
            vec![
                row(2, &["Zoë Smith", "Köln", "50667"]),
                row(3, &["José Núñez", "Málaga", "29001"]),
            ],
        ),
        (
            "semicolon.csv",
            "UTF-8",
            ';',
            &["name", "address", "zip"],
            vec![
                row(2, &["Ada", "1 High St, Leeds", "02101"]),
                row(3, &["Bo", "2 Low Rd", "10001"]),
            ],
        ),
        (
            "tab.tsv",
            "UTF-8",
            '\t',
            &["name", "address", "zip"],
            vec![
                row(2, &["Ada", "1 High St, Leeds", "02101"]),
                row(3, &["Bo", "2 Low Rd", "10001"]),
            ],
        ),
        (
            "pipe.txt",
            "UTF-8",
            '|',
            &["name", "address", "zip"],
            vec![
                row(2, &["Ada", "1 High St; Leeds", "02101"]),
                row(3, &["Bo", "2 Low Rd", "10001"]),
            ],
        ),
        (
            "cr-only.csv",
            "UTF-8",
            ',',
            &["name", "zip"],
            vec![row(2, &["Ada", "02101"]), row(3, &["Bo", "10001"])],
        ),
        (
            "crlf.csv",
            "UTF-8",
            ',',
            &["name", "zip"],
            vec![row(2, &["Ada", "02101"]), row(3, &["Bo", "10001"])],
        ),
        (
            "quoted-newlines.csv",
            "UTF-8",
            ',',
            &["name", "address", "zip"],
            vec![
                row(
                    2,
                    &[
                        "Ada \"The Countess\" Lovelace",
                        "Flat 2\r\n1 High St, Leeds",
                        "LS1 1AA",
                    ],
                ),
                row(3, &["Bo", "2 Low Rd\nYork", "YO1 7HH"]),
            ],
        ),
        (
            "ragged.csv",
            "UTF-8",
            ',',
            &["name", "address", "zip"],
            vec![
                row(2, &["Ada", "1 High St"]),
                row(3, &["Bo", "2 Low Rd", "YO1 7HH", "extra"]),
                row(4, &["Cy", "3 Mill Ln", "LS2 2BB"]),
            ],
        ),
        (
            "blank-lines.csv",
            "UTF-8",
            ',',
            &["name", "zip"],
            vec![
                row(2, &[]),
                row(3, &["Ada", "02101"]),
                row(4, &[]),
                row(5, &[]),
                row(6, &["Bo", "10001"]),
            ],
        ),
    ];
    for (name, encoding, delimiter, headers, rows) in cases {
        let mut reader = open(name);
        let info = reader.info().clone();
        assert_eq!(info.format, Format::Csv, "{name}");
        assert_eq!(info.encoding.as_deref(), Some(encoding), "{name}");
        assert_eq!(info.delimiter, Some(delimiter), "{name}");
        assert_eq!(info.headers, headers, "{name}");
        assert_eq!(info.header_row, Some(1), "{name}");
        assert_eq!(texts(&mut reader), rows, "{name}");
    }
}

#[test]
fn text_header_below_title_block() {
    let mut reader = open("title-block.csv");
    assert_eq!(reader.info().header_row, Some(4));
    assert_eq!(
        reader.info().headers,
        ["First Name", "Last Name", "Postcode"]
    );
    let rows = texts(&mut reader);
    assert_eq!(
        rows,
        vec![
            row(5, &["Ada", "Lovelace", "LS1 1AA"]),
            row(6, &["", "", ""]),
            row(7, &["Bo", "Smith", "YO1 7HH"]),
        ]
    );
    let preview = reader.rows(1..7).unwrap();
    let numbers: Vec<u64> = preview.iter().map(Record::row).collect();
    assert_eq!(numbers, [5, 6]);
}

#[test]
fn uk_sample_reads_all_rows() {
    let mut reader = open("uk-500-survey.csv");
    let rows = read_all(&mut reader);
    assert_eq!(rows.len(), 500);
    assert_eq!(rows.last().map(|row| row.0), Some(501));
    assert!(rows.iter().all(|(_, cells, _)| cells.len() == 13));
    // A quoted ward name with a comma stays one field.
    let quoted = rows
        .iter()
        .filter(|(_, cells, _)| cells[6].contains(", "))
        .count();
    assert!(quoted > 0);
    let progress = reader.progress();
    assert_eq!(progress.done, progress.total);
}

#[test]
fn spreadsheet_identifiers_render_as_displayed() {
    for name in ["numeric-zip.xlsx", "numeric-zip.xls", "numeric-zip.ods"] {
        let mut reader = open(name);
        let rows = read_all(&mut reader);
        let (number, cells, kinds) = &rows[0];
        assert_eq!(*number, 2, "{name}");
        assert_eq!(
            cells[..6],
            ["Ada", "2101", "02101", "447700900123", "7", "2024-03-15"],
            "{name}"
        );
        assert_eq!(cells[7], "12345678901234", "{name}");
        assert_eq!(kinds[1], CellKind::Number, "{name}");
        assert_eq!(kinds[2], CellKind::Text, "{name}");
        assert_eq!(kinds[5], CellKind::Date, "{name}");
        let (_, cells, _) = &rows[1];
        assert_eq!(cells[4], "0.3", "{name}");
        assert_eq!(cells[5], "2024-03-16T09:30:00", "{name}");
        assert_eq!(cells[7], "1.5", "{name}");
    }
}

#[test]
fn xlsb_cells_render_as_displayed() {
    let mut reader = open("recipients.xlsb");
    assert_eq!(reader.info().format, Format::Xlsb);
    assert_eq!(reader.info().sheet.as_deref(), Some("Recipients"));
    assert_eq!(reader.info().headers, ["Name", "ZIP", "Phone"]);
    let rows = read_all(&mut reader);
    assert_eq!(rows[0].1, ["Ada", "2101", "447700900123"]);
    assert_eq!(rows[1].1, ["Bo", "90210", "7"]);
    assert_eq!(
        rows[1].2,
        [CellKind::Text, CellKind::Number, CellKind::Number]
    );
}

#[test]
fn spreadsheet_zero_padded_formats() {
    for name in ["numeric-zip.xlsx", "numeric-zip.xls", "numeric-zip.ods"] {
        let rows = read_all(&mut open(name));
        assert_eq!(rows[0].1[9], "02101", "{name}");
        assert_eq!(rows[0].1[10], "02101-1234", "{name}");
        assert_eq!(rows[0].2[9], CellKind::Number, "{name}");
        // Other numbers keep the General format.
        assert_eq!(rows[0].1[1], "2101", "{name}");
    }
}

#[test]
fn spreadsheet_booleans_and_errors() {
    for name in ["numeric-zip.xlsx", "numeric-zip.xls"] {
        let rows = read_all(&mut open(name));
        assert_eq!(rows[0].1[6], "TRUE", "{name}");
        assert_eq!(rows[0].2[6], CellKind::Boolean, "{name}");
    }
    let rows = read_all(&mut open("numeric-zip.xls"));
    assert_eq!(rows[1].1[8], "#DIV/0!");
    assert_eq!(rows[1].2[8], CellKind::Error);
}

#[test]
fn spreadsheet_header_below_title_block() {
    for (name, format) in [
        ("title-block.xlsx", Format::Xlsx),
        ("title-block.xls", Format::Xls),
        ("title-block.ods", Format::Ods),
    ] {
        let mut reader = open(name);
        let info: ListInfo = reader.info().clone();
        assert_eq!(info.format, format, "{name}");
        assert_eq!(info.header_row, Some(4), "{name}");
        assert_eq!(info.sheet.as_deref(), Some("Export"), "{name}");
        assert_eq!(info.sheets, ["Export", "Notes"], "{name}");
        assert_eq!(
            info.headers,
            ["First Name", "Last Name", "Address 1", "City", "Postcode"],
            "{name}"
        );
        let rows = texts(&mut reader);
        assert_eq!(
            rows,
            vec![
                row(5, &["Ada", "Lovelace", "1 High St", "Leeds", "LS1 1AA"]),
                row(6, &[]),
                row(7, &["Bo", "Smith", "2 Low Rd", "York", "YO1 7HH"]),
            ],
            "{name}"
        );
    }
    let reader = open("calamine-header-row.xlsx");
    assert_eq!(reader.info().header_row, Some(9));
    assert_eq!(
        reader.info().headers,
        ["Columns", "Column A", "Column B", "Column C"]
    );
}

#[test]
fn spreadsheet_header_row_override() {
    let options = OpenOptions {
        header_row: Some(5),
        ..OpenOptions::default()
    };
    let mut reader = ListReader::open(&fixture("title-block.xlsx"), &options).unwrap();
    assert_eq!(reader.info().header_row, Some(5));
    assert_eq!(texts(&mut reader).first().map(|row| row.0), Some(6));
}

#[test]
fn spreadsheet_sheet_choice() {
    let cases = [
        (
            SheetChoice::Name("Notes".into()),
            "Notes",
            vec!["nothing here"],
        ),
        (
            SheetChoice::Index(0),
            "Export",
            vec!["First Name", "Last Name", "Address 1", "City", "Postcode"],
        ),
    ];
    for (choice, sheet, headers) in cases {
        let options = OpenOptions {
            sheet: Some(choice.clone()),
            ..OpenOptions::default()
        };
        let reader = ListReader::open(&fixture("title-block.xlsx"), &options).unwrap();
        assert_eq!(reader.info().sheet.as_deref(), Some(sheet), "{choice:?}");
        assert_eq!(reader.info().headers, headers, "{choice:?}");
    }
    let options = OpenOptions {
        sheet: Some(SheetChoice::Name("Missing".into())),
        ..OpenOptions::default()
    };
    let error = open_error("title-block.xlsx", &options);
    assert!(matches!(error, ReadError::SheetNotFound { .. }), "{error}");
    assert!(error.to_string().contains("Export, Notes"), "{error}");
}

#[test]
fn spreadsheet_skips_empty_first_sheet() {
    let reader = open("merged-region.xlsx");
    assert_eq!(reader.info().sheet.as_deref(), Some("Data"));
}

#[test]
fn spreadsheet_prefers_visible_sheet() {
    let reader = open("hidden-first-sheet.xlsx");
    assert_eq!(reader.info().sheet.as_deref(), Some("Recipients"));
    assert_eq!(reader.info().sheets, ["Lookup", "Recipients"]);

    let options = OpenOptions {
        sheet: Some(SheetChoice::Index(0)),
        ..OpenOptions::default()
    };
    let hidden = ListReader::open(&fixture("hidden-first-sheet.xlsx"), &options).unwrap();
    assert_eq!(hidden.info().headers, ["Code", "Region"]);
}

#[test]
fn spreadsheet_merged_cells_fill_down() {
    for name in ["merged-region.xlsx", "merged-region.ods"] {
        let mut reader = open(name);
        let merged = reader.info().merged.clone();
        assert_eq!(merged.len(), 1, "{name}");
        assert_eq!((merged[0].first_row, merged[0].last_row), (2, 4), "{name}");
        assert_eq!(
            (merged[0].first_column, merged[0].last_column),
            (2, 2),
            "{name}"
        );
        let rows = texts(&mut reader);
        let expected = vec![
            row(2, &["a@example.com", "North"]),
            row(3, &["b@example.com", "North"]),
            row(4, &["c@example.com", "North"]),
        ];
        assert_eq!(rows, expected, "{name}");
    }
}

#[test]
fn calamine_merged_regions_fill_down() {
    let mut reader = open("calamine-merge_cells.xlsx");
    assert_eq!(reader.info().merged.len(), 3);
    let rows = texts(&mut reader);
    assert_eq!(rows[2], row(4, &["Column Merge", "Chunk Merged", ""]));
}

#[test]
fn spreadsheet_1904_dates() {
    let mut reader = open("calamine-date_1904.xlsx");
    assert_eq!(reader.info().headers, ["2021-01-01", "15"]);
    let rows = read_all(&mut reader);
    assert_eq!(rows[0].1[0], "2021-01-02");
    assert_eq!(rows[0].2[0], CellKind::Date);
}

#[test]
fn spreadsheet_carriage_return_escape() {
    let reader = open("calamine-has_x000D_.xlsx");
    assert_eq!(reader.info().headers, ["ABC\r\nDEF"]);
}

#[test]
fn spreadsheet_preview_rows() {
    let mut reader = open("sample-500.xlsx");
    let all = texts(&mut reader);
    assert_eq!(all.len(), 500);
    let preview: Vec<_> = reader
        .rows(250..253)
        .unwrap()
        .iter()
        .map(|record| {
            (
                record.row(),
                record.iter().map(str::to_owned).collect::<Vec<_>>(),
            )
        })
        .collect();
    assert_eq!(preview, all[248..251].to_vec());
    assert!(reader.rows(1..2).unwrap().is_empty());
    assert!(reader.rows(900..1000).unwrap().is_empty());
    assert_eq!(reader.progress().done, 500);
}

#[test]
fn rejected_files_table() {
    let cases: &[(&str, &str)] = &[
        ("empty.csv", "the file is empty"),
        ("image-renamed.csv", "a PNG image"),
        ("document.pdf", "a PDF document"),
        ("random-bytes.csv", "binary data"),
        ("other-zip.xlsx", "a zip archive that holds no spreadsheet"),
        (
            "letter.odt",
            "an OpenDocument file that is not a spreadsheet",
        ),
        ("calamine-pass_protected.xlsx", "protected with a password"),
        ("billion-laughs.xlsx", "document type (DTD)"),
        (
            "zip-bomb-lying-sizes.xlsx",
            "could not be read (file is larger than",
        ),
        (
            "calamine-issue_594_dos.ods",
            "the number of cells in the sheet is 999999998000000001, over the limit of 50000000",
        ),
        (
            "wide-row.xlsx",
            "the number of fields in a row is 16384, over the limit of 1000 at row 2",
        ),
        ("xls-cells-far-apart.xls", "the XLS file could not be read"),
        (
            "xls-cells-far-apart-2.xls",
            "the XLS file could not be read",
        ),
        (
            "xls-short-extern-sheet.xls",
            "an external sheet record is too short",
        ),
        (
            "xlsb-bad-string-index.xlsb",
            "the spreadsheet parser failed on malformed content",
        ),
        (
            "xls-bad-formula.xls",
            "the spreadsheet parser failed on malformed content",
        ),
        (
            "xlsb-missing-relationship.xlsb",
            "the spreadsheet parser failed on malformed content",
        ),
    ];
    for (name, message) in cases {
        let error = open_error(name, &OpenOptions::default());
        assert!(error.to_string().contains(message), "{name}: {error}");
    }
}

#[test]
fn password_protected_has_own_error() {
    let error = open_error("calamine-pass_protected.xlsx", &OpenOptions::default());
    assert!(matches!(error, ReadError::PasswordProtected), "{error}");
}

#[test]
fn zip_bomb_over_decompressed_limit() {
    let limits = Limits {
        max_decompressed_bytes: 16 * 1024 * 1024,
        ..Limits::default()
    };
    let options = OpenOptions {
        limits,
        ..OpenOptions::default()
    };
    let error = open_error("zip-bomb.xlsx", &options);
    let ReadError::LimitExceeded {
        what, found, limit, ..
    } = error
    else {
        panic!("{error}");
    };
    assert_eq!(what, Limit::DecompressedBytes);
    assert!(found > 40 * 1024 * 1024, "{found}");
    assert_eq!(limit, 16 * 1024 * 1024);
}

#[test]
fn zip_declared_sizes_over_default_limit() {
    let error = open_error("zip-bomb-declared.xlsx", &OpenOptions::default());
    let ReadError::LimitExceeded {
        what, found, limit, ..
    } = error
    else {
        panic!("{error}");
    };
    assert_eq!(what, Limit::DecompressedBytes);
    // Five parts, each declaring 3 GiB.
    assert_eq!(found, 5 * 3 * 1024 * 1024 * 1024);
    assert_eq!(limit, Limits::default().max_decompressed_bytes);
}

#[test]
fn spreadsheet_cells_over_limit() {
    let options = OpenOptions {
        limits: Limits {
            max_cells: 100,
            ..Limits::default()
        },
        ..OpenOptions::default()
    };
    let error = open_error("sample-500.xlsx", &options);
    assert!(
        error.to_string().contains("over the limit of 100"),
        "{error}"
    );
}

#[test]
fn spreadsheet_file_size_limit() {
    let options = OpenOptions {
        limits: Limits {
            max_spreadsheet_bytes: 1000,
            ..Limits::default()
        },
        ..OpenOptions::default()
    };
    let error = open_error("sample-500.xlsx", &options);
    assert!(
        error.to_string().contains("over the limit of 1000"),
        "{error}"
    );
}

#[test]
fn open_and_from_bytes_agree() {
    for name in [
        "quoted-newlines.csv",
        "windows-1252.csv",
        "utf16le-bom.txt",
        "title-block.xlsx",
    ] {
        let bytes = std::fs::read(fixture(name)).unwrap();
        let mut from_bytes = ListReader::from_bytes(bytes, &OpenOptions::default()).unwrap();
        let mut from_file = open(name);
        assert_eq!(
            from_bytes.info().headers,
            from_file.info().headers,
            "{name}"
        );
        assert_eq!(texts(&mut from_bytes), texts(&mut from_file), "{name}");
    }
}

#[test]
fn truncated_workbooks_are_damaged() {
    let cases = [
        ("sample-500.xlsx", Format::Xlsx),
        ("title-block.xlsx", Format::Xlsx),
        ("title-block.ods", Format::Ods),
    ];
    for (name, format) in cases {
        let bytes = std::fs::read(fixture(name)).unwrap();
        let cut = bytes[..bytes.len() / 2].to_vec();
        let error = ListReader::from_bytes(cut, &OpenOptions::default()).unwrap_err();
        assert!(
            matches!(error, ReadError::DamagedWorkbook { format: found } if found == format),
            "{name}: {error}"
        );
        let message = error.to_string();
        assert!(
            message.contains("damaged or incomplete"),
            "{name}: {message}"
        );
        assert!(!message.contains("not a list"), "{name}: {message}");
    }
}

#[test]
fn formulas_without_value_are_reported() {
    let mut reader = open("formulas-no-value.xlsx");
    let uncalculated = reader.info().uncalculated_formulas.clone();
    assert_eq!(uncalculated.count, 2);
    assert_eq!(uncalculated.cells, vec!["E2", "E4"]);
    let rows = texts(&mut reader);
    assert_eq!(rows[0].1[4], "", "formula cell reads as empty");
    assert_eq!(rows[1].1[4], "4");
}

#[test]
fn calculated_workbooks_report_no_formulas() {
    for name in ["merged-region.xlsx", "title-block.xlsx", "title-block.ods"] {
        let reader = open(name);
        assert_eq!(reader.info().uncalculated_formulas.count, 0, "{name}");
    }
}

#[test]
fn sample_formula_injection_has_no_value() {
    // The generator wrote one formula-injection defect as a real formula.
    let reader = open("sample-500.xlsx");
    let uncalculated = &reader.info().uncalculated_formulas;
    assert_eq!(uncalculated.count, 1);
    assert_eq!(uncalculated.cells, vec!["D433"]);
}
