//! Reading, column mapping and validation of mailing lists.
//!
//! The crate opens CSV and spreadsheet files (format detected from content), yields
//! their data rows as [`Record`]s with the row numbers a user sees in Excel, maps
//! headings to canonical address fields and checks every row against table-driven rules.
//! It performs no network access and knows nothing of the desktop shell or the service.

mod error;
mod format;
mod header;
mod index;
mod limits;
mod open;
mod record;
mod sheet;
mod source;
mod text;

pub use error::{Limit, ReadError};
pub use format::Format;
pub use limits::Limits;
pub use open::{
    EncodingCheck, ListInfo, ListReader, MergedRegion, OpenOptions, Progress, ProgressUnit,
    SheetChoice, UncalculatedFormulas,
};
pub use record::{CellKind, Record};

mod fields;
pub mod mapping;
mod report;
pub mod validate;

pub use fields::{Field, UnknownField};
pub use mapping::{Column, ColumnMapping, ExplicitMapping, MappingError, TemplateStore};
pub use report::{DEFAULT_ISSUE_LIMIT, RowCounts, ValidationReport, validate_list};
pub use validate::{
    Country, Issue, IssueCode, RULES, RowStatus, Rule, Severity, ValidateOptions, Validator,
};
