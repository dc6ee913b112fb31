//! Opening a workbook with calamine and loading one sheet into a [`Grid`].

use std::collections::HashMap;
use std::io::Cursor;

use calamine::{
    Data, DataRef, Dimensions, Ods, Reader, SheetVisible, Xls, Xlsb, XlsbError, Xlsx, XlsxError,
};

use super::grid::{Grid, GridBuilder};
use super::guard::ZipInspection;
use super::markers::XlsxMarkers;
use super::number_format::DigitFormat;
use super::ods_scan::OdsContent;
use super::render::render;
use super::xls_formats::XlsDigitFormats;
use crate::{CellKind, Format, Limits, ReadError, SheetChoice, UncalculatedFormulas};

pub(super) type Bytes = Cursor<Vec<u8>>;

/// An open workbook of any supported format.
pub(crate) enum Workbook {
    /// An XLSX workbook with the markers of the elements its parts may contain.
    Xlsx(Box<Xlsx<Bytes>>, XlsxMarkers),
    Xlsb(Box<Xlsb<Bytes>>),
    /// An XLS workbook with the digit formats of its numeric cells.
    Xls(Box<Xls<Bytes>>, XlsDigitFormats),
    /// An ODS workbook with the facts its content shows that calamine does not report.
    Ods(Box<Ods<Bytes>>, OdsContent),
}

impl std::fmt::Debug for Workbook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Workbook").field(&self.format()).finish()
    }
}

/// Sheet names and everything loaded from one of them.
#[derive(Debug)]
pub(crate) struct LoadedSheet {
    pub(crate) name: String,
    pub(crate) grid: Grid,
    /// Merged regions as 0-based, inclusive dimensions.
    pub(crate) merged: Vec<Dimensions>,
    pub(crate) uncalculated: UncalculatedFormulas,
}

fn failed(format: Format, error: impl std::fmt::Display) -> ReadError {
    ReadError::spreadsheet(format, error)
}

impl Workbook {
    /// Opens an XLS workbook that [`inspect_ole`](super::xls_guard::inspect_ole) has
    /// checked.
    pub(crate) fn open_xls(bytes: Vec<u8>, formats: XlsDigitFormats) -> Result<Self, ReadError> {
        match Xls::new(Cursor::new(bytes)) {
            Ok(workbook) => Ok(Workbook::Xls(Box::new(workbook), formats)),
            Err(calamine::XlsError::Password) => Err(ReadError::PasswordProtected),
            Err(error) => Err(failed(Format::Xls, error)),
        }
    }

    /// Opens a zip-based workbook that [`inspect_zip`](super::guard::inspect_zip) has
    /// checked, keeping what that check found out.
    pub(crate) fn open_zip(inspection: ZipInspection, bytes: Vec<u8>) -> Result<Self, ReadError> {
        let ZipInspection { format, ods, xlsx } = inspection;
        let cursor = Cursor::new(bytes);
        match format {
            Format::Xlsx => match Xlsx::new(cursor) {
                Ok(book) => Ok(Workbook::Xlsx(Box::new(book), xlsx)),
                Err(XlsxError::Password) => Err(ReadError::PasswordProtected),
                Err(error) => Err(failed(format, error)),
            },
            Format::Xlsb => match Xlsb::new(cursor) {
                Ok(book) => Ok(Workbook::Xlsb(Box::new(book))),
                Err(XlsbError::Password) => Err(ReadError::PasswordProtected),
                Err(error) => Err(failed(format, error)),
            },
            Format::Ods => match Ods::new(cursor) {
                Ok(book) => Ok(Workbook::Ods(Box::new(book), ods)),
                Err(calamine::OdsError::Password) => Err(ReadError::PasswordProtected),
                Err(error) => Err(failed(format, error)),
            },
            Format::Xls | Format::Csv => Err(failed(format, "not a zip-based format")),
        }
    }

    pub(crate) fn format(&self) -> Format {
        match self {
            Workbook::Xlsx(..) => Format::Xlsx,
            Workbook::Xlsb(_) => Format::Xlsb,
            Workbook::Xls(..) => Format::Xls,
            Workbook::Ods(..) => Format::Ods,
        }
    }

    pub(crate) fn sheet_names(&self) -> Vec<String> {
        match self {
            Workbook::Xlsx(book, _) => book.sheet_names(),
            Workbook::Xlsb(book) => book.sheet_names(),
            Workbook::Xls(book, _) => book.sheet_names(),
            Workbook::Ods(book, _) => book.sheet_names(),
        }
    }

    /// Loads the chosen sheet, or the first visible sheet with data when `choice` is
    /// `None` (a hidden sheet with data when no visible one has any).
    ///
    /// NOTE: XLSB merged regions are not reported, because calamine does not read them.
    ///
    /// NOTE: zero-padded numbers are shown as displayed in XLSX, XLS and ODS only. calamine
    /// does not expose XLSB cell formats, so there such a ZIP shows without its leading
    /// zeros (and has kind `Number`).
    pub(crate) fn load(
        &mut self,
        choice: Option<&SheetChoice>,
        limits: Limits,
    ) -> Result<LoadedSheet, ReadError> {
        let names = self.sheet_names();
        let name = match choice {
            Some(SheetChoice::Name(name)) => {
                names.iter().find(|candidate| *candidate == name).cloned()
            }
            Some(SheetChoice::Index(index)) => names.get(*index).cloned(),
            None => None,
        };
        if let Some(choice) = choice {
            let Some(name) = name else {
                let wanted = match choice {
                    SheetChoice::Name(name) => format!("named {name:?}"),
                    SheetChoice::Index(index) => format!("at index {index} (counting from 0)"),
                };
                return Err(ReadError::SheetNotFound {
                    wanted,
                    available: names.join(", "),
                });
            };
            return self.load_named(&name, limits);
        }
        // Visible sheets come first: a hidden sheet usually holds lookups, not the list.
        let visible = self.visible_names();
        let mut ordered = names.clone();
        ordered.sort_by_key(|name| !visible.contains(name));
        for name in &ordered {
            let loaded = self.load_named(name, limits)?;
            if !loaded.grid.is_empty() {
                return Ok(loaded);
            }
        }
        Err(ReadError::NoData)
    }

    /// Returns the names of the sheets that are not hidden.
    fn visible_names(&self) -> Vec<String> {
        let sheets = match self {
            Workbook::Xlsx(book, _) => book.sheets_metadata(),
            Workbook::Xlsb(book) => book.sheets_metadata(),
            Workbook::Xls(book, _) => book.sheets_metadata(),
            Workbook::Ods(book, _) => book.sheets_metadata(),
        };
        sheets
            .iter()
            .filter(|sheet| sheet.visible == SheetVisible::Visible)
            .map(|sheet| sheet.name.clone())
            .collect()
    }

    fn load_named(&mut self, name: &str, limits: Limits) -> Result<LoadedSheet, ReadError> {
        let format = self.format();
        let mut builder = GridBuilder::new(limits);
        let mut merged = Vec::new();
        let mut uncalculated = UncalculatedFormulas::default();
        match self {
            Workbook::Xlsx(book, markers) => {
                let mut cells = book
                    .worksheet_cells_reader(name)
                    .map_err(|error| failed(format, error))?;
                let digit_formats: Vec<Option<DigitFormat>> = cells
                    .styles()
                    .iter()
                    .map(|style| {
                        let number = style.number_format.as_ref()?;
                        DigitFormat::parse(&number.format_code)
                    })
                    .collect();
                let mut empty_cells = 0_u64;
                loop {
                    let next = cells.next_cell_with_style_id();
                    let Some((cell, style)) = next.map_err(|error| failed(format, error))? else {
                        break;
                    };
                    if matches!(cell.get_value(), DataRef::Empty) {
                        empty_cells += 1;
                    }
                    let digits = digit_formats.get(style).and_then(Option::as_ref);
                    push_formatted(&mut builder, cell.get_position(), cell.get_value(), digits)?;
                }
                drop(cells);
                // A formula without a saved value reads as an empty cell, so the second
                // pass over the sheet is needed only when there are empty cells and the
                // workbook may contain a formula element.
                if empty_cells > 0 && markers.formulas {
                    uncalculated = super::formulas::uncalculated_xlsx(book, name)?;
                }
                // calamine parses the whole sheet again to reach its merged regions.
                if markers.merged_cells {
                    merged = book
                        .merge_cells_by_sheet_name(name)
                        .map_err(|error| failed(format, error))?;
                }
            }
            Workbook::Xlsb(book) => {
                let mut cells = book
                    .worksheet_cells_reader(name)
                    .map_err(|error| failed(format, error))?;
                while let Some(cell) = cells.next_cell().map_err(|error| failed(format, error))? {
                    push(&mut builder, cell.get_position(), cell.get_value())?;
                }
            }
            Workbook::Xls(book, formats) => {
                // calamine has parsed every XLS sheet when the workbook opened, after
                // `inspect_ole` checked the cell extents against the limits.
                let range = book
                    .worksheet_range(name)
                    .map_err(|error| failed(format, error))?;
                let sheet = book
                    .sheet_names()
                    .iter()
                    .position(|candidate| candidate == name);
                push_range_formatted(&mut builder, &range, |row, column| {
                    formats.get(sheet?, row, column)
                })?;
                merged = book.merge_cells_by_sheet_name(name).unwrap_or_default();
            }
            Workbook::Ods(book, ods) => {
                let range = book
                    .worksheet_range(name)
                    .map_err(|error| failed(format, error))?;
                let shown: HashMap<(u32, u32), &str> = ods
                    .shown
                    .iter()
                    .filter(|(sheet, _, _)| sheet == name)
                    .map(|(_, position, text)| (*position, text.as_str()))
                    .collect();
                push_range_shown(&mut builder, &range, &shown)?;
                merged = ods
                    .merged
                    .iter()
                    .filter(|(sheet, _)| sheet == name)
                    .map(|(_, region)| *region)
                    .collect();
            }
        }
        for region in &merged {
            if region.end.0 > region.start.0 {
                builder.fill_down(region.start.0, region.start.1, region.end.0);
            }
        }
        Ok(LoadedSheet {
            name: name.to_owned(),
            grid: builder.finish()?,
            merged,
            uncalculated,
        })
    }
}

fn push(
    builder: &mut GridBuilder,
    position: (u32, u32),
    value: &DataRef<'_>,
) -> Result<(), ReadError> {
    push_formatted(builder, position, value, None)
}

/// Adds a cell, showing a number in its zero-padded format when it has one.
fn push_formatted(
    builder: &mut GridBuilder,
    (row, column): (u32, u32),
    value: &DataRef<'_>,
    digits: Option<&DigitFormat>,
) -> Result<(), ReadError> {
    builder.push(row, column, |out| {
        let number = match value {
            DataRef::Float(number) => Some(*number),
            DataRef::Int(number) => Some(*number as f64),
            _ => None,
        };
        if let (Some(number), Some(digits)) = (number, digits)
            && digits.render(number, out)
        {
            return Some(CellKind::Number);
        }
        render(value, out)
    })
}

/// Adds the used cells of a loaded range, with the digit format `digits` gives for each
/// 0-based position.
fn push_range_formatted<'a>(
    builder: &mut GridBuilder,
    range: &calamine::Range<Data>,
    digits: impl Fn(u32, u32) -> Option<&'a DigitFormat>,
) -> Result<(), ReadError> {
    let (top, left) = range.start().unwrap_or((0, 0));
    for (row, column, value) in range.used_cells() {
        let value = data_ref(value);
        let position = (top + row as u32, left + column as u32);
        push_formatted(builder, position, &value, digits(position.0, position.1))?;
    }
    Ok(())
}

/// Adds the used cells of a loaded range, showing a number as `shown` gives it for its
/// 0-based position.
fn push_range_shown(
    builder: &mut GridBuilder,
    range: &calamine::Range<Data>,
    shown: &HashMap<(u32, u32), &str>,
) -> Result<(), ReadError> {
    let (top, left) = range.start().unwrap_or((0, 0));
    for (row, column, value) in range.used_cells() {
        let position = (top + row as u32, left + column as u32);
        let numeric = matches!(value, Data::Float(_) | Data::Int(_));
        match shown.get(&position).filter(|_| numeric) {
            Some(text) => builder.push(position.0, position.1, |out| {
                out.push_str(text);
                Some(CellKind::Number)
            })?,
            None => push(builder, position, &data_ref(value))?,
        }
    }
    Ok(())
}

/// Borrows an owned cell value as the reference type the renderer takes.
fn data_ref(value: &Data) -> DataRef<'_> {
    match value {
        Data::Int(number) => DataRef::Int(*number),
        Data::Float(number) => DataRef::Float(*number),
        Data::String(text) => DataRef::SharedString(text),
        Data::Bool(value) => DataRef::Bool(*value),
        Data::DateTime(value) => DataRef::DateTime(*value),
        Data::DateTimeIso(text) => DataRef::DateTimeIso(text.clone()),
        Data::DurationIso(text) => DataRef::DurationIso(text.clone()),
        Data::Error(error) => DataRef::Error(error.clone()),
        Data::Empty => DataRef::Empty,
    }
}
