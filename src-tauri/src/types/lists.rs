//! Opened lists, their pages, validation issues and column mapping.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Container format of a list, detected from content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum ListFormat {
    /// Delimited text (CSV, TSV and similar).
    Csv,
    /// Office Open XML workbook (XLSX, XLSM).
    Xlsx,
    /// Legacy Excel workbook.
    Xls,
    /// Excel binary workbook.
    Xlsb,
    /// OpenDocument spreadsheet.
    Ods,
}

/// The `open_list` request. Every field but `path` overrides detection.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct OpenListRequest {
    /// Absolute path of the file.
    pub path: String,
    /// Text encoding label such as `utf-8` or `windows-1252`.
    #[serde(default)]
    #[ts(optional)]
    pub encoding: Option<String>,
    /// Field delimiter, one ASCII character.
    #[serde(default)]
    #[ts(optional)]
    pub delimiter: Option<String>,
    /// Sheet name.
    #[serde(default)]
    #[ts(optional)]
    pub sheet: Option<String>,
    /// 1-based row that contains the headings.
    #[serde(default)]
    #[ts(optional)]
    pub header_row: Option<u32>,
}

/// One column of an opened list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Column {
    /// 0-based position.
    pub index: u32,
    /// The heading as the file spells it.
    pub heading: String,
    /// The canonical field key it maps to, absent for a custom merge field.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub field: Option<String>,
}

/// What `open_list` detected about a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ListSummary {
    /// Handle for the other list commands.
    pub list_id: String,
    /// The file's name without its folder.
    pub file_name: String,
    /// Container format.
    pub format: ListFormat,
    /// Text encoding, for text lists.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub encoding: Option<String>,
    /// Field delimiter, for text lists.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub delimiter: Option<String>,
    /// Sheet names in workbook order; empty for text.
    pub sheets: Vec<String>,
    /// The sheet read, for workbooks.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub sheet: Option<String>,
    /// 1-based row of the headings; 0 when the sheet has no data.
    pub header_row: u32,
    /// False when no heading matched a known field, so the header row may be wrong.
    pub header_confident: bool,
    /// The columns with their detected or templated fields.
    pub columns: Vec<Column>,
    /// The template applied automatically because the headings matched it.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub template: Option<String>,
    /// Required fields no column provides.
    pub missing_required: Vec<String>,
    /// File size in bytes.
    pub file_bytes: u64,
}

/// The `list_page` request.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PageRequest {
    /// The list.
    pub list_id: String,
    /// 0-based data row to start at (among all rows, or among rows with issues when
    /// `onlyErrors` is set).
    pub start: u32,
    /// Rows wanted, at most 500.
    pub count: u32,
    /// Only rows with an error or warning; needs a finished validation.
    pub only_errors: bool,
}

/// Seriousness of an issue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Something looks wrong but the row can be mailed.
    Warning,
    /// The row cannot be mailed as it is.
    Error,
}

impl From<sealpost_lists::Severity> for Severity {
    fn from(severity: sealpost_lists::Severity) -> Self {
        match severity {
            sealpost_lists::Severity::Warning => Severity::Warning,
            sealpost_lists::Severity::Error => Severity::Error,
        }
    }
}

/// An issue marker on a page row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CellMark {
    /// 0-based column, or null for the whole row.
    pub column: Option<u32>,
    /// Seriousness.
    pub severity: Severity,
    /// Issue code.
    pub code: String,
}

/// One row of a page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Row {
    /// Row number as a spreadsheet program shows it.
    pub row_number: u64,
    /// Cell texts; shorter than the header for short rows.
    pub cells: Vec<String>,
    /// Issues found on this row by the last validation.
    pub marks: Vec<CellMark>,
}

/// A page of rows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Page {
    /// Rows in the list (or with issues, for `onlyErrors`), once known.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub total_rows: Option<u64>,
    /// The rows.
    pub rows: Vec<Row>,
}

/// The `validation_issues` request.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct IssuesRequest {
    /// The list.
    pub list_id: String,
    /// Only issues with this code.
    #[serde(default)]
    #[ts(optional)]
    pub code: Option<String>,
    /// Issues to skip.
    pub offset: u32,
    /// Issues wanted, at most 1000.
    pub limit: u32,
}

/// One problem found in one row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Issue {
    /// Row number as a spreadsheet program shows it.
    pub row_number: u64,
    /// 0-based column, when one cell is concerned.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub column: Option<u32>,
    /// The field of that column.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub field: Option<String>,
    /// Issue code such as `invalid_postcode`.
    pub code: String,
    /// Seriousness.
    pub severity: Severity,
    /// Explanation and remedy.
    pub message: String,
    /// A corrected value, when one can be worked out.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub suggestion: Option<String>,
}

/// A page of issues.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct IssuePage {
    /// Issues kept that match the request's code.
    pub total: u32,
    /// Issues found but not kept because the list has more than the app keeps.
    pub omitted: u64,
    /// The issues.
    pub issues: Vec<Issue>,
}

/// A canonical field a column can map to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Field {
    /// Stable key such as `postcode`.
    pub key: String,
    /// Label for people, such as `Postcode`.
    pub label: String,
    /// True when a deliverable address needs it.
    pub required: bool,
}

/// The `set_mapping` request.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SetMappingRequest {
    /// The list.
    pub list_id: String,
    /// One field key per source column, null for a custom merge field.
    pub fields: Vec<Option<String>>,
}

/// The result of `set_mapping`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct MappingResult {
    /// Required fields no column provides.
    pub missing_required: Vec<String>,
}

/// A saved mapping template.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Template {
    /// Its name.
    pub name: String,
    /// The normalised headings it applies to.
    pub headings: Vec<String>,
    /// One field key per heading, null for a custom merge field.
    pub fields: Vec<Option<String>>,
}

/// The `save_template` request.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SaveTemplateRequest {
    /// The list whose current mapping is saved.
    pub list_id: String,
    /// Template name, 1 to 100 characters.
    pub name: String,
}
