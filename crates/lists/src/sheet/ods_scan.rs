//! A pass over an ODS `content.xml` before calamine reads it: the cells each table claims
//! through repeat attributes, and the merged regions, which calamine does not report.

use std::io::{BufReader, Read};

use calamine::Dimensions;
use quick_xml::events::{BytesStart, Event};

use super::guard::damaged;
use crate::error::Limit;
use crate::{Format, Limits, ReadError};

/// The findings of the pass over `content.xml`, by table name.
#[derive(Debug, Default)]
pub(crate) struct OdsContent {
    /// Merged regions.
    pub(crate) merged: Vec<(String, Dimensions)>,
    /// Numeric cells shown with leading zeros (a ZIP code in a `00000` format), with the
    /// displayed text, at 0-based (row, column).
    pub(crate) shown: Vec<(String, (u32, u32), String)>,
}

/// A numeric cell whose displayed text is being read.
#[derive(Debug)]
struct Shown {
    position: (u32, u32),
    value: f64,
    text: String,
}

/// Longest displayed text kept for a numeric cell, in bytes; identifiers are short.
const MAX_SHOWN_BYTES: usize = 32;

/// Adds up the cells each ODS table claims through its repeat attributes, so a 1 KB file
/// claiming billions of cells is rejected. The count follows calamine's layout: from the
/// first to the last row with a value, as wide as the widest such row.
///
/// Also collects the merged regions and the displayed text of zero-padded numbers, which
/// calamine does not report.
pub(crate) fn scan_content(content: impl Read, limits: &Limits) -> Result<OdsContent, ReadError> {
    let mut xml = quick_xml::Reader::from_reader(BufReader::new(content));
    let mut buf = Vec::new();
    let mut name = String::new();
    let mut table = TableClaim::default();
    let mut row = RowClaim::default();
    let mut found = OdsContent::default();
    let mut shown: Option<Shown> = None;
    loop {
        let event = xml
            .read_event_into(&mut buf)
            .map_err(|error| damaged(Format::Ods, error))?;
        match event {
            Event::Start(ref element) | Event::Empty(ref element) if is(element, "table:table") => {
                table = TableClaim::default();
                name = attribute(element, "table:name").unwrap_or_default();
            }
            Event::Start(ref element) if is(element, "table:table-row") => {
                row = RowClaim::new(number(element, "table:number-rows-repeated")?);
            }
            Event::Empty(ref element) if is(element, "table:table-row") => {
                let repeats = number(element, "table:number-rows-repeated")?;
                table.add_row(&RowClaim::new(repeats));
            }
            Event::End(ref element) if element.name().as_ref() == "table:table-row" => {
                table.add_row(&row);
                row = RowClaim::default();
            }
            Event::Start(ref element) | Event::Empty(ref element) if is_cell(element) => {
                let start = matches!(event, Event::Start(_));
                if let Some(region) = merged_region(element, table.rows, row.columns)? {
                    found.merged.push((name.clone(), region));
                }
                let repeats = number(element, "table:number-columns-repeated")?;
                if start && repeats == 1 && row.repeats <= 1 {
                    shown = numeric_cell(element, table.rows, row.columns);
                }
                // A cell with content (a start tag) or a value type has a value.
                let has_value = start || attribute(element, "office:value-type").is_some();
                row.add_cell(repeats, has_value);
            }
            Event::Text(ref text) => {
                if let Some(cell) = shown
                    .as_mut()
                    .filter(|cell| cell.text.len() <= MAX_SHOWN_BYTES)
                {
                    cell.text.push_str(text);
                }
            }
            Event::End(ref element) if is_cell_end(element.name().as_ref()) => {
                if let Some(cell) = shown.take().filter(shows_leading_zeros) {
                    found.shown.push((name.clone(), cell.position, cell.text));
                }
            }
            Event::End(ref element) if element.name().as_ref() == "table:table" => {
                let claimed = table.cells();
                if claimed > limits.max_cells {
                    let max = limits.max_cells;
                    return Err(ReadError::limit(Limit::Cells, claimed, max, None));
                }
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    Ok(found)
}

/// Starts reading the displayed text of a float cell at 0-based (`row`, `column`).
fn numeric_cell(element: &BytesStart<'_>, row: u64, column: u64) -> Option<Shown> {
    if attribute(element, "office:value-type").as_deref() != Some("float") {
        return None;
    }
    let value = attribute(element, "office:value")?.trim().parse().ok()?;
    let position = (u32::try_from(row).ok()?, u32::try_from(column).ok()?);
    Some(Shown {
        position,
        value,
        text: String::new(),
    })
}

/// Returns true when a non-negative integer is shown zero-padded: only digits, hyphens and
/// spaces, starting with `0`, and the digits read back as the value.
fn shows_leading_zeros(cell: &Shown) -> bool {
    let text = cell.text.trim();
    let padded = text.len() > 1
        && text.starts_with('0')
        && text
            .bytes()
            .all(|byte| byte.is_ascii_digit() || byte == b'-' || byte == b' ');
    let digits: String = text.chars().filter(char::is_ascii_digit).collect();
    padded && cell.value.fract() == 0.0 && digits.parse::<f64>().ok() == Some(cell.value)
}

fn is_cell_end(name: &str) -> bool {
    name == "table:table-cell" || name == "table:covered-table-cell"
}

/// Returns the region a cell at 0-based (`row`, `column`) spans, when it spans more than
/// itself.
fn merged_region(
    element: &BytesStart<'_>,
    row: u64,
    column: u64,
) -> Result<Option<Dimensions>, ReadError> {
    let rows = number(element, "table:number-rows-spanned")?.max(1);
    let columns = number(element, "table:number-columns-spanned")?.max(1);
    if rows == 1 && columns == 1 {
        return Ok(None);
    }
    // Positions past the format's range saturate, and the cell limit then rejects them.
    let clamp = |value: u64| u32::try_from(value).unwrap_or(u32::MAX);
    let start = (clamp(row), clamp(column));
    let end = (
        clamp(row.saturating_add(rows - 1)),
        clamp(column.saturating_add(columns - 1)),
    );
    Ok(Some(Dimensions { start, end }))
}

fn attribute(element: &BytesStart<'_>, name: &str) -> Option<String> {
    let value = element.try_get_attribute(name).ok().flatten()?;
    Some(value.value.into_owned())
}

fn is(element: &BytesStart<'_>, name: &str) -> bool {
    element.name().as_ref() == name
}

fn is_cell(element: &BytesStart<'_>) -> bool {
    is(element, "table:table-cell") || is(element, "table:covered-table-cell")
}

/// Returns a numeric attribute such as a repeat or span count, 1 when it is absent.
fn number(element: &BytesStart<'_>, name: &str) -> Result<u64, ReadError> {
    let Some(value) = element.try_get_attribute(name).ok().flatten() else {
        return Ok(1);
    };
    value
        .value
        .trim()
        .parse::<u64>()
        .ok()
        .ok_or_else(|| damaged(Format::Ods, "a repeat or span count is not a number"))
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
    fn scan_content_finds_spans_and_claims() {
        let content = r#"<office:document-content><office:body><office:spreadsheet>
            <table:table table:name="First"><table:table-row table:number-rows-repeated="2">
            <table:table-cell office:value-type="string"><text:p>x</text:p></table:table-cell>
            </table:table-row><table:table-row><table:table-cell table:number-columns-repeated="3"/>
            <table:table-cell office:value-type="float" table:number-rows-spanned="4"
            table:number-columns-spanned="2"/></table:table-row></table:table>
            </office:spreadsheet></office:body></office:document-content>"#;
        let merged = scan_content(content.as_bytes(), &Limits::default())
            .unwrap()
            .merged;
        assert_eq!(merged.len(), 1);
        assert_eq!(merged[0].0, "First");
        assert_eq!(merged[0].1.start, (2, 3));
        assert_eq!(merged[0].1.end, (5, 4));

        let limits = Limits {
            max_cells: 8,
            ..Limits::default()
        };
        // Rows 0 to 2 with values, 4 columns wide: 12 cells.
        let error = scan_content(content.as_bytes(), &limits).unwrap_err();
        assert!(
            error.to_string().contains("is 12, over the limit of 8"),
            "{error}"
        );
    }

    #[test]
    fn scan_content_keeps_zero_padded_text() {
        let content = r#"<office:document-content><table:table table:name="Zips"><table:table-row>
            <table:table-cell office:value-type="float" office:value="2101"><text:p>02101</text:p></table:table-cell>
            <table:table-cell office:value-type="float" office:value="2101"><text:p>2,101</text:p></table:table-cell>
            <table:table-cell office:value-type="float" office:value="21011234"><text:p>02101-1234</text:p></table:table-cell>
            <table:table-cell office:value-type="string"><text:p>02101</text:p></table:table-cell>
            <table:table-cell office:value-type="float" office:value="7"><text:p>00008</text:p></table:table-cell>
            </table:table-row></table:table></office:document-content>"#;
        let shown = scan_content(content.as_bytes(), &Limits::default())
            .unwrap()
            .shown;
        let cells: Vec<((u32, u32), &str)> = shown
            .iter()
            .map(|(_, position, text)| (*position, text.as_str()))
            .collect();
        assert_eq!(cells, [((0, 0), "02101"), ((0, 2), "02101-1234")]);
        assert!(shown.iter().all(|(table, _, _)| table == "Zips"));
    }

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
