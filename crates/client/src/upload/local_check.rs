//! Validating the list on this machine before anything is sealed or sent.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use sealpost_lists::{
    ColumnMapping, ExplicitMapping, IssueCode, ListReader, OpenOptions, Progress, Record,
    RowCounts, Severity, SheetChoice, ValidateOptions, ValidationReport, Validator,
};
use serde::Serialize;

use super::error::UploadError;

/// Issues kept in the local summary; the rest are only counted.
const KEPT_ISSUES: usize = 20;

/// Rows between two progress reports.
const ROWS_PER_REPORT: u64 = 8192;

/// How to read the list, as for `sealpost validate`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListOptions {
    /// The sheet of a workbook: its name, or its position counting from 0.
    pub sheet: Option<String>,
    /// A JSON file mapping headings to fields; headings it leaves out are mapped
    /// automatically.
    pub mapping: Option<PathBuf>,
    /// Validation options, such as the default country.
    pub validate: ValidateOptions,
}

/// What the local validation found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LocalValidation {
    /// Row totals.
    pub rows: RowCounts,
    /// Issues per code, with every code present.
    pub summary: BTreeMap<IssueCode, u64>,
    /// Error-severity issues per code that the allow-list did not tolerate.
    pub blocking: BTreeMap<IssueCode, u64>,
    /// The first issues found, for showing a person.
    pub first_issues: Vec<sealpost_lists::Issue>,
    /// The column mapping used: heading to canonical field name, for mapped columns.
    #[serde(skip)]
    pub column_mapping: BTreeMap<String, String>,
}

impl LocalValidation {
    /// Returns true when no error outside the allow-list was found.
    pub fn passes(&self) -> bool {
        self.blocking.is_empty()
    }
}

/// Parses an issue code as written in JSON and text output, such as `duplicate`.
pub fn parse_issue_code(text: &str) -> Option<IssueCode> {
    IssueCode::all().find(|code| code.as_str() == text.trim())
}

/// Reads and validates every row of the list at `path`.
///
/// Error-severity issues whose code is in `allowed` are counted but do not block; a
/// warning never blocks. `on_progress` gets the rows read and the reader's progress
/// every few thousand rows, and stops the validation with
/// [`UploadError::Cancelled`] by returning false.
pub(crate) fn validate_file(
    path: &Path,
    options: &ListOptions,
    allowed: &[IssueCode],
    mut on_progress: impl FnMut(u64, Progress) -> bool,
) -> Result<LocalValidation, UploadError> {
    let open_options = OpenOptions {
        sheet: options.sheet.as_ref().map(|sheet| match sheet.parse() {
            Ok(position) => SheetChoice::Index(position),
            Err(_) => SheetChoice::Name(sheet.clone()),
        }),
        ..OpenOptions::default()
    };
    let mut reader =
        ListReader::open(path, &open_options).map_err(|source| UploadError::ListUnreadable {
            path: path.to_owned(),
            message: source.to_string(),
        })?;
    if reader.info().header_row.is_none() {
        return Err(UploadError::ListUnreadable {
            path: path.to_owned(),
            message: "no heading row was found; the list has no rows with content".to_owned(),
        });
    }
    let headers = reader.info().headers.clone();
    let mapping = match &options.mapping {
        Some(file) => ExplicitMapping::load(file)
            .and_then(|explicit| explicit.apply(&headers))
            .map_err(|source| UploadError::MappingInvalid {
                path: file.clone(),
                message: source.to_string(),
            })?,
        None => ColumnMapping::automatic(&headers),
    };
    let column_mapping = mapping
        .columns()
        .iter()
        .filter_map(|column| {
            let field = column.field?;
            Some((column.header.clone(), field.as_str().to_owned()))
        })
        .collect::<BTreeMap<_, _>>();
    if column_mapping.is_empty() {
        // Every row would fail as missing_required, and allowing that code would send a
        // file that is no mailing list at all.
        return Err(UploadError::ListUnreadable {
            path: path.to_owned(),
            message: "none of its headings is a mailing-list field such as name, address, \
                      city, postcode or country; check that this is the mailing list, or map \
                      its columns with --mapping"
                .to_owned(),
        });
    }

    let mut validator = Validator::new(mapping, options.validate.clone());
    let mut report = ValidationReport::new(KEPT_ISSUES);
    let mut blocking: BTreeMap<IssueCode, u64> = BTreeMap::new();
    let mut record = Record::new();
    let mut issues = Vec::new();
    let mut rows_read = 0u64;
    loop {
        let more =
            reader
                .read_record(&mut record)
                .map_err(|source| UploadError::ListUnreadable {
                    path: path.to_owned(),
                    message: source.to_string(),
                })?;
        if !more {
            break;
        }
        let status = validator.validate(&record, &mut issues);
        for issue in &issues {
            if issue.severity == Severity::Error && !allowed.contains(&issue.code) {
                *blocking.entry(issue.code).or_default() += 1;
            }
        }
        report.add_row(status, &mut issues);
        rows_read += 1;
        if rows_read.is_multiple_of(ROWS_PER_REPORT) && !on_progress(rows_read, reader.progress()) {
            return Err(UploadError::Cancelled {
                upload_id: None,
                acknowledged: 0,
                total: 0,
            });
        }
    }
    on_progress(rows_read, reader.progress());
    if rows_read == 0 {
        // The service would reject it after the whole upload; saying so here saves the trip.
        return Err(UploadError::ListUnreadable {
            path: path.to_owned(),
            message: "it has a heading row but no recipient rows below it; add the recipients and try again".to_owned(),
        });
    }
    Ok(LocalValidation {
        rows: report.rows,
        summary: report.summary,
        blocking,
        first_issues: report.issues,
        column_mapping,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const CLEAN: &str = "Name,Address 1,City,Postcode,Country\n\
        Ada Lovelace,1 Main Street,London,SW1A 1AA,GB\n";
    const NO_CITY: &str = "Name,Address 1,City,Postcode,Country\n\
        Ada Lovelace,1 Main Street,London,SW1A 1AA,GB\n\
        Alan Turing,2 Main Street,,SW1A 1AA,GB\n";

    fn write(text: &str) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("list.csv");
        std::fs::write(&path, text).unwrap();
        (dir, path)
    }

    #[test]
    fn clean_list_passes() {
        let (_dir, path) = write(CLEAN);
        let result = validate_file(&path, &ListOptions::default(), &[], |_, _| true).unwrap();
        assert!(result.passes(), "{:?}", result.blocking);
        assert_eq!(result.rows.total, 1);
        assert_eq!(
            result.column_mapping.get("Postcode").map(String::as_str),
            Some("postcode")
        );
    }

    #[test]
    fn errors_block_unless_allowed() {
        let (_dir, path) = write(NO_CITY);
        let blocked = validate_file(&path, &ListOptions::default(), &[], |_, _| true).unwrap();
        assert!(!blocked.passes());
        assert_eq!(blocked.blocking.get(&IssueCode::MissingRequired), Some(&1));

        let allowed = validate_file(
            &path,
            &ListOptions::default(),
            &[IssueCode::MissingRequired],
            |_, _| true,
        )
        .unwrap();
        assert!(allowed.passes());
        assert_eq!(allowed.summary.get(&IssueCode::MissingRequired), Some(&1));
    }

    #[test]
    fn unreadable_list_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("missing.csv");
        let error = validate_file(&missing, &ListOptions::default(), &[], |_, _| true).unwrap_err();
        assert_eq!(error.code(), "upload.list_unreadable");
    }

    #[test]
    fn headings_without_rows_are_refused() {
        let (_dir, path) = write("Name,Address 1,City,Postcode,Country\n");
        let error = validate_file(&path, &ListOptions::default(), &[], |_, _| true)
            .err()
            .map(|error| error.to_string())
            .unwrap_or_default();
        assert!(error.contains("no recipient rows"), "{error}");
    }

    #[test]
    fn file_without_list_headings_is_refused() {
        let (_dir, path) = write("Meeting notes,Owner\nBook the venue,Sam\nOrder paper,Kim\n");
        let error = validate_file(&path, &ListOptions::default(), &[], |_, _| true)
            .err()
            .map(|error| error.to_string())
            .unwrap_or_default();
        assert!(error.contains("mailing-list field"), "{error}");
    }

    #[test]
    fn issue_codes_parse() {
        assert_eq!(parse_issue_code("duplicate"), Some(IssueCode::Duplicate));
        assert_eq!(
            parse_issue_code(" invalid_postcode"),
            Some(IssueCode::InvalidPostcode)
        );
        assert_eq!(parse_issue_code("Duplicate"), None);
        assert_eq!(parse_issue_code("no_such_code"), None);
    }
}
