//! Zero-padded number formats of XLS cells, which calamine does not expose: the Format
//! and XF records of the workbook globals give each cell style's format code, and the
//! numeric cell records name their style.

use std::collections::HashMap;

use super::number_format::DigitFormat;
use super::xls_guard::{BOF, BOUND_SHEET, EOF, MUL_RK, records, u16_at, u32_at};

const FORMAT: u16 = 0x041E;
const XF: u16 = 0x00E0;
const NUMBER: u16 = 0x0203;
const RK: u16 = 0x027E;
/// BIFF version number of Excel 97 and later in a BOF record.
const BIFF8: u32 = 0x0600;

/// The digit formats of the numeric cells that have one, per sheet in workbook order.
#[derive(Debug, Default)]
pub(crate) struct XlsDigitFormats {
    formats: Vec<DigitFormat>,
    /// For each sheet, (row, column) to an index into `formats`.
    sheets: Vec<HashMap<(u32, u32), usize>>,
}

impl XlsDigitFormats {
    /// Returns the digit format of the cell at 0-based (`row`, `column`) of the sheet at
    /// `sheet` in workbook order.
    pub(crate) fn get(&self, sheet: usize, row: u32, column: u32) -> Option<&DigitFormat> {
        let index = self.sheets.get(sheet)?.get(&(row, column))?;
        self.formats.get(*index)
    }
}

/// Reads the digit formats of a BIFF8 workbook stream; other versions get none.
pub(crate) fn read_digit_formats(stream: &[u8]) -> XlsDigitFormats {
    let mut found = XlsDigitFormats::default();
    let mut codes: HashMap<u32, usize> = HashMap::new();
    let mut styles: Vec<Option<usize>> = Vec::new();
    let mut positions = Vec::new();
    for (kind, data) in records(stream) {
        match kind {
            BOF if u16_at(data, 0) != Some(BIFF8) => return found,
            FORMAT => {
                let Some((id, code)) = format_record(data) else {
                    continue;
                };
                if let Some(format) = DigitFormat::parse(&code) {
                    codes.insert(id, found.formats.len());
                    found.formats.push(format);
                }
            }
            XF => styles.push(u16_at(data, 2).and_then(|id| codes.get(&id).copied())),
            BOUND_SHEET => positions.extend(u32_at(data, 0)),
            EOF => break,
            _ => {}
        }
    }
    if found.formats.is_empty() {
        return found;
    }
    for position in positions {
        let sheet = stream.get(position as usize..).unwrap_or_default();
        found.sheets.push(sheet_cells(sheet, &styles));
    }
    found
}

/// Decodes a BIFF8 Format record: the format id, then the code as a 16-bit character
/// count, a flags byte (bit 0 set for UTF-16) and the characters.
fn format_record(data: &[u8]) -> Option<(u32, String)> {
    let id = u16_at(data, 0)?;
    let count = u16_at(data, 2)? as usize;
    let wide = data.get(4)? & 1 != 0;
    let text = data.get(5..)?;
    let code = if wide {
        let units: Vec<u16> = text
            .chunks_exact(2)
            .take(count)
            .map(|pair| u16::from_le_bytes([pair[0], pair[1]]))
            .collect();
        String::from_utf16_lossy(&units)
    } else {
        // Compressed strings hold the low bytes of UTF-16 code units, which is Latin-1.
        text.iter()
            .take(count)
            .map(|&byte| char::from(byte))
            .collect()
    };
    Some((id, code))
}

/// Maps the numeric cells of one sheet whose style has a digit format to that format.
fn sheet_cells(sheet: &[u8], styles: &[Option<usize>]) -> HashMap<(u32, u32), usize> {
    let style_format = |style: Option<u32>| styles.get(style? as usize).copied().flatten();
    let mut cells = HashMap::new();
    let mut seen_bof = false;
    let mut depth = 0usize;
    for (kind, data) in records(sheet) {
        if depth > 0 {
            match kind {
                BOF => depth += 1,
                EOF => depth -= 1,
                _ => {}
            }
            continue;
        }
        match kind {
            BOF if seen_bof => {
                depth += 1;
                continue;
            }
            BOF => {
                seen_bof = true;
                continue;
            }
            EOF => break,
            _ => {}
        }
        let (Some(row), Some(column)) = (u16_at(data, 0), u16_at(data, 2)) else {
            continue;
        };
        match kind {
            NUMBER | RK => {
                if let Some(format) = style_format(u16_at(data, 4)) {
                    cells.insert((row, column), format);
                }
            }
            MUL_RK => {
                // Each cell is a 2-byte style and a 4-byte number after the row and the
                // first column.
                let body = data
                    .get(4..data.len().saturating_sub(2))
                    .unwrap_or_default();
                for (offset, cell) in body.chunks_exact(6).enumerate() {
                    if let Some(format) = style_format(u16_at(cell, 0)) {
                        cells.insert((row, column + offset as u32), format);
                    }
                }
            }
            _ => {}
        }
    }
    cells
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(kind: u16, data: &[u8]) -> Vec<u8> {
        let mut bytes = kind.to_le_bytes().to_vec();
        bytes.extend((data.len() as u16).to_le_bytes());
        bytes.extend(data);
        bytes
    }

    fn format(id: u16, code: &str) -> Vec<u8> {
        let mut data = id.to_le_bytes().to_vec();
        data.extend((code.len() as u16).to_le_bytes());
        data.push(0);
        data.extend(code.as_bytes());
        record(FORMAT, &data)
    }

    fn number(row: u16, column: u16, style: u16) -> Vec<u8> {
        let mut data = row.to_le_bytes().to_vec();
        data.extend(column.to_le_bytes());
        data.extend(style.to_le_bytes());
        data.extend(2101f64.to_le_bytes());
        record(NUMBER, &data)
    }

    #[test]
    fn digit_formats_follow_styles() {
        let bof = record(BOF, &[0x00, 0x06, 0x05, 0x00, 0, 0, 0, 0]);
        let mut globals = bof.clone();
        globals.extend(format(164, "00000"));
        globals.extend(format(165, "0.00"));
        // Style 0 uses the built-in General format, 1 the ZIP format, 2 two decimals.
        for id in [0u16, 164, 165] {
            let mut data = 0u16.to_le_bytes().to_vec();
            data.extend(id.to_le_bytes());
            globals.extend(record(XF, &data));
        }
        let bound_at = globals.len();
        globals.extend(record(BOUND_SHEET, &[0; 8]));
        globals.extend(record(EOF, &[]));
        let sheet_at = globals.len() as u32;
        globals[bound_at + 4..bound_at + 8].copy_from_slice(&sheet_at.to_le_bytes());
        globals.extend(bof.clone());
        globals.extend(number(1, 1, 1));
        globals.extend(number(1, 2, 2));
        globals.extend(number(1, 3, 0));
        globals.extend(record(EOF, &[]));
        // Records after the sheet's end belong to no sheet.
        globals.extend(bof);
        globals.extend(number(5, 5, 1));
        globals.extend(record(EOF, &[]));

        let found = read_digit_formats(&globals);
        let mut out = String::new();
        assert!(
            found
                .get(0, 1, 1)
                .is_some_and(|format| format.render(2101.0, &mut out))
        );
        assert_eq!(out, "02101");
        assert!(found.get(0, 1, 2).is_none());
        assert!(found.get(0, 1, 3).is_none());
        assert!(found.get(0, 5, 5).is_none());
        assert!(found.get(1, 1, 1).is_none());
    }
}
