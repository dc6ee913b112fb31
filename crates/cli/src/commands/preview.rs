//! `sealpost preview`: print a range of decoded, mapped rows.

use std::fmt::Write as _;
use std::ops::Range;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use sealpost_lists::{Column, ColumnMapping, Record};

use super::list::ListArgs;
use super::output;

/// Rows shown when `--rows` is not given.
const DEFAULT_ROWS: u64 = 20;

/// Most rows one preview may print, so a typo cannot load a whole large file.
const MAX_ROWS: u64 = 100_000;

/// Widest a text-table column gets, in characters.
const MAX_COLUMN_WIDTH: usize = 30;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    #[command(flatten)]
    list: ListArgs,

    /// Rows to print as Excel numbers them, START up to but not including END (for
    /// example 2..22); default: the first 20 rows after the headings.
    #[arg(long, value_name = "START..END", value_parser = parse_range)]
    rows: Option<Range<u64>>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    format: OutputFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum OutputFormat {
    /// An aligned table.
    Text,
    /// `{columns, rows: [{row, cells}]}`.
    Json,
}

fn parse_range(text: &str) -> Result<Range<u64>, String> {
    let invalid =
        || format!("expected START..END with 1 <= START < END, such as 2..22; got {text:?}");
    let (start, end) = text.split_once("..").ok_or_else(invalid)?;
    let start: u64 = start.trim().parse().map_err(|_| invalid())?;
    let end: u64 = end.trim().parse().map_err(|_| invalid())?;
    if start == 0 || end <= start {
        return Err(invalid());
    }
    Ok(start..end)
}

pub(crate) fn run(args: Args) -> ExitCode {
    match preview(&args) {
        Ok(output) => output::print(&output, ExitCode::SUCCESS),
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::from(2)
        }
    }
}

fn preview(args: &Args) -> Result<String> {
    let (mut reader, mapping) = args.list.open()?;
    let header_row = reader.info().header_row.unwrap_or(0);
    let range = args
        .rows
        .clone()
        .unwrap_or(header_row + 1..header_row + 1 + DEFAULT_ROWS);
    if range.end - range.start > MAX_ROWS {
        bail!(
            "--rows asks for {} rows; preview at most {MAX_ROWS} at a time",
            range.end - range.start
        );
    }
    let records = reader
        .rows(range.clone())
        .with_context(|| format!("cannot read {}", args.list.name()))?;
    match args.format {
        OutputFormat::Json => render_json(&mapping, &records),
        OutputFormat::Text => {
            let mut out = render_text(&mapping, &records);
            if records.is_empty() {
                let _ = writeln!(
                    out,
                    "(no data rows in rows {}..{}: data rows start at row {} and end where \
                     the list ends)",
                    range.start,
                    range.end,
                    header_row + 1
                );
            }
            for note in args.list.ignored_options(reader.info().format) {
                let _ = writeln!(out, "note: {note}");
            }
            Ok(out)
        }
    }
}

#[derive(Debug, serde::Serialize)]
struct JsonPreview<'a> {
    columns: &'a [Column],
    rows: Vec<JsonRow<'a>>,
}

#[derive(Debug, serde::Serialize)]
struct JsonRow<'a> {
    row: u64,
    cells: Vec<&'a str>,
}

fn render_json(mapping: &ColumnMapping, records: &[Record]) -> Result<String> {
    let rows = records
        .iter()
        .map(|record| JsonRow {
            row: record.row(),
            cells: record.iter().collect(),
        })
        .collect();
    let document = JsonPreview {
        columns: mapping.columns(),
        rows,
    };
    let mut text =
        serde_json::to_string_pretty(&document).context("cannot encode the rows as JSON")?;
    text.push('\n');
    Ok(text)
}

/// Renders an aligned table: a heading line with each column's field, then one line per
/// row. Cells are cut to [`MAX_COLUMN_WIDTH`] characters and control characters are
/// shown as escapes so that they cannot break the layout.
fn render_text(mapping: &ColumnMapping, records: &[Record]) -> String {
    let mut table: Vec<Vec<String>> = Vec::with_capacity(records.len() + 1);
    let mut heading = vec!["row".to_owned()];
    heading.extend(mapping.columns().iter().map(|column| match column.field {
        Some(field) => format!("{} ({field})", display_cell(&column.header)),
        None => display_cell(&column.header),
    }));
    table.push(heading);
    for record in records {
        let mut line = vec![record.row().to_string()];
        line.extend(record.iter().map(display_cell));
        table.push(line);
    }

    let columns = table.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..columns)
        .map(|index| {
            table
                .iter()
                .filter_map(|line| line.get(index))
                .map(|cell| cell.chars().count().min(MAX_COLUMN_WIDTH))
                .max()
                .unwrap_or(0)
        })
        .collect();

    let mut out = String::new();
    for line in &table {
        for (index, cell) in line.iter().enumerate() {
            let cell = cut(cell, MAX_COLUMN_WIDTH);
            let _ = write!(out, "{cell:<width$}  ", width = widths[index]);
        }
        let trimmed = out.trim_end().len();
        out.truncate(trimmed);
        out.push('\n');
    }
    out
}

/// Returns the cell as it can be shown on one line: with any control character, such as a
/// line break inside a quoted field, written as an escape.
pub(crate) fn display_cell(cell: &str) -> String {
    if cell.chars().any(char::is_control) {
        cell.escape_debug().to_string()
    } else {
        cell.to_owned()
    }
}

fn cut(cell: &str, limit: usize) -> String {
    match cell.char_indices().nth(limit) {
        Some(_) => {
            let kept: String = cell.chars().take(limit.saturating_sub(1)).collect();
            format!("{kept}…")
        }
        None => cell.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn range_values() {
        assert_eq!(parse_range("2..22"), Ok(2..22));
        assert_eq!(parse_range(" 5 .. 6 "), Ok(5..6));
        for bad in ["0..5", "5..5", "6..5", "2-22", "..9", "a..b", ""] {
            assert!(parse_range(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn cut_marks_long_cells() {
        assert_eq!(cut("abcdef", 4), "abc…");
        assert_eq!(cut("abcd", 4), "abcd");
        assert_eq!(display_cell("a\nb"), "a\\nb");
    }
}
