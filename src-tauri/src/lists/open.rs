//! Opening a list: reader options from the request, automatic mapping or template.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::AtomicU64;

use sealpost_lists::{
    ColumnMapping, EncodingCheck, ListReader, OpenOptions, SheetChoice, TemplateStore,
};

use super::{OpenList, fields};
use crate::types::{AppError, ListSummary, OpenListRequest};

/// Opens the list the request names and applies the saved template that matches its
/// headings, or else the automatic mapping.
pub fn open_list(
    id: String,
    request: &OpenListRequest,
    templates: &TemplateStore,
) -> Result<OpenList, AppError> {
    let path = PathBuf::from(&request.path);
    if !path.is_absolute() {
        return Err(AppError::invalid_input(format!(
            "the list path {:?} is not absolute; choose the file again",
            request.path
        )));
    }
    let options = reader_options(request)?;
    let file_bytes = std::fs::metadata(&path)
        .map_err(|error| unreadable(&path, &error.to_string()))?
        .len();
    let reader =
        ListReader::open(&path, &options).map_err(|error| unreadable(&path, &error.to_string()))?;
    let info = reader.info().clone();

    let (mapping, template) = match templates.find(&info.headers) {
        Ok(Some((name, mapping))) => (mapping, Some(name.to_owned())),
        Ok(None) => (ColumnMapping::automatic(&info.headers), None),
        Err(error) => {
            log::warn!("ignoring a saved template that no longer fits: {error}");
            (ColumnMapping::automatic(&info.headers), None)
        }
    };
    let file_name = path
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_else(|| request.path.clone());

    Ok(OpenList {
        id,
        path,
        file_name,
        file_bytes,
        options,
        info,
        reader: Mutex::new(reader),
        mapping: Mutex::new(mapping),
        template: Mutex::new(template),
        results: Mutex::new(None),
        run: Mutex::new(None),
        generation: AtomicU64::new(0),
        encoding_failure: Mutex::new(None),
    })
}

impl OpenList {
    /// Returns the summary `open_list` sends to the UI.
    pub fn summary(&self) -> ListSummary {
        let info = self.info();
        let mapping = self.mapping();
        // The heading row is trusted when at least one heading names a known field; a
        // list with none may have its headings on another row.
        let header_confident = info.header_row.is_some()
            && mapping
                .columns()
                .iter()
                .any(|column| column.field.is_some());
        ListSummary {
            list_id: self.id.clone(),
            file_name: self.file_name.clone(),
            format: fields::list_format(info.format),
            encoding: info.encoding.clone(),
            delimiter: info.delimiter.map(String::from),
            sheets: info.sheets.clone(),
            sheet: info.sheet.clone(),
            header_row: info.header_row.unwrap_or(0) as u32,
            header_confident,
            columns: fields::columns(&mapping),
            template: self.template(),
            missing_required: fields::missing_required(&mapping),
            file_bytes: self.file_bytes,
        }
    }

    /// Opens a second reader on the same file with the same choices, for validation.
    pub(super) fn reopen(&self) -> Result<ListReader, AppError> {
        ListReader::open(&self.path, &self.options)
            .map_err(|error| unreadable(&self.path, &error.to_string()))
    }
}

fn reader_options(request: &OpenListRequest) -> Result<OpenOptions, AppError> {
    let mut options = OpenOptions {
        encoding: request.encoding.clone().filter(|label| !label.is_empty()),
        sheet: request.sheet.clone().map(SheetChoice::Name),
        header_row: request.header_row.map(u64::from),
        // The first page must not wait for a read of the whole file. The background
        // validation reads every row, and a row that is not UTF-8 then fails it with
        // `Utf8GuessFailed`, which also stops further pages.
        encoding_check: EncodingCheck::Sample,
        ..OpenOptions::default()
    };
    if let Some(delimiter) = request.delimiter.as_deref().filter(|text| !text.is_empty()) {
        let delimiter = match delimiter {
            "\\t" | "tab" => "\t",
            other => other,
        };
        let byte = match delimiter.as_bytes() {
            [byte] if byte.is_ascii() => *byte,
            _ => {
                return Err(AppError::invalid_input(format!(
                    "the delimiter {delimiter:?} is not one ASCII character; use , ; | or tab"
                )));
            }
        };
        options.delimiter = Some(byte);
    }
    if request.header_row == Some(0) {
        return Err(AppError::invalid_input(
            "the heading row 0 does not exist; rows start at 1",
        ));
    }
    Ok(options)
}

/// Returns the `list.unreadable` error, with the reader's explanation.
pub(super) fn unreadable(path: &Path, reason: &str) -> AppError {
    let name = path
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    AppError::new("list.unreadable", format!("cannot read {name}: {reason}"))
}
