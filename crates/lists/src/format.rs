//! Detection of a list's format from its first bytes, never from the file name.

use std::fmt;
use std::io::{Read, Seek};

use crate::ReadError;

/// The container format of a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    /// Delimited text: CSV, TSV, semicolon- or pipe-separated, in any supported encoding.
    Csv,
    /// Office Open XML workbook (XLSX or XLSM).
    Xlsx,
    /// Excel 97-2003 binary workbook.
    Xls,
    /// Excel binary workbook.
    Xlsb,
    /// OpenDocument spreadsheet.
    Ods,
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Format::Csv => "CSV",
            Format::Xlsx => "XLSX",
            Format::Xls => "XLS",
            Format::Xlsb => "XLSB",
            Format::Ods => "ODS",
        })
    }
}

/// The container kind that the first bytes of a file show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Container {
    /// A zip archive; its entries decide between XLSX, XLSB and ODS.
    Zip,
    /// An OLE2 compound file: an XLS workbook or an encrypted XLSX.
    Ole,
    /// Anything else that is not a known binary format.
    Text,
}

const ZIP_MAGIC: &[u8] = b"PK\x03\x04";
const ZIP_EMPTY_MAGIC: &[u8] = b"PK\x05\x06";
const OLE_MAGIC: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// Binary formats that people rename to `.csv` by mistake, with the name used in errors.
const OTHER_MAGIC: &[(&[u8], &str)] = &[
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"%PDF-", "a PDF document"),
    (&[0xFF, 0xD8, 0xFF], "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"7z\xBC\xAF\x27\x1C", "a 7-Zip archive"),
    (b"{\\rtf", "an RTF document"),
    (b"MZ", "a Windows program"),
    (b"\x7fELF", "a Linux program"),
];

/// Classifies a file by its first bytes (at least the first 8 when the file is longer).
pub(crate) fn sniff_container(head: &[u8]) -> Result<Container, ReadError> {
    if head.is_empty() {
        return Err(ReadError::Empty);
    }
    if head.starts_with(ZIP_MAGIC) || head.starts_with(ZIP_EMPTY_MAGIC) {
        return Ok(Container::Zip);
    }
    if head.starts_with(OLE_MAGIC) {
        return Ok(Container::Ole);
    }
    if let Some((_, found)) = OTHER_MAGIC
        .iter()
        .find(|(magic, _)| head.starts_with(magic))
    {
        return Err(ReadError::UnsupportedFormat { found });
    }
    Ok(Container::Text)
}

/// Decides which spreadsheet a zip archive contains from the names of its entries and,
/// for OpenDocument files, the media type in the `mimetype` entry.
pub(crate) fn zip_format<R: Read + Seek>(
    archive: &mut zip::ZipArchive<R>,
) -> Result<Format, ReadError> {
    let has = |archive: &zip::ZipArchive<R>, name: &str| archive.index_for_name(name).is_some();
    if has(archive, "xl/workbook.xml") {
        return Ok(Format::Xlsx);
    }
    if has(archive, "xl/workbook.bin") {
        return Ok(Format::Xlsb);
    }
    if has(archive, "content.xml") {
        return match opendocument_type(archive).as_deref() {
            None | Some(ODS_MEDIA_TYPE) => Ok(Format::Ods),
            Some(_) => Err(ReadError::UnsupportedFormat {
                found: "an OpenDocument file that is not a spreadsheet",
            }),
        };
    }
    let found = if has(archive, "word/document.xml") {
        "a Word document"
    } else if has(archive, "ppt/presentation.xml") {
        "a PowerPoint presentation"
    } else {
        "a zip archive that holds no spreadsheet"
    };
    Err(ReadError::UnsupportedFormat { found })
}

const ODS_MEDIA_TYPE: &str = "application/vnd.oasis.opendocument.spreadsheet";

/// Returns the media type an OpenDocument package names in its `mimetype` entry, read up
/// to 100 bytes, or `None` when the entry is missing or unreadable.
fn opendocument_type<R: Read + Seek>(archive: &mut zip::ZipArchive<R>) -> Option<String> {
    let entry = archive.by_name("mimetype").ok()?;
    let mut media_type = String::new();
    entry.take(100).read_to_string(&mut media_type).ok()?;
    Some(media_type.trim().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniff_container_by_magic() {
        let cases: &[(&[u8], Option<Container>)] = &[
            (b"PK\x03\x04rest", Some(Container::Zip)),
            (
                &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0],
                Some(Container::Ole),
            ),
            (b"name,postcode\n", Some(Container::Text)),
            (b"\xEF\xBB\xBFname", Some(Container::Text)),
            (b"\xFF\xFEn\x00", Some(Container::Text)),
            (b"\x89PNG\r\n\x1a\n\0\0", None),
            (b"%PDF-1.7", None),
        ];
        for (head, expected) in cases {
            let got = sniff_container(head).ok();
            assert_eq!(got, *expected, "head {head:?}");
        }
    }

    #[test]
    fn sniff_container_rejects_empty() {
        assert!(matches!(sniff_container(b""), Err(ReadError::Empty)));
    }

    #[test]
    fn sniff_container_names_pdf() {
        let message = sniff_container(b"%PDF-1.4\n").unwrap_err().to_string();
        assert!(message.contains("PDF"), "{message}");
    }
}
