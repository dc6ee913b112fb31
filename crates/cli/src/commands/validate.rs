//! `sealpost validate`: check every row of a list and report the issues.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::process::ExitCode;

use anyhow::{Context, Result};
use sealpost_lists::{
    Column, ColumnMapping, DEFAULT_ISSUE_LIMIT, Field, Issue, IssueCode, ListInfo, ListReader,
    Record, RowCounts, UncalculatedFormulas, ValidateOptions, ValidationReport, Validator,
};

use super::list::ListArgs;
use super::output;
use super::preview::display_cell;
use super::progress::ListProgress;

/// Issues listed per code in text output.
const TEXT_ISSUES_PER_CODE: usize = 5;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    #[command(flatten)]
    list: ListArgs,

    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    format: OutputFormat,

    /// Characters of a printed field (name, company, address line, city, state) that
    /// fit on one line; longer fields are errors.
    #[arg(
        long,
        value_name = "CHARACTERS",
        default_value_t = 50,
        value_parser = parse_field_length
    )]
    max_field_length: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum OutputFormat {
    /// A readable summary with the first few issues of each code.
    Text,
    /// One JSON object, described in docs/validation.md.
    Json,
}

fn parse_field_length(text: &str) -> Result<usize, String> {
    match text.parse::<usize>() {
        Ok(length) if length > 0 => Ok(length),
        _ => Err(format!(
            "expected a whole number of characters of at least 1, such as 50; got {text:?}"
        )),
    }
}

pub(crate) fn run(args: Args) -> ExitCode {
    match validate(&args) {
        Ok((output, has_errors)) => {
            let status = if has_errors {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            };
            output::print(&output, status)
        }
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::from(2)
        }
    }
}

/// Validates the list and renders the output; nothing is printed until the whole file
/// has been read, so a read error leaves standard output empty.
fn validate(args: &Args) -> Result<(String, bool)> {
    let (mut reader, mapping) = args.list.open()?;
    let options = ValidateOptions::default()
        .with_default_country(args.list.default_country)
        .with_max_field_length(args.max_field_length);
    let mut validator = Validator::new(mapping, options);
    let issue_limit = match args.format {
        OutputFormat::Json => DEFAULT_ISSUE_LIMIT,
        OutputFormat::Text => 0,
    };
    let mut report = ValidationReport::new(issue_limit);
    let mut examples: BTreeMap<IssueCode, Vec<Issue>> = BTreeMap::new();

    let mut record = Record::new();
    let mut issues = Vec::new();
    let mut progress = ListProgress::new();
    loop {
        let more = reader
            .read_record(&mut record)
            .with_context(|| format!("cannot read {}", args.list.name()))?;
        if !more {
            break;
        }
        let status = validator.validate(&record, &mut issues);
        if args.format == OutputFormat::Text {
            keep_examples(&mut examples, &issues);
        }
        report.add_row(status, &mut issues);
        progress.tick(&reader);
    }
    progress.finish();

    let output = match args.format {
        OutputFormat::Json => render_json(reader.info(), validator.mapping(), &report)?,
        OutputFormat::Text => {
            render_text(&args.list, &reader, validator.mapping(), &report, &examples)
        }
    };
    Ok((output, report.has_errors()))
}

fn keep_examples(examples: &mut BTreeMap<IssueCode, Vec<Issue>>, issues: &[Issue]) {
    for issue in issues {
        let kept = examples.entry(issue.code).or_default();
        if kept.len() < TEXT_ISSUES_PER_CODE {
            kept.push(issue.clone());
        }
    }
}

/// The JSON document documented in docs/validation.md.
#[derive(Debug, serde::Serialize)]
struct JsonReport<'a> {
    format: sealpost_lists::Format,
    encoding: Option<&'a str>,
    delimiter: Option<String>,
    sheet: Option<&'a str>,
    header_row: Option<u64>,
    uncalculated_formulas: &'a UncalculatedFormulas,
    columns: &'a [Column],
    rows: RowCounts,
    issues: &'a [Issue],
    issue_limit: usize,
    issues_omitted: u64,
    summary: &'a BTreeMap<IssueCode, u64>,
}

fn render_json(
    info: &ListInfo,
    mapping: &ColumnMapping,
    report: &ValidationReport,
) -> Result<String> {
    let document = JsonReport {
        format: info.format,
        encoding: info.encoding.as_deref(),
        delimiter: info.delimiter.map(String::from),
        sheet: info.sheet.as_deref(),
        header_row: info.header_row,
        uncalculated_formulas: &info.uncalculated_formulas,
        columns: mapping.columns(),
        rows: report.rows,
        issues: &report.issues,
        issue_limit: report.issue_limit,
        issues_omitted: report.issues_omitted,
        summary: &report.summary,
    };
    let mut text =
        serde_json::to_string_pretty(&document).context("cannot encode the report as JSON")?;
    text.push('\n');
    Ok(text)
}

fn render_text(
    list: &ListArgs,
    reader: &ListReader,
    mapping: &ColumnMapping,
    report: &ValidationReport,
    examples: &BTreeMap<IssueCode, Vec<Issue>>,
) -> String {
    let info = reader.info();
    let mut out = String::new();
    let _ = writeln!(out, "{}", list.name());
    let _ = writeln!(out, "  {}", describe_source(info));

    let mapped: Vec<String> = mapping
        .columns()
        .iter()
        .map(|column| match column.field {
            Some(field) => format!("{} -> {field}", display_cell(&column.header)),
            None => format!("{} (custom)", display_cell(&column.header)),
        })
        .collect();
    let _ = writeln!(out, "  columns: {}", mapped.join(", "));
    write_notes(&mut out, list, info, mapping);

    let rows = report.rows;
    let _ = writeln!(
        out,
        "\nrows: {} data {}, {} valid, {} invalid",
        rows.total,
        if rows.total == 1 { "row" } else { "rows" },
        rows.valid,
        rows.invalid
    );

    let counted: Vec<(IssueCode, u64)> = report
        .summary
        .iter()
        .filter(|(_, count)| **count > 0)
        .map(|(code, count)| (*code, *count))
        .collect();
    if rows.total == 0 {
        let _ = writeln!(
            out,
            "note: the list has no data rows below the headings; check that this is the right \
             file, sheet (--sheet) and heading row (--header-row)"
        );
    }
    if counted.is_empty() {
        let _ = writeln!(out, "no issues found");
        return out;
    }
    for (code, count) in counted {
        let _ = writeln!(out, "\n{code}: {count}");
        for issue in examples.get(&code).into_iter().flatten() {
            // Messages already name the column concerned. The severity is per issue
            // because a valid postcode in non-canonical form is only a warning.
            let _ = write!(
                out,
                "  row {} ({}): {}",
                issue.row, issue.severity, issue.message
            );
            if let Some(suggestion) = &issue.suggestion {
                let _ = write!(out, " [suggestion: {suggestion:?}]");
            }
            out.push('\n');
        }
        let shown = examples.get(&code).map_or(0, Vec::len) as u64;
        if count > shown {
            let _ = writeln!(
                out,
                "  ... and {} more (use --format json to list up to {DEFAULT_ISSUE_LIMIT})",
                count - shown
            );
        }
    }
    out
}

/// Writes a note for each ignored option and for each problem with the heading row or
/// the mapping that would make every row fail.
fn write_notes(out: &mut String, list: &ListArgs, info: &ListInfo, mapping: &ColumnMapping) {
    for note in list.ignored_options(info.format) {
        let _ = writeln!(out, "  note: {note}");
    }
    let uncalculated = &info.uncalculated_formulas;
    if uncalculated.count > 0 {
        let _ = writeln!(
            out,
            "  note: {} formula cell(s) have no saved value and read as empty ({}{}); open \
             the file in Excel or LibreOffice, let it recalculate, save it and try again",
            uncalculated.count,
            uncalculated.cells.join(", "),
            if uncalculated.count > uncalculated.cells.len() as u64 {
                ", ..."
            } else {
                ""
            },
        );
    }
    let none_mapped = mapping
        .columns()
        .iter()
        .all(|column| column.field.is_none());
    if none_mapped && let Some(row) = info.header_row {
        // Usually the heading row was guessed wrong, for example a title block of
        // label-value pairs above the real headings.
        let _ = writeln!(
            out,
            "  note: no heading on row {row} matches a known field; if the headings are on \
             another row, pass --header-row N"
        );
    }
    for field in mapping.missing_required() {
        // `missing_required` names a missing recipient name as `full_name`, but a first
        // and last name or a company would do as well.
        let missing = match field {
            Field::FullName => {
                "a name (full_name, first_name and last_name, or company)".to_owned()
            }
            other => other.to_string(),
        };
        let _ = writeln!(
            out,
            "  note: no column maps to {missing}, so every row will miss it; rename the \
             heading or map it with --mapping FILE"
        );
    }
}

fn describe_source(info: &ListInfo) -> String {
    let mut parts = vec![info.format.to_string()];
    if let Some(encoding) = &info.encoding {
        parts.push(encoding.clone());
    }
    if let Some(delimiter) = info.delimiter {
        let name = match delimiter {
            '\t' => "tab".to_owned(),
            other => format!("'{other}'"),
        };
        parts.push(format!("delimiter {name}"));
    }
    if let Some(sheet) = &info.sheet {
        parts.push(format!("sheet {sheet:?}"));
    }
    if let Some(row) = info.header_row {
        parts.push(format!("headings on row {row}"));
    }
    parts.join(", ")
}
