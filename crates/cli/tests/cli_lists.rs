//! Runs the built `sealpost` binary on fixture files and checks output and exit status.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../lists/tests/fixtures/validate")
        .join(name)
}

fn sealpost(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sealpost"))
        .args(args)
        .output()
        .expect("the sealpost binary runs")
}

fn json(output: &Output) -> serde_json::Value {
    serde_json::from_slice(&output.stdout).expect("standard output is JSON")
}

fn path_str(path: &Path) -> &str {
    path.to_str().expect("fixture paths are UTF-8")
}

const CLEAN_LIST: &str = "First Name,Surname,Street,Town,Post Code,Country\r\n\
    Ada,Lovelace,12 St James's Square,London,SW1Y 4JH,UK\r\n\
    Grace,Hopper,1 Main St,Newark,07102,USA\r\n\
    \r\n\
    Hans,Muller,Hauptstrasse 1,Berlin,10115,Germany\r\n";

#[test]
fn validate_clean_list_exits_zero() {
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("clean.csv");
    std::fs::write(&path, CLEAN_LIST).unwrap();

    let output = sealpost(&["validate", "--format", "json", path_str(&path)]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report = json(&output);
    assert_eq!(report["format"], "csv");
    assert_eq!(report["encoding"], "UTF-8");
    assert_eq!(report["delimiter"], ",");
    assert_eq!(report["sheet"], serde_json::Value::Null);
    assert_eq!(report["header_row"], 1);
    assert_eq!(report["rows"]["total"], 3);
    assert_eq!(report["rows"]["valid"], 3);
    assert_eq!(report["rows"]["invalid"], 0);
    assert_eq!(report["summary"]["empty_row"], 1);
    assert_eq!(report["issues"][0]["code"], "empty_row");
    assert_eq!(report["issues"][0]["severity"], "warning");
    assert_eq!(report["issues"][0]["row"], 4);
    assert_eq!(report["columns"][1]["header"], "Surname");
    assert_eq!(report["columns"][1]["field"], "last_name");
    assert_eq!(report["columns"][1]["index"], 1);

    // The progress bar stays hidden when standard error is not a terminal.
    assert!(
        output.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );

    let text = sealpost(&["validate", path_str(&path)]);
    assert_eq!(text.status.code(), Some(0));
    let stdout = String::from_utf8(text.stdout).unwrap();
    assert!(
        stdout.contains("3 data rows, 3 valid, 0 invalid"),
        "{stdout}"
    );
}

#[test]
fn validate_defects_exits_one() {
    let output = sealpost(&[
        "validate",
        "--format",
        "json",
        path_str(&fixture("defects.csv")),
    ]);
    assert_eq!(output.status.code(), Some(1));
    let report = json(&output);
    assert_eq!(report["rows"]["total"], 12);
    assert_eq!(report["rows"]["invalid"], 9);
    assert_eq!(report["summary"]["leading_zero_lost"], 1);
    assert_eq!(report["issue_limit"], 10_000);
    assert_eq!(report["issues_omitted"], 0);
    let zip = &report["issues"][0];
    assert_eq!(zip["row"], 3);
    assert_eq!(zip["column"], 7);
    assert_eq!(zip["code"], "leading_zero_lost");
    assert_eq!(zip["suggestion"], "07102");
    let summary = report["summary"].as_object().unwrap();
    assert_eq!(summary.len(), 12, "every code is listed");

    let text = sealpost(&["validate", path_str(&fixture("defects.csv"))]);
    assert_eq!(text.status.code(), Some(1));
    let stdout = String::from_utf8(text.stdout).unwrap();
    assert!(stdout.contains("leading_zero_lost: 1"), "{stdout}");
    assert!(stdout.contains("row 3 (error): ZIP code"), "{stdout}");
    assert!(stdout.contains("row 10 (warning): postcode"), "{stdout}");
}

#[test]
fn validate_xlsx_reports_sheet() {
    let output = sealpost(&[
        "validate",
        "--format",
        "json",
        path_str(&fixture("sample-500.xlsx")),
    ]);
    assert_eq!(output.status.code(), Some(1));
    let report = json(&output);
    assert_eq!(report["format"], "xlsx");
    assert_eq!(report["sheet"], "Recipients");
    assert_eq!(report["encoding"], serde_json::Value::Null);
    assert_eq!(report["delimiter"], serde_json::Value::Null);
    assert_eq!(report["rows"]["total"], 500);
}

#[test]
fn unreadable_file_exits_two() {
    let directory = tempfile::tempdir().unwrap();
    let png = directory.path().join("list.csv");
    std::fs::write(&png, b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR").unwrap();
    let missing = directory.path().join("missing.csv");

    for (path, prefix) in [(&png, "error: cannot read"), (&missing, "error: not found")] {
        for format in ["json", "text"] {
            let output = sealpost(&["validate", "--format", format, path_str(path)]);
            assert_eq!(output.status.code(), Some(2), "{path:?}");
            assert!(output.stdout.is_empty(), "{path:?}: stdout not empty");
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert!(stderr.starts_with(prefix), "{stderr}");
        }
    }
}

#[test]
fn mapping_file_applies() {
    let directory = tempfile::tempdir().unwrap();
    let list = directory.path().join("list.csv");
    std::fs::write(
        &list,
        "Who,Where,Town,Code\nAda Lovelace,12 High St,Leeds,LS1 1AA\n",
    )
    .unwrap();
    let mapping = directory.path().join("mapping.json");
    std::fs::write(
        &mapping,
        r#"{"Who": "full_name", "Where": "address1", "Code": "postcode"}"#,
    )
    .unwrap();

    let unmapped = sealpost(&["validate", "--format", "json", path_str(&list)]);
    assert_eq!(unmapped.status.code(), Some(1));

    let output = sealpost(&[
        "validate",
        "--format",
        "json",
        "--mapping",
        path_str(&mapping),
        path_str(&list),
    ]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report = json(&output);
    assert_eq!(report["columns"][0]["field"], "full_name");
    assert_eq!(report["columns"][2]["field"], "city");

    std::fs::write(&mapping, r#"{"Whom": "full_name"}"#).unwrap();
    let bad = sealpost(&["validate", "--mapping", path_str(&mapping), path_str(&list)]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(bad.stdout.is_empty());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("\"Whom\""));
}

#[test]
fn default_country_option() {
    let directory = tempfile::tempdir().unwrap();
    let list = directory.path().join("list.csv");
    std::fs::write(
        &list,
        "Name;Address;City;ZIP\nAda Lovelace;1600 Pennsylvania Ave NW;Washington;20500\n",
    )
    .unwrap();
    let as_gb = sealpost(&["validate", path_str(&list)]);
    assert_eq!(as_gb.status.code(), Some(1));
    let as_us = sealpost(&[
        "validate",
        "--default-country",
        "US",
        "--delimiter",
        ";",
        path_str(&list),
    ]);
    assert_eq!(
        as_us.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&as_us.stdout)
    );
    let bad_country = sealpost(&["validate", "--default-country", "Atlantis", path_str(&list)]);
    assert_eq!(bad_country.status.code(), Some(2));
}

#[test]
fn preview_prints_requested_rows() {
    let output = sealpost(&[
        "preview",
        "--format",
        "json",
        "--rows",
        "3..6",
        path_str(&fixture("defects.csv")),
    ]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let preview = json(&output);
    let rows = preview["rows"].as_array().unwrap();
    let numbers: Vec<u64> = rows
        .iter()
        .map(|row| row["row"].as_u64().unwrap())
        .collect();
    assert_eq!(numbers, vec![3, 4, 5]);
    assert_eq!(rows[0]["cells"][0], "Grace");
    assert_eq!(rows[0]["cells"][7], "7102");
    assert_eq!(preview["columns"][7]["field"], "postcode");

    let text = sealpost(&[
        "preview",
        "--rows",
        "2..4",
        path_str(&fixture("sample-500.xlsx")),
    ]);
    assert_eq!(text.status.code(), Some(0));
    let stdout = String::from_utf8(text.stdout).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{stdout}");
    assert!(lines[0].starts_with("row"), "{stdout}");
    assert!(lines[0].contains("firstname (first_name)"), "{stdout}");
    let column = lines[0].find("firstname").unwrap();
    assert!(lines[1].starts_with('2'), "{stdout}");
    // Each value starts under its heading.
    assert_eq!(lines[1].as_bytes()[column - 1], b' ', "{stdout}");
    assert_ne!(lines[1].as_bytes()[column], b' ', "{stdout}");
}

#[test]
fn preview_rejects_bad_range() {
    let output = sealpost(&[
        "preview",
        "--rows",
        "9..3",
        path_str(&fixture("defects.csv")),
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty());
}

#[test]
fn json_issue_list_is_capped() {
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("no-towns.csv");
    let mut text = String::from("Name,Street,Town,Postcode\n");
    for index in 0..10_050 {
        text.push_str(&format!("Person {index},{index} High St,,LS1 1AA\n"));
    }
    std::fs::write(&path, text).unwrap();

    let output = sealpost(&["validate", "--format", "json", path_str(&path)]);
    assert_eq!(output.status.code(), Some(1));
    let report = json(&output);
    assert_eq!(report["rows"]["total"], 10_050);
    assert_eq!(report["issues"].as_array().unwrap().len(), 10_000);
    assert_eq!(report["issues_omitted"], 50);
    assert_eq!(report["summary"]["missing_required"], 10_050);
}

#[test]
fn sheet_by_name_or_position() {
    let workbook = fixture("sample-500.xlsx");
    for sheet in ["Recipients", "0"] {
        let output = sealpost(&[
            "preview",
            "--format",
            "json",
            "--rows",
            "2..3",
            "--sheet",
            sheet,
            path_str(&workbook),
        ]);
        assert_eq!(output.status.code(), Some(0), "{sheet}");
        assert_eq!(json(&output)["rows"][0]["row"], 2, "{sheet}");
    }
    for sheet in ["Nope", "1"] {
        let output = sealpost(&["validate", "--sheet", sheet, path_str(&workbook)]);
        assert_eq!(output.status.code(), Some(2), "{sheet}");
        assert!(output.stdout.is_empty(), "{sheet}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains("Recipients"), "{stderr}");
    }
}

#[test]
fn parser_panic_prints_one_line() {
    // calamine panics on these files; the reader catches the panic, and the user must see
    // only its plain error, even with backtraces switched on.
    let read_fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../lists/tests/fixtures/read");
    for name in ["xlsb-bad-string-index.xlsb", "xls-bad-formula.xls"] {
        let path = read_fixtures.join(name);
        for command in ["validate", "preview"] {
            let output = Command::new(env!("CARGO_BIN_EXE_sealpost"))
                .args([command, path_str(&path)])
                .env("RUST_BACKTRACE", "1")
                .output()
                .expect("the sealpost binary runs");
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert_eq!(output.status.code(), Some(2), "{name} {command}: {stderr}");
            assert!(
                output.stdout.is_empty(),
                "{name} {command}: stdout not empty"
            );
            assert_eq!(stderr.lines().count(), 1, "{name} {command}: {stderr}");
            assert!(stderr.starts_with("error: cannot read"), "{stderr}");
            assert!(!stderr.contains("panicked"), "{stderr}");
        }
    }
}

#[test]
fn heading_line_breaks_are_escaped() {
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("list.csv");
    std::fs::write(
        &path,
        "Name,Street,Town,\"Post\nCode\"\nAda Lovelace,1 Main St,London,SW1A 1AA\n",
    )
    .unwrap();

    for command in ["validate", "preview"] {
        let output = sealpost(&[command, path_str(&path)]);
        let stdout = String::from_utf8(output.stdout).unwrap();
        assert!(stdout.contains("Post\\nCode"), "{command}: {stdout}");
        assert!(
            !stdout.lines().any(|line| line.starts_with("Code")),
            "{command}: {stdout}"
        );
    }
}

#[test]
fn list_without_rows_is_noted() {
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("list.csv");
    std::fs::write(&path, "Name,Street,Town,Post Code\n").unwrap();

    let output = sealpost(&["validate", path_str(&path)]);
    assert_eq!(output.status.code(), Some(0));
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(stdout.contains("0 data rows"), "{stdout}");
    assert!(
        stdout.contains("note: the list has no data rows below the headings"),
        "{stdout}"
    );
}

#[test]
fn closed_pipe_is_not_an_error() {
    // Far more output than a pipe buffers, so writing fails once the reader has gone, as
    // with `sealpost preview FILE | head -1`. Every postcode is invalid, so validate
    // lists 5,000 issues and exits 1.
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("list.csv");
    let mut list = String::from("Name,Street,Town,Post Code\n");
    for number in 0..5_000 {
        list.push_str(&format!(
            "Person {number},{number} High Street,London,SW1A 1A\n"
        ));
    }
    std::fs::write(&path, list).unwrap();
    let file = path_str(&path);

    let cases: [(&[&str], i32); 2] = [
        (
            &["preview", "--rows", "2..5002", "--format", "json", file],
            0,
        ),
        (&["validate", "--format", "json", file], 1),
    ];
    for (args, status) in cases {
        let mut child = Command::new(env!("CARGO_BIN_EXE_sealpost"))
            .args(args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("the sealpost binary runs");
        drop(child.stdout.take());
        let output = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.is_empty(), "{args:?}: {stderr}");
        assert_eq!(output.status.code(), Some(status), "{args:?}");
    }
}

#[test]
fn missing_name_column_is_explained() {
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("list.csv");
    std::fs::write(&path, "First Name,Street,Town\nAda,1 Main St,London\n").unwrap();

    let output = sealpost(&["validate", path_str(&path)]);
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(
        stdout
            .contains("no column maps to a name (full_name, first_name and last_name, or company)"),
        "{stdout}"
    );
    assert!(stdout.contains("no column maps to postcode"), "{stdout}");
    assert!(stdout.contains("--mapping FILE"), "{stdout}");
    assert!(
        stdout.contains("rows: 1 data row, 0 valid, 1 invalid"),
        "{stdout}"
    );
}

#[test]
fn validate_help_and_limits() {
    let help = sealpost(&["validate", "--help"]);
    assert_eq!(help.status.code(), Some(0));
    let stdout = String::from_utf8(help.stdout).unwrap();
    assert!(
        stdout.contains("Exit status: 0 when no row has an error"),
        "{stdout}"
    );

    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("list.csv");
    std::fs::write(&path, CLEAN_LIST).unwrap();
    let zero = sealpost(&["validate", "--max-field-length", "0", path_str(&path)]);
    assert_eq!(zero.status.code(), Some(2));
    assert!(zero.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&zero.stderr);
    assert!(stderr.contains("--max-field-length"), "{stderr}");
}

#[test]
fn ignored_options_are_noted() {
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("clean.csv");
    std::fs::write(&path, CLEAN_LIST).unwrap();
    let workbook = fixture("sample-500.xlsx");

    let cases: [(&str, &str, &Path, &str); 4] = [
        ("validate", "--sheet", &path, "--sheet was ignored"),
        ("preview", "--sheet", &path, "--sheet was ignored"),
        (
            "validate",
            "--encoding",
            &workbook,
            "--encoding was ignored",
        ),
        (
            "preview",
            "--delimiter",
            &workbook,
            "--delimiter was ignored",
        ),
    ];
    for (command, option, file, note) in cases {
        let value = match option {
            "--sheet" => "Recipients",
            "--encoding" => "windows-1252",
            _ => ";",
        };
        let output = sealpost(&[command, option, value, path_str(file)]);
        let stdout = String::from_utf8(output.stdout).unwrap();
        assert!(stdout.contains(note), "{command} {option}: {stdout}");
    }

    let plain = sealpost(&["validate", path_str(&path)]);
    let stdout = String::from_utf8(plain.stdout).unwrap();
    assert!(!stdout.contains("was ignored"), "{stdout}");
}

#[test]
fn unmapped_headings_suggest_header_row() {
    // No row holds a known heading, so the detector keeps the first heading-like row.
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("list.csv");
    std::fs::write(
        &path,
        "Report:,Spring campaign,Generated:,2026-03-01\n\
         ,,,\n\
         Kunde,Strasse,Ort,PLZ\n\
         Ada Lovelace,1 Main St,London,SW1A 1AA\n",
    )
    .unwrap();

    let output = sealpost(&["validate", path_str(&path)]);
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(
        stdout.contains("no heading on row 1 matches a known field"),
        "{stdout}"
    );
    assert!(stdout.contains("--header-row N"), "{stdout}");

    let fixed = sealpost(&["validate", "--header-row", "3", path_str(&path)]);
    let stdout = String::from_utf8(fixed.stdout).unwrap();
    assert!(stdout.contains("headings on row 3"), "{stdout}");
}

#[test]
fn mapping_ambiguity_exits_two() {
    let directory = tempfile::tempdir().unwrap();
    let list = directory.path().join("list.csv");
    std::fs::write(
        &list,
        "Name,Address,Address,City,Postcode\nAda,1 Main St,Flat 2,London,SW1A 1AA\n",
    )
    .unwrap();
    let mapping = directory.path().join("mapping.json");
    std::fs::write(&mapping, r#"{"Address": "address2"}"#).unwrap();

    let output = sealpost(&["validate", "--mapping", path_str(&mapping), path_str(&list)]);
    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("the list has 2 columns headed \"Address\""),
        "{stderr}"
    );
}

#[test]
fn preview_empty_range_says_where_data_is() {
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("list.csv");
    std::fs::write(
        &path,
        "Spring campaign\n\nName,Street,Town,Post Code\nAda Lovelace,1 Main St,London,SW1A 1AA\n",
    )
    .unwrap();

    for rows in ["1..4", "9..12"] {
        let output = sealpost(&["preview", "--rows", rows, path_str(&path)]);
        assert_eq!(output.status.code(), Some(0));
        let stdout = String::from_utf8(output.stdout).unwrap();
        assert!(
            stdout.contains(&format!(
                "(no data rows in rows {rows}: data rows start at row 4"
            )),
            "{rows}: {stdout}"
        );
    }

    let output = sealpost(&["preview", "--rows", "1..5", path_str(&path)]);
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(stdout.contains("Ada Lovelace"), "{stdout}");
    assert!(!stdout.contains("no data rows"), "{stdout}");
}

#[test]
fn unclosed_quote_names_row() {
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("list.csv");
    std::fs::write(&path, "Name,Address\nAda,\"1 Main\nBo,2 Main\n").unwrap();
    let output = sealpost(&["validate", path_str(&path)]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("row 2"), "{stderr}");
    assert!(stderr.contains("closing quote"), "{stderr}");
}

#[test]
fn read_error_messages() {
    let directory = tempfile::tempdir().unwrap();
    let blank = directory.path().join("blank.csv");
    std::fs::write(&blank, "\n\n\n").unwrap();
    let truncated = directory.path().join("truncated.xlsx");
    let workbook = std::fs::read(fixture("sample-500.xlsx")).unwrap();
    std::fs::write(&truncated, &workbook[..20_000]).unwrap();
    let missing = directory.path().join("missing.csv");

    // (file, expected message after "error: ")
    let cases = [
        (
            &blank,
            format!(
                "cannot read {}: the file has no rows with data",
                blank.display()
            ),
        ),
        (
            &truncated,
            format!(
                "cannot read {}: the XLSX workbook is damaged or incomplete; export it again",
                truncated.display()
            ),
        ),
        (&missing, format!("not found: {}\n", missing.display())),
    ];
    for (path, expected) in cases {
        let output = sealpost(&["validate", path_str(path)]);
        assert_eq!(output.status.code(), Some(2), "{path:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.starts_with(&format!("error: {expected}")),
            "{path:?}: {stderr}"
        );
    }
}

#[test]
fn title_row_is_not_headings() {
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("list.csv");
    let text = "Report:,Spring,Generated:,2026-03-01\n,,,\n\
        Name,Street,Town,Post Code\nAda,1 Main,London,SW1A 1AA\n";
    std::fs::write(&path, text).unwrap();
    let output = sealpost(&["validate", "--format", "json", path_str(&path)]);
    assert_eq!(output.status.code(), Some(0));
    let report = json(&output);
    assert_eq!(report["header_row"], 3, "{report}");
}

#[test]
fn formulas_without_value_are_noted() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../lists/tests/fixtures/read/formulas-no-value.xlsx");
    let output = sealpost(&["validate", path_str(&path)]);
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(
        stdout.contains("2 formula cell(s) have no saved value and read as empty (E2, E4)"),
        "{stdout}"
    );

    let output = sealpost(&["validate", "--format", "json", path_str(&path)]);
    let report = json(&output);
    assert_eq!(report["uncalculated_formulas"]["count"], 2, "{report}");
    assert_eq!(
        report["uncalculated_formulas"]["cells"][1], "E4",
        "{report}"
    );
}

/// Runs `sealpost` with `input` on standard input.
fn sealpost_with_stdin(args: &[&str], input: &[u8]) -> Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_sealpost"))
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("the sealpost binary runs");
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(input).unwrap();
    drop(stdin);
    child.wait_with_output().unwrap()
}

#[test]
fn dash_reads_standard_input() {
    let output = sealpost_with_stdin(
        &["validate", "--format", "json", "-"],
        CLEAN_LIST.as_bytes(),
    );
    assert_eq!(output.status.code(), Some(0));
    let report = json(&output);
    assert_eq!(report["rows"]["total"], 3, "{report}");

    let workbook = std::fs::read(fixture("sample-500.xlsx")).unwrap();
    let output = sealpost_with_stdin(&["preview", "--rows", "2..4", "-"], &workbook);
    assert_eq!(output.status.code(), Some(0));
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(!stdout.is_empty());

    let output = sealpost_with_stdin(&["validate", "-"], b"\n\n");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.starts_with("error: cannot read standard input: the file has no rows"),
        "{stderr}"
    );
}
