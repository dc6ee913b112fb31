//! Checks of a zip-based workbook made before any of it is handed to the spreadsheet
//! parser, which would otherwise inflate and allocate whatever the file claims.

use std::io::{Cursor, Read};

use memchr::memmem;

use super::markers::XlsxMarkers;
use super::ods_scan::{self, OdsContent};
use crate::error::Limit;
use crate::format::zip_format;
use crate::{Format, Limits, ReadError};

type Archive<'a> = zip::ZipArchive<Cursor<&'a [u8]>>;

/// Checks the archive's entry count, the uncompressed sizes its central directory
/// declares, the bytes its entries really inflate to, and that no XML part declares a
/// document type (the vehicle of entity-expansion attacks such as "billion laughs";
/// OOXML and ODF never use one). Returns the spreadsheet format the archive holds.
pub(crate) fn inspect_zip(bytes: &[u8], limits: &Limits) -> Result<ZipInspection, ReadError> {
    let mut archive =
        zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| match first_entry_format(bytes) {
            Some(format) => ReadError::DamagedWorkbook { format },
            None => ReadError::UnsupportedFormat {
                found: "a damaged or unsupported zip archive",
            },
        })?;
    if archive.len() > limits.max_zip_entries {
        let found = archive.len() as u64;
        let max = limits.max_zip_entries as u64;
        return Err(ReadError::limit(Limit::ZipEntries, found, max, None));
    }
    let format = zip_format(&mut archive)?;
    check_declared_sizes(&mut archive, format, limits)?;
    let xlsx = check_inflated_parts(&mut archive, format, limits)?;
    let mut ods = OdsContent::default();
    if format == Format::Ods {
        let entry = archive
            .by_name("content.xml")
            .map_err(|error| damaged(Format::Ods, error))?;
        ods = ods_scan::scan_content(entry, limits)?;
    }
    Ok(ZipInspection { format, ods, xlsx })
}

/// Guesses the workbook format of a zip archive whose central directory (at its end) is
/// missing, as in a file cut short, from the name of its first entry. Spreadsheet
/// programs write `[Content_Types].xml` or an `xl/` or `_rels/` part first in XLSX, and
/// ODF requires an uncompressed `mimetype` entry first.
fn first_entry_format(bytes: &[u8]) -> Option<Format> {
    // A local file header stores the name length at offset 26 and the name at 30.
    let name_len = u16::from_le_bytes(bytes.get(26..28)?.try_into().ok()?) as usize;
    let name = bytes.get(30..30 + name_len)?;
    let after_name = bytes.get(30 + name_len..)?;
    if name == b"mimetype" {
        let is_ods = after_name
            .windows(ODS_MEDIA_TYPE.len())
            .take(64)
            .any(|window| window == ODS_MEDIA_TYPE);
        return is_ods.then_some(Format::Ods);
    }
    let xlsx_parts: [&[u8]; 4] = [b"[Content_Types].xml", b"_rels/", b"xl/", b"docProps/"];
    if xlsx_parts.iter().any(|part| name.starts_with(part)) {
        return Some(Format::Xlsx);
    }
    None
}

const ODS_MEDIA_TYPE: &[u8] = b"application/vnd.oasis.opendocument.spreadsheet";

/// The facts [`inspect_zip`] found out about a workbook.
#[derive(Debug)]
pub(crate) struct ZipInspection {
    pub(crate) format: Format,
    /// The facts an ODS workbook's content shows that calamine does not report.
    pub(crate) ods: OdsContent,
    /// Elements the parts of an XLSX workbook may contain, which tell the loader which
    /// further passes over the sheet it can skip.
    pub(crate) xlsx: XlsxMarkers,
}

pub(super) fn damaged(format: Format, reason: impl std::fmt::Display) -> ReadError {
    ReadError::spreadsheet(format, reason)
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
/// the sizes in the central directory can lie. Returns the markers found in the parts
/// of an XLSX workbook.
fn check_inflated_parts(
    archive: &mut Archive<'_>,
    format: Format,
    limits: &Limits,
) -> Result<XlsxMarkers, ReadError> {
    let doctype = memmem::Finder::new(b"<!DOCTYPE");
    let mut markers = XlsxMarkers::default();
    let mut inflated: u64 = 0;
    let mut buffer = vec![0u8; 64 * 1024];
    // The last bytes of the previous chunk, so a declaration or marker split between two
    // reads is still found. It is at least the longest searched text less one byte.
    const OVERLAP: usize = 16;
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
            // Every part is searched, not only `xl/worksheets/`: the workbook's
            // relationships may place a sheet anywhere in the archive.
            if format == Format::Xlsx {
                markers.scan(&buffer[..filled]);
            }
            carried = OVERLAP.min(filled);
            buffer.copy_within(filled - carried..filled, 0);
        }
    }
    Ok(markers)
}
