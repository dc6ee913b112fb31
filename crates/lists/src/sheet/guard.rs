//! Checks of a zip-based workbook made before any of it is handed to the spreadsheet
//! parser, which would otherwise inflate and allocate whatever the file claims.

use std::io::{BufReader, Cursor, Read};

use memchr::memmem;
use quick_xml::events::{BytesStart, Event};

use crate::error::Limit;
use crate::format::zip_format;
use crate::{Format, Limits, ReadError};

type Archive<'a> = zip::ZipArchive<Cursor<&'a [u8]>>;

/// Checks the archive's entry count, the uncompressed sizes its central directory
/// declares, the bytes its entries really inflate to, and that no XML part declares a
/// document type (the vehicle of entity-expansion attacks such as "billion laughs";
/// OOXML and ODF never use one). Returns the spreadsheet format the archive holds.
pub(crate) fn inspect_zip(bytes: &[u8], limits: &Limits) -> Result<Format, ReadError> {
    let mut archive =
        zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| ReadError::UnsupportedFormat {
            found: "a damaged or unsupported zip archive",
        })?;
    if archive.len() > limits.max_zip_entries {
        let found = archive.len() as u64;
        let max = limits.max_zip_entries as u64;
        return Err(ReadError::limit(Limit::ZipEntries, found, max, None));
    }
    let format = zip_format(&archive)?;
    check_declared_sizes(&mut archive, format, limits)?;
    check_inflated_parts(&mut archive, format, limits)?;
    if format == Format::Ods {
        check_ods_cells(&mut archive, limits)?;
    }
    Ok(format)
}

fn damaged(format: Format, reason: impl ToString) -> ReadError {
    ReadError::Spreadsheet {
        format,
        reason: reason.to_string(),
    }
}

fn check_declared_sizes(
    archive: &mut Archive<'_>,
    format: Format,
    limits: &Limits,
) -> Result<(), ReadError> {
    let mut declared: u64 = 0;
    for index in 0..archive.len() {
        let entry = archive
            .by_index_raw(index)
            .map_err(|error| damaged(format, error))?;
        declared = declared.saturating_add(entry.size());
    }
    if declared > limits.max_decompressed_bytes {
        let max = limits.max_decompressed_bytes;
        return Err(ReadError::limit(
            Limit::DecompressedBytes,
            declared,
            max,
            None,
        ));
    }
    Ok(())
}

/// Inflates every entry into a small buffer, counting bytes across all of them, because
/// the sizes in the central directory can lie.
fn check_inflated_parts(
    archive: &mut Archive<'_>,
    format: Format,
    limits: &Limits,
) -> Result<(), ReadError> {
    let doctype = memmem::Finder::new(b"<!DOCTYPE");
    let mut inflated: u64 = 0;
    let mut buffer = vec![0u8; 64 * 1024];
    // The last bytes of the previous chunk, so a declaration split between two reads is
    // still found.
    const OVERLAP: usize = 8;
    for index in 0..archive.len() {
        let mut entry = archive
            .by_index(index)
            .map_err(|error| damaged(format, error))?;
        let mut carried = 0;
        loop {
            let read = entry
                .read(&mut buffer[carried..])
                .map_err(|error| damaged(format, error))?;
            if read == 0 {
                break;
            }
            inflated += read as u64;
            if inflated > limits.max_decompressed_bytes {
                let max = limits.max_decompressed_bytes;
                return Err(ReadError::limit(
                    Limit::DecompressedBytes,
                    inflated,
                    max,
                    None,
                ));
            }
            let filled = carried + read;
            if doctype.find(&buffer[..filled]).is_some() {
                return Err(damaged(
                    format,
                    "an XML part declares a document type (DTD), which workbooks never use \
                     and which can hide an entity-expansion attack",
                ));
            }
            carried = OVERLAP.min(filled);
            buffer.copy_within(filled - carried..filled, 0);
        }
    }
    Ok(())
}

/// Adds up the cells each ODS table claims through its repeat attributes, so a 1 KB file
/// claiming billions of cells is rejected. The count follows calamine's layout: from the
/// first to the last row with a value, as wide as the widest such row.
fn check_ods_cells(archive: &mut Archive<'_>, limits: &Limits) -> Result<(), ReadError> {
    let entry = archive
        .by_name("content.xml")
        .map_err(|error| damaged(Format::Ods, error))?;
    let mut xml = quick_xml::Reader::from_reader(BufReader::new(entry));
    let mut buf = Vec::new();
    let mut table = TableClaim::default();
    let mut row = RowClaim::default();
    loop {
        let event = xml
            .read_event_into(&mut buf)
            .map_err(|error| damaged(Format::Ods, error))?;
        match event {
            Event::Start(element) | Event::Empty(element) if is(&element, "table:table") => {
                table = TableClaim::default();
            }
            Event::Start(ref element) if is(element, "table:table-row") => {
                row = RowClaim::new(repeat(element, "table:number-rows-repeated")?);
            }
            Event::Empty(ref element) if is(element, "table:table-row") => {
                table.add_row(&RowClaim::new(repeat(
                    element,
                    "table:number-rows-repeated",
                )?));
            }
            Event::End(ref element) if element.name().as_ref() == "table:table-row" => {
                table.add_row(&row);
                row = RowClaim::default();
            }
            Event::Start(ref element) if is_cell(element) => {
                row.add_cell(repeat(element, "table:number-columns-repeated")?, true);
            }
            Event::Empty(ref element) if is_cell(element) => {
                let has_value = element
                    .try_get_attribute("office:value-type")
                    .ok()
                    .flatten()
                    .is_some();
                row.add_cell(repeat(element, "table:number-columns-repeated")?, has_value);
            }
            Event::End(ref element) if element.name().as_ref() == "table:table" => {
                let claimed = table.cells();
                if claimed > limits.max_cells {
                    return Err(ReadError::limit(
                        Limit::Cells,
                        claimed,
                        limits.max_cells,
                        None,
                    ));
                }
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    Ok(())
}

fn is(element: &BytesStart<'_>, name: &str) -> bool {
    element.name().as_ref() == name
}

fn is_cell(element: &BytesStart<'_>) -> bool {
    is(element, "table:table-cell") || is(element, "table:covered-table-cell")
}

fn repeat(element: &BytesStart<'_>, attribute: &str) -> Result<u64, ReadError> {
    let Some(value) = element.try_get_attribute(attribute).ok().flatten() else {
        return Ok(1);
    };
    value
        .value
        .trim()
        .parse::<u64>()
        .ok()
        .ok_or_else(|| damaged(Format::Ods, "a repeat count is not a number"))
}

#[derive(Debug, Default)]
struct RowClaim {
    repeats: u64,
    /// Columns up to and including the last cell with a value.
    width: u64,
    /// Columns seen so far.
    columns: u64,
}

impl RowClaim {
    fn new(repeats: u64) -> Self {
        Self {
            repeats,
            ..Self::default()
        }
    }

    fn add_cell(&mut self, repeats: u64, has_value: bool) {
        self.columns = self.columns.saturating_add(repeats);
        if has_value {
            self.width = self.columns;
        }
    }
}

#[derive(Debug, Default)]
struct TableClaim {
    /// Rows seen so far, repeats included.
    rows: u64,
    /// First row with a value, 0-based.
    first: Option<u64>,
    /// Rows up to and including the last row with a value.
    end: u64,
    width: u64,
}

impl TableClaim {
    fn add_row(&mut self, row: &RowClaim) {
        let repeats = row.repeats.max(1);
        if row.width > 0 {
            self.first.get_or_insert(self.rows);
            self.end = self.rows.saturating_add(repeats);
            self.width = self.width.max(row.width);
        }
        self.rows = self.rows.saturating_add(repeats);
    }

    fn cells(&self) -> u64 {
        let rows = self.end.saturating_sub(self.first.unwrap_or(self.end));
        rows.saturating_mul(self.width)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_claim_counts_repeats() {
        let mut table = TableClaim::default();
        let mut title = RowClaim::new(1);
        title.add_cell(1, true);
        table.add_row(&title);
        table.add_row(&RowClaim::new(5));
        let mut data = RowClaim::new(1000);
        data.add_cell(3, false);
        data.add_cell(1000, true);
        table.add_row(&data);
        let mut trailing = RowClaim::new(1_000_000);
        trailing.add_cell(1024, false);
        table.add_row(&trailing);
        // Rows 0 to 1005 with values, 1003 columns wide.
        assert_eq!(table.cells(), 1006 * 1003);
    }
}
